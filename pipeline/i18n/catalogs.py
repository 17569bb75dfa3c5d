"""Each domain's en/nl/fr catalogs kept in step with its template; no translation is lost.

The merge is exact and linear: entries are matched by msgctxt, never by
similarity, so a translation can only stay with its own place on the page.
Every source's texts form one gettext domain whose source language is the
source's (sources.json): a site written in Dutch has Dutch msgids.
"""

import gettext
import hashlib
import re
import struct
from dataclasses import dataclass, field
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.files import open_regular
from pipeline.i18n import glossary, po
from pipeline.i18n.prefill import Memory, prefill, suggestion
from pipeline.i18n.reading import completeness, shown
from pipeline.i18n.template import build_template
from pipeline.items import Record
from pipeline.layout import Layout
from pipeline.sources import LOCALES, OVERVIEW, domains
from pipeline.sources import source as source_of

# (msgctxt, msgid) of the message in our .mo files holding the sha256 of their .po's bytes
SOURCE_STAMP = ("speerpunt/source", "sha256")
HEADER_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
                "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
                "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms")


def template_path(locales: Path, domain: str = OVERVIEW) -> Path:
    return Layout(Path(), locales).template(domain)


def po_path(locales: Path, language: str, domain: str = OVERVIEW) -> Path:
    return Layout(Path(), locales).catalog(domain, language)


def mo_path(locales: Path, language: str, domain: str = OVERVIEW) -> Path:
    return Layout(Path(), locales).compiled(domain, language)


def read_catalog(path: Path) -> po.Catalog | None:
    """The catalog at path, None when there is none yet; RunFailed (file:line) when corrupt."""
    return read_catalog_bytes(path)[0]


def read_catalog_bytes(path: Path) -> tuple[po.Catalog | None, str | None]:
    """The catalog at path and the sha256 of the very bytes it was read from (None, None
    when there is no file); RunFailed (file:line) when corrupt."""
    try:
        handle = open_regular(path)
        if handle is None:
            return None, None
        with handle:
            # The digest first: a save after it makes the commit refuse (expect), where a
            # digest taken after the parse could vouch for bytes the merge never read.
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            return po.read_from(handle, path), digest
    except po.POError as error:
        raise RunFailed(str(error)) from None
    except OSError as error:
        raise RunFailed(f"{path}: cannot read: {error.strerror}") from None


@dataclass
class MergeReport:
    """What a merge did to one catalog, as msgctxt lists."""

    new: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    unfuzzied: list[str] = field(default_factory=list)
    obsolete: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # context-less, matched by their text
    charset: str = "UTF-8"  # what the catalog declared; it is written back as UTF-8

    def joined(self, other: "MergeReport") -> "MergeReport":
        """Both merges together (one language's catalogs of several domains)."""
        lists = {name: getattr(self, name) + getattr(other, name) for name in
                 ("new", "fuzzy", "unfuzzied", "obsolete", "restored", "recovered")}
        return MergeReport(**lists, charset=other.charset if self.charset == "UTF-8"
                           else self.charset)


def merge(template: po.Catalog, catalog: po.Catalog) -> tuple[list[po.Entry], MergeReport]:
    """The catalog's entries brought in line with the template, keyed by msgctxt."""
    report = MergeReport(charset=catalog.charset)
    contexts = {source.msgctxt for source in template.entries}
    live, stray = {}, []  # live: by template context; stray: any other live entry
    for entry in catalog.entries:
        if not entry.obsolete:
            if entry.msgctxt in contexts and entry.msgctxt not in live:
                live[entry.msgctxt] = entry
            else:
                stray.append(entry)
    _recover(template, live, stray, report)
    obsolete: dict[str | None, list[po.Entry]] = {}
    for entry in catalog.entries:
        if entry.obsolete:
            obsolete.setdefault(entry.msgctxt, []).append(entry)
    merged = []
    for source in template.entries:
        context = source.msgctxt
        entry = live.pop(context, None)
        if entry is None and context in obsolete:
            entry = _restore(obsolete, source)
            report.restored.append(context)
        if entry is None:
            entry = po.Entry(msgid=source.msgid, msgctxt=context)
            report.new.append(context)
        else:
            _follow_source(entry, source.msgid, report)
        entry.extracted = source.extracted  # shared with the template: never mutated
        entry.references = source.references
        merged.append(entry)
    left = {id(entry) for entry in [*live.values(), *stray]}
    gone = [entry for entry in catalog.entries
            if id(entry) in left and not entry.obsolete and entry.translated]
    for entry in gone:
        entry.obsolete = True
        report.obsolete.append(entry.msgctxt)
    kept = [entry for entries in obsolete.values() for entry in entries]
    kept.sort(key=lambda entry: entry.line)
    gone_keys = {entry.key for entry in gone}
    kept = [entry for entry in kept if entry.key not in gone_keys]
    return merged + kept + gone, report


def _recover(template: po.Catalog, live: dict, stray: list[po.Entry],
             report: MergeReport) -> None:
    """A translated entry without msgctxt (an XLIFF round trip strips them) goes back to
    the one template entry with the same source text, unless that one is translated."""
    lost = [entry for entry in stray if entry.msgctxt is None and entry.translated]
    if not lost:
        return
    sources: dict[str, str | None] = {}  # msgid -> its one context (None: several)
    for source in template.entries:
        sources[source.msgid] = None if source.msgid in sources else source.msgctxt
    for entry in lost:
        context = sources.get(entry.msgid)
        current = live.get(context)
        if context is not None and (current is None or not current.translated):
            entry.msgctxt = context
            live[context] = entry
            stray.remove(entry)
            report.recovered.append(context)


def _restore(obsolete: dict, source: po.Entry) -> po.Entry:
    """The obsolete entry for source's context, preferring one with the same text."""
    candidates = obsolete[source.msgctxt]
    same = [entry for entry in candidates if entry.msgid == source.msgid]
    entry = (same or candidates)[-1]
    candidates.remove(entry)
    if not candidates:
        del obsolete[source.msgctxt]
    entry.obsolete = False
    return entry


def _follow_source(entry: po.Entry, text: str, report: MergeReport) -> None:
    """Same context, maybe new text: keep the translation, mark fuzzy with the old text."""
    if entry.msgid == text:
        return
    context = entry.msgctxt
    if entry.fuzzy and entry.previous_msgid == text:
        entry.set_fuzzy(False)
        entry.previous_msgid = entry.previous_msgctxt = None
        report.unfuzzied.append(context)
    elif entry.translated:
        if not entry.fuzzy or entry.previous_msgid is None:
            entry.previous_msgid = entry.msgid
        entry.set_fuzzy(True)
        report.fuzzy.append(context)
    entry.msgid = text


def catalog_header(language: str, template: po.Catalog, existing: po.Catalog | None,
                   domain: str = OVERVIEW) -> po.Entry:
    """A valid header that leaves alone what Weblate or Poedit wrote.

    Template fields, Language and a Plural-Forms meaning Babel's rule are enforced;
    every other field (X-Generator, Last-Translator, Language-Team...) and the
    order of the fields stay as the catalog has them, so a round trip through a
    translation tool and back through a run that changes no source is not a diff.
    """
    from babel import Locale

    old = existing.header_fields() if existing else {}
    fields = {**old, **{k: v for k, v in template.header_fields().items()
                        if k in ("Project-Id-Version", "Report-Msgid-Bugs-To",
                                 "POT-Creation-Date", "MIME-Version", "Content-Type",
                                 "Content-Transfer-Encoding")}}
    fields.setdefault("PO-Revision-Date", fields["POT-Creation-Date"])
    fields.setdefault("Last-Translator", "")
    if "Language-Team" not in fields:
        fields["Language-Team"] = Locale.parse(language).english_name
    fields["Language"] = language
    fields["Plural-Forms"] = plural_forms(language, old.get("Plural-Forms"))
    names = [*old, *HEADER_ORDER]  # the catalog's own order; fields it lacks in GNU's order
    ordered = {name: fields.pop(name) for name in names if name in fields}
    ordered.update(fields)
    what = "the “7 spearhead clusters” page" if domain == OVERVIEW \
        else f"the site of {source_of(domain).name}"
    header = po.Entry(msgid="", comments=existing.header.comments if existing else [
        f"{Locale.parse(language).english_name} translation of {what}.",
    ])
    po.Catalog(header, []).set_header_fields(ordered)
    return header


_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+?)\s*;?\s*")


@cache  # every domain asks again for the same few (language, spelling) pairs
def plural_forms(language: str, written: str | None) -> str:
    """Babel's Plural-Forms for language, or the catalog's spelling of the same rule.

    Weblate writes `plural=n != 1;` where Babel writes `plural=(n != 1);`. Two
    rules are the same when they choose the same form for every n tried: 0-999,
    a sample up to 10^7, 10^6 and 10^9 (where CLDR rules such as French's differ).
    """
    from babel.messages.plurals import get_plural

    rule = get_plural(language)
    if written == rule.plural_forms:
        return written  # Babel's own spelling: nothing to prove
    match = _PLURAL_FORMS.fullmatch(written or "")
    if match is None or int(match.group(1)) != rule.num_plurals:
        return rule.plural_forms
    ours = gettext.c2py(rule.plural_expr)
    counts = [*range(1000), *range(1000, 10**7, 9973), 10**6, 10**9]
    try:
        theirs = gettext.c2py(match.group(2))
        same = all(theirs(n) == ours(n) for n in counts)
    except (ValueError, SyntaxError, RecursionError, ArithmeticError):
        same = False
    return written if same else rule.plural_forms


@dataclass
class Update:
    """What `catalogs update` staged, and what it means for each language."""

    reports: dict[str, MergeReport]  # by language, every domain's merge together
    stats: dict[str, "Stats"]  # by language, every domain's figures together
    compiled: dict[tuple[str, str], bytes]  # (domain, language) -> .mo bytes


def by_domain(records: list[Record]) -> dict[str, list[Record]]:
    """The records of each gettext domain, in registry order; the overview's always."""
    known = domains()
    grouped: dict[str, list[Record]] = {OVERVIEW: []}
    for record in records:
        grouped.setdefault(source_of(record.source).domain, []).append(record)
    return {domain: grouped[domain] for domain in known if domain in grouped}


def plan_update(records: list[Record], locales: Path, stage, compile: bool = False,
                expect=None, memory: Memory | None = None) -> Update:
    """Stage every domain's template and catalogs (and their .mo when compile is set).

    Every entry no translator has translated gets the memory's best match, fuzzy
    (pipeline/i18n/prefill.py; memory: the one a run is about to publish, else the
    memory files in locales). Each language's glossary gains the brands it lacks
    (pipeline/i18n/glossary.py).
    Nothing is published here: stage(path, chunks) is a Publication's, which
    writes a temporary copy as the bytes are made, unless the file already
    holds them; expect(path, sha256) tells it which bytes each catalog was merged
    from, so a save in between is never overwritten. One catalog is in memory at
    a time, and no file's bytes whole.
    """
    with po.no_cycle_collection():
        return _plan_update(records, locales, stage, compile, expect, memory)


def _plan_update(records, locales, stage, compile, expect, memory) -> Update:
    layout = Layout(Path(), locales)
    update = Update({}, {}, {})
    memory = memory if memory is not None else Memory.load(layout)
    for domain, group in by_domain(records).items():
        pot = layout.template(domain)
        template, changed = build_template(group, pot, domain)
        if changed:
            stage(pot, po.chunks(template))
        words = sum(len(entry.msgid.split()) for entry in template.entries)
        for language in LOCALES:
            _update_catalog(template, layout, domain, language, update, stage, compile, words,
                            expect, memory)
    for language in LOCALES:
        if language != glossary.SOURCE_LANGUAGE:
            terms = glossary.updated(layout.glossary(language), language)
            if terms is not None:
                stage(layout.glossary(language), terms)
    return update


def _update_catalog(template, layout: Layout, domain: str, language: str, update: Update,
                    stage, compile: bool, words: int, expect, memory: Memory) -> None:
    """One catalog; it is freed on return, before the next one is read."""
    path = layout.catalog(domain, language)
    existing, digest_read = read_catalog_bytes(path)
    if expect is not None:
        expect(path, digest_read)
    entries, report = merge(template, existing or po.Catalog(po.Entry(""), []))
    source_language = source_of(domain).language
    if language != source_language:
        prefill(entries, memory, source_language, language)
    catalog = po.Catalog(catalog_header(language, template, existing, domain), entries)
    del existing, entries
    digest = hashlib.sha256()
    changed = stage(path, _hashed(po.chunks(catalog), digest))
    figures = stats(catalog, language, words, source_language == language)
    update.reports[language] = update.reports[language].joined(report) \
        if language in update.reports else report
    update.stats[language] = update.stats[language] + figures \
        if language in update.stats else figures
    if compile:
        mo_file = layout.compiled(domain, language)
        mo = (None if changed else fresh_mo(mo_file, digest.hexdigest())) \
            or compile_mo(catalog, language, digest.hexdigest(), domain)
        stage(mo_file, mo)
        update.compiled[domain, language] = mo


def _hashed(chunks, digest):
    """The chunks, each added to digest as it is made."""
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


class _Missing(gettext.NullTranslations):
    """gettext fallback that says 'no translation' instead of echoing the source."""

    def pgettext(self, context, message):
        return None


@lru_cache(maxsize=64)  # a .mo checked for its stamp is read again by the export: parsed once
def translations(mo: bytes) -> gettext.GNUTranslations:
    """GNU gettext's reading of mo; a message it does not hold is None, not the source."""
    read = gettext.GNUTranslations(BytesIO(mo))
    read.add_fallback(_Missing())
    return read


def fresh_mo(mo_file: Path, digest: str) -> bytes | None:
    """The .mo on disk if speerpunt compiled it from .po bytes with this sha256, else None.

    By content, never by file times: `cp -p`, `rsync -t` or an unzipped download
    can leave a .po older than a .mo it no longer matches, and a .mo another tool
    compiled (`pybabel compile -f` puts fuzzy translations in) carries no stamp.
    """
    try:
        mo = mo_file.read_bytes()
        stamp = translations(mo).pgettext(*SOURCE_STAMP)
    except (OSError, ValueError, LookupError, struct.error):  # missing, or not a .mo at all
        return None
    return mo if stamp == f"sha256:{digest}" else None


def current_mo(locales: Path, language: str, force: bool = False,
               domain: str = OVERVIEW) -> tuple[bytes, bool]:
    """The .mo of the .po as it is now, and whether it had to be compiled (force: always)."""
    path = po_path(locales, language, domain)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RunFailed(f"{path}: cannot read: {error.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    mo = None if force else fresh_mo(mo_path(locales, language, domain), digest)
    if mo is not None:
        return mo, False
    try:
        catalog = po.parse(data, path)
    except po.POError as error:
        raise RunFailed(str(error)) from None
    return compile_mo(catalog, language, digest, domain), True


def compile_mo(catalog: po.Catalog, language: str, digest: str,
               domain: str = OVERVIEW) -> bytes:
    """GNU .mo bytes: translated, non-fuzzy messages only (gettext's own rule), stamped
    with the sha256 of the .po bytes they come from (a message no one looks up)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    compiled = Catalog(locale=language, domain=domain, fuzzy=False)
    compiled.mime_headers = list(catalog.header_fields().items())  # no clock, no placeholders
    for entry in catalog.entries:
        if not entry.obsolete and entry.translated and not entry.fuzzy:
            string = (tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
                      if entry.msgid_plural is not None else entry.msgstr)
            msgid = (entry.msgid, entry.msgid_plural) if entry.msgid_plural is not None \
                else entry.msgid
            compiled.add(msgid, string, context=entry.msgctxt)
    compiled.add(SOURCE_STAMP[1], f"sha256:{digest}", context=SOURCE_STAMP[0])
    buffer = BytesIO()
    write_mo(buffer, compiled, use_fuzzy=False)
    return buffer.getvalue()


@dataclass
class Stats:
    """A locale's messages by what a reader sees of them (pipeline/i18n/reading.py)."""

    language: str
    translated: int  # shown translated
    fuzzy: int  # a translator's translation awaits review: the source is shown
    untranslated: int  # no translation shown (none, blank, or holding markup)
    obsolete: int
    words: int
    source: int = 0  # written in this language already (its domain's source language)
    suggested: int = 0  # the memory's suggestion awaits review (prefill.py): the source is shown

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated + self.source + self.suggested

    @property
    def completeness(self) -> float:
        """Share of messages a reader sees in this language."""
        return completeness(self.translated + self.source, self.total)

    def __add__(self, other: "Stats") -> "Stats":
        return Stats(self.language, *(getattr(self, name) + getattr(other, name) for name in
                                      ("translated", "fuzzy", "untranslated", "obsolete",
                                       "words", "source", "suggested")))


def stats(catalog: po.Catalog, language: str, words: int | None = None,
          is_source: bool = False) -> Stats:
    """words: of the live messages, when already known (the same for every language);
    is_source: the catalog is of its domain's source language, so every message counts so."""
    live = [entry for entry in catalog.entries if not entry.obsolete]
    if words is None:
        words = sum(len(e.msgid.split()) for e in live)
    obsolete = len(catalog.entries) - len(live)
    if is_source:
        return Stats(language, 0, 0, 0, obsolete, words, source=len(live))
    translated = sum(1 for e in live if not e.fuzzy and shown(e.msgstr, e.msgid))
    suggested = sum(1 for e in live if suggestion(e) is not None)
    fuzzy = sum(1 for e in live if e.fuzzy and e.translated) - suggested
    return Stats(language, translated, fuzzy, len(live) - translated - fuzzy - suggested,
                 obsolete, words, suggested=suggested)
