"""Catalog figures and compiled catalogs in process: what mutation testing found checked only
through `speerpunt run` subprocesses (or not at all)."""

import gettext
import hashlib
import io
import shutil

import pytest

from pipeline.errors import RunFailed
from pipeline.i18n import po
from pipeline.i18n.catalogs import (
    compile_mo,
    current_mo,
    fresh_mo,
    merge,
    mo_path,
    po_path,
    read_catalog,
    stats,
)
from tests.support import ROOT


def entry(context, msgid, msgstr="", fuzzy=False, obsolete=False, **more):
    return po.Entry(msgid=msgid, msgstr=msgstr, msgctxt=context,
                    flags=["fuzzy"] if fuzzy else [], obsolete=obsolete, **more)


def test_stats_count_each_state_and_the_words():
    catalog = po.Catalog(po.Entry(""), [
        entry("a", "one two", "een twee"), entry("b", "three", "drie"),
        entry("c", "four five six", "vier", fuzzy=True), entry("d", "seven"),
        entry("e", "gone", "weg", obsolete=True)])
    row = stats(catalog, "nl")
    assert (row.language, row.translated, row.fuzzy, row.untranslated, row.obsolete,
            row.words) == ("nl", 2, 1, 1, 1, 7)
    assert row.total == 4 and row.completeness == 0.5
    assert stats(catalog, "nl", words=99).words == 99
    source = stats(catalog, "en", is_source=True)  # every live message is the source's own
    assert (source.translated, source.fuzzy, source.untranslated, source.source) == (0, 0, 0, 4)
    assert source.completeness == 1.0
    blank = po.Catalog(po.Entry(""), [entry("a", "one", "<span></span>"), entry("b", "two", " ")])
    assert (stats(blank, "nl").translated, stats(blank, "nl").untranslated) == (0, 2)


def test_a_returning_context_gets_back_the_translation_of_its_own_text():
    """Two obsolete entries for one context: the one whose text came back is restored as it
    was (not fuzzy); the other stays obsolete."""
    catalog = po.Catalog(po.Entry(""), [
        entry("cluster/sim/tagline", "old words", "oude woorden", obsolete=True),
        entry("cluster/sim/tagline", "older words", "oudere woorden", obsolete=True)])
    template = po.Catalog(po.Entry(""), [entry("cluster/sim/tagline", "old words")])
    merged, report = merge(template, catalog)
    assert [(e.msgid, e.msgstr, e.fuzzy, e.obsolete) for e in merged] == [
        ("old words", "oude woorden", False, False),
        ("older words", "oudere woorden", False, True)]
    assert report.restored == ["cluster/sim/tagline"]
    template = po.Catalog(po.Entry(""), [entry("cluster/sim/tagline", "new words")])
    merged, _ = merge(template, po.Catalog(po.Entry(""), [merged[1]]))
    assert [(e.msgstr, e.fuzzy, e.previous_msgid) for e in merged] == \
        [("oudere woorden", True, "older words")]


def test_compiled_catalog_holds_current_translations_plurals_and_its_source_stamp():
    catalog = po.Catalog(po.Entry("", msgstr="Content-Type: text/plain; charset=UTF-8\n"
                                  "Plural-Forms: nplurals=2; plural=(n != 1);\n"), [
        entry("page/x/title", "Title", "Titel"),
        entry("page/x/intro", "Intro", "Inleiding", fuzzy=True),
        entry("page/x/count", "one cluster", msgid_plural="{n} clusters",
              msgstr_plural={0: "één cluster", 1: "{n} clusters NL"})])
    mo = compile_mo(catalog, "nl", "abc123")
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    assert translations.pgettext("page/x/title", "Title") == "Titel"
    assert translations.pgettext("page/x/intro", "Intro") == "Intro"  # fuzzy is left out
    assert translations.npgettext("page/x/count", "one cluster", "{n} clusters", 1) \
        == "één cluster"
    assert translations.npgettext("page/x/count", "one cluster", "{n} clusters", 7) \
        == "{n} clusters NL"
    assert translations.pgettext("speerpunt/source", "sha256") == "sha256:abc123"
    assert translations.info()["language"] == "nl"
    assert "fuzzy" not in translations.info().get("#-#-#-#-#", "")


def test_a_mo_is_reused_only_when_compiled_from_these_po_bytes(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    assert mo_path(locales, "nl") == locales / "nl" / "LC_MESSAGES" / "clusters.mo"
    digest = hashlib.sha256(po_path(locales, "nl").read_bytes()).hexdigest()
    assert fresh_mo(mo_path(locales, "nl"), digest) is None  # none on disk yet
    mo, compiled = current_mo(locales, "nl")
    assert compiled is True
    mo_path(locales, "nl").write_bytes(mo)
    assert fresh_mo(mo_path(locales, "nl"), digest) == mo
    assert fresh_mo(mo_path(locales, "nl"), "0" * 64) is None
    assert current_mo(locales, "nl") == (mo, False)
    assert current_mo(locales, "nl", force=True) == (mo, True)
    path = po_path(locales, "nl")
    path.write_bytes(path.read_bytes().replace(b'msgstr "7 speerpuntclusters"',
                                               b'msgstr "zeven speerpuntclusters"'))
    again, compiled = current_mo(locales, "nl")
    assert compiled is True and again != mo
    assert gettext.GNUTranslations(io.BytesIO(again)).pgettext(
        "page/cluster-policy/title", "7 spearhead clusters") == "zeven speerpuntclusters"
    mo_path(locales, "fr").write_bytes(b"not a .mo at all")
    assert fresh_mo(mo_path(locales, "fr"), digest) is None


def test_an_unreadable_catalog_is_one_line_naming_it(tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_bytes(b'msgid "a"\nmsgstr "b\n')
    with pytest.raises(RunFailed) as failure:
        read_catalog(broken)
    with pytest.raises(po.POError) as error:
        po.read(broken)
    assert str(failure.value) == str(error.value) and str(failure.value).startswith(
        f"{broken}:2:8: end-of-line within string")
    (tmp_path / "dir.po").mkdir()
    with pytest.raises(RunFailed) as failure:
        read_catalog(tmp_path / "dir.po")
    assert str(failure.value) == \
        f"refusing to use {tmp_path / 'dir.po'}: a directory where a file should be"
    assert read_catalog(tmp_path / "absent.po") is None


TEMPLATE_HEADER = po.Entry("", msgstr=(
    "Project-Id-Version: speerpunt\nReport-Msgid-Bugs-To: https://example.org/issues\n"
    "POT-Creation-Date: 2026-11-28 04:14+0000\nMIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"))


def test_a_new_catalog_gets_every_header_field_in_gnu_order():
    from pipeline.i18n.catalogs import catalog_header

    header = catalog_header("fr", po.Catalog(TEMPLATE_HEADER, []), None)
    assert header.comments == ["French translation of the “7 spearhead clusters” page."]
    assert header.msgstr == (
        "Project-Id-Version: speerpunt\nReport-Msgid-Bugs-To: https://example.org/issues\n"
        "POT-Creation-Date: 2026-11-28 04:14+0000\nPO-Revision-Date: 2026-11-28 04:14+0000\n"
        "Last-Translator: \nLanguage-Team: French\nLanguage: fr\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
        "Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : "
        "n != 0 && n % 1000000 == 0 ? 1 : 2;\n")  # CLDR's French: "1 million de"


def test_a_translators_header_keeps_their_fields_and_order_and_takes_the_templates():
    from pipeline.i18n.catalogs import catalog_header

    existing = po.Catalog(po.Entry("", comments=["Ons team."], msgstr=(
        "Project-Id-Version: old\nLast-Translator: Anna <anna@example.org>\n"
        "Language-Team: Vlaams <nl@example.org>\nLanguage: xx\n"
        "Plural-Forms: nplurals=2; plural=n != 1;\nX-Generator: Weblate 5.14.3\n"
        "Report-Msgid-Bugs-To: old\nPOT-Creation-Date: 2020-01-01 00:00+0000\n"
        "PO-Revision-Date: 2026-11-27 10:00+0000\nMIME-Version: 0.9\n"
        "Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 7bit\n")), [])
    header = catalog_header("nl", po.Catalog(TEMPLATE_HEADER, []), existing)
    assert header.comments == ["Ons team."]
    assert header.msgstr == (
        "Project-Id-Version: speerpunt\nLast-Translator: Anna <anna@example.org>\n"
        "Language-Team: Vlaams <nl@example.org>\nLanguage: nl\n"
        "Plural-Forms: nplurals=2; plural=n != 1;\nX-Generator: Weblate 5.14.3\n"
        "Report-Msgid-Bugs-To: https://example.org/issues\n"
        "POT-Creation-Date: 2026-11-28 04:14+0000\nPO-Revision-Date: 2026-11-27 10:00+0000\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n")


def test_update_reports_each_languages_figures(tmp_path):
    from pipeline.i18n.catalogs import plan_update
    from pipeline.publish.commit import Publication
    from pipeline.records import read_records

    records = [r for r in read_records(ROOT / "output" / "records.jsonl")
               if r.source == "clusters"]  # the overview's domain alone
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    shutil.rmtree(locales / "fr")
    words = sum(len(text.split()) for r in records for key, text in r.to_dict().items()
                if key in ("title", "intro", "name", "tagline", "description", "summary"))
    with Publication(locales) as staged:
        update = plan_update(records, locales, staged.stage, compile=True)
        staged.commit()
    assert [(s.language, s.translated, s.fuzzy, s.untranslated, s.source, s.obsolete, s.words)
            for s in update.stats.values()] == [
        ("en", 0, 0, 0, 27, 0, words), ("nl", 27, 0, 0, 0, 0, words),
        ("fr", 0, 0, 27, 0, 0, words)]
    assert po.read(po_path(locales, "fr")).header.msgstr.startswith(
        "Project-Id-Version: speerpunt\n")
    for language in ("en", "nl", "fr"):
        compiled = update.compiled["clusters", language]
        assert compiled == mo_path(locales, language).read_bytes()
        digest = hashlib.sha256(po_path(locales, language).read_bytes()).hexdigest()
        assert fresh_mo(mo_path(locales, language), digest) == compiled
