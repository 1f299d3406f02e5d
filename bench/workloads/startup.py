"""Start-up: the wall time of a fresh interpreter that imports the library (and, for kobai,
of ``kobai --help``), with NumPy alone as the floor both stand on.

Each command runs ``runs`` times in a fresh process (default 9; 2 in a quick run) after one
untimed run that leaves the bytecode caches written, as they are after ``pip install``; the
figure is the fastest run (start-up is noise from above only). Config: ``library`` ("kobai"
or "torch"), ``timing``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.workloads import _common as C

COMMANDS = {
    "kobai": {
        "import_s": [sys.executable, "-c", "import kobai"],
        "help_s": [sys.executable, "-m", "kobai", "--help"],
        "numpy_import_s": [sys.executable, "-c", "import numpy"],
    },
    "torch": {"import_s": [sys.executable, "-c", "import torch"]},
}


def fastest(command: list[str], runs: int) -> float:
    """The shortest wall time of ``runs`` runs of ``command``, after an untimed one."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    best = float("inf")
    for k in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        if k:
            best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    config = C.read_config()
    library = config["library"]
    runs = 2 if config["timing"].get("steps") is not None else 9
    measured = {key: fastest(cmd, runs) for key, cmd in COMMANDS[library].items()}
    C.emit({library: measured}, runs=runs)


if __name__ == "__main__":
    main()
