"""Every command against hostile input: one line on stderr, exit code 2, never a traceback.

Each case runs ``kobai.cli.main.main`` in-process (a subprocess per case would take minutes);
a handful of end-to-end cases at the bottom run the real ``kobai`` process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kobai.cli.main import main

from .hostile_files import TOML, build

# (case id, arguments with {name} placeholders for the hostile files, expected words)
CASES: list[tuple[str, str, str]] = [
    # -- configuration files: wrong types name the file and the key ---------------------
    *[
        (f"toml-{name}", f"train --config {{toml_{name}}} --quiet --out {{out}}", word)
        for name, word in {
            "model_int": "model must be a non-empty string, got 5",
            "data_int": "data must be a non-empty string, got 5",
            "data_table": "data must be a non-empty string, got dict",
            "lr_text": "lr must be a finite number > 0, got 'x'",
            "lr_negative": "lr must be a finite number > 0, got -1",
            "lr_inf": "lr must be a finite number > 0, got inf",
            "lr_nan": "lr must be a finite number > 0, got nan",
            "epochs_text": "epochs must be an integer in [1, 1000000], got '3'",
            "epochs_zero": "epochs must be an integer",
            "epochs_bool": "got True",
            "epochs_huge": "got 100000000000",
            "batch_zero": "batch_size must be an integer >= 1 or one of 'full', got 0",
            "batch_text": "got 'half'",
            "dropout_big": "dropout must be a finite number in [0, 1), got 1.5",
            "dropout_text": "dropout must be a finite number",
            "seed_negative": "seed must be an integer >= 0, got -1",
            "seed_float": "seed must be an integer >= 0, got 1.5",
            "samples_huge": "samples must be an integer in [1, 10000000], got 1000000000000",
            "samples_zero": "samples must be an integer in [1, 10000000], got 0",
            "optimizer_options_int": "optimizer_options must be a table of named values, got 5",
            "schedule_options_list": "schedule_options must be a table",
            "gradient_magic": "gradient must be one of 'backprop', 'numerical', got 'magic'",
            "dtype_int8": "dtype must be one of 'float32', 'float64', got 'int8'",
            "early_negative": "early_stopping must be an integer >= 0, got -1",
            "target_loss_nan": "target_loss must be a finite number, got nan",
            "target_int": "target must be a non-empty string, got 5",
            "activation_int": "activation must be a non-empty string, got 5",
            "schedule_int": "schedule must be a non-empty string",
            "batchnorm_text": "batchnorm must be true or false, got 'yes'",
            "save_every_int": "save_every_epoch must be true or false, got 1",
            "unknown_key": "unknown configuration key(s) colour",
            "syntax": "is not valid TOML",
            "model_list": "model must be a non-empty string, got [1, 2]",
            "latin1": "is not valid TOML",
            "opt_lr_text": "lr must be a finite number, got 'x'",
            "opt_betas_int": "betas must be a pair (beta1, beta2), got 5",
            "opt_unknown": "nosuch",
            "sched_gamma_text": "gamma must be a finite number > 0, got 'x'",
            "sched_unknown": "nosuch",
            "sched_unknown_name": "nosuch",
        }.items()
    ],
    ("toml-missing", "train --config {out}/no.toml --out {out}", "no configuration file at"),
    ("toml-folder", "train --config {out} --out {out}", "no configuration file at"),
    # -- run directories: damaged configs and checkpoints ---------------------------------
    ("resume-json-broken", "train --resume {run_json_broken} --quiet", "is not valid JSON"),
    ("resume-json-list", "train --resume {run_json_list} --quiet", "must hold a JSON object"),
    ("resume-json-model", "train --resume {run_json_model_int} --quiet", "model must be"),
    ("resume-no-config", "train --resume {run_no_config} --quiet", "has no config.json"),
    ("resume-ckpt-garbage", "train --resume {run_ckpt_garbage} --quiet", "not a readable"),
    ("resume-ckpt-empty", "train --resume {run_ckpt_empty} --quiet", "not a readable"),
    ("resume-ckpt-no-model", "train --resume {run_ckpt_no_model} --quiet", "no 'model' entry"),
    ("evaluate-ckpt-no-model", "evaluate {run_ckpt_no_model}", "no 'model' entry"),
    ("resume-ckpt-huge", "train --resume {run_ckpt_huge} --quiet", "promises shape (100000000"),
    ("evaluate-ckpt-huge", "evaluate {run_ckpt_huge}", "promises shape (100000000, 784)"),
    ("evaluate-ckpt-member-txt", "evaluate {run_ckpt_member_txt}", "is not a .npy array"),
    ("predict-ckpt-object", "predict {run_ckpt_object} --input {inputs_text}", "dtype object"),
    ("evaluate-json-broken", "evaluate {run_json_broken}", "is not valid JSON"),
    ("evaluate-missing", "evaluate {out}/nowhere", "is not a run directory"),
    ("landscape-ckpt-garbage", "landscape {run_ckpt_garbage}", "not a readable"),
    # -- predict: arrays and tables that lie ----------------------------------------------
    *[
        (f"predict-{name}", f"predict {{run}} --input {{{name}}}", word)
        for name, word in {
            "npy_huge_header": "promises shape (100000000, 784)",
            "npy_truncated": "promises shape (10, 2)",
            "npy_text": "must hold numbers, got dtype <U1",
            "npy_object": "must hold numbers, got dtype object",
            "npy_not_npy": "is not a .npy array",
            "npy_nan": "not a finite number",
            "npz_member_txt": "member 'notes.txt' is not a .npy array",
            "npz_huge_header": "promises shape (100000000, 784)",
            "npz_empty": "holds no array",
            "npz_not_zip": "cannot read",
            "txt_input": "must be a .npy, .npz or .csv file",
            "inputs_nan": "line 1, column 'column 1': 'nan' is not a finite number",
            "inputs_inf": "line 3, column 'x2': '-inf' is not a finite number",
            "inputs_text": "line 3, column 'x2': 'what' is not a number",
            "inputs_long": "not a readable CSV file",
            "inputs_wrong_width": "takes 2 features per row",
            "csv_empty": "is empty",
            "csv_latin1": "is not UTF-8 text",
        }.items()
    ],
    ("predict-missing", "predict {run} --input {out}/none.npy", "no input file at"),
    (
        "predict-output-is-input",
        "predict {run} --input {inputs_nan} --output {inputs_nan}",
        "is the --input file",
    ),  # fmt: skip
    # -- training data ---------------------------------------------------------------------
    *[
        (f"train-{name}", f"train --data csv:{{{name}}} --target y --quiet --out {{out}}", word)
        for name, word in {
            "csv_nan": "line 3, column 'a': 'nan' is not a finite number",
            "csv_inf": "line 3, column 'b': 'inf' is not a finite number",
            "csv_text_cell": "line 3, column 'b': 'abc' is not a number",
            "csv_ragged": "line 3: expected 3 fields like the header, got 2",
            "csv_empty": "is empty",
            "csv_header_only": "has a header but no data rows",
            "csv_long_cell": "not a readable CSV row",
            "csv_no_target": "target column 'y' not in the header",
            "csv_duplicate": "duplicate column names",
            "csv_latin1": "is not UTF-8 text",
        }.items()
    ],
    *[
        (f"train-{name}", f"train --data idx:{{{name}}} --quiet --out {{out}}", word)
        for name, word in {
            "idx_overflow": "more than the file can hold",
            "idx_huge": "more than the file can hold",
            "idx_magic": "not an IDX file",
            "idx_truncated_header": "truncated IDX header",
            "idx_gzip_bomb": "more than the file can hold",
            "idx_empty": "not found in",
        }.items()
    ],
    (
        "train-samples-huge",
        "train --data moons --samples 1000000000000 --out {out}",
        "must be an integer in [1, 10000000]",
    ),  # fmt: skip
    (
        "train-model-wide",
        "train --data xor --model mlp:100000,100000 --out {out}",
        "of memory, more than the",
    ),  # fmt: skip
    (
        "train-model-huge",
        "train --data xor --model mlp:1000000000 --out {out}",
        "of memory, more than the",
    ),  # fmt: skip
    ("train-model-text", "train --data xor --model mlp:x --out {out}", "mlp:"),
    ("train-lr-inf", "train --lr inf --out {out}", "--lr must be a finite number, got inf"),
    ("train-lr-nan", "train --lr nan --out {out}", "--lr must be a finite number, got nan"),
    ("train-target-loss-nan", "train --target-loss nan --out {out}", "--target-loss must be"),
    ("train-dropout-nan", "train --dropout nan --out {out}", "--dropout must be a finite"),
    ("train-momentum-inf", "train --momentum inf --out {out}", "--momentum must be a finite"),
    ("train-weight-decay-nan", "train --weight-decay nan --out {out}", "--weight-decay must"),
    ("train-opt-nan", "train --data xor --opt betas=nan,0.9 --out {out}", "beta"),
    (
        "train-opt-momentum-inf",
        "train --data xor --optimizer sgd --opt momentum=inf --out {out}",
        "momentum must be a finite number, got inf",
    ),  # fmt: skip
    (
        "descend-opt-momentum-inf",
        "descend --optimizers sgd --opt momentum=inf --out {out}",
        "momentum must be a finite number, got inf",
    ),  # fmt: skip
    (
        "train-schedule-opt-nan",
        "train --data xor --schedule exponential --schedule-opt gamma=nan --out {out}",
        "gamma must be a finite number > 0, got nan",
    ),  # fmt: skip
    ("train-epochs-zero", "train --epochs 0 --out {out}", "epochs must be an integer"),
    ("train-seed-negative", "train --seed -1 --out {out}", "seed must be an integer >= 0"),
    ("train-threads-zero", "train --threads 0 --out {out}", "threads must be an integer >= 1"),
    ("train-data-unknown", "train --data nosuch --out {out}", "unknown data set 'nosuch'"),
    # -- descend and neuron ------------------------------------------------------------------
    ("descend-start-nan", "descend --start nan,1 --out {out}", "--start must be a finite"),
    ("descend-start-inf", "descend --start inf,1 --out {out}", "--start must be a finite"),
    ("descend-start-huge", "descend --start 1e308,1 --out {out}", "choose another start"),
    (
        "descend-overflow",
        "descend --function exp(x)+y --start 800,0 --out {out}",
        "choose another start",
    ),  # fmt: skip
    (
        "descend-steps-huge",
        "descend --steps 10000000000 --out {out}",
        "steps must be an integer in [1, 1000000]",
    ),  # fmt: skip
    (
        "descend-steps-text",
        "descend --steps many --out {out}",
        "--steps must be an integer >= 1, got 'many'",
    ),
    ("descend-lr-inf", "descend --lr inf --out {out}", "--lr must be a finite number, got inf"),
    ("descend-lr-overflow", "descend --lr 1e400 --out {out}", "--lr must be a finite number"),
    ("descend-opt-nan", "descend --opt lr=nan --out {out}", "nan"),
    ("descend-formula", "descend --function x** --out {out}", "x**"),
    ("descend-formats", "descend --formats gif --out {out}", "--formats takes"),
    ("neuron-start-nan", "neuron --start nan,0 --out {out}", "--start must be a finite"),
    ("neuron-w-range", "neuron --w-range 5,1 --out {out}", "--w-range takes LO,HI with LO < HI"),
    (
        "neuron-steps-huge",
        "neuron --steps 100000000000 --out {out}",
        "steps must be an integer in [1, 1000000]",
    ),  # fmt: skip
    (
        "neuron-samples-huge",
        "neuron --samples 100000000000 --out {out}",
        "must be an integer in [1, 10000000]",
    ),  # fmt: skip
    ("neuron-lr-inf", "neuron --lr inf --out {out}", "--lr must be a finite number, got inf"),
    ("neuron-noise-nan", "neuron --noise nan --out {out}", "--noise must be a finite number"),
    ("neuron-true-nan", "neuron --true nan,1 --out {out}", "--true must be a finite number"),
    ("neuron-grid-huge", "neuron --grid 100000 --out {out}", "of memory"),
    (
        "neuron-batch-zero",
        "neuron --batch-size 0 --out {out}",
        "--batch-size must be an integer >= 1, got 0",
    ),
    ("neuron-data-missing", "neuron --data {out}/none.csv --out {out}", "not found"),
    # -- autoencoder, landscape, gradcheck and the rest ---------------------------------------
    (
        "ae-channels-huge",
        "autoencoder reduce --model conv --channels 100000 --out {out}",
        "channels must be comma-separated integers in [1, 65536], got '100000'",
    ),  # fmt: skip
    (
        "ae-channels-memory",
        "autoencoder reduce --model conv --channels 30000 --out {out}",
        "of memory, more than the",
    ),  # fmt: skip
    ("ae-threshold-nan", "autoencoder anomaly --threshold nan --out {out}", "--threshold must"),
    ("ae-percentile-inf", "autoencoder anomaly --percentile inf --out {out}", "--percentile"),
    ("ae-lr-inf", "autoencoder reduce --lr inf --out {out}", "--lr must be a finite number"),
    ("ae-hidden-text", "autoencoder reduce --hidden 64,x --out {out}", "hidden must be"),
    ("ae-latent-zero", "autoencoder reduce --latent 0 --out {out}", "latent must be"),
    ("ae-noise-fraction", "autoencoder denoise --noise masking:1.5 --out {out}", "fraction"),
    ("ae-resume-missing", "autoencoder reduce --resume {out}/none", "none"),
    ("landscape-max-minutes-nan", "landscape {run} --max-minutes nan", "--max-minutes must"),
    ("landscape-resolution", "landscape {run} --resolution 1", "resolution must be"),
    ("landscape-missing", "landscape {out}/none", "none"),
    ("gradcheck-eps-nan", "gradcheck --eps nan", "--eps must be a finite number, got nan"),
    ("gradcheck-atol-nan", "gradcheck --atol nan", "--atol must be a finite number, got nan"),
    ("gradcheck-rtol-inf", "gradcheck --rtol inf", "--rtol must be a finite number, got inf"),
    ("gradcheck-eps-negative", "gradcheck --eps -1 --filter linear", "eps must be"),
    ("curves-missing", "curves {out}/none --out {out}", "none"),
    ("study-unknown", "study nosuch --out {out}", "nosuch"),
    ("activations-unknown", "activations --only nosuch --out {out}", "nosuch"),
    (
        "playground-port",
        "playground --port 70000 --no-browser",
        "--port must be an integer in [0, 65535], got 70000",
    ),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    files: dict[str, Any] = build(root)
    files["out"] = root / "out"
    return files


def _argv(template: str, files: dict[str, Any]) -> list[str]:
    return [part.format(**files) for part in template.split()]


def test_the_suite_is_large() -> None:
    assert len(CASES) >= 120
    assert len({case for case, _, _ in CASES}) == len(CASES)
    assert len(TOML) >= 30


@pytest.mark.parametrize(("case", "template", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_and_exit_2(
    case: str, template: str, expected: str, hostile: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    code = main(_argv(template, {**hostile, "out": tmp_path}))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert code == 2, err
    assert lines[0].startswith(f"kobai {template.split()[0]}: error: "), err
    assert expected in lines[0], err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("train --samples 1e12", "kobai train: error: argument --samples: invalid int value"),
        ("train --dtype float16", "argument --dtype: invalid choice: 'float16'"),
        ("descend --nosuch", "kobai: error: unrecognized arguments: --nosuch"),
        ("nosuch", "argument COMMAND: invalid choice: 'nosuch'"),
    ],
)
def test_argparse_errors_are_one_line_too(args: str, expected: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as info:
        main(args.split())
    err = capsys.readouterr().err
    assert info.value.code == 2 and len(err.strip().splitlines()) == 1
    assert expected in err and err.strip().endswith("--help)")


def test_a_run_that_diverges_stops_with_one_line(hostile: dict[str, Any], capsys: Any) -> None:
    # A learning rate of 1e20 is a number, so it passes every check: the run diverges and
    # every command reports it the way train does (exit 1, one line), not as a traceback.
    args = "autoencoder reduce --lr 1e20 --latent 2 --train-size 64 --test-size 32 --epochs 2"
    code = main([*args.split(), "--quiet", "--out", str(hostile["out"])])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.startswith("kobai autoencoder: stopped: ") and len(err.strip().splitlines()) == 1


def test_failed_resume_leaves_the_config_untouched(hostile: dict[str, Any], capsys: Any) -> None:
    config = Path(hostile["run_ckpt_no_model"]) / "config.json"
    before = config.read_bytes()
    assert main(["train", "--resume", str(config.parent), "--epochs", "5", "--quiet"]) == 2
    capsys.readouterr()
    assert config.read_bytes() == before


def test_a_refused_new_run_leaves_no_husk(tmp_path: Path, capsys: Any) -> None:
    args = ["autoencoder", "reduce", "--model", "conv", "--channels", "30000", "--name", "r"]
    for _ in range(2):  # the second attempt is refused for the same reason, not for the name
        assert main([*args, "--quiet", "--out", str(tmp_path)]) == 2
        assert "of memory, more than the" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_failed_autoencoder_resume_leaves_the_config_untouched(
    hostile: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    args = ["autoencoder", "reduce", "--latent", "2", "--train-size", "64", "--test-size", "32"]
    assert main([*args, "--epochs", "1", "--quiet", "--out", str(tmp_path), "--name", "r"]) == 0
    run = tmp_path / "r"
    checkpoint = next(run.rglob("checkpoint.npz"))
    checkpoint.write_bytes(b"PK\x03\x04 damaged")
    before = (run / "config.json").read_bytes()
    assert main(["autoencoder", "reduce", "--resume", str(run), "--epochs", "3", "--quiet"]) == 2
    assert "not a readable checkpoint" in capsys.readouterr().err
    assert (run / "config.json").read_bytes() == before


def test_numbers_written_with_letters_are_data_not_a_header(
    hostile: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    inputs = tmp_path / "x.csv"
    inputs.write_text("1e-3,1\n0,1\n1,0\n")
    assert main(["predict", str(hostile["run"]), "--input", str(inputs)]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("row,prediction") and len(rows) == 4  # header + 3 rows


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["train", "--lr", "inf"], "kobai train: error: --lr must be a finite number, got inf"),
        (["descend", "--start", "1e308,1"], "choose another start"),
        (["neuron", "--steps", "100000000000"], "steps must be an integer in [1, 1000000]"),
        (
            [
                "autoencoder",
                "reduce",
                "--lr",
                "1e20",
                "--latent",
                "2",
                "--train-size",
                "64",
                "--test-size",
                "32",
                "--epochs",
                "2",
                "--quiet",
            ],
            "kobai autoencoder: stopped: ",
        ),
    ],
)
def test_end_to_end_in_a_real_process(args: list[str], expected: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kobai", *args, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == (1 if "stopped" in expected else 2)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
