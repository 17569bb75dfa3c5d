"""The base of every speerpunt spider: one source of the registry, failures as one line.

A spider declares which source it harvests (`source_key`, a key of
pipeline/sources.json); the registry gives its live start URL and the hosts its
records may name. `-a url=URL` crawls another copy (a mirror, a local server);
only http(s) URLs are crawled. The first reason a crawl must not be published is
kept by fail(); the collector (pipeline/crawl/collect.py) closes the spider with
it as its close reason, `refused: <reason>`.
"""

from typing import ClassVar
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy import signals

from pipeline.sources import Source, source
from pipeline.text import without_credentials
from spiders.checks import describe_failure


class BaseSpider(scrapy.Spider):
    """A spider for one source; subclasses declare source_key and parse its pages."""

    source_key: ClassVar[str] = ""

    def __init__(self, url: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.source: Source = source(self.source_key)
        self.failure: str | None = None
        self.auth: dict = {}  # HTTP Basic credentials given in the URL, for its host only
        self.start_url = self._credentials_apart(url or self.source.start_url)
        parts = urlsplit(self.start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(f"-a url must be an http(s) URL, not {without_credentials(self.start_url)!r}")
        host = parts.hostname or ""
        # The site's own hosts when crawling the site; a copy elsewhere (a mirror, a local
        # server) is crawled alone, so nothing of it leads to the live site.
        self.allowed_domains = [host, *(h for h in self.source.hosts if h != host)] \
            if host in self.source.hosts else [host]

    def _credentials_apart(self, url: str) -> str:
        """url without user:password@, which go to Scrapy's HttpAuthMiddleware for that host
        only, so no message, log line, report or record ever shows them."""
        try:
            parts = urlsplit(url)
            user, password = parts.username, parts.password
            host = parts.netloc.rpartition("@")[2]  # with its port: Scrapy compares netlocs
        except ValueError:
            return url
        if user is None:
            return url
        self.auth = {"http_user": unquote(user), "http_pass": unquote(password or ""),
                     "http_auth_domain": host}
        return without_credentials(url)

    @property
    def crawled_host(self) -> str:
        return self.allowed_domains[0]

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.page_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.page_dropped, signal=signals.request_dropped)
        return spider

    async def start(self):
        if self.failure is None:
            yield self.request(self.start_url, callback=self.parse, errback=self.page_failed)

    def request(self, url: str, **kwargs) -> scrapy.Request:
        """A request of this crawl, carrying the URL's credentials, if any, to its host."""
        return scrapy.Request(url, meta={**self.auth, **kwargs.pop("meta", {})}, **kwargs)

    def fail(self, reason: str) -> None:
        """Remember the first reason this crawl must not be published."""
        if self.failure is None:
            self.failure = reason
            self.logger.error(reason)

    def page_failed(self, failure):
        """Errback of a page the source cannot do without."""
        self.fail(describe_failure(failure, self.crawled_host))

    def page_scheduled(self, request):
        """A redirect of a page to another host: Scrapy drops it unfetched, with no errback."""
        if request.errback == self.page_failed and request.meta.get("redirect_urls"):
            host = urlsplit(request.url).hostname or ""
            if not any(host == allowed or host.endswith("." + allowed)
                       for allowed in self.allowed_domains):
                self.fail(f"refused to leave {self.crawled_host}: redirected to {request.url}")

    def page_dropped(self, request):
        """A redirect of a page back to a URL already fetched: the duplicate filter drops it."""
        if request.errback == self.page_failed and request.meta.get("redirect_urls"):
            hops = " -> ".join([*request.meta["redirect_urls"], request.url])
            self.fail(f"redirect loop: {hops}")

    def refusal(self, records) -> str | None:
        """Why the records harvested, taken together, must not be published; None if fine."""
        return None
