"""Translations that lost their msgctxt (an agency's XLIFF round trip) are found again."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.i18n import po
from pipeline.i18n.catalogs import merge, po_path
from pipeline.i18n.check import check_catalog
from tests.support import ROOT, run_cli

HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
BIN = Path(sys.executable).parent


def catalog(*entries: str) -> po.Catalog:
    return po.parse(("\n".join([HEADER, *entries])).encode())


TEMPLATE = catalog('msgctxt "cluster/a/name"\nmsgid "Alpha"\nmsgstr ""\n',
                   'msgctxt "cluster/b/name"\nmsgid "Same"\nmsgstr ""\n',
                   'msgctxt "cluster/c/name"\nmsgid "Same"\nmsgstr ""\n',
                   'msgctxt "cluster/d/name"\nmsgid "Delta"\nmsgstr ""\n')


def test_context_less_entry_matching_one_message_gets_its_context_back():
    entries, report = merge(TEMPLATE, catalog('msgid "Alpha"\nmsgstr "Alfa"\n'))
    assert [(e.msgctxt, e.msgstr, e.obsolete) for e in entries][:1] == [
        ("cluster/a/name", "Alfa", False)]
    assert report.recovered == ["cluster/a/name"] and report.obsolete == []


def test_context_less_entry_matching_two_messages_is_kept_obsolete_not_guessed():
    entries, report = merge(TEMPLATE, catalog('msgid "Same"\nmsgstr "Zelfde"\n'))
    assert report.recovered == []
    assert [(e.msgctxt, e.msgstr) for e in entries if e.obsolete] == [(None, "Zelfde")]
    assert all(not e.msgstr for e in entries if not e.obsolete)


def test_context_less_entry_never_replaces_a_translation_that_has_its_context():
    entries, report = merge(TEMPLATE, catalog(
        'msgctxt "cluster/d/name"\nmsgid "Delta"\nmsgstr "Delta (nl)"\n',
        'msgid "Delta"\nmsgstr "Delta (oud)"\n'))
    assert report.recovered == []
    live = {e.msgctxt: e.msgstr for e in entries if not e.obsolete}
    assert live["cluster/d/name"] == "Delta (nl)"
    assert [(e.msgctxt, e.msgstr) for e in entries if e.obsolete] == [(None, "Delta (oud)")]


def test_check_names_entries_without_context_or_with_one_the_template_lacks(tmp_path):
    path = tmp_path / "nl.po"
    path.write_bytes(po.dump(catalog(
        'msgctxt "cluster/a/name"\nmsgid "Alpha"\nmsgstr "Alfa"\n',
        'msgid "Delta"\nmsgstr "Delta"\n',
        'msgctxt "cluster/zz/name"\nmsgid "Zulu"\nmsgstr "Zoeloe"\n')))
    problems = check_catalog(path, "nl", {e.msgctxt for e in TEMPLATE.entries})
    assert [p for p in problems if "context" in p] == [
        f"{path}:8: no msgctxt, so this translation is never published; `speerpunt catalogs "
        "update` gives it back its context when its msgid matches one message",
        f"{path}:11: context 'cluster/zz/name' is not in the template, so this translation is "
        "never published"]


@pytest.mark.slow
def test_xliff_round_trip_through_translate_toolkit_loses_no_translation(workdir, tmp_path):
    locales, output = workdir / "locales", workdir / "output"
    path = po_path(locales, "nl")
    original = {e.msgctxt: e.msgstr for e in po.read(path).entries if e.msgstr}
    assert len(original) == 27
    subprocess.run([BIN / "po2xliff", path, tmp_path / "nl.xlf"], check=True,
                   capture_output=True)
    subprocess.run([BIN / "xliff2po", tmp_path / "nl.xlf", tmp_path / "nl.po"], check=True,
                   capture_output=True)
    shutil.copy(tmp_path / "nl.po", path)  # what the agency sent back
    assert all(e.msgctxt is None for e in po.read(path).entries)

    check = run_cli("catalogs", "check", "--locales", str(locales), "--output", str(output))
    assert check.returncode == 1
    assert sum("no msgctxt" in line for line in check.stdout.splitlines()) == 27

    update = run_cli("catalogs", "update", "--locales", str(locales), "--output", str(output))
    assert update.returncode == 0, update.stderr
    nl = next(line for line in update.stdout.splitlines() if line.startswith("nl:"))
    assert "27 recovered" in nl
    catalog_now = po.read(path)
    assert {e.msgctxt: e.msgstr for e in catalog_now.entries if e.msgstr} == original
    assert not any(e.obsolete for e in catalog_now.entries)

    check = run_cli("catalogs", "check", "--locales", str(locales), "--output", str(output))
    assert "msgctxt" not in check.stdout
    export = run_cli("export", "--output", str(output), "--locales", str(locales))
    assert export.returncode == 0, export.stderr
    index = json.loads((output / "index.json").read_text())
    shipped = json.loads((ROOT / "output" / "index.json").read_text())["locales"]
    assert [row["completeness"] for row in index["locales"] if row["locale"] == "nl"] == \
        [row["completeness"] for row in shipped if row["locale"] == "nl"]  # every one back
