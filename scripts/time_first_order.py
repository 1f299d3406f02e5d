"""Time one first-order training step of two kobai source trees, alternating, in one run.

Checks that a change to autograd leaves the plain training step as fast as before: an MLP
784-256-256-10 on a batch of 128 (forward, cross-entropy, backward, SGD step), float32, one
BLAS thread. Each round runs one subprocess per tree, in ABBA order so that a change in the
machine's load hits both alike; a subprocess warms up, then times every step. Prints the
median step of each round, the median over all steps of each tree, and the median of the
per-round ratios.

    git archive <base-commit> src | tar -x -C /tmp/kobai-base
    python scripts/time_first_order.py --baseline /tmp/kobai-base/src --rounds 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = """
import json, time
import numpy as np
import kobai as kb
from kobai import nn, optim

rng = np.random.default_rng(0)
x = rng.standard_normal((128, 784)).astype(np.float32)
y = rng.integers(0, 10, 128)
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                      nn.Linear(256, 10))
loss_fn = nn.CrossEntropyLoss()
opt = optim.SGD(model.parameters(), lr=0.01)

def step():
    opt.zero_grad()
    loss = loss_fn(model(kb.Tensor(x)), y)
    loss.backward()
    opt.step()

for _ in range({warmup}):
    step()
times = []
for _ in range({steps}):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


def run_tree(src: Path, warmup: int, steps: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # fmt: skip
    code = WORKER.format(warmup=warmup, steps=steps)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return list(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="src/ of the old tree")
    parser.add_argument("--candidate", type=Path, default=Path(__file__).parents[1] / "src")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "candidate": args.candidate.resolve()}
    steps: dict[str, list[float]] = {name: [] for name in trees}
    ratios = []
    for r in range(args.rounds):
        order = ["baseline", "candidate"] if r % 2 == 0 else ["candidate", "baseline"]
        medians = {}
        for name in order:
            times = run_tree(trees[name], args.warmup, args.steps)
            steps[name] += times
            medians[name] = statistics.median(times)
        ratios.append(medians["candidate"] / medians["baseline"])
        print(f"round {r}: baseline {medians['baseline'] * 1e3:.2f} ms, "
              f"candidate {medians['candidate'] * 1e3:.2f} ms")  # fmt: skip
    base, cand = (statistics.median(steps[n]) for n in ("baseline", "candidate"))
    print(f"median step over {len(steps['baseline'])} steps each: baseline {base * 1e3:.2f} ms, "
          f"candidate {cand * 1e3:.2f} ms, ratio {cand / base:.3f}")  # fmt: skip
    # Each round's two runs are neighbours in time: their ratio is the least disturbed figure.
    print(f"median of the per-round ratios candidate/baseline: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
