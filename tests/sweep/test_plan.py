"""Sweep plans: expansion, keys, derived seeds, and one clear message for every bad plan."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest

from kobai.sweep import PlanError, derive_seed, parse_plan, read_plan

BASE = {"data": "xor", "model": "mlp:4", "epochs": 2, "dropout": 0.0}


def test_grid_cells_come_in_plan_order_with_readable_keys() -> None:
    plan = parse_plan(
        {"base": BASE, "axes": {"optimizer": ["sgd", "adam"], "lr": [0.1, 0.01]}, "seeds": 2}
    )
    keys = [c.key for c in plan.cells()]
    assert keys[:3] == [
        "optimizer=sgd,lr=0.1,seed=0",
        "optimizer=sgd,lr=0.1,seed=1",
        "optimizer=sgd,lr=0.01,seed=0",
    ]
    assert len(keys) == 8 and keys[-1] == "optimizer=adam,lr=0.01,seed=1"
    config = plan.config_for(plan.cells()[-1])
    assert config["optimizer"] == "adam" and config["lr"] == 0.01 and config["epochs"] == 2


def test_cell_seed_is_a_hash_of_sweep_seed_and_key_not_of_position() -> None:
    expected = int.from_bytes(hashlib.sha256(b"kobai-sweep:7:seed=1").digest()[:8], "big") >> 1
    assert derive_seed(7, "seed=1") == expected
    small = parse_plan({"base": BASE, "axes": {"lr": [0.1]}, "seeds": 2, "seed": 7})
    large = parse_plan({"base": BASE, "axes": {"lr": [0.5, 0.1]}, "seeds": 2, "seed": 7})
    # Replicate i shares its seed across configurations (same data and starting weights).
    assert [c.seed for c in small.cells()] == [derive_seed(7, "seed=0"), expected]
    assert [c.seed for c in large.cells()][2:] == [c.seed for c in small.cells()]
    # seed_by = "cell": each cell its own seed, still independent of where the cell sits.
    by_cell = parse_plan({"base": BASE, "axes": {"lr": [0.5, 0.1]}, "seeds": 2, "seed_by": "cell"})
    seeds = {c.key: c.seed for c in by_cell.cells()}
    assert seeds["lr=0.1,seed=1"] == derive_seed(0, "lr=0.1,seed=1")
    assert len(set(seeds.values())) == 4


def test_ranges_and_random_samples_are_reproducible() -> None:
    spec = {
        "base": BASE,
        "axes": {"optimizer": ["sgd", "adam"], "lr": {"log_uniform": [1e-4, 1.0]},
                 "momentum": {"logspace": [0.1, 10.0, 3]}},
        "samples": 4,
    }  # fmt: skip
    with pytest.raises(PlanError, match="unknown axis 'momentum'"):
        parse_plan(spec)
    spec["axes"].pop("momentum")
    first, second = parse_plan(spec), parse_plan(spec)
    lrs = [c.params["lr"] for c in first.cells()]
    assert lrs == [c.params["lr"] for c in second.cells()] and len(lrs) == 8
    # The random draws are shared by the grid points (the same lrs for every optimizer).
    assert lrs[:4] == lrs[4:] and len(set(lrs)) == 4
    assert all(1e-4 <= lr <= 1.0 for lr in lrs)
    other = parse_plan({**spec, "seed": 1})
    assert [c.params["lr"] for c in other.cells()] != lrs
    grid = parse_plan({"base": BASE, "axes": {"lr": {"logspace": [1e-3, 1.0, 4]}}})
    assert [c.params["lr"] for c in grid.cells()] == [0.001, 0.01, 0.1, 1.0]
    assert math.isclose(first.cells()[0].params["lr"], float(f"{lrs[0]:.6g}"))


def test_fingerprint_ignores_the_name_only() -> None:
    spec = {"base": BASE, "axes": {"lr": [0.1, 0.2]}}
    assert parse_plan({**spec, "name": "a"}).fingerprint() == parse_plan(spec).fingerprint()
    assert parse_plan({**spec, "seeds": 2}).fingerprint() != parse_plan(spec).fingerprint()
    assert parse_plan(parse_plan(spec).to_dict()).fingerprint() == parse_plan(spec).fingerprint()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"axes": {"lrr": [0.1]}}, "unknown axis 'lrr'; valid: data"),
        ({"axes": {"seed": [1, 2]}}, "vary seeds with 'seeds = N'"),
        ({"axes": {"lr": []}}, "axis 'lr' is empty"),
        ({"axes": {"lr": [0.1, 0.1]}}, "axis 'lr' lists 0.1 twice"),
        ({"axes": {"lr": {"logspace": [1.0, 0.1, 3]}}}, "needs low < high, got 1 and 0.1"),
        ({"axes": {"lr": {"log_uniform": [0.0, 1.0]}}, "samples": 2}, "needs low > 0, got 0"),
        ({"axes": {"lr": {"linspace": [0.1, 1.0]}}}, "takes [low, high, count]"),
        ({"axes": {"lr": {"gauss": [0.1, 1.0]}}}, "must be one of values, logspace"),
        ({"axes": {"lr": {"uniform": [0.1, 1.0]}}}, "random axes need 'samples'"),
        ({"axes": {"lr": [0.1]}, "samples": 3}, "'samples' is 3 but no axis is random"),
        ({"axes": {"lr": [0.1]}, "seeds": 0}, "seeds must be an integer >= 1, got 0"),
        ({"axes": {"lr": [-0.1]}}, "lr must be a finite number > 0, got -0.1 (cell lr=-0.1)"),
        (
            {"axes": {"optimizer": ["adam"], "optimizer_options.momentum": [0.9]}},
            "unknown hyper-parameter(s) momentum for 'adam'",
        ),
        ({"axes": {"lr": [0.1]}, "grid": 1}, "unknown sweep key(s) grid"),
        ({"axes": {"lr": [0.1]}, "goal": "up"}, "goal must be one of min, max, got 'up'"),
    ],
)
def test_bad_plans_fail_with_one_clear_line(spec: dict, message: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan({"base": BASE, **spec})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_base_must_not_set_the_seed() -> None:
    with pytest.raises(PlanError, match="base sets 'seed'"):
        parse_plan({"base": {**BASE, "seed": 3}, "axes": {"lr": [0.1]}})


def test_toml_plan_with_base_file(tmp_path: Path) -> None:
    (tmp_path / "train.toml").write_text('data = "xor"\nmodel = "mlp:4"\nepochs = 2\n')
    (tmp_path / "lr.toml").write_text(
        'base = "train.toml"\nseeds = 3\n[axes]\nlr = { logspace = [0.01, 1.0, 3] }\n'
    )
    plan = read_plan(tmp_path / "lr.toml")
    assert plan.name == "lr" and plan.base["model"] == "mlp:4" and len(plan.cells()) == 9


def test_import_kobai_loads_neither_sqlite_nor_dask() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kobai, kobai.cli.main as m\n"
        "m.build_parser()\n"
        "print([n for n in ('sqlite3', 'distributed', 'dask', 'pandas') if n in sys.modules])\n"
        "kobai.sweep.parse_plan, kobai.ensemble.fit_ensemble\n"
        "print('sqlite3' in sys.modules, 'distributed' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True False"]
