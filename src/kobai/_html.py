"""Small HTML tables for Jupyter's rich display (``_repr_html_``) of a Tensor, a History and a
model summary.

Every piece of text goes through :func:`html.escape`, and the markup is well-formed XML (closed
tags, quoted attributes, no named entities), so a notebook shows names such as ``"<b>"`` as
written and a test can parse the output with :mod:`xml.etree.ElementTree`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: The most characters of array values a Tensor's HTML shows: NumPy summarises large arrays, but
#: not many small axes (2**20 elements of shape (2,)*20), so the text is cut here as well.
MAX_VALUE_CHARS = 20_000


def escape(value: Any) -> str:
    """``str(value)`` with ``&``, ``<``, ``>`` and quotes escaped."""
    return html.escape(str(value), quote=True)


def number(value: Any) -> str:
    """A table cell's text: 4 significant digits for floats, thousands separators for ints,
    an en dash for a missing value."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}" if math.isfinite(value) else str(float(value))
    return str(value)


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    foot: Iterable[Sequence[Any]] = (),
    caption: str | None = None,
) -> str:
    """A ``<table>``: ``rows`` of cells (text, escaped here); a row of one cell spans every
    column (an ellipsis row)."""

    def row(cells: Sequence[Any], tag: str = "td") -> str:
        if len(cells) == 1 and len(header) > 1:
            return f'<tr><td colspan="{len(header)}">{escape(cells[0])}</td></tr>'
        return "<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in cells) + "</tr>"

    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"
    lines = ["<table>"]
    if caption is not None:
        lines.append(f"<caption>{escape(caption)}</caption>")
    lines += ["<thead>", head, "</thead>", "<tbody>", *map(row, rows), "</tbody>"]
    foot_rows = [row(cells) for cells in foot]
    if foot_rows:
        lines += ["<tfoot>", *foot_rows, "</tfoot>"]
    lines.append("</table>")
    return "\n".join(lines)


def block(kind: str, *parts: str) -> str:
    """The parts in one ``<div class="kobai-{kind}">``."""
    return f'<div class="kobai-{escape(kind)}">\n' + "\n".join(parts) + "\n</div>"


def values_text(data: np.ndarray) -> str:
    """The array's values as NumPy prints them (its print options decide the summarising),
    cut to :data:`MAX_VALUE_CHARS` characters."""
    text = np.array2string(data, separator=", ")
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + f"\u2026 ({len(text) - MAX_VALUE_CHARS:,} more characters)"
    return text


def tensor_html(tensor: Any) -> str:
    """A Tensor's shape, dtype, gradient state and values."""
    data = tensor.data
    grad = tensor.grad
    grad_fn = tensor.grad_fn
    facts = [
        ("shape", "(" + ", ".join(map(str, data.shape)) + ("," if data.ndim == 1 else "") + ")"),
        ("dtype", str(data.dtype)),
        ("requires_grad", str(tensor.requires_grad)),
        ("grad_fn", "None" if grad_fn is None else f"<{grad_fn.name}>"),
        ("grad", "None" if grad is None else f"shape {tuple(grad.shape)}"),
    ]
    summary = table([k for k, _ in facts], [[v for _, v in facts]])
    return block("tensor", summary, f"<pre>{escape(values_text(data))}</pre>")


#: A History longer than this shows its first and last :data:`HISTORY_EDGE` epochs only.
HISTORY_ROWS = 12
HISTORY_EDGE = 5


def history_columns(epochs: Sequence[dict[str, Any]]) -> tuple[list[str], int]:
    """The columns a History's table shows (first-seen order) and how many per-layer gradient
    norms (``grad_norm/<layer>``) it leaves out."""
    names = list(dict.fromkeys(k for row in epochs for k in row))
    shown = [n for n in names if not n.startswith("grad_norm/")]
    return shown, len(names) - len(shown)


def history_facts(epochs: Sequence[dict[str, Any]], stop_reason: str | None) -> list[str]:
    """One line each: the last epoch's losses, the best validation loss, time and stop reason."""
    from kobai.i18n import t

    if not epochs:
        return [t("display.history.none")]
    last = epochs[-1]
    losses = [f"{k} {number(last[k])}" for k in ("train_loss", "val_loss") if k in last]
    epoch = number(last.get("epoch", len(epochs)))
    facts = [t("display.history.last", epoch=epoch, losses=", ".join(losses))]
    val = [(r["val_loss"], i) for i, r in enumerate(epochs) if _finite(r.get("val_loss"))]
    if val:
        best, i = min(val)
        at = number(epochs[i].get("epoch", i))
        facts.append(t("display.history.best", value=number(best), epoch=at))
    if _finite(last.get("wall_time")):
        facts.append(t("display.history.time", seconds=f"{float(last['wall_time']):.3g}"))
    if stop_reason:
        facts.append(t("display.history.stopped", reason=stop_reason))
    return facts


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and math.isfinite(float(value))


def history_html(epochs: Sequence[dict[str, Any]], stop_reason: str | None) -> str:
    """A History as a table of its epochs (first and last rows of a long run, with an
    ellipsis row between) under a line of facts."""
    from kobai.i18n import t

    columns, hidden = history_columns(epochs)
    rows: list[Sequence[Any]] = [[number(r.get(c)) for c in columns] for r in epochs]
    if len(rows) > HISTORY_ROWS:
        skipped = len(rows) - 2 * HISTORY_EDGE
        more = t("display.history.more", count=skipped)
        rows = [*rows[:HISTORY_EDGE], [more], *rows[-HISTORY_EDGE:]]
    count = len(epochs)
    one = count == 1
    title = t("display.history.title_one") if one else t("display.history.title", count=count)
    facts = " \u00b7 ".join(history_facts(epochs, stop_reason))
    parts = [f"<p><strong>{escape(title)}</strong> \u00b7 {escape(facts)}</p>"]
    if columns:
        parts.append(table(columns, rows))
    if hidden:
        parts.append(f"<p>{escape(t('display.history.hidden', count=hidden))}</p>")
    return block("history", *parts)


def summary_html(summary: Any) -> str:
    """A model summary as a table: layer, type, output shape, parameters; totals below."""
    from kobai.i18n import t

    rows = [(r.name, r.kind, show_shape(r.output_shape), number(r.params)) for r in summary.rows]
    foot = [
        (t("display.summary.total"), "", "", number(summary.total_params)),
        (t("display.summary.trainable"), "", "", number(summary.trainable_params)),
        (t("display.summary.frozen"), "", "", number(summary.non_trainable_params)),
    ]
    shape = show_shape(summary.input_shape)
    caption = t("display.summary.caption", model=summary.model_name, shape=shape)
    header = tuple(t(f"display.summary.{k}") for k in ("layer", "type", "output_shape", "params"))
    return block("summary", table(header, rows, foot=foot, caption=caption))


def show_shape(shape: tuple[int | None, ...] | None) -> str:
    """``(None, 256)``, with None for the batch axis; ``?`` when unknown."""
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if n is None else str(n) for n in shape) + ")"
