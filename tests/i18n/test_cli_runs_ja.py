"""kobai descend, neuron, train and evaluate print their runs in Japanese; the English lines
stay as they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kobai.cli.descend import run_line
from kobai.cli.main import main
from kobai.i18n import language
from kobai.landscape import descend


def test_descend_lines_in_japanese_and_in_english_as_the_summary() -> None:
    runs = {
        **descend("bowl", ["sgd"], lr=0.5, steps=300),  # converges
        **descend("rosenbrock", ["momentum"], lr=1.0, steps=50),  # diverges
        **descend("rosenbrock", ["adam"], lr=0.2, steps=100),  # the budget ends first
    }
    assert [tr.status for tr in runs.values()] == ["converged", "diverged", "unfinished"]
    assert [run_line(tr) for tr in runs.values()] == [tr.summary() for tr in runs.values()]
    with language("ja"):
        lines = [run_line(tr) for tr in runs.values()]
    converged, diverged, unfinished = (tr for tr in runs.values())
    point = ", ".join(f"{v:.4g}" for v in converged.points[-1])
    assert lines[0] == (
        f"sgd (lr=0.5): ステップ {converged.converged_at} で収束, "
        f"f = {converged.values[-1]:.4g}, 位置 ({point})"
    )
    assert lines[1] == f"momentum (lr=1, momentum=0.9): ステップ {diverged.diverged_at} で発散"
    assert lines[2].startswith("adam (lr=0.2): 未完了 (100 ステップ), f = ")


def test_neuron_lines_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["neuron", "--activation", "identity", "--lr", "5", "--grid", "21", "--formats", "png"]
    assert main(["--lang", "ja", *args, "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kobai neuron: y = identity(w x + b), サンプル 100 個。21 x 21 の")
    assert (
        lines[1] == "  フルバッチ: ステップ 2 で発散 (lr 5 が大きすぎる)。--lr 0.5 を試してください"
    )
    assert lines[3].startswith("  確率的 (B = 1): ")
    assert all("書き出し: " in line for line in lines[4:])


def test_a_diverged_neuron_run_is_labelled_in_the_figures_language() -> None:
    from kobai.data import make_single_neuron
    from kobai.landscape.neuron import descend_neuron
    from kobai.viz.neuron import _status_text

    x, t = make_single_neuron(100, w=2.0, b=-1.0, activation="identity", noise=0.05, rng=0)
    run = descend_neuron(x, t, (-1.5, 2.5), 5.0, 100, activation="identity")
    assert _status_text(run) == run.status_text() == "diverged at step 2 (lr 5 too large)"
    with language("ja"):
        assert _status_text(run) == "ステップ 2 で発散 (lr 5 が大きすぎる)"


def test_train_and_evaluate_lines_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "2"]
    argv = ["train", *tiny, "--schedule", "step", "--out", str(tmp_path), "--name", "r"]
    assert main(["--lang", "ja", *argv]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert ", adam, step スケジュール (step_size 1, gamma 0.1), 2 エポック -> " in head
    assert main(["--lang", "ja", "evaluate", str(tmp_path / "r"), "--split", "train"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{tmp_path / 'r'}: moons で学習した mlp:8, 訓練データ (160 サンプル)"
    assert lines[1].startswith("       損失: ") and lines[2].startswith("     正解率: ")
    assert lines[4] == "混同行列 (行: 正解のクラス, 列: 予測したクラス)"
    assert main(["--lang", "en", "evaluate", str(tmp_path / "r")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{tmp_path / 'r'}: mlp:8 on moons, test split (40 samples)"
    assert lines[1].startswith("       loss: ") and lines[2].startswith("   accuracy: ")
    assert lines[4] == "confusion matrix (rows: true class, columns: predicted class)"
    assert main(["--lang", "ja", "train", "--resume", str(tmp_path / "r"), "--epochs", "3"]) == 0
    resumed = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"\(エポック 3-3。全 3 エポックの学習時間: [0-9.]+ 秒\)", resumed[-2])


def test_sweep_lines_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kobai.sweep.report import status_counts

    base = ["--set", "data=moons", "--set", "samples=200", "--set", "model=mlp:8"]
    argv = ["sweep", *base, "--set", "epochs=2", "--axis", "lr=0.01,0.1", "--seeds", "2",
            "--workers", "1", "--quiet", "--out", str(tmp_path / "sw")]  # fmt: skip
    assert main(["--lang", "ja", *argv]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"kobai sweep: {tmp_path / 'sw'} のセル 4 個: 完了 4, 発散 0, 失敗 0"
    assert lines[1].startswith("今回の実行: セル 4 個を ")
    assert lines[2].startswith("最良の val_loss: lr=") and "(シード 2 個での 95% 区間)" in lines[2]
    assert lines[3].startswith("結果の sha256: ") and lines[4].startswith("レポート: ")
    assert status_counts({"done": 3, "failed": 1}) == "3 done, 1 failed"
    with language("ja"):
        assert status_counts({"done": 3, "odd": 1}) == "完了 3, odd 1"


def test_the_index_of_the_studies_has_a_japanese_title(tmp_path: Path) -> None:
    from kobai.cli.study import write_index
    from kobai.studies.base import StudyResult

    results = [StudyResult("curvature", "The curvature of learning", tmp_path, 0, True, 1.0)]
    write_index(tmp_path / "en", results)
    assert (tmp_path / "en" / "index.md").read_text().startswith("# kobai studies\n")
    with language("ja"):
        write_index(tmp_path / "ja", results)
    assert (tmp_path / "ja" / "index.md").read_text().startswith("# kobai の研究\n")


def test_curves_and_playground_lines_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from kobai.cli.curves import comparable_runs
    from kobai.web import PlaygroundServer, routes

    folders = []
    for name, data in (("a", "moons"), ("b", "xor"), ("c", "moons")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(json.dumps({"data": data}))
        folders.append(tmp_path / name)
    with language("ja"):
        assert comparable_runs(folders) == [folders[0], folders[2]]
    assert capsys.readouterr().out == (
        "kobai curves: runs/ にある moons の最新の実行 2 個 (他のデータの実行 1 個は除外。"
        "比べるには実行を名前で指定してください)\n"
    )
    monkeypatch.setattr(routes, "warm_up", lambda: None)
    monkeypatch.setattr(PlaygroundServer, "serve_forever", lambda self, poll_interval=0.5: None)
    argv = ["--lang", "ja", "playground", "--host", "0.0.0.0", "--port", "0", "--no-browser"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("kobai playground: 警告: 0.0.0.0 で待ち受けています。")
    assert re.fullmatch(r"kobai playground: http://\S+ で実行中 \(Ctrl\+C で停止\)\n", captured.out)


def test_a_long_stochastic_run_and_an_extended_one_are_announced_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kobai.cli.train import duration_warning
    from kobai.models.runs import build
    from kobai.train.config import RunConfig

    with language("ja"):
        text = duration_warning(build(RunConfig(batch_size=1)), 5) or ""
    assert text.startswith("kobai train: 1 サンプルごとに更新するので更新は 80,000 回 (1 エポック")
    assert text.endswith("--epochs 1 か --batch-size 32 ならずっと速い。")
    tiny = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--quiet"]
    assert main(["train", *tiny, "--epochs", "2", "--out", str(tmp_path), "--name", "c"]) == 0
    capsys.readouterr()
    argv = ["--lang", "ja", "train", "--resume", str(tmp_path / "c"), "--epochs", "4", "--quiet"]
    assert main(argv) == 0
    note = capsys.readouterr().out.splitlines()[0]
    assert note.startswith(
        f"{tmp_path / 'c'} を 2 エポックから 4 エポックに延長 (2 エポック完了): "
    )
    assert "cosine スケジュールを 4 エポックに引き伸ばすので、エポック 3 は lr " in note
