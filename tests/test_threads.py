"""The number of BLAS threads: kobai.set_num_threads / get_num_threads and ``--threads``."""

from __future__ import annotations

import os
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


def _record_threads(monkeypatch, seen):
    import kobai.cli.gradcheck as command

    def run(args):
        seen.append(kb.get_num_threads())
        return 0

    monkeypatch.setattr(command, "run", run)


@pytest.fixture
def two_threads(restore_threads, monkeypatch):
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    kb.set_num_threads(2)
    if kb.get_num_threads() != 2:
        pytest.skip("the BLAS library here cannot run two threads")


def test_a_command_runs_with_one_thread_by_default_and_restores_the_count(two_threads, monkeypatch):
    seen: list[int] = []
    _record_threads(monkeypatch, seen)
    assert main(["gradcheck"]) == 0
    assert seen == [1]
    assert kb.get_num_threads() == 2


def test_threads_option_overrides_the_command_default(two_threads, monkeypatch):
    seen: list[int] = []
    _record_threads(monkeypatch, seen)
    assert main(["gradcheck", "--threads", "2"]) == 0
    assert seen == [2]


def test_a_thread_variable_of_the_environment_is_respected(two_threads, monkeypatch):
    seen: list[int] = []
    _record_threads(monkeypatch, seen)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert main(["gradcheck"]) == 0
    assert seen == [2]


def test_num_threads_block_sets_and_restores(two_threads):
    with kb.num_threads(1) as count:
        assert count == 1
        assert kb.get_num_threads() == 1
    assert kb.get_num_threads() == 2
    with pytest.raises(ValueError, match=r"threads must be an integer >= 1, got 0"):
        with kb.num_threads(0):
            pass
    assert kb.get_num_threads() == 2


def test_the_library_leaves_the_thread_count_alone():
    code = (
        "import numpy, threadpoolctl;"
        "c = threadpoolctl.ThreadpoolController().select(user_api='blas');"
        "before = max(p.num_threads for p in c.lib_controllers);"
        "import numpy as np, kobai as kb; from kobai import nn, optim;"
        "m = nn.Sequential(nn.Linear(2, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1));"
        "x = np.zeros((8, 2), np.float32); y = np.zeros(8, np.int64);"
        "kb.fit(m, (x, y), loss=nn.CrossEntropyLoss(), optimizer=optim.SGD(m.parameters(), "
        "lr=0.1), epochs=1, rng=0, progress=False);"
        "print(before, kb.get_num_threads())"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS",
                                                              "OMP_NUM_THREADS")}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split()
    assert before == after
