"""`--snapshot [DIR]`: a saved copy of every site, served on 127.0.0.1, crawled as the live sites.

DIR is laid out as `<host>/<path>`. A local HTTP server answers `/<host>/<path>` from
`DIR/<host>/<path>.html`, else `DIR/<host>/<path>/index.html`, else `DIR/<host>/<path>`
as is (robots.txt, sitemap.xml); `www.<host>` falls back to the folder `<host>`. The
spiders crawl the real URLs: in snapshot runs Scrapy's HTTP download handler is
replaced by one that sends each request, over real HTTP, to that server and gives the
response back under the URL asked, so robots.txt, headers, redirects and the records'
URLs are those of a live crawl. A host with no folder refuses the connection, as an
unreachable host does. The add-on Snapshot does all this for any crawl given
`-s SPEERPUNT_SNAPSHOT_DIR=DIR` (`speerpunt --snapshot`, or a replay under Scrapyd).
"""

import contextlib
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import DownloadConnectionRefusedError
from scrapy.settings import SETTINGS_PRIORITIES

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "spiders" / "snapshot"


def folder(directory: Path, host: str) -> Path | None:
    """The folder of host in directory (www.HOST falls back to HOST), or None."""
    for name in (host, host.removeprefix("www.")):
        if name and "/" not in name and name not in (".", "..") and (directory / name).is_dir():
            return directory / name
    return None


def hosts(directory: Path) -> list[str]:
    """Every host the snapshot answers for, www. variants included."""
    names = sorted(path.name for path in directory.iterdir()
                   if path.is_dir() and not path.name.startswith(("_", ".")))
    return [name for host in names for name in (host, f"www.{host}")]


class SnapshotHandler(SimpleHTTPRequestHandler):
    """`/<host>/<path>` from the host's folder; no directory listings."""

    def translate_path(self, path):
        host, _, rest = unquote(urlsplit(path).path).lstrip("/").partition("/")
        root = folder(Path(self.directory), host)
        if root is None:
            return str(Path(self.directory) / "missing")
        rest = rest.rstrip("/")
        local = (root / rest).resolve()
        if not local.is_relative_to(root.resolve()):
            return str(root / "missing")
        for candidate in (local.with_name(local.name + ".html") if rest else None,
                          local / "index.html", local):
            if candidate is not None and candidate.is_file():
                return str(candidate)
        return str(root / "missing")

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


CMDLINE = SETTINGS_PRIORITIES["cmdline"]
_servers: dict[Path, contextlib.AbstractContextManager] = {}
_bases: dict[Path, str] = {}
# Politeness is for the live sites: a local copy is read at once, and never cached.
QUICK = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "HTTPCACHE_ENABLED": False,
         "RETRY_ENABLED": False}


def base_url(directory: Path) -> str:
    """The URL of the one server of directory in this process, started when first asked."""
    directory = directory.resolve()
    if directory not in _bases:
        _servers[directory] = serve(directory)
        _bases[directory] = _servers[directory].__enter__()
    return _bases[directory]


class Snapshot:
    """Scrapy add-on: with SPEERPUNT_SNAPSHOT_DIR set, every request is answered from it."""

    def update_settings(self, settings) -> None:
        given = settings.get("SPEERPUNT_SNAPSHOT_DIR")
        if not given:
            return
        directory = Path(given)
        handler = "pipeline.crawl.snapshot.SnapshotDownloadHandler"
        chosen = {"DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
                  "SPEERPUNT_SNAPSHOT_HOSTS": hosts(directory), **QUICK}
        if not settings.get("SPEERPUNT_SNAPSHOT"):  # else a server of its own serves the copy
            chosen["SPEERPUNT_SNAPSHOT"] = base_url(directory)
        for name, value in chosen.items():  # over the project's settings, under `-s`
            if settings.getpriority(name) is None or settings.getpriority(name) < CMDLINE:
                settings.set(name, value, priority="cmdline")


class SnapshotDownloadHandler(HTTP11DownloadHandler):
    """https://HOST/a/b fetched, over HTTP, as SNAPSHOT/HOST/a/b; the response keeps the URL
    asked. A host the snapshot has no folder for refuses the connection."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.base = crawler.settings["SPEERPUNT_SNAPSHOT"]
        self.known = set(crawler.settings.getlist("SPEERPUNT_SNAPSHOT_HOSTS"))

    async def download_request(self, request):
        parts = urlsplit(request.url)
        if parts.hostname not in self.known:
            raise DownloadConnectionRefusedError(f"{parts.hostname} is not in the snapshot")
        local = f"{self.base}/{parts.hostname}{parts.path or '/'}"
        if parts.query:
            local += f"?{parts.query}"
        response = await super().download_request(request.replace(url=local))
        return response.replace(url=request.url, request=request)
