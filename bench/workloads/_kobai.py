"""What the kobai workloads share: the settings the ``kobai`` commands train with."""

from __future__ import annotations

import kobai as kb


def setup() -> None:
    """The allocator tuned and subnormal floats flushed, as ``kobai train`` runs (the library
    alone does neither; PyTorch's side flushes with ``torch.set_flush_denormal(True)``)."""
    kb.tune_allocator()
    kb.set_flush_denormal(True)
