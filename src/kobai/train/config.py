"""A training run's configuration as data: every option declared once, with its help text.

Each field of :class:`RunConfig` carries the metadata of its command-line option (section,
help, flag name, choices, ...); ``kobai train`` builds its parser from them, so a new field is a
new flag.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.train.options import GRADIENTS
from kobai.validation import (
    MAX_SAMPLES,
    AnyOf,
    Boolean,
    Integer,
    Maybe,
    OneOf,
    Real,
    Table,
    Text,
    check_keys,
    validate,
)

DTYPES = ("float32", "float64")
SHARPNESS_SAMPLES = 1000  # training samples the sharpness of --track-sharpness is measured on
# What a configuration file may hold, key by key (a TOML or JSON value of the wrong type is
# refused here with the key's name, before anything is built).
CONSTRAINTS = {
    "data": Text(),
    "target": Maybe(Text()),
    "samples": Integer(1, MAX_SAMPLES),
    "model": Text(),
    "activation": Text(),
    "init": Text(),
    "batchnorm": Boolean(),
    "dropout": Real(0, 1, high_open=True),
    "optimizer": Text(),
    "lr": Maybe(Real(0, low_open=True)),
    "optimizer_options": Table(),
    "schedule": Maybe(Text()),
    "schedule_options": Table(),
    "batch_size": AnyOf((Integer(1), OneOf(("full",)))),
    "epochs": Integer(1, 1_000_000),
    "seed": Integer(0),
    "gradient": OneOf(GRADIENTS),
    "dtype": OneOf(DTYPES),
    "early_stopping": Maybe(Integer(0)),
    "target_loss": Maybe(Real()),
    "save_every_epoch": Boolean(),
    "track_sharpness": Maybe(Integer(1)),
}


def option(
    default: Any = dataclasses.MISSING,
    *,
    section: str,
    help: str,  # noqa: A002 - argparse's name
    flag: str | None = None,
    type: Callable[[str], Any] | None = None,  # noqa: A002 - argparse's name
    choices: Sequence[str] | None = None,
    metavar: str | None = None,
    aliases: Sequence[tuple[str, Any, str]] = (),
    entries: Sequence[tuple[str, Callable[[str], Any], str]] = (),
    default_factory: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field that is also a command-line option.

    Parameters
    ----------
    default, default_factory
        As :func:`dataclasses.field`.
    section : str
        The group of options it is listed in (``"data"``, ``"model"``, ...).
    help : str
        One line; ``{default}`` is replaced by the field's default.
    flag : str, optional
        The option's name without ``--`` (default: the field's name, ``_`` written ``-``).
    type : callable, optional
        Converts the text (default: from the annotation: int, float or str; a bool field is a
        switch; a dict field takes ``KEY=VALUE`` and may repeat).
    choices, metavar
        As :meth:`argparse.ArgumentParser.add_argument`.
    aliases : sequence of (flag, value, help)
        Switches that set the field to ``value``, exclusive with the option and each other.
    entries : sequence of (name, type, help)
        For a dict field: options ``--name`` that set one key of the dict.
    """
    metadata = {
        "section": section, "help": help, "flag": flag, "type": type, "choices": choices,
        "metavar": metavar, "aliases": tuple(aliases), "entries": tuple(entries),
    }  # fmt: skip
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


def parse_spec(spec: str) -> list[int]:
    """Hidden sizes from a model spec: ``"mlp:256,128"`` -> ``[256, 128]``; ``"linear"`` -> ``[]``.

    Raises
    ------
    ValueError
        For anything else, saying what is accepted.
    """
    text = spec.strip().lower()
    if text in ("linear", "mlp:", "mlp"):
        return [] if text != "mlp" else [256, 128]
    kind, _, sizes = text.partition(":")
    if kind != "mlp":
        raise ValueError(f"model must be 'mlp:H1,H2,...' or 'linear', got {spec!r}")
    try:
        hidden = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise ValueError(
            f"model sizes must be integers, e.g. 'mlp:256,128', got {spec!r}"
        ) from None
    if any(h <= 0 for h in hidden):
        raise ValueError(f"model sizes must be positive, got {spec!r}")
    return hidden


@dataclass
class RunConfig:
    """Everything that defines a run; ``config.json`` in the run directory holds it.

    Each field is also an option of ``kobai train`` (``--early-stopping`` for
    ``early_stopping``) and a key of its ``--config`` TOML file; the fields' help texts are the
    command's ``--help``.
    """

    data: str = option(
        "mnist",
        section="data",
        help="{default} (default), digits, moons, circles, spiral, xor, blobs, sine, csv:PATH, "
        "idx:FOLDER, fashion:FOLDER",
    )
    target: str | None = option(None, section="data", help="target column of a CSV data set")
    samples: int = option(1000, section="data", help="size of a synthetic data set ({default})")
    model: str = option(
        "mlp:512,256", section="model", help="mlp:H1,H2,... hidden sizes ({default}) or linear"
    )
    activation: str = option(
        "relu",
        section="model",
        help="{default} (default), sigmoid, tanh, leaky_relu, elu, gelu, ...",
    )
    init: str = option(
        "default", section="model", help="{default}, xavier, he, lecun, std:0.01, ..."
    )
    batchnorm: bool = option(False, section="model", help="batch normalisation")
    dropout: float = option(
        0.2, section="model", help="dropout probability after activations ({default})"
    )
    optimizer: str = option(
        "adam",
        section="optimisation",
        help="any registered optimizer: {default} (default), sgd, momentum, ...",
    )
    lr: float | None = option(
        None, section="optimisation", help="learning rate (the optimizer's default)"
    )
    optimizer_options: dict[str, Any] = option(
        default_factory=dict,
        section="optimisation",
        flag="opt",
        metavar="KEY=VALUE",
        help="any other optimizer hyper-parameter, e.g. --opt betas=0.9,0.99",
        entries=(
            ("momentum", float, "momentum of sgd / rmsprop"),
            ("weight_decay", float, "weight decay"),
        ),
    )
    schedule: str | None = option(
        "cosine",
        section="optimisation",
        help="learning-rate schedule: {default} (default), step, exponential, none, ...",
    )
    schedule_options: dict[str, Any] = option(
        default_factory=dict,
        section="optimisation",
        flag="schedule-opt",
        metavar="KEY=VALUE",
        help="schedule parameter, e.g. --schedule-opt gamma=0.5",
    )
    batch_size: int | str = option(
        64,
        section="optimisation",
        type=int,
        help="mini-batch size ({default})",
        aliases=(
            ("full-batch", "full", "batch gradient descent"),
            ("stochastic", 1, "one sample per update"),
        ),
    )
    epochs: int = option(15, section="optimisation", help="number of epochs ({default})")
    gradient: str = option(
        "backprop", section="optimisation", choices=GRADIENTS, help="how gradients are computed"
    )
    dtype: str = option(
        "float32", section="model", choices=DTYPES, help="{default} (default) or float64"
    )
    early_stopping: int | None = option(
        None,
        section="optimisation",
        metavar="PATIENCE",
        help="stop after PATIENCE epochs without a better validation loss",
    )
    target_loss: float | None = option(
        None, section="optimisation", help="stop when the training loss reaches this"
    )
    seed: int = option(
        0, section="optimisation", help="random seed ({default}): same seed, same numbers"
    )
    track_sharpness: int | None = option(
        None,
        section="optimisation",
        metavar="N",
        help="every N epochs record the sharpness (top Hessian eigenvalue, on the first "
        f"{SHARPNESS_SAMPLES:,} training samples) in history.csv and the learning curve",
    )
    save_every_epoch: bool = option(
        False,
        section="output",
        help="also keep the parameters of every epoch (for loss-landscape paths)",
    )

    def __post_init__(self) -> None:
        if isinstance(self.schedule, str) and self.schedule.strip().lower() in ("", "none"):
            self.schedule = None
        self.validate()

    def validate(self) -> None:
        """Raise TypeError/ValueError naming the first bad value and what was received."""
        validate(dataclasses.asdict(self), CONSTRAINTS)
        parse_spec(self.model)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunConfig:
        """Build from a dict (``config.json`` or a TOML file), refusing unknown keys."""
        known = sorted(f.name for f in dataclasses.fields(cls))
        return cls(**check_keys("a run configuration", values, known, noun="configuration key"))

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-ready dict (the contents of ``config.json``)."""
        return dataclasses.asdict(self)

    def seeds(self) -> tuple[np.random.Generator, ...]:
        """Independent generators for the data, the model and the fit loop, from ``seed``."""
        return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(3))


__all__ = ["CONSTRAINTS", "DTYPES", "RunConfig", "option", "parse_spec"]
