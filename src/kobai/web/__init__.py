"""The playground: kobai's engine live in the browser (``kobai playground``)."""

from kobai.web.server import PlaygroundServer, make_server

__all__ = ["PlaygroundServer", "make_server"]
