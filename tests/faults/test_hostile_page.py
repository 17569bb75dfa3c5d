"""Hostile page content, property-tested: arbitrary Unicode in the page's text and in
its attributes (canonical link, a heading's id, a teaser's link). Every run either
refuses with one line (exit 1, nothing published) or publishes exports that validate
against their schema and catalogs that GNU `msgfmt -c` accepts.

The stages run in this process, as `speerpunt run` chains them: the spider's parse of
the page as Scrapy hands it over (an HtmlResponse), the item pipelines, then the CLI
from staging to commit, the publication guard included. Only the HTTP fetch is left
out (a reactor cannot restart within one process); tests/faults/test_guard.py crawls
for real.
"""

import contextlib
import html
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import jsonschema
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from pipeline import cli
from pipeline.cli import commands
from pipeline.crawl.collect import Collector
from pipeline.crawl.pipelines import NormalisePipeline, SafeUrlPipeline, ValidatePipeline
from pipeline.items import Harvest
from pipeline.publish.extension import Publisher
from spiders.clusters import ClustersSpider
from tests.support import ARTICLE_PATHS, PAGE_PATH, ROOT, SNAPSHOT, snapshot_page

BASE = "http://127.0.0.1:8"
CANONICAL = '<link rel="canonical" href="https://invest.flandersinvestmentandtrade.com'
SCHEMA = json.loads((ROOT / "output" / "clusters.schema.json").read_bytes())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
PIPELINES = (NormalisePipeline, SafeUrlPipeline, ValidatePipeline)


def hostile_page(text: str, raw: str, attribute: str, where: str) -> str:
    """The snapshot with text (escaped, so it is what the reader sees) in a description,
    a tagline and a summary, raw (as HTML source) in the intro, and attribute as the
    value of the canonical link, the first heading's id or the first teaser's href."""
    page = snapshot_page()
    shown = html.escape(text, quote=False)
    page = page.replace("Flux50 offers programs", f"Flux50 {shown} offers programs", 1)
    page = page.replace("powering smart energy</h3>", f"powering {shown} energy</h3>", 1)
    page = page.replace("So is Flanders!", f"So is {shown} Flanders!", 1)
    page = page.replace("focus on the long term.</p>", f"focus on the {raw} long term.</p>", 1)
    value = html.escape(attribute, quote=True)
    if where == "canonical":
        page = page.replace(CANONICAL, f'<link rel="canonical" href="{value}', 1)
    elif where == "heading-id":
        page = page.replace("<h3>Blue Cluster:", f'<h3 id="{value}">Blue Cluster:', 1)
    else:
        page = page.replace('<h3><a href="/en/news/why-sharing-smart-innovation-flanders"',
                            f'<h3><a href="{value}"', 1)
    return page


def crawl_in_process(page: str, output: Path, publish: bool = False,
                     accept: str = "") -> Harvest:
    """The Harvest a crawl of page gives, without the network: parse, each pipeline, the
    collector's verdict (publish: the publisher commits as under `scrapy crawl`, into
    output and the locales beside it)."""
    crawler = get_crawler(ClustersSpider, {"SPEERPUNT_PUBLISH": publish,
                                           "SPEERPUNT_OUTPUT": str(output),
                                           "SPEERPUNT_LOCALES": str(output.parent / "locales"),
                                           "SPEERPUNT_ACCEPT_LOSS": accept})
    crawler.spider = spider = crawler._create_spider(url=BASE + PAGE_PATH)
    extensions = [Collector(crawler), *([Publisher(crawler)] if publish else [])]
    crawler.extensions = SimpleNamespace(middlewares=extensions)
    collector = extensions[0]
    stages = [stage.from_crawler(crawler) for stage in PIPELINES]
    for stage in stages:
        if hasattr(stage, "open_spider"):
            stage.open_spider()
    reason = "finished"
    try:
        for extension in extensions[1:]:
            extension.spider_opened(spider)
    except CloseSpider as refused:
        reason = refused.reason
    response = HtmlResponse(BASE + PAGE_PATH, body=page.encode("utf-8"), encoding="utf-8")
    for output in (spider.parse(response) or ()) if reason == "finished" else ():
        items = [output]
        if isinstance(output, Request):
            article = next((path for path in ARTICLE_PATHS if output.url == BASE + path), None)
            body = (SNAPSHOT / f"{article.lstrip('/')}.html").read_bytes() if article \
                else b"<html><body><p>another page of the site</p></body></html>"
            items = output.callback(HtmlResponse(output.url, body=body, request=output),
                                    **output.cb_kwargs)
        for item in items:
            try:
                for stage in stages:
                    item = stage.process_item(item)
            except DropItem as dropped:
                collector.item_dropped(item, None, dropped, spider)
                continue
            collector.item_scraped(item, None, spider)
    for extension in extensions if reason == "finished" else ():
        try:  # where Scrapy asks the extensions before closing
            extension.spider_idle(spider)
        except CloseSpider as refused:
            reason = refused.reason
            break
    for extension in extensions:
        extension.spider_closed(spider, reason)
    return collector.harvest()


def run_in_process(page: str, accept: bool) -> tuple[int, str, Path]:
    """`speerpunt run` on a copy of the shipped output and locales; exit code, stderr, dir."""
    work = Path(tempfile.mkdtemp(prefix="speerpunt-hostile-"))
    shutil.copytree(ROOT / "locales", work / "locales", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(ROOT / "output", work / "output",
                    ignore=shutil.ignore_patterns("report.json", ".lock"))
    result = crawl_in_process(page, work / "output")
    args = ["run", "--url", BASE + PAGE_PATH, "--output", str(work / "output"),
            "--locales", str(work / "locales"), "--quiet", *(["--accept-loss"] if accept else [])]
    stderr = io.StringIO()
    with mock.patch.object(commands, "crawl", lambda parsed, previous: ([result], {})), \
            contextlib.redirect_stderr(stderr):
        code = cli.main(args)
    return code, stderr.getvalue(), work


texts = st.text(max_size=40) | st.sampled_from(
    ["\x04", "\x00", "a&lt;b and c&gt;d", "&#0;", "&#xD800;", "\ufffd", "\u2028", "\x85",
     "<script>alert(1)</script>", "msgid \"x\"\\n", "#~ ", "%s {0}"])
attributes = st.text(max_size=40) | st.sampled_from(
    ["javascript:alert(1)//", "data:text/html,x", "https://evil.example/x",
     "<img src=x onerror=alert(1)>", "//127.0.0.1:8/x", "http://127.0.0.1:8/en/x y"])


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, raw=texts, attribute=attributes,
       where=st.sampled_from(["canonical", "heading-id", "teaser-href"]), accept=st.booleans())
@example(text="\x04", raw="&#0;", attribute="x", where="heading-id", accept=False)
@example(text="a&lt;b and c&gt;d", raw="\x04", attribute="javascript:alert(1)//",
         where="canonical", accept=True)
def test_hostile_page_refuses_in_one_line_or_publishes_valid_files(text, raw, attribute, where,
                                                                   accept):
    code, stderr, work = run_in_process(hostile_page(text, raw, attribute, where), accept)
    event(f"exit {code}: {stderr[11:200] if code else 'published'}")
    try:
        if code != 0:
            assert code == 1, (code, stderr)
            lines = stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("speerpunt: "), stderr
            assert "unexpected" not in stderr, stderr  # a crash is a bug, not a refusal
            return
        assert stderr == ""
        for language in ("en", "nl", "fr"):
            export = json.loads((work / "output" / language / "clusters.json").read_bytes())
            VALIDATOR.validate(export)
            po = work / "locales" / language / "LC_MESSAGES" / "clusters.po"
            check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)],
                                   capture_output=True, text=True)
            assert check.returncode == 0, check.stderr
    finally:
        shutil.rmtree(work)
