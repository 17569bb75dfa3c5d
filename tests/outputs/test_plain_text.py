"""Exports hold plain text: a translation holding markup is not shown, text that merely
holds < > & is (pipeline/i18n/reading.py)."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.i18n.catalogs import po_path
from pipeline.i18n.check import check_catalog
from pipeline.i18n.reading import shown, visible
from tests.outputs.test_export import export, set_translation

KEPT = ["x<y, 3 > 2", "energie <voor> iedereen", "R&D < 5 % of budgets", "a > b & c",
        "<3 and 5>4", "kosten &lt; baten", "C++ <-> Python", "if a < b and c > d"]
REFUSED = [
    "Hallo <b onclick=\"steal()\">wereld</b>",
    "<script>alert(1)</script>Tekst",
    "<SCRIPT type=x>alert(1)",  # an unclosed script
    "a <!-- note --> b",
    "<<script>script>alert(1)<</script>/script>",
    "<a href=\"x>y\">link</a> blijft",
    "lijn<br/>breuk",
    "<style>p {color: red}</style>stijl",
    "<svg onload=alert(1)><circle/></svg>vorm",
    "<p>alinea</p>",
    "het tij keren <img src=x onerror=alert(1)//",  # an unclosed tag (trust issue, row 10)
    "<?php echo 1 ?>",
    "<!DOCTYPE html>",
    "",
    "   ",
    "<span></span>",
]


@pytest.mark.parametrize("text", KEPT)
def test_text_that_merely_holds_angle_brackets_or_ampersands_is_kept(text):
    assert visible(text, "source") == text


@pytest.mark.parametrize("text", REFUSED)
def test_a_translation_with_markup_or_no_text_is_not_shown(text):
    assert visible(text, "source") is None


_PIECES = st.sampled_from(["<", ">", "b", "img", "/", " ", "\u200b", "\u00ad", "\x00", "\u00a0",
                            "<b>", "</b>", "<!--", "x", "é", "\U000e0001"])


@given(st.lists(st.sampled_from(KEPT + REFUSED) | _PIECES, max_size=8).map("".join) |
       st.text(),
       st.sampled_from(["source", "a <b> source", "<!-- x -->"]))
@example("<\u200bimg src=x>", "source")  # markup once the invisible character is gone
@example("\u200b\u00a0", "source")
def test_shown_answers_as_visible_does(translation, source):
    """Asserts: shown() (what catalogs stats counts) is exactly visible() is not None."""
    assert shown(translation, source) == (visible(translation, source) is not None)


def test_markup_the_source_itself_holds_is_text():
    assert visible("a<b en c", "a<b and c") == "a<b en c"
    assert visible("a<b en <i>c</i>", "a<b and c") is None


@pytest.mark.slow
def test_translations_with_angle_brackets_reach_the_export_whole(workdir):
    set_translation(workdir, "nl", "cluster/flux50/tagline", msgstr="x<y, 3 > 2")
    set_translation(workdir, "nl", "cluster/sim/tagline", msgstr="energie <voor> iedereen")
    clusters = {c["id"]: c for c in export(workdir)["nl"]["clusters"]}
    assert (clusters["flux50"]["tagline"], clusters["flux50"]["fallback"]) == ("x<y, 3 > 2", [])
    assert clusters["sim"]["tagline"] == "energie <voor> iedereen"


def test_check_still_names_a_translation_with_markup(workdir):
    set_translation(workdir, "nl", "cluster/flux50/tagline",
                    msgstr="de <b>drijvende</b> kracht achter slimme energie")
    problems = check_catalog(po_path(workdir / "locales", "nl"), "nl")
    assert any("tags differ from the source" in line and "'<b>'" in line for line in problems)
