"""The machine's float32 matrix-product speed through PyTorch (``torch.mm``).

Square products of size ``n`` (default 1024). Config: ``n``, ``threads``, ``timing``.
"""

from __future__ import annotations

import torch

from bench.workloads import _common as C


def main() -> None:
    config = C.read_config()
    torch.set_num_threads(int(config["threads"]))
    n = int(config.get("n", 1024))
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=generator)
    b = torch.randn(n, n, generator=generator)
    out = torch.empty(n, n)

    def step() -> None:
        torch.mm(a, b, out=out)

    seconds = C.time_variants({"torch": step}, config["timing"])
    C.emit({"torch": {"gflops": 2 * n**3 / seconds["torch"] / 1e9}}, n=n, torch=torch.__version__)


if __name__ == "__main__":
    main()
