#!/usr/bin/python3
"""One training step of the same VGG-style network in PyTorch, for scripts/bench-training.ts.

Usage: /usr/bin/python3 scripts/torch-step.py --filters 64,128,256 --dense 2048 --batch 256 \
         --steps 3 --warmup 1 [--threads N]
Prints one JSON line: {"torch": version, "threads": n, "batch": b, "step_ms": median, "images_per_s": x}.
Needs Debian's python3-torch (apt-get install -y python3-torch).
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--filters", default="64,128,256")
p.add_argument("--dense", default="2048")
p.add_argument("--batch", type=int, default=256)
p.add_argument("--steps", type=int, default=3)
p.add_argument("--warmup", type=int, default=1)
p.add_argument("--threads", type=int, default=0)
p.add_argument("--block-dropout", type=float, default=0.25)
p.add_argument("--dense-dropout", type=float, default=0.5)
a = p.parse_args()
if a.threads > 0:
    torch.set_num_threads(a.threads)
torch.manual_seed(42)

layers = []
cin = 1
for f in [int(v) for v in a.filters.split(",")]:
    for _ in range(2):
        # Keras BatchNormalization(momentum=0.99, epsilon=1e-3) is PyTorch's momentum=0.01, eps=1e-3
        layers += [nn.Conv2d(cin, f, 3, padding=1), nn.BatchNorm2d(f, eps=1e-3, momentum=0.01), nn.ReLU()]
        cin = f
    layers += [nn.MaxPool2d(2), nn.Dropout(a.block_dropout)]
layers.append(nn.Flatten())
side = 28
for _ in a.filters.split(","):
    side //= 2
fin = cin * side * side
for d in [int(v) for v in a.dense.split(",")]:
    layers += [nn.Linear(fin, d), nn.BatchNorm1d(d, eps=1e-3, momentum=0.01), nn.ReLU(), nn.Dropout(a.dense_dropout)]
    fin = d
layers.append(nn.Linear(fin, 10))
model = nn.Sequential(*layers).to(memory_format=torch.channels_last)
params = sum(t.numel() for t in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if "running" in n)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(a.batch, 1, 28, 28).contiguous(memory_format=torch.channels_last)
y = torch.randint(0, 10, (a.batch,))
model.train()


def step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(a.warmup):
    step()
times = []
for _ in range(a.steps):
    t = time.perf_counter()
    step()
    times.append((time.perf_counter() - t) * 1000)
ms = statistics.median(times)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "batch": a.batch,
                  "params": params, "step_ms": ms, "images_per_s": a.batch / ms * 1000}))
