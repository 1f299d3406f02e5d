"""Time kobai's small workloads against PyTorch and/or another kobai tree, alternating.

Workloads (float32, 2 BLAS threads on every side unless ``--threads``):

- ``tiny_sgd`` / ``tiny_adam``: MLP 2-16-16-2 (Tanh), cross-entropy, batch 32, one training
  step written as a user writes it (zero_grad, forward, loss, backward, step); per-op overhead.
- ``tiny_fit``: the same network through ``kobai.fit`` (kobai only), one epoch of 1024 samples,
  reported per step.
- ``mlp_sgd`` / ``mlp_adam``: MLP 784-256-256-10 (ReLU), batch 128.
- ``infer``: that MLP's inference under no_grad, batch 1024 (per batch).

``--cpu`` times with the process's CPU time instead of the wall clock: steadier on a machine
shared with other work (with one thread it measures the work alone; with more it also counts
the time BLAS threads spin).

Each round runs one subprocess per side in alternating order (ABBA), so that a change in the
machine's load hits the sides alike; a subprocess warms up, then times blocks of steps and
prints the median block. The report gives each side's median over rounds (microseconds per
step) and the median of the per-round speed ratios (other / kobai: above 1, kobai is faster).

    python scripts/time_steps.py --torch-python /work/torchvenv/bin/python --only tiny_sgd
    python scripts/time_steps.py --baseline /tmp/kobai-base/src --only mlp_sgd --rounds 6
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

COMMON = """
import json, time
import numpy as np
rng = np.random.default_rng(0)
W = {workload!r}
def data(n, d, k):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, rng.integers(0, k, n).astype(np.int64)
clock = time.process_time if {cpu} else time.perf_counter
def timed(step, block={block}, blocks={blocks}, warm={warm}):
    for _ in range(warm):
        step()
    out = []
    for _ in range(blocks):
        start = clock()
        for _ in range(block):
            step()
        out.append((clock() - start) / block)
    return float(np.median(out))
"""

KOBAI = """
import kobai as kb
from kobai import nn, optim
kb.tune_allocator(); kb.set_flush_denormal(True)
if W.startswith("tiny"):
    sizes, act, batch, lr = (2, 16, 16, 2), nn.Tanh, 32, 0.1
else:
    sizes, act, batch, lr = (784, 256, 256, 10), nn.ReLU, (1024 if W == "infer" else 128), 0.1
layers = []
for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
    layers += [nn.Linear(a, b, rng=i), act()]
model = nn.Sequential(*layers[:-1])
x, y = data(batch * 8, sizes[0], sizes[-1])
opt = (optim.Adam(model.parameters(), lr=1e-3) if W.endswith("adam")
       else optim.SGD(model.parameters(), lr=lr))
loss_fn = nn.CrossEntropyLoss()
i = [0]
def step():
    k = i[0] = (i[0] + 1) % 8
    xb, yb = x[k * batch:(k + 1) * batch], y[k * batch:(k + 1) * batch]
    opt.zero_grad()
    loss = loss_fn(model(kb.Tensor(xb)), yb)
    loss.backward()
    opt.step()
    loss.item()
def infer():
    k = i[0] = (i[0] + 1) % 8
    with kb.no_grad():
        model(kb.Tensor(x[k * batch:(k + 1) * batch]))
if W == "tiny_fit":
    xf, yf = data(1024, 2, 2)
    def epoch():
        kb.fit(model, (xf, yf), loss=loss_fn, optimizer=opt, batch_size=32, epochs=1, rng=0,
               progress=False)
    print(json.dumps(timed(epoch, block=1, blocks=15, warm=2) / 32))
else:
    print(json.dumps(timed(infer if W == "infer" else step)))
"""

TORCH = """
import torch
from torch import nn
torch.set_num_threads({threads}); torch.set_flush_denormal(True)
torch.manual_seed(0)
if W.startswith("tiny"):
    sizes, act, batch, lr = (2, 16, 16, 2), nn.Tanh, 32, 0.1
else:
    sizes, act, batch, lr = (784, 256, 256, 10), nn.ReLU, (1024 if W == "infer" else 128), 0.1
layers = []
for a, b in zip(sizes[:-1], sizes[1:]):
    layers += [nn.Linear(a, b), act()]
model = nn.Sequential(*layers[:-1])
x, y = data(batch * 8, sizes[0], sizes[-1])
x, y = torch.from_numpy(x), torch.from_numpy(y)
opt = (torch.optim.Adam(model.parameters(), lr=1e-3) if W.endswith("adam")
       else torch.optim.SGD(model.parameters(), lr=lr))
loss_fn = nn.CrossEntropyLoss()
i = [0]
def step():
    k = i[0] = (i[0] + 1) % 8
    xb, yb = x[k * batch:(k + 1) * batch], y[k * batch:(k + 1) * batch]
    opt.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    opt.step()
    loss.item()
def infer():
    k = i[0] = (i[0] + 1) % 8
    with torch.no_grad():
        model(x[k * batch:(k + 1) * batch])
print(json.dumps(timed(infer if W == "infer" else step)))
"""

BLOCKS = {"tiny": (400, 7, 400), "mlp": (60, 7, 60), "infer": (30, 7, 20)}
WORKLOADS = ("tiny_sgd", "tiny_adam", "tiny_fit", "mlp_sgd", "mlp_adam", "infer")


def run_side(
    python: str, src: str | None, body: str, workload: str, threads: int, cpu: bool
) -> float:
    block, blocks, warm = BLOCKS[workload.split("_")[0] if workload != "infer" else "infer"]
    code = COMMON.format(workload=workload, block=block, blocks=blocks, warm=warm, cpu=cpu)
    code += body.replace("{threads}", str(threads))
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    if src:
        env["PYTHONPATH"] = src
    out = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--torch-python", help="a Python with torch: compare against PyTorch")
    parser.add_argument("--baseline", help="another kobai src folder: compare against it")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="CPU time of the process instead of wall time "
        "(steadier on a shared machine; with one thread, the work alone)",
    )
    args = parser.parse_args()
    here = str(Path(__file__).resolve().parents[1] / "src")
    for workload in args.only:
        sides = {"kobai": (sys.executable, here, KOBAI)}
        if args.baseline:
            sides["base"] = (sys.executable, args.baseline, KOBAI)
        if args.torch_python and workload != "tiny_fit":
            sides["torch"] = (args.torch_python, None, TORCH)
        times: dict[str, list[float]] = {name: [] for name in sides}
        for r in range(args.rounds):
            order = list(sides) if r % 2 == 0 else list(sides)[::-1]
            for name in order:
                python, src, body = sides[name]
                times[name].append(run_side(python, src, body, workload, args.threads, args.cpu))
        line = [f"{workload:10s}"]
        for name, values in times.items():
            line.append(f"{name} {statistics.median(values) * 1e6:8.1f} us")
        for name in sides:
            if name != "kobai":
                ratios = [o / k for o, k in zip(times[name], times["kobai"], strict=True)]
                line.append(f"{name}/kobai {statistics.median(ratios):.2f}x")
        print("  ".join(line), flush=True)
        print("   raw " + json.dumps({k: [round(v * 1e6, 1) for v in vs] for k, vs in
                                       times.items()}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
