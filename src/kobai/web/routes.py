"""The endpoints of the playground: each takes a validated :class:`Query`, returns an answer.

=========================  ================================================================
``GET /api/meta``          surfaces, optimizers and their hyper-parameters, data sets,
                           colours, limits and messages (``lang``): everything the page
                           builds its controls from
``GET /api/surface``       one surface: shaded grid and contour lines
``GET /api/descend``       a race: every optimizer's whole path (instant mode)
``GET /api/descend/stream``  the same race as server-sent events, frame by frame (live mode)
``GET /api/network/stream``  the tiny network training live, as server-sent events
``GET /api/python``        "copy as Python": kobai code that reproduces the view
``GET /api/backprop``      a formula's graph, backward step by step, and the numerical check
=========================  ================================================================

Endpoints are plain functions, so tests can call them without a server. Every endpoint also
takes ``lang`` (``en`` or ``ja``): the language of its answer to a bad request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kobai.web import network as net
from kobai.web.backprop import BACKPROP_PARAMS, BackpropSettings, backprop_code, backprop_payload
from kobai.web.engine import ENGINE
from kobai.web.optimizers import FLAGS, HYPER, MAIN, registered, signature_defaults
from kobai.web.params import LIMITS, Query, bad
from kobai.web.race import RACE_PARAMS, RaceSettings, check_window, race_frames, run_race
from kobai.web.surfaces import NEURON, SURFACE_PARAMS, SurfaceSettings, surface_payload

STREAM_PARAMS = ("from", "to", "fps", "per_frame")
COLORMAP = "YlGnBu_r"
LIGHTEN = 0.2


@dataclass
class Text:
    """A plain-text answer."""

    body: str
    content_type: str = "text/plain; charset=utf-8"


@dataclass
class Stream:
    """Server-sent events: ``(event, payload, paced)``; paced events come at most ``fps``/s."""

    events: Iterator[tuple[str, Any, bool]]
    fps: int
    max_seconds: float = 1200.0

    def close(self) -> None:
        """Close the event generator (its ``finally`` gives a network trainer back to the cache)."""
        close = getattr(self.events, "close", None)
        if close is not None:
            close()


@functools.lru_cache(maxsize=1)
def _meta() -> dict[str, Any]:
    import numpy as np

    from kobai import __version__
    from kobai.landscape import get_function
    from kobai.landscape.functions import GENERIC_LR
    from kobai.viz.style import PALETTE, pyplot
    from kobai.web.backprop import VARIABLES as BACKPROP_VARIABLES
    from kobai.web.backprop import presets
    from kobai.web.surfaces import NEURON_ACTIVATIONS, NeuronSettings, neuron_surface, surface_names

    cmap = pyplot().get_cmap(COLORMAP)
    # Blended towards white: a projected surface stays light enough for the paths to stand out.
    rgb = cmap(np.linspace(0, 1, 255))[:, :3] * (1 - LIGHTEN) + LIGHTEN
    colours = ["#" + "".join(f"{round(255 * c):02x}" for c in row) for row in rgb]
    surfaces: list[dict[str, Any]] = []
    for name in surface_names():
        if name == "custom":
            lr = {k: float(v) for k, v in GENERIC_LR.items()}
            surfaces.append({"name": name, "label": "your formula in x and y", "lr": lr})
            continue
        fn = neuron_surface(NeuronSettings()) if name == NEURON else get_function(name)
        surfaces.append(
            {
                "name": name,
                "label": fn.label,
                "description": fn.description,
                "start": [float(v) for v in fn.start],
                "lr": {k: float(v) for k, v in fn.lr.items()},
            }
        )
    return {
        "version": __version__,
        "surfaces": surfaces,
        "optimizers": [
            {
                "name": name,
                "defaults": {
                    k: list(v) if isinstance(v, tuple) else v
                    for k, v in signature_defaults(name).items()
                },
                "main": [k for k in MAIN if k in signature_defaults(name)],
                "flags": [k for k in FLAGS if k in signature_defaults(name)],
            }
            for name in registered()
        ],
        "hyper": {
            k: {"kind": kind, "low": low, "high": high} for k, (kind, low, high) in HYPER.items()
        },
        "datasets": list(net.DATASETS),
        "activations": list(net.ACTIVATIONS),
        "neuron_activations": list(NEURON_ACTIVATIONS),
        "backprop": {"presets": presets(), "variables": list(BACKPROP_VARIABLES)},
        "palette": [c for c in PALETTE if c != "#000000"],
        "colormap": colours,
        "limits": {k: v for k, v in LIMITS.items() if isinstance(v, (int, float, tuple))},
    }


def meta(q: Query) -> dict[str, Any]:
    """``/api/meta``: the page's lists of functions, optimizers, colours and limits, and its
    messages in ``lang`` (``en`` or ``ja``; default ``en``)."""
    from kobai.i18n import LANGUAGES

    q.check_known(("lang",))
    lang = q.choice("lang", "en", LANGUAGES)
    return {**_meta(), "lang": lang, "messages": page_messages(lang)}


# The catalogue's areas the page speaks: its own, and the names of a run's status.
PAGE_AREAS = ("web.", "descent.status.", "descent.converged")


@functools.lru_cache(maxsize=2)
def page_messages(lang: str) -> dict[str, str]:
    """The playground's messages in ``lang``: ``{key: text}`` from :mod:`kobai.i18n`."""
    from kobai.i18n import MESSAGES, t

    return {k: t(k, lang=lang) for k in MESSAGES if k.startswith(PAGE_AREAS)}


def surface(q: Query) -> dict[str, Any]:
    """``/api/surface``: a loss surface sampled on a ``grid`` x ``grid`` lattice."""
    q.check_known((*SURFACE_PARAMS, "grid"))
    return _surface(SurfaceSettings.from_query(q), q.bounded("grid", 150, "grid"))


@functools.lru_cache(maxsize=16)
def _surface(settings: SurfaceSettings, n: int) -> dict[str, Any]:
    with ENGINE:
        return surface_payload(settings.function(), n)


def descend(q: Query) -> dict[str, Any]:
    """``/api/descend``: every optimizer's full path on the surface."""
    q.check_known(RACE_PARAMS)
    return run_race(RaceSettings.from_query(q))


def descend_stream(q: Query) -> Stream:
    """``/api/descend/stream``: the race's paths as server-sent events, frame by frame."""
    q.check_known((*RACE_PARAMS, *STREAM_PARAMS))
    settings = RaceSettings.from_query(q)
    first, last = check_window(q, settings.steps)
    fps, per_frame = _pace(q)
    race = run_race(settings)
    return Stream(race_frames(race, first, last, per_frame), fps)


def _pace(q: Query) -> tuple[int, int]:
    return q.bounded("fps", 30, "fps"), q.bounded("per_frame", 1, "per_frame")


CACHE = net.TrainerCache()


def network_stream(q: Query) -> Stream:
    """``/api/network/stream``: a network training live, a frame of decision regions per event."""
    q.check_known((*net.NETWORK_PARAMS, *STREAM_PARAMS, "history"))
    settings = net.NetworkSettings.from_query(q)
    most = LIMITS["network_steps"]
    first = q.integer("from", 0, 0, most)
    last = q.integer("to", most, 0, most)
    if last < first:
        raise bad("to_from", first=first, last=last)
    fps, per_frame = _pace(q)
    history = q.flag("history", False)
    return Stream(_network_events(settings, first, last, per_frame, history), fps)


def _network_events(
    settings: net.NetworkSettings, first: int, last: int, per_frame: int, history: bool
) -> Iterator[tuple[str, Any, bool]]:
    trainer = None
    try:
        trainer = net.trainer_at(settings, first, CACHE)
        with ENGINE:
            start = trainer.frame(list(trainer.losses) if history else [])
        yield "setup", trainer.setup(), False
        yield "frame", start, False
        trainer.snapshot()
        while trainer.step < last and trainer.stopped is None:
            losses = net.advance(trainer, min(per_frame, last - trainer.step))
            with ENGINE:
                frame = trainer.frame(losses)
            trainer.snapshot()
            yield "frame", frame, True
        yield "end", {"step": trainer.step, "stopped": trainer.stopped}, False
    finally:
        if trainer is not None:
            CACHE.put(trainer)


def python_code(q: Query) -> Text:
    """``/api/python``: the kobai script that reproduces the current view."""
    from kobai.web.pycode import network_code, race_code

    view = q.choice("view", "race", ("race", "network", "backprop"))
    if view == "backprop":
        q.check_known((*BACKPROP_PARAMS, "view"))
        return Text(backprop_code(BackpropSettings.from_query(q)))
    if view == "race":
        q.check_known((*RACE_PARAMS, "view"))
        return Text(race_code(RaceSettings.from_query(q)))
    q.check_known((*net.NETWORK_PARAMS, "view", "at"))
    settings = net.NetworkSettings.from_query(q)
    return Text(network_code(settings, q.integer("at", 100, 0, LIMITS["network_steps"])))


def backprop(q: Query) -> dict[str, Any]:
    """``/api/backprop``: a formula's graph, its backward step by step, and the check."""
    q.check_known(BACKPROP_PARAMS)
    settings = BackpropSettings.from_query(q)
    with ENGINE:
        return backprop_payload(settings)


ROUTES: dict[str, Callable[[Query], Any]] = {
    "/api/meta": meta,
    "/api/surface": surface,
    "/api/descend": descend,
    "/api/descend/stream": descend_stream,
    "/api/network/stream": network_stream,
    "/api/python": python_code,
    "/api/backprop": backprop,
}


def warm_up() -> None:
    """Import and compute what the first page load needs, so that it paints at once."""
    _meta()
    surface(Query.parse(""))
    descend(Query.parse(""))
