"""Item pipelines: normalise ▶ validate ▶ collect (with the publication guard).

Each item passes through in turn; CollectPipeline decides at the end of the
crawl whether the whole set is fit to publish, and only then writes
records.jsonl (when SPEERPUNT_PUBLISH is on, as under `scrapy crawl`/Scrapyd).
"""

from pathlib import Path

from pipeline.normalise import normalise_text, slugify, split_heading
from pipeline.records import OPTIONAL_FIELDS, RECORD_FIELDS, write_records

PAGE_ID = "cluster-policy"


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
            anchor = item.pop("anchor", None) or item["id"]
            item["url"] = f"{item['url']}#{anchor}"
        elif item["type"] == "article":
            item["id"] = slugify(item["title"])
        else:
            item["id"] = PAGE_ID
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
        order = {"page": 0, "cluster": 1, "article": 2}
        items = sorted(self.items, key=lambda i: (order[i["type"]], i.get("position", 0)))
        self.records = [
            {key: item[key] for key in RECORD_FIELDS[item["type"]] if key in item}
            for item in items
        ]
        if self.publish:
            write_records(self.output / "records.jsonl", self.records)

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
        if announced is not None and announced != len(clusters):
            return (f"{len(clusters)} clusters found but the title {page['title']!r} "
                    f"announces {announced} on {page['url']}")
        return None
