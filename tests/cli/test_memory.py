"""`speerpunt memory export|import` and what the memory means to `catalogs check`, as a
translator or an agency meets them: real catalogs on disk, translate-toolkit as the judge
of the TMX, GNU msgfmt as the judge of the PO.

The agency file is this test's own (OmegaT's layout: region subtags, no context); its
English is Flanders' FOOD's, its French translation is the test's.
"""

import subprocess

import pytest
from translate.storage import tmx

from pipeline.i18n import po
from pipeline.i18n.memory import read_tmx
from pipeline.i18n.prefill import MARK, suggestion
from tests.support import run_cli, tree_bytes

ABOUT_2 = ("Right from the start, the focus was on initiating research projects to explore new "
           "innovation opportunities, disseminate new and existing knowledge and to match "
           "businesses with each other and with suitable research partners.")
OWN = "Flanders’ FOOD bestaat sinds 2005 en heeft 20 stichtende leden."  # a translator's
FRENCH = "Dès le départ, l’accent a été mis sur le lancement de projets de recherche."
AGENCY = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="OmegaT" creationtoolversion="6.0" segtype="paragraph" o-tmf="OmegaT TMX"
 adminlang="EN-US" srclang="en-GB" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="en-GB" changedate="20251001T120000Z"><seg>{ABOUT_2}</seg></tuv>
<tuv xml:lang="fr-BE" changedate="20251001T120000Z"><seg>{FRENCH}</seg></tuv></tu>
<tu><tuv xml:lang="en-GB"><seg>Hello</seg></tuv><tuv xml:lang="de-DE"><seg>Hallo</seg></tuv></tu>
</body></tmx>
"""


def memory(workdir, *args):
    return run_cli("memory", *args, "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"), cwd=workdir)


def entry_of(workdir, language: str, context: str) -> po.Entry:
    path = workdir / "locales" / language / "LC_MESSAGES" / "flanders-food.po"
    return next(e for e in po.read(path).entries if e.msgctxt == context)


def test_export_gives_translate_toolkit_the_same_units(workdir):
    """The shipped memory (Flanders' FOOD's Dutch history, aligned) read back by
    translate-toolkit's TMX reader: the same source, target and context, unit by unit."""
    out = workdir / "exported.tmx"
    result = memory(workdir, "export", str(out))
    assert result.returncode == 0, result.stderr
    ours = read_tmx(out)
    assert len(ours) == 3
    assert result.stdout == f"exported 3 units to {out}\n"
    theirs = tmx.tmxfile.parsefile(str(out)).units
    assert [(u.source, u.target, u.getcontext()) for u in theirs] == \
        [(u.source, u.target, u.context) for u in ours]
    assert [u.context for u in ours] == [f"organisation/flanders-food/about/{n}" for n in (1, 2, 3)]
    assert run_cli("memory", "export", "-", "--locales", str(workdir / "locales"),
                   cwd=workdir).stdout.encode() == out.read_bytes()


@pytest.mark.usefixtures("gettext")
def test_an_agency_tmx_fills_the_matching_entry_fuzzy_and_again_changes_nothing(workdir, tmp_path):
    agency = tmp_path / "agency.tmx"
    agency.write_text(AGENCY, encoding="utf-8")
    result = memory(workdir, "import", str(agency))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 1 units from {agency} (en 0, nl 0, fr 1; 1 into other languages, skipped)",
        "suggested by the memory now: en 0, nl 3, fr 1",
        "2 files changed"]
    entry = entry_of(workdir, "fr", "organisation/flanders-food/about/2")
    assert (entry.msgstr, entry.fuzzy) == (FRENCH, True)
    assert entry.comments == [f"{MARK} 100 % match, the same source text: agency.tmx "
                              "(seen 2025-10-01)"]
    po_file = workdir / "locales/fr/LC_MESSAGES/flanders-food.po"
    checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po_file)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert [u.target for u in read_tmx(workdir / "locales/fr/memory.tmx")] == [FRENCH]
    before = tree_bytes(workdir / "locales")
    again = memory(workdir, "import", str(agency))
    assert again.stdout.splitlines()[-1] == "0 files changed"
    assert tree_bytes(workdir / "locales") == before


def test_a_broken_tmx_is_refused_in_one_line_and_nothing_is_touched(workdir, tmp_path):
    broken = tmp_path / "agency.tmx"
    broken.write_text(AGENCY.replace("</tu>\n<tu>", "</tu>\n<tu", 1), encoding="utf-8")
    before = tree_bytes(workdir / "locales", workdir / "output")
    result = memory(workdir, "import", str(broken))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (f"speerpunt: {broken}:8: not well-formed XML: error parsing "
                             "attribute name\n")  # line 8: `<tu<tuv xml:lang=...`
    assert tree_bytes(workdir / "locales", workdir / "output") == before


def test_a_tmx_into_no_language_we_publish_is_refused(workdir, tmp_path):
    german = tmp_path / "de.tmx"
    german.write_text(AGENCY.replace('"fr-BE"', '"de-DE"'), encoding="utf-8")
    before = tree_bytes(workdir / "locales")
    result = memory(workdir, "import", str(german))
    assert result.returncode == 1
    assert result.stderr == (f"speerpunt: {german}: no translation unit into en, nl, fr; "
                             "nothing imported\n")
    assert tree_bytes(workdir / "locales") == before


def test_check_says_what_the_site_now_says_where_a_translator_translated(workdir):
    """A translator translated paragraph 1 themselves before the site's Dutch was known:
    `catalogs update` leaves it alone, and the check notes the site's version (exit 0:
    a note, not a problem). Once they take the site's text, the note goes."""
    path = workdir / "locales/nl/LC_MESSAGES/flanders-food.po"
    catalog = po.read(path)
    first = next(e for e in catalog.entries if e.msgctxt == "organisation/flanders-food/about/1")
    site_text = first.msgstr
    first.msgstr, first.comments = OWN, []
    first.set_fuzzy(False)
    path.write_bytes(po.dump(catalog))
    update = run_cli("catalogs", "update", "--output", str(workdir / "output"),
                     "--locales", str(workdir / "locales"), cwd=workdir)
    assert update.returncode == 0, update.stderr
    assert entry_of(workdir, "nl", first.msgctxt).msgstr == OWN
    result = run_cli("catalogs", "check", "--locales", str(workdir / "locales"), cwd=workdir)
    line = entry_of(workdir, "nl", first.msgctxt).line
    assert result.returncode == 0, result.stdout
    assert result.stdout == (
        f"{path}:{line}: note: the site now says {site_text!r} "
        "(https://www.flandersfood.com/nl/over-ons/geschiedenis, seen 2026-12-06)\n")
    catalog = po.read(path)
    taken = next(e for e in catalog.entries if e.msgctxt == first.msgctxt)
    taken.msgstr = site_text
    path.write_bytes(po.dump(catalog))
    again = run_cli("catalogs", "check", "--locales", str(workdir / "locales"), cwd=workdir)
    assert "the site now says" not in again.stdout


def test_an_accepted_suggestion_is_not_noted_until_the_site_changes(workdir):
    path = workdir / "locales/nl/LC_MESSAGES/flanders-food.po"
    catalog = po.read(path)
    first = next(e for e in catalog.entries if e.msgctxt == "organisation/flanders-food/about/1")
    assert suggestion(first) is not None
    first.msgstr += " (nagelezen)"
    first.set_fuzzy(False)  # edited and accepted: the translator's, from this very version
    path.write_bytes(po.dump(catalog))
    result = run_cli("catalogs", "check", "--locales", str(workdir / "locales"), cwd=workdir)
    assert "the site now says" not in result.stdout
    tmx_path = workdir / "locales/nl/memory.tmx"
    tmx_path.write_text(tmx_path.read_text(encoding="utf-8").replace(
        "Flanders’ FOOD werd opgericht in 2005", "Flanders’ FOOD ontstond in 2005").replace(
        '<tu creationdate="20261206T000000Z">\n      <prop type="x-context">organisation/'
        'flanders-food/about/1', '<tu creationdate="20261207T000000Z">\n      <prop type='
        '"x-context">organisation/flanders-food/about/1'), encoding="utf-8")
    result = run_cli("catalogs", "check", "--locales", str(workdir / "locales"), cwd=workdir)
    assert "note: the site now says 'Flanders’ FOOD ontstond in 2005" in result.stdout
    assert "seen 2026-12-07)" in result.stdout
