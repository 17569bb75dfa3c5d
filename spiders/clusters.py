"""The `clusters` spider: reads the overview page (the list of clusters) by its structure.

No theme class is relied on. The main content (`<main>`, else `role="main"`, else
`<body>`) is read as a sequence of text blocks (spiders/blocks.py) and each block
is given its role by plain rules (spiders/classify.py); every block must be placed
in a record field or be page chrome (spiders/coverage.py). The breadcrumb is the
navigation landmark labelled "breadcrumb" (aria-label, aria-labelledby, a hidden
heading, schema.org BreadcrumbList or a class name). Each teaser's article page
gives the article's own URL and its date.
"""

import re
from datetime import datetime
from urllib.parse import urlparse, urlunparse

from scrapy.http import HtmlResponse

from pipeline.items import Article, Cluster, Page
from pipeline.text import normalise_text, split_heading
from spiders import coverage, language
from spiders.base import BaseSpider
from spiders.blocks import read_blocks
from spiders.checks import describe_failure, page_problem
from spiders.classify import Classifier, Reading, announced_count

PAGE_ID = "cluster-policy"
_MAIN = ("//main", "//*[@role='main']", "//body")  # the first that the page has
_BREADCRUMB = (
    "(//*[contains(translate(@aria-label, 'BREADCUMB', 'breadcumb'), 'breadcrumb')]"
    " | //*[@itemtype and contains(@itemtype, 'BreadcrumbList')]"
    " | //nav[.//*[self::h2 or self::h3 or self::span]"
    "[normalize-space(translate(., 'BREADCUMB', 'breadcumb')) = 'breadcrumb']]"
    " | //*[contains(translate(@class, 'BREADCUMB', 'breadcumb'), 'breadcrumb')])[1]"
)
_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::template)]"
# The article's own date: its published-time metadata, else the first <time> after its
# title that is not in a sidebar, a navigation, a header, a footer or a list of teasers.
_PUBLISHED = "//meta[@property='article:published_time']/@content"
_TIME_AFTER_TITLE = ("(//main//h1)[1]/following::time[@datetime][not(ancestor::aside or "
                     "ancestor::nav or ancestor::footer or ancestor::header or ancestor::li)]"
                     "/@datetime")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                       r"(?:Z|[+-]\d{2}:?\d{2})?)?")


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


def iso_date(value: str | None) -> str | None:
    """value when it is an ISO 8601 date or date-time (as RFC 3339 writes them), else None."""
    value = (value or "").strip()
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value


def same_title(one: str, other: str) -> bool:
    return normalise_text(one).casefold() == normalise_text(other).casefold()


class ClustersSpider(BaseSpider):
    """The overview page, plus each teaser's article page for its URL and date."""

    name = "clusters"
    source_key = "clusters"

    def parse(self, response):
        """Page, clusters and teaser requests from the cluster-policy page.

        @snapshot invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy
        @returns items 8 8
        @returns requests 2 2
        @scrapes id url
        """
        problem = page_problem(response)
        if problem:
            self.fail(problem)
            return
        page_url = canonical_url(response)
        try:
            reading = self.read(response, page_url)
        except RecursionError:
            self.fail(f"{response.url} nests its elements too deep to be read as a page "
                      "(thousands of levels); refusing to guess at its content")
            return
        problem = coverage.refusal(reading.roles, response.url) or language.mismatch(
            response, " ".join(block.text for block, role in reading.roles if role == "placed"),
            self.source.language)
        if problem:
            self.fail(problem)
            return
        yield Page(id=PAGE_ID, title=reading.title, intro=" ".join(reading.intro), url=page_url,
                   breadcrumbs=self.breadcrumbs(response),
                   announced=announced_count(reading.title))
        for position, cluster in enumerate(reading.of_kind("cluster"), start=1):
            name, tagline = split_heading(cluster.heading)
            yield Cluster(position=position, name=name, tagline=tagline,
                          description=" ".join(cluster.text), url=page_url,
                          website=self.website(response, cluster.links))
        for order, teaser in enumerate(reading.of_kind("article"), start=1):
            item = Article(title=teaser.heading, summary=" ".join(teaser.text),
                           url=public_url(teaser.url, response, page_url), order=order)
            host = urlparse(response.url).hostname
            if urlparse(teaser.url).hostname != host:
                self.crawler.stats.inc_value("speerpunt/offsite_refused")
                self.logger.warning("not following %s: outside %s", teaser.url, host)
                yield item
                continue
            yield self.request(teaser.url, callback=self.parse_article,
                               errback=self.article_failed, cb_kwargs={"item": item})

    def website(self, response, links: list[str]) -> str | None:
        """The first link of a cluster's section that leads off this site: its own site."""
        for href in links:
            url = response.urljoin(href)
            host = urlparse(url).hostname
            if urlparse(url).scheme in ("http", "https") and host \
                    and host not in self.allowed_domains:
                return url
        return None

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

    def parse_article(self, response, item: Article):
        """The article's own URL (after redirects) and its publication date when shown.

        A redirect to a page that is not the article (a home page, another article) is a
        failed article page: the teaser keeps what was last published for it (stale).
        """
        if not isinstance(response, HtmlResponse):
            yield item
            return
        if response.meta.get("redirect_urls") and not self.is_the_article(response, item):
            asked = response.meta["redirect_urls"][0]
            item.stale = f"{asked} redirects to {response.url}, which is not the article"
            self.logger.warning("article %s: %s", item.url, item.stale)
            yield item
            return
        item.url = public_url(canonical_url(response), response, item.url)
        shown = response.xpath(_PUBLISHED).get() or response.xpath(_TIME_AFTER_TITLE).get()
        if shown is not None:
            item.date = iso_date(shown)
            if item.date is None:
                item.stale = f"{response.url} shows a date that is not ISO 8601: {shown.strip()!r}"
                self.logger.warning("article %s: %s", item.url, item.stale)
        yield item

    @staticmethod
    def is_the_article(response, item: Article) -> bool:
        """The page reached declares the teaser's URL as canonical, or has its title."""
        if public_url(canonical_url(response), response, item.url) == item.url:
            return True
        titles = [response.xpath("//meta[@property='og:title']/@content").get(),
                  element_text(response.xpath("(//h1)[1]")) if response.xpath("//h1") else None]
        return any(title and same_title(title, item.title) for title in titles)

    def article_failed(self, failure):
        """A teaser whose article cannot be fetched: marked stale, so the run gives it the
        date and final URL last published."""
        item = failure.request.cb_kwargs["item"]
        item.stale = describe_failure(failure, self.crawled_host)
        self.logger.warning("article %s: %s", item.url, item.stale)
        yield item

    def refusal(self, records) -> str | None:
        """The page, at least one cluster, and as many clusters as the title announces."""
        pages = [record for record in records if isinstance(record, Page)]
        clusters = [record for record in records if isinstance(record, Cluster)]
        if not pages:
            return "no page was crawled"
        page = pages[0]  # named as crawled: a mirror is not the canonical site
        if not clusters:
            return f"no clusters found on {self.start_url}"
        if page.announced is not None and page.announced != len(clusters):
            return (f"{len(clusters)} clusters found but the title {page.title!r} "
                    f"announces {page.announced} on {self.start_url}")
        return None
