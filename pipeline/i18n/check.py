"""`speerpunt catalogs check`: what a translator must fix before a translation is published.

Every rule catches a mistake that would otherwise ship silently. Only live,
translated, non-fuzzy entries are checked: the others are not published.
Each problem is one `file:line: message` line, the line of the entry's msgctxt/msgid.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.plurals import get_plural

from pipeline.errors import RunFailed
from pipeline.i18n import glossary, po
from pipeline.i18n.memory import Unit
from pipeline.i18n.prefill import Memory, from_site, offered_once, suggestion
from pipeline.i18n.reading import foreign_markup
from pipeline.layout import Layout
from pipeline.sources import LOCALES, OVERVIEW, domains
from pipeline.sources import source as source_of

TAG = re.compile(r"</?[A-Za-z][^<>]*>")
TAG_NAME = re.compile(r"</?[A-Za-z][\w:-]*")
HANDLER = re.compile(r"\bon\w+\s*=", re.IGNORECASE)
URL = re.compile(r"https?://[^\s<>\"]+")
URL_TRAILER = ".,;:!?)’”»"
NUMBER = re.compile(r"\d+(?:[.,]\d+|[\u00a0\u202f]\d{3}(?!\d))*")
NUMBER_SEPARATOR = re.compile(r"[.,\u00a0\u202f]")
SPACES = frozenset(" \u00a0\u202f")
FINAL_MARKS = ".!?:;…"
CLOSERS = "’”»)\"']" + " \t\n\u00a0\u202f"
FRENCH_MARK = re.compile(r"[;:!?«»]")
OPENINGS = "([{«“‘;:!?"
FRENCH_EXEMPT = re.compile(r"\w+://[^\s<>\"]*|</?[A-Za-z][^<>]*>|&#?\w+;")


def check_catalog(path: Path, language: str, contexts: set[str] | None = None,
                  names: tuple[str, ...] | None = None) -> list[str]:
    """Problem lines for one catalog, in file order; [] when it can be published as it is.

    contexts: the template's, when known; a message with another one is not published.
    names: those that stay as they are (default: brands.json's).
    """
    try:
        catalog = po.read(path)
    except po.POError as error:
        return [str(error)]
    except OSError as error:
        return [f"{path}:1: cannot read: {error.strerror}"]
    return problems_of(catalog, path, language, contexts, names or glossary.brands())


def problems_of(catalog: po.Catalog, path: Path, language: str, contexts: set[str] | None,
                names: tuple[str, ...]) -> list[str]:
    problems = [(catalog.header.line or 1, message) for message in header(catalog, language)]
    for entry in catalog.entries:
        if not entry.obsolete:
            problems += [(entry.line, message) for message in context(entry, contexts)]
        if entry.obsolete or entry.fuzzy or not entry.msgstr:
            continue
        source, translation = entry.msgid, entry.msgstr
        messages = (brand_names(source, translation, names) + markup(source, translation)
                    + urls(source, translation) + numbers(source, translation)
                    + whitespace(source, translation) + final_punctuation(source, translation))
        if language == "fr":
            messages += french_typography(translation)
        problems += [(entry.line, message) for message in messages]
    problems.sort(key=lambda problem: problem[0])
    return [f"{path}:{line}: {message}" for line, message in problems]


@dataclass
class Findings:
    """What `catalogs check` found: problems fail it, notes are worth a translator's look."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_all(locales: Path) -> Findings:
    """check_catalog for every language of every domain with a template (the overview's
    always; a missing catalog is a problem too), with each language's glossary; and, as
    notes, every source text translated two different ways in one language."""
    layout = Layout(Path(), locales)
    findings = Findings()
    try:
        memory = Memory.load(layout)
    except RunFailed as error:
        findings.problems.append(str(error))
        memory = Memory({}, {})
    names, translations = {}, {language: {} for language in LOCALES}
    for language in LOCALES:
        try:
            names[language] = tuple(dict.fromkeys([*glossary.brands(), *sorted(
                glossary.untranslatable(glossary.read(layout.glossary(language))))]))
        except RunFailed as error:
            findings.problems.append(str(error))
            names[language] = glossary.brands()
    for domain in domains():
        template = layout.template(domain)
        if domain != OVERVIEW and not template.exists():
            continue
        try:
            contexts = {entry.msgctxt for entry in po.read(template).entries}
        except (OSError, po.POError):
            contexts = None  # no template to compare with: `catalogs update` says why
        for language in LOCALES:
            path = layout.catalog(domain, language)
            try:
                catalog = po.read(path)
            except FileNotFoundError:
                findings.problems.append(
                    f"{path}:1: catalog missing (run speerpunt catalogs update)")
                continue
            except po.POError as error:
                findings.problems.append(str(error))
                continue
            except OSError as error:
                findings.problems.append(f"{path}:1: cannot read: {error.strerror}")
                continue
            findings.problems += problems_of(catalog, path, language, contexts,
                                             names[language])
            findings.notes += site_changes(catalog, path, memory.units.get(language, []),
                                           source_of(domain).language)
            for entry in catalog.entries:
                if not entry.obsolete and not entry.fuzzy and entry.msgstr.strip():
                    translations[language].setdefault(entry.msgid, {}).setdefault(
                        entry.msgstr.strip(), f"{path}:{entry.line}")
    for found in translations.values():
        findings.notes += conflicts(found)
    return findings


def site_changes(catalog: po.Catalog, path: Path, units: list[Unit],
                 source_language: str) -> list[str]:
    """A translator's translation of a field whose site now publishes its own version,
    one the translator was not offered: the memory never replaces their text, so a note
    says what the site says now."""
    own: dict[tuple[str, str], Unit] = {}  # (msgctxt, source text) -> the site's latest
    for unit in units:
        if unit.context is not None and unit.source_lang == source_language \
                and from_site(unit.origin):
            key = unit.context, unit.source
            if key not in own or unit.seen > own[key].seen:
                own[key] = unit
    notes = []
    for entry in catalog.entries:
        site = own.get((entry.msgctxt, entry.msgid)) if not entry.obsolete else None
        if site is None or not entry.msgstr.strip() or suggestion(entry) is not None \
                or entry.msgstr == site.target:
            continue
        once = offered_once(entry)
        if once is not None and once.origin == site.origin and once.seen >= site.seen:
            continue  # the translator started from this very version
        notes.append(f"{path}:{entry.line}: note: the site now says {site.target!r} "
                     f"({site.origin}, seen {site.seen})")
    return notes


def conflicts(translations: dict[str, dict[str, str]]) -> list[str]:
    """One note per source text translated more than one way (as translate-toolkit's
    poconflicts finds them): where each translation first occurs. Not a problem: two
    places may need two translations, but a translator should know."""
    notes = []
    for source, ways in translations.items():
        if len(ways) > 1:
            places = "; ".join(f"{text!r} at {place}" for text, place in ways.items())
            notes.append(f"{next(iter(ways.values()))}: note: {source!r} is translated "
                         f"{len(ways)} ways: {places}")
    return notes


def context(entry: po.Entry, contexts: set[str] | None) -> list[str]:
    """Exports find a translation by its msgctxt: without the template's, it is never shown.
    An XLIFF round trip (po2xliff/xliff2po) strips every msgctxt."""
    if entry.msgctxt is None:
        return ["no msgctxt, so this translation is never published; `speerpunt catalogs "
                "update` gives it back its context when its msgid matches one message"]
    if contexts is not None and entry.msgctxt not in contexts:
        return [f"context {entry.msgctxt!r} is not in the template, so this translation is "
                "never published"]
    return []


def header(catalog: po.Catalog, language: str) -> list[str]:
    """Tools pick the language, encoding and plural rule from the header, so they must be right."""
    fields = catalog.header_fields()
    charset = re.search(r"charset=([\w-]+)", fields.get("Content-Type", ""))
    problems = []
    if not charset or charset.group(1).lower() != "utf-8":
        problems.append("header Content-Type must declare charset=UTF-8")
    for name, expected in (("Language", language),
                           ("Plural-Forms", get_plural(language).plural_forms)):
        found = fields.get(name)
        if found != expected:
            problems.append(f"header {name} must be {expected!r}, not {found!r}")
    return problems


def _occurs(name: str, text: str) -> bool:
    return re.search(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", text) is not None


def brand_names(source: str, translation: str, names: tuple[str, ...]) -> list[str]:
    """Brand names are names, not words: a translated or respelled one is a different name."""
    return [f"brand name {name!r} must stay as it is" for name in names
            if _occurs(name, source) and not _occurs(name, translation)]


def _differences(what: str, source: list[str], translation: list[str], key=str) -> list[str]:
    """One message listing what the translation lacks and adds, compared by key."""
    wanted, found = Counter(map(key, source)), Counter(map(key, translation))
    shown = {key(item): item for item in translation + source}
    parts = [f"{label} {', '.join(repr(shown[item]) for item in sorted(items.elements()))}"
             for label, items in (("missing", wanted - found), ("added", found - wanted)) if items]
    return [f"{what} differ from the source: {'; '.join(parts)}"] if parts else []


def _tag_names(text: str) -> list[str]:
    return [TAG_NAME.match(tag).group(0).lower() + ">" for tag in TAG.findall(text)]


def _handlers(text: str) -> set[str]:
    return {handler.lower().replace(" ", "") for tag in TAG.findall(text)
            for handler in HANDLER.findall(tag)}


def markup(source: str, translation: str) -> list[str]:
    """Broken tags break the page and new ones (<script>, onclick=) would run on it; a
    translation holding markup the source does not hold is never published."""
    added = sorted(_handlers(translation) - _handlers(source))
    problems = _differences("tags", _tag_names(source), _tag_names(translation)) + [
        f"markup adds {handler!r} which the source does not have" for handler in added]
    foreign = foreign_markup(translation, source)
    if foreign:
        problems.append(f"holds markup ({', '.join(dict.fromkeys(foreign))}), so it is not "
                        "published: the source text is shown instead")
    return problems


def _urls(text: str) -> list[str]:
    return sorted({url.rstrip(URL_TRAILER) for url in URL.findall(text)})


def urls(source: str, translation: str) -> list[str]:
    """A changed link sends readers elsewhere; links are not translated."""
    return _differences("URLs", _urls(source), _urls(translation))


def numbers(source: str, translation: str) -> list[str]:
    """A changed figure is a wrong fact; 1,000 / 1.000 / 1 000 are the same figure."""
    return _differences("numbers", NUMBER.findall(source), NUMBER.findall(translation),
                        key=lambda number: NUMBER_SEPARATOR.sub(".", number))


def whitespace(source: str, translation: str) -> list[str]:
    """Stray spaces are invisible in editors but glue or split text on the page."""
    problems = []
    for side, strip in (("leading", str.lstrip), ("trailing", str.rstrip)):
        in_source, in_translation = strip(source) != source, strip(translation) != translation
        if in_translation and not in_source:
            problems.append(f"{side} whitespace the source does not have")
        elif in_source and not in_translation:
            problems.append(f"{side} whitespace of the source is missing")
    if re.search("[ \u00a0]{2,}", translation):
        problems.append("two or more spaces in a row")
    return problems


def _final_mark(text: str) -> str:
    text = text.rstrip(CLOSERS)
    if text.endswith("..."):
        return "…"
    return text[-1] if text and text[-1] in FINAL_MARKS else ""


def final_punctuation(source: str, translation: str) -> list[str]:
    """A heading must not gain a full stop, a sentence must not lose one, a question stays one."""
    wanted, found = _final_mark(source), _final_mark(translation)
    if wanted == found:
        return []
    if not wanted:
        return [f"ends with {found!r} but the source has no final punctuation"]
    instead = f", not {found!r}" if found else ""
    return [f"final punctuation must be {wanted!r} as in the source{instead}"]


def french_typography(translation: str) -> list[str]:
    """French puts a (no-break) space before ; : ! ? and inside « »; readers notice its lack."""
    exempt = [match.span() for match in FRENCH_EXEMPT.finditer(translation)]
    problems = []
    for match in FRENCH_MARK.finditer(translation):
        at, mark = match.start(), match.group(0)
        if any(start <= at < end for start, end in exempt):
            continue
        before = translation[at - 1] if at else ""
        after = translation[at + 1:at + 2]
        if mark == "«" and after not in SPACES:
            problems.append("French typography: a space is needed after '«'")
        elif mark == "»" and before not in SPACES:
            problems.append("French typography: a space is needed before '»'")
        elif mark not in "«»" and before and not (before in SPACES or before in OPENINGS
                                                  or before.isdigit() and after.isdigit()):
            problems.append(f"French typography: a space is needed before {mark!r}")
    return problems
