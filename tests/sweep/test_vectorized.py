"""--vectorize: groups of cells trained as one ensemble, equal to cells run one by one."""

from __future__ import annotations

from pathlib import Path

import kobai.sweep as ks
from kobai.cli.main import main
from kobai.sweep.vectorized import groups

SPEC = {
    "base": {"data": "moons", "samples": 100, "model": "mlp:6", "dropout": 0.0,
             "schedule": "none", "epochs": 4, "batch_size": 20, "dtype": "float64"},
    "axes": {"optimizer": ["sgd", "adam"], "lr": [0.03, 0.3, 1e4]},
    "seeds": 2,
}  # fmt: skip


def test_vectorized_sweep_equals_cells_one_by_one(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    alone = ks.run(SPEC, tmp_path / "alone", workers=1)
    batched = ks.run(SPEC, tmp_path / "batched", workers=1, vectorize=True)
    assert [r["status"] for r in batched] == [r["status"] for r in alone]
    assert [r["status"] for r in alone].count("diverged") >= 2  # sgd at lr 1e4
    for a, b in zip(alone, batched, strict=True):
        assert a["epochs"] == b["epochs"]
        assert (a["error"] or "").replace("/alone/", "/batched/") == (b["error"] or "")
        for name, value in a["metrics"].items():
            assert abs(b["metrics"][name] - value) <= 1e-10 * max(1.0, abs(value)), name
    # Every cell is still an ordinary run directory.
    assert main(["evaluate", batched[3]["run_dir"]]) == 0
    assert f"{batched[3]['val_accuracy']:.4f}" in capsys.readouterr().out
    # A resume keeps the vectorised way (nothing left to run here, and nothing refused).
    assert ks.run(None, tmp_path / "batched", resume=True).sha256() == batched.sha256()
    # Two workers split the group differently and give the same table, to the bit.
    assert ks.run(SPEC, tmp_path / "two", workers=2, vectorize=True).sha256() == batched.sha256()


def test_cells_group_by_everything_but_seed_and_optimizer() -> None:
    tasks = {
        f"c{i}": {"run_dir": "x", "config": {"data": "moons", "dropout": 0.0, "lr": lr,
                                             "epochs": epochs, "seed": i}}
        for i, (lr, epochs) in enumerate([(0.1, 3), (0.2, 3), (0.3, 5), (0.4, 3)])
    }  # fmt: skip
    chunks = groups(tasks, workers=2)
    members = sorted(sorted(c["key"] for c in g["cells"]) for g in chunks.values())
    assert members == [["c0", "c3"], ["c1"], ["c2"]]
    tasks["c1"]["config"]["dropout"] = 0.5
    tasks["c2"]["config"]["epochs"] = 3
    tasks["c2"]["config"]["activation"] = "gelu"  # not batched: alone
    one = groups(tasks, workers=1)
    assert sorted(sorted(c["key"] for c in g["cells"]) for g in one.values()) == [
        ["c0", "c3"], ["c1"], ["c2"],
    ]  # fmt: skip
