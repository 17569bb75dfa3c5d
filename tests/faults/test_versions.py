"""A site's own language versions, end to end: a real `speerpunt run --snapshot` against a
local server answering from the bundled snapshot (tests/support/server.py SnapshotSite),
Flanders' FOOD's history in English and its own Dutch.

Asserted: the three paragraph pairs offered, pre-filled fuzzy with their origin and
match % in the nl catalog, counted in the report and shown in the preview; a "Dutch"
version whose text is English offers nothing and the report says why; when the site
changes its Dutch, an untouched suggestion follows it and a translator's accepted text
stays as it is, `catalogs check` saying what the site now says.
The changed Dutch sentence in the last test is this test's, standing for a site's edit.
"""

import json

import pytest
from lxml import html

from pipeline.i18n import po
from pipeline.i18n.memory import read_tmx
from pipeline.i18n.prefill import Suggestion, suggestion
from tests.support import SNAPSHOTS, run_cli, tree_bytes
from tests.support.server import SnapshotSite

pytestmark = [pytest.mark.faults, pytest.mark.slow]
NL_PAGE = "https://www.flandersfood.com/nl/over-ons/geschiedenis"
NL_ROUTE = "/www.flandersfood.com/nl/over-ons/geschiedenis"
CONTEXTS = [f"organisation/flanders-food/about/{n}" for n in (1, 2, 3)]


@pytest.fixture
def snapshot_site():
    site = SnapshotSite(SNAPSHOTS)
    yield site
    site.close()


def run(workdir, site, *extra):
    return run_cli("run", "--snapshot", str(SNAPSHOTS), "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"), "-s",
                   f"SPEERPUNT_SNAPSHOT={site.base}", *extra, cwd=workdir,
                   env={"SOURCE_DATE_EPOCH": "1796634000"})  # 2026-12-07


def nl_entries(workdir) -> dict[str, po.Entry]:
    path = workdir / "locales/nl/LC_MESSAGES/flanders-food.po"
    return {e.msgctxt: e for e in po.read(path).entries if e.msgctxt in CONTEXTS}


def without_memory(workdir) -> None:
    """As before any version was read: no memory, the history's Dutch entries empty."""
    (workdir / "locales/nl/memory.tmx").unlink()
    path = workdir / "locales/nl/LC_MESSAGES/flanders-food.po"
    catalog = po.read(path)
    for entry in catalog.entries:
        entry.msgstr, entry.comments = "", []
        entry.set_fuzzy(False)
    path.write_bytes(po.dump(catalog))


def report(workdir) -> dict:
    return json.loads((workdir / "output/report.json").read_bytes())


def test_the_history_s_three_pairs_are_suggested_counted_and_shown(workdir, snapshot_site):
    without_memory(workdir)
    result = run(workdir, snapshot_site)
    assert result.returncode == 0, result.stderr
    assert report(workdir)["sites"]["flanders-food"]["versions"] == {"nl": {
        "url": NL_PAGE, "used": True, "method": "blocks", "aligned": 3, "sentences": 0,
        "unaligned": 0, "unaligned_in_version": 0}}
    dutch = [p.text_content().replace("20  Vlaamse", "20 Vlaamse") for p in html.fromstring(
        snapshot_site.page("www.flandersfood.com", "/nl/over-ons/geschiedenis")).xpath(
        "//main//p")]
    found = nl_entries(workdir)
    assert [found[c].msgstr for c in CONTEXTS] == dutch  # each paragraph to its own
    assert all(found[c].fuzzy for c in CONTEXTS)
    assert {suggestion(found[c]) for c in CONTEXTS} == {
        Suggestion(100, "context", NL_PAGE, "2026-12-07")}
    assert "(3 suggested by the memory, 0 fuzzy, 62 untranslated)" in result.stdout
    page = html.fromstring((workdir / "output/preview/nl.html").read_bytes())
    shown = page.xpath('//*[@data-state="suggested"]')
    assert [element.get("data-msgctxt") for element in shown] == CONTEXTS
    assert all(NL_PAGE in element.text_content() and "100 %" in element.text_content()
               for element in shown)
    assert page.xpath('string(//*[@data-count="suggested"]/b)') == "3"
    export = json.loads((workdir / "output/nl/clusters.json").read_bytes())
    food = next(c for c in export["clusters"] if c["id"] == "flanders-food")["organisation"]
    assert not set(food["about"]) & set(dutch)  # a suggestion is never published


@pytest.mark.parametrize(("declared", "reason"), [
    ("nl", "is written in 'en' (detected with confidence 1.00), not 'nl' as its link says"),
    ("en", "declares its language as 'en', not 'nl' as its link says")])  # VLAIO's /nl/ pages
def test_a_dutch_version_whose_text_is_english_offers_nothing(workdir, snapshot_site, declared,
                                                              reason):
    without_memory(workdir)
    english = snapshot_site.page("www.flandersfood.com", "/en/about-us/history").decode()
    snapshot_site.route(NL_ROUTE, english.replace('<html lang="en"', f'<html lang="{declared}"'))
    result = run(workdir, snapshot_site)
    assert result.returncode == 0, result.stderr
    version = report(workdir)["sites"]["flanders-food"]["versions"]["nl"]
    assert version == {"url": NL_PAGE, "used": False,
                       "reason": f"{NL_PAGE} {reason}; its text is not offered to translators"}
    assert not (workdir / "locales/nl/memory.tmx").exists()
    assert all(e.msgstr == "" and not e.fuzzy for e in nl_entries(workdir).values())


def test_the_sites_new_dutch_follows_a_suggestion_never_a_translators_text(workdir,
                                                                          snapshot_site):
    path = workdir / "locales/nl/LC_MESSAGES/flanders-food.po"
    catalog = po.read(path)
    accepted = next(e for e in catalog.entries if e.msgctxt == CONTEXTS[0])
    accepted.set_fuzzy(False)  # the translator takes paragraph 1 as the site has it
    path.write_bytes(po.dump(catalog))
    page = snapshot_site.page("www.flandersfood.com", "/nl/over-ons/geschiedenis").decode()
    snapshot_site.route(NL_ROUTE, page.replace("werd opgericht in 2005", "ontstond in 2005")
                        .replace("Van meet af aan werd", "Van bij het begin werd"))
    result = run(workdir, snapshot_site)
    assert result.returncode == 0, result.stderr
    found = nl_entries(workdir)
    assert found[CONTEXTS[0]].msgstr == accepted.msgstr and not found[CONTEXTS[0]].fuzzy
    assert found[CONTEXTS[1]].msgstr.startswith("Van bij het begin werd de focus")
    assert suggestion(found[CONTEXTS[1]]) == Suggestion(100, "context", NL_PAGE, "2026-12-07")
    units = {u.context: u for u in read_tmx(workdir / "locales/nl/memory.tmx")}
    assert units[CONTEXTS[2]].seen == "2026-12-06"  # unchanged on the site: its first date
    assert units[CONTEXTS[1]].seen == "2026-12-07"
    check = run_cli("catalogs", "check", "--locales", str(workdir / "locales"), cwd=workdir)
    assert check.returncode == 0, check.stdout
    assert "note: the site now says 'Flanders’ FOOD ontstond in 2005" in check.stdout
    before = tree_bytes(workdir / "locales")
    again = run(workdir, snapshot_site)  # nothing new: the memory and catalogs as they are
    assert again.returncode == 0, again.stderr
    assert tree_bytes(workdir / "locales") == before


@pytest.mark.parametrize(("route", "reason"), [
    ({"body": "", "status": 301, "headers": {"Location": "https://example.org/nl"}},
     "refused to leave www.flandersfood.com: redirected to https://example.org/nl"),
    ({"body": "<h1>gone</h1>", "status": 404}, f"HTTP 404 from {NL_PAGE}")])
def test_a_version_that_cannot_be_read_keeps_its_units_and_touches_nothing(
        workdir, snapshot_site, route, reason):
    """The site's last Dutch stays offered (its units as last seen); the report says why;
    nothing leaves the site's hosts."""
    snapshot_site.route(NL_ROUTE, **route)

    def catalogs():
        return {path: data for path, data in tree_bytes(workdir / "locales").items()
                if not path.endswith(".mo")}  # compiled by the first run
    before = catalogs()
    result = run(workdir, snapshot_site)
    assert result.returncode == 0, result.stderr
    version = report(workdir)["sites"]["flanders-food"]["versions"]["nl"]
    assert version["used"] is False and version["url"] == NL_PAGE
    assert version["reason"].startswith(reason), version["reason"]
    assert catalogs() == before
