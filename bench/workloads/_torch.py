"""What the PyTorch training workloads share: the optimizer implementations and the setup."""

from __future__ import annotations

from typing import Any

import torch

# torch.optim's three implementations, timed in turns; the runner takes the fastest.
SETTINGS: dict[str, dict[str, bool]] = {
    "default": {},
    "foreach": {"foreach": True},
    "fused": {"fused": True},
}


def setup_training(config: dict[str, Any]) -> None:
    """The threads of the run, and subnormal floats flushed to zero: kobai's optimizers take
    their steps in that mode, and PyTorch does when asked."""
    torch.set_num_threads(int(config["threads"]))
    torch.set_flush_denormal(True)
