"""Typed items: the records a crawl harvests and a run publishes.

Each record type declares its fields in the order records.jsonl writes them, and
on each field what it is: translatable (with the comment a translator sees),
optional (absent where the site does not say it), or crawl-only (facts the crawl
passes on to the run, never published). Everything downstream (the template,
exports, the preview, the guard, the report) reads these declarations instead of
keeping tables of its own.
"""

import functools
import types
import typing
from dataclasses import dataclass, field, fields
from typing import ClassVar

from pipeline.sources import OVERVIEW, registry


def text(comment: str, optional: bool = False):
    """A field a translator translates; comment is shown in the catalog ({name} etc. filled)."""
    return field(default=None if optional else "",
                 metadata={"translatable": comment, "optional": optional})


def optional(default=None):
    """A published field the site may not state."""
    return field(default=default, metadata={"optional": True})


def crawl_only(default=None):
    """A fact for the run (a count, a reason), never written to records.jsonl."""
    return field(default=default, metadata={"crawl_only": True}, compare=False)


@dataclass(kw_only=True)
class Record:
    """What every record has: a type and an id."""

    kind: ClassVar[str] = ""
    rank: ClassVar[int] = 0  # records.jsonl order: by rank, then position

    id: str = ""
    unsafe_url: str | None = crawl_only()  # its own URL, dropped as unsafe for the crawled one

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"

    @property
    def source(self) -> str:
        """The key of the source this record comes from (sources.json)."""
        return OVERVIEW

    @property
    def position(self) -> int:
        return 0

    @classmethod
    def published_fields(cls):
        return [f for f in fields(cls) if not f.metadata.get("crawl_only")]

    @classmethod
    def translatable(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if "translatable" in f.metadata)

    def comment_values(self) -> dict:
        """What the translator's comments may name: the record's fields."""
        return self.to_dict()

    def messages(self):
        """(field key, source text, comment) of every translatable text, in field order;
        a list field gives one message per item (`about/1`, `about/2`, ...)."""
        values = None  # made only for a comment that names a field
        for name, comment in _translatable(type(self)):
            value = getattr(self, name)
            if value in (None, ""):
                continue
            if values is None and "{" in comment:
                values = self.comment_values()
            if isinstance(value, list):
                for number, item in enumerate(value, start=1):
                    yield (f"{name}/{number}", item,
                           comment.format(**values, number=number) if "{" in comment
                           else comment)
            else:
                yield name, value, comment.format(**values) if "{" in comment else comment

    def missing(self) -> str | None:
        """The first required field that is empty, or None."""
        for spec in self.published_fields():
            if not spec.metadata.get("optional") and getattr(self, spec.name) in (None, ""):
                return spec.name
        return None

    def to_dict(self) -> dict:
        """The record as records.jsonl holds it: type first, fields in declared order,
        an optional field only when it has a value."""
        data = {"type": self.kind}
        for spec in self.published_fields():
            value = getattr(self, spec.name)
            if spec.metadata.get("optional") and value in (None, "", [], {}):
                continue
            data[spec.name] = value
        return data


@dataclass(kw_only=True)
class Page(Record):
    """The overview page itself."""

    kind: ClassVar[str] = "page"
    rank: ClassVar[int] = 0

    title: str = text("Title of the page, shown as its main heading.")
    intro: str = text("Introduction of the page, shown under its title.")
    url: str = ""
    breadcrumbs: list[str] = field(default_factory=list)
    announced: int | None = crawl_only()  # the number of clusters the title announces


@dataclass(kw_only=True)
class Cluster(Record):
    """One spearhead cluster as the overview page presents it."""

    kind: ClassVar[str] = "cluster"
    rank: ClassVar[int] = 1

    position: int = 0
    name: str = text("Name of the cluster {name}, shown as the heading of its section.")
    tagline: str = text("Tagline of the cluster {name}, shown after its name.")
    description: str = text("Description of the cluster {name}, shown under its heading.")
    url: str = ""
    website: str | None = optional()  # its organisation's site (sources.json, or the page)


@dataclass(kw_only=True)
class Article(Record):
    """An article teaser of the overview page, dated from the article's own page."""

    kind: ClassVar[str] = "article"
    rank: ClassVar[int] = 2

    title: str = text("Title of an article teaser, shown as the link to the article.")
    summary: str = text("Summary of the article teaser “{title}”, shown under its title.")
    url: str = ""
    date: str | None = optional()
    order: int = crawl_only(0)  # its place among the teasers
    stale: str | None = crawl_only()  # why its own page could not be read

    @property
    def position(self) -> int:
        return self.order


@dataclass
class Version:
    """An about page in another language, as its site publishes it (for the memory)."""

    url: str
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (text, element), in order
    problem: str | None = None  # why it is not used: unreachable, not in its language...


@dataclass(kw_only=True)
class Organisation(Record):
    """A cluster's organisation as its own site presents it; id = the cluster's id."""

    kind: ClassVar[str] = "organisation"
    rank: ClassVar[int] = 3

    website: str = ""  # its home page
    url: str = ""  # its about page
    about: list[str] = text("Paragraph {number} of {name}'s own presentation on its site.",
                            optional=True)
    logo: str | None = optional()
    email: str | None = optional()
    phone: str | None = optional()
    address: str | None = optional()
    links: dict[str, str] = optional(None)  # social profiles: linkedin, x, youtube, facebook
    languages: list[str] = optional(None)  # the languages the site publishes
    origin: dict[str, str] = optional(None)  # each field -> the URL it was read from
    stale: dict[str, str] = optional(None)  # {"reason", "since"}: its site could not be read
    order: int = crawl_only(0)  # its place in the registry
    kinds: list[str] = crawl_only(None)  # the element of each about paragraph (p, h2, li...)
    versions: dict = crawl_only(None)  # language -> Version: the about page in that language

    @property
    def source(self) -> str:
        return self.id

    @property
    def position(self) -> int:
        return self.order

    def comment_values(self) -> dict:
        found = registry().get(self.id)
        return {**self.to_dict(), "name": found.name if found else self.id}


RECORD_TYPES: dict[str, type[Record]] = {kind.kind: kind for kind in
                                         (Page, Cluster, Article, Organisation)}


def sort_records(records: list[Record]) -> list[Record]:
    """records.jsonl order: by type (page, clusters, articles, ...), then place on the page."""
    return sorted(records, key=lambda record: (record.rank, record.position))


def from_dict(data) -> Record:
    """A record read back from records.jsonl; ValueError naming what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, not {type(data).__name__}")
    kind = RECORD_TYPES.get(data.get("type"))
    if kind is None:
        raise ValueError(f"unknown record type {data.get('type')!r}")
    specs = _published(kind)
    unknown = [name for name in data if name != "type" and name not in specs]
    if unknown:
        raise ValueError(f"{kind.kind} record has an unknown field {unknown[0]!r}")
    values = {}
    for name, spec in specs.items():
        if name not in data:
            if spec.metadata.get("optional"):
                continue
            raise ValueError(f"{kind.kind} record lacks its field {name!r}")
        if not _fits(data[name], spec.type):
            raise ValueError(f"{kind.kind} record's {name!r} is not {_shown(spec.type)}")
        values[name] = data[name]
    return kind(**values)


@functools.cache  # a type's fields, once per type rather than once per record read
def _published(kind: type[Record]) -> dict:
    return {spec.name: spec for spec in kind.published_fields()}


@functools.cache  # a type's translatable fields and their comments, in declared order
def _translatable(kind: type[Record]) -> tuple[tuple[str, str], ...]:
    return tuple((spec.name, spec.metadata["translatable"]) for spec in fields(kind)
                 if "translatable" in spec.metadata)


@functools.cache
def _shape(expected) -> tuple:
    return typing.get_origin(expected), typing.get_args(expected)


def _fits(value, expected) -> bool:
    origin, arguments = _shape(expected)
    if origin in (types.UnionType, typing.Union):
        return any(_fits(value, argument) for argument in arguments)
    if expected is type(None):
        return value is None
    if origin is list:
        return isinstance(value, list) and all(_fits(item, arguments[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _fits(k, arguments[0]) and _fits(v, arguments[1]) for k, v in value.items())
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _shown(expected) -> str:
    return {str: "a string", int: "a number"}.get(expected, str(expected).replace("typing.", ""))


@dataclass
class Harvest:
    """What one spider's crawl produced, for the run to publish or refuse."""

    source: str  # the source key
    records: list[Record] = field(default_factory=list)
    failure: str | None = None  # why nothing of this source may be published
    url: str = ""  # the URL the crawl started from (as crawled, credentials stripped)
    unsafe: list[tuple[str, str]] = field(default_factory=list)  # (record key, URL) dropped
    stats: dict[str, int | float] = field(default_factory=dict)  # numbers only

    @property
    def announced(self) -> int | None:
        return next((record.announced for record in self.records
                     if isinstance(record, Page)), None)

    @property
    def stale(self) -> list[tuple[str, str]]:
        """(record key, reason) of every record whose own page could not be read."""
        return [(record.key, record.stale) for record in self.records
                if getattr(record, "stale", None)]
