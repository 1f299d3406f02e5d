"""``kobai playground``: the real engine, live in the browser."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kobai.i18n import t


def add_parser(subparsers: Any) -> None:
    """Add ``kobai playground`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "playground",
        help="interactive playground in the browser: optimizers racing on surfaces, a tiny "
        "network training live",
        description=(
            "Start a local web server and open the playground: pick a surface (every 2-D test "
            "function, the single neuron's loss over (w, b), or your own formula), race any "
            "optimizers from a start you click, or train a small MLP on 2-D data live. kobai's "
            "own engine computes every step; the page only draws. Stop with Ctrl+C."
        ),
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1: this machine only; 0.0.0.0: every network)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (8765; 0 picks a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--verbose", action="store_true", help="log every request")


def run(args: argparse.Namespace) -> int:
    """Run ``kobai playground`` with the parsed ``args``; return the exit status (0)."""
    import threading
    import webbrowser

    from kobai.validation import check_int
    from kobai.web import make_server
    from kobai.web.routes import warm_up

    check_int("--port", args.port, low=0, high=65535)
    server = make_server(args.host, args.port, quiet=not args.verbose)
    warm_up()
    if not server.loopback:
        print(t("cli.playground.open", host=args.host), file=sys.stderr, flush=True)
    print(t("cli.playground.on", url=server.url), flush=True)
    if not args.no_browser:
        threading.Timer(0.3, webbrowser.open, args=(server.url,)).start()
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        server.server_close()
    return 0
