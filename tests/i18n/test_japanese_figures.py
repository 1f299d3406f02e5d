"""Japanese figures: the font is found, no glyph is missing, the minus sign is a true minus,
and without a Japanese font one warning and English figures."""

import warnings
from pathlib import Path

import numpy as np
import pytest

from kobai.i18n import fonts, language
from kobai.viz import activations, curves, descent, neuron, style
from kobai.viz.style import pyplot, text

from .conftest import OUT_DIR_ENV


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every figure the converted modules save, kept open to read its texts."""
    kept: list = []
    for module in (style,):  # curves, descent, neuron and activations save through it
        real = module.save_figure

        def keep(fig, path, *, formats=("png",), _real=real):  # type: ignore[no-untyped-def]
            fig.canvas.draw()  # tick labels exist only once drawn
            kept.append(sorted(t.get_text() for t in fig.findobj(_texts()) if t.get_text()))
            return _real(fig, path, formats=formats)

        monkeypatch.setattr(module, "save_figure", keep)
    return kept


def _texts() -> type:
    from matplotlib.text import Text

    return Text


def _glyph_warnings(caught: list) -> list[str]:
    return [
        str(w.message) for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)
    ]


def _draw_all(out: Path) -> None:
    from kobai.data import make_single_neuron
    from kobai.landscape import descend, get_function
    from kobai.landscape import neuron as N
    from kobai.train.history import History

    h = History()
    for epoch, loss in enumerate([2.0, 0.9, 0.3, 0.05], start=1):
        h.append_epoch({"epoch": epoch, "train_loss": loss, "val_loss": loss * 1.2,
                        "train_accuracy": 1 - loss / 3, "val_accuracy": 1 - loss / 2.5,
                        "wall_time": 0.5 * epoch})  # fmt: skip
    curves.plot_learning_curves({"sgd": h, "adam": h}, out / "curves")
    f = get_function("himmelblau")
    runs = descend(f, {"sgd": {"name": "sgd", "lr": 0.01}, "wild": {"name": "sgd", "lr": 2.0}},
                   steps=20)  # fmt: skip
    descent.plot_race(f, runs, out / "race", formats=("png",))
    q = get_function("quadratic")
    descent.plot_descent_1d(q, descend(q, ["sgd"], lr=0.1, steps=6), out / "descent_1d",
                            formats=("png",))  # fmt: skip
    x, t = make_single_neuron(50, noise=0.05, rng=0)
    w, b = np.linspace(-2, 6, 31), np.linspace(-5, 3, 31)
    losses = N.loss_grid(x, t, w, b)
    path = N.descend_neuron(x, t, (-1.5, 2.5), 2.0, 15)
    arrows = N.gradient_arrows(x, t, [(0.0, 0.0), (3.0, 1.0)])
    neuron.plot_neuron_landscape(w, b, losses, path, out / "neuron", arrows=arrows,
                                 true_params=(2, -1), samples=50, formats=("png",))  # fmt: skip
    modes = [N.descend_neuron(x, t, (-1.5, 2.5), 2.0, 15, batch_size=s, rng=0) for s in (None, 1)]
    neuron.plot_batch_modes(w, b, losses, modes, out / "modes", formats=("png",))
    activations.plot_activations(out / "activations", formats=("png",))


def test_japanese_figures_have_every_glyph_and_japanese_text(tmp_path: Path, figures: list) -> None:
    import os

    out = Path(os.environ.get(OUT_DIR_ENV, tmp_path))
    with language("ja"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _draw_all(out)
    assert _glyph_warnings(caught) == []
    assert len(figures) == 6
    joined = ["\n".join(texts) for texts in figures]
    for texts, expected in zip(joined, ["学習曲線", "大域的最小値", "接線", "単一ニューロン",
                                        "更新ステップ", "活性化関数"], strict=True):  # fmt: skip
        assert expected in texts
    assert "訓練" in joined[0] and "エポック" in joined[0] and "ステップ 2 で発散" not in joined[0]
    assert "発散" in joined[1] and "Loss" not in joined[0]
    assert "−" in joined[2]  # negative ticks of the 1-D picture carry U+2212
    assert (out / "curves.png").read_bytes()[:4] == b"\x89PNG"


def test_the_font_is_japanese_with_a_true_minus_and_english_comes_back() -> None:
    from matplotlib import font_manager, rcParams

    with language("ja"):
        plt = pyplot()
        assert fonts.japanese_font() == "IPAexGothic"  # matplotlib-fontja, of the test extra
        assert rcParams["font.family"] == ["IPAexGothic", "DejaVu Sans"]
        assert rcParams["axes.unicode_minus"] is True
        found = font_manager.findfont(font_manager.FontProperties(family=rcParams["font.family"]))
        assert Path(found).name == "ipaexg.ttf"
        fig, ax = plt.subplots()
        ax.plot([-3, 3], [-2, 2])
        ax.set(title=text("curves.title"), xlabel=text("curves.epoch"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.canvas.draw()
        labels = [lab.get_text() for lab in ax.get_xticklabels()]
        plt.close(fig)
    assert _glyph_warnings(caught) == []
    assert "−2" in labels and not any(lab.startswith("-") for lab in labels)
    assert ax.get_title() == "学習曲線"
    pyplot()
    assert rcParams["font.family"] != ["IPAexGothic", "DejaVu Sans"]
    assert text("curves.title") == "Learning curves"


def test_without_a_japanese_font_one_warning_and_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_installed_family", lambda: None)
    monkeypatch.setattr(fonts, "_state", {})
    with language("ja"):
        with pytest.warns(UserWarning, match=r"no Japanese font found .*kobai\[ja\]"):
            assert text("curves.title") == "Learning curves"
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the warning comes once per process
            assert fonts.figure_language() == "en"
            assert text("neuron.weight") == "weight w"
    monkeypatch.setattr(fonts, "_state", {})


def test_english_figures_keep_matplotlib_fonts_after_japanese_ones() -> None:
    """In a fresh process (matplotlib-fontja imported for the first time): Japanese, then
    English, and the English figures use matplotlib's own family again."""
    import os
    import subprocess
    import sys

    code = (
        "import matplotlib; before = list(matplotlib.rcParams['font.family'])\n"
        "from kobai.i18n import set_language\nfrom kobai.viz.style import pyplot\n"
        "set_language('ja'); pyplot(); ja = list(matplotlib.rcParams['font.family'])\n"
        "set_language('en'); pyplot()\n"
        "print(before, ja, list(matplotlib.rcParams['font.family']))\n"
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "['sans-serif'] ['IPAexGothic', 'DejaVu Sans'] ['sans-serif']"
