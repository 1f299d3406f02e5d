"""The playground's HTTP server: the standard library's threading server, kept strict.

- One thread per connection, with a ceiling on connections and on event streams, socket
  timeouts and bounded work per request, so a slow or hostile client cannot stall others.
- Only ``GET`` and ``HEAD``; only the whitelisted assets of :mod:`kobai.web.assets` and the
  routes of :data:`ROUTES`; nothing from a request ever reaches the file system.
- Answers are JSON written with ``allow_nan=False`` (a NaN is a bug, never a payload), plain
  text, or server-sent events.
- Requests whose ``Host`` (or ``Origin``, when sent) names another machine are refused, so a
  web page elsewhere cannot reach the server by DNS rebinding: on a loopback address only
  loopback names pass; on another address (``--host 0.0.0.0``) also this machine's own names
  and addresses.
- The listen backlog matches the connection ceiling, so a burst of connections waits in the
  kernel's queue instead of on TCP retries; a stream stops computing as soon as its client
  has gone.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from kobai.i18n import Message
from kobai.web.assets import asset
from kobai.web.params import LIMITS, BadRequest, Query, answer_language
from kobai.web.routes import ROUTES, Stream, Text

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# A client that went away (closed the page, paused a stream) or stopped reading for too long.
CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class PlaygroundServer(ThreadingHTTPServer):
    """A threading HTTP server with a ceiling on simultaneous connections and streams.

    Parameters
    ----------
    address : (host, port)
        Port 0 picks a free port (read it back from ``server_address``).
    max_connections : int, default 64
        Connections beyond this are answered 503 at once, without a thread.
    max_streams : int, default 8
        Event streams running at the same time.
    quiet : bool, default True
        Do not log every request on standard error.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        max_connections: int = 64,
        max_streams: int = 8,
        quiet: bool = True,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.request_queue_size = max_connections
        super().__init__(address, PlaygroundHandler)
        self.connections = threading.BoundedSemaphore(max_connections)
        self.streams = threading.BoundedSemaphore(max_streams)
        self.quiet = quiet
        host = address[0]
        self.loopback = host in LOOPBACK
        self.allowed_hosts = LOOPBACK if self.loopback else (*LOOPBACK, *own_names(host))

    @property
    def url(self) -> str:
        """The address to open in a browser, ``http://host:port/``."""
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = primary_address() if host in ("", "0.0.0.0", "::") else host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.connections.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self.connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()


def own_names(host: str) -> tuple[str, ...]:
    """The names and addresses by which this machine may be reached on ``host``."""
    names = {host, socket.gethostname(), socket.getfqdn(), primary_address()}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            names.add(str(info[4][0]))
    except OSError:
        pass
    return tuple(sorted(n.lower() for n in names if n and n not in ("0.0.0.0", "::")))


def primary_address() -> str:
    """The address other machines reach this one by (the route's source address; no packet
    is sent), or 127.0.0.1 where there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _host_name(value: str) -> str:
    """The host of a ``Host`` header (``name:port``, ``[v6]:port``) or an ``Origin`` URL."""
    if "://" in value:
        return (urlsplit(value).hostname or "").lower()
    if value.startswith("["):
        return value[1:].split("]")[0].lower()
    return value.rsplit(":", 1)[0].lower()


def _refuse(request: socket.socket) -> None:
    body = b'{"error":"too many connections, try again"}'
    head = (
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    try:
        request.settimeout(1.0)
        request.sendall(head.encode("ascii") + body)
    except OSError:
        pass


class PlaygroundHandler(BaseHTTPRequestHandler):
    """Routes one request: an asset, a JSON answer, plain text or an event stream."""

    server: PlaygroundServer
    protocol_version = "HTTP/1.1"
    server_version = "kobai-playground"
    sys_version = ""
    timeout = 20  # seconds a socket may stay silent (reading) or blocked (writing)
    # Headers and body go out in separate writes: without this, Nagle's algorithm and delayed
    # acknowledgements hold every answer back by about 40 ms.
    disable_nagle_algorithm = True

    # -- entry points ---------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        """Answer a GET request."""
        self.respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        """Answer a HEAD request (headers only)."""
        self.respond(head=True)

    def not_allowed(self) -> None:
        """Answer 405 to any method but GET and HEAD."""
        refusal = self.error_answer("method", method=self.command)
        self.send_json(405, refusal, {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = not_allowed  # noqa: N815

    # -- routing --------------------------------------------------------------------------
    def respond(self, *, head: bool) -> None:
        """Route the request; a bad request gets 400, an error 500, a closed client nothing."""
        self.head_only = head
        try:
            self.route()
        except BadRequest as exc:
            self.send_json(400, {"error": exc.text(self.answer_language())})
        except CLIENT_GONE:
            self.close_connection = True
        except Exception:
            self.log_error("%s", traceback.format_exc())
            try:
                self.send_json(500, self.error_answer("internal"))
            except CLIENT_GONE:
                self.close_connection = True

    def route(self) -> None:
        """Send a static asset, or the answer of the API endpoint the path names (404 otherwise)."""
        if len(self.path) > LIMITS["url_length"]:
            self.send_json(414, self.error_answer("url_length", limit=LIMITS["url_length"]))
            return
        if not self.host_allowed():
            self.send_json(403, self.error_answer("host"))
            return
        url = urlsplit(self.path)
        found = asset(url.path)
        if found is not None:
            self.send_asset(*found)
            return
        endpoint: Callable[[Query], Any] | None = ROUTES.get(url.path)
        if endpoint is None:
            self.send_json(404, self.error_answer("not_found"))
            return
        result = endpoint(Query.parse(url.query))
        if isinstance(result, Stream):
            self.send_stream(result)
        elif isinstance(result, Text):
            self.send_body(200, result.content_type, result.body.encode("utf-8"))
        else:
            self.send_json(200, result)

    def error_answer(self, key: str, **fields: Any) -> dict[str, str]:
        """The answer ``{"error": ...}`` of the catalogue's ``request.<key>``, in the request's
        language."""
        return {"error": Message(f"request.{key}", fields).text(self.answer_language())}

    def answer_language(self) -> str:
        """The language of an error answer (:func:`kobai.web.params.answer_language`)."""
        return answer_language(urlsplit(self.path).query)

    def host_allowed(self) -> bool:
        """Whether the Host header names a loopback address (any host when served beyond it)."""
        allowed = self.server.allowed_hosts
        if _host_name(self.headers.get("Host", "")) not in allowed:
            return False
        origin = self.headers.get("Origin")
        return origin is None or _host_name(origin) in allowed

    def client_gone(self) -> bool:
        """True once the client has closed its end (an abandoned stream stops computing)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    # -- answers --------------------------------------------------------------------------
    def send_asset(self, body: bytes, content_type: str, etag: str) -> None:
        """Send a static file, or 304 when the page's copy (``etag``) is current."""
        if self.headers.get("If-None-Match") == etag:
            self.send_body(304, content_type, b"", {"ETag": etag})
            return
        self.send_body(200, content_type, body, {"ETag": etag, "Cache-Control": "no-cache"})

    def send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        """Send ``payload`` as compact JSON with ``status``."""
        body = json.dumps(payload, allow_nan=False, separators=(",", ":")).encode("utf-8")
        self.send_body(status, "application/json", body, extra)

    def send_body(
        self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        """Send ``body`` with the status, type, security headers and ``extra`` headers."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status >= 400:
            self.close_connection = True
            self.send_header("Connection", "close")
        for key, value in {**SECURITY_HEADERS, **(extra or {})}.items():
            self.send_header(key, value)
        if "Cache-Control" not in (extra or {}):
            self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not getattr(self, "head_only", False) and status != 304:
            self.wfile.write(body)

    def send_stream(self, stream: Stream) -> None:
        """Send server-sent events (503 when too many streams are live)."""
        if not self.server.streams.acquire(blocking=False):
            stream.close()
            self.send_json(503, self.error_answer("streams"), {"Retry-After": "1"})
            return
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            for key, value in SECURITY_HEADERS.items():
                self.send_header(key, value)
            self.end_headers()
            self.close_connection = True
            if not self.head_only:
                self.write_events(stream)
        finally:
            stream.close()
            self.server.streams.release()

    def write_events(self, stream: Stream) -> None:
        """Write the stream's events, paced to its ``fps``, until it ends or times out."""
        interval = 1.0 / stream.fps if stream.fps > 0 else 0.0
        deadline = time.monotonic() + stream.max_seconds
        next_at = time.monotonic()
        try:
            for name, payload, paced in stream.events:
                if self.client_gone():
                    break
                if paced and interval:
                    next_at = max(next_at + interval, time.monotonic())
                    time.sleep(max(0.0, next_at - time.monotonic()))
                data = json.dumps(payload, allow_nan=False, separators=(",", ":"))
                self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
                self.wfile.flush()
                if time.monotonic() > deadline:
                    break
        except CLIENT_GONE:
            pass  # the page closed the stream (pause, reset, another setting): nothing to do
        except Exception:
            # The headers are sent: say so in the stream's own terms, then end it.
            self.log_error("%s", traceback.format_exc())
            try:
                failed = json.dumps(self.error_answer("internal"), separators=(",", ":"))
                self.wfile.write(f"event: failed\ndata: {failed}\n\n".encode())
            except OSError:
                pass

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002
        if format.startswith("Request timed out"):
            return  # an idle keep-alive connection closing: routine, not an error
        sys.stderr.write(f"kobai playground: {format % args}\n")


def make_server(
    host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True, **limits: int
) -> PlaygroundServer:
    """Build (but do not start) a playground server; ``port=0`` picks a free port.

    Examples
    --------
    >>> server = make_server(port=0)
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.server_close()
    """
    return PlaygroundServer((host, port), quiet=quiet, **limits)
