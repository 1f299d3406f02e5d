"""The allocator is tuned only when asked (``kobai.tune_allocator``, once per process);
KOBAI_TUNE_MALLOC=0 turns it off; backward passes never tune it by themselves."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
import kobai as kb
from kobai.autograd import engine
x = kb.tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward()
after_backward = engine._allocator_tuned
print(after_backward, kb.tune_allocator(), engine._allocator_tuned)
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
def test_backward_leaves_the_allocator_and_tune_allocator_tunes_it() -> None:
    after_backward, tuned, flag = run(None)
    assert (after_backward, flag) == ("False", "True")
    names = getattr(os, "confstr_names", {})
    glibc = os.confstr("CS_GNU_LIBC_VERSION") if "CS_GNU_LIBC_VERSION" in names else None
    assert tuned == ("True" if glibc else "False")


def test_opt_out_leaves_the_allocator_alone() -> None:
    assert run("0") == ["False", "False", "True"]
