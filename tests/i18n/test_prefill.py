"""Pre-fill, never overwrite (pipeline/i18n/prefill.py): what a catalog entry becomes when the
memory has a match, judged on real catalogs on disk, GNU msgfmt and our own reader.

The texts are Flanders' FOOD's history paragraphs in English and its own Dutch version
(spiders/snapshot/flandersfood.com); the "translator's" texts are this test's own.
"""

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.i18n import po
from pipeline.i18n.catalogs import compile_mo
from pipeline.i18n.memory import Unit
from pipeline.i18n.prefill import MARK, Memory, Suggestion, prefill, suggestion

SITE = "https://www.flandersfood.com/nl/over-ons/geschiedenis"
EN = ["Flanders’ FOOD was established in 2005, initiated by Fevia Vlaanderen and 20 Flemish "
      "food companies, our founding members.",
      "Right from the start, the focus was on initiating research projects to explore new "
      "innovation opportunities, disseminate new and existing knowledge and to match "
      "businesses with each other and with suitable research partners."]
NL = ["Flanders’ FOOD werd opgericht in 2005, onder impuls van Fevia Vlaanderen en 20 Vlaamse "
      "voedingsbedrijven, onze stichtende leden.",
      "Van meet af aan werd de focus gelegd op de initiatie van onderzoeksprojecten."]
CONTEXT = [f"organisation/flanders-food/about/{n}" for n in (1, 2)]


def site_unit(n: int, target: str | None = None, seen: str = "2026-12-06",
              source: str | None = None) -> Unit:
    return Unit(source or EN[n], target or NL[n], "en", "nl", SITE, CONTEXT[n], seen)


def memory_of(units: list[Unit], offered: list[str] = ()) -> Memory:
    return Memory({"nl": units}, {"nl": {unit.target for unit in units} | set(offered)})


def entries(*translations: str) -> list[po.Entry]:
    return [po.Entry(msgid=EN[n], msgctxt=CONTEXT[n], msgstr=text)
            for n, text in enumerate(translations)]


def test_an_untranslated_field_gets_its_sites_own_version_fuzzy_with_where_from():
    found = entries("", "")
    prefill(found, memory_of([site_unit(0), site_unit(1)]), "en", "nl")
    for n, entry in enumerate(found):
        assert (entry.msgstr, entry.fuzzy) == (NL[n], True)
        assert entry.comments == [f"{MARK} 100 % match, the site's own version of this text: "
                                  f"{SITE} (seen 2026-12-06)"]
        assert suggestion(entry) == Suggestion(100, "context", SITE, "2026-12-06")


@pytest.mark.usefixtures("gettext")
def test_a_prefilled_catalog_is_valid_po_and_its_mo_holds_no_suggestion(tmp_path):
    """GNU's judgement of the file; gettext's rule (a fuzzy entry is not compiled) keeps a
    suggestion out of every export."""
    catalog = po.Catalog(po.Entry(msgid="", msgstr="Content-Type: text/plain; charset=UTF-8\n"
                                  "Language: nl\n"), entries("", ""))
    prefill(catalog.entries, memory_of([site_unit(0), site_unit(1)]), "en", "nl")
    path = tmp_path / "nl.po"
    path.write_bytes(po.dump(catalog))
    checked = subprocess.run(["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(path)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "0 translated messages, 2 fuzzy translations" in checked.stderr
    shown = subprocess.run(["msgattrib", "--only-fuzzy", "--no-wrap", str(path)],
                           capture_output=True, text=True, check=True).stdout
    assert f"# {MARK} 100 % match, the site's own version of this text: {SITE}" in shown
    assert NL[0] not in compile_mo(po.parse(path.read_bytes(), path), "nl", "x").decode(
        "utf-8", "replace")


def test_a_translators_translation_is_never_replaced_not_even_by_a_100_match():
    found = entries("Mijn vertaling.", "")
    found[1].msgstr = "Nog een, onaf."
    found[1].set_fuzzy(True)  # the translator's own fuzzy flag: still their text
    prefill(found, memory_of([site_unit(0), site_unit(1)]), "en", "nl")
    assert [(e.msgstr, e.fuzzy, e.comments) for e in found] == [
        ("Mijn vertaling.", False, []), ("Nog een, onaf.", True, [])]


def test_an_edited_or_accepted_suggestion_is_the_translators():
    found = entries("", "")
    memory = memory_of([site_unit(0), site_unit(1)])
    prefill(found, memory, "en", "nl")
    found[0].msgstr += " Bewerkt."  # edited, still fuzzy, our comment kept
    found[1].set_fuzzy(False)  # accepted as it is
    newer = memory_of([site_unit(0, "Nieuwe tekst van de site.", "2026-12-07"),
                       site_unit(1, "Nieuwere tekst.", "2026-12-07")], offered=NL)
    prefill(found, newer, "en", "nl")
    assert [e.msgstr for e in found] == [NL[0] + " Bewerkt.", NL[1]]
    assert [e.fuzzy for e in found] == [True, False]


def test_an_untouched_suggestion_follows_the_sites_new_text_or_is_taken_back():
    found = entries("", "")
    prefill(found, memory_of([site_unit(0), site_unit(1)]), "en", "nl")
    newer = memory_of([site_unit(0, "Nieuwe tekst van de site.", "2026-12-07")], offered=NL)
    prefill(found, newer, "en", "nl")
    assert (found[0].msgstr, found[0].fuzzy) == ("Nieuwe tekst van de site.", True)
    assert found[0].comments == [f"{MARK} 100 % match, the site's own version of this text: "
                                 f"{SITE} (seen 2026-12-07)"]
    assert (found[1].msgstr, found[1].fuzzy, found[1].comments) == ("", False, [])


def test_a_field_with_its_own_unit_never_gets_another_fields():
    """Paragraph 1's own unit was made for an older English text (under 75 % like the new
    one): nothing is offered, although paragraph 2's unit holds the very text."""
    memory = memory_of([site_unit(0, source="Something else entirely was said here once."),
                        Unit(EN[0], "Andere plaats.", "en", "nl", SITE, "page/x/other",
                             "2026-12-06")])
    found = entries("")
    prefill(found, memory, "en", "nl")
    assert (found[0].msgstr, found[0].fuzzy) == ("", False)


def test_the_same_text_elsewhere_then_a_similar_one_with_its_score():
    agency = [Unit(EN[0], "Vertaling van een bureau.", "en", "nl", "agency.tmx", None,
                   "2025-10-01"),
              Unit(EN[1].replace("each other", "one another"), "Bijna dezelfde.", "en", "nl",
                   "agency.tmx", None, "2025-10-01")]
    found = entries("", "")
    prefill(found, memory_of(agency), "en", "nl")
    assert [suggestion(e) for e in found] == [
        Suggestion(100, "exact", "agency.tmx", "2025-10-01"),
        Suggestion(94, "fuzzy", "agency.tmx", "2025-10-01")]  # 36 words, 34 kept: 68/72
    assert found[1].comments == [f"{MARK} 94 % match, a similar text: agency.tmx "
                                 "(seen 2025-10-01)"]


def test_a_translator_comment_of_their_own_stays_beside_ours():
    found = entries("")
    found[0].comments = ["Vraag: Fevia voluit schrijven?"]
    prefill(found, memory_of([site_unit(0)]), "en", "nl")
    assert found[0].comments[0] == "Vraag: Fevia voluit schrijven?"
    assert found[0].comments[1].startswith(MARK)


# ---------------------------------------------------------------- property

SITE_TEXTS = ["Versie A.", "Versie B.", "Versie C."]
TRANSLATOR_TEXTS = ["Vertaling X.", "Vertaling Y."]
steps = st.lists(st.one_of(
    st.tuples(st.just("site"), st.integers(0, 1), st.sampled_from(SITE_TEXTS)),
    st.tuples(st.just("site gone"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("translate"), st.integers(0, 1), st.sampled_from(TRANSLATOR_TEXTS)),
    st.tuples(st.just("accept"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("edit"), st.integers(0, 1), st.just(" Bewerkt.")),
    st.tuples(st.just("clear"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("run"), st.just(0), st.just("")),
), max_size=25)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(steps)
def test_runs_never_replace_a_translators_text_nor_borrow_another_fields_unit(history):
    """Over any sequence of site changes, translator edits and runs: a text the translator
    typed or accepted is exactly what it was after the run; an entry whose field has its
    own unit is only ever offered that unit's text; an entry stays fuzzy while it holds a
    suggestion."""
    found = entries("", "")
    site: dict[int, Unit] = {}
    agency = Unit(EN[1], "Van een bureau.", "en", "nl", "agency.tmx", None, "2025-10-01")
    offered: set[str] = set()
    day = 6
    theirs: dict[int, str] = {}  # what the translator owns, by field

    for action, n, text in history:
        entry = found[n]
        if action == "site":
            day += 1
            site[n] = site_unit(n, text, f"2026-12-{day:02d}")
        elif action == "site gone":
            site.pop(n, None)
        elif action == "translate":
            entry.msgstr, theirs[n] = text, text
            entry.set_fuzzy(False)
        elif action == "accept" and suggestion(entry) is not None:
            entry.set_fuzzy(False)
            theirs[n] = entry.msgstr
        elif action == "edit" and entry.msgstr:
            entry.msgstr += text
            theirs[n] = entry.msgstr
        elif action == "clear":
            entry.msgstr = ""
            entry.set_fuzzy(False)
            theirs.pop(n, None)
        elif action == "run":
            units = [*site.values(), agency]
            offered |= {unit.target for unit in units}
            prefill(found, Memory({"nl": units}, {"nl": offered}), "en", "nl")
            for field, owned in theirs.items():
                assert found[field].msgstr == owned
            for field, current in enumerate(found):
                if field in theirs:
                    continue
                if field in site:  # its own unit, or nothing
                    assert current.msgstr in ("", site[field].target)
                if current.msgstr:
                    assert current.fuzzy and suggestion(current) is not None
