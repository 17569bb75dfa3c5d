"""A page's language versions as translation-memory units: the site's own translation.

An organisation crawled in this run carries its about page in the other languages
the site publishes (Organisation.versions, crawl-only). Each version is aligned with
the about paragraphs (align.py): a block pair becomes a unit under that paragraph's
msgctxt (the site's own version of this very field, the memory's first choice), a
sentence pair a unit without one. The memory keeps, for each page re-read, exactly
this run's units; a unit the page still says keeps the date it was first seen, so a
run that finds nothing new writes the same memory bytes. A version that could not be
read this time keeps its units as last seen; a language the site no longer links
loses them.
"""

from dataclasses import dataclass, field

from pipeline.i18n.memory import Unit, dump_tmx, read_memory
from pipeline.i18n.prefill import Memory
from pipeline.items import Organisation, Record
from pipeline.layout import Layout
from pipeline.sources import LOCALES, source
from pipeline.text import normalise_text


@dataclass
class SiteMemory:
    """What this run's versions give the memory."""

    units: list[Unit] = field(default_factory=list)
    renewed: set[tuple[str, str]] = field(default_factory=set)  # (source key, language) re-read
    pages: dict[str, dict[str, dict]] = field(default_factory=dict)  # key -> language -> figures


def site_memory(records: list[Record], seen: str) -> SiteMemory:
    """Units and per-page figures from the versions of the organisations crawled now."""
    from pipeline.i18n.align import Block, align  # its tables load only for a run that aligns

    found = SiteMemory()
    for record in records:
        if not isinstance(record, Organisation) or record.versions is None:
            continue
        language = source(record.id).language
        blocks = [Block(text, kind) for text, kind in zip(record.about or [], record.kinds or [],
                                                          strict=True)]
        pages = found.pages.setdefault(record.id, {})
        for target, version in sorted(record.versions.items()):
            if version.problem:
                pages[target] = {"url": version.url, "used": False, "reason": version.problem}
                continue
            texts = [(normalise_text(text), kind) for text, kind in version.blocks]
            alignment = align(blocks, [Block(text, kind) for text, kind in texts], language,
                              target)
            for pair in alignment.pairs:
                found.units.append(Unit(
                    blocks[pair.source].text, texts[pair.target][0], language, target,
                    version.url, f"{record.kind}/{record.id}/about/{pair.source + 1}", seen))
            for source_text, target_text, _ in alignment.sentences:
                found.units.append(Unit(normalise_text(source_text), normalise_text(target_text),
                                        language, target, version.url, None, seen))
            found.renewed.add((record.id, target))
            pages[target] = {
                "url": version.url, "used": True, "method": alignment.method,
                "aligned": len(alignment.pairs), "sentences": len(alignment.sentences),
                "unaligned": alignment.unaligned_source,
                "unaligned_in_version": alignment.unaligned_target}
        for target in set(LOCALES) - set(record.versions) - {language}:
            found.renewed.add((record.id, target))  # read, and no longer linked
    return found


def plan_memory(records: list[Record], layout: Layout, stage, seen: str) -> tuple[Memory, dict]:
    """Stage each language's memory file with this run's site units in it; the memory
    `catalogs update` is to pre-fill from (it still knows what the old one offered) and
    the figures of every page aligned, by source key and language."""
    site = site_memory(records, seen)
    units, offered = {}, {}
    for language in LOCALES:
        path = layout.memory(language)
        old = read_memory(path)
        units[language] = renewed(old, site, language)
        offered[language] = {unit.target for unit in [*old, *units[language]]}
        if units[language] or path.exists():
            stage(path, dump_tmx(units[language]))
    return Memory(units, offered), site.pages


def renewed(old: list[Unit], site: SiteMemory, language: str) -> list[Unit]:
    """The memory of one target language with this run's site units in place of those of
    the pages it re-read (a unit the page still says keeps its first date)."""
    def page_of(unit: Unit) -> tuple[str, str] | None:
        """(source key, language) of a unit a site's about page gave, else None."""
        if unit.context is None or not unit.origin.startswith(("https://", "http://")):
            return None
        kind, key, *_ = unit.context.split("/")
        return (key, unit.target_lang) if kind == "organisation" else None

    pages = {unit.origin for unit in site.units if unit.target_lang == language}
    replaced = {pair for pair in site.renewed if pair[1] == language}
    kept, before = [], {}
    for unit in old:
        if unit.origin in pages or page_of(unit) in replaced:
            before[_identity(unit)] = unit
        else:
            kept.append(unit)
    fresh = [before.get(_identity(unit), unit) for unit in site.units
             if unit.target_lang == language]
    return kept + fresh


def _identity(unit: Unit) -> tuple:
    return (unit.source, unit.target, unit.context, unit.source_lang, unit.target_lang,
            unit.origin)
