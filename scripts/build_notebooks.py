"""Write examples/notebooks/: one notebook per source document, in English and in Japanese.

Both editions of a notebook are made from the cells in notebook_cells.py, so their code is the
same line for line: only the prose differs, the text the code prints (the string literals
listed in ``CODE_JA``, translated inside strings only) and the Japanese edition's first code
cell, which sets kobai's language so that its figures and tables are Japanese too. Outputs
are never stored (the notebooks are executed by the test suite instead). Run after editing a
cell:

    python scripts/build_notebooks.py

tests/test_notebooks.py fails when a committed notebook differs from what this script writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from notebook_cells import CODE_JA, NOTEBOOKS, SETUP_JA  # noqa: E402

OUT = HERE.parent / "examples" / "notebooks"


def notebook(cells: list[tuple[str, ...]], language: str) -> dict:
    """The nbformat-4 JSON of one edition (``language`` "en" or "ja") of a notebook."""
    built: list[dict] = []
    seen_code = False  # the Japanese setup goes into the first code cell only
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
            code = cell[1] if language == "en" else japanese_code(cell[1])
            if language == "ja" and not seen_code:
                code = code.rstrip("\n") + "\n" + SETUP_JA
            seen_code = True
            built.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"cell-{len(built)}",
                    "metadata": {},
                    "outputs": [],
                    "source": _lines(code),
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


def japanese_code(code: str) -> str:
    """``code`` with the English phrases of ``CODE_JA`` translated inside its string
    literals (names, numbers and everything else stay as they are)."""
    import io
    import tokenize

    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    lines = code.splitlines(keepends=True)
    # Replace from the end, so that earlier positions stay valid.
    for token in reversed(tokens):
        if token.type != tokenize.STRING:
            continue
        text = token.string
        for english, japanese in CODE_JA.items():
            text = text.replace(english, japanese)
        if text == token.string:
            continue
        (row, col), (end_row, end_col) = token.start, token.end
        assert row == end_row, "multi-line strings are not translated"
        line = lines[row - 1]
        lines[row - 1] = line[:col] + text + line[end_col:]
    return "".join(lines)


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
