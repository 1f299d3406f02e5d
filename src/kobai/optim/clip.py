"""Gradient clipping: the functions of :mod:`kobai.nn.utils` (PyTorch keeps them in
``torch.nn.utils``), also reachable as ``kobai.optim.clip_grad_norm_`` and ``clip_grad_value_``."""

from kobai.nn.utils import clip_grad_norm_, clip_grad_value_

__all__ = ["clip_grad_norm_", "clip_grad_value_"]
