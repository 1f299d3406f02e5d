"""No hidden global state: the library leaves the CPU's float modes and the allocator alone;
the ``kobai`` commands switch both on for their own runs."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

SUPPORTED = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")

LIBRARY = """
import json
import numpy as np
import kobai as kb
from kobai import backend, nn, optim
from kobai.autograd import engine

libc = backend._fenv_libc()
before = backend._read_fenv(libc)[backend._MXCSR]
model = nn.Linear(3, 2)
opt = optim.Adam(model.parameters(), lr=1e-3)
loss = (model(kb.tensor(np.ones((4, 3), np.float32))) ** 2).sum()
loss.backward()
opt.step()
w = model.weight
opt.state[w]["exp_avg"][:] = np.float32(1e-39)
w.grad[:] = 0
opt.step()
after = backend._read_fenv(libc)[backend._MXCSR]
print(json.dumps({"mxcsr": [before, after], "tuned": engine._allocator_tuned,
                  "moment": float(opt.state[w]["exp_avg"].flat[0]),
                  "switch": backend.flush_enabled()}))
"""

COMMAND = """
import json
import numpy as np
import kobai.cli.gradcheck as command
from kobai import backend
from kobai.autograd import engine
from kobai.cli.main import main

seen = {}

def run(args):
    seen["switch"] = backend.flush_enabled()
    seen["halved"] = float((np.full(2, np.float32(1e-39)) * np.float32(0.5))[0])
    seen["tuned"] = engine._allocator_tuned
    return 0

command.run = run
code = main(["gradcheck"])
seen["code"], seen["switch_after"] = code, backend.flush_enabled()
print(json.dumps(seen))
"""


def run_python(script: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not SUPPORTED, reason="the flush mode is read on x86-64 Linux only")
def test_library_use_leaves_the_float_modes_and_the_allocator_alone():
    seen = run_python(LIBRARY)
    # The control bits (rounding, masks, flush modes) are as they were; bits 0-5 are sticky
    # status flags that any arithmetic on subnormals raises.
    control = [m & ~0x3F for m in seen["mxcsr"]]
    assert control[0] == control[1]
    assert seen["mxcsr"][0] & 0x8040 == 0  # neither flush bit set
    assert seen["tuned"] is False and seen["switch"] is False
    assert seen["moment"] == pytest.approx(9e-40, rel=1e-5)  # IEEE: the subnormal stays


@pytest.mark.skipif(not SUPPORTED, reason="the flush mode is read on x86-64 Linux only")
def test_a_command_runs_with_both_switched_on_and_puts_the_flush_mode_back():
    seen = run_python(COMMAND)
    assert seen == {
        "switch": True,
        "halved": 0.0,
        "tuned": True,
        "code": 0,
        "switch_after": False,
    }
