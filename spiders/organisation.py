"""The base of the organisation spiders: a cluster's own site as one Organisation record.

A crawl reads the site's home page (logo, contact data, social profiles, languages)
and then its about page (sources.json), whose main content is read as text blocks
(spiders/blocks.py): the blocks inside the spider's `content` element are the about
paragraphs, in order, each one catalog entry; the page title (the first h1) and the
blocks the spider names as `chrome` (a kicker, a date line, a back link) are chrome;
any other sentence-length text refuses the crawl (spiders/coverage.py), as does an
about page not written in the source's language (spiders/language.py). Every field
keeps the URL it was read from (`origin`).

The about page's other language versions (nl, fr, en: its `hreflang` alternates and
its language switcher's links on the site's hosts) are read by the same rules; a
version is not used when it cannot be fetched, declares another language than its
link says, or is plainly written in another one. They travel with the profile
(crawl-only) to the translation memory.

A site's spider declares only its facts: which source it harvests, where the about
text lies, what around it is chrome.
"""

from typing import ClassVar
from urllib.parse import urlsplit

import scrapy

from pipeline.items import Organisation, Version
from pipeline.sources import LOCALES, registry
from pipeline.text import normalise_text
from spiders import coverage, language, metadata
from spiders.base import BaseSpider
from spiders.blocks import read_blocks
from spiders.checks import describe_failure, page_problem
from spiders.clusters import canonical_url

_MAIN = ("//main", "//*[@role='main']", "//body")
REDIRECTS = [301, 302, 303, 307, 308]
MAX_HOPS = 5


class OrganisationSpider(BaseSpider):
    """Home page, then about page: one Organisation."""

    content: ClassVar[str] = "//main"  # the element holding the about text
    chrome: ClassVar[tuple[str, ...]] = ()  # elements of the main content that are not about

    def parse(self, response):
        """The home page: what the site says about itself in metadata and links."""
        problem = page_problem(response)
        if problem:
            self.fail(problem)
            return
        profile = Organisation(id=self.source.key, website=canonical_url(response),
                               order=list(registry()).index(self.source.key), origin={})
        self.read_metadata(response, profile)
        if self.source.about is None:
            yield self.finished(profile)
            return
        yield self.request(self.source.about, callback=self.parse_about,
                           errback=self.page_failed, cb_kwargs={"profile": profile})

    def parse_about(self, response, profile: Organisation):
        """The about page: its paragraphs, in the source's language; its metadata too; then
        its versions in the other languages."""
        blocks = self.about_blocks(response, self.source.language, version=False)
        if isinstance(blocks, str):
            self.fail(blocks)
            return
        profile.url = canonical_url(response)
        profile.about = [text for text, _ in blocks] or None
        profile.kinds = [kind for _, kind in blocks]
        profile.origin["about"] = profile.url
        profile.versions = {}
        self.read_metadata(response, profile)
        yield from self.next_version(profile, list(self.alternates(response).items()))

    def about_blocks(self, response, expected: str,
                     version: bool) -> list[tuple[str, str]] | str:
        """(text, element) of the about paragraphs, or why the page cannot be read as one
        in the expected language (version: as another language's version of it)."""
        problem = page_problem(response)
        if problem:
            return problem
        main = next(found for found in map(response.xpath, _MAIN) if found)[0].root
        content = response.xpath(self.content)
        if not content:
            return (f"{response.url} has no {self.content} to read the organisation from "
                    "(has the site changed its markup?)")
        # the elements themselves, held: lxml keeps one proxy per node while it is referenced
        inside = set(content[0].root.iter())
        chrome = {element for xpath in ("(//main//h1)[1]", *self.chrome)
                  for found in response.xpath(xpath) for element in found.root.iter()}
        try:
            read = read_blocks(main)
        except RecursionError:
            return f"{response.url} nests its elements too deep to be read as a page"
        roles, about = [], []
        for block in read:
            if block.element in chrome:
                roles.append((block, "chrome"))
            elif block.element in inside:
                roles.append((block, "placed"))
                about.append((block.text, block.tag))
            else:
                roles.append((block, "unplaced"))
        problem = coverage.refusal(roles, response.url) or language.mismatch(
            response, normalise_text(" ".join(text for text, _ in about)), expected, version)
        if problem:
            return problem
        for role, count in coverage.tally(roles).items():
            self.crawler.stats.inc_value(f"speerpunt/text/{role}", count)
        return about

    def alternates(self, response) -> dict[str, str]:
        """language -> URL of this page's other language versions on the site's hosts."""
        found = {}
        for link in response.xpath("//link[@rel='alternate'][@hreflang] | //a[@hreflang]"):
            tag = language.primary(link.attrib.get("hreflang"))
            url = response.urljoin(link.attrib.get("href", "").strip())
            host = urlsplit(url).hostname
            if tag in LOCALES and tag != self.source.language and tag not in found \
                    and host in self.allowed_domains and url != response.url:
                found[tag] = url
        return dict(sorted(found.items()))

    def next_version(self, profile: Organisation, todo: list[tuple[str, str]]):
        """Fetch the next language version, or yield the profile when none is left."""
        if not todo:
            yield self.finished(profile)
            return
        (tag, url), rest = todo[0], todo[1:]
        yield self.version_request(url, profile=profile, tag=tag, rest=rest, link=url, hops=0)

    def version_request(self, url: str, **kwargs) -> scrapy.Request:
        """A version may be a page this crawl fetched already (dont_filter: the duplicate
        filter would drop it without a word and stall the profile), so Scrapy's offsite
        check, which dont_filter turns off, is made here: redirects come back as
        responses and parse_version follows them only on the site's hosts."""
        return self.request(url, callback=self.parse_version, errback=self.version_failed,
                            cb_kwargs=kwargs, dont_filter=True,
                            meta={"dont_redirect": True, "handle_httpstatus_list": REDIRECTS})

    def parse_version(self, response, profile: Organisation, tag: str, rest: list, link: str,
                      hops: int):
        """A version is named by its link while it cannot be used (a redirect, or a
        canonical URL naming the source page it copies), by its canonical URL once read."""
        if response.status in REDIRECTS:
            target = response.urljoin(response.headers.get("Location", b"").decode("latin-1"))
            problem = (f"refused to leave {self.crawled_host}: redirected to {target}"
                       if urlsplit(target).hostname not in self.allowed_domains else
                       f"{link} redirects more than {MAX_HOPS} times (last to {target})"
                       if hops >= MAX_HOPS else None)
            if problem:
                profile.versions[tag] = Version(link, problem=problem)
                yield from self.next_version(profile, rest)
            else:
                yield self.version_request(target, profile=profile, tag=tag, rest=rest,
                                           link=link, hops=hops + 1)
            return
        blocks = self.about_blocks(response, tag, version=True)
        if isinstance(blocks, str):
            profile.versions[tag] = Version(link, problem=blocks)
        else:
            profile.versions[tag] = Version(canonical_url(response), blocks)
        yield from self.next_version(profile, rest)

    def version_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        kwargs["profile"].versions[kwargs["tag"]] = Version(
            kwargs["link"], problem=describe_failure(failure, self.crawled_host))
        yield from self.next_version(kwargs["profile"], kwargs["rest"])

    def read_metadata(self, response, profile: Organisation) -> None:
        """Fill what profile lacks from this page: logo, contact, links, languages."""
        data = metadata.organisation_data(response)
        found = {
            "logo": data.get("logo") or metadata.header_logo(response, self.source.name)
            or metadata.open_graph_image(response),
            "email": data.get("email") or metadata.linked_contact(response, "mailto:"),
            "phone": data.get("telephone") or metadata.linked_contact(response, "tel:"),
            "address": data.get("address"),
        }
        for name, value in found.items():
            if value and not getattr(profile, name):
                setattr(profile, name, value)
                profile.origin[name] = response.url
        links = metadata.social_links(response, data.get("sameAs", []))
        for platform, url in links.items():
            profile.links = {**(profile.links or {}), platform: url} \
                if platform not in (profile.links or {}) else profile.links
            profile.origin.setdefault("links", response.url)
        languages = metadata.languages(response)
        if languages - set(profile.languages or ()):
            profile.languages = sorted(languages | set(profile.languages or ()))
            profile.origin.setdefault("languages", response.url)

    def finished(self, profile: Organisation) -> Organisation:
        profile.origin = dict(sorted(profile.origin.items())) or None
        return profile

    def refusal(self, records) -> str | None:
        found = [record for record in records if isinstance(record, Organisation)]
        return None if len(found) == 1 else f"no profile of {self.source.name} was read"
