"""The first backward pass tunes glibc's allocator once; KOBAI_TUNE_MALLOC=0 turns it off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
import kobai as kb
from kobai.autograd import engine
before = engine._allocator_tuned
x = kb.tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward()
print(before, engine._allocator_tuned, engine.tune_allocator())
"""


def run(env_value: str | None) -> list[str]:
    env = dict(os.environ)
    env.pop("KOBAI_TUNE_MALLOC", None)
    if env_value is not None:
        env["KOBAI_TUNE_MALLOC"] = env_value
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_first_backward_tunes_the_allocator() -> None:
    before, after, again = run(None)
    assert (before, after) == ("False", "True")
    names = getattr(os, "confstr_names", {})
    glibc = os.confstr("CS_GNU_LIBC_VERSION") if "CS_GNU_LIBC_VERSION" in names else None
    assert again == ("True" if glibc else "False")


def test_opt_out_leaves_the_allocator_alone() -> None:
    assert run("0") == ["False", "True", "False"]
