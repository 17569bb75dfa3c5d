"""Running the `clusters` spider in-process and turning what went wrong into one line.

`scrapy crawl` exits 0 whatever happened; `speerpunt` runs the same spider
through CrawlerProcess and reads the verdict CollectPipeline left behind.
"""

from dataclasses import dataclass, field

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
