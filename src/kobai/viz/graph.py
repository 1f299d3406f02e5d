"""The computational graph recorded for a tensor, drawn (source 003: backprop by the chain rule).

:func:`graph` walks the graph from an output back to its leaves and keeps what it found: one node
per tensor and one per op, with edges in data-flow order. The drawing reads the tensors when it
is made, so a graph captured before ``backward()`` shows every gradient once it has run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai.validation import check_int

_MAX_VALUES = 4  # tensors with at most this many elements show their values


@dataclass
class GraphNode:
    """One box of the drawing: a tensor, an op, or a summary of the ops left out.

    Attributes
    ----------
    kind : {"tensor", "op", "summary"}
    name : str
        The op's name, the tensor's given name (``params``), or ``""``.
    rank : int
        Column of the drawing: 0 for leaves, growing in data-flow order.
    tensor : Tensor or None
        The tensor itself (read at drawing time, so gradients appear after ``backward``).
    hidden_ops : int
        For a summary node, how many ops it stands for.
    """

    kind: str
    name: str = ""
    rank: int = 0
    tensor: Any = None
    hidden_ops: int = 0

    def label(self) -> str:
        """The node's text: name, shape, and for small tensors the value and gradient."""
        if self.kind == "op":
            return self.name
        if self.kind == "summary":
            return _text("graph.earlier_ops", n=self.hidden_ops)
        t = self.tensor
        head = f"{self.name} {_shape(t.shape)}" if self.name else _shape(t.shape)
        lines = [head.strip()]
        if t.data.size <= _MAX_VALUES:
            lines.append(f"data {_values(t.data)}")
            if t.grad is not None:
                lines.append(f"grad {_values(t.grad)}")
        elif t.grad is not None:
            lines.append(f"|grad| {_number(float(np.linalg.norm(t.grad)))}")
        return "\n".join(lines)


@dataclass
class ComputationGraph:
    """The nodes and edges of a recorded graph; draws itself (SVG, PNG, inline in Jupyter).

    Attributes
    ----------
    nodes : list of GraphNode
        Output last; every node after the nodes it depends on.
    edges : list of (int, int)
        ``(source, target)`` indices into ``nodes``, in data-flow direction; an input used
        twice by one op (``x * x``) is one edge.
    depth : int or None
        The depth limit that was applied (ops counted from the output), None when all is drawn.
    """

    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    depth: int | None = None

    def count(self, kind: str) -> int:
        """How many nodes of ``kind`` ("tensor", "op" or "summary") the graph has."""
        return sum(node.kind == kind for node in self.nodes)

    def __repr__(self) -> str:
        # One line (a notebook's text form, an export): the drawing shows the nodes.
        depth = "" if self.depth is None else f", depth {self.depth}"
        return (
            f"ComputationGraph({self.count('op')} ops, {self.count('tensor')} tensors, "
            f"{len(self.edges)} edges{depth})"
        )

    def figure(self) -> Any:
        """Draw the graph as a matplotlib figure (data flows left to right)."""
        from kobai.viz.style import release

        return release(_draw(self))

    def save(
        self, path: str | os.PathLike[str], *, formats: Iterable[str] = ("png",)
    ) -> list[Path]:
        """Write the drawing as ``path`` with each suffix in ``formats`` (png, svg, pdf)."""
        from kobai.viz.style import save_figure

        return save_figure(_draw(self), path, formats=formats)  # it closes the figure

    def to_svg(self) -> str:
        """The drawing as an SVG document."""
        import io

        from kobai.viz.style import pyplot

        fig = _draw(self)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight")
        pyplot().close(fig)
        return buffer.getvalue()

    def _repr_svg_(self) -> str:
        return self.to_svg()


def graph(
    output: Any,
    *,
    params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    max_nodes: int = 40,
    depth: int | None = None,
    retain_grads: bool = True,
) -> ComputationGraph:
    """Capture the computational graph that produced ``output``, ready to draw.

    Parameters
    ----------
    output : Tensor
        The result of a computation on tensors that require grad (usually a loss).
    params : mapping or iterable of (name, Tensor), optional
        Names to write on tensors, e.g. ``model.named_parameters()`` or ``{"x": x}``.
    max_nodes : int, default 40
        A larger graph is summarised: only the ops closest to the output are drawn, the rest
        become one "... N earlier ops" node.
    depth : int, optional
        Draw only the ops at most this many steps from the output (overrides ``max_nodes``).
    retain_grads : bool, default True
        Keep the gradient of every drawn intermediate tensor in its ``.grad`` during the next
        ``backward()``, so the drawing can show it (leaves keep theirs anyway).

    Returns
    -------
    ComputationGraph
        Display it in Jupyter, or ``.save("graph", formats=("svg", "png"))``.

    Examples
    --------
    >>> import kobai as kb
    >>> x = kb.tensor(3.0, requires_grad=True)
    >>> g = kb.viz.graph(x * x + x, params={"x": x})
    >>> g.count("op"), len(g.edges)
    (2, 5)
    """
    check_int("max_nodes", max_nodes, low=3)
    if depth is not None:
        check_int("depth", depth, low=0)
    if output.grad_fn is None and not output.requires_grad:
        raise ValueError("graph() needs a tensor computed from tensors that require grad")
    names = {id(t): n for n, t in (params.items() if isinstance(params, Mapping) else params or ())}
    ops = _ops_by_depth(output)
    if depth is None:
        depth = _depth_that_fits(ops, max_nodes)
    built = _build(output, ops, depth, names)
    if retain_grads:
        for node in built.nodes:
            if node.kind == "tensor" and node.tensor.grad_fn is not None:
                node.tensor.retain_grad()
    return built


def _ops_by_depth(output: Any) -> dict[Any, int]:
    """Every op the output depends on, with its distance from the output (1 = the last op)."""
    found: dict[Any, int] = {}
    frontier = [output.grad_fn] if output.grad_fn is not None else []
    level = 1
    while frontier:
        following: list[Any] = []
        for op in frontier:
            if op in found:
                continue
            if op.inputs is None:
                raise RuntimeError(
                    "the graph was freed by backward(); capture it with kobai.viz.graph(...) "
                    "before calling backward(), or call backward(retain_graph=True)"
                )
            found[op] = level
            following.extend(t.grad_fn for t in op.inputs if t.grad_fn is not None)
        frontier = following
        level += 1
    return found


def _depth_that_fits(ops: dict[Any, int], max_nodes: int) -> int | None:
    deepest = max(ops.values(), default=0)
    for depth in range(deepest, 0, -1):
        # An op brings itself and its output tensor, plus inputs that are leaves.
        drawn = [op for op, d in ops.items() if d <= depth]
        leaves = {id(t) for op in drawn for t in op.inputs if t.grad_fn is None}
        if 2 * len(drawn) + len(leaves) + (depth < deepest) <= max_nodes:
            return None if depth == deepest else depth
    return 1


def _build(output: Any, ops: dict[Any, int], depth: int | None, names: dict) -> ComputationGraph:
    drawn = [op for op, d in ops.items() if depth is None or d <= depth]
    drawn.reverse()  # from the leaves' side first
    result = ComputationGraph(depth=depth)
    index: dict[int, int] = {}  # id of a tensor or op -> its node
    edges: list[tuple[int, int]] = []

    def add(key: Any, node: GraphNode) -> int:
        if id(key) not in index:
            index[id(key)] = len(result.nodes)
            result.nodes.append(node)
        return index[id(key)]

    def add_tensor(t: Any) -> int:
        return add(t, GraphNode("tensor", names.get(id(t), ""), tensor=t))

    hidden = sum(1 for d in ops.values() if depth is not None and d > depth)
    for op in drawn:
        for t in op.inputs:
            node = add_tensor(t)
            if t.grad_fn is not None and ops[t.grad_fn] > (depth or 0) and hidden:
                summary = add("summary", GraphNode("summary", hidden_ops=hidden))
                edges.append((summary, node))
            edges.append((node, add(op, GraphNode("op", op.name))))
        edges.append((index[id(op)], add_tensor(_output_of(op, drawn, output))))
    result.edges = list(dict.fromkeys(edges))
    _rank(result)
    return result


def _output_of(op: Any, drawn: list[Any], output: Any) -> Any:
    """The tensor an op produced: the output itself, or an input of a later drawn op."""
    if output.grad_fn is op:
        return output
    for consumer in drawn:
        for t in consumer.inputs:
            if t.grad_fn is op:
                return t
    raise RuntimeError(f"no tensor produced by {op.name} was found in the graph")


def _rank(g: ComputationGraph) -> None:
    incoming: dict[int, list[int]] = {i: [] for i in range(len(g.nodes))}
    for source, target in g.edges:
        incoming[target].append(source)
    ranks: dict[int, int] = {}

    def rank_of(i: int) -> int:
        stack = [i]
        while stack:
            node = stack[-1]
            missing = [s for s in incoming[node] if s not in ranks]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            ranks[node] = max((ranks[s] + 1 for s in incoming[node]), default=0)
        return ranks[i]

    for i, node in enumerate(g.nodes):
        node.rank = rank_of(i)
    # A leaf sits just before the first op that reads it, not in a far-away first column.
    for leaf in [i for i in incoming if not incoming[i]]:
        consumers = [g.nodes[t].rank for s, t in g.edges if s == leaf]
        if consumers:
            g.nodes[leaf].rank = min(consumers) - 1


def _shape(shape: tuple[int, ...]) -> str:
    return _text("graph.scalar") if shape == () else str(tuple(shape))


def _text(key: str, **fields: Any) -> str:
    from kobai.viz.style import text

    return text(key, **fields)


def _values(a: np.ndarray) -> str:
    flat = np.asarray(a).ravel()
    text = ", ".join(_number(float(v)) for v in flat)
    return text if np.ndim(a) == 0 else f"[{text}]"


def _number(value: float) -> str:
    """``value`` in 4 significant digits with a true minus sign (U+2212), as the axes of
    kobai's figures write it, not a hyphen."""
    return f"{value:.4g}".replace("-", "\u2212")


def _layout(g: ComputationGraph) -> dict[int, tuple[float, float]]:
    """Columns by rank; rows ordered by the mean row of each node's sources (one sweep)."""
    columns: dict[int, list[int]] = {}
    for i, node in enumerate(g.nodes):
        columns.setdefault(node.rank, []).append(i)
    sources: dict[int, list[int]] = {i: [] for i in range(len(g.nodes))}
    for s, t in g.edges:
        sources[t].append(s)
    row: dict[int, float] = {}
    for rank in sorted(columns):
        members = columns[rank]
        members.sort(key=lambda i: np.mean([row[s] for s in sources[i]]) if sources[i] else 0.0)
        offset = (len(members) - 1) / 2
        for position, i in enumerate(members):
            row[i] = position - offset
    return {i: (float(g.nodes[i].rank), row[i]) for i in range(len(g.nodes))}


_STYLE = {
    "tensor": {"boxstyle": "round,pad=0.4", "facecolor": "#E8F1FA", "edgecolor": "#0072B2"},
    "op": {"boxstyle": "round4,pad=0.4", "facecolor": "#FCE9DD", "edgecolor": "#D55E00"},
    "summary": {"boxstyle": "sawtooth,pad=0.4", "facecolor": "#EEEEEE", "edgecolor": "#777777"},
}


def _draw(g: ComputationGraph) -> Any:
    from kobai.viz.style import pyplot

    plt = pyplot()
    positions = _layout(g)
    ranks = max((n.rank for n in g.nodes), default=0) + 1
    from kobai.i18n import width
    from kobai.i18n.fonts import monospace

    # Each column as wide as its longest label (inches, 9 pt monospace), plus a gap for arrows;
    # a wide (Japanese) character takes two columns.
    widths = [0.0] * ranks
    for node in g.nodes:
        longest = max(map(width, node.label().split("\n")))
        widths[node.rank] = max(widths[node.rank], 0.075 * longest + 0.25)
    gaps = [(a + b) / 2 + 0.45 for a, b in zip(widths[:-1], widths[1:], strict=True)]
    centres = np.cumsum([0.0, *gaps])
    rows = max((sum(n.rank == r for n in g.nodes) for r in range(ranks)), default=1)
    total = float(centres[-1] + widths[0] / 2 + widths[-1] / 2)
    fig, ax = plt.subplots(figsize=(max(2.0, total), max(1.2, rows * 0.75)))
    positions = {i: (float(centres[int(x)]), y) for i, (x, y) in positions.items()}
    boxes = {}
    for i, node in enumerate(g.nodes):
        x, y = positions[i]
        boxes[i] = ax.text(
            x,
            -y,
            node.label(),
            ha="center",
            va="center",
            fontsize=9,
            family=monospace(),
            bbox=_STYLE[node.kind],
            zorder=3,
        )
    for source, target in g.edges:
        # An edge that skips columns bends, so it never runs hidden behind the boxes between.
        bend = 0.3 if g.nodes[target].rank - g.nodes[source].rank > 1 else 0.0
        ax.annotate(
            "",
            xy=(positions[target][0], -positions[target][1]),
            xytext=(positions[source][0], -positions[source][1]),
            arrowprops={
                "arrowstyle": "-|>",
                "mutation_scale": 12,
                "color": "#555555",
                "shrinkA": 2,
                "shrinkB": 2,
                "connectionstyle": f"arc3,rad={bend}",
                "patchA": boxes[source].get_bbox_patch(),
                "patchB": boxes[target].get_bbox_patch(),
            },
            zorder=2,
        )
    ys = [-y for _, y in positions.values()] or [0.0]
    ax.set_xlim(-widths[0] / 2, centres[-1] + widths[-1] / 2)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.6)
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    ax.axis("off")
    if g.depth is not None:
        ax.set_title(_text("graph.nearest", depth=g.depth), fontsize=9)
    return fig
