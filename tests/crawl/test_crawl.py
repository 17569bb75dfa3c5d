"""End-to-end crawls through the `speerpunt` CLI (and `scrapy`) against a local HTTP server.

No mocks and no internet: every crawl is a real subprocess fetching from 127.0.0.1,
either the bundled snapshot (`--snapshot`) or the `site` fixture (`--url`).
"""

import json
import re
import socket
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.support import (
    PAGE_PATH,
    ROOT,
    SEED,
    run_cli,
    serve_snapshot,
    snapshot_page,
    tree_bytes,
)

CANONICAL_HOST = "https://invest.flandersinvestmentandtrade.com"
PAGE_URL = CANONICAL_HOST + PAGE_PATH
CLUSTER_IDS = ["blue-cluster", "catalisti", "flanders-food", "medvia", "flux50", "sim", "vil"]
ARTICLE_URLS = [
    CANONICAL_HOST + "/en/news/why-sharing-smart-innovation-flanders",
    CANONICAL_HOST + "/en/news/5-best-practices-flanders-open-innovation-clusters",
]
SENTINEL = (b'{"type": "page", "id": "sentinel", "title": "Sentinel", "intro": "written before '
            b'the failed crawl", "url": "https://invest.flandersinvestmentandtrade.com/", '
            b'"breadcrumbs": []}\n')  # a valid record: the last good run is read strictly
FAILED_PREFIX = "speerpunt: crawl failed: "
_SPACES = re.compile(r"[\s\u00a0]+")
_CLUSTER_BLOCK = re.compile(r"<h3>[^<]*:[^<]*</h3>\s*<p>.*?</p>", re.S)


# ---------------------------------------------------------------- expectations from the seed


def expected_text(text: str) -> str:
    """The records' text rule, written independently of pipeline.text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def parse_seed(path: Path) -> dict:
    """Breadcrumb ('•' lines), title, intro, 7 heading/paragraph pairs, 2 teasers."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    crumbs = [line.strip().lstrip("•") for line in lines if line.strip().startswith("•")]
    blocks = [line for line in lines if not line.strip().startswith("•")]
    assert len(blocks) == 1 + 1 + 7 * 2 + 2 * 2, "the seed no longer has the expected shape"
    title, intro, rest = blocks[0], blocks[1], blocks[2:]
    clusters = []
    for heading, paragraph in zip(rest[0:14:2], rest[1:14:2], strict=True):
        name, tagline = heading.split(":", 1)
        clusters.append({
            "name": expected_text(name),
            "tagline": expected_text(tagline),
            "description": expected_text(paragraph),
        })
    articles = [
        {"title": expected_text(t), "summary": expected_text(s)}
        for t, s in zip(rest[14::2], rest[15::2], strict=True)
    ]
    return {
        "breadcrumbs": [expected_text(crumb) for crumb in crumbs],
        "title": expected_text(title),
        "intro": expected_text(intro),
        "clusters": clusters,
        "articles": articles,
    }


def load(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def without(page: str, pattern: re.Pattern, keep=lambda index: False) -> str:
    """The page with the cluster blocks removed except those whose index keep() accepts."""
    blocks = pattern.findall(page)
    assert len(blocks) == 7, "the bundled page no longer has 7 cluster h3/p blocks"
    for index, block in enumerate(blocks):
        if not keep(index):
            page = page.replace(block, "", 1)
    return page


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def snapshot_run(tmp_path_factory) -> bytes:
    """records.jsonl of one `speerpunt crawl --snapshot`, shared by the module's tests."""
    output = tmp_path_factory.mktemp("snapshot-run")
    result = run_cli("crawl", "--snapshot", "--source", "clusters", "--output", str(output),
                     cwd=output)
    assert result.returncode == 0, result.stderr
    return (output / "records.jsonl").read_bytes()


def crawl_url(url: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """`speerpunt crawl --url URL` into tmp_path/output, run from tmp_path (its httpcache too)."""
    output = tmp_path / "output"
    return run_cli("crawl", "--url", url, "--output", str(output), cwd=tmp_path), output


def assert_failed(result: subprocess.CompletedProcess, output: Path, *causes: str) -> str:
    """Exit 1, one stderr line naming the cause, the earlier records.jsonl untouched."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(FAILED_PREFIX), line
    for cause in causes:
        assert cause in line, (cause, line)
    assert (output / "records.jsonl").read_bytes() == SENTINEL
    assert tree_bytes(output) == {str(output / "records.jsonl"): SENTINEL}
    return line


@pytest.fixture
def sentinel_output(tmp_path) -> Path:
    output = tmp_path / "output"
    output.mkdir()
    (output / "records.jsonl").write_bytes(SENTINEL)
    return output


# ---------------------------------------------------------------- 1. field-exact snapshot crawl


@pytest.mark.slow
def test_snapshot_records_equal_the_seed_text(snapshot_run):
    seed = parse_seed(SEED)
    records = load(snapshot_run)
    assert [r["type"] for r in records] == ["page"] + ["cluster"] * 7 + ["article"] * 2

    page = records[0]
    assert list(page) == ["type", "id", "title", "intro", "url", "breadcrumbs"]
    assert page["id"] == "cluster-policy"
    assert page["title"] == seed["title"] == "7 spearhead clusters"
    assert page["intro"] == seed["intro"]
    assert page["breadcrumbs"] == seed["breadcrumbs"]
    assert page["breadcrumbs"] == ["Flanders Investment & Trade", "Invest in Flanders"]
    assert page["url"] == PAGE_URL

    clusters = records[1:8]
    assert [c["id"] for c in clusters] == CLUSTER_IDS
    assert [c["position"] for c in clusters] == list(range(1, 8))
    for cluster, expected in zip(clusters, seed["clusters"], strict=True):
        assert list(cluster) == [
            "type", "id", "position", "name", "tagline", "description", "url", "website",
        ]  # the website from the registry: the page links none
        assert cluster["name"] == expected["name"]
        assert cluster["tagline"] == expected["tagline"]
        assert cluster["description"] == expected["description"]
        assert cluster["url"].startswith(PAGE_URL + "#")

    articles = records[8:]
    for article, expected, url in zip(articles, seed["articles"], ARTICLE_URLS, strict=True):
        # the snapshot's article pages show no date: none is known (spiders/snapshot/README.md)
        assert list(article) == ["type", "id", "title", "summary", "url"]
        assert article["title"] == expected["title"]
        assert article["summary"] == expected["summary"]
        assert article["url"] == url
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article["id"]), article["id"]


@pytest.mark.slow
def test_snapshot_text_keeps_the_sites_characters(snapshot_run):
    records = load(snapshot_run)
    by_id = {r["id"]: r for r in records}
    assert by_id["flanders-food"]["name"] == "Flanders\u2019 FOOD"
    assert "\u2018Blauwe Cluster\u2019" in by_id["blue-cluster"]["description"]
    why = records[8]
    assert "let's talk" in why["summary"]
    assert "let\u2019s" not in why["summary"]
    assert "R&D" in by_id["vil"]["description"]
    assert "&amp;" not in snapshot_run.decode("utf-8")
    for record in records:
        for value in record.values():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    assert text == expected_text(text), text
                    assert "\u00a0" not in text
                    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.slow
def test_snapshot_urls_use_the_canonical_host(snapshot_run):
    for record in load(snapshot_run):
        assert record["url"].startswith(CANONICAL_HOST + "/"), record
        assert "127.0.0.1" not in record["url"]


@pytest.mark.slow
def test_two_snapshot_runs_are_byte_identical(snapshot_run, tmp_path):
    result = run_cli("crawl", "--snapshot", "--source", "clusters", "--output", str(tmp_path),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "records.jsonl").read_bytes() == snapshot_run


# ---------------------------------------------------------------- 2. --url and 3. restyled pages


@pytest.mark.slow
def test_url_crawl_equals_snapshot_crawl(site, tmp_path, snapshot_run):
    result, output = crawl_url(serve_snapshot(site), tmp_path)
    assert result.returncode == 0, result.stderr
    assert (output / "records.jsonl").read_bytes() == snapshot_run


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["restyled-1", "restyled-2", "restyled-3"])
def test_restyled_page_gives_the_same_records(variant, site, tmp_path, snapshot_run):
    page = (ROOT / "tests" / "data" / "pages" / f"{variant}.html").read_text(encoding="utf-8")
    result, output = crawl_url(serve_snapshot(site, page=page), tmp_path)
    assert result.returncode == 0, result.stderr
    records = load((output / "records.jsonl").read_bytes())
    if variant == "restyled-2":  # its Flux50 section links a site: that is the cluster's website
        flux50 = next(record for record in records if record["id"] == "flux50")
        assert flux50.pop("website") == "https://www.flux50.be"
        flux50["website"] = "https://flux50.com/"  # the registry's, as the snapshot's page gives
    assert records == load(snapshot_run)
    if variant != "restyled-2":
        assert (output / "records.jsonl").read_bytes() == snapshot_run


# ---------------------------------------------------------------- 4. failures publish nothing


@pytest.mark.slow
def test_404_fails_and_keeps_records(site, sentinel_output):
    url = serve_snapshot(site)
    site.route(PAGE_PATH, "not here", status=404)
    result, output = crawl_url(url, sentinel_output.parent)
    assert_failed(result, output, "404", url)


@pytest.mark.slow
def test_500_is_retried_then_fails_and_keeps_records(site, sentinel_output):
    url = serve_snapshot(site)
    site.route(PAGE_PATH, "internal error", status=500)
    result, output = crawl_url(url, sentinel_output.parent)
    assert_failed(result, output, "500", url)
    page_requests = [path for path, _ in site.requests if path == PAGE_PATH]
    assert len(page_requests) == 3, site.requests


@pytest.mark.slow
def test_connection_refused_fails_and_keeps_records(sentinel_output):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result, output = crawl_url(f"http://127.0.0.1:{port}{PAGE_PATH}", sentinel_output.parent)
    assert_failed(result, output, "refused", f"127.0.0.1:{port}")


@pytest.mark.slow
def test_page_without_clusters_fails_and_keeps_records(site, sentinel_output):
    page = without(snapshot_page(), _CLUSTER_BLOCK)
    assert "<h1" in page and "Why sharing" in page
    result, output = crawl_url(serve_snapshot(site, page=page), sentinel_output.parent)
    assert_failed(result, output, "no clusters")


@pytest.mark.slow
def test_fewer_clusters_than_announced_fails_and_keeps_records(site, sentinel_output):
    page = without(snapshot_page(), _CLUSTER_BLOCK, keep=lambda index: index != 5)
    assert "SIM: shaping" not in page and "VIL: where" in page
    result, output = crawl_url(serve_snapshot(site, page=page), sentinel_output.parent)
    line = assert_failed(result, output, "announces")
    assert "6" in line and "7" in line


@pytest.mark.slow
def test_duplicate_cluster_names_fail_and_keep_records(site, sentinel_output):
    original = snapshot_page()
    catalisti = "<h3>Catalisti: developing the formula for sustainable chemistry</h3>"
    blue = "<h3>Blue Cluster: turning the tide for the blue economy</h3>"
    assert original.count(catalisti) == 1 and original.count(blue) == 1
    page = original.replace(catalisti, blue)
    result, output = crawl_url(serve_snapshot(site, page=page), sentinel_output.parent)
    assert_failed(result, output, "duplicate", "blue-cluster")


@pytest.mark.slow
def test_non_html_response_fails_and_keeps_records(site, sentinel_output):
    url = serve_snapshot(site)
    site.route(PAGE_PATH, json.dumps({"clusters": []}),
               headers={"Content-Type": "application/json"})
    result, output = crawl_url(url, sentinel_output.parent)
    assert_failed(result, output, "not an HTML page", "application/json")


# ---------------------------------------------------------------- 5. bad usage


@pytest.mark.slow
def test_snapshot_and_url_together_is_bad_usage(tmp_path):
    result = run_cli("crawl", "--snapshot", "--url", "x", "--output", str(tmp_path),
                     cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "not allowed with" in result.stderr
    assert not (tmp_path / "records.jsonl").exists()


# ---------------------------------------------------------------- 6. and 7. plain Scrapy


def _tree(root: Path) -> dict:
    """Every file under root, ignored ones too: name -> (bytes, mtime in ns)."""
    return {path: (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.slow
def test_scrapy_check_passes_on_the_snapshot_and_publishes_nothing():
    """Asserts: the contracts run and pass, and nothing under the project's own output/
    (report.json and .lock included) is written: contracts discard what they crawl."""
    before = _tree(ROOT / "output")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "check", "clusters"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert re.search(r"Ran [1-9]\d* contracts", out), out
    assert re.search(r"^OK$", out, re.M), out
    assert _tree(ROOT / "output") == before


@pytest.mark.slow
def test_scrapy_crawl_writes_the_same_records(site, tmp_path, snapshot_run):
    url = serve_snapshot(site)
    output = tmp_path / "output"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "clusters", "-a", f"url={url}",
         "-s", f"SPEERPUNT_OUTPUT={output}", "-s", f"HTTPCACHE_DIR={tmp_path / 'httpcache'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (output / "records.jsonl").read_bytes() == snapshot_run
