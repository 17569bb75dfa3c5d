"""`-s NAME=VALUE` checked before anything starts: a known name, a value of the right type.

A value is parsed as the type of the setting's default (Scrapy's, or this
project's), so `-s DOWNLOAD_TIMEOUT=abc` is one line and exit 2 instead of a
traceback mid-crawl, and a misspelt name is refused with the nearest known one.
"""

import difflib
import json

from pipeline.errors import BadUsage

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# Settings that make Scrapy write files of its own choosing: a run writes only inside
# --output and --locales (the HTTP cache lives in --output).
WRITES_ELSEWHERE = ("JOBDIR", "LOG_FILE", "FEEDS", "FEED_URI", "HTTPCACHE_DIR", "FILES_STORE",
                    "IMAGES_STORE", "SPEERPUNT_OUTPUT", "SPEERPUNT_LOCALES")


def known_settings() -> dict:
    """Every setting name Scrapy or this project defines, with its default."""
    from scrapy.settings import default_settings

    from pipeline import settings

    known = {}
    for module in (default_settings, settings):
        known.update({name: getattr(module, name) for name in dir(module) if name.isupper()})
    return known


def parse_overrides(items: list[str]) -> dict:
    """NAME=VALUE items as typed settings; BadUsage naming the first bad one."""
    known = known_settings() if items else {}
    settings = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise BadUsage(f"-s expects NAME=VALUE, not {item!r}")
        if name in WRITES_ELSEWHERE:
            raise BadUsage(f"-s {name}: speerpunt writes only inside --output and --locales; "
                           f"{name} would write elsewhere")
        if name not in known:
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise BadUsage(f"-s {name}: unknown setting{hint}")
        settings[name] = typed(name, text, known[name])
    return settings


def typed(name: str, text: str, default):
    """text read as the type of default (None or a string default: taken as given)."""
    kind = type(default)
    try:
        if kind is bool:
            if text.lower() not in _TRUE + _FALSE:
                raise ValueError
            return text.lower() in _TRUE
        if kind is int:  # Scrapy reads some integer defaults as floats (DOWNLOAD_TIMEOUT)
            return int(text) if text.strip().lstrip("+-").isdigit() else float(text)
        if kind is float:
            return float(text)
        if kind in (list, tuple, dict):
            value = json.loads(text) if text.lstrip()[:1] in ("[", "{") else None
            if value is None and kind is not dict:
                return [part.strip() for part in text.split(",") if part.strip()]
            if not isinstance(value, list if kind is not dict else dict):
                raise ValueError
            return value
    except ValueError:
        expected = {bool: "true or false", int: "a number", float: "a number",
                    dict: "a JSON object"}.get(kind, "a JSON list or comma-separated list")
        raise BadUsage(f"-s {name}={text}: expected {expected}") from None
    return text
