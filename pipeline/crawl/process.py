"""Running spiders in this process, and what each produced as a Harvest.

`scrapy crawl` exits 0 whatever happened; `speerpunt` runs the same spiders
through CrawlerProcess and reads each crawl's Harvest from its collector. The
first spiders (the overview) run before the next ones (the organisations' sites,
chosen from what the first found), which run side by side: each site is polite on
its own (robots.txt, AutoThrottle, one or two requests at a time per host) and has its
own deadline, so a run lasts at most the overview's deadline plus one site's.
Scrapy's signal handlers are not installed: pipeline/publish/interrupt.py handles
the signals, so an interrupted crawl is never taken for a finished one.
"""

import gc
from collections.abc import Callable

from pipeline.items import Harvest

Spiders = list[tuple[str, dict]]  # (spider name, spider arguments)


def _stop_threads() -> None:
    """An interrupted crawl stops the reactor without its shutdown (pipeline/publish/interrupt.py):
    stop its thread pool, whose threads would otherwise keep the process alive."""
    from twisted.internet import reactor

    pool = getattr(reactor, "threadpool", None)
    if pool is not None and pool.started:
        pool.stop()


def crawl(first: Spiders, settings: dict | None = None, verbose: bool = False,
          then: Callable[[list[Harvest]], Spiders] | None = None) -> list[Harvest]:
    """Crawl `first` side by side in this process, then `then(their harvests)`; never
    publishes anything itself. A crawl that never closed (a signal stopped the reactor)
    has no harvest and is left out."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from twisted.internet import defer

    merged = Settings()
    merged.setmodule("pipeline.settings", priority="project")
    merged.update({"LOG_ENABLED": verbose, "LOG_INSTALL_ROOT_HANDLER": verbose,
                   **(settings or {}), "SPEERPUNT_PUBLISH": False}, priority="cmdline")
    process = CrawlerProcess(merged)
    crawlers = []

    def start(spiders: Spiders):
        started = []
        for name, arguments in spiders:
            crawler = process.create_crawler(name)
            crawlers.append(crawler)
            started.append(process.crawl(crawler, **arguments))
        return defer.DeferredList(started)

    def stop(_):
        from twisted.internet import reactor

        if reactor.running:
            reactor.stop()

    failures = []
    done = start(first)
    if then is not None:
        done.addCallback(lambda _: start(then(harvests(crawlers))))
    done.addErrback(failures.append)  # a bug in `then`: raised below, after the reactor
    done.addBoth(stop)
    if not gc.get_freeze_count():
        # What start-up made (modules, classes, settings) lives as long as the process:
        # the collector need not walk it again at every full collection of the crawl.
        gc.freeze()
    process.start(stop_after_crawl=False, install_signal_handlers=False)
    _stop_threads()
    if failures:
        failures[0].raiseException()
    return harvests(crawlers)


def harvests(crawlers) -> list[Harvest]:
    """The harvest of every crawler that closed."""
    from pipeline.crawl.collect import Collector

    found = []
    for crawler in crawlers:
        if crawler.extensions is None or crawler.spider is None:
            continue
        collector = Collector.of(crawler)
        if collector.reason is not None:
            found.append(collector.harvest())
    return found
