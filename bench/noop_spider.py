"""The baseline of the end-to-end benchmark: a bare Scrapy crawl of the pages a run fetches.

HEAD (the default): exactly the pages `speerpunt run --snapshot` fetches, fetched the
same way, doing nothing with them. The snapshot is served and routed by HEAD's own
add-on (`pipeline.crawl.snapshot.Snapshot` through `SPEERPUNT_SNAPSHOT_DIR`: its
in-process server on 127.0.0.1 and its download handler), robots.txt obeyed. One
CrawlerProcess, as `pipeline.crawl.process.crawl` runs it: first the overview
(the registry's start URL) and the two `/en/news/` teaser links it shows, then, once
that crawl has closed, one spider per organisation side by side, each fetching the
registry's home page (`website`) and then its `about` page. With each host's
robots.txt that is 27 responses. Nothing is parsed but the overview's links, nothing
is yielded but those requests, no item pipeline, no extension of ours.

`--previous` is the matching baseline of the previous release (fc7711f), run by its
own Python: the overview and its two teasers only (4 responses), served by that
release's `pipeline.snapshot.serve()` and requested from it directly, as that
release's `speerpunt run --snapshot` does.

Settings: those a snapshot run crawls with (robots.txt obeyed, no delay, no
AutoThrottle, no HTTP cache, no retries, two requests at a time per host, no telnet
console, no remote control; both releases turn the last two off), no log.

Usage: python bench/noop_spider.py [--snapshot DIR] [--base URL] [--only KEY] [--urls]
       (the previous release's python) bench/noop_spider.py --previous
"""

import argparse
import json
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "pipeline" / "sources.json"
SNAPSHOT_DIR = ROOT / "spiders" / "snapshot"

SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "LOG_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "RETRY_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,  # as pipeline.settings
}


class OverviewSpider(scrapy.Spider):
    """The overview page and its /en/news/ teasers; nothing parsed, nothing yielded."""

    name = "noop-overview"

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


class SiteSpider(scrapy.Spider):
    """An organisation's home page, then its about page; nothing parsed, nothing yielded."""

    name = "noop-site"

    def __init__(self, url: str, about: str | None, **kwargs):
        super().__init__(**kwargs)
        self.start_url, self.about = url, about

    async def start(self):
        yield scrapy.Request(self.start_url, callback=self.parse)

    def parse(self, response):
        if self.about:
            yield scrapy.Request(self.about, callback=self.parse_about)

    def parse_about(self, response):
        return None


def sources() -> list[dict]:
    return json.loads(REGISTRY.read_text(encoding="utf-8"))["sources"]


def expected(sites: list[dict]) -> int:
    """Responses a run fetches: the overview's robots.txt, page and two articles, then per
    site a robots.txt for each host it asks (home, about) and those two pages."""
    count = 4
    for site in sites:
        pages = [site["website"], *([site["about"]] if site.get("about") else [])]
        count += len(pages) + len({urlsplit(page).hostname for page in pages})
    return count


def crawl(process: CrawlerProcess, overview: str, sites: list[dict],
          urls: list[str] | None = None) -> list:
    """The overview first, then the sites side by side (as pipeline.crawl.process.crawl);
    with urls, every URL fetched is added to it."""
    from twisted.internet import defer

    crawlers = []

    def received(response, request, spider):
        urls.append(request.url)

    def start(spider, arguments: list[dict]):
        started = []
        for kwargs in arguments:
            crawler = process.create_crawler(spider)
            crawlers.append(crawler)
            if urls is not None:
                crawler.signals.connect(received, signal=signals.response_received, weak=False)
            started.append(process.crawl(crawler, **kwargs))
        return defer.DeferredList(started)

    def stop(result):
        from twisted.internet import reactor  # the one CrawlerProcess installed: import it late

        if reactor.running:
            reactor.stop()
        return result

    done = start(OverviewSpider, [{"url": overview}])
    if sites:
        done.addCallback(lambda _: start(SiteSpider, [
            {"url": site["website"], "about": site.get("about")} for site in sites]))
    done.addBoth(stop)
    process.start(stop_after_crawl=False, install_signal_handlers=False)
    return crawlers


def fetched(crawlers) -> int:
    return sum(crawler.stats.get_value("response_received_count", 0) for crawler in crawlers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT_DIR,
                        help="the snapshot directory (default: spiders/snapshot)")
    parser.add_argument("--base", help="a server already serving it as /<host>/<path> "
                                       "(SPEERPUNT_SNAPSHOT); default: the add-on starts one")
    parser.add_argument("--only", action="append", default=[], metavar="KEY",
                        help="crawl only these organisations after the overview (repeatable)")
    parser.add_argument("--urls", action="store_true",
                        help="print every URL fetched, one a line (for checking)")
    parser.add_argument("--previous", action="store_true",
                        help="the previous release's baseline (run by its Python)")
    args = parser.parse_args(argv)
    urls: list[str] | None = [] if args.urls else None

    if args.previous:
        from pipeline.snapshot import PAGE_PATH, serve  # the previous release's module

        with serve() as base_url:
            process = CrawlerProcess(SETTINGS)
            crawlers = crawl(process, base_url + PAGE_PATH, [], urls)
        want = 4
    else:
        registry = sources()
        overview = next(entry for entry in registry if entry["key"] == "clusters")
        sites = [entry for entry in registry if entry["key"] != "clusters"
                 and (not args.only or entry["key"] in args.only)]
        settings = {**SETTINGS, "ADDONS": {"pipeline.crawl.snapshot.Snapshot": 10},
                    "SPEERPUNT_SNAPSHOT_DIR": str(args.snapshot.resolve())}
        if args.base:
            settings["SPEERPUNT_SNAPSHOT"] = args.base
        process = CrawlerProcess(settings)
        crawlers = crawl(process, overview["start_url"], sites, urls)
        want = expected(sites)
    pages = fetched(crawlers)
    if urls is not None:
        print("\n".join(urls), flush=True)
    if pages != want:
        print(f"noop crawl fetched {pages} responses, expected {want}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
