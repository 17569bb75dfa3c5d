"""output/preview/: the cluster page in each locale, with the work still to do marked on it.

A translator in Poedit or Weblate sees one string at a time; these static pages
show every string in its place on the page. Each is an element with
data-msgctxt (the catalog key) and data-state, taken from the catalog itself
so the counts are those of `speerpunt catalogs stats`. Every text is escaped,
the pages load nothing (a Content-Security-Policy forbids it), need no
JavaScript and are byte-identical when nothing changed.
"""

import base64
import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import singledispatch
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template
from urllib.parse import quote

from pipeline.errors import RunFailed
from pipeline.i18n import po
from pipeline.i18n.prefill import Suggestion, suggestion
from pipeline.i18n.reading import visible
from pipeline.i18n.template import messages
from pipeline.items import Article, Cluster, Organisation, Page, Record
from pipeline.sources import LOCALES, source

STATES = ("translated", "suggested", "fuzzy", "untranslated", "source")
NEEDS_WORK = ("suggested", "fuzzy", "untranslated")
_TEMPLATE = files("pipeline.outputs").joinpath("preview.html").read_text(encoding="utf-8")
_STYLE = re.search(r"<style>(.*?)</style>", _TEMPLATE, re.S).group(1)
_STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass
class Message:
    """One translatable string as the page shows it."""

    context: str
    state: str
    text: str  # what the page shows: the translation, or the English where there is none
    source: str  # the current English
    previous: str | None = None  # the English the fuzzy translation was made for (`#|`)
    rejected: str | None = None  # a translation not shown: it holds markup
    source_language: str = "en"
    suggestion: Suggestion | None = None  # where the memory's suggestion comes from


def states(records: list[Record], catalog: po.Catalog, language: str, path: Path,
           source_language: str) -> dict[str, Message]:
    """Every message of the records, keyed by context, in the state its catalog gives it.

    The state follows what a reader sees (pipeline/i18n/reading.py), the rule of
    catalogs.stats() and of the exports: a fuzzy entry with no translation, a blank
    one or one holding markup shows the source, as untranslated.
    """
    entries = {entry.msgctxt: entry for entry in catalog.entries if not entry.obsolete}
    is_source = source_language == language
    found = {}
    for context, text, _ in messages(records):
        entry = entries.pop(context, None)
        if entry is None or entry.msgid != text:
            raise RunFailed(f"{path}: {context} is not in step with the records; "
                            "run `speerpunt catalogs update` first")
        shown = None if entry.fuzzy else visible(entry.msgstr, text)
        offered = suggestion(entry)
        if is_source:
            found[context] = Message(context, "source", shown or text, text)
        elif offered is not None:
            found[context] = Message(context, "suggested", entry.msgstr, text,
                                     source_language=source_language, suggestion=offered)
        elif entry.fuzzy and entry.translated:
            found[context] = Message(context, "fuzzy", entry.msgstr, text, entry.previous_msgid,
                                     source_language=source_language)
        elif shown is None:
            rejected = entry.msgstr if entry.msgstr.strip() else None
            found[context] = Message(context, "untranslated", text, text, rejected=rejected,
                                     source_language=source_language)
        else:
            found[context] = Message(context, "translated", shown, text)
    if entries:
        raise RunFailed(f"{path}: {next(iter(entries))} is not in the records; "
                        "run `speerpunt catalogs update` first")
    return found


def word_diff(old: str, new: str) -> str:
    """HTML of what changed from old to new, word by word: removed in <del>, added in <ins>."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return "".join(parts)


def _message(message: Message, language: str) -> str:
    """The element of one string: its text, a change note when fuzzy, its context on hover/focus."""
    context = escape(message.context)
    shown_lang = message.source_language if message.state == "untranslated" else language
    tag = f'<span class="tag" lang="en">{message.state}</span>' \
        if message.state in NEEDS_WORK else ""
    change = ""
    if message.rejected is not None:
        change = (f'<span class="change" lang="en"><span><span class="label">Not published, '
                  f'it holds markup:</span><span lang="{language}">{escape(message.rejected)}'
                  f'</span></span></span>')
    if message.suggestion is not None:
        offer = message.suggestion
        tag = (f'<span class="tag" lang="en">suggested · {offer.score} %</span>')
        change = (f'<span class="change" lang="en"><span><span class="label">Suggested by the '
                  f'memory, {offer.score} % match, {escape(offer.what)}:</span>'
                  f'{escape(offer.origin)} (seen {offer.seen})</span>'
                  f'<span><span class="label">Not published until a translator reviews it; '
                  f'shown meanwhile:</span><span lang="{message.source_language}">'
                  f'{escape(message.source)}</span></span></span>')
    if message.state == "fuzzy":
        what = (word_diff(message.previous, message.source) if message.previous is not None
                else "not recorded (no <code>#|</code> previous text in the catalog)")
        change = (f'<span class="change" lang="en">'
                  f'<span><span class="label">English now:</span>{escape(message.source)}</span>'
                  f'<span><span class="label">What changed in the English:</span>'
                  f'<span class="diff">{what}</span></span></span>')
    return (f'<span class="msg" id="{context}" data-msgctxt="{context}" '
            f'data-state="{message.state}" tabindex="0">'
            f'{tag}<span class="text" lang="{shown_lang}">{escape(message.text)}</span>{change}'
            f'<span class="context" lang="en"><span class="label">{message.state} · msgctxt</span>'
            f'<input readonly value="{context}" size="{len(message.context) + 1}" '
            f'aria-label="msgctxt of this string, to find it in Poedit or Weblate"></span></span>')


def _counts(found: dict[str, Message]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for message in found.values():
        counts[message.state] += 1
    return counts


def _bar(language: str, names: dict[str, str], counts: dict[str, int],
         found: dict[str, Message]) -> str:
    """Counts per state, links to the other locales and to the first string needing work."""
    all_source = counts["source"] == len(found)
    shown = ("source",) if all_source else STATES[:4] + (("source",) if counts["source"] else ())
    pills = " ".join(f'<span class="count {state}" data-count="{state}"><b>{counts[state]}</b> '
                     f"{state}</span>" for state in shown)
    links = "".join(
        f'<li><strong lang="{code}" aria-current="page">{escape(name)}</strong></li>'
        if code == language else f'<li><a href="{code}.html" lang="{code}">{escape(name)}</a></li>'
        for code, name in names.items())
    todo = next((m for m in found.values() if m.state in NEEDS_WORK), None)
    if todo is not None:
        work = (f'<a class="todo-link" href="#{quote(todo.context, safe="/")}">'
                f'First string that needs work: {escape(todo.context)}</a>')
    else:
        work = "Nothing to do: every string is translated." if not all_source \
            else f"{escape(names[language])} is the source language."
    return (f'<header class="bar" lang="en"><p><a href="index.html">All locales</a></p>'
            f'<p aria-label="Strings per state">{pills}</p>'
            f'<nav aria-label="Locales"><ul class="locales">{links}</ul></nav>'
            f'<p>{work}</p></header>')


@singledispatch
def render(record: Record, text) -> tuple[str, str]:
    """(where on the page, the HTML) of a record; text(name) is its string's element."""
    raise TypeError(f"no preview for {type(record).__name__}")


@render.register
def _(record: Page, text):
    crumbs = "".join(f"<li>{escape(crumb)}</li>" for crumb in record.breadcrumbs)
    return "main", (f'<nav class="breadcrumb" aria-label="Breadcrumb" lang="en"><ol>{crumbs}'
                    f"</ol></nav>\n<h1>{text('title')}</h1>\n"
                    f'<p class="intro">{text("intro")}</p>')


@render.register
def _(record: Cluster, text):
    return "main", (f'<section class="cluster" id="cluster-{escape(record.id)}">\n'
                    f"<h2>{text('name')}: {text('tagline')}</h2>\n"
                    f"<p>{text('description')}</p>\n</section>")


@render.register
def _(record: Article, text):
    date = f'<p class="meta">{escape(record.date[:10])}</p>\n' if record.date else ""
    return "articles", (f"<article>\n<h2>{text('title')}</h2>\n{date}"
                        f"<p>{text('summary')}</p>\n</article>")


@render.register
def _(record: Organisation, text):
    paragraphs = "\n".join(f"<p>{text(f'about/{number}')}</p>"
                           for number in range(1, len(record.about or ()) + 1))
    name = escape(source(record.id).name)
    return "organisations", (f'<section class="organisation" id="organisation-'
                             f'{escape(record.id)}">\n<h3>{name}</h3>\n{paragraphs}\n</section>')


def _content(records: list[Record], found: dict[str, Message], language: str) -> str:
    """The cluster page as the site lays it out: breadcrumb, title, intro, clusters, articles;
    then what each organisation says of itself on its own site."""
    places: dict[str, list[str]] = {"main": [], "articles": [], "organisations": []}
    for record in records:
        def text(name, record=record):
            return _message(found[f"{record.kind}/{record.id}/{name}"], language)

        place, html = render(record, text)
        places[place].append(html)
    parts = places["main"]
    if places["articles"]:
        parts.append('<div class="articles">\n' + "\n".join(places["articles"]) + "\n</div>")
    if places["organisations"]:
        parts.append('<div class="organisations">\n<h2 lang="en">The organisations, on their '
                     'own sites</h2>\n' + "\n".join(places["organisations"]) + "\n</div>")
    return "\n".join(parts)


def _page(language: str, title: str, bar: str, content: str) -> bytes:
    footer = ("Translator preview made by <code>speerpunt preview</code> from the records and "
              "catalogs. Hover over or tab to a string to see its msgctxt, the key to search "
              "for in Poedit or Weblate.")
    return Template(_TEMPLATE).substitute(
        lang=language, style_hash=_STYLE_HASH, title=escape(title), bar=bar,
        content=content, footer=footer).encode("utf-8")


def _index(names: dict[str, str], all_counts: dict[str, dict[str, int]], title: str) -> bytes:
    rows = "\n".join(
        f'<tr><td><a href="{code}.html" lang="{code}">{escape(name)}</a> ({code})</td>'
        + "".join(f'<td data-count="{state}">{all_counts[code][state]}</td>' for state in STATES)
        + "</tr>" for code, name in names.items())
    head = "".join(f"<th>{state}</th>" for state in STATES)
    content = (f"<h1>Translator preview</h1>\n<p>The page “{escape(title)}” in each locale, "
               "with the strings that need work marked.</p>\n"
               f"<table><thead><tr><th>locale</th>{head}</tr></thead>\n<tbody>\n{rows}\n"
               "</tbody></table>")
    bar = '<header class="bar"><p>speerpunt translator preview</p></header>'
    return _page("en", "Translator preview", bar, content)


def language_names(output: Path) -> dict[str, str]:
    """Each locale's own name as its export states it; from CLDR only when there is
    none (loading CLDR data costs ~40 ms, a twentieth of a run)."""
    from pipeline.outputs.export import language_name, read_export

    names = {}
    for code in LOCALES:
        export = read_export(output / code / "clusters.json")
        name = export.get("language") if isinstance(export, dict) else None
        names[code] = name if isinstance(name, str) and name else language_name(code)
    return names


def plan_preview(records: list[Record], read, output: Path) -> dict[Path, bytes]:
    """Bytes of output/preview/<locale>.html for every locale, then index.html.

    read(domain, language) -> (catalog, path it was read from); one catalog is held at a time.
    """
    names = language_names(output)
    page = next(record for record in records if isinstance(record, Page))
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(source(record.source).domain, []).append(record)
    files, all_counts = {}, {}
    for language in LOCALES:
        found = {}
        for domain, group in groups.items():
            catalog, path = read(domain, language)
            found.update(states(group, catalog, language, path, source(domain).language))
            del catalog
        found = {context: found[context] for context, _, _ in messages(records)}
        all_counts[language] = counts = _counts(found)
        title = f"{found[f'page/{page.id}/title'].text} · preview {language}"
        files[output / "preview" / f"{language}.html"] = _page(
            language, title, _bar(language, names, counts, found),
            _content(records, found, language))
    files[output / "preview" / "index.html"] = _index(names, all_counts, page.title)
    return files
