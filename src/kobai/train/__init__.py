"""Training: the fit loop, its history, callbacks, metrics and checkpoints."""

from kobai.train.callbacks import Callback, EarlyStopping, ModelCheckpoint, StopAtTarget
from kobai.train.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from kobai.train.config import RunConfig
from kobai.train.fit import FitState, TrainingDiverged, evaluate, fit, predict
from kobai.train.history import History
from kobai.train.metrics import accuracy, r2_score, rmse
from kobai.train.numerical import numerical_gradients
from kobai.train.options import FitOptions, Scheduler
from kobai.train.sharpness import SharpnessMonitor

__all__ = [
    "Callback",
    "CheckpointError",
    "EarlyStopping",
    "FitOptions",
    "FitState",
    "History",
    "ModelCheckpoint",
    "RunConfig",
    "Scheduler",
    "SharpnessMonitor",
    "StopAtTarget",
    "TrainingDiverged",
    "accuracy",
    "evaluate",
    "fit",
    "load_checkpoint",
    "numerical_gradients",
    "predict",
    "r2_score",
    "rmse",
    "save_checkpoint",
]
