"""Exports for downstream sites: output/<locale>/clusters.json, index.json and the schema.

Text comes from the records and, for every other language, from the compiled
catalogs through gettext itself, so a fuzzy or missing translation falls back to
the source text exactly as gettext would; what a reader is then shown follows
pipeline/i18n/reading.py (no markup through a translation), and each field shown
in the source language is listed in `fallback`. Each record type's place in the
export is declared once, by type (export_object).
"""

import functools
import hashlib
import json
from datetime import UTC, datetime
from functools import singledispatch
from importlib.resources import files
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.i18n.catalogs import translations
from pipeline.i18n.reading import completeness, visible
from pipeline.i18n.template import now_stamp
from pipeline.items import Article, Cluster, Organisation, Page, Record
from pipeline.layout import SCHEMA_NAME, Layout
from pipeline.sources import LOCALES, OVERVIEW, source

SCHEMA_VERSION = 2  # 2 adds each cluster's website and organisation; 1 is unchanged in it
SCHEMA_SOURCE = files("pipeline.outputs") / SCHEMA_NAME  # read from a Scrapyd egg too
SECTIONS = {"page": Page, "clusters": Cluster, "articles": Article}
# Derived from the locale and the clock, not from the content: carried over from the
# previous export while the content is unchanged (loading CLDR data costs ~40 ms a run).
_DERIVED = ("language", "last_changed", "last_changed_display")


def language_name(language: str) -> str:
    """The language's own name from CLDR: 'Nederlands', 'English', 'français'."""
    from babel import Locale

    return Locale.parse(language).display_name


def translator(mo: bytes | None):
    """lookup(context, source) -> translation or None, through GNU gettext's .mo rules."""
    if mo is None:
        return lambda context, source: None
    return translations(mo).pgettext


def localise(record: Record, lookup, in_source: bool) -> tuple[dict, list[str]]:
    """The record's translatable fields as a reader of the locale sees them, and the keys of
    those shown in the source language (none when the locale is the source's)."""
    localised, fallback = {}, []

    def shown(key: str, text: str) -> str:
        translation = visible(lookup(f"{record.kind}/{record.id}/{key}", text), text)
        if translation is None:  # the page's own text: parsed from HTML text nodes
            if not in_source:
                fallback.append(key)
            return text
        return translation

    for name in _translatable(type(record)):
        value = getattr(record, name)
        if isinstance(value, list):
            localised[name] = [shown(f"{name}/{number}", item)
                               for number, item in enumerate(value, start=1)]
        elif value not in (None, ""):
            localised[name] = shown(name, value)
    return localised, fallback


@functools.cache
def _translatable(kind: type[Record]) -> tuple[str, ...]:
    """kind.translatable(), worked out from the dataclass fields once per type, not per record."""
    return kind.translatable()


@singledispatch
def export_object(record: Record, fields: dict, fallback: list[str]) -> tuple[str, dict]:
    """(section of the export, the object downstream sites read) for a record."""
    raise TypeError(f"no export for {type(record).__name__}")


@export_object.register
def _(record: Page, fields, fallback):
    return "page", {"id": record.id, **fields, "url": record.url,
                    "breadcrumbs": record.breadcrumbs, "fallback": fallback}


@export_object.register
def _(record: Cluster, fields, fallback):
    cluster = {"id": record.id, "position": record.position, **fields, "url": record.url}
    if record.website:
        cluster["website"] = record.website
    return "clusters", {**cluster, "fallback": fallback}


@export_object.register
def _(record: Organisation, fields, fallback):
    profile = {"id": record.id, "name": source(record.id).name, "website": record.website,
               "url": record.url, **fields}
    for name in ("logo", "email", "phone", "address", "links", "languages", "origin"):
        if getattr(record, name):
            profile[name] = getattr(record, name)
    profile["source_language"] = source(record.id).language
    profile["fallback"] = fallback
    if record.stale:
        profile["stale"] = record.stale
    return "organisations", profile


@export_object.register
def _(record: Article, fields, fallback):
    article = {"id": record.id, **fields, "url": record.url}
    if record.date:
        article["date"] = record.date
    return "articles", {**article, "fallback": fallback}


def build_export(records: list[Record], language: str, lookups) -> dict:
    """The export object for one locale, without its change stamp; lookups(domain) gives the
    domain's translation lookup for the locale."""
    export = {"schema_version": SCHEMA_VERSION, "locale": language, "source_url": None,
              "page": None, "clusters": [], "articles": [], "organisations": []}
    for record in records:
        origin = source(record.source)
        fields, fallback = localise(record, lookups(origin.domain), origin.language == language)
        section, obj = export_object(record, fields, fallback)
        if isinstance(export[section], list):
            export[section].append(obj)
        else:
            export[section] = obj
    profiles = {profile["id"]: profile for profile in export.pop("organisations")}
    export["clusters"] = [_with_profile(cluster, profiles.get(cluster["id"]))
                          for cluster in export["clusters"]]
    export["source_url"] = export["page"]["url"]
    return export


def _with_profile(cluster: dict, profile: dict | None) -> dict:
    """The cluster with its organisation's profile, placed before its own fallback."""
    if profile is None:
        return cluster
    fallback = cluster.pop("fallback")
    return {**cluster, "organisation": profile, "fallback": fallback}


def export_completeness(export: dict) -> float:
    """Share of the export's translatable fields shown in its locale's language."""
    total = missing = 0
    profiles = [cluster["organisation"] for cluster in export["clusters"]
                if "organisation" in cluster]
    for section, kind in (*SECTIONS.items(), ("organisations", Organisation)):
        objects = profiles if section == "organisations" else export[section] \
            if isinstance(export[section], list) else [export[section]]
        for obj in objects:
            for name in _translatable(kind):
                value = obj.get(name)
                total += len(value) if isinstance(value, list) else int(value is not None)
            missing += len(obj["fallback"])
    return completeness(total - missing, total)


def stamp(export: dict, language: str, previous: dict | None) -> dict:
    """Add the language's name and when the content last changed.

    Both are kept from the previous export when the content is the same, so
    unchanged content gives an unchanged file.
    """
    if isinstance(previous, dict) and all(key in previous for key in _DERIVED) \
            and _content(previous) == _content(export):
        derived = {key: previous[key] for key in _DERIVED}
    else:
        from babel.dates import format_datetime

        moment = datetime.strptime(now_stamp(), "%Y-%m-%d %H:%M+0000").replace(tzinfo=UTC)
        derived = {"language": language_name(language),
                   "last_changed": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "last_changed_display": format_datetime(moment, "long", tzinfo=UTC,
                                                           locale=language)}
    return _stamped(export, derived)


def _stamped(export: dict, derived: dict) -> dict:
    head = {key: export[key] for key in ("schema_version", "locale")}
    return {**head, "language": derived["language"], "source_url": export["source_url"],
            "last_changed": derived["last_changed"],
            "last_changed_display": derived["last_changed_display"],
            **{key: export[key] for key in ("page", "clusters", "articles")}}


def stamp_against(export: dict, language: str, previous_bytes: bytes | None
                  ) -> tuple[dict, dict | None, bytes | None]:
    """(the export stamped, the previous export, the export's bytes when they are the
    previous file's), reading the previous file whole only when its content changed.

    Its head, the lines before "page", holds the derived values. The export stamped with
    them and written out as the very bytes of the file means the file holds this content
    with these values, so stamp() would keep them and the file is the export; else the
    file is parsed and stamped as before. Unchanged, 10k clusters: 40 ms a locale less.
    """
    end = -1 if previous_bytes is None else previous_bytes.find(b',\n  "page": ', 0, 4096)
    try:
        head = json.loads(previous_bytes[:end] + b"\n}") if end > 0 else None
    except ValueError:
        head = None
    if isinstance(head, dict) and all(key in head for key in _DERIVED):
        export_now = _stamped(export, head)
        data = dump_export(export_now)
        if data == previous_bytes:
            return export_now, export_now, data
    previous = _parsed(previous_bytes)
    return stamp(export, language, previous), previous, None


@functools.cache
def _schema() -> dict:
    return json.loads(SCHEMA_SOURCE.read_bytes())


@functools.cache
def _validator():
    """The schema compiled once per process by jsonschema-rs: draft 2020-12, with its
    `format`s (date-time, uri) checked: 17 ms for a 10k-cluster export, jsonschema 1.2 s."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_schema(), validate_formats=True)


@functools.cache
def _explainer():
    """jsonschema's validator, built once: only asked why, once an export is found invalid,
    so a refusal reads as it always has. Its FormatChecker checks date-time and uri through
    rfc3339-validator and rfc3986-validator (without them it silently skips both)."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_schema(), format_checker=FormatChecker())


def check_schema(export: dict, path: Path) -> None:
    """Refuse an export that breaks the schema published beside it, before it is staged."""
    if _validator().is_valid(export):
        return
    from jsonschema.exceptions import best_match

    error = best_match(_explainer().iter_errors(export))
    if error is not None:
        where, why = error.json_path, error.message
    else:  # jsonschema sees no fault (tests/outputs/test_schema_validators.py: never so far)
        first = next(iter(_validator().iter_errors(export)))
        where = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                              for part in first.instance_path)
        why = first.message
    raise RunFailed(f"{path} would not match {SCHEMA_NAME} at {where}: {why}; "
                    "nothing was published")


def _content(export: dict) -> dict:
    return {key: value for key, value in export.items() if key not in _DERIVED}


def dump_json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def dump_export(export: dict) -> bytes:
    """dump_json(export), made by orjson: byte for byte the same for what an export holds
    (text, integers, lists, objects: tests/outputs/test_dump.py) and ten times faster
    (json's indented form is pure Python). Not for floats: orjson writes 1e-05 as 0.00001."""
    import orjson

    return orjson.dumps(export, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def read_export(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def plan_export(records: list[Record], mo_files: dict[tuple[str, str], bytes | None],
                output: Path, min_complete: float = 0.0):
    """Bytes of every export file, and per locale its completeness and whether it was held back.

    A locale below min_complete keeps its previous file (if any) and the index
    describes that file. An export whose bytes are those already published, beside
    the same schema, is not validated again: it was when it was published.
    """
    layout = Layout(output, Path())
    schema = SCHEMA_SOURCE.read_bytes()
    same_schema = _holds(layout.schema, schema)
    files, locales, held_back = {}, [], []
    for language in LOCALES:
        path = layout.export(language)
        previous_bytes = _read_bytes(path)

        @functools.cache  # each domain's .mo parsed once per locale, not once per record
        def lookups(domain, language=language):
            return translator(mo_files.get((domain, language)))

        export, previous, data = stamp_against(build_export(records, language, lookups),
                                               language, previous_bytes)
        share = export_completeness(export)
        if share < min_complete:
            held_back.append((language, share))
            if previous is None:
                continue
            data, export = previous_bytes, previous
            share = export_completeness(export)
        else:
            data = data or dump_export(export)
            if not (same_schema and data == previous_bytes):
                check_schema(export, path)
            files[path] = data
        locales.append({
            "locale": language, "language": export["language"],
            "file": f"{language}/{layout.export(language).name}",
            "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "completeness": share, "last_changed": export["last_changed"],
        })
    files[layout.schema] = schema
    # The manifest comes last, so it is renamed into place after the files it describes.
    overview = next(record for record in records if record.source == OVERVIEW)
    files[layout.index] = dump_json({
        "schema_version": SCHEMA_VERSION, "schema": SCHEMA_NAME,
        "source_url": overview.url, "locales": locales})
    return files, held_back


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _parsed(data: bytes | None) -> dict | None:
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def _holds(path: Path, data: bytes) -> bool:
    return _read_bytes(path) == data
