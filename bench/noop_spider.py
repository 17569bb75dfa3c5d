"""The baseline of the end-to-end benchmark: a bare Scrapy crawl that does nothing.

It serves the bundled snapshot exactly as `speerpunt run --snapshot` does
(`pipeline.crawl.snapshot.serve()`, in this process, on 127.0.0.1), requests the
cluster page, follows its two `/en/news/` teaser links and yields no items.
Settings are the essential ones of a snapshot run: robots.txt obeyed, no log,
no delay, no AutoThrottle, no HTTP cache, no retries, no telnet console.

Usage: python bench/noop_spider.py
"""

import scrapy
from scrapy.crawler import CrawlerProcess

from pipeline.crawl.snapshot import PAGE_PATH, serve

SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "LOG_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "RETRY_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,  # as pipeline.settings
}


class NoopSpider(scrapy.Spider):
    """The cluster page and its /en/news/ teasers; nothing parsed, nothing yielded."""

    name = "noop"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_url = url

    async def start(self):
        yield scrapy.Request(self.start_url, callback=self.parse)

    def parse(self, response):
        seen = set()
        for href in response.xpath("//a/@href").getall():
            if href.startswith("/en/news/") and href not in seen:
                seen.add(href)
                yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response):
        return None


def main() -> int:
    with serve() as base_url:
        process = CrawlerProcess(SETTINGS)
        crawler = process.create_crawler(NoopSpider)
        process.crawl(crawler, url=base_url + PAGE_PATH)
        process.start()
    stats = crawler.stats.get_stats()
    pages = stats.get("response_received_count", 0)
    if pages != 4:  # robots.txt, the cluster page, two articles
        print(f"noop crawl fetched {pages} responses, expected 4", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
