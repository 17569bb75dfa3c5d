"""Exports hold plain text: markup goes, text that merely holds < > & stays."""

import pytest

from pipeline.i18n.catalogs import po_path
from pipeline.i18n.check import check_catalog
from pipeline.outputs.export import plain_text
from tests.outputs.test_export import export, set_translation

KEPT = ["x<y, 3 > 2", "energie <voor> iedereen", "R&D < 5 % of budgets", "a > b & c",
        "<3 and 5>4", "kosten &lt; baten", "C++ <-> Python", "if a < b and c > d"]
REMOVED = {
    "Hallo <b onclick=\"steal()\">wereld</b>": "Hallo wereld",
    "<script>alert(1)</script>Tekst": "Tekst",
    "<SCRIPT type=x>alert(1)": "",  # an unclosed script runs to the end
    "a <!-- note --> b": "a b",
    "<<script>script>alert(1)<</script>/script>": "",  # removals never join into a tag
    "<a href=\"x>y\">link</a> blijft": "link blijft",
    "lijn<br/>breuk": "lijnbreuk",
    "<style>p {color: red}</style>stijl": "stijl",
    "<svg onload=alert(1)><circle/></svg>vorm": "vorm",
    "<p>alinea</p>": "alinea",
}


@pytest.mark.parametrize("text", KEPT)
def test_text_that_merely_holds_angle_brackets_or_ampersands_is_kept(text):
    assert plain_text(text) == text


@pytest.mark.parametrize("text", REMOVED)
def test_markup_elements_comments_and_scripts_are_removed(text):
    assert plain_text(text) == REMOVED[text]


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
