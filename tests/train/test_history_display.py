"""A History in Jupyter (an HTML table, first and last epochs of a long run) and its repr."""

import xml.etree.ElementTree as ET

import numpy as np

import kobai as kb
from kobai import nn, optim
from kobai.train.history import History


def made(epochs: int, *, stop_reason: str | None = None) -> History:
    h = History()
    for e in range(1, epochs + 1):
        h.append_epoch({
            "epoch": e, "train_loss": 1.0 / e, "val_loss": 1.0 / e + (e - 4) ** 2 / 100,
            "lr": 0.1, "grad_norm": 2.0, "grad_norm/0": 1.5, "grad_norm/2": 0.5,
            "wall_time": 0.25 * e,
        })  # fmt: skip
    h.stop_reason = stop_reason
    return h


def table_rows(html: str) -> tuple[ET.Element, list[str], list[list[str]]]:
    root = ET.fromstring(html)  # well-formed, or this raises
    assert root.tag == "div" and root.get("class") == "kobai-history"
    header = [th.text for th in root.iter("th")]
    body = root.find("table/tbody")
    return root, header, [[td.text for td in tr] for tr in body]


def test_a_short_history_shows_every_epoch_and_its_best_validation_loss():
    root, header, rows = table_rows(made(3)._repr_html_())
    assert header == ["epoch", "train_loss", "val_loss", "lr", "grad_norm", "wall_time"]
    assert rows == [
        ["1", "1", "1.09", "0.1", "2", "0.25"],
        ["2", "0.5", "0.54", "0.1", "2", "0.5"],
        ["3", "0.3333", "0.3433", "0.1", "2", "0.75"],
    ]
    facts = "".join(root.find("p").itertext())
    assert facts == (
        "History: 3 epochs \u00b7 epoch 3: train_loss 0.3333, val_loss 0.3433"
        " \u00b7 best val_loss 0.3433 at epoch 3 \u00b7 0.75 s of training"
    )
    assert root.findall("p")[1].text == (
        "2 per-layer gradient-norm columns (grad_norm/...) not shown"
    )


def test_a_long_history_shows_its_first_and_last_five_epochs_around_an_ellipsis():
    h = made(400, stop_reason="early stopping: val_loss did not improve for 5 epochs")
    html = h._repr_html_()
    _, _, rows = table_rows(html)
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "\u22ee 390 more epochs",
                                    "396", "397", "398", "399", "400"]  # fmt: skip
    assert ET.fromstring(html).find("table/tbody")[5][0].get("colspan") == "6"
    assert "best val_loss 0.2067 at epoch 6" in html  # 1/6 + (6 - 4)**2 / 100, the minimum
    assert "stopped: early stopping: val_loss did not improve for 5 epochs" in html
    assert len(html) < 4_000  # bounded, whatever the number of epochs


def test_names_and_reasons_are_escaped():
    h = History()
    h.append_epoch({"epoch": 1, "<b>loss</b>": float("nan"), "val_loss": None})
    h.stop_reason = "loss > 1e4 & rising"
    html = h._repr_html_()
    root, header, rows = table_rows(html)
    assert header == ["epoch", "<b>loss</b>", "val_loss"] and "<b>" not in html
    assert rows == [["1", "nan", "\u2013"]]
    assert "stopped: loss &gt; 1e4 &amp; rising" in html
    empty = ET.fromstring(History()._repr_html_())
    assert "".join(empty.itertext()).strip() == "History: 0 epochs \u00b7 no epoch yet"


def test_repr_names_the_last_epoch_and_the_columns():
    assert repr(made(3, stop_reason="diverged")) == (
        "History(3 epochs; epoch 3: train_loss 0.3333, val_loss 0.3433; best val_loss 0.3433 "
        "at epoch 3; 0.75 s of training; stopped: diverged; columns: epoch, train_loss, "
        "val_loss, lr, grad_norm, wall_time and 2 grad_norm/<layer>)"
    )
    assert repr(History()) == "History(0 epochs; no epoch yet; columns: none)"


def test_a_fitted_history_displays_its_metrics():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=0))
    h = kb.fit(model, (x[:40], y[:40]), val=(x[40:], y[40:]), loss=nn.CrossEntropyLoss(),
               optimizer=optim.SGD(model.parameters(), lr=0.1), batch_size=8, epochs=2, rng=0,
               progress=False)  # fmt: skip
    _, header, rows = table_rows(h._repr_html_())
    assert header[:5] == ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy"]
    assert [r[0] for r in rows] == ["1", "2"]
    assert rows[1][1] == f"{h['train_loss'][1]:.4g}" and rows[1][4] == f"{h['val_accuracy'][1]:.4g}"
