"""``--lang`` and ``KOBAI_LANG`` on the command line: kobai train's table in Japanese."""

from pathlib import Path

import pytest

from kobai.cli.main import main
from kobai.i18n import get_language

SMALL = ["--data", "moons", "--samples", "120", "--model", "mlp:4", "--epochs", "2"]


def test_global_lang_gives_a_japanese_table_and_the_language_is_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--lang", "ja", "train", *SMALL, "--quiet", "--out", str(tmp_path), "--name", "r"])
        == 0
    )
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if "損失" in line)
    train = next(line for line in lines if line.startswith("訓練"))
    test = next(line for line in lines if line.startswith("テスト"))
    assert "正解率" in header and "2 エポックで" in out and "実行ディレクトリ" in out
    # Columns line up in a terminal: 8 columns of label, then 12 per score.
    from kobai.i18n import width

    assert width(header) == width(train) == width(test) == 8 + 12 * 2
    assert get_language() == "en"


def test_lang_after_the_command_and_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["train", *SMALL, "--lang", "ja", "--out", str(tmp_path), "--name", "a"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("kobai train: moons で mlp:4 (96 訓練, 24 テスト), adam, ")
    assert ", 2 エポック -> " in first
    monkeypatch.setenv("KOBAI_LANG", "ja")
    assert main(["train", *SMALL, "--quiet", "--out", str(tmp_path), "--name", "b"]) == 0
    assert "テスト" in capsys.readouterr().out
    assert (
        main(["--lang", "en", "train", *SMALL, "--quiet", "--out", str(tmp_path), "--name", "c"])
        == 0
    )
    out = capsys.readouterr().out
    assert "test" in out and "テスト" not in out


def test_bad_language_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOBAI_LANG", "fr")
    assert main(["train", *SMALL, "--quiet", "--out", str(tmp_path), "--name", "x"]) == 2
    err = capsys.readouterr().err
    assert err == "kobai train: error: KOBAI_LANG must be one of en, ja, got 'fr'\n"
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "fr", "train"])
    assert exit_.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_picture_commands_report_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--formats", "png", "--out", str(tmp_path)]
    assert main(["--lang", "ja", "neuron", "--samples", "40", "--steps", "5", "--grid", "21",
                 *argv]) == 0  # fmt: skip
    assert main(["--lang", "ja", "descend", "--function", "x**2/2", "--optimizers", "sgd",
                 "--lr", "0.1", "--steps", "4", *argv]) == 0  # fmt: skip
    assert main(["--lang", "ja", "activations", "--only", "sigmoid", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("書き出し: ") == 5 and "wrote" not in out
    assert {p.name for p in tmp_path.glob("*.png")} >= {"neuron_surface.png", "activations.png"}


def test_gradcheck_table_in_japanese_lines_up(capsys: pytest.CaptureFixture[str]) -> None:
    from kobai.i18n import width

    assert main(["--lang", "ja", "gradcheck", "--filter", "tanh", "--kind", "op"]) == 0
    head, row, total = capsys.readouterr().out.splitlines()
    assert head.split() == ["ケース", "種類", "最大絶対誤差", "最大相対誤差", "結果"]
    assert row.startswith("tanh") and row.endswith("  合格")
    assert width(head) - width("結果") == width(row) - width("合格")  # columns line up
    assert total.startswith("合格 1, 不合格 0 (1 ケース, ")
    assert main(["--lang", "ja", "gradcheck", "--filter", "exp", "--atol", "0", "--rtol", "0"]) == 1
    out = capsys.readouterr().out
    assert "不合格 勾配が一致しない" in out and "FAIL" not in out
