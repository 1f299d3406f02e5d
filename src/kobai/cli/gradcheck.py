"""``kobai gradcheck``: every op, layer and loss checked against numerical gradients.

``--order 2`` checks second derivatives instead (``kobai.gradgradcheck``): the backward pass
recorded with ``create_graph=True`` is differentiated again and compared with finite
differences of the first derivatives; ``--order 3`` goes one level further.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from kobai.autograd import registry
from kobai.autograd.numerical import compare_case, first_derivative
from kobai.i18n import pad, t
from kobai.i18n import width as columns


def add_parser(subparsers: Any) -> None:
    """Add ``kobai gradcheck`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "gradcheck",
        help="check every op, layer and loss against numerical gradients",
        description=(
            "Compare the gradient of every registered op, layer and loss computed by "
            "backpropagation with central finite differences, in float64, and print a table. "
            "With --order 2 (3), compare second (third) derivatives, through "
            "create_graph=True, with finite differences of the derivatives one order lower. "
            "Exit code 1 if any check fails."
        ),
    )
    p.add_argument("--kind", choices=registry.KINDS, help="check only ops, layers or losses")
    p.add_argument("--filter", metavar="TEXT", help="check only cases whose name contains TEXT")
    p.add_argument("--seed", type=int, default=0, help="seed for the random inputs (default 0)")
    p.add_argument("--eps", type=float, default=1e-6, help="finite-difference step (1e-6)")
    p.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance (1e-5)")
    p.add_argument("--rtol", type=float, default=1e-3, help="relative tolerance (1e-3)")
    p.add_argument(
        "--order",
        type=int,
        choices=(1, 2, 3),
        default=1,
        help="1: gradients (default); 2: second derivatives, as torch's gradgradcheck; 3: third",
    )
    p.add_argument("--failures-only", action="store_true", help="print only failing rows")


def check(case: registry.GradCase, args: argparse.Namespace) -> tuple[float, float, str]:
    """Largest absolute and relative error of one case, and why it failed ("" if it passed)."""
    rng = np.random.default_rng(args.seed)
    inputs = registry.case_inputs(case, rng)
    try:
        fn = case.fn
        for _ in range(args.order - 1):  # a vector-Jacobian product: its gradient is one order up
            fn, inputs = first_derivative(fn, inputs, rng)
        max_abs, max_rel, ok = compare_case(
            fn, inputs, eps=args.eps, atol=args.atol, rtol=args.rtol
        )
    except Exception as exc:  # a crashing case is a failing row, not a crashed command
        return float("nan"), float("nan"), f"{type(exc).__name__}: {exc}".splitlines()[0]
    return max_abs, max_rel, "" if ok else t("gradcheck.differ")


def run(args: argparse.Namespace) -> int:
    """Run ``kobai gradcheck`` with the parsed ``args``; return 0, or 1 when a check failed."""
    if args.eps <= 0:
        raise ValueError(f"--eps must be > 0, got {args.eps}")
    if args.atol < 0 or args.rtol < 0:
        raise ValueError(f"--atol and --rtol must be >= 0, got {args.atol} and {args.rtol}")
    cases = [c for c in registry.all_cases(args.kind) if not args.filter or args.filter in c.name]
    if not cases:
        raise ValueError(f"no gradient-check case matches --filter {args.filter!r}")
    width = max(columns(t("gradcheck.case")), *(len(c.name) for c in cases))
    if args.order > 1:
        order = t({2: "gradcheck.second", 3: "gradcheck.third"}[args.order])
        print(t("gradcheck.order", order=order))
    head = [pad(t("gradcheck.case"), width), pad(t("gradcheck.kind"), 5)]
    errors = [t("gradcheck.max_abs"), t("gradcheck.max_rel")]
    wide = max(11, *map(columns, errors))  # Japanese headers are wider than the numbers
    head += [pad(e, wide, right=True) for e in errors]
    print("  ".join(head) + "  " + t("gradcheck.result"))
    failed, start = 0, time.perf_counter()
    for case in cases:
        max_abs, max_rel, error = check(case, args)
        ok = not error
        failed += not ok
        if ok and args.failures_only:
            continue
        verdict = t("gradcheck.pass") if ok else t("gradcheck.fail", error=error).rstrip()
        numbers = f"{max_abs:>{wide}.2e}  {max_rel:>{wide}.2e}"
        print(f"{case.name:<{width}}  {case.kind:<5}  {numbers}  {verdict}")
    seconds = time.perf_counter() - start
    passed = len(cases) - failed
    print(t("gradcheck.total", passed=passed, failed=failed, cases=len(cases), seconds=seconds))
    return 1 if failed else 0
