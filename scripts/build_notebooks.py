"""Write examples/notebooks/: one notebook per source document, in English and in Japanese.

Both editions of a notebook are made from the cells below, so their code is the same line for
line and only the prose differs. Outputs are never stored (the notebooks are executed by the test
suite instead). Run after editing a cell:

    python scripts/build_notebooks.py

tests/test_notebooks.py fails when a committed notebook differs from what this script writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from notebook_cells import NOTEBOOKS  # noqa: E402

OUT = HERE.parent / "examples" / "notebooks"


def notebook(cells: list[tuple[str, ...]], language: str) -> dict:
    """The nbformat-4 JSON of one edition (``language`` "en" or "ja") of a notebook."""
    built: list[dict] = []
    for cell in cells:
        if cell[0] == "md":
            text = cell[1] if language == "en" else cell[2]
            built.append(
                {
                    "cell_type": "markdown",
                    "id": f"cell-{len(built)}",
                    "metadata": {},
                    "source": _lines(text),
                }
            )
        else:
            built.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"cell-{len(built)}",
                    "metadata": {},
                    "outputs": [],
                    "source": _lines(cell[1]),
                }
            )
    return {
        "cells": built,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _lines(text: str) -> list[str]:
    lines = text.strip("\n").split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def render(name: str, language: str) -> str:
    """The file text of one edition, exactly as committed."""
    return json.dumps(notebook(NOTEBOOKS[name], language), ensure_ascii=False, indent=1) + "\n"


def paths() -> dict[Path, str]:
    """Every notebook file this script writes, with its text."""
    files = {}
    for name in NOTEBOOKS:
        files[OUT / f"{name}.ipynb"] = render(name, "en")
        files[OUT / f"{name}.ja.ipynb"] = render(name, "ja")
    return files


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for path, text in paths().items():
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
