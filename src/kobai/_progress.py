"""Progress bars: tqdm's bar on a terminal, its widget in a Jupyter notebook."""

from __future__ import annotations

import sys
import warnings
from typing import Any


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (where a bar is a widget under the cell)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def show_progress(progress: bool | None) -> bool:
    """``progress``, or by default: on a terminal and in a notebook, not in a log file."""
    if progress is None:
        return sys.stderr.isatty() or in_notebook()
    return bool(progress)


def progress_bar(**options: Any) -> Any:
    """A ``tqdm.auto`` bar: a widget in a notebook (with ipywidgets, ``pip install
    kobai[notebook]``), else the text bar, without tqdm's warning that ipywidgets is missing."""
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "IProgress not found", TqdmWarning)
        from tqdm.auto import tqdm
    return tqdm(**options)
