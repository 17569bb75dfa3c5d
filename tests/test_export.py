"""Exports downstream sites read: shape, translations, fallback, determinism, inert text."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pipeline import po
from pipeline.catalogs import po_path
from pipeline.export import plain_text
from pipeline.records import read_records
from tests.conftest import ROOT, run_cli, serve_snapshot, snapshot_page, tree_bytes

SCHEMA = json.loads((ROOT / "output" / "clusters.schema.json").read_text())


def export(workdir: Path, *extra: str):
    result = run_cli("export", "--output", str(workdir / "output"),
                     "--locales", str(workdir / "locales"), *extra)
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
    records = read_records(ROOT / "output" / "records.jsonl")
    en = json.loads((ROOT / "output" / "en" / "clusters.json").read_text())
    assert en["page"]["title"] == records[0]["title"] and en["page"]["intro"] == records[0]["intro"]
    clusters = [r for r in records if r["type"] == "cluster"]
    assert [{k: c[k] for k in ("id", "position", "name", "tagline", "description", "url")}
            for c in en["clusters"]] == [{k: r[k] for k in ("id", "position", "name", "tagline",
                                                           "description", "url")} for r in clusters]
    assert all(c["fallback"] == [] for c in en["clusters"])
    for language in ("nl", "fr"):
        data = json.loads((ROOT / "output" / language / "clusters.json").read_text())
        entries = po.read(po_path(ROOT / "locales", language)).entries
        catalog = {e.msgctxt: e.msgstr for e in entries}
        assert data["page"]["title"] == catalog["page/cluster-policy/title"]
        for cluster in data["clusters"]:
            assert cluster["tagline"] == catalog[f"cluster/{cluster['id']}/tagline"]
            assert cluster["fallback"] == []
        assert data["articles"][0]["summary"] == \
            catalog[f"article/{data['articles'][0]['id']}/summary"]
    assert json.loads((ROOT / "output" / "nl" / "clusters.json").read_text())["language"] \
        == "Nederlands"


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
        assert entry["completeness"] == 1.0


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
    assert nl["completeness"] == round(25 / 27, 4)
    assert exports["fr"]["clusters"][4]["fallback"] == []
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert all(validator.is_valid(data) for data in exports.values())


@pytest.mark.slow
def test_export_is_deterministic_and_keeps_last_changed(workdir):
    first = tree_bytes(workdir / "output")
    export(workdir)
    assert tree_bytes(workdir / "output") == first  # same records and catalogs: same bytes
    set_translation(workdir, "fr", "cluster/sim/tagline", msgstr="façonner l’avenir")
    exports = export(workdir)
    assert exports["fr"]["last_changed"] != exports["nl"]["last_changed"] or \
        exports["fr"]["clusters"][5]["tagline"] == "façonner l’avenir"
    assert exports["nl"]["last_changed"] == json.loads(first[str(workdir / "output" / "nl" /
                                                                 "clusters.json")])["last_changed"]


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
    assert plain_text("Hallo <b onclick=\"steal()\">wereld</b>") == "Hallo wereld"
    assert plain_text("<script>alert(1)</script>Tekst") == "Tekst"
    assert "<" not in plain_text("&lt;img src=x onerror=alert(1)&gt;ok")  # escaped stays text
    assert plain_text("R&D < 5 % of budgets") == "R&D < 5 % of budgets"
    assert "<" not in plain_text("<<script>script>alert(1)<</script>/script>")


@pytest.mark.slow
def test_markup_from_a_translation_comes_out_inert(workdir):
    set_translation(workdir, "nl", "cluster/medvia/tagline",
                    msgstr='waar <script>alert("x")</script>gezondheidsinnovatie <b onclick="x()">'
                           'beter</b> wordt')
    set_translation(workdir, "fr", "cluster/medvia/tagline", msgstr="<script>alert(1)</script>")
    exports = export(workdir)
    medvia_nl = next(c for c in exports["nl"]["clusters"] if c["id"] == "medvia")
    assert medvia_nl["tagline"] == "waar gezondheidsinnovatie beter wordt"
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
    """The committed output/ equals a fresh snapshot run (determinism across machines)."""
    shutil.copytree(ROOT / "locales", tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(ROOT / "output", tmp_path / "output",
                    ignore=shutil.ignore_patterns("report.json", ".lock"))
    result = run_cli("run", "--snapshot", "--output", str(tmp_path / "output"),
                     "--locales", str(tmp_path / "locales"))
    assert result.returncode == 0, result.stderr
    for name in ("records.jsonl", "index.json", "en/clusters.json", "nl/clusters.json",
                 "fr/clusters.json", "clusters.schema.json"):
        assert (tmp_path / "output" / name).read_bytes() == (ROOT / "output" / name).read_bytes()
    assert (tmp_path / "locales" / "nl" / "LC_MESSAGES" / "clusters.po").read_bytes() == \
        (ROOT / "locales" / "nl" / "LC_MESSAGES" / "clusters.po").read_bytes()


@pytest.mark.slow
def test_first_export_names_languages_from_cldr(workdir, monkeypatch):
    for language in ("en", "nl", "fr"):
        (workdir / "output" / language / "clusters.json").unlink()
    exports = export(workdir)
    assert [exports[lang]["language"] for lang in ("en", "nl", "fr")] == \
        ["English", "Nederlands", "français"]
    assert exports["fr"]["last_changed_display"].endswith(" TU")  # CLDR: temps universel
