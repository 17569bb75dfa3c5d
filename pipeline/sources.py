"""The registry of sources: every site speerpunt harvests, with the facts each run needs.

A source is one site (or one page of a site) harvested by one spider: its key,
its spider's name, where a crawl starts, the hosts its published URLs may name,
the language its text is written in and the gettext domain that text lands in.
`sources.json` beside this module is the registry a maintainer reviews; the
overview page (the list of clusters) is the source `clusters`.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit

LOCALES = ("en", "nl", "fr")  # the locales every export is written in
OVERVIEW = "clusters"  # the key of the overview page's source
REGISTRY = files("pipeline") / "sources.json"  # read from a Scrapyd egg too


@dataclass(frozen=True)
class Source:
    """One harvested site: what its spider crawls and how its text is published."""

    key: str  # "clusters" for the overview, else the cluster's id
    spider: str  # the name `scrapy crawl` takes
    start_url: str  # the live URL a crawl starts from
    hosts: tuple[str, ...]  # the hosts its records may name; the first is canonical
    language: str  # the language of the text it publishes (the catalogs' source language)
    domain: str  # its gettext domain: locales/<domain>.pot, locales/<lang>/LC_MESSAGES/<domain>.po
    name: str = ""  # what people call it (the organisation's name)
    website: str | None = None  # an organisation's home page
    about: str | None = None  # the page where it presents itself (None: it has none)

    @property
    def host(self) -> str:
        return self.hosts[0]

    @property
    def overview(self) -> bool:
        return self.key == OVERVIEW


def _source(entry: dict) -> Source:
    hosts = tuple(entry.get("hosts") or (urlsplit(entry["start_url"]).hostname,))
    return Source(key=entry["key"], spider=entry["spider"], start_url=entry["start_url"],
                  hosts=hosts, language=entry["language"],
                  domain=entry.get("domain", entry["key"]), name=entry.get("name", ""),
                  website=entry.get("website"), about=entry.get("about"))


def organisations() -> dict[str, Source]:
    """The organisations' sources by cluster id, in registry order."""
    return {key: found for key, found in registry().items() if key != OVERVIEW}


@cache
def registry() -> dict[str, Source]:
    """Every source by key, in the registry's order (the overview first)."""
    entries = json.loads(REGISTRY.read_text(encoding="utf-8"))["sources"]
    return {entry["key"]: _source(entry) for entry in entries}


def source(key: str) -> Source:
    return registry()[key]


def domains() -> dict[str, Source]:
    """The source of each gettext domain, in registry order."""
    return {found.domain: found for found in registry().values()}
