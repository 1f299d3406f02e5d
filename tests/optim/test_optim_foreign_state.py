"""A state dict from another optimizer, or a junk dict, is one clear ValueError."""

from __future__ import annotations

import pytest

from kobai import nn, optim


def _model() -> nn.Linear:
    return nn.Linear(3, 2, rng=0)


@pytest.mark.parametrize("source", ["adam", "rmsprop", "adagrad"])
def test_another_optimizers_state_is_refused_by_name(source: str) -> None:
    model = _model()
    foreign = optim.create(source, model.parameters()).state_dict()
    sgd = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    before = sgd.state_dict()
    with pytest.raises(ValueError, match=r"the state dict is not from a SGD: its group 0 has"):
        sgd.load_state_dict(foreign)
    assert sgd.state_dict() == before  # nothing half-loaded


@pytest.mark.parametrize(
    ("junk", "error", "message"),
    [
        ({}, ValueError, "not an optimizer state dict: it needs 'state'"),
        ({"state": {}, "param_groups": 5}, ValueError, "not an optimizer state dict"),
        ({"state": {}, "param_groups": [5]}, ValueError, r"param_groups\[0\] must be a dict"),
        ([1, 2], TypeError, "state_dict must be a dict, got list"),
    ],
)
def test_junk_is_refused(junk: object, error: type, message: str) -> None:
    sgd = optim.SGD(_model().parameters(), lr=0.1)
    with pytest.raises(error, match=message):
        sgd.load_state_dict(junk)  # type: ignore[arg-type]


def test_own_state_and_scheduler_keys_still_load() -> None:
    model = _model()
    adam = optim.Adam(model.parameters(), lr=0.01)
    optim.lr_scheduler.CosineAnnealingLR(adam, T_max=5)  # adds initial_lr to the groups
    again = optim.Adam(model.parameters(), lr=0.5)
    again.load_state_dict(adam.state_dict())
    assert again.param_groups[0]["lr"] == 0.01
