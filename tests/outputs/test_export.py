"""Exports downstream sites read: shape, translations, fallback, determinism, inert text."""

import dataclasses
import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from pipeline.i18n import po
from pipeline.i18n.catalogs import po_path
from pipeline.i18n.reading import visible
from pipeline.records import read_records
from tests.support import ROOT, run_cli, serve_snapshot, snapshot_page, tree_bytes

SCHEMA = json.loads((ROOT / "output" / "clusters.schema.json").read_text())

FIELDS = {"page": ("title", "intro"), "cluster": ("name", "tagline", "description"),
          "article": ("title", "summary")}  # the contract, written out here


def export(workdir: Path, *extra: str, epoch: int | None = None):
    """`speerpunt export` on workdir (at the clock epoch, if given); the three exports."""
    result = run_cli("export", "--output", str(workdir / "output"),
                     "--locales", str(workdir / "locales"), *extra,
                     env={"SOURCE_DATE_EPOCH": str(epoch)} if epoch else None)
    assert result.returncode == 0, result.stderr
    return {language: json.loads((workdir / "output" / language / "clusters.json").read_text())
            for language in ("en", "nl", "fr")}


def set_translation(workdir: Path, language: str, context: str, msgstr=None, fuzzy=None):
    path = po_path(workdir / "locales", language)
    catalog = po.read(path)
    for entry in catalog.entries:
        if entry.msgctxt == context:
            if msgstr is not None:
                entry.msgstr = msgstr
            if fuzzy is not None:
                entry.set_fuzzy(fuzzy)
    path.write_bytes(po.dump(catalog))


def test_shipped_exports_match_records_and_catalogs():
    """Every field of every object: English from the records, nl/fr from the translations
    in the .po files, ids, urls, positions, dates and order from the records."""
    everything = read_records(ROOT / "output" / "records.jsonl")
    records = [r for r in everything if r.kind != "organisation"]
    profiles = {r.id: r for r in everything if r.kind == "organisation"}
    for language in ("en", "nl", "fr"):
        data = json.loads((ROOT / "output" / language / "clusters.json").read_text())
        for cluster in data["clusters"]:  # each cluster's site and profile, from its record
            profile = profiles[cluster["id"]]
            assert cluster["website"] == profile.website == cluster["organisation"]["website"]
            assert cluster["organisation"]["url"] == profile.url
            assert len(cluster["organisation"].get("about", [])) == len(profile.about or [])
        catalog = {e.msgctxt: e.msgstr for e in
                   po.read(po_path(ROOT / "locales", language)).entries if not e.obsolete}
        objects = [data["page"], *data["clusters"], *data["articles"]]
        assert [(o["id"], o["url"]) for o in objects] == [(r.id, r.url) for r in records]
        assert [c["position"] for c in data["clusters"]] == list(range(1, 8))
        for shown, record in zip(objects, records, strict=True):
            assert shown["fallback"] == []
            for name in FIELDS[record.kind]:
                expected = getattr(record, name) if language == "en" else \
                    catalog[f"{record.kind}/{record.id}/{name}"]
                assert expected and shown[name] == expected, (language, record.id, name)
        assert data["page"]["breadcrumbs"] == records[0].breadcrumbs
        assert [a.get("date") for a in data["articles"]] == \
            [r.date for r in records if r.kind == "article"]
    assert [json.loads((ROOT / "output" / lang / "clusters.json").read_text())["language"]
            for lang in ("en", "nl", "fr")] == ["English", "Nederlands", "français"]


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_shipped_exports_validate_against_the_schema(language):
    data = json.loads((ROOT / "output" / language / "clusters.json").read_text())
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    checker = jsonschema.FormatChecker()
    jsonschema.Draft202012Validator(SCHEMA, format_checker=checker).validate(data)


def test_schema_rejects_what_it_must():
    data = json.loads((ROOT / "output" / "nl" / "clusters.json").read_text())
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for broken in ({**data, "extra": 1}, {**data, "clusters": []},
                   {**data, "page": {**data["page"], "title": ""}},
                   {**data, "page": {**data["page"], "fallback": ["bogus"]}}):
        assert not validator.is_valid(broken)


@pytest.mark.slow
def test_check_jsonschema_accepts_the_exports():
    files = [str(ROOT / "output" / language / "clusters.json") for language in ("en", "nl", "fr")]
    tool = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(tool), "--schemafile", str(ROOT / "output" /
                             "clusters.schema.json"), *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_index_describes_each_file():
    index = json.loads((ROOT / "output" / "index.json").read_text())
    assert [entry["locale"] for entry in index["locales"]] == ["en", "nl", "fr"]
    for entry in index["locales"]:
        data = (ROOT / "output" / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        export = json.loads(data)
        assert entry["completeness"] == round(shown(export) / slots(export), 4)
        assert [c for c in export["clusters"] if c["fallback"]] == []  # the overview: all done


def slots(export: dict) -> int:
    """Translatable texts of an export, counted from its contract: 2 on the page, 3 per
    cluster, 2 per article, one per paragraph of an organisation's about."""
    return 2 + 3 * len(export["clusters"]) + 2 * len(export["articles"]) + sum(
        len(c["organisation"].get("about", [])) for c in export["clusters"]
        if "organisation" in c)


def shown(export: dict) -> int:
    """Texts shown in the locale: all but those its fallbacks list; an organisation's text
    in its source language counts as shown in that language."""
    profiles = [c["organisation"] for c in export["clusters"] if "organisation" in c]
    fallbacks = sum(len(o["fallback"]) for o in [export["page"], *export["clusters"],
                                                 *export["articles"]])
    for profile in profiles:
        fallbacks += len(profile["fallback"])
    return slots(export) - fallbacks


@pytest.mark.slow
def test_fuzzy_and_untranslated_fields_fall_back_to_english(workdir):
    set_translation(workdir, "nl", "cluster/flux50/tagline", fuzzy=True)
    set_translation(workdir, "nl", "cluster/vil/description", msgstr="")
    exports = export(workdir)
    flux = next(c for c in exports["nl"]["clusters"] if c["id"] == "flux50")
    vil = next(c for c in exports["nl"]["clusters"] if c["id"] == "vil")
    assert flux["tagline"] == "powering smart energy" and flux["fallback"] == ["tagline"]
    assert vil["description"].startswith("To empower the logistics industry")
    assert vil["fallback"] == ["description"]
    index = json.loads((workdir / "output" / "index.json").read_text())
    nl = next(entry for entry in index["locales"] if entry["locale"] == "nl")
    assert nl["completeness"] == round((shown(exports["nl"])) / slots(exports["nl"]), 4)
    shipped = json.loads((ROOT / "output" / "nl" / "clusters.json").read_bytes())
    assert shown(exports["nl"]) == shown(shipped) - 2  # the two fields above
    assert exports["fr"]["clusters"][4]["fallback"] == []
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert all(validator.is_valid(data) for data in exports.values())


@pytest.mark.slow
def test_export_is_deterministic_and_keeps_last_changed(workdir):
    first = tree_bytes(workdir / "output")
    export(workdir)
    assert tree_bytes(workdir / "output") == first  # same records and catalogs: same bytes
    set_translation(workdir, "fr", "cluster/sim/tagline", msgstr="façonner l’avenir")
    exports = export(workdir, epoch=1_790_000_000)  # 2026-09-21 14:13 UTC
    assert exports["fr"]["clusters"][5]["tagline"] == "façonner l’avenir"
    assert exports["fr"]["last_changed"] == "2026-09-21T14:13:00Z"
    assert exports["fr"]["last_changed_display"] == "21 septembre 2026, 14:13:00 TU"
    for language in ("en", "nl"):  # their content is the same: their stamp and bytes stay
        path = str(workdir / "output" / language / "clusters.json")
        assert exports[language]["last_changed"] == json.loads(first[path])["last_changed"]
        assert (workdir / "output" / language / "clusters.json").read_bytes() == first[path]


@pytest.mark.slow
def test_min_complete_holds_back_an_incomplete_locale(workdir):
    before = (workdir / "output" / "fr" / "clusters.json").read_bytes()
    for context in ("cluster/sim/name", "cluster/sim/tagline", "cluster/sim/description"):
        set_translation(workdir, "fr", context, msgstr="")
    result = run_cli("export", "--output", str(workdir / "output"), "--locales",
                     str(workdir / "locales"), "--min-complete", "0.95")
    assert result.returncode == 0, result.stderr
    assert "fr held back" in result.stdout
    assert (workdir / "output" / "fr" / "clusters.json").read_bytes() == before


def test_markup_is_never_passed_on():
    """A translation holding markup is not shown at all (the field falls back); an escaped
    one is text, and so is text that merely holds < or &."""
    assert visible("Hallo <b onclick=\"steal()\">wereld</b>", "Hello world") is None
    assert visible("<script>alert(1)</script>Tekst", "Text") is None
    assert visible("&lt;img src=x onerror=alert(1)&gt;ok", "ok") == \
        "&lt;img src=x onerror=alert(1)&gt;ok"  # escaped: text, as the catalog holds it
    assert visible("R&D < 5 % of budgets", "R&D") == "R&D < 5 % of budgets"
    assert visible("<<script>script>alert(1)<</script>/script>", "x") is None
    assert visible("het tij keren <img src=x onerror=alert(1)//", "turning the tide") is None


@pytest.mark.slow
def test_markup_from_a_translation_comes_out_inert(workdir):
    set_translation(workdir, "nl", "cluster/medvia/tagline",
                    msgstr='waar <script>alert("x")</script>gezondheidsinnovatie <b onclick="x()">'
                           'beter</b> wordt')
    set_translation(workdir, "fr", "cluster/medvia/tagline", msgstr="<script>alert(1)</script>")
    exports = export(workdir)
    medvia_nl = next(c for c in exports["nl"]["clusters"] if c["id"] == "medvia")
    assert medvia_nl["tagline"] == "where health innovation gets better"  # not shown: English
    assert medvia_nl["fallback"] == ["tagline"]
    medvia_fr = next(c for c in exports["fr"]["clusters"] if c["id"] == "medvia")
    assert medvia_fr["tagline"] == "where health innovation gets better"  # nothing left: English
    assert medvia_fr["fallback"] == ["tagline"]


@pytest.mark.slow
def test_text_from_the_page_stays_the_text_it_showed(workdir, site):
    """Escaped markup on the page is text the reader saw (issue 11: `a&lt;b` is not
    a tag); the export keeps it as plain text, for the consumer to insert as text."""
    page = snapshot_page().replace(
        "MEDVIA aims to boost collaboration",
        "MEDVIA &lt;img src=x onerror=alert(1)&gt;aims to boost collaboration")
    url = serve_snapshot(site, page)
    result = run_cli("run", "--url", url, "--output", str(workdir / "output"),
                     "--locales", str(workdir / "locales"))
    assert result.returncode == 0, result.stderr
    en = json.loads((workdir / "output" / "en" / "clusters.json").read_text())
    medvia = next(c for c in en["clusters"] if c["id"] == "medvia")
    assert "MEDVIA <img src=x onerror=alert(1)>aims to boost collaboration" in \
        medvia["description"]


def test_shipped_output_is_what_make_run_writes(tmp_path):
    """A run into an empty output directory, at the committed stamp's time, writes every
    committed file byte for byte (determinism across machines; nothing comes from a copy)."""
    shutil.copytree(ROOT / "locales", tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    committed = json.loads((ROOT / "output" / "en" / "clusters.json").read_text())
    moment = datetime.strptime(committed["last_changed"], "%Y-%m-%dT%H:%M:%SZ")
    result = run_cli("run", "--snapshot", "--output", str(tmp_path / "output"),
                     "--locales", str(tmp_path / "locales"),
                     env={"SOURCE_DATE_EPOCH": str(int(moment.replace(tzinfo=UTC).timestamp()))})
    assert result.returncode == 0, result.stderr
    names = ("records.jsonl", "index.json", "en/clusters.json", "nl/clusters.json",
             "fr/clusters.json", "clusters.schema.json")
    for name in names:
        assert (tmp_path / "output" / name).read_bytes() == (ROOT / "output" / name).read_bytes()
    written = json.loads((tmp_path / "output" / "report.json").read_text())["exports"]["changed"]
    assert sorted(written) == sorted(str(tmp_path / "output" / name) for name in names[1:])
    for language in ("en", "nl", "fr"):
        path = Path("locales", language, "LC_MESSAGES", "clusters.po")
        assert (tmp_path / path).read_bytes() == (ROOT / path).read_bytes()


@pytest.mark.slow
def test_first_export_names_languages_from_cldr(workdir, monkeypatch):
    for language in ("en", "nl", "fr"):
        (workdir / "output" / language / "clusters.json").unlink()
    exports = export(workdir)
    assert [exports[lang]["language"] for lang in ("en", "nl", "fr")] == \
        ["English", "Nederlands", "français"]
    assert exports["fr"]["last_changed_display"].endswith(" TU")  # CLDR: temps universel


def test_stamp_moves_last_changed_only_when_the_content_changes(monkeypatch):
    from pipeline.i18n.catalogs import current_mo
    from pipeline.outputs.export import build_export, stamp, translator

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21 14:13 UTC
    previous = json.loads((ROOT / "output" / "fr" / "clusters.json").read_text())
    records = read_records(ROOT / "output" / "records.jsonl")
    mo = current_mo(ROOT / "locales", "fr", force=True)[0]

    def lookups(domain):
        return translator(mo)

    assert stamp(build_export(records, "fr", lookups), "fr", previous) == previous
    records[5] = dataclasses.replace(records[5], tagline="powering smarter energy")  # flux50
    moved = stamp(build_export(records, "fr", lookups), "fr", previous)  # French: English
    assert moved["clusters"][4]["fallback"] == ["tagline"]
    assert (moved["language"], moved["last_changed"], moved["last_changed_display"]) == \
        ("français", "2026-09-21T14:13:00Z", "21 septembre 2026, 14:13:00 TU")
    assert stamp(build_export(records, "fr", lookups), "fr", None) == moved  # a first export too
