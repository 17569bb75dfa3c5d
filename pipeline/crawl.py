"""Running the `clusters` spider in-process and turning what went wrong into one line.

`scrapy crawl` exits 0 whatever happened; `speerpunt` runs the same spider
through CrawlerProcess and reads the verdict CollectPipeline left behind.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from pipeline.normalise import replaced_reference

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
SNAPSHOT_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "HTTPCACHE_ENABLED": False,
    "RETRY_ENABLED": False,
}


@dataclass
class CrawlResult:
    """What one crawl produced: records when it passed, else the reason it failed."""

    records: list[dict] | None
    failure: str | None
    stats: dict = field(default_factory=dict)


def describe_failure(failure, allowed_host: str) -> str:
    """One line naming what went wrong with a request, and where."""
    error = failure.value
    url = failure.request.url if getattr(failure, "request", None) else "?"
    if isinstance(error, HttpError):
        response = error.response
        line = f"HTTP {response.status} from {response.url}"
        retries = response.request.meta.get("retry_times") if response.request else None
        if retries:
            line += f" (after {retries} {'retry' if retries == 1 else 'retries'})"
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            line += f"; the server asks to retry after {retry_after.decode('latin-1')}"
        return line
    if isinstance(error, IgnoreRequest):
        reason = str(error)
        if "robots.txt" in reason:
            return f"robots.txt of {urlparse(url).netloc} forbids crawling {url}"
        if "offsite" in reason:
            return f"refused to leave {allowed_host}: redirected to {url}"
        if "redirections" in reason:
            return f"redirect loop: more than the allowed redirects from {url}"
        return f"request to {url} ignored: {reason}"
    if isinstance(error, DownloadConnectionRefusedError | ConnectionRefusedError):
        return f"connection refused by {urlparse(url).netloc} for {url}"
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return f"timed out waiting for {url}"
    if isinstance(error, CannotResolveHostError):
        return f"cannot resolve the host of {url}"
    if isinstance(error, DownloadCancelledError):
        return f"download of {url} cancelled: {error}"
    if isinstance(error, ResponseDataLossError):
        return f"connection closed before the whole page arrived from {url}"
    return f"{type(error).__name__} fetching {url}: {error}".strip()


def page_problem(response) -> str | None:
    """Why a 200 response is not a cluster page we can trust, or None."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    if not isinstance(response, HtmlResponse):
        return f"{response.url} is not an HTML page (Content-Type: {content_type or 'none'})"
    declared = response.encoding.lower().replace("_", "-")
    if declared not in ("utf-8", "utf8") and _is_utf8_text(response.body):
        named = _CHARSET.search(content_type)  # as sent: Scrapy reports iso-8859-1 as cp1252
        return (f"{response.url} declares charset {named.group(1) if named else declared} "
                f"but its bytes are UTF-8; refusing to publish mis-decoded text")
    if "\ufffd" in response.text:
        return f"{response.url} has bytes that are not valid {response.encoding}"
    reference = replaced_reference(response.text)
    if reference:
        return f"{response.url} has {reference}, a character reference to no character"
    return None


def _is_utf8_text(body: bytes) -> bool:
    """Bytes that decode as UTF-8 and hold non-ASCII characters."""
    try:
        return not body.decode("utf-8").isascii()
    except UnicodeDecodeError:
        return False


class OutputCache:
    """Scrapy add-on: the HTTP cache in SPEERPUNT_OUTPUT/.cache/http as an absolute path,
    so it works where no scrapy.cfg names a project data directory (Scrapyd)."""

    def update_settings(self, settings) -> None:
        cache = Path(settings["SPEERPUNT_OUTPUT"]).absolute() / ".cache" / "http"
        settings.set("HTTPCACHE_DIR", str(cache), priority="addon")


def ending(reason: str | None, settings) -> str | None:
    """Why a crawl closed for `reason` must not be published; None when it finished."""
    if reason == "finished":
        return None
    if reason == "closespider_timeout":
        return (f"the crawl passed its deadline of {settings.getfloat('CLOSESPIDER_TIMEOUT'):g} s "
                "(raise it with -s CLOSESPIDER_TIMEOUT=SECONDS)")
    return f"the crawl ended before it finished ({reason})"


def _stop_threads() -> None:
    """An interrupted crawl stops the reactor without its shutdown (pipeline/interrupt.py):
    stop its thread pool, whose threads would otherwise keep the process alive."""
    from twisted.internet import reactor

    pool = getattr(reactor, "threadpool", None)
    if pool is not None and pool.started:
        pool.stop()


def run_crawl(url: str | None, settings: dict | None = None, verbose: bool = False) -> CrawlResult:
    """Crawl one cluster page in this process; never publishes anything itself.

    Scrapy's signal handlers are not installed: pipeline/interrupt.py handles the
    signals, so an interrupted crawl is never taken for a finished one.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from spiders.clusters import ClustersSpider

    merged = Settings()
    merged.setmodule("pipeline.settings", priority="project")
    merged.update({"LOG_ENABLED": verbose, "LOG_INSTALL_ROOT_HANDLER": verbose,
                   **(settings or {}), "SPEERPUNT_PUBLISH": False}, priority="cmdline")
    process = CrawlerProcess(merged)
    crawler = process.create_crawler(ClustersSpider)
    process.crawl(crawler, url=url)
    process.start(install_signal_handlers=False)
    _stop_threads()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    collected = getattr(crawler, "collected", None)
    if collected is None:
        return CrawlResult(None, "the crawl did not start (see the log with --verbose)", stats)
    if collected.failure is None and collected.records is None:
        return CrawlResult(None, f"the crawl ended early ({stats.get('finish_reason')})", stats)
    return CrawlResult(collected.records, collected.failure, stats)
