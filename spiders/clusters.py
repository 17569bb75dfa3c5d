"""The `clusters` spider: reads the cluster-policy page by its document structure.

No theme class is relied on. The main content (`<main>`, else `role="main"`, else
`<body>`) is read as a sequence of text blocks (spiders/blocks.py) and each block
is given its role by plain rules (spiders/classify.py); every block must be placed
in a record field or be page chrome (spiders/coverage.py). The breadcrumb is the
navigation landmark labelled "breadcrumb" (aria-label, aria-labelledby, a hidden
heading, schema.org BreadcrumbList or a class name).
"""

from urllib.parse import urlparse, urlunparse

import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse

from spiders import coverage
from spiders.blocks import read_blocks
from spiders.checks import describe_failure, page_problem
from spiders.classify import Classifier, Reading, announced_count

LIVE_URL = "https://invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy"

_MAIN = ("//main", "//*[@role='main']", "//body")  # the first that the page has
_BREADCRUMB = (
    "(//*[contains(translate(@aria-label, 'BREADCUMB', 'breadcumb'), 'breadcrumb')]"
    " | //*[@itemtype and contains(@itemtype, 'BreadcrumbList')]"
    " | //nav[.//*[self::h2 or self::h3 or self::span]"
    "[normalize-space(translate(., 'BREADCUMB', 'breadcumb')) = 'breadcrumb']]"
    " | //*[contains(translate(@class, 'BREADCUMB', 'breadcumb'), 'breadcrumb')])[1]"
)
_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::template)]"


def canonical_url(response) -> str:
    """The URL the page declares as canonical (so records name the public site,
    not the host it was fetched from), else the URL it was fetched from."""
    href = response.xpath("//link[@rel='canonical']/@href").get()
    return response.urljoin(href.strip()) if href else response.url


def public_url(url: str, response, canonical: str) -> str:
    """url on the fetched host, moved to the canonical page's scheme and host."""
    fetched, target, public = urlparse(response.url), urlparse(url), urlparse(canonical)
    if target.netloc != fetched.netloc:
        return url
    return urlunparse(target._replace(scheme=public.scheme, netloc=public.netloc))


def read_page(response, page_url: str) -> Reading:
    """The main content's blocks, classified; links to the fetched or the canonical host
    lead to the site."""
    trail = response.xpath(_BREADCRUMB)
    main = next(found for found in map(response.xpath, _MAIN) if found)[0].root
    blocks = read_blocks(main, skip=trail[0].root if trail else None)
    hosts = {urlparse(response.url).hostname, urlparse(page_url).hostname}
    return Classifier(response.url, hosts).read(blocks)


def element_text(selector) -> str:
    """All text of an element, inline markup (links, strong, em) included, scripts excluded."""
    return "".join(selector.xpath(_TEXT).getall())


class ClustersSpider(scrapy.Spider):
    """One cluster-policy page, plus each teaser's article page for its URL and date."""

    name = "clusters"

    def __init__(self, url: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.start_url = url or LIVE_URL
        self.allowed_domains = [urlparse(self.start_url).hostname]
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.page_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.page_dropped, signal=signals.request_dropped)
        return spider

    async def start(self):
        yield scrapy.Request(self.start_url, callback=self.parse, errback=self.page_failed)

    def fail(self, reason: str) -> None:
        """Remember the first reason this crawl must not be published."""
        if self.failure is None:
            self.failure = reason
            self.logger.error(reason)

    def page_failed(self, failure):
        """Errback of the cluster page: a crawl without its page publishes nothing."""
        self.fail(describe_failure(failure, self.allowed_domains[0]))

    def page_scheduled(self, request):
        """A redirect of the page to another host: Scrapy drops it unfetched, with no errback."""
        if request.callback == self.parse and request.meta.get("redirect_urls"):
            host, allowed = urlparse(request.url).hostname or "", self.allowed_domains[0]
            if host != allowed and not host.endswith("." + allowed):
                self.fail(f"refused to leave {allowed}: redirected to {request.url}")

    def page_dropped(self, request):
        """A redirect of the page back to a URL already fetched: the duplicate filter drops it."""
        if request.callback == self.parse and request.meta.get("redirect_urls"):
            hops = " -> ".join([*request.meta["redirect_urls"], request.url])
            self.fail(f"redirect loop: {hops}")

    def parse(self, response):
        """Page, clusters and teaser requests from the cluster-policy page.

        @snapshot en/business-environment/cluster-policy
        @returns items 8 8
        @returns requests 2 2
        @scrapes type url
        """
        problem = page_problem(response)
        if problem:
            self.fail(problem)
            return
        page_url = canonical_url(response)
        reading = self.read(response, page_url)
        problem = coverage.refusal(reading.roles, response.url)
        if problem:
            self.fail(problem)
        yield {
            "type": "page",
            "title": reading.title,
            "intro": " ".join(reading.intro),
            "url": page_url,
            "breadcrumbs": self.breadcrumbs(response),
            "announced_clusters": announced_count(reading.title),
        }
        for position, cluster in enumerate(reading.of_kind("cluster"), start=1):
            yield {
                "type": "cluster",
                "position": position,
                "heading": cluster.heading,
                "description": " ".join(cluster.text),
                "url": page_url,
            }
        for position, teaser in enumerate(reading.of_kind("article"), start=1):
            item = {
                "type": "article",
                "position": position,
                "title": teaser.heading,
                "summary": " ".join(teaser.text),
                "url": public_url(teaser.url, response, page_url),
            }
            host = urlparse(response.url).hostname
            if urlparse(teaser.url).hostname != host:
                self.crawler.stats.inc_value("speerpunt/offsite_refused")
                self.logger.warning("not following %s: outside %s", teaser.url, host)
                yield item
                continue
            yield scrapy.Request(
                teaser.url,
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"item": item},
            )

    def read(self, response, page_url: str) -> Reading:
        """The page read; the placed/chrome/unplaced counts go to the crawl stats."""
        reading = read_page(response, page_url)
        for block, role in reading.roles:
            if role != "placed":
                self.logger.info("%s text: %r", role, " ".join(block.text.split()))
        for role, count in coverage.tally(reading.roles).items():
            self.crawler.stats.set_value(f"speerpunt/text/{role}", count)
        return reading

    @staticmethod
    def breadcrumbs(response) -> list[str]:
        trail = response.xpath(_BREADCRUMB)
        items = trail.xpath(".//li") or trail.xpath(".//a")
        return [text for text in (element_text(item).strip() for item in items) if text]

    def parse_article(self, response, item):
        """The article's own URL (after redirects) and its publication date when shown."""
        if isinstance(response, HtmlResponse):
            item["url"] = public_url(canonical_url(response), response, item["url"])
            date = response.xpath(
                "(//main//time/@datetime | //meta[@property='article:published_time']/@content)[1]"
            ).get()
            if date:
                item["date"] = date.strip()
        yield item

    def article_failed(self, failure):
        """A teaser whose article cannot be fetched: marked stale, so CollectPipeline
        gives it the date and final URL last published."""
        item = failure.request.cb_kwargs["item"]
        item["stale"] = describe_failure(failure, self.allowed_domains[0])
        self.logger.warning("article %s: %s", item["url"], item["stale"])
        yield item
