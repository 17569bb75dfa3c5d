"""The translation memory: units of (source, target) text and their TMX 1.4b files.

A unit is one translation seen once: the source-language text of a field, its
translation, where it was seen (`origin`: the URL of a site's own language
version, or the name of a TMX file an agency sent), the msgctxt it was made for
(`context`, when known) and the date it was seen.

TMX as written here (`dump_tmx`), one `<tu>` per unit, two `<tuv>`s:

    <tu creationdate="20260301T000000Z">
      <prop type="x-context">organisation/flanders-food/about/2</prop>
      <prop type="x-origin">https://www.flandersfood.com/nl/over-ons</prop>
      <tuv xml:lang="en"><seg>About us</seg></tuv>
      <tuv xml:lang="nl"><seg>Over ons</seg></tuv>
    </tu>

- `x-context` is the name translate-toolkit itself reads and writes as a unit's
  context (tmxunit.getcontext/setcontext), so translate-toolkit and Weblate (which
  reads TMX through it) show our msgctxt as the unit's context. It is lower case on
  purpose: Trados writes `x-Context` holding segment hashes, never read as ours.
- `x-origin` says where the pair comes from; no tool has a standard field for it,
  and the TMX standard leaves every `x-` prop type to the user.
- `seen` is the `<tu>`'s own `creationdate` (TMX's date field, which OmegaT, Trados
  and Weblate show and keep), at midnight UTC; a prop beside it would be a second
  date that a tool editing the unit could leave disagreeing. The header's
  creationdate is the latest `seen`, so nothing here reads a clock.

Units are merged (one copy per source, target, context and language pair, the
latest `seen` kept) and sorted before writing, so writing an unchanged memory again
gives the same bytes.

Reading (`read_tmx`) takes our own files and those of OmegaT, Trados and other
tools: languages are reduced to their primary subtag (`en-GB` -> `en`); a
multilingual `<tu>` gives one unit per target language; the date is the target
`<tuv>`'s changedate or creationdate, else the `<tu>`'s, else the header's, else
the file's modification date. Inline codes inside `<seg>` (`<bpt>`, `<ept>`,
`<it>`, `<ph>`, `<ut>`) hold the original document's markup (`&lt;b&gt;`); they
are dropped and the text around them kept, `<hi>` is kept as its text, because
our catalogs hold the sites' plain, normalised text and only plain text can match
it. Texts are normalised as the catalogs' are (pipeline.text.normalise_text).

A broken file is refused whole, in one line `FILE:LINE: why` (RunFailed). The
parser resolves no entity and loads nothing, from the network or from disk; a
DOCTYPE declaring an entity is refused, so an XXE or entity-expansion file never
gets further than its DOCTYPE.
"""

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from lxml import etree

from pipeline.errors import RunFailed
from pipeline.files import open_regular
from pipeline.text import normalise_text

CREATION_TOOL = "speerpunt"
# The version of what dump_tmx writes (TMX's creationtoolversion): raised only when
# the bytes written for the same units change, so a release alone rewrites nothing.
WRITER_VERSION = "1"
TMX_VERSIONS = frozenset({"1.1", "1.2", "1.3", "1.4", "1.4b"})
CONTEXT_PROP = "x-context"
ORIGIN_PROP = "x-origin"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INLINE_CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_SEEN = re.compile(r"\d{4}-\d{2}-\d{2}")
_TMX_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ][\d:]*(?:\.\d+)?Z?)?")
_POSITION = re.compile(r", line \d+, column \d+$")


@dataclass(frozen=True)
class Unit:
    source: str  # source-language text (normalised)
    target: str  # its translation (normalised)
    source_lang: str  # primary language subtag: "en", "nl", "fr"
    target_lang: str
    origin: str  # a URL (a site's own language version) or a TMX file's name
    context: str | None  # the msgctxt it was made for, if any
    seen: str  # the date it was seen, YYYY-MM-DD


def primary_language(tag: str) -> str:
    """The primary subtag of a language tag, lower case: `en-GB` -> `en`, `pt_BR` -> `pt`."""
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


# ---------------------------------------------------------------- merging and writing


def _identity(unit: Unit) -> tuple:
    return unit.source, unit.target, unit.context, unit.source_lang, unit.target_lang


def _order(unit: Unit) -> tuple:
    return (unit.source_lang, unit.target_lang, unit.source, unit.context is not None,
            unit.context or "", unit.target)


def merged(units: list[Unit]) -> list[Unit]:
    """One copy of each (source, target, context, languages), the one seen last (of those
    seen the same day, the first origin in code-point order); sorted by languages, source,
    context and target."""
    kept: dict[tuple, Unit] = {}
    for unit in units:
        key = _identity(unit)
        other = kept.get(key)
        if other is None or (unit.seen, other.origin) > (other.seen, unit.origin):
            kept[key] = unit
    return sorted(kept.values(), key=_order)


def _check(unit: Unit) -> None:
    """Refuse a unit dump_tmx could not write faithfully (a programming error)."""
    for name in ("source", "target", "origin"):
        value = getattr(unit, name)
        if not value or normalise_text(value) != value:
            raise ValueError(f"unit {name} must be non-empty normalised text: {unit!r}")
    if unit.context is not None and (not unit.context or normalise_text(unit.context)
                                     != unit.context):
        raise ValueError(f"unit context must be None or non-empty normalised text: {unit!r}")
    for name in ("source_lang", "target_lang"):
        if not _LANGUAGE.fullmatch(getattr(unit, name)):
            raise ValueError(f"unit {name} must be a lower-case primary subtag: {unit!r}")
    if unit.source_lang == unit.target_lang:
        raise ValueError(f"unit source and target languages are the same: {unit!r}")
    if not _SEEN.fullmatch(unit.seen):
        raise ValueError(f"unit seen must be YYYY-MM-DD: {unit!r}")
    date.fromisoformat(unit.seen)


def _tmx_date(seen: str) -> str:
    return seen.replace("-", "") + "T000000Z"


def dump_tmx(units: list[Unit]) -> bytes:
    """A TMX 1.4b file of the units, merged and sorted: the same bytes for the same units."""
    units = merged(units)
    for unit in units:
        _check(unit)
    sources = sorted({unit.source_lang for unit in units})
    single = sources[0] if len(sources) == 1 else None
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header")
    for name, value in (("creationtool", CREATION_TOOL), ("creationtoolversion", WRITER_VERSION),
                        ("segtype", "paragraph"), ("o-tmf", CREATION_TOOL),
                        ("adminlang", "en"), ("srclang", single or "*all*"),
                        ("datatype", "plaintext")):
        header.set(name, value)
    if units:
        header.set("creationdate", _tmx_date(max(unit.seen for unit in units)))
    body = etree.SubElement(root, "body")
    for unit in units:
        tu = etree.SubElement(body, "tu", creationdate=_tmx_date(unit.seen))
        if single is None:  # a memory of several source languages: each <tu> says its own
            tu.set("srclang", unit.source_lang)
        if unit.context is not None:
            etree.SubElement(tu, "prop", type=CONTEXT_PROP).text = unit.context
        etree.SubElement(tu, "prop", type=ORIGIN_PROP).text = unit.origin
        for language, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: language})
            etree.SubElement(tuv, "seg").text = text
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True))


# ---------------------------------------------------------------- reading


class _Refused(Exception):
    def __init__(self, line: int | None, why: str):
        super().__init__(why)
        self.line = line or 1
        self.why = why


def _doctype_line(data: bytes) -> int:
    at = data.find(b"<!DOCTYPE")
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def _normalised(text: str) -> str:
    """normalise_text(text), without its passes for the common text that is already so."""
    if text.isascii() and text.isprintable() and "  " not in text and text == text.strip():
        return text
    return normalise_text(text)


def _seg_text(element: etree._Element) -> str:
    """The plain text of a <seg> (or <hi>): inline codes dropped, the text around them kept."""
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # an entity reference left unresolved
            raise _Refused(child.sourceline, f"unresolved entity {child!s} in <seg>")
        if child.tag == "hi":
            parts.append(_seg_text(child))
        elif child.tag not in INLINE_CODES:
            raise _Refused(child.sourceline, f"<{child.tag}> is not TMX inline markup")
        parts.append(child.tail or "")
    return "".join(parts)


def _date(element: etree._Element) -> str | None:
    """YYYY-MM-DD of the element's changedate, else its creationdate, else None."""
    for name in ("changedate", "creationdate"):
        value = element.get(name)
        if value is not None:
            day = _day(value)
            if day is None:
                raise _Refused(element.sourceline,
                               f"{name} {value!r} is not a date (YYYYMMDDThhmmssZ)")
            return day
    return None


@lru_cache(maxsize=4096)
def _day(value: str) -> str | None:
    match = _TMX_DATE.fullmatch(value.strip())
    try:
        return date(*(int(part) for part in match.groups())).isoformat() if match else None
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _language(tag: str) -> str | None:
    """The primary subtag of a TMX language tag, or None when it is none."""
    language = primary_language(tag)
    return language if _LANGUAGE.fullmatch(language) else None


class _Reader:
    """The units of one TMX file, <tu> after <tu>: each one dropped once read."""

    def __init__(self, name: str, modified: str):
        self.name, self.modified = name, modified
        self.units: list[Unit] = []
        self.source: str | None = None  # the header's srclang, once the header is checked
        self.seen = modified

    def start(self, root: etree._Element, data: bytes) -> None:
        """Check the document's DOCTYPE, root and header, before any unit is read."""
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None:
            entities = [entity.name for entity in dtd.iterentities()]
            if entities:
                raise _Refused(_doctype_line(data),
                               f"the DOCTYPE declares entities ({', '.join(entities)}): "
                               "refused, never resolved")
        if root.tag != "tmx":
            raise _Refused(root.sourceline,
                           f"not a TMX file: the root element is <{root.tag}>")
        version = root.get("version")
        if version is None:
            raise _Refused(root.sourceline, "<tmx> has no version")
        if version not in TMX_VERSIONS:
            raise _Refused(root.sourceline,
                           f"unknown TMX version {version!r} (1.1 to 1.4 are read)")
        header = root.find("header")
        if header is None:
            raise _Refused(root.sourceline, "<tmx> has no <header>")
        self.source = header.get("srclang")
        if not self.source:
            raise _Refused(header.sourceline, "<header> has no srclang")
        self.seen = _date(header) or self.modified

    def tu(self, tu: etree._Element) -> None:
        source_tag = tu.get("srclang") or self.source
        if source_tag == "*all*":
            raise _Refused(tu.sourceline, "srclang is *all*: no source language to read "
                                          "this <tu> from")
        source_lang = _language(source_tag)
        if source_lang is None:
            raise _Refused(tu.sourceline, f"{source_tag!r} is not a language tag")
        source = None
        targets, props = [], {}
        for child in tu:
            tag = child.tag
            if tag == "tuv":
                language = child.get(XML_LANG) or child.get("lang")  # lang: TMX 1.1
                if not language:
                    raise _Refused(child.sourceline, "<tuv> has no xml:lang")
                target_lang = _language(language)
                if target_lang is None:
                    raise _Refused(child.sourceline, f"{language!r} is not a language tag")
                seg = child.find("seg")
                if seg is None:
                    raise _Refused(child.sourceline, "<tuv> has no <seg>")
                text = _normalised(_seg_text(seg))
                if target_lang != source_lang:
                    targets.append((target_lang, child, text))
                elif source is None or language.lower() == source_tag.lower():
                    source = text  # the first in the source language, or the exact variant
            elif tag == "prop":
                kind = child.get("type")
                if kind in (CONTEXT_PROP, ORIGIN_PROP):
                    if kind in props:
                        raise _Refused(child.sourceline,
                                       f'two <prop type="{kind}"> in one <tu>')
                    props[kind] = _normalised(_seg_text(child))
        if source is None:
            raise _Refused(tu.sourceline,
                           f"<tu> has no <tuv> in its source language {source_tag}")
        if not source:
            return
        tu_seen = _date(tu) or self.seen
        origin, context = props.get(ORIGIN_PROP) or self.name, props.get(CONTEXT_PROP)
        for target_lang, tuv, text in targets:
            if text:
                self.units.append(Unit(source, text, source_lang, target_lang, origin, context,
                                       _date(tuv) or tu_seen))


def _syntax_error(error: etree.XMLSyntaxError) -> tuple[int, str]:
    """(line, why) of a syntax error. iterparse at times says only "no element found" at
    line 0; libxml2's own word on it is then the last error of its log."""
    line, message = error.lineno, str(error.msg)
    if not line:
        errors = [entry for entry in error.error_log
                  if entry.level >= etree.ErrorLevels.ERROR]
        if errors:
            line, message = errors[-1].line, errors[-1].message
    message = _POSITION.sub("", " ".join(message.split())) or "syntax error"
    return line, f"not well-formed XML: {message}"


def _read(data: bytes, name: str, modified: str) -> list[Unit]:
    """Stream the <tu>s, each checked, read and dropped (the tree never holds them all).
    The parser resolves no entity and loads nothing: no DTD, no network."""
    reader = _Reader(name, modified)
    events = etree.iterparse(BytesIO(data), events=("end",), tag="tu", resolve_entities=False,
                             no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    root = None
    try:
        for _, tu in events:
            if root is None:
                root = tu.getroottree().getroot()
                reader.start(root, data)
            parent = tu.getparent()
            if parent is None or parent.tag != "body" or parent.getparent() is not root:
                raise _Refused(tu.sourceline, "<tu> outside the <body> of <tmx>")
            reader.tu(tu)
            tu.clear(keep_tail=True)
            while tu.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise _Refused(*_syntax_error(error)) from None
    if root is None:  # no <tu> at all: the document is still checked
        root = events.root
        reader.start(root, data)
    if root.find("body") is None:
        raise _Refused(root.sourceline, "<tmx> has no <body>")
    return reader.units


def read_tmx(path: Path) -> list[Unit]:
    """The units of a TMX file, in the file's order; a broken file raises RunFailed with
    one line `FILE:LINE: why`."""
    try:
        data = path.read_bytes()
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    except OSError as error:
        raise RunFailed(f"{path}: cannot read the translation memory: "
                        f"{error.strerror or error}") from None
    try:
        return _read(data, path.name, modified)
    except _Refused as refused:
        raise RunFailed(f"{path}:{refused.line}: {refused.why}") from None


def read_memory(path: Path) -> list[Unit]:
    """The units of a memory file speerpunt keeps (locales/<lang>/memory.tmx), [] when
    there is none yet; read as read_tmx reads, through files.open_regular (a symlink, a
    FIFO or a directory there is refused)."""
    try:
        handle = open_regular(path)
        if handle is None:
            return []
        with handle:
            data = handle.read()
            modified = datetime.fromtimestamp(os.fstat(handle.fileno()).st_mtime, UTC)
    except OSError as error:
        raise RunFailed(f"{path}: cannot read the translation memory: "
                        f"{error.strerror or error}") from None
    try:
        return _read(data, path.name, modified.date().isoformat())
    except _Refused as refused:
        raise RunFailed(f"{path}:{refused.line}: {refused.why}") from None
