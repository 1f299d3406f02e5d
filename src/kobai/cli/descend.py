"""``kobai descend``: optimisers racing on a 1-D or 2-D function, drawn as figures."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from kobai.cli.options import key_values
from kobai.i18n import t
from kobai.validation import check_int, check_real

DEFAULT_OPTIMIZERS = "sgd,momentum,adagrad,adam"


def add_parser(subparsers: Any) -> None:
    """Add ``kobai descend`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "descend",
        help="optimisers racing on a test function: contours, values, 3-D view",
        description=(
            "Run optimisers from the same start for the same number of steps on a test "
            "function and draw the race: for a 2-D function the paths on the contour plot "
            "beside f(x_t) against step, and a 3-D view; for a 1-D function the steps with "
            "their tangents. With no arguments: sgd, momentum, adagrad and adam on Rosenbrock."
        ),
    )
    p.add_argument(
        "--function",
        default="rosenbrock",
        metavar="NAME|EXPR",
        help="a test function (see --list) or a formula in x and y, e.g. 'x**2 + 3*sin(y)' "
        "(default rosenbrock)",
    )
    p.add_argument(
        "--optimizers",
        default=DEFAULT_OPTIMIZERS,
        metavar="A,B,...",
        help=f"comma-separated optimizer names (default {DEFAULT_OPTIMIZERS})",
    )
    p.add_argument(
        "--lr",
        metavar="LR[,LR...]",
        help="learning rate for all, or one per optimizer (default: tuned per function)",
    )
    p.add_argument("--steps", default="100", metavar="N", help="steps per optimizer (100)")
    p.add_argument("--start", metavar="X[,Y]", help="start point (default: the function's)")
    p.add_argument(
        "--opt",
        action="append",
        default=None,
        metavar="KEY=VALUE",
        help="extra hyper-parameter for every optimizer, e.g. --opt weight_decay=0.01",
    )
    p.add_argument(
        "--animate",
        nargs="?",
        const="gif",
        choices=("gif", "mp4"),
        help="also write an animation (gif; mp4 needs ffmpeg)",
    )
    p.add_argument("--out", default="figures", help="folder for the figures (figures)")
    add_formats(p)
    p.add_argument("--list", action="store_true", help="list the test functions and optimizers")


FORMATS = ("png", "svg", "pdf")


def add_formats(parser: Any) -> None:
    """The ``--formats`` option shared by the picture commands."""
    parser.add_argument(
        "--formats", default="png,svg", metavar="F,...", help="file formats: png, svg, pdf"
    )


def parse_formats(text: str) -> tuple[str, ...]:
    """``"png,svg"`` -> ("png", "svg"), refusing unknown formats."""
    chosen = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"--formats takes {', '.join(FORMATS)}; got {text!r}")
    return chosen


def parse_floats(text: str, option: str, *, count: tuple[int, ...] | None = None) -> list[float]:
    """``"1.5,-2"`` -> [1.5, -2.0], finite numbers only, with a one-line error naming the
    option."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"{option} takes comma-separated numbers, got {text!r}") from None
    for value in values:
        check_real(option, value)
    if count is not None and len(values) not in count:
        wanted = " or ".join(str(c) for c in count)
        raise ValueError(f"{option} takes {wanted} number(s), got {len(values)} in {text!r}")
    return values


def parse_range(text: str, option: str) -> list[float]:
    """``"LO,HI"`` -> [LO, HI] with finite LO < HI, with a one-line error naming the option."""
    low, high = parse_floats(text, option, count=(2,))
    if not low < high:
        raise ValueError(f"{option} takes LO,HI with LO < HI, got {text!r}")
    return [low, high]


def parse_int(text: str, option: str, *, minimum: int = 1) -> int:
    """An integer option given as text, with a one-line error."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{option} must be an integer >= {minimum}, got {text!r}") from None
    return check_int(option, value, low=minimum)


def slug(name: str) -> str:
    """A file-name-safe form of a function name (a formula becomes "custom")."""
    return name if re.fullmatch(r"[a-z0-9_-]+", name) else "custom"


def _list() -> int:
    from kobai.landscape import available_functions, get_function
    from kobai.optim import available

    print("test functions:")
    for name in available_functions():
        f = get_function(name)
        print(f"  {name:11s} {f.label}\n  {'':11s} {f.description}")
    print("or any formula in x and y, e.g. --function 'x**2 + 3*sin(y)'")
    print("optimizers: " + ", ".join(available()))
    return 0


def _learning_rates(text: str | None, names: list[str]) -> Any:
    if text is None:
        return None
    rates = parse_floats(text, "--lr", count=(1, len(names)))
    return rates[0] if len(rates) == 1 else dict(zip(names, rates, strict=True))


def run(args: argparse.Namespace) -> int:
    """Run ``kobai descend`` with the parsed ``args``; return the exit status (0)."""
    if args.list:
        return _list()
    from kobai.landscape import descend, get_function
    from kobai.viz.descent import plot_descent_1d, plot_race
    from kobai.viz.descent_surface import plot_surface

    formats = parse_formats(args.formats)
    function = get_function(args.function)
    if args.animate and function.dim != 2:
        raise ValueError("--animate draws 2-D functions only")
    names = [n.strip() for n in args.optimizers.split(",") if n.strip()]
    start = parse_floats(args.start, "--start", count=(function.dim,)) if args.start else None
    runs = descend(
        function,
        names,
        start=start,
        steps=parse_int(args.steps, "--steps"),
        lr=_learning_rates(args.lr, names),
        hyper=key_values(args.opt or [], "--opt"),
    )
    out = Path(args.out)
    base = out / f"descend_{slug(function.name)}"
    print(f"kobai descend: {function.label}")
    for trajectory in runs.values():
        print("  " + run_line(trajectory))
    if function.dim == 1:
        written = plot_descent_1d(function, runs, base, formats=formats)
    else:
        written = plot_race(function, runs, base, formats=formats)
        surface = base.with_name(base.name + "_surface")
        written += plot_surface(function, runs, surface, formats=formats)
    if args.animate:
        from kobai.viz.animation import animate_race

        written.append(animate_race(function, runs, base.with_suffix(f".{args.animate}")))
    for path in written:
        print(t("cli.wrote", path=path))
    return 0


def run_line(tr: Any) -> str:
    """A run's :meth:`~kobai.landscape.Trajectory.summary` in the language of messages."""
    status = tr.status_text()
    if tr.status == "diverged":
        return f"{tr.label} ({tr.describe_hyper()}): {status}"
    head = {"label": tr.label, "hyper": tr.describe_hyper()}
    end = {"value": f"{tr.values[-1]:.4g}", "point": ", ".join(f"{v:.4g}" for v in tr.points[-1])}
    if tr.status == "converged":
        return t("cli.descend.run_converged", status=status, **head, **end)
    return t("cli.descend.run", status=status, steps=tr.steps, **head, **end)
