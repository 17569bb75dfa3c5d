"""The glossary (locales/<lang>/glossary.tbx): brands.json's names as untranslatable terms,
as translate-toolkit (the reader Weblate uses for TBX) reads it; a translator's terms kept."""

import shutil

from translate.storage import tbx

from pipeline.i18n import glossary
from pipeline.sources import LOCALES
from tests.support import ROOT, run_cli, tree_bytes

TRANSLATORS_TERM = b"""\
      <termEntry id="weblate-1">
        <langSet xml:lang="en"><tig><term>spearhead cluster</term></tig></langSet>
        <langSet xml:lang="nl"><tig><term>speerpuntcluster</term></tig></langSet>
      </termEntry>
"""


def test_every_brand_is_an_untranslatable_term_to_translate_toolkit(tmp_path):
    path = tmp_path / "nl" / "glossary.tbx"
    path.parent.mkdir()
    path.write_bytes(glossary.updated(path, "nl"))
    store = tbx.tbxfile.parsefile(str(path))
    assert [(unit.source, unit.target, unit.istranslatable()) for unit in store.units] == [
        (name, name, False) for name in glossary.brands()]
    assert glossary.updated(path, "nl") is None  # complete: not rewritten


def test_a_translators_term_is_kept_and_a_missing_brand_added(tmp_path):
    path = tmp_path / "nl" / "glossary.tbx"
    path.parent.mkdir()
    whole = glossary.updated(path, "nl")
    without_vil = whole[:whole.index(b"      <termEntry>\n        <descrip type=\"Translation "
                                     b"needed\">No</descrip>\n        <descrip>A name: it stays"
                                     b" as it is in every language (speerpunt's brands.json)."
                                     b"</descrip>\n        <langSet xml:lang=\"en\">\n          "
                                     b"<tig>\n            <term>VIL")]
    path.write_bytes(without_vil + TRANSLATORS_TERM + b"    </body>\n  </text>\n</martif>\n")
    store = tbx.tbxfile.parsefile(str(path))
    assert "VIL" not in [unit.source for unit in store.units]
    written = glossary.updated(path, "nl")
    assert written == without_vil + TRANSLATORS_TERM.rstrip(b"\n") + b"\n      " + \
        whole[len(without_vil):].lstrip(b" ")
    path.write_bytes(written)
    units = {unit.source: unit for unit in tbx.tbxfile.parsefile(str(path)).units}
    assert units["spearhead cluster"].target == "speerpuntcluster"
    assert units["spearhead cluster"].istranslatable()
    assert not units["VIL"].istranslatable()
    assert glossary.untranslatable(glossary.read(path)) == set(glossary.brands())


def test_a_broken_glossary_refuses_the_update_in_one_line_and_touches_nothing(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    broken = locales / "fr" / "glossary.tbx"
    broken.write_bytes(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<martif>&e;'
                       b"<text><body>\n<termEntry>")
    shutil.copytree(ROOT / "output", tmp_path / "output")
    before = tree_bytes(locales)
    result = run_cli("catalogs", "update", "--output", str(tmp_path / "output"),
                     "--locales", str(locales))
    assert result.returncode == 1
    assert result.stderr.startswith(f"speerpunt: {broken}:3: not a TBX glossary: ")
    assert result.stderr.count("\n") == 1
    assert tree_bytes(locales) == before
    assert all((locales / language / "glossary.tbx").exists() for language in LOCALES
               if language != "en")
