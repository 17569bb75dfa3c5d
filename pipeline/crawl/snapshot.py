"""Serves the bundled snapshot of the site over HTTP on 127.0.0.1 inside the process.

A snapshot crawl then takes the same code path as a live one: real requests,
robots.txt, headers, redirects. Pages are stored as `<path>.html`.
"""

import contextlib
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "spiders" / "snapshot"
PAGE_PATH = "/en/business-environment/cluster-policy"


class SnapshotHandler(SimpleHTTPRequestHandler):
    """Static files where '/a/b' is served from 'a/b.html'; no directory listings."""

    def translate_path(self, path):
        local = Path(super().translate_path(path))
        if not local.is_file() and local.with_name(local.name + ".html").is_file():
            return str(local.with_name(local.name + ".html"))
        return str(local) if local.is_file() else str(local / "missing")

    def log_message(self, format, *args):
        """Quiet: the crawl's own log says what was fetched."""


@contextlib.contextmanager
def serve(directory: Path = SNAPSHOT_DIR):
    """Yield the base URL ('http://127.0.0.1:PORT') of a server for directory."""
    handler = partial(SnapshotHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll interval: shutdown() waits for the loop to notice (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
