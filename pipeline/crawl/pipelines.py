"""Item pipelines: normalise ▶ safe URLs ▶ validate, each on typed items.

A pipeline that finds an item unfit to publish raises: Refused (the crawl must
not be published: an empty required field, a duplicate id) or UnsafeUrl (an
article whose link leads off the site, dropped; the guard counts the drop as a
loss). The collector (pipeline/crawl/collect.py) turns either into the harvest's
verdict; nothing else leaves the pipelines.
"""

from dataclasses import fields
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem

from pipeline.items import Article, Cluster, Record
from pipeline.text import normalise_text, safe_url, slugify

URL_FIELDS = frozenset({"url"})


class Refused(DropItem):
    """An item that makes the whole crawl unfit to publish."""


class UnsafeUrl(DropItem):
    """An item dropped because its URL leads outside the site."""

    def __init__(self, key: str, url: str):
        super().__init__(f"{key}: unsafe URL {url!r}")
        self.key, self.url = key, url


class _Stage:
    """A pipeline stage that knows its crawler (Scrapy passes no spider any more)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class NormalisePipeline(_Stage):
    """Clean every text field and give the item its slug id."""

    def process_item(self, item: Record):
        for spec in fields(item):
            value = getattr(item, spec.name)
            if spec.name in URL_FIELDS or spec.name == "id":
                continue
            if isinstance(value, str):
                setattr(item, spec.name, normalise_text(value))
            elif isinstance(value, list):
                setattr(item, spec.name, [normalise_text(part) for part in value])
        if isinstance(item, Cluster):
            item.id = slugify(item.name)
        elif isinstance(item, Article):
            item.id = slugify(item.title)
        return item


class SafeUrlPipeline(_Stage):
    """Only absolute http(s) URLs on the crawled host or the source's own hosts reach a record.

    An unsafe page URL (a hostile canonical link) gives way to the URL crawled; an
    article whose link is unsafe is dropped (UnsafeUrl). A cluster's URL is the
    page's, with its id as the fragment.
    """

    def process_item(self, item: Record):
        spider = self.crawler.spider
        hosts = {urlsplit(spider.start_url).hostname, *spider.source.hosts}
        url = item.url.partition("#")[0] if isinstance(item, Cluster) else item.url
        if not safe_url(url, hosts):
            if isinstance(item, Article):
                raise UnsafeUrl(item.key, url)
            item.unsafe_url, url = url, spider.start_url
        item.url = f"{url}#{item.id}" if isinstance(item, Cluster) else url
        website = getattr(item, "website", None)
        if isinstance(item, Cluster) and website and not safe_url(website, {urlsplit(
                website).hostname}):
            item.website = None  # not a URL a browser can follow as given: the registry's
        return item


class ValidatePipeline(_Stage):
    """Required fields non-empty and ids unique; a bad item refuses the crawl."""

    def open_spider(self):
        self.seen: set[str] = set()

    def process_item(self, item: Record):
        empty = item.missing()
        if empty:
            raise Refused(f"{item.kind} {item.id or '?'}: required field {empty!r} is empty")
        if item.key in self.seen:
            raise Refused(f"duplicate {item.kind} id {item.id!r}")
        self.seen.add(item.key)
        return item
