"""Item pipelines: normalise ▶ validate ▶ collect (with the publication guard).

Each item passes through in turn; CollectPipeline decides at the end of the
crawl whether the whole set is fit to publish, and only then writes
records.jsonl (when SPEERPUNT_PUBLISH is on, as under `scrapy crawl`/Scrapyd).
What the publication guard (pipeline/guard.py) needs from the crawl travels in
the crawl stats: the announced count, the URLs dropped as unsafe, stale articles.
A refused crawl closes with the finish reason `refused: <reason>` and one
ERROR line; one closed for any reason but `finished` publishes nothing.
"""

from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem

from pipeline.records import OPTIONAL_FIELDS, RECORD_FIELDS, read_records, write_records
from pipeline.text import normalise_text, safe_url, slugify, split_heading

PAGE_ID = "cluster-policy"
# The public site: records name it even when the crawl fetched a copy (the snapshot, a mirror).
CANONICAL_HOST = "invest.flandersinvestmentandtrade.com"
ANNOUNCED_STAT = "speerpunt/announced_clusters"
UNSAFE_STAT = "speerpunt/unsafe_urls"
STALE_STAT = "speerpunt/stale"


class _Stage:
    """A pipeline stage that knows its crawler (Scrapy passes no spider any more)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fail(self, reason: str) -> None:
        self.crawler.spider.fail(reason)


class NormalisePipeline(_Stage):
    """Clean every text field and give the item its slug id."""

    def process_item(self, item):
        for key, value in list(item.items()):
            if isinstance(value, str) and key != "url":
                item[key] = normalise_text(value)
            elif key == "breadcrumbs":
                item[key] = [normalise_text(crumb) for crumb in value]
        if item["type"] == "cluster":
            item["name"], item["tagline"] = split_heading(item.pop("heading"))
            item["id"] = slugify(item["name"])
            item.pop("anchor", None)  # raw page text: the anchor is the slug, always
        elif item["type"] == "article":
            item["id"] = slugify(item["title"])
        else:
            item["id"] = PAGE_ID
        return item


class SafeUrlPipeline(_Stage):
    """Only absolute http(s) URLs on the crawled host or the public site reach a record.

    An unsafe page URL (a hostile canonical link) gives way to the URL crawled; an
    article whose link is unsafe is dropped. Either is listed in the crawl stats for
    the publication guard, which refuses the run until an operator accepts it.
    """

    def process_item(self, item):
        crawled = self.crawler.spider.start_url
        hosts = {urlsplit(crawled).hostname, CANONICAL_HOST}
        url = item.get("url")
        if item["type"] == "cluster":
            url = url.partition("#")[0]
        if not safe_url(url, hosts):
            unsafe = self.crawler.stats.get_value(UNSAFE_STAT, [])
            unsafe.append({"record": f"{item['type']}/{item['id']}", "url": url})
            self.crawler.stats.set_value(UNSAFE_STAT, unsafe)
            if item["type"] == "article":
                raise DropItem(f"article {item['id']}: unsafe URL {url!r}")
            url = crawled
        item["url"] = f"{url}#{item['id']}" if item["type"] == "cluster" else url
        return item


class ValidatePipeline(_Stage):
    """Required fields non-empty and ids unique; a bad item fails the crawl."""

    def open_spider(self):
        self.seen: set[tuple[str, str]] = set()

    def process_item(self, item):
        kind = item["type"]
        for field in RECORD_FIELDS[kind]:
            if field in OPTIONAL_FIELDS or field == "breadcrumbs":
                continue
            if item.get(field) in (None, ""):
                self.fail(f"{kind} {item.get('id') or '?'}: required field {field!r} is empty")
        key = (kind, item["id"])
        if key in self.seen:
            self.fail(f"duplicate {kind} id {item['id']!r}")
        self.seen.add(key)
        return item


class CollectPipeline(_Stage):
    """Gather the records in page order and guard the publication as a whole.

    The crawler keeps a reference (crawler.collected) so `speerpunt` can take
    the records or the failure reason after the crawl.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.output = Path(crawler.settings.get("SPEERPUNT_OUTPUT"))
        self.publish = crawler.settings.getbool("SPEERPUNT_PUBLISH", True)
        crawler.collected = self
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def open_spider(self):
        self.items: list[dict] = []
        self.records: list[dict] | None = None
        self.failure: str | None = None

    def process_item(self, item):
        self.items.append(dict(item))
        return item

    def close_spider(self):
        self.failure = self.crawler.spider.failure or self.guard()
        if self.failure:
            return
        self.records = self.build_records()

    def build_records(self) -> list[dict]:
        order = {"page": 0, "cluster": 1, "article": 2}
        items = sorted(self.items, key=lambda i: (order[i["type"]], i.get("position", 0)))
        self.keep_stale(items)
        return [{key: item[key] for key in RECORD_FIELDS[item["type"]] if key in item}
                for item in items]

    def spider_idle(self):
        """Refuse before closing, so the finish reason and the log say why."""
        failure = self.crawler.spider.failure or self.guard()
        if not failure and self.publish:
            failure = self.losses(self.build_records())
        if failure:
            self.crawler.spider.fail(failure)
            raise CloseSpider(f"refused: {failure}")

    def spider_closed(self, spider, reason):
        """Publish only a crawl that finished: not one cut short by a deadline or a signal."""
        from pipeline.crawl.process import ending

        if self.failure is None and ending(reason, self.crawler.settings):
            self.failure = ending(reason, self.crawler.settings)
            if self.crawler.settings.getbool("LOG_ENABLED"):  # LogCount's handler is gone
                self.crawler.spider.logger.error(self.failure)
        if self.failure:
            self.records = None
        elif self.publish:
            write_records(self.output / "records.jsonl", self.records)

    def losses(self, records: list[dict]) -> str | None:
        """Publishing records.jsonl itself (`scrapy crawl`, Scrapyd), the crawl applies the
        publication guard's record rules; -s SPEERPUNT_ACCEPT_LOSS=KEY,... accepts."""
        from pipeline.publish.guard import records_refusal

        try:
            previous = read_records(self.output / "records.jsonl")
        except (ValueError, OSError):
            previous = []
        return records_refusal(previous, records, self.crawler.stats.get_stats(),
                               [self.crawler.settings.get("SPEERPUNT_ACCEPT_LOSS", "")],
                               self.crawler.spider.logger.warning)

    def keep_stale(self, items: list[dict]) -> None:
        """Articles whose own page failed keep the date and final URL last published.

        With no earlier value the field stays absent; the crawl stats name them as
        stale, and the publication guard does not count them as losses.
        """
        stale = [item for item in items if item["type"] == "article" and item.get("stale")]
        if not stale:
            return
        try:
            known = {(r.get("type"), r.get("id")): r
                     for r in read_records(self.output / "records.jsonl")}
        except (ValueError, OSError, AttributeError):
            known = {}
        for item in stale:
            published = known.get(("article", item["id"]), {})
            item.update({key: published[key] for key in ("date", "url") if key in published})
        self.crawler.stats.set_value(
            STALE_STAT, [{"record": f"article/{item['id']}", "reason": item["stale"]}
                         for item in stale])

    def guard(self) -> str | None:
        """Why the collected set must not be published, or None."""
        pages = [i for i in self.items if i["type"] == "page"]
        clusters = [i for i in self.items if i["type"] == "cluster"]
        if not pages:
            return "no page was crawled"
        page = pages[0]
        if not clusters:
            return f"no clusters found on {page['url']}"
        announced = page.get("announced_clusters")
        self.crawler.stats.set_value(ANNOUNCED_STAT, announced)
        if announced is not None and announced != len(clusters):
            return (f"{len(clusters)} clusters found but the title {page['title']!r} "
                    f"announces {announced} on {page['url']}")
        return None
