"""Exports for downstream sites: output/<locale>/clusters.json, index.json and the schema.

Text comes from the records and, for nl and fr, from the compiled catalogs
through gettext itself, so a fuzzy or missing translation falls back to
English exactly as gettext would, and the field is listed in `fallback`.
"""

import functools
import gettext
import hashlib
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.i18n.catalogs import LANGUAGES, SOURCE_LANGUAGE
from pipeline.i18n.template import now_stamp
from pipeline.records import TRANSLATABLE_FIELDS
from pipeline.text import normalise_text

SCHEMA_VERSION = 1
SCHEMA_NAME = "clusters.schema.json"
SCHEMA_SOURCE = Path(__file__).with_name(SCHEMA_NAME)
# The element names of HTML (WHATWG, with the obsolete ones browsers still parse).
HTML_ELEMENTS = frozenset("""
a abbr acronym address applet area article aside audio b base basefont bdi bdo big blink
blockquote body br button canvas caption center cite code col colgroup data datalist dd del
details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins kbd label
legend li link main map mark marquee math menu meta meter nav nobr noembed noframes noscript
object ol optgroup option output p param picture plaintext pre progress q rp rt ruby s samp
script search section select slot small source span strike strong style sub summary sup svg
table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp
""".split())
_COMMENT = re.compile(r"<!--.*?(?:-->|$)|<![A-Za-z\[][^>]*>|<\?[^>]*>", re.S)
# Elements whose content is code or raw text, never words for a reader: gone with it.
_RAW_TEXT = re.compile(r"<(script|style|iframe|object|embed|template|noscript|svg|math|textarea"
                       r"|title|xmp|noembed|noframes|plaintext)(?=[\s/>])[^>]*>.*?(?:</\1\s*>|$)",
                       re.S | re.I)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>")
# Derived from the locale and the clock, not from the content: carried over from the
# previous export while the content is unchanged (loading CLDR data costs ~40 ms a run).
_DERIVED = ("language", "last_changed", "last_changed_display")


class _Missing(gettext.NullTranslations):
    """gettext fallback that says 'no translation' instead of echoing the source."""

    def pgettext(self, context, message):
        return None


def language_name(language: str) -> str:
    """The language's own name from CLDR: 'Nederlands', 'English', 'français'."""
    from babel import Locale

    return Locale.parse(language).display_name


def translator(mo: bytes | None):
    """lookup(context, source) -> translation or None, through GNU gettext's .mo rules."""
    if mo is None:
        return lambda context, source: None
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    translations.add_fallback(_Missing())
    return translations.pgettext


def plain_text(text: str) -> str:
    """A translation without markup: HTML elements, comments and scripts (with their
    content) removed, but text that merely holds `<`, `>` or `&` (`x<y, 3 > 2`,
    `energie <voor> iedereen`, `R&D`) kept: exports are plain text that consumers
    escape. Repeated until nothing changes, so removals cannot join into a new tag."""
    while "<" in text:
        cleaned = _TAG.sub(lambda match: "" if match.group(1).lower() in HTML_ELEMENTS
                           else match.group(0), _RAW_TEXT.sub("", _COMMENT.sub("", text)))
        if cleaned == text:
            break
        text = cleaned
    return normalise_text(text)


def localise(record: dict, lookup) -> dict:
    """The record's translatable fields in the locale, and which fell back to English."""
    localised, fallback = {}, []
    for name in TRANSLATABLE_FIELDS[record["type"]]:
        source = record[name]
        translation = lookup(f"{record['type']}/{record['id']}/{name}", source)
        text = plain_text(normalise_text(translation)) if translation else ""
        if not text:  # the page's own text: parsed from HTML text nodes, so never markup
            text = source
            fallback.append(name)
        localised[name] = text
    return {"fields": localised, "fallback": fallback}


def build_export(records: list[dict], language: str, mo: bytes | None) -> dict:
    """The export object for one locale, without its change stamp."""
    lookup = translator(mo)
    page, clusters, articles = None, [], []
    for record in records:
        local = localise(record, lookup)
        if language == SOURCE_LANGUAGE:
            local["fallback"] = []  # English shown in English is no fallback
        fields = local["fields"]
        if record["type"] == "page":
            page = {"id": record["id"], **fields, "url": record["url"],
                    "breadcrumbs": record["breadcrumbs"],
                    "fallback": local["fallback"]}
        elif record["type"] == "cluster":
            clusters.append({"id": record["id"], "position": record["position"], **fields,
                             "url": record["url"], "fallback": local["fallback"]})
        else:
            article = {"id": record["id"], **fields, "url": record["url"]}
            if record.get("date"):
                article["date"] = record["date"]
            articles.append({**article, "fallback": local["fallback"]})
    return {"schema_version": SCHEMA_VERSION, "locale": language,
            "source_url": page["url"],
            "page": page, "clusters": clusters, "articles": articles}


def completeness(export: dict) -> float:
    """Share of translatable fields shown in the locale's own language."""
    objects = [export["page"], *export["clusters"], *export["articles"]]
    total = (len(TRANSLATABLE_FIELDS["page"])
             + len(TRANSLATABLE_FIELDS["cluster"]) * len(export["clusters"])
             + len(TRANSLATABLE_FIELDS["article"]) * len(export["articles"]))
    missing = sum(len(obj["fallback"]) for obj in objects)
    return round((total - missing) / total, 4) if total else 1.0


def stamp(export: dict, language: str, previous: dict | None) -> dict:
    """Add the language's name and when the content last changed.

    Both are kept from the previous export when the content is the same, so
    unchanged content gives an unchanged file.
    """
    if previous and _content(previous) == _content(export):
        derived = {key: previous[key] for key in _DERIVED}
    else:
        from babel.dates import format_datetime

        moment = datetime.strptime(now_stamp(), "%Y-%m-%d %H:%M+0000").replace(tzinfo=UTC)
        derived = {"language": language_name(language),
                   "last_changed": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "last_changed_display": format_datetime(moment, "long", tzinfo=UTC,
                                                           locale=language)}
    head = {key: export[key] for key in ("schema_version", "locale")}
    return {**head, "language": derived["language"], "source_url": export["source_url"],
            "last_changed": derived["last_changed"],
            "last_changed_display": derived["last_changed_display"],
            **{key: export[key] for key in ("page", "clusters", "articles")}}


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(json.loads(SCHEMA_SOURCE.read_bytes()),
                                format_checker=FormatChecker())


def check_schema(export: dict, path: Path) -> None:
    """Refuse an export that breaks the schema published beside it, before it is staged."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(export))
    if error is not None:
        raise RunFailed(f"{path} would not match {SCHEMA_NAME} at {error.json_path}: "
                        f"{error.message}; nothing was published")


def _content(export: dict) -> dict:
    return {key: value for key, value in export.items() if key not in _DERIVED}


def dump_json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_export(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def plan_export(records: list[dict], mo_files: dict[str, bytes | None], output: Path,
                min_complete: float = 0.0):
    """Bytes of every export file, and per locale its completeness and whether it was held back.

    A locale below min_complete keeps its previous file (if any) and the index
    describes that file.
    """
    files, locales, held_back = {}, [], []
    for language in LANGUAGES:
        path = output / language / "clusters.json"
        previous = read_export(path)
        export = stamp(build_export(records, language, mo_files.get(language)), language,
                       previous)
        share = completeness(export)
        if share < min_complete:
            held_back.append((language, share))
            if previous is None:
                continue
            data, export = path.read_bytes(), previous
        else:
            check_schema(export, path)
            data = dump_json(export)
            files[path] = data
        locales.append({
            "locale": language, "language": export["language"],
            "file": f"{language}/clusters.json",
            "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "completeness": completeness(export), "last_changed": export["last_changed"],
        })
    files[output / SCHEMA_NAME] = SCHEMA_SOURCE.read_bytes()
    # The manifest comes last, so it is renamed into place after the files it describes.
    files[output / "index.json"] = dump_json({
        "schema_version": SCHEMA_VERSION, "schema": SCHEMA_NAME,
        "source_url": records[0]["url"], "locales": locales})
    return files, held_back
