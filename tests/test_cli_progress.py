"""Long work says so: labelled progress bars, a warning before a long stochastic run."""

import io
import sys

import pytest

from kobai.cli.train import duration_warning
from kobai.models.autoencoder_runs import labelled
from kobai.models.runs import RunConfig, build
from kobai.train.fit import _progress_bar


def test_a_string_labels_the_progress_bar(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = _progress_bar("latent k=8 (2/3)", 10)
    assert bar is not None and bar.desc == "latent k=8 (2/3)"
    bar.close()
    assert "latent k=8 (2/3)" in terminal.getvalue()
    assert _progress_bar(False, 10) is None
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: no bar, label or not
    assert _progress_bar("latent k=8 (2/3)", 10) is None and _progress_bar(None, 10) is None


def test_autoencoder_trainings_are_labelled_unless_quiet() -> None:
    assert labelled(None, "latent k=2 (1/3)") == "latent k=2 (1/3)"
    assert labelled(False, "latent k=2 (1/3)") is False


@pytest.mark.parametrize(
    ("options", "warned"),
    [({"batch_size": 1}, True), ({"batch_size": 1, "epochs": 1}, False), ({}, False)],
)
def test_a_long_stochastic_run_is_announced(options: dict, warned: bool) -> None:
    run = build(RunConfig(**options))
    text = duration_warning(run, 0)
    if not warned:
        assert text is None
        return
    assert text is not None and text.startswith(
        "kobai train: one sample per update makes 120,000 updates (8,000 an epoch for 15 epochs)"
    )
    assert "--epochs 1 or --batch-size 32 is much quicker" in text
    # resuming: only what is left counts
    assert "80,000 updates (8,000 an epoch for 10 epochs)" in (duration_warning(run, 5) or "")
    assert duration_warning(run, 10) is None  # 40,000 updates left


def test_numpy_warnings_are_summarised_in_one_line(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    import kobai.cli.activations
    from kobai.cli.main import main

    def noisy(args):  # type: ignore[no-untyped-def]
        big = np.full(3, 1e38, dtype=np.float32)
        for _ in range(500):
            big * np.float32(10)  # overflow, as in a diverging run
        np.log(np.zeros(2))
        return 0

    monkeypatch.setattr(kobai.cli.activations, "run", noisy)
    assert main(["activations"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "RuntimeWarning" not in err[0]
    assert err[0].startswith("kobai activations: note: 501 NumPy warning(s) while computing: ")
    assert "overflow encountered in multiply (500x)" in err[0]


def test_other_warnings_are_one_line_notes_not_python_warnings(capsys) -> None:  # type: ignore[no-untyped-def]
    import warnings

    from kobai.cli.options import summarised_runtime_warnings

    with summarised_runtime_warnings("train") as counts:
        warnings.warn(
            "no Japanese font found; figures are drawn in English", UserWarning, stacklevel=1
        )
        warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)
    err = capsys.readouterr().err.splitlines()
    assert counts == {"overflow encountered in exp": 1}
    assert err == [
        "kobai train: warning: no Japanese font found; figures are drawn in English",
        "kobai train: note: 1 NumPy warning(s) while computing: overflow encountered in exp (1x)"
        " (expected where a run diverges)",
    ]


def test_the_warning_summary_restores_showwarning_also_after_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import warnings

    from kobai.cli.options import summarised_runtime_warnings

    before = warnings.showwarning
    with pytest.raises(KeyError), summarised_runtime_warnings("train") as counts:
        warnings.warn("overflow here", RuntimeWarning, stacklevel=1)
        warnings.warn("a font is missing", UserWarning, stacklevel=1)
        raise KeyError("boom")
    assert warnings.showwarning is before
    assert counts == {"overflow here": 1}
    assert "kobai train: warning: a font is missing" in capsys.readouterr().err
