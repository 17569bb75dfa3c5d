"""Running spiders in this process, and what each produced as a Harvest.

`scrapy crawl` exits 0 whatever happened; `speerpunt` runs the same spiders
through CrawlerProcess and reads each crawl's Harvest from its collector.
Scrapy's signal handlers are not installed: pipeline/publish/interrupt.py handles
the signals, so an interrupted crawl is never taken for a finished one.
"""

from pipeline.items import Harvest

SNAPSHOT_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "HTTPCACHE_ENABLED": False,
    "RETRY_ENABLED": False,
}


def _stop_threads() -> None:
    """An interrupted crawl stops the reactor without its shutdown (pipeline/publish/interrupt.py):
    stop its thread pool, whose threads would otherwise keep the process alive."""
    from twisted.internet import reactor

    pool = getattr(reactor, "threadpool", None)
    if pool is not None and pool.started:
        pool.stop()


def crawl(spiders: list[tuple[str, dict]], settings: dict | None = None,
          verbose: bool = False) -> list[Harvest]:
    """Crawl each (spider name, spider arguments) side by side in this process; never
    publishes anything itself. A crawl that never closed (a signal stopped the
    reactor) has no harvest and is left out."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from pipeline.crawl.collect import Collector

    merged = Settings()
    merged.setmodule("pipeline.settings", priority="project")
    merged.update({"LOG_ENABLED": verbose, "LOG_INSTALL_ROOT_HANDLER": verbose,
                   **(settings or {}), "SPEERPUNT_PUBLISH": False}, priority="cmdline")
    process = CrawlerProcess(merged)
    crawlers = []
    for name, arguments in spiders:
        crawler = process.create_crawler(name)
        process.crawl(crawler, **arguments)
        crawlers.append(crawler)
    process.start(install_signal_handlers=False)
    _stop_threads()
    harvests = []
    for crawler in crawlers:
        if crawler.extensions is None or crawler.spider is None:
            continue
        collector = Collector.of(crawler)
        if collector.reason is not None:
            harvests.append(collector.harvest())
    return harvests
