"""Every markup family of tests/data/pages, crawled for real: `speerpunt crawl --url` against a
local server, records compared field for field with the bundled snapshot's."""

import json

import pytest

from tests.faults.test_run_faults import report, run
from tests.support import ROOT, run_cli, serve_snapshot

pytestmark = pytest.mark.slow

NEW_FAMILIES = ["accordion", "bold-paragraph", "br-split", "card-links", "colon-outside-strong",
                "definition-list", "empty-paragraphs", "inline-links", "nested-cards", "table"]


@pytest.fixture(scope="module")
def snapshot_records(tmp_path_factory) -> list[dict]:
    output = tmp_path_factory.mktemp("snapshot")
    result = run_cli("crawl", "--snapshot", "--source", "clusters", "--output", str(output),
                     cwd=output)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in (output / "records.jsonl").read_text().splitlines()]


def dump_records(records: list[dict]) -> bytes:
    """records.jsonl's contract, written out here: one JSON object a line, UTF-8 unescaped."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()


def crawl_family(family: str, site, tmp_path) -> bytes:
    page = (ROOT / "tests" / "data" / "pages" / f"{family}.html").read_text(encoding="utf-8")
    result = run_cli("crawl", "--url", serve_snapshot(site, page), "--output",
                     str(tmp_path / "output"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return (tmp_path / "output" / "records.jsonl").read_bytes()


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_markup_family_gives_the_snapshots_records(family, site, tmp_path, snapshot_records):
    assert len(snapshot_records) == 10
    assert crawl_family(family, site, tmp_path) == dump_records(snapshot_records)


def test_six_clusters_page_gives_the_snapshot_without_sim(site, tmp_path, snapshot_records):
    page, *rest = snapshot_records
    clusters = [r for r in rest if r["type"] == "cluster" and r["id"] != "sim"]
    expected = ([{**page, "title": "6 spearhead clusters"}]
                + [{**c, "position": n} for n, c in enumerate(clusters, start=1)]
                + [r for r in rest if r["type"] == "article"])
    assert [c["id"] for c in expected[1:7]] == [
        "blue-cluster", "catalisti", "flanders-food", "medvia", "flux50", "vil"]
    assert crawl_family("six-clusters", site, tmp_path) == dump_records(expected)


def test_report_counts_placed_chrome_and_unplaced_text(site, workdir):
    page = (ROOT / "tests" / "data" / "pages" / "nested-cards.html").read_text(encoding="utf-8")
    result = run(workdir, serve_snapshot(site, page))
    assert result.returncode == 0, result.stderr
    # 1 title + 1 intro + 7 x 2 + 2 x 2 placed; per teaser a date line and a links line
    assert report(workdir)["crawl"]["text_blocks"] == {"placed": 20, "chrome": 4, "unplaced": 0}
