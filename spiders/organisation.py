"""The base of the organisation spiders: a cluster's own site as one Organisation record.

A crawl reads the site's home page (logo, contact data, social profiles, languages)
and then its about page (sources.json), whose main content is read as text blocks
(spiders/blocks.py): the blocks inside the spider's `content` element are the about
paragraphs, in order, each one catalog entry; the page title (the first h1) and the
blocks the spider names as `chrome` (a kicker, a date line, a back link) are chrome;
any other sentence-length text refuses the crawl (spiders/coverage.py), as does an
about page not written in the source's language (spiders/language.py). Every field
keeps the URL it was read from (`origin`).

A site's spider declares only its facts: which source it harvests, where the about
text lies, what around it is chrome.
"""

from typing import ClassVar

from pipeline.items import Organisation
from pipeline.sources import registry
from pipeline.text import normalise_text
from spiders import coverage, language, metadata
from spiders.base import BaseSpider
from spiders.blocks import read_blocks
from spiders.checks import page_problem
from spiders.clusters import canonical_url

_MAIN = ("//main", "//*[@role='main']", "//body")


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
        """The about page: its paragraphs, in the source's language; its metadata too."""
        problem = page_problem(response)
        if problem:
            self.fail(problem)
            return
        main = next(found for found in map(response.xpath, _MAIN) if found)[0].root
        content = response.xpath(self.content)
        if not content:
            self.fail(f"{response.url} has no {self.content} to read the organisation from "
                      "(has the site changed its markup?)")
            return
        # the elements themselves, held: lxml keeps one proxy per node while it is referenced
        inside = set(content[0].root.iter())
        chrome = {element for xpath in ("(//main//h1)[1]", *self.chrome)
                  for found in response.xpath(xpath) for element in found.root.iter()}
        roles, about = [], []
        try:
            blocks = read_blocks(main)
        except RecursionError:
            self.fail(f"{response.url} nests its elements too deep to be read as a page")
            return
        for block in blocks:
            if block.element in chrome:
                roles.append((block, "chrome"))
            elif block.element in inside:
                roles.append((block, "placed"))
                about.append(block.text)
            else:
                roles.append((block, "unplaced"))
        text = " ".join(about)
        problem = coverage.refusal(roles, response.url) \
            or language.mismatch(response, normalise_text(text), self.source.language)
        if problem:
            self.fail(problem)
            return
        for role, count in coverage.tally(roles).items():
            self.crawler.stats.inc_value(f"speerpunt/text/{role}", count)
        profile.url = canonical_url(response)
        profile.about = about or None
        profile.origin["about"] = profile.url
        self.read_metadata(response, profile)
        yield self.finished(profile)

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
