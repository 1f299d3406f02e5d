"""Every parameter checked on every request, the binding, the backlog, abandoned streams."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from kobai.web import make_server
from kobai.web.routes import ROUTES, Stream
from kobai.web.server import primary_address

from .conftest import Client, serve


@pytest.mark.parametrize(
    "query",
    ["noise=abc", "seed=-1", "w=nan", "b=inf", "activation=nosuch", "samples=5", "expr=x%3By"],
)
@pytest.mark.parametrize("route", ["/api/surface", "/api/descend"])
def test_parameters_of_another_surface_are_still_checked(
    client: Client, route: str, query: str
) -> None:
    answer = client.get(f"{route}?surface=rosenbrock&{query}")
    assert answer.status == 400, answer.body
    assert query.split("=")[0] in answer.json()["error"]


def test_parameters_of_another_surface_do_not_change_this_one(client: Client) -> None:
    plain = client.get("/api/surface?surface=rosenbrock&grid=16")
    other = client.get("/api/surface?surface=rosenbrock&grid=16&noise=0.5&w=1")
    assert plain.status == other.status == 200 and plain.body == other.body


def test_the_backlog_matches_the_connection_ceiling() -> None:
    server = make_server("127.0.0.1", 0, max_connections=48)
    try:
        assert server.request_queue_size == 48
    finally:
        server.server_close()


def test_every_interface_keeps_a_host_and_origin_check() -> None:
    server = make_server("0.0.0.0", 0)
    serve(server)
    port = server.server_address[1]
    client = Client(server)
    client.host = "127.0.0.1"
    try:
        assert not server.loopback
        real = primary_address()
        assert server.url == f"http://{real}:{port}/"
        assert client.get("/api/meta", headers={"Host": f"127.0.0.1:{port}"}).status == 200
        assert client.get("/api/meta", headers={"Host": f"{real}:{port}"}).status == 200
        assert client.get("/api/meta", headers={"Host": "evil.example"}).status == 403
        foreign = {"Host": f"{real}:{port}", "Origin": "http://evil.example"}
        assert client.get("/api/meta", headers=foreign).status == 403
    finally:
        server.shutdown()
        server.server_close()


def test_a_foreign_origin_is_refused_on_loopback(client: Client) -> None:
    own = {"Host": "127.0.0.1", "Origin": f"http://127.0.0.1:{client.port}"}
    assert client.get("/api/meta", headers=own).status == 200
    rebinding = {"Host": "127.0.0.1", "Origin": "http://attacker.example"}
    answer = client.get("/api/meta", headers=rebinding)
    assert answer.status == 403 and "Origin" in answer.json()["error"]


def test_an_abandoned_stream_stops_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    made, closed = [], threading.Event()

    def slow_events() -> Iterator[tuple[str, Any, bool]]:
        try:
            while True:
                time.sleep(0.01)  # a step of work
                made.append(1)
                yield "step", {"n": len(made)}, True
        finally:
            closed.set()

    monkeypatch.setitem(ROUTES, "/api/test/stream", lambda q: Stream(slow_events(), fps=10))
    server = make_server("127.0.0.1", 0)
    serve(server)
    try:
        sock = socket.create_connection(server.server_address[:2])
        sock.sendall(b"GET /api/test/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(15) == b"HTTP/1.1 200 OK"
        time.sleep(0.3)
        sock.close()
        assert closed.wait(2.0), "the stream kept computing after its client left"
        count = len(made)
        time.sleep(0.3)
        assert len(made) == count
    finally:
        server.shutdown()
        server.server_close()
