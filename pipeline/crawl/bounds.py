"""Bounded work: a cap on the article links a crawl follows.

A page with thousands of teasers would otherwise be crawled for an hour at
the polite delay and published whole. The cap (SPEERPUNT_MAX_ARTICLES,
default 50) refuses such a crawl at once, before any article is requested.
The deadline is Scrapy's own CLOSESPIDER_TIMEOUT (default 600 s), whose close
reason CollectPipeline turns into a refusal.
"""

from scrapy import Request


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
