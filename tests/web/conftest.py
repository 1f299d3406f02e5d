"""A playground server in a thread of the test process, and small HTTP helpers around it."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from kobai.web import PlaygroundServer, make_server


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return strict_json(self.body)


def strict_json(body: bytes | str) -> Any:
    """Parse JSON as a browser does: NaN and Infinity are errors."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} in JSON")

    return json.loads(body, parse_constant=refuse)


class Client:
    """Raw HTTP/1.1 requests: paths go out exactly as written (no normalisation)."""

    def __init__(self, server: PlaygroundServer) -> None:
        self.host, self.port = server.server_address[:2]

    def request(
        self, path: str, *, method: str = "GET", headers: dict[str, str] | None = None
    ) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=headers is not None and "Host" in headers)
            for key, value in (headers or {}).items():
                conn.putheader(key, value)
            conn.endheaders()
            response = conn.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            conn.close()

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request(path, **kwargs)

    def events(self, path: str) -> list[tuple[str, Any]]:
        """The server-sent events of a stream, read to its end."""
        answer = self.get(path)
        assert answer.status == 200, answer.body
        assert answer.headers["Content-Type"] == "text/event-stream"
        return parse_events(answer.body.decode())


def parse_events(text: str) -> list[tuple[str, Any]]:
    out = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], strict_json(lines["data"])))
    return out


def serve(server: PlaygroundServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    return thread


@pytest.fixture(scope="session")
def server() -> Iterator[PlaygroundServer]:
    srv = make_server("127.0.0.1", 0)
    serve(srv)
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="session")
def client(server: PlaygroundServer) -> Client:
    return Client(server)
