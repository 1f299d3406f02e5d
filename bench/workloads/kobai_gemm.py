"""The machine's float32 matrix-product speed through NumPy's BLAS (what kobai computes with).

Square products of size ``n`` (default 1024), ``2 n^3`` floating-point operations each.
Config: ``n``, ``timing``.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common as C
from bench.workloads._kobai import setup


def main() -> None:
    config = C.read_config()
    setup()
    n = int(config.get("n", 1024))
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)

    def step() -> None:
        np.matmul(a, b, out=out)

    seconds = C.time_variants({"kobai": step}, config["timing"])
    C.emit({"kobai": {"gflops": 2 * n**3 / seconds["kobai"] / 1e9}}, n=n, numpy=np.__version__)


if __name__ == "__main__":
    main()
