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
    etag: str | None = None  # send ETag + Cache-Control: max-age=0; 304 on a matching If-None-Match


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
                route = site.routes.get(self.path, Route(404, b"not found"))
                if route.delay:
                    time.sleep(route.delay)
                status, body, headers = route.status, route.body, dict(route.headers)
                if route.etag is not None:
                    tag = f'"{route.etag}"'
                    headers.update({"ETag": tag, "Cache-Control": "max-age=0"})
                    if tag in self.headers.get("If-None-Match", ""):
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
