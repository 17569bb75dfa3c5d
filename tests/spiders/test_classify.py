"""The block reader and classifier in process, on real HTML parsed by lxml (no crawl).

The property test rebuilds the snapshot's page from its records with every block
wrapped in random divs, classes, whitespace and character references, and checks
that the records read back are the snapshot's, field for field.
"""

import html.entities
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

from pipeline.text import normalise_text
from spiders import coverage
from spiders.blocks import read_blocks
from spiders.classify import announced_count
from spiders.clusters import canonical_url, read_page
from tests.support import ARTICLE_PATHS, PAGE_PATH, ROOT, snapshot_page

FETCHED = "http://127.0.0.1:8000" + PAGE_PATH
CANONICAL = "https://invest.flandersinvestmentandtrade.com"


def reading_of(page: str):
    response = HtmlResponse(url=FETCHED, body=page.encode("utf-8"), encoding="utf-8")
    return read_page(response, canonical_url(response))


def fields(page: str) -> dict:
    """What the spider hands the item pipelines, with their text rule applied."""
    reading = reading_of(page)
    return {
        "title": normalise_text(reading.title),
        "intro": normalise_text(" ".join(reading.intro)),
        "sections": [(s.kind, normalise_text(s.heading), normalise_text(" ".join(s.text)), s.url)
                     for s in reading.sections],
        "coverage": coverage.tally(reading.roles),
    }


def blocks_of(fragment: str) -> list[tuple[str, str, int, bool]]:
    main = HtmlResponse(url=FETCHED, body=f"<main>{fragment}</main>".encode(),
                        encoding="utf-8").xpath("//main")[0].root
    return [(b.tag, b.text, b.line, b.broken) for b in read_blocks(main)]


# ---------------------------------------------------------------- the announced count


@pytest.mark.parametrize(("title", "count"), [
    ("7 spearhead clusters", 7),
    ("Seven spearhead clusters", 7),
    ("Since 2017: 7 spearhead clusters", 7),
    ("The twenty clusters of Flanders", 20),
    ("Our 12 clusters", 12),
    ("6 spearhead clusters", 6),
    ("Spearhead clusters", None),
    ("Cluster policy 2024", None),
])
def test_announced_count_is_the_number_next_to_clusters(title, count):
    assert announced_count(title) == count


# ---------------------------------------------------------------- blocks


def test_inline_markup_joins_without_spaces_and_br_splits_lines():
    assert blocks_of("<p>Flux<b>50</b>: <em>smart</em> energy<br>With energy.</p>") == [
        ("p", "Flux50: smart energy", 0, True), ("p", "With energy.", 1, False)]


def test_nested_blocks_split_and_blank_paragraphs_vanish():
    found = blocks_of("<div>Loose text<p>&nbsp;</p><p><br></p><ul><li>one</li><li>two</li></ul>"
                      "tail</div><script>var x = 'no';</script><nav>menu</nav>")
    assert found == [("div", "Loose text", 0, False), ("li", "one", 0, False),
                     ("li", "two", 0, False), ("div", "tail", 1, False)]


# ---------------------------------------------------------------- rules


def test_chrome_is_named_and_not_placed():
    page = snapshot_page().replace(
        '<a href="/en/news/why-sharing-smart-innovation-flanders" class="read-more">Read more</a>',
        '<p class="date">Published on 15 March 2022</p><div><button>Share</button> '
        '<a href="https://www.linkedin.com/share">LinkedIn</a></div>', 1)
    reading = reading_of(page)
    chrome = [normalise_text(b.text) for b, role in reading.roles if role == "chrome"]
    assert chrome == ["Published on 15 March 2022", "LinkedIn", "Read more"]  # buttons: unread
    assert fields(page)["sections"] == fields(snapshot_page())["sections"]


def test_a_cluster_card_with_its_own_read_more_link_stays_a_cluster():
    page = snapshot_page().replace(
        "and last mile logistics.</p>",
        'and last mile logistics.</p><a href="/en/clusters/vil">Read more</a>', 1)
    kinds = [kind for kind, *_ in fields(page)["sections"]]
    assert kinds == ["cluster"] * 7 + ["article"] * 2


def test_text_after_a_heading_that_is_no_name_line_is_unplaced():
    extra = "Three more clusters are being prepared and will join the programme next year."
    page = snapshot_page().replace("<h3>SIM:", f"<h3>Also worth knowing</h3><p>{extra}</p><h3>SIM:")
    reading = reading_of(page)
    assert coverage.tally(reading.roles) == {"placed": 20, "chrome": 2, "unplaced": 2}
    assert coverage.refusal(reading.roles, FETCHED) == (
        f'text on {FETCHED} fits no record field and is not page chrome: '
        f'"Three more clusters are being prepared and will join the programme next year."')


def test_short_unplaced_text_is_counted_but_does_not_refuse():
    page = snapshot_page().replace("<h3>SIM:", "<h3>More clusters</h3><h3>SIM:")
    reading = reading_of(page)
    assert coverage.tally(reading.roles)["unplaced"] == 1
    assert coverage.refusal(reading.roles, FETCHED) is None


def test_the_quote_is_the_first_sentence_only():
    assert coverage.first_sentence("One two three four five. Six seven.") == (
        "One two three four five.")
    assert len(coverage.first_sentence("word " * 100)) == coverage.QUOTE_CHARS


# ---------------------------------------------------------------- every family in process


SNAPSHOT_FIELDS = fields(snapshot_page())


def expected_fields(family: str) -> dict:
    if family != "six-clusters":
        return SNAPSHOT_FIELDS
    return {**SNAPSHOT_FIELDS, "title": "6 spearhead clusters",
            "sections": [s for s in SNAPSHOT_FIELDS["sections"] if not s[1].startswith("SIM:")],
            "coverage": {"placed": 18, "chrome": 2, "unplaced": 0}}


FAMILIES = sorted(path.stem for path in (ROOT / "tests" / "data" / "pages").glob("*.html"))


@pytest.mark.parametrize("family", FAMILIES)
def test_every_markup_family_reads_as_the_snapshot(family):
    page = (ROOT / "tests" / "data" / "pages" / f"{family}.html").read_text(encoding="utf-8")
    found, expected = fields(page), expected_fields(family)
    assert {k: v for k, v in found.items() if k != "coverage"} == {
        k: v for k, v in expected.items() if k != "coverage"}
    assert found["coverage"]["unplaced"] == (2 if family == "table" else 0)  # "Cluster", "Focus"
    assert len(SNAPSHOT_FIELDS["sections"]) == 9


# ---------------------------------------------------------------- property: wrappers change nothing


def records() -> list[dict]:
    path = ROOT / "output" / "records.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


_TAGS = ["div", "section", "article", "header"]
_CLASS = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_SPACE = st.sampled_from(["", " ", "\n", "\n    ", "\t", "&#10;"])
_REFERENCE = st.sampled_from(["named", "decimal", "hex", "raw"])


def encoded(text: str, style: str) -> str:
    """text with every non-ASCII character (and &) as a named, decimal or hex reference."""
    def one(char: str) -> str:
        if char.isascii() and char not in "&<>":
            return char
        if style == "raw" and char not in "&<>":
            return char
        if style == "named" and ord(char) in html.entities.codepoint2name:
            return f"&{html.entities.codepoint2name[ord(char)]};"
        return f"&#{ord(char)};" if style != "hex" else f"&#x{ord(char):X};"
    return "".join(map(one, text))


@st.composite
def wrappers(draw):
    """A function wrapping a block in 0-3 random elements with classes and whitespace."""
    layers = draw(st.lists(st.tuples(st.sampled_from(_TAGS), _CLASS, _SPACE, _SPACE),
                           max_size=3))

    def wrap(block: str) -> str:
        for tag, cls, before, after in layers:
            block = f'<{tag} class="{cls}">{before}{block}{after}</{tag}>'
        return block
    return wrap


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_wrappers_and_references_keep_the_records(data):
    page, *rest = records()
    clusters = [r for r in rest if r["type"] == "cluster"]
    articles = [r for r in rest if r["type"] == "article"]

    def block(tag: str, text: str, href: str | None = None) -> str:
        inner = encoded(text, data.draw(_REFERENCE))
        space = data.draw(_SPACE)
        if href:
            inner = f'<a href="{href}">{inner}</a>'
        return data.draw(wrappers())(f"<{tag}>{space}{inner}{space}</{tag}>")

    body = [block("h1", page["title"]), block("p", page["intro"])]
    for cluster in clusters:
        body += [block("h3", f"{cluster['name']}: {cluster['tagline']}"),
                 block("p", cluster["description"])]
    for article, path in zip(articles, ARTICLE_PATHS, strict=True):
        body += [block("h3", article["title"], href=path), block("p", article["summary"])]
    built = f"<html><body><main>{''.join(body)}</main></body></html>"

    found = reading_of(built)
    assert normalise_text(found.title) == page["title"]
    assert normalise_text(" ".join(found.intro)) == page["intro"]
    sections = [(s.kind, normalise_text(s.heading), normalise_text(" ".join(s.text)), s.url)
                for s in found.sections]
    assert sections == (
        [("cluster", f"{c['name']}: {c['tagline']}", c["description"], None) for c in clusters]
        + [("article", a["title"], a["summary"], "http://127.0.0.1:8000" + path)
           for a, path in zip(articles, ARTICLE_PATHS, strict=True)])
    assert coverage.tally(found.roles) == {"placed": 20, "chrome": 0, "unplaced": 0}
    assert not re.search(r"&#?\w+;", " ".join(t for _, t, _, _ in sections))
