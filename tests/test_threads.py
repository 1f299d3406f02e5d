"""The number of BLAS threads: kobai.set_num_threads / get_num_threads and ``--threads``."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import kobai as kb
from kobai.cli.main import main


@pytest.fixture
def restore_threads():
    before = kb.get_num_threads()
    yield before
    kb.set_num_threads(before)


def test_set_and_get_round_trip(restore_threads):
    kb.set_num_threads(1)
    assert kb.get_num_threads() == 1
    kb.set_num_threads(np.int64(2))
    assert kb.get_num_threads() == 2
    # Products still compute the same numbers with either count.
    a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64) / 4096
    kb.set_num_threads(1)
    one = a @ a
    kb.set_num_threads(2)
    np.testing.assert_allclose(a @ a, one, rtol=1e-6)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2", None])
def test_bad_thread_counts_are_refused_in_one_line(bad, restore_threads):
    with pytest.raises((TypeError, ValueError), match=r"threads must be an integer >= 1, got "):
        kb.set_num_threads(bad)
    assert kb.get_num_threads() == restore_threads


def test_every_command_takes_threads(restore_threads, capsys):
    assert main(["gradcheck", "--filter", "softmax", "--threads", "1"]) == 0
    assert kb.get_num_threads() == 1
    assert " passed, 0 failed" in capsys.readouterr().out


def test_threads_option_error_exits_2_without_traceback(restore_threads, capsys):
    assert main(["gradcheck", "--filter", "softmax", "--threads", "0"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("kobai gradcheck: error: threads must be an integer >= 1, got 0")


def test_threads_in_a_subprocess_reaches_the_blas_library():
    code = (
        "import sys; from kobai.cli.main import main; import kobai as kb; "
        "rc = main(['gradcheck', '--filter', 'softmax', '--threads', '1']); "
        "print('threads', kb.get_num_threads()); sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "threads 1"
