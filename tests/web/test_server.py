"""The server itself: the whitelist of assets, hostile paths, methods, hosts, slow clients."""

import socket
import threading
import time

import pytest

from kobai.web import make_server
from kobai.web.assets import ASSETS

from .conftest import Client, serve

TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/../../../../etc/passwd",
    "//etc/passwd",
    "/static/app.js/../../../etc/passwd",
    "/static/app.js%00.py",
    "/static/..%2fserver.py",
    "/static/server.py",
    "/static/../server.py",
    "/api/../static/app.js",
    "/static/",
    "/static",
    "/index.html",
    "/api/meta/../../etc/passwd",
    "/%2fetc%2fpasswd",
    "/static/app.js?../../etc/passwd",
]


def test_the_page_and_its_assets_come_from_the_package(client: Client) -> None:
    page = client.get("/")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b'<script type="module" src="/static/app.js">' in page.body
    for path, (_, content_type) in ASSETS.items():
        answer = client.get(path)
        assert answer.status == 200, path
        assert answer.headers["Content-Type"] == content_type
        assert len(answer.body) > 100, path
    # Nothing on the page comes from elsewhere: every src/href is a local path.
    for asset in ("/", "/static/app.js", "/static/style.css"):
        text = client.get(asset).body.decode()
        assert "http://" not in text and "https://" not in text, asset


def test_the_japanese_web_font_comes_from_the_ja_extra(client: Client) -> None:
    import importlib.util

    answer = client.get("/static/ipaexg.ttf")
    if importlib.util.find_spec("matplotlib_fontja") is None:
        assert answer.status == 404  # without kobai[ja], the page falls back on installed fonts
        return
    assert answer.status == 200 and answer.headers["Content-Type"] == "font/ttf"
    assert answer.body[:4] == b"\x00\x01\x00\x00" and len(answer.body) > 1_000_000  # TrueType
    css = client.get("/static/style.css").body.decode()
    assert 'src: url("/static/ipaexg.ttf")' in css and "unicode-range: U+3000-30FF" in css


def test_answers_carry_security_headers_and_etags(client: Client) -> None:
    page = client.get("/static/app.js")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get("/static/app.js", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_reaches_the_file_system(client: Client, path: str) -> None:
    answer = client.get(path)
    if path == "/static/app.js?../../etc/passwd":  # a query string on a whitelisted asset
        assert answer.status == 200 and answer.body == client.get("/static/app.js").body
        return
    assert answer.status == 404, path
    assert b"root:" not in answer.body and b"import" not in answer.body
    assert answer.json() == {"error": "not found"}


def test_only_get_and_head_are_allowed(client: Client) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        answer = client.request("/api/meta", method=method)
        assert answer.status == 405 and answer.headers["Allow"] == "GET, HEAD"
    head = client.request("/static/app.js", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 100


def test_foreign_host_headers_are_refused_on_loopback(client: Client) -> None:
    # A page elsewhere that rebinds its DNS name to 127.0.0.1 still sends its own Host.
    assert client.get("/api/meta", headers={"Host": "evil.example:80"}).status == 403
    assert client.get("/api/meta", headers={"Host": "localhost:1234"}).status == 200
    assert client.get("/api/meta", headers={"Host": "[::1]:1234"}).status == 200


def test_overlong_urls_are_refused(client: Client) -> None:
    assert client.get("/api/descend?steps=" + "1" * 5000).status == 414


def test_unknown_routes_and_parameters_are_clear_errors(client: Client) -> None:
    assert client.get("/api/nothing").status == 404
    answer = client.get("/api/meta?x=1")
    assert answer.status == 400 and "unknown parameter(s) x" in answer.json()["error"]


def test_a_client_that_never_finishes_its_request_does_not_stall_others(client: Client) -> None:
    slow = socket.create_connection((client.host, client.port))
    try:
        slow.sendall(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # ... and nothing more
        began = time.perf_counter()
        for _ in range(5):
            assert client.get("/api/meta").status == 200
        assert time.perf_counter() - began < 5.0
    finally:
        slow.close()


def test_a_stream_nobody_reads_does_not_stall_others(client: Client) -> None:
    idle = socket.create_connection((client.host, client.port))
    try:
        idle.sendall(
            b"GET /api/network/stream?fps=60&per_frame=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        time.sleep(0.3)
        began = time.perf_counter()
        assert client.get("/api/descend?steps=20").status == 200
        assert client.get("/static/app.js").status == 200
        assert time.perf_counter() - began < 5.0
    finally:
        idle.close()


def test_connections_and_streams_beyond_the_ceilings_get_503() -> None:
    server = make_server("127.0.0.1", 0, max_connections=2, max_streams=1)
    serve(server)
    client = Client(server)
    held = []
    try:
        stream = socket.create_connection((client.host, client.port))
        held.append(stream)
        stream.sendall(
            b"GET /api/network/stream?fps=1&per_frame=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        assert stream.recv(15) == b"HTTP/1.1 200 OK"
        second = client.get("/api/network/stream?fps=1&to=1")
        assert second.status == 503 and "too many live streams" in second.json()["error"]
        idle = socket.create_connection((client.host, client.port))
        held.append(idle)
        for _ in range(400):  # until the server has taken the idle connection in (slow machines)
            refused = client.get("/api/meta")
            if refused.status == 503:
                break
            time.sleep(0.05)
        assert refused.status == 503 and refused.headers["Retry-After"] == "1"
    finally:
        for sock in held:
            sock.close()
        server.shutdown()
        server.server_close()


def test_many_clients_at_once_all_get_their_answers(client: Client) -> None:
    results: list[int] = []

    def ask(i: int) -> None:
        results.append(client.get(f"/api/descend?steps={10 + i}&opt=adam,lr=0.1").status)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * 12


def test_unknown_paths_do_not_grow_the_asset_cache(client: Client) -> None:
    from kobai.web import assets

    for path in ASSETS:
        assert assets.asset(path) is not None
    cached = assets._static_file.cache_info().currsize
    assert cached == len(set(name for name, _ in ASSETS.values()))
    for i in range(1000):
        assert assets.asset(f"/no/such/{i}") is None
    assert assets._static_file.cache_info().currsize == cached
    assert client.get("/no/such/path").status == 404
    assert assets._static_file.cache_info().currsize == cached
