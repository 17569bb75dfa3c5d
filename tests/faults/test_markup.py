"""Faults of the page's markup: text the spider cannot place, a count the page contradicts.

Each is a scheduled `speerpunt run` against a local server, checked with the fault
suite's contract: exit 1, one line naming the cause, nothing published touched,
report.json saying why.
"""

import pytest

from tests.faults.test_run_faults import assert_failed, cluster_blocks, published, report, run
from tests.support import serve_snapshot, snapshot_page

pytestmark = [pytest.mark.faults, pytest.mark.slow]

EXTRA = "Three more clusters are being prepared and will join the programme next year."


def test_an_unplaced_paragraph_in_the_cluster_section_refuses_quoting_it(site, workdir):
    page = snapshot_page()
    sim = cluster_blocks(page)[5]
    page = page.replace(sim, f"<h3>Also worth knowing</h3>\n<p>{EXTRA} Ask us.</p>\n{sim}", 1)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, page))
    line = assert_failed(result, workdir, before, "fits no record field", f'"{EXTRA}"')
    assert "Ask us" not in line
    assert report(workdir)["crawl"]["text_blocks"] == {"placed": 20, "chrome": 2, "unplaced": 2}


def test_loose_text_before_the_title_refuses(site, workdir):
    page = snapshot_page().replace(
        '<a id="main-content" tabindex="-1"></a>',
        '<a id="main-content" tabindex="-1"></a>Important: our offices close on Friday at noon.', 1)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, page))
    assert_failed(result, workdir, before, '"Important: our offices close on Friday at noon."')


def test_a_page_announcing_seven_and_carrying_eight_refuses(site, workdir):
    page = snapshot_page()
    vil = cluster_blocks(page)[6]
    eighth = ("<h3>Cluster 8: one more than the title says</h3>"
              "<p>An eighth cluster the page title does not announce.</p>")
    page = page.replace(vil, vil + eighth, 1)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, page))
    assert_failed(result, workdir, before, "8 clusters found", "announces 7")


def test_a_title_in_words_is_read_as_its_number(site, workdir):
    page = snapshot_page().replace("<h1 class=\"page-title\"><span class=\"field field--name-title"
                                   " field--type-string field--label-hidden\">7 spearhead",
                                   "<h1 class=\"page-title\"><span class=\"field field--name-title"
                                   " field--type-string field--label-hidden\">Seven spearhead", 1)
    assert "Seven spearhead clusters</span></h1>" in page
    page = page.replace(cluster_blocks(page)[5], "", 1)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, page))
    assert_failed(result, workdir, before, "6 clusters found", "announces 7")
