"""``kobai gradcheck`` and the command line's behaviour on bad input."""

import subprocess
import sys

import pytest

from kobai.cli.main import main


def test_gradcheck_prints_a_table_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gradcheck", "--kind", "op"]) == 0
    out = capsys.readouterr().out
    assert "max abs err" in out and "max rel err" in out
    assert "matmul[batched]" in out and "pass" in out
    assert "FAIL" not in out
    assert " passed, 0 failed" in out.splitlines()[-1]


def test_gradcheck_exit_code_1_on_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    # A tolerance no finite difference can meet makes every row fail.
    assert main(["gradcheck", "--filter", "exp", "--atol", "0", "--rtol", "0"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_gradcheck_order_2_checks_second_derivatives(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gradcheck", "--order", "2", "--filter", "tanh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("second derivatives:") and "tanh" in out and "FAIL" not in out
    assert main(["gradcheck", "--order", "2", "--filter", "CrossEntropyLoss[index,mean]"]) == 0
    assert main(["gradcheck", "--order", "3", "--filter", "log_softmax"]) == 0
    assert "third derivatives:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["gradcheck", "--order", "4"])
    assert exit_info.value.code == 2
    assert "invalid choice: 4" in capsys.readouterr().err


def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gradcheck", "--filter", "no-such-op"]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip()
        == "kobai gradcheck: error: no gradient-check case matches --filter 'no-such-op'"
    )
    assert main(["gradcheck", "--eps", "-1"]) == 2


def test_console_script_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kobai", "gradcheck", "--filter", "softmax"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "softmax[axis0]" in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "kobai", "gradcheck", "--kind", "nonsense"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "invalid choice: 'nonsense'" in bad.stderr


def test_import_and_help_load_numpy_only() -> None:
    code = (
        "import sys, kobai, kobai.cli.main as m\n"
        "m.build_parser()\n"
        "heavy = [n for n in ('matplotlib', 'sklearn', 'scipy', 'torch', 'rich', 'tqdm', "
        "'threadpoolctl') if n in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
