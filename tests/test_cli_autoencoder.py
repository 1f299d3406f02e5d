"""``kobai autoencoder denoise | anomaly | reduce`` end to end on a small subset."""

import csv
import json
from pathlib import Path

import pytest

from kobai.cli.main import main

pytest.importorskip("sklearn")

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = ["--train-size", "400", "--test-size", "120", "--epochs", "1", "--quiet"]


def _run(tmp_path: Path, use: str, *extra: str, name: str = "r") -> Path:
    assert main(["autoencoder", use, *SMALL, *extra, "--out", str(tmp_path), "--name", name]) == 0
    return tmp_path / name


def _figures_ok(run: Path, names: list[str]) -> None:
    for name in names:
        data = (run / f"{name}.png").read_bytes()
        assert data[:8] == PNG and len(data) > 5_000, name


def _table(run: Path) -> list[dict[str, str]]:
    with open(run / "metrics.csv") as handle:
        return list(csv.DictReader(handle))


def test_denoise(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    run = _run(tmp_path, "denoise", "--noise", "masking:0.3", "--latent", "8", "--show", "5")
    out = capsys.readouterr().out
    assert "psnr_noisy_db" in out and "run directory" in out
    _figures_ok(run, ["denoising", "learning_curve"])
    (row,) = _table(run)
    assert row["noise"] == "masking:0.3" and row["test_samples"] == "120"
    assert float(row["gain_db"]) == pytest.approx(
        float(row["psnr_denoised_db"]) - float(row["psnr_noisy_db"])
    )
    # 30 % of the pixels zeroed: the noisy PSNR is that of the zeroed ink alone, 5 - 15 dB.
    assert 5 < float(row["psnr_noisy_db"]) < 15
    config = json.loads((run / "config.json").read_text())
    assert config["use"] == "denoise" and config["model"] == "conv" and config["epochs"] == 1
    assert (run / "training" / "checkpoint.npz").is_file()
    assert main(["autoencoder", "denoise", "--resume", str(run), "--epochs", "2", "--quiet"]) == 0
    history = (run / "training" / "history.csv").read_text().splitlines()
    assert len(history) == 3  # header and two epochs


def test_anomaly_single_class_and_each_class(tmp_path: Path) -> None:
    run = _run(tmp_path, "anomaly", "--model", "dense", "--hidden", "32", "--latent", "4")
    _figures_ok(run, ["anomaly_scores", "roc", "extremes", "learning_curve"])
    rows = _table(run)
    assert [r["method"] for r in rows] == ["dense autoencoder", "PCA (k=8)"]
    assert all(0.5 < float(r["auc"]) <= 1 for r in rows)  # zeros are easy to tell apart
    each = _run(
        tmp_path, "anomaly", "--normal", "each", "--model", "dense", "--hidden", "8",
        "--latent", "2", "--pca-components", "2", "--train-size", "200", name="each",
    )  # fmt: skip
    _figures_ok(each, ["auc_by_class"])
    rows = _table(each)
    assert [r["normal"] for r in rows] == [*map(str, range(10)), "mean"]
    assert {f"normal_{d}" for d in range(10)} <= {p.name for p in each.iterdir()}


def test_reduce(tmp_path: Path) -> None:
    run = _run(tmp_path, "reduce", "--latent", "2,4", "--hidden", "32")
    _figures_ok(run, ["reduction_mse", "latent_2d", "reconstructions"])
    rows = _table(run)
    assert [r["k"] for r in rows] == ["2", "4"]
    assert float(rows[0]["pca_mse"]) > float(rows[1]["pca_mse"]) > 0
    assert (run / "k2" / "checkpoint.npz").is_file() and (run / "k4" / "history.csv").is_file()
    code = main(["autoencoder", "reduce", *SMALL, "--out", str(tmp_path), "--name", "r"])
    assert code == 2  # an existing run is never overwritten


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["reduce", "--latent", "800"],
            "latent must be <= the input size in_features = 784, got 800",
        ),
        (
            ["denoise", "--noise", "masking:1.5"],
            "fraction must be a finite number in [0, 1], got 1.5",
        ),
        (["anomaly", "--normal", "11"], "no sample has a normal label in [11]"),
        (["reduce", "--data", "moons", "--model", "conv", "--latent", "2"], "not square images"),
        (["anomaly", "--latent", "2,3"], "anomaly takes one latent size, got '2,3'"),
        (
            ["denoise", "--hidden", "64,x"],
            "hidden must be comma-separated integers in [1, 65536], got '64,x'",
        ),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, capsys, args: list, message: str) -> None:  # type: ignore[no-untyped-def]
    code = main(["autoencoder", *args, *SMALL, "--out", str(tmp_path), "--name", "bad"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("kobai autoencoder: error: ") and err.count("\n") == 1
    assert message in err
