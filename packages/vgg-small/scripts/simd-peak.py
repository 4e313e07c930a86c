"""Native (PyTorch, one thread) rates for scripts/simd-peak.ts: a 2048x2048 float32 product and the
forward convolutions given as JSON on argv[1]. Prints one JSON line."""
import json, sys, time
import torch

torch.set_num_threads(1)


def median_s(f, reps=3):
    f()
    t = []
    for _ in range(reps):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    return sorted(t)[len(t) // 2]


a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
out = {"mm_gflops": 2 * 2048**3 / median_s(lambda: torch.mm(a, b)) / 1e9, "conv_ms": []}
with torch.no_grad():
    for l in json.loads(sys.argv[1]):
        x = torch.randn(l["batch"], l["c"], l["size"], l["size"])
        conv = torch.nn.Conv2d(l["c"], l["f"], 3, padding=1)
        out["conv_ms"].append(1000 * median_s(lambda: conv(x)))
print(json.dumps(out))
