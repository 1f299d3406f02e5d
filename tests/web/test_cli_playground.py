"""``kobai playground`` as a user starts it."""

import signal
import subprocess
import sys
import time
import urllib.request
import webbrowser

import pytest

from kobai.cli.main import main
from kobai.web.server import PlaygroundServer


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["playground", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--no-browser"):
        assert option in out


def test_the_command_serves_the_page_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kobai", "playground", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("kobai playground on http://127.0.0.1:"), line
        url = line.split()[3]
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200 and b"kobai playground" in page.read()
        with urllib.request.urlopen(url + "api/descend?steps=5", timeout=10) as answer:
            assert b'"steps":5' in answer.read()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 130 and "interrupted" in err


def test_a_bad_port_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playground", "--no-browser", "--port", "70000"]) == 2
    assert capsys.readouterr().err.strip() == (
        "kobai playground: error: --port must be an integer in [0, 65535], got 70000"
    )


def test_without_no_browser_the_page_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)

    def serve_briefly(self: PlaygroundServer, poll_interval: float = 0.5) -> None:
        time.sleep(1.0)
        raise KeyboardInterrupt

    monkeypatch.setattr(PlaygroundServer, "serve_forever", serve_briefly)
    assert main(["playground", "--port", "0"]) == 130
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:")


def test_every_interface_is_a_loud_warning_and_the_real_address(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kobai.web import routes
    from kobai.web.server import primary_address

    monkeypatch.setattr(routes, "warm_up", lambda: None)
    monkeypatch.setattr(PlaygroundServer, "serve_forever", lambda self, poll_interval=0.5: None)
    assert main(["playground", "--host", "0.0.0.0", "--port", "0", "--no-browser"]) == 0
    captured = capsys.readouterr()
    assert "WARNING: listening on 0.0.0.0, reachable by every machine" in captured.err
    assert captured.out.startswith(f"kobai playground on http://{primary_address()}:")
