"""The studies by name: register them, list them, run one."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from kobai.studies.base import Context, Study, StudyResult, run_study
from kobai.validation import check_str

# In the order of the issue that asked for them; each module registers its study on import.
MODULES = (
    "kobai.studies.vanishing",
    "kobai.studies.batch_modes",
    "kobai.studies.numerical",
    "kobai.studies.learning_rate",
    "kobai.studies.optimizers",
    "kobai.studies.local_minima",
    "kobai.studies.edge_of_stability",
    "kobai.studies.curvature",
)

_STUDIES: dict[str, Study] = {}


def register(
    name: str, *, title: str, source: str, claim: str
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Decorator: make ``function(ctx)`` the study called ``name``."""

    def decorate(function: Callable[[Context], None]) -> Callable[[Context], None]:
        if name in _STUDIES and _STUDIES[name].function is not function:
            raise ValueError(f"a study named {name!r} is already registered")
        _STUDIES[name] = Study(name, title, source, claim, function)
        return function

    return decorate


def _load() -> None:
    for module in MODULES:
        importlib.import_module(module)


def available() -> list[str]:
    """The names of every study, in the order of :data:`MODULES`."""
    _load()
    order = {module: i for i, module in enumerate(MODULES)}
    studies = sorted(_STUDIES.values(), key=lambda s: order.get(s.function.__module__, len(order)))
    return [s.name for s in studies]


def get(name: str) -> Study:
    """The study called ``name``.

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.
    """
    check_str("study name", name, empty=True)
    _load()
    key = name.strip().lower().replace("_", "-")
    if key not in _STUDIES:
        raise ValueError(f"unknown study {name!r}; valid names: {', '.join(available())}")
    return _STUDIES[key]


def run(
    name: str,
    *,
    quick: bool = False,
    out: str | Path | None = None,
    seed: int = 0,
    verbose: bool = False,
) -> StudyResult:
    """Run the study ``name``: compute, write its files into ``out``, return the result.

    Parameters
    ----------
    name : str
        One of :func:`available`: ``"vanishing-gradients"``, ``"batch-modes"``,
        ``"numerical-vs-backprop"``, ``"learning-rate"``, ``"optimizers"``,
        ``"local-minima"``.
    quick : bool, default False
        Smaller settings that finish in seconds; the defaults take up to two minutes.
    out : path, optional
        Folder for the files (default ``studies/<name>``): tables (CSV), figures (PNG and
        SVG), ``report.md``, ``report.html`` (self-contained) and ``headlines.json``.
    seed : int, default 0
        Same seed, same numbers (timings aside).
    verbose : bool, default False
        Print progress to standard error.

    Returns
    -------
    StudyResult
        ``result.headlines``, ``result["key"]``, ``result.files``, ``result.summary()``.

    Examples
    --------
    >>> import kobai.studies
    >>> result = kobai.studies.run("numerical-vs-backprop", quick=True, out="/tmp/nvb")
    ... # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP
    """
    study = get(name)
    folder = Path(out) if out is not None else Path("studies") / study.name
    return run_study(study, out=folder, seed=seed, quick=quick, verbose=verbose)
