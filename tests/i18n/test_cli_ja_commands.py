"""kobai autoencoder, landscape and study print their lines and tables in Japanese."""

from __future__ import annotations

from pathlib import Path

import pytest

from kobai.cli.main import main
from kobai.i18n import width

TINY = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "3", "--quiet"]


def test_autoencoder_table_and_lines_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    small = ["--train-size", "400", "--test-size", "120", "--epochs", "1", "--quiet"]
    argv = ["--lang", "ja", "autoencoder", "reduce", *small, "--out", str(tmp_path), "--name", "r"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    head = lines[0]
    assert head.split() == ["k", "AE", "の", "MSE", "PCA", "の", "MSE", "改善"]
    rows = [line for line in lines[1:] if line.strip()[:1].isdigit()]
    assert rows and all(width(row) == width(head) for row in rows)  # columns line up
    assert any(line.startswith("時間: ") and line.endswith(" 秒") for line in lines)
    assert lines[-1].startswith("実行ディレクトリ: ") and "(図: " in lines[-1]
    # the CSV keeps its machine names
    assert (tmp_path / "r" / "metrics.csv").read_text().splitlines()[0].startswith("k,")


def test_landscape_lines_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", *TINY, "--save-every-epoch", "--out", str(tmp_path), "--name", "s"]) == 0
    capsys.readouterr()
    out = tmp_path / "figs"
    argv = [
        "--lang",
        "ja",
        "landscape",
        str(tmp_path / "s"),
        "--resolution",
        "5",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kobai landscape: ") and "5 x 5 の格子" in lines[0]
    assert lines[1].startswith("学習済みモデル: 損失 ")
    assert lines[2].startswith("平面: 学習経路の PCA (4 点), 説明された分散 ")
    labelled = {line.split(":")[0].strip(): line for line in lines[3:]}
    assert set(labelled) == {"断面", "補間", "等高線", "曲面", "数値"}
    assert str(out / "contour.png") in labelled["等高線"]
    assert len({width(line.split(":")[0]) for line in lines[3:]}) == 1  # right-aligned names


def test_study_lines_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kobai.studies
    from kobai.studies.base import Headline, StudyResult

    def instant(name, *, quick, out, seed, verbose):  # type: ignore[no-untyped-def]
        found = StudyResult(name, kobai.studies.get(name).title, out, seed, quick, 0.5)
        found.headlines.append(Headline("speedup", "backprop speed-up", 12.0))
        return found

    monkeypatch.setattr(kobai.studies, "run", instant)
    argv = ["--lang", "ja", "study", "numerical-vs-backprop", "--quick", "--out", str(tmp_path)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "数値微分と誤差逆伝播法の比較 (シード 0, 簡易設定): 0.5 秒"
    assert "  逆伝播による高速化の倍率  12" in lines
    assert f"レポート: {tmp_path / 'report.html'}" in lines


def test_study_list_and_index_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kobai.studies
    from kobai.studies.base import StudyResult

    assert main(["--lang", "ja", "study", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert "curvature                学習の曲率 (出典 000 と 002)" in listed

    def instant(name, *, quick, out, seed, verbose):  # type: ignore[no-untyped-def]
        return StudyResult(name, kobai.studies.get(name).title, out, seed, quick, 0.5)

    monkeypatch.setattr(kobai.studies, "run", instant)
    assert main(["--lang", "ja", "study", "all", "--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "] curvature: 学習の曲率" in printed
    index = (tmp_path / "index.md").read_text()
    assert "| 研究 | レポート | 秒 |" in index and "| 勾配消失 | [vanishing-gradients]" in index
    assert "シード 0, 簡易設定" in index and "簡易実行: " in index
