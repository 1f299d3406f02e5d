"""``import kobai`` loads NumPy only; every subpackage is still reachable as ``kobai.X``."""

import subprocess
import sys

LAZY = ("landscape", "models", "viz", "studies", "report", "web", "cli")

CODE = """
import sys
import kobai
# private names: __main__, the venv's _distutils_hack, NumPy's Cython runtime (_cython_*)
third_party = sorted({
    name.partition(".")[0] for name in sys.modules
    if name.partition(".")[0] not in sys.stdlib_module_names and not name.startswith("_")
} - {"kobai", "numpy", "cython_runtime"})
lazy = [n for n in LAZY if f"kobai.{n}" in sys.modules]
print(third_party, lazy)
reached = [getattr(kobai, n).__name__ for n in LAZY]
print(reached, "matplotlib" in sys.modules)
print(kobai.landscape.descend("quadratic", ["sgd"], lr=0.1, steps=3)["sgd"].points.ravel())
"""


def run(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"LAZY = {LAZY!r}\n" + code],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()


def test_import_loads_numpy_only_and_subpackages_on_first_use() -> None:
    loaded, reached, descent = run(CODE)
    assert loaded == "[] []"
    # even kobai.viz leaves matplotlib until a figure is drawn
    assert reached == f"{[f'kobai.{n}' for n in LAZY]!r} False"
    assert descent == "[2.    1.8   1.62  1.458]"


def test_unknown_attributes_and_dir() -> None:
    lines = run(
        "import kobai\n"
        "try:\n    kobai.nonexistent\nexcept AttributeError as e:\n    print(e)\n"
        "print(all(n in dir(kobai) for n in LAZY), 'fit' in dir(kobai))\n"
    )
    assert lines == ["module 'kobai' has no attribute 'nonexistent'", "True True"]


def test_import_leaves_the_costly_standard_modules_until_they_are_used() -> None:
    # numpy.random (~25 ms), the catalogue's JSON files, and the training loop's tempfile,
    # pathlib and csv: each is loaded on first use, not by ``import kobai``.
    heavy = ("numpy.random", "json", "tempfile", "pathlib", "csv", "pkgutil", "kobai.train")
    lines = run(
        f"HEAVY = {heavy!r}\n"
        "import sys, kobai\n"
        "print([m for m in HEAVY if m in sys.modules])\n"
        "from kobai import fit, History\n"
        "print(fit.__module__, History.__name__)\n"
        "kobai.set_language('ja')\n"
        "from kobai.i18n import t\n"
        "print(t('report.headlines'), 'json' in sys.modules)\n"
    )
    assert lines == ["[]", "kobai.train.fit History", "主要な数値 True"]
