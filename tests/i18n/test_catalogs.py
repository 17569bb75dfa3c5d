"""Catalog maintenance on real files: nothing a translator wrote is ever lost or moved."""

import dataclasses
import gettext
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.i18n import po
from pipeline.i18n.catalogs import SOURCE_STAMP, plan_update, po_path, template_path
from pipeline.items import Cluster
from pipeline.publish.commit import Publication
from pipeline.records import read_records
from pipeline.sources import domains
from tests.support import ROOT, run_cli, tree_bytes

DATA = ROOT / "tests" / "data"
LANGUAGES = ("en", "nl", "fr")
needs_gettext = pytest.mark.usefixtures("gettext")


@pytest.fixture
def shipped_records():
    return read_records(ROOT / "output" / "records.jsonl")


def update(records, locales):
    compiled, reports, _ = staged_update(records, locales)
    return compiled, reports


def staged_update(records, locales):
    """plan_update as `catalogs update` runs it: staged, then published together."""
    with Publication(locales) as publication:
        update = plan_update(records, locales, publication.stage, compile=True)
        written = publication.commit()
    return update.compiled, update.reports, written


def entries(locales, language):
    """msgctxt -> Entry for live and ('~', msgctxt) -> Entry for obsolete entries."""
    catalog = po.read(po_path(locales, language))
    return {(("~", e.msgctxt) if e.obsolete else e.msgctxt): e for e in catalog.entries}


def all_translations(locales, language) -> set[str]:
    return {e.msgstr for e in po.read(po_path(locales, language)).entries if e.msgstr}


def msgfmt_check(locales):
    for language in LANGUAGES:
        result = subprocess.run(["msgfmt", "-c", "--statistics", "-o", "/dev/null",
                                 str(po_path(locales, language))], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr, result.stderr


def edited(records, kind, ident, **fields):
    return [dataclasses.replace(record, **fields)
            if (record.kind, record.id) == (kind, ident) else record for record in records]


@needs_gettext
def test_change_sequence_keeps_every_translation(workdir, shipped_records, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    locales = workdir / "locales"
    original = {language: all_translations(locales, language) for language in ("nl", "fr")}
    assert all(len(texts) == 27 for texts in original.values())
    old_tagline = "powering smart energy"

    # 1. A tagline is edited on the site: same context, new text -> fuzzy, previous text shown.
    step1 = edited(shipped_records, "cluster", "flux50", tagline="powering the smart energy grid")
    _, reports = update(step1, locales)
    for language in ("nl", "fr"):
        assert reports[language].fuzzy == ["cluster/flux50/tagline"]
        assert not reports[language].new and not reports[language].obsolete
        entry = entries(locales, language)["cluster/flux50/tagline"]
        assert entry.fuzzy and entry.previous_msgid == old_tagline
        assert entry.msgid == "powering the smart energy grid"
        assert entry.msgstr in original[language]
        assert all_translations(locales, language) == original[language]
    assert not entries(locales, "en")["cluster/flux50/tagline"].fuzzy  # nothing to keep
    msgfmt_check(locales)

    # 2. A cluster disappears: its entries become obsolete, translations kept.
    step2 = [r for r in step1 if r.key != "cluster/sim"]
    _, reports = update(step2, locales)
    for language in ("nl", "fr"):
        gone = ["cluster/sim/name", "cluster/sim/tagline", "cluster/sim/description"]
        assert reports[language].obsolete == gone
        found = entries(locales, language)
        assert all(("~", context) in found and context not in found for context in gone)
        assert all_translations(locales, language) == original[language]
    msgfmt_check(locales)

    # 3. A cluster is added whose tagline equals another cluster's: nothing is borrowed.
    newcomer = Cluster(id="new-cluster", position=7, name="New Cluster",
                       tagline="powering smart energy", description="A brand new cluster.",
                       url=shipped_records[0].url + "#new-cluster")
    step3 = step2[:-2] + [newcomer] + step2[-2:]
    _, reports = update(step3, locales)
    for language in ("nl", "fr"):
        assert reports[language].new == ["cluster/new-cluster/name",
                                          "cluster/new-cluster/tagline",
                                          "cluster/new-cluster/description"]
        found = entries(locales, language)
        assert all(found[c].msgstr == "" and not found[c].fuzzy for c in reports[language].new)
        assert all_translations(locales, language) == original[language]
    msgfmt_check(locales)

    # 4. The original page returns: fuzzy undone, obsolete entries back, newcomer gone.
    _, reports = update(shipped_records, locales)
    for language in ("nl", "fr"):
        assert reports[language].unfuzzied == ["cluster/flux50/tagline"]
        assert reports[language].restored == ["cluster/sim/name", "cluster/sim/tagline",
                                              "cluster/sim/description"]
        found = entries(locales, language)
        assert not any(entry.fuzzy for entry in found.values())
        assert not any(key[0] == "~" for key in found if isinstance(key, tuple))
        assert "cluster/new-cluster/name" not in found
        assert all_translations(locales, language) == original[language]
        shipped = (ROOT / "locales" / language / "LC_MESSAGES" / "clusters.po").read_text()
        mine = po_path(locales, language).read_text()
        assert without_pot_date(mine) == without_pot_date(shipped)
    msgfmt_check(locales)


def without_pot_date(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "POT-Creation-Date" not in line)


def test_fuzzy_entry_edited_again_keeps_the_text_it_was_translated_for(workdir, shipped_records):
    locales = workdir / "locales"
    update(edited(shipped_records, "cluster", "vil", tagline="first edit"), locales)
    update(edited(shipped_records, "cluster", "vil", tagline="second edit"), locales)
    entry = entries(locales, "nl")["cluster/vil/tagline"]
    assert entry.fuzzy and entry.msgid == "second edit"
    assert entry.previous_msgid == "where logistics and supply chain innovation go full throttle"


def test_obsolete_entry_returns_fuzzy_when_its_text_changed(workdir, shipped_records):
    locales = workdir / "locales"
    translation = entries(locales, "fr")["cluster/sim/name"].msgstr
    update([r for r in shipped_records if r.id != "sim"], locales)
    update(edited(shipped_records, "cluster", "sim", name="SIM Flanders"), locales)
    entry = entries(locales, "fr")["cluster/sim/name"]
    assert entry.msgstr == translation and entry.fuzzy and entry.previous_msgid == "SIM"


def test_second_update_with_nothing_new_rewrites_nothing(workdir, shipped_records):
    locales = workdir / "locales"
    update(shipped_records, locales)
    assert staged_update(shipped_records, locales)[2] == []


def test_headers_are_valid_and_complete(workdir, shipped_records):
    from babel.messages.plurals import get_plural

    locales = workdir / "locales"
    shutil.rmtree(locales / "fr")
    update(shipped_records, locales)  # fr catalog created from nothing
    for language in LANGUAGES:
        catalog = po.read(po_path(locales, language))
        fields = catalog.header_fields()
        assert fields["Language"] == language
        assert fields["Plural-Forms"] == get_plural(language).plural_forms
        assert fields["Content-Type"] == "text/plain; charset=UTF-8"
        text = po_path(locales, language).read_text()
        assert "FULL NAME" not in text and "EMAIL@ADDRESS" not in text and "YEAR" not in text
    assert po.read(template_path(locales)).entries[0].msgctxt == "page/cluster-policy/title"


@needs_gettext
def test_gnu_written_catalog_round_trips_losslessly(tmp_path):
    source = DATA / "gnu-features.po"
    gnu = subprocess.run(["msgcat", "--no-wrap", str(source)], capture_output=True,
                         check=True).stdout
    ours = po.dump(po.read(source))
    assert ours == gnu
    catalog = po.read(source)
    gone = [e for e in catalog.entries if e.obsolete]
    assert gone[1].previous_msgid == "Old gone tagline" and gone[1].fuzzy
    flux = catalog.entries[0]
    assert flux.previous_msgctxt == "cluster/flux50/old-tagline"
    assert "https://invest.flandersinvestmentandtrade.com/en/business-environment/" \
           "cluster-policy#flux50" in flux.references
    assert flux.comments == ["Translator comment: keep it short.", " Indented translator comment.",
                             ""]


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_catalogs_survive_msgcat_unchanged(language):
    """Poedit saves through msgcat; with wrapping off (our one setting) nothing changes."""
    path = ROOT / "locales" / language / "LC_MESSAGES" / "clusters.po"
    result = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True, check=True)
    assert result.stdout == path.read_bytes()
    wrapped = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
    assert po.dump(po.parse(wrapped)) == path.read_bytes()  # a wrapped save reads back the same


@needs_gettext
def test_compiled_catalog_leaves_out_fuzzy_and_untranslated(workdir, shipped_records):
    locales = workdir / "locales"
    path = po_path(locales, "nl")
    catalog = po.read(path)
    [sim] = [e for e in catalog.entries if e.msgctxt == "cluster/sim/tagline"]
    assert sim.msgstr and sim.msgstr != sim.msgid  # a real translation, now taken away
    sim.msgstr = ""
    path.write_bytes(po.dump(catalog))
    compiled, _ = update(edited(shipped_records, "cluster", "medvia", tagline="new tagline"),
                         locales)
    translations = gettext.GNUTranslations(io.BytesIO(compiled["clusters", "nl"]))
    assert translations.pgettext("cluster/medvia/tagline", "new tagline") == "new tagline"
    assert translations.pgettext("cluster/sim/tagline", sim.msgid) == sim.msgid
    assert translations.pgettext("page/cluster-policy/title", "7 spearhead clusters") \
        == "7 speerpuntclusters"
    mo = workdir / "nl.mo"
    # GNU's reading of it: the 25 current translations, no more
    mo.write_bytes(compiled["clusters", "nl"])
    listed = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True)
    contexts = [c for c in re.findall(r'^msgctxt "(.*)"$', listed.stdout, re.M)
                if c != SOURCE_STAMP[0]]  # the .po digest stamp, looked up by no one
    assert len(contexts) == 25
    assert "cluster/sim/tagline" not in contexts and "cluster/medvia/tagline" not in contexts


CORRUPTIONS = {
    "syntax": (b'msgctxt "x"\nmsgid "a"\nmsgstr "b\n', "end-of-line within string"),
    "duplicate": (b'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "c"\n',
                  "duplicate message definition"),
    "bytes": (b'msgctxt "x"\nmsgid "a"\nmsgstr "\xff\xfe"\n', "invalid multibyte sequence"),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corrupt_catalog_fails_with_file_and_line_and_rewrites_nothing(workdir, kind):
    locales = workdir / "locales"
    path = po_path(locales, "fr")
    body, message = CORRUPTIONS[kind]
    with path.open("ab") as handle:
        handle.write(b"\n" + body)
    before = tree_bytes(locales, workdir / "output")
    result = run_cli("catalogs", "update", "--locales", str(locales), "--output",
                     str(workdir / "output"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"speerpunt: {path}:")
    assert message in lines[0]
    assert tree_bytes(locales, workdir / "output") == before


def test_pybabel_extract_produces_the_same_template(tmp_path):
    pot = tmp_path / "babel.pot"
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run([pybabel, "extract", "-F", str(ROOT / "babel.cfg"), "--no-location",
                    "--width", "1000", "-o", str(pot), "output/"], cwd=ROOT, check=True,
                   capture_output=True)
    theirs = pot.read_text()
    bodies = []  # every domain's template, in the registry's order: all the records hold
    for domain in domains():
        ours = (ROOT / "locales" / f"{domain}.pot").read_text()
        bodies.append(ours[ours.index("\n\n#. "):].strip("\n"))
    assert len(bodies[0]) > 5000
    assert theirs.rstrip("\n").endswith("\n\n".join(bodies))


def test_template_holds_every_record_field_as_babel_reads_it(shipped_records):
    """Judged without our reader or our extractor: Babel's read_po of locales/clusters.pot
    gives one message per translatable field of every record, in page order, with its
    <type>/<id>/<field> context and the record's text."""
    from babel.messages.pofile import read_po

    fields = {"page": ("title", "intro"), "cluster": ("name", "tagline", "description"),
              "article": ("title", "summary")}  # the contract, written out here
    with open(ROOT / "locales" / "clusters.pot", "rb") as handle:
        template = read_po(handle)
    expected = [(f"{r.kind}/{r.id}/{name}", getattr(r, name)) for r in shipped_records
                if r.kind in fields for name in fields[r.kind]]
    assert [(m.context, m.id) for m in template if m.id] == expected
    assert len(expected) == 27


def test_only_newlines_end_po_lines():
    """U+2028 and other Unicode line separators inside a string are text (Python's
    splitlines would cut the entry there)."""
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    body = 'msgctxt "c"\nmsgid "a\u2028b\x1cc"\nmsgstr "d\u2029e"\n'
    catalog = po.parse((header + body).encode())
    assert catalog.entries[0].msgid == "a\u2028b\x1cc"
    text = po.dump(catalog)
    assert text.count(b"\n") == 6  # header (2 lines), a blank line, the 3 lines
    assert po.parse(text).entries[0].msgstr == "d\u2029e"


@needs_gettext
def test_shipped_catalogs_are_clean_for_msgfmt_and_complete():
    msgfmt_check(ROOT / "locales")
    for language in ("nl", "fr"):
        result = subprocess.run(["msgfmt", "-c", "--statistics", "-o", "/dev/null",
                                 str(po_path(ROOT / "locales", language))],
                                capture_output=True, text=True)
        assert result.stderr.strip() == "27 translated messages."


@pytest.mark.parametrize("size", [1, 5, 64, 1 << 20])
def test_lines_are_the_same_whatever_the_block_size(size):
    """The reader decodes a block of lines at a time; a character cut by a block
    boundary or a last line without "\n" must come out whole."""
    data = (DATA / "gnu-features.po").read_bytes() + 'msgid "ü€"\nmsgstr "x"'.encode()
    lines = [line for block in po._blocks(io.BytesIO(data), "x", "utf-8", size) for line in block]
    assert lines == data.decode().split("\n")


def test_undecodable_byte_is_reported_at_its_line_beyond_the_first_block():
    data = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n' + b"".join(
        b'msgctxt "c%d"\nmsgid "a"\nmsgstr "b"\n\n' % i for i in range(60000))
    assert len(data) > 2 << 20
    bad_line = data.count(b"\n") + 2
    with pytest.raises(po.POError, match=f"^big.po:{bad_line}:8: invalid multibyte sequence"):
        po.parse(data + b'msgctxt "z"\nmsgid "\xff"\nmsgstr ""\n', "big.po")
