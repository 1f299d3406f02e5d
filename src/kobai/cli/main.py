"""Entry point of the ``kobai`` command: parse arguments, run one command, report errors.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``;
command modules import heavy libraries (matplotlib, scikit-learn) only inside ``run``, so
``kobai --help`` loads NumPy only.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from kobai import __version__
from kobai.cli.options import summarised_runtime_warnings
from kobai.i18n import LANGUAGES, get_language, language

# The order of ``kobai --help``; other command modules follow alphabetically.
ORDER = ("train", "evaluate", "predict", "gradcheck")
HELPERS = ("main", "options")
LANG_HELP = "language of figures, reports and tables (default: $KOBAI_LANG, else en)"
# Each command's line in ``kobai --help``, so that listing the commands imports none of them
# (only the command that runs is imported). A test checks each line against the command's own
# parser; a command missing here is imported to list it.
SUMMARIES = {
    "train": "train a network (default: an MLP on the bundled MNIST subset)",
    "evaluate": "metrics and confusion matrix of a saved run on its test data",
    "predict": "predict with a saved run for inputs in a .npy, .npz or .csv file",
    "gradcheck": "check every op, layer and loss against numerical gradients",
    "activations": "gallery of every activation and its derivative",
    "autoencoder": "autoencoders: denoise | anomaly | reduce, each measured against a baseline",
    "curves": "learning curves of runs: loss and accuracy against epoch and wall time",
    "descend": "optimisers racing on a test function: contours, values, 3-D view",
    "landscape": "loss landscape of a trained run: slices, contours, surface, training path",
    "neuron": "single neuron y = f(wx + b): loss surface over (w, b), 3-D, contours and paths",
    "playground": "interactive playground in the browser: optimizers racing on surfaces, a tiny "
    "network training live",
    "study": "run a study: vanishing gradients, batch modes, learning rates, ...",
    "sweep": "many runs over hyper-parameters and seeds (local processes or Dask); reports",
}


def command_names() -> list[str]:
    """Every module of ``kobai.cli`` that defines a command (``add_parser`` and ``run``)."""
    import kobai.cli

    found = sorted(
        m.name for m in pkgutil.iter_modules(kobai.cli.__path__) if m.name not in HELPERS
    )
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse, with a bad option reported in one line (not a usage block and a line)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(only: str | None = "") -> argparse.ArgumentParser:
    """The ``kobai`` parser with every command's sub-parser (each also takes ``--threads``).

    With ``only`` (a command name, or None for no command), the other commands are listed by
    their summary line without importing their modules: ``kobai --help`` and ``kobai train``
    load what they use and no more. The default builds every sub-parser in full.
    """
    parser = Parser(
        prog="kobai",
        description="kobai (勾配, 'gradient'): a NumPy laboratory for how neural networks learn.",
    )
    parser.add_argument("--version", action="version", version=f"kobai {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help=LANG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        if only != "" and name != only and name in SUMMARIES:
            subparsers.add_parser(name, help=SUMMARIES[name])
            continue
        importlib.import_module(f"kobai.cli.{name}").add_parser(subparsers)
        subparsers.choices[name].add_argument(
            "--threads",
            type=int,
            metavar="N",
            help="threads for matrix products (default: 1, or what OPENBLAS_NUM_THREADS / "
            "OMP_NUM_THREADS say; more can speed up large layers on an idle machine)",
        )
        # Also after the command (kobai train --lang ja); SUPPRESS keeps a global --lang.
        subparsers.choices[name].add_argument(
            "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP
        )
    return parser


def _run_tuned(module: Any, args: argparse.Namespace) -> int:
    """Run a command the way its training loops run fastest: the allocator tuned and
    subnormal floats flushed (see ``kobai.tune_allocator`` and ``kobai.set_flush_denormal``;
    the library alone does neither)."""
    import kobai

    kobai.tune_allocator()
    with kobai.flush_denormal():
        return int(module.run(args))


def command_threads(requested: int | None) -> contextlib.AbstractContextManager[Any]:
    """The BLAS threads of a command: ``--threads N`` for the process (as
    ``kobai.set_num_threads``); else, unless a thread variable of the environment chose,
    ``kobai.backend.COMMAND_THREADS`` (one) for the command's run only, restored after it.

    One thread is the default because the commands train small networks, whose products gain
    little from more threads on an idle machine and lose much on a busy one: an MLP
    784-256-256-10 step (batch 128) took 15 ms with one thread and 122 ms with two on two
    cores at load average 8 (see ``kobai.set_num_threads``).
    """
    from kobai import backend

    if requested is not None:
        backend.set_num_threads(requested)
        return contextlib.nullcontext()
    if any(os.environ.get(name) for name in backend.THREAD_VARIABLES):
        return contextlib.nullcontext()
    return backend.num_threads(backend.COMMAND_THREADS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 a check failed, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=_command_in(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    module = importlib.import_module(f"kobai.cli.{args.command}")
    try:
        # An invalid KOBAI_LANG is bad input like any other: one line, exit 2.
        with language(args.lang or get_language()):
            check_float_options(parser, args)
            with command_threads(args.threads), summarised_runtime_warnings(args.command):
                return _run_tuned(module, args)
    except KeyboardInterrupt:
        print(f"kobai {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        code, message = describe_failure(exc)
        if code is None:
            raise
        print(f"kobai {args.command}: {message}", file=sys.stderr)
        return code


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not a global option), if any."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def describe_failure(exc: BaseException) -> tuple[int | None, str]:
    """The exit code and one-line message of an expected failure; ``(None, "")`` for a bug.

    Bad input (values, files, memory a request would need) exits 2; a run that diverged exits 1,
    as a failed check does.
    """
    from csv import Error as CSVError
    from zipfile import BadZipFile

    text = " ".join(str(exc).split()) or type(exc).__name__
    if type(exc).__name__ == "TrainingDiverged":
        return 1, f"stopped: {text}"
    if isinstance(exc, MemoryError):
        return 2, f"error: not enough memory ({text}); ask for less: fewer samples, smaller layers"
    if isinstance(exc, (UsageError, ValueError, TypeError, OSError, OverflowError)):
        return 2, f"error: {text}"
    if isinstance(exc, (CSVError, BadZipFile)):
        return 2, f"error: {text}"
    return None, ""


def check_float_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Every option parsed as a float must be finite: ``--lr inf`` or ``--threshold nan`` is
    refused here, once, before any command sees it (ranges are the library's to check)."""
    import math

    actions = list(parser._actions)
    while actions:
        action = actions.pop()
        value = getattr(args, action.dest, None)
        if isinstance(action, argparse._SubParsersAction) and value in action.choices:
            actions.extend(action.choices[value]._actions)  # the chosen (sub)command's options
        elif action.type is float and isinstance(value, float) and not math.isfinite(value):
            flag = max(action.option_strings, key=len, default=action.dest)
            raise UsageError(f"{flag} must be a finite number, got {value}")
