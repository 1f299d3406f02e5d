"""A run killed with SIGKILL resumes and ends bit-for-bit equal to an uninterrupted run."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from kobai.train import load_checkpoint

SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from kobai import nn
    from kobai.data import make_moons
    from kobai.models import MLP
    from kobai.optim import SGD
    from kobai.train import Callback, fit

    class Slow(Callback):  # widens the window in which the run can be killed
        def on_epoch_end(self, state, logs):
            time.sleep(float(sys.argv[2]))

    x, y = make_moons(256, noise=0.2, rng=1)
    model = MLP(2, [32, 32], 2, dropout=0.2, batchnorm=True, rng=7)
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    fit(model, (x, y), val=(x[:64], y[:64]), loss=nn.CrossEntropyLoss(), optimizer=optimizer,
        batch_size=32, epochs=EPOCHS, rng=3, run_dir=sys.argv[1], resume=True,
        callbacks=[Slow()], progress=False)
    """
).replace("EPOCHS", "12")


def start(script: Path, run_dir: Path, delay: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(script), str(run_dir), str(delay)])


def epoch_on_disk(run_dir: Path) -> int:
    path = run_dir / "checkpoint.npz"
    return int(load_checkpoint(path)["epoch"]) if path.exists() else 0


def kill_after(process: subprocess.Popen, run_dir: Path, epoch: int, extra: float) -> None:
    deadline = time.monotonic() + 60
    while epoch_on_disk(run_dir) < epoch:
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(extra)  # somewhere inside the next epoch, or inside its checkpoint write
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def test_killed_run_resumes_to_identical_parameters(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    subprocess.run([sys.executable, str(script), str(whole), "0"], check=True)

    kill_after(start(script, broken, 0.05), broken, epoch=3, extra=0.07)
    kill_after(start(script, broken, 0.0), broken, epoch=7, extra=0.0)
    assert 0 < epoch_on_disk(broken) < 12
    subprocess.run([sys.executable, str(script), str(broken), "0"], check=True)

    final_whole = load_checkpoint(whole / "checkpoint.npz")
    final_broken = load_checkpoint(broken / "checkpoint.npz")
    assert final_whole["epoch"] == final_broken["epoch"] == 12
    for name, value in final_whole["model"].items():
        assert np.array_equal(value, final_broken["model"][name]), name
    assert (
        final_whole["history"]["epochs"][-1]["train_loss"]
        == (final_broken["history"]["epochs"][-1]["train_loss"])
    )
