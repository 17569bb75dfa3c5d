"""The export's two validators agree: jsonschema-rs, which decides, and jsonschema, which
explains a refusal (pipeline/outputs/export.py check_schema).

Both are asked valid or invalid on the three shipped exports and on a few hundred
mutations of them (hypothesis): a required key dropped, a string emptied or padded,
a value of the wrong type, a bad date-time or URL, an extra property, a fallback
entry that is not a field name, a bad id or position.

Where the two engines read a pattern differently — Python's `$` also matches before
a final newline; Python's `\\S` takes U+001C..U+001F for whitespace, Rust's and
ECMA-262's do not — no export can show it: every text passes normalise_text (no
control character, no whitespace at either end), every id is a slug, and the last
test holds that for any text at all.
"""

import copy
import json

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.errors import RunFailed
from pipeline.outputs.export import _explainer, _schema, _validator, check_schema
from pipeline.text import normalise_text
from tests.support import ROOT

SCHEMA = json.loads((ROOT / "output" / "clusters.schema.json").read_text())
EXPORTS = {language: json.loads((ROOT / "output" / language / "clusters.json").read_text())
           for language in ("en", "nl", "fr")}
FAST = jsonschema_rs.Draft202012Validator(SCHEMA, validate_formats=True)
REFERENCE = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

OBJECTS = {  # where objects sit in an export, and their keys
    "top": ["schema_version", "locale", "language", "source_url", "last_changed",
            "last_changed_display", "page", "clusters", "articles"],
    "page": ["id", "title", "intro", "url", "breadcrumbs", "fallback"],
    "cluster": ["id", "position", "name", "tagline", "description", "url", "fallback"],
    "article": ["id", "title", "summary", "url", "date", "fallback"],
}
TEXTS = {"top": ["language", "last_changed_display"], "page": ["title", "intro"],
         "cluster": ["name", "tagline", "description"], "article": ["title", "summary"]}
BAD_DATE_TIMES = ["2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z",
                  "2026-01-01T00:60:00Z", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00",
                  "2026-01-01T00:00:00+01:00", "2026-1-01T00:00:00Z", "2026-01-01",
                  "2026-01-01T00:00:00.5Z", "20260101T000000Z", "", "yesterday"]
BAD_URLS = ["https://exa mple.org/", "https://example.org/a b", "https://[::1", "http://%zz/",
            "https://example.org/%zz", "https://example.org/é", "ftp://example.org/",
            "https://", "http:/example.org", "//example.org/", "example.org", "",
            "https://example.org/<x>", "https://example.org/{x}", "https://exa\tmple.org/",
            "https://example.org:port/", "https://example.org/#a#b", "HTTPS://example.org/",
            "https://user@example.org/", "https://example.org/?q=a|b", "https://ex%41mple.org/"]
BAD_DATES = ["2022", "2022-03", "", "2022-03-1", "not a date at all"]
WRONG_TYPES = [None, 0, 1, -1, 1.5, True, False, "", "x", [], ["x"], {}, {"x": 1}]
IDS = ["", "Blue-cluster", "blue_cluster", "-blue", "blue-", "blue--cluster", "blue cluster",
       "é", "a", "a-1", "1"]
POSITIONS = [0, -1, 1.0, 1.5, "1", True, None, 2**40]
FALLBACKS = {"page": ["title", "intro"], "cluster": ["name", "tagline", "description"],
             "article": ["title", "summary"]}
# Text at both edges that both engines take for whitespace or not alike.
EDGES = [" ", "\t", "\u00a0", "\u2003", "x", "é", "’", "<", "0", ""]


def agree(export) -> bool:
    """Both validators' verdict on export; fails the test where they differ."""
    fast, reference = FAST.is_valid(export), REFERENCE.is_valid(export)
    assert fast == reference, (f"jsonschema-rs says {'valid' if fast else 'invalid'}, "
                               f"jsonschema {'valid' if reference else 'invalid'}")
    return fast


def objects(export: dict, kind: str) -> list[dict]:
    if kind == "top":
        return [export]
    if kind == "page":
        return [export["page"]] if isinstance(export.get("page"), dict) else []
    section = export.get("clusters" if kind == "cluster" else "articles")
    return [o for o in section if isinstance(o, dict)] if isinstance(section, list) else []


@st.composite
def mutation(draw, export: dict) -> str:
    """Change export in place, one way; what was done (for the failure report)."""
    kinds = [kind for kind in OBJECTS if objects(export, kind)]
    kind = draw(st.sampled_from(kinds))
    target = draw(st.sampled_from(objects(export, kind)))
    how = draw(st.sampled_from(["drop", "empty", "pad", "type", "extra", "date-time", "url",
                                "date", "fallback", "id", "position", "enum", "text"]))
    keys = list(target)
    if how == "drop" and keys:
        key = draw(st.sampled_from(keys))
        del target[key]
        return f"{kind}: dropped {key}"
    if how in ("empty", "pad", "text") and TEXTS[kind]:
        key = draw(st.sampled_from(TEXTS[kind]))
        if how == "empty":
            target[key] = ""
        elif how == "pad":
            target[key] = draw(st.sampled_from(EDGES)) + str(target.get(key)) \
                + draw(st.sampled_from(EDGES))
        else:
            target[key] = draw(st.text(st.sampled_from("ab é’<>&'\"\u00a0\t"), max_size=6))
        return f"{kind}: {key} = {target[key]!r}"
    if how == "type" and keys:
        key = draw(st.sampled_from(keys))
        target[key] = draw(st.sampled_from(WRONG_TYPES))
        return f"{kind}: {key} = {target[key]!r}"
    if how == "extra":
        key = draw(st.sampled_from(["extra", "Name", "fallbacks", "$id", "", "date"]))
        target[key] = draw(st.sampled_from(["x", 1, None, "2022-03-15"]))
        return f"{kind}: added {key}"
    if how == "date-time":
        export["last_changed"] = draw(st.sampled_from(BAD_DATE_TIMES) | st.text(
            st.sampled_from("0123456789-:TZ+. "), max_size=25))
        return f"last_changed = {export['last_changed']!r}"
    if how == "url" and "url" in OBJECTS[kind] + ["source_url"]:
        key = "source_url" if kind == "top" else "url"
        target[key] = draw(st.sampled_from(BAD_URLS) | st.builds(
            "https://example.org/{}".format,
            st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=8)))
        return f"{kind}: {key} = {target[key]!r}"
    if how == "date" and kind == "article":
        target["date"] = draw(st.sampled_from(BAD_DATES + WRONG_TYPES))
        return f"article: date = {target['date']!r}"
    if how == "fallback" and kind in FALLBACKS:
        names = FALLBACKS[kind]
        target["fallback"] = draw(st.lists(st.sampled_from(
            [*names, "url", "id", "Title", "", "fallback", 1, None]), max_size=4))
        return f"{kind}: fallback = {target['fallback']!r}"
    if how == "id" and kind != "top":
        target["id"] = draw(st.sampled_from(IDS))
        return f"{kind}: id = {target['id']!r}"
    if how == "position" and kind == "cluster":
        target["position"] = draw(st.sampled_from(POSITIONS))
        return f"cluster: position = {target['position']!r}"
    if how == "enum":
        key, value = draw(st.sampled_from([
            ("locale", "de"), ("locale", "NL"), ("locale", ""), ("schema_version", 2),
            ("schema_version", "1"), ("schema_version", 1.0), ("clusters", []),
            ("articles", []), ("page", None)]))
        export[key] = value
        return f"{key} = {value!r}"
    return "unchanged"


def test_the_production_validators_are_the_ones_compared():
    assert _schema() == SCHEMA
    assert isinstance(_validator(), jsonschema_rs.Draft202012Validator)
    checker = _explainer().format_checker
    formats = {"date-time", "uri"}  # every `format` the schema uses
    assert formats <= set(checker.checkers), "jsonschema would skip these formats silently"
    assert _validator() is _validator()  # compiled once per process


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_both_accept_the_shipped_exports(language):
    assert agree(EXPORTS[language])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), language=st.sampled_from(["en", "nl", "fr"]),
       count=st.integers(min_value=1, max_value=3))
def test_both_agree_on_mutated_exports(data, language, count):
    export = copy.deepcopy(EXPORTS[language])
    done = [data.draw(mutation(export)) for _ in range(count)]
    valid = agree(export)
    event("valid" if valid else "invalid")
    if not valid:  # and a refusal still names where and why, in jsonschema's words
        with pytest.raises(RunFailed, match=r" would not match clusters\.schema\.json at \$"):
            check_schema(export, ROOT / "output" / language / "clusters.json")
    else:
        check_schema(export, ROOT / "output" / language / "clusters.json")
    assert done


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_every_normalised_text_gets_one_verdict(text):
    export = copy.deepcopy(EXPORTS["en"])
    export["clusters"][0]["tagline"] = normalise_text(text)
    assert agree(export) == (normalise_text(text) != "")


def test_a_refusal_jsonschema_cannot_explain_is_still_a_refusal(monkeypatch, tmp_path):
    """Should the engines ever differ, jsonschema-rs decides and its own words explain."""
    import pipeline.outputs.export as module

    monkeypatch.setattr(module, "_explainer", lambda: jsonschema.Draft202012Validator({}))
    export = copy.deepcopy(EXPORTS["fr"])
    export["clusters"][2]["position"] = 0
    with pytest.raises(RunFailed) as failure:
        check_schema(export, tmp_path / "fr" / "clusters.json")
    assert str(failure.value) == (f"{tmp_path / 'fr' / 'clusters.json'} would not match "
                                  "clusters.schema.json at $.clusters[2].position: 0 is less "
                                  "than the minimum of 1; nothing was published")
