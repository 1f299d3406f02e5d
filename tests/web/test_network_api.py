"""The tiny network's stream: frames, exact losses, resuming after a pause, refusals."""

import base64

import numpy as np
import pytest

import kobai as kb
from kobai import nn, optim
from kobai.data import DataLoader, make_circles
from kobai.models import MLP
from kobai.web.network import NetworkSettings, Trainer
from kobai.web.optimizers import parse_spec

from .conftest import Client

NET = (
    "data=circles&samples=120&noise=0.05&seed=3&hidden=6,5&activation=tanh"
    "&opt=momentum,lr=0.2&batch=16"
)


def reference_losses(steps: int) -> list[float]:
    """The same run written out by hand with kobai's public API."""
    rng = np.random.default_rng(3)
    X, y = make_circles(120, noise=0.05, factor=0.5, rng=rng)
    model = MLP(2, [6, 5], 2, activation="tanh", rng=rng)
    opt = optim.create("momentum", model.parameters(), lr=0.2)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(X, y, batch_size=16, rng=rng)
    losses: list[float] = []
    while len(losses) < steps:
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(kb.Tensor(xb)), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses


def frames(events: list) -> list[dict]:
    return [data for name, data in events if name == "frame"]


def test_the_stream_trains_exactly_as_the_written_out_loop(client: Client) -> None:
    events = client.events(f"/api/network/stream?{NET}&to=20&per_frame=8&fps=0&grid=12")
    assert [name for name, _ in events] == ["setup", "frame", "frame", "frame", "frame", "end"]
    setup = events[0][1]
    assert len(setup["points"]) == 120 and set(setup["labels"]) == {0, 1}
    assert setup["classes"] == 2 and setup["batches_per_epoch"] == 8
    assert setup["parameters"] == (2 * 6 + 6) + (6 * 5 + 5) + (5 * 2 + 2)
    steps = [f["step"] for f in frames(events)]
    assert steps == [0, 8, 16, 20]
    streamed = [v for f in frames(events) for v in f["losses"]]
    assert streamed == reference_losses(20)
    last = frames(events)[-1]
    assert last["epoch"] == 2 and last["loss"] == streamed[-1] and 0 <= last["accuracy"] <= 1
    heat = np.frombuffer(base64.b64decode(last["heat"]), dtype=np.uint8)
    assert heat.shape == (144,) and set(np.unique(heat >> 6)) <= {0, 1}


def test_resuming_after_a_pause_continues_the_same_run(client: Client) -> None:
    # Play to 12, pause, play on to 30: the same numbers as one run to 30.
    first = frames(client.events(f"/api/network/stream?{NET}&to=12&per_frame=4&fps=0&grid=8"))
    then = frames(
        client.events(f"/api/network/stream?{NET}&from=12&to=30&per_frame=6&fps=0&grid=8")
    )
    assert then[0]["step"] == 12 and then[0]["losses"] == []
    losses = [v for f in first + then for v in f["losses"]]
    assert losses == reference_losses(30)


def test_a_paused_run_goes_back_to_the_frame_the_page_last_showed(client: Client) -> None:
    # The stream trained up to 40, but the page only saw step 24: it resumes from 24.
    client.events(f"/api/network/stream?{NET}&to=40&per_frame=8&fps=0&grid=8")
    resumed = frames(
        client.events(f"/api/network/stream?{NET}&from=24&to=32&per_frame=8&fps=0&grid=8")
    )
    assert [f["step"] for f in resumed] == [24, 32]
    assert resumed[1]["losses"] == reference_losses(32)[24:]


def test_a_fresh_page_at_step_k_gets_the_whole_history(client: Client) -> None:
    fresh = NET.replace("seed=3", "seed=4")
    events = client.events(f"/api/network/stream?{fresh}&from=10&to=10&fps=0&history=1&grid=8")
    only = frames(events)
    assert len(only) == 1 and only[0]["step"] == 10 and len(only[0]["losses"]) == 10


def test_trainer_snapshots_rewind_exactly() -> None:
    settings = NetworkSettings(optimizer=parse_spec("adam,lr=0.05"), batch=7, samples=40)
    trainer = Trainer(settings)
    trainer.train(5)
    trainer.snapshot()
    later = trainer.train(9)  # crosses an epoch boundary (6 batches per epoch)
    assert trainer.rewind(5) and trainer.step == 5 and len(trainer.losses) == 5
    assert trainer.train(9) == later
    assert not trainer.rewind(3)


def test_divergence_stops_the_network_and_says_why(client: Client) -> None:
    query = "data=xor&samples=100&hidden=32,32,32,32&activation=relu&opt=adam,lr=10&batch=100"
    events = client.events(f"/api/network/stream?{query}&to=300&per_frame=50&fps=0&grid=8")
    last = frames(events)[-1]
    assert last["stopped"] is not None and "the loss exploded to" in last["stopped"]
    assert "the learning rate 10 is probably too large" in last["stopped"]
    assert events[-1][0] == "end" and events[-1][1]["stopped"] == last["stopped"]
    assert last["step"] < 300 and f"diverged at step {last['step'] + 1}:" in last["stopped"]
    losses = [v for f in frames(events) for v in f["losses"]]
    assert len(losses) == last["step"] and max(losses) <= 1e4 * losses[0]


def test_a_parameter_that_overflows_stops_the_run() -> None:
    trainer = Trainer(NetworkSettings(optimizer=parse_spec("sgd,lr=0.1")))
    trainer.train(3)
    next(iter(trainer.model.parameters())).data[0, 0] = np.inf
    assert trainer.train(5) == [] and trainer.step == 3
    assert trainer.stopped == (
        "diverged at step 4: a parameter became inf or NaN; the learning rate 0.1 is probably "
        "too large"
    )
    assert np.isfinite(trainer.frame([])["loss"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("hidden=64", "hidden must be an integer in [1, 32]"),
        ("hidden=2,2,2,2,2", "at most 4 layers"),
        ("hidden=a", "hidden must be an integer"),
        ("samples=5000", "samples must be an integer in [20, 1000]"),
        ("samples=50&batch=51", "batch must be an integer in [1, 50]"),
        ("data=mnist", "data must be one of"),
        ("opt=sgd&opt=adam", "one optimizer"),
        ("opt=adam,lr=100", "lr must be a finite number in"),
        ("noise=-1", "noise must be a finite number in [0, 1]"),
        ("seed=-1", "seed must be an integer in"),
        ("grid=1000", "grid must be an integer in [8, 96]"),
        ("from=20001", "from must be an integer in [0, 20000]"),
        ("from=5&to=4", "to must be >= from"),
        ("activation=softmax", "activation must be one of"),
        ("history=maybe", "history must be true or false"),
    ],
)
def test_network_parameters_are_bounded(client: Client, query: str, message: str) -> None:
    answer = client.get(f"/api/network/stream?{query}")
    assert answer.status == 400
    assert message in answer.json()["error"], answer.json()


def test_copied_python_trains_the_same_network(client: Client) -> None:
    code = client.get(f"/api/python?view=network&{NET}&at=20").body.decode()
    namespace: dict = {"print": lambda *a, **k: None}
    exec(compile(code, "<copied>", "exec"), namespace)  # noqa: S102 - the code under test
    assert namespace["losses"] == reference_losses(20)
    assert "make_circles(120, noise=0.05, factor=0.5, rng=rng)" in code
