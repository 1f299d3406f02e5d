"""Optimizers faithful to PyTorch, the textbook forms beside them, schedules and clipping."""

from kobai.optim import lr_scheduler, textbook
from kobai.optim._fused import fused_active, set_fused
from kobai.optim._trace import trace_steps
from kobai.optim.adadelta import Adadelta
from kobai.optim.adagrad import Adagrad
from kobai.optim.adam import Adam, AdamW
from kobai.optim.adamax import Adamax
from kobai.optim.clip import clip_grad_norm_, clip_grad_value_
from kobai.optim.lbfgs import LBFGS
from kobai.optim.lion import Lion
from kobai.optim.nadam import NAdam
from kobai.optim.optimizer import Optimizer
from kobai.optim.radam import RAdam
from kobai.optim.registry import (
    available,
    available_schedulers,
    create,
    create_scheduler,
    needs_closure,
)
from kobai.optim.rmsprop import RMSprop
from kobai.optim.rprop import Rprop
from kobai.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "LBFGS",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "available",
    "available_schedulers",
    "clip_grad_norm_",
    "clip_grad_value_",
    "create",
    "create_scheduler",
    "fused_active",
    "lr_scheduler",
    "needs_closure",
    "set_fused",
    "textbook",
    "trace_steps",
]
