"""The built site served on loopback as a web host would: with gzip when asked.

The reader section of ``make bench`` (:mod:`.reader_bench`) and the browser
tests open the site through it. It is Starlette's static files and gzip
middleware under uvicorn, which ``make live`` (sphinx-autobuild) already
installs; it runs in a thread of the calling process, on a free port.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOOPBACK = "127.0.0.1"


def site_app(directory: Path):
    """An ASGI app serving ``directory``: ``index.html`` for a folder, gzip when the client accepts it."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    return Starlette(
        routes=[Mount("/", StaticFiles(directory=directory, html=True))],
        middleware=[Middleware(GZipMiddleware)],
    )


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yield the site's address, ending in ``/``."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    config = uvicorn.Config(site_app(directory), log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"serve {directory.name}",
                              daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the server for {directory} did not start")
            thread.join(timeout=0.05)
        yield f"http://{LOOPBACK}:{sock.getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
