"""The collector: one extension that gathers a crawl's items into its Harvest.

Items arrive typed from the pipelines (item_scraped); a pipeline's refusal or an
unsafe URL arrives as a dropped item (item_dropped). When the spider is idle, the
first reason the crawl must not be published (the spider's, a pipeline's, or the
spider's rule over all its records) becomes the close reason `refused: <reason>`,
so `scrapy crawl`, Scrapyd and `speerpunt` read the same verdict; a crawl closed
for any reason but `finished` is not published either. Stats hold numbers only.
"""

from scrapy import signals
from scrapy.exceptions import CloseSpider

from pipeline.crawl.pipelines import Refused, UnsafeUrl
from pipeline.items import Harvest, sort_records
from pipeline.text import without_credentials

REFUSED = "refused: "


def verdict(reason: str | None, settings) -> str | None:
    """Why a crawl closed for `reason` must not be published; None when it finished."""
    if reason == "finished":
        return None
    if reason and reason.startswith(REFUSED):
        return reason[len(REFUSED):]
    if reason == "closespider_timeout":
        return (f"the crawl passed its deadline of {settings.getfloat('CLOSESPIDER_TIMEOUT'):g} s "
                "(raise it with -s CLOSESPIDER_TIMEOUT=SECONDS)")
    return f"the crawl ended before it finished ({reason})"


class Collector:
    """Extension: the crawl's records, its dropped URLs and its verdict, as one Harvest."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.items: list = []
        self.unsafe: list[tuple[str, str]] = []
        self.failure: str | None = None
        self.reason: str | None = None  # the close reason, once closed
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @classmethod
    def of(cls, crawler) -> "Collector":
        """The collector of a crawler (every crawl has exactly one)."""
        return next(extension for extension in crawler.extensions.middlewares
                    if isinstance(extension, cls))

    def item_scraped(self, item, response, spider):
        self.items.append(item)

    def item_dropped(self, item, response, exception, spider):
        if isinstance(exception, UnsafeUrl):
            self.unsafe.append((exception.key, exception.url))
        elif isinstance(exception, Refused) and self.failure is None:
            self.failure = str(exception)
            spider.logger.error(self.failure)

    def refusal(self) -> str | None:
        """The first reason the crawl so far must not be published, or None."""
        spider = self.crawler.spider
        return spider.failure or self.failure or spider.refusal(self.records())

    def spider_idle(self, spider):
        """Refuse before closing, so the finish reason and the log say why."""
        refusal = self.refusal()
        if refusal:
            if refusal not in (spider.failure, self.failure):  # those were logged already
                spider.logger.error(refusal)
            raise CloseSpider(REFUSED + refusal)

    def spider_closed(self, spider, reason):
        self.reason = reason
        failure = verdict(reason, self.crawler.settings)
        if failure and not reason.startswith(REFUSED) \
                and self.crawler.settings.getbool("LOG_ENABLED"):
            spider.logger.error(failure)  # a deadline or a shutdown: say so in the log too

    def records(self) -> list:
        return sort_records(self.items)

    def harvest(self) -> Harvest:
        """What the crawl produced: its verdict from the close reason once closed, else
        from what refuses it so far."""
        spider = self.crawler.spider
        if self.reason is None:
            failure = self.refusal()
        else:
            failure = verdict(self.reason, self.crawler.settings)
        records = self.records()
        unsafe = [*((record.key, record.unsafe_url) for record in records if record.unsafe_url),
                  *self.unsafe]
        stats = {key: value for key, value in (self.crawler.stats.get_stats() or {}).items()
                 if isinstance(value, int | float) and not isinstance(value, bool)}
        return Harvest(source=spider.source.key, records=records, failure=failure,
                       url=without_credentials(spider.start_url), unsafe=unsafe, stats=stats)
