"""The race endpoints: meta, surfaces, whole paths, streamed paths, copy as Python."""

import base64
from urllib.parse import quote, urlencode

import numpy as np
import pytest

from kobai import optim
from kobai.landscape import available_functions, descend, get_function
from kobai.web.surfaces import NeuronSettings, neuron_surface

from .conftest import Client

SURFACES_2D = [n for n in available_functions() if get_function(n).dim == 2]
RACE = "surface=rosenbrock&opt=sgd,lr=0.002&opt=momentum,lr=0.002,momentum=0.8&opt=adam,lr=0.05"


def test_meta_lists_every_surface_and_every_registered_optimizer(client: Client) -> None:
    meta = client.get("/api/meta").json()
    names = [s["name"] for s in meta["surfaces"]]
    assert names == [*SURFACES_2D, "neuron", "custom"]
    assert [o["name"] for o in meta["optimizers"]] == optim.available()
    adam = next(o for o in meta["optimizers"] if o["name"] == "adam")
    assert adam["defaults"]["betas"] == [0.9, 0.999] and "betas" in adam["main"]
    momentum = next(o for o in meta["optimizers"] if o["name"] == "momentum")
    assert momentum["defaults"]["momentum"] == 0.9  # the preset of the registered name
    assert len(meta["colormap"]) == 255 and len(meta["palette"]) >= 6
    assert meta["limits"]["optimizers"] == 6 and meta["limits"]["steps"] == [1, 2000]


@pytest.mark.parametrize("name", [*SURFACES_2D, "neuron"])
def test_every_surface_has_shades_and_contours(client: Client, name: str) -> None:
    surface = client.get(f"/api/surface?surface={name}&grid=40").json()
    shade = np.frombuffer(base64.b64decode(surface["shade"]), dtype=np.uint8)
    assert shade.shape == (40 * 40,)
    assert shade.min() == 0 and shade.max() == 254  # the lowest and highest cells, no gaps
    assert len(surface["contours"]) == 18
    assert sum(len(c["lines"]) for c in surface["contours"]) >= 10
    x0, x1, y0, y1 = surface["bounds"]
    for level in surface["contours"]:
        for line in level["lines"]:
            xs, ys = np.array(line[0::2]), np.array(line[1::2])
            assert xs.min() >= x0 - 1e-9 and xs.max() <= x1 + 1e-9
            assert ys.min() >= y0 - 1e-9 and ys.max() <= y1 + 1e-9


def test_surface_grid_follows_the_function_exactly(client: Client) -> None:
    surface = client.get("/api/surface?surface=bowl&grid=16").json()
    fn = get_function("bowl")
    assert surface["range"][1] == fn.value([-8.0, -3.0]).item() == 3.2 + 9.0
    assert surface["minima"] == [[0.0, 0.0]] and surface["start"] == [-7.0, 2.0]


def test_surface_of_a_formula_and_its_refusals(client: Client) -> None:
    ok = client.get("/api/surface?surface=custom&expr=" + quote("x**2 + 3*sin(y)"))
    assert ok.status == 200 and ok.json()["label"] == "f(x, y) = x**2 + 3*sin(y)"
    for expr, message in [
        ("__import__('os')", "may contain only"),
        ("x" * 121, "at most 120 characters"),
        ("x**2", "must use both x and y"),
        ("y**9**9", "too large"),
        ("log(x)*0 - 1e308*1e308 + y", "not finite"),
    ]:
        answer = client.get("/api/surface?surface=custom&expr=" + quote(expr))
        assert answer.status == 400, expr
        assert message in answer.json()["error"], (expr, answer.json())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("grid=201", "grid must be an integer in [16, 200]"),
        ("grid=1e9", "grid must be an integer"),
        ("grid=nan", "grid must be an integer"),
        ("grid=-5", "grid must be an integer in"),
        ("surface=../../etc/passwd", "surface must be one of"),
        ("surface=quadratic", "must be one"),
        ("surface=neuron&noise=2", "noise must be a finite number in [0, 1]"),
        ("surface=neuron&activation=softmax", "activation must be one of"),
        ("surface=neuron&samples=100000", "samples must be an integer in [10, 200]"),
    ],
)
def test_surface_parameters_are_bounded(client: Client, query: str, message: str) -> None:
    answer = client.get(f"/api/surface?{query}")
    assert answer.status == 400 and message in answer.json()["error"]


def test_descend_gives_the_engines_numbers_exactly(client: Client) -> None:
    race = client.get(f"/api/descend?{RACE}&start=-1.5,2&steps=120").json()
    expected = descend(
        "rosenbrock",
        {
            "sgd": {"name": "sgd", "lr": 0.002},
            "momentum": {"name": "momentum", "lr": 0.002, "momentum": 0.8},
            "adam": {"name": "adam", "lr": 0.05},
        },
        start=(-1.5, 2.0),
        steps=120,
    )
    assert [p["label"] for p in race["paths"]] == list(expected)
    for path, reference in zip(race["paths"], expected.values(), strict=True):
        assert np.array_equal(np.array(path["points"]), reference.points)
        assert np.array_equal(np.array(path["values"]), reference.values)
        assert np.array_equal(np.array(path["grad_norms"]), reference.grad_norms)
        assert path["status"] == reference.status and path["hyper"]["lr"] == reference.lr
    assert race["paths"][1]["hyper"] == {"lr": 0.002, "momentum": 0.8}


def test_descend_on_the_neuron_follows_its_loss(client: Client) -> None:
    race = client.get("/api/descend?surface=neuron&noise=0&opt=sgd,lr=0.5&steps=40").json()
    fn = neuron_surface(NeuronSettings(noise=0.0))
    path = race["paths"][0]
    assert path["points"][0] == [-0.5, 1.5]
    reference = descend(fn, {"sgd": {"name": "sgd", "lr": 0.5}}, start=(-0.5, 1.5), steps=40)
    assert np.array_equal(np.array(path["points"]), reference["sgd"].points)
    # gradient descent by hand with the analytic gradient of source 000, in float64
    from kobai.data import make_single_neuron
    from kobai.landscape import neuron

    x, t = make_single_neuron(100, w=2.0, b=-1.0, noise=0.0, rng=0)
    p = np.array([-0.5, 1.5])
    for _ in range(40):
        p = p - 0.5 * neuron.gradient(x.astype(np.float64), t.astype(np.float64), p[0], p[1])
    np.testing.assert_allclose(path["points"][-1], p, rtol=1e-12, atol=1e-12)


def test_a_diverging_optimizer_stops_cleanly_and_says_so(client: Client) -> None:
    answer = client.get("/api/descend?surface=rosenbrock&opt=sgd,lr=0.1&opt=adam,lr=0.05&steps=50")
    race = answer.json()  # strict: a NaN or Infinity anywhere would raise here
    sgd, adam = race["paths"]
    assert sgd["status"] == "diverged" and sgd["diverged_at"] == len(sgd["points"])
    assert 0 < sgd["diverged_at"] < 50 and "lr 0.1 is too large" in sgd["message"]
    assert np.isfinite(sgd["points"]).all() and np.isfinite(sgd["values"]).all()
    assert adam["status"] != "diverged" and len(adam["points"]) == 51


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("steps=0", "steps must be an integer in [1, 2000]"),
        ("steps=2001", "steps must be an integer in [1, 2000]"),
        ("steps=abc", "steps must be an integer"),
        ("steps=1&steps=2", "given 2 times"),
        ("opt=" + "&opt=".join(["sgd"] * 7), "at most 6 optimizers"),
        ("opt=adam&opt=sgd&opt=momentum&steps=1001", "steps x optimizers must be at most 3000"),
        ("opt=lbfgs", "optimizer must be one of"),
        ("opt=adam,lr=inf", "lr must be a number"),
        ("opt=adam,lr=1e400", "lr must be a finite number"),
        ("opt=adam,lr=-1", "lr must be a finite number in"),
        ("opt=adam,foo=1", "takes key=value"),
        ("start=nan,1", "start must be a number"),
        ("start=1", "start must be 2 comma-separated numbers"),
        ("start=1e5,0", "start must be a finite number in"),
        ("start=1,2,3", "comma-separated"),
        ("steps=10&colour=red", "unknown parameter(s) colour"),
    ],
)
def test_descend_parameters_are_bounded(client: Client, query: str, message: str) -> None:
    answer = client.get(f"/api/descend?{query}")
    assert answer.status == 400
    assert message in answer.json()["error"], answer.json()


def test_the_stream_sends_the_same_steps_frame_by_frame(client: Client) -> None:
    whole = client.get(f"/api/descend?{RACE}&steps=30").json()
    events = client.events(f"/api/descend/stream?{RACE}&steps=30&from=10&to=25&per_frame=4&fps=0")
    names = [name for name, _ in events]
    assert names == ["setup", "step", "step", "step", "step", "end"]
    setup = events[0][1]
    assert [p["label"] for p in setup["paths"]] == ["sgd", "momentum", "adam"]
    assert setup["current"]["from"] == 10
    assert setup["current"]["paths"][2]["points"] == [whole["paths"][2]["points"][10]]
    frames = [data for name, data in events if name == "step"]
    assert [(f["from"], f["to"]) for f in frames] == [(11, 14), (15, 18), (19, 22), (23, 25)]
    for i, path in enumerate(whole["paths"]):
        streamed = [pt for f in frames for pt in f["paths"][i]["points"]]
        assert streamed == path["points"][11:26]
    assert events[-1] == ("end", {"step": 25})


def test_the_stream_of_a_diverging_path_ends_with_its_last_finite_point(client: Client) -> None:
    events = client.events("/api/descend/stream?opt=sgd,lr=0.1&steps=50&fps=0&per_frame=50")
    setup, frame = events[0][1], events[1][1]
    stop = setup["paths"][0]["diverged_at"]
    assert (
        setup["paths"][0]["status"] == "diverged" and len(frame["paths"][0]["points"]) == stop - 1
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=5&to=2", "to must be >= from"),
        ("from=301", "from must be an integer in [0, 300]"),
        ("fps=61", "fps must be an integer in [0, 60]"),
        ("per_frame=0", "per_frame must be an integer in"),
        ("to=nan", "to must be an integer"),
    ],
)
def test_stream_windows_are_bounded(client: Client, query: str, message: str) -> None:
    answer = client.get(f"/api/descend/stream?{query}")
    assert answer.status == 400 and message in answer.json()["error"]


def run_code(code: str) -> dict:
    namespace: dict = {"print": lambda *a, **k: None}
    exec(compile(code, "<copied>", "exec"), namespace)  # noqa: S102 - the code under test
    return namespace


@pytest.mark.parametrize(
    "query",
    [
        RACE + "&start=0.5,2.5&steps=80",
        "surface=custom&expr=" + quote("x**2/4 + y**2 - x*y/3") + "&opt=nesterov,lr=0.1&steps=50",
        "surface=neuron&activation=tanh&noise=0.1&opt=adam,lr=0.1&opt=textbook-adam,lr=0.1",
    ],
)
def test_copied_python_reproduces_the_race(client: Client, query: str) -> None:
    code = client.get(f"/api/python?view=race&{query}")
    assert code.status == 200 and code.headers["Content-Type"].startswith("text/plain")
    paths = run_code(code.body.decode())["paths"]
    race = client.get(f"/api/descend?{query}").json()
    for served, path in zip(race["paths"], paths.values(), strict=True):
        assert served["label"] == path.label
        assert served["points"] == path.points.tolist()
        assert served["values"] == path.values.tolist()


def test_copied_python_writes_only_literals(client: Client) -> None:
    expr = "x**2 + y**2"
    code = client.get(f"/api/python?view=race&surface=custom&expr={quote(expr)}").body.decode()
    assert "function = 'x**2 + y**2'" in code
    answer = client.get(
        "/api/python?"
        + urlencode({"view": "race", "surface": "custom", "expr": "x'); import os; ('"})
    )
    assert answer.status == 400
