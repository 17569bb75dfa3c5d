"""Bounded work: a cap on the article links a crawl follows, and a deadline no request outlives.

A page with thousands of teasers would otherwise be crawled for an hour at
the polite delay and published whole. The cap (SPEERPUNT_MAX_ARTICLES,
default 50) refuses such a crawl at once, before any article is requested.
The deadline is Scrapy's own CLOSESPIDER_TIMEOUT (default 600 s), whose close
reason the collector turns into a refusal; Deadline keeps any download from
outliving it.
"""

import time

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest


class ArticleCap:
    """Spider middleware: a callback that yields more requests than the cap fails the crawl
    and none of them is sent."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.cap = crawler.settings.getint("SPEERPUNT_MAX_ARTICLES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_output(self, response, result, spider=None):
        requests = []
        for output in result:
            if isinstance(output, Request):
                requests.append(output)
            else:
                yield output
        yield from self._within_cap(response, requests)

    async def process_spider_output_async(self, response, result, spider=None):
        requests = []
        async for output in result:
            if isinstance(output, Request):
                requests.append(output)
            else:
                yield output
        for request in self._within_cap(response, requests):
            yield request

    def _within_cap(self, response, requests: list) -> list:
        if len(requests) <= self.cap:
            return requests
        self.crawler.spider.fail(
            f"{response.url} links {len(requests)} articles, more than the cap of {self.cap} "
            "(raise it with -s SPEERPUNT_MAX_ARTICLES=N)")
        return []


class Deadline:
    """Downloader middleware: no request outlives the crawl's deadline (CLOSESPIDER_TIMEOUT).

    Scrapy closes a spider at its deadline but then waits for every download in flight,
    each up to DOWNLOAD_TIMEOUT: a robots.txt that never answers kept a 15 s crawl
    running for 91 s. Every request (robots.txt's included) gets at most the time left,
    and none is sent once it is up.
    """

    def __init__(self, crawler):
        self.limit = crawler.settings.getfloat("CLOSESPIDER_TIMEOUT")
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self):
        self.started = time.monotonic()

    def process_request(self, request, spider=None):
        if not self.limit:
            return None
        left = self.started + self.limit - time.monotonic()
        if left <= 0:
            raise IgnoreRequest(f"past the crawl's deadline of {self.limit:g} s")
        request.meta["download_timeout"] = min(request.meta.get("download_timeout", left), left)
        return None
