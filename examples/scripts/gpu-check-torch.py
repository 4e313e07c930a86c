"""PyTorch anchor of the GPU check (gpu-check.ts): the same VGG-style network as @fmnist/vgg-small's
DEFAULT_CONFIG (5,897,162 parameters), Adam, batch 256; prints one JSON line with training and
inference images per second on the GPU (or says why there is none).

Run by gpu-check.ts as `python3 gpu-check-torch.py --batch-size 256 --steps 20`.
"""

import argparse
import gzip
import json
import os
import time


def vgg_small(nn):
    layers, c = [], 1
    for f in (64, 128, 256):
        for _ in range(2):
            # Keras' BatchNormalization(momentum=0.99, epsilon=1e-3) is PyTorch's momentum=0.01.
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.BatchNorm2d(f, eps=1e-3, momentum=0.01), nn.ReLU()]
            c = f
        layers += [nn.MaxPool2d(2), nn.Dropout(0.25)]
    layers += [
        nn.Flatten(),
        nn.Linear(256 * 3 * 3, 2048),
        nn.BatchNorm1d(2048, eps=1e-3, momentum=0.01),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(2048, 10),
    ]
    return nn.Sequential(*layers)


def images(n):
    """The first n training images (0..1, N×1×28×28) from FMNIST_DATA_DIR, else None."""
    d = os.environ.get("FMNIST_DATA_DIR", "/usr/share/datasets/fashion-mnist")
    p = os.path.join(d, "train-images-idx3-ubyte.gz")
    if not os.path.exists(p):
        return None
    with gzip.open(p, "rb") as f:
        raw = f.read()
    import numpy as np

    x = np.frombuffer(raw, dtype=np.uint8, offset=16)[: n * 784].reshape(n, 1, 28, 28)
    return x.astype(np.float32) / 255.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--infer-images", type=int, default=10000)
    a = ap.parse_args()
    out = {"tool": "pytorch"}
    try:
        import torch
        import torch.nn as nn
    except Exception as e:  # noqa: BLE001
        out["error"] = f"no PyTorch: {e}"
        print(json.dumps(out))
        return
    out["torch"] = torch.__version__
    if not torch.cuda.is_available():
        out["error"] = "PyTorch sees no CUDA device"
        print(json.dumps(out))
        return
    dev = torch.device("cuda")
    out["device"] = torch.cuda.get_device_name(0)
    torch.manual_seed(0)
    model = vgg_small(nn).to(dev)
    out["params"] = sum(p.numel() for p in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if "running" in n)
    bs = a.batch_size
    x = images(bs)
    x = torch.from_numpy(x) if x is not None else torch.rand(bs, 1, 28, 28)
    x = x.to(dev)
    y = torch.randint(0, 10, (bs,), device=dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    model.train()
    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    torch.cuda.synchronize()
    out["train_images_per_s"] = bs * a.steps / (time.perf_counter() - t0)

    model.eval()
    n = a.infer_images
    xi = torch.rand(n, 1, 28, 28, device=dev)
    with torch.no_grad():
        for i in range(0, bs * 2, bs):
            model(xi[i : i + bs])
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for i in range(0, n, bs):
            model(xi[i : i + bs]).argmax(1)
        torch.cuda.synchronize()
    out["infer_images_per_s"] = n / (time.perf_counter() - t0)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
