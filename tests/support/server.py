"""A real HTTP server on 127.0.0.1 whose routes a test sets: status, headers, body, delays."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    declared_length: int | None = None  # a Content-Length larger than the body: truncated
    etag: str | None = None  # send ETag (+ Cache-Control: max-age=0 unless the headers give
    # one); 304 on a matching If-None-Match
    last_modified: str | None = None  # send Last-Modified; 304 on that If-Modified-Since


class Site:
    """Routes by path; unknown paths are 404 (robots.txt included: everything allowed)."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path) or site.fallback(self.path) \
                    or Route(404, b"not found")
                if route.delay:
                    time.sleep(route.delay)
                status, body, headers = route.status, route.body, dict(route.headers)
                if route.etag is not None:
                    tag = f'"{route.etag}"'
                    headers["ETag"] = tag
                    headers.setdefault("Cache-Control", "max-age=0")
                    if tag in self.headers.get("If-None-Match", ""):
                        status, body = 304, b""
                if route.last_modified is not None:
                    headers["Last-Modified"] = route.last_modified
                    if self.headers.get("If-Modified-Since") == route.last_modified:
                        status, body = 304, b""
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    length = route.declared_length or len(body)
                    self.send_header("Content-Length", str(length))
                    if route.declared_length:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout, size limit)
                if route.declared_length:
                    self.close_connection = True

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fallback(self, path: str) -> "Route | None":
        """What a path no test routed answers (a 404 here)."""
        return None

    def route(self, path: str, body: bytes | str = b"", **options) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body=body, **options)
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SnapshotSite(Site):
    """A Site that answers `/<host>/<path>` as `speerpunt --snapshot` does, from the bundled
    snapshot, unless a test routes that path itself (a status, a delay, another page).
    Give it to a run with `-s SPEERPUNT_SNAPSHOT_DIR=... -s SPEERPUNT_SNAPSHOT=<its base>`."""

    def __init__(self, directory):
        super().__init__()
        self.directory = directory

    def page(self, host: str, path: str) -> bytes:
        from pipeline.crawl.snapshot import folder

        root = folder(self.directory, host)
        rest = path.strip("/")
        for candidate in ((root / rest).with_name((root / rest).name + ".html") if rest else None,
                          root / rest / "index.html", root / rest):
            if candidate is not None and candidate.is_file():
                return candidate.read_bytes()
        raise FileNotFoundError(f"{host}{path}")

    def fallback(self, path: str):
        """The snapshot's file for /<host>/<path>, or None."""
        host, _, rest = path.lstrip("/").partition("/")
        try:
            body = self.page(host, "/" + rest.split("?")[0])
        except (FileNotFoundError, TypeError):
            return None
        kind = "text/plain" if rest.endswith(".txt") else "text/html; charset=utf-8"
        return Route(body=body, headers={"Content-Type": kind})
