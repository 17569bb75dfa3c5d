"""Text a browser does not show as the page's content never becomes record text (issue
"Trust at every boundary", row 6).

Each hostile page is the bundled snapshot with one thing injected into its `<main>`: a
cookie banner, a `display:none` spam line, an `aria-hidden` paragraph, a screen-reader
helper, an open `<dialog>`, a `role="button"` div... Each is crawled in process (parse,
item pipelines, collector: tests/faults/test_hostile_page.py) and must give records
byte-identical to the unmodified snapshot's, with none of the injected text in them.
The property test does the same with random invisible characters in the content's text
and random hidden elements between and inside its blocks. The end-to-end test serves a
page with a banner, a hidden line and invisible characters to a real `speerpunt run` after
the clean page: nothing published changes.
"""

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from pipeline.records import dump_records
from tests.faults.test_hostile_page import crawl_in_process
from tests.faults.test_run_faults import cluster_blocks, published, report, run
from tests.support import PAGE_PATH, serve_snapshot, snapshot_page

pytestmark = pytest.mark.faults

# Where the snapshot is cut: between two clusters, inside a description, inside the intro.
BEFORE_CATALISTI = "<h3>Catalisti:"
BEFORE_FOOD = "<h3>Flanders&rsquo; FOOD:"
BEFORE_MEDVIA = "<h3>MEDVIA:"
BEFORE_FLUX50 = "<h3>Flux50:"
BEFORE_SIM = "<h3>SIM:"
BEFORE_VIL = "<h3>VIL:"
IN_FLUX50 = "Flux50 |offers programs"  # "|" marks the cut
IN_VIL = "VIL mainly focuses on R&amp;D |in terms of"
IN_INTRO = ("the long term.| As such, they receive financial support for up to ten years to"
            " develop and roll out their programs and initiatives.</p>")  # not the meta tag's
TOP_OF_MAIN = '<a id="main-content" tabindex="-1"></a>|'

BANNER_TEXT = "We use cookies to give you the best experience on our website."
ACCEPT = "Accept all cookies"
CASINO = "Casino bonus: claim 500 free spins today"


def banner(opening: str, closing: str = "</div>") -> str:
    return f"{opening}<p>{BANNER_TEXT}</p><button type=\"button\">{ACCEPT}</button>{closing}"


# name: (where, injected markup, the texts it holds). Each text names things the
# snapshot's records never mention, so finding any of it in them is a leak.
HOSTILE = {
    "cookie-banner-region": (BEFORE_FLUX50, banner(
        '<div role="region" aria-label="Cookie banner">'), [BANNER_TEXT, ACCEPT]),
    "cookie-banner-onetrust": (TOP_OF_MAIN, banner(
        '<div id="onetrust-banner-sdk" class="otFlat ot-bnr-w-logo" tabindex="0">'),
        [BANNER_TEXT, ACCEPT]),
    "cookie-banner-cookiebot": (BEFORE_SIM, banner(
        '<div id="CybotCookiebotDialog" class="CybotEdge" lang="en">'), [BANNER_TEXT, ACCEPT]),
    "cookie-banner-osano": (BEFORE_VIL, banner(
        '<div class="cc-window cc-banner cc-type-info cc-theme-block cc-bottom">'),
        [BANNER_TEXT, ACCEPT]),
    "cookie-banner-eu-compliance": (BEFORE_CATALISTI, banner(
        '<div class="eu-cookie-compliance-banner eu-cookie-compliance-banner-info">'),
        [BANNER_TEXT, ACCEPT]),
    "cookie-notice": (BEFORE_MEDVIA, banner('<section id="cookie-notice">', "</section>"),
                      [BANNER_TEXT, ACCEPT]),
    "display-none-span": (IN_FLUX50, f'<span style="display:none">{CASINO}</span>', [CASINO]),
    "visibility-hidden-span": (
        IN_VIL, '<span style=" color: red ; VISIBILITY : Hidden !important">Cheap replica '
        "watches shipped worldwide </span>", ["Cheap replica watches shipped worldwide"]),
    "aria-hidden-paragraph": (
        BEFORE_MEDVIA, '<p aria-hidden="true">Decorative quote: innovation never sleeps in '
        "the lowlands.</p>", ["Decorative quote: innovation never sleeps in the lowlands."]),
    "visually-hidden-intro": (
        IN_INTRO, '<span class="visually-hidden"> This sentence is for screen readers '
        "only.</span>", ["This sentence is for screen readers only."]),
    "hidden-attribute-paragraph": (
        BEFORE_FOOD, "<p hidden>Draft: replace this paragraph before the launch date.</p>",
        ["Draft: replace this paragraph before the launch date."]),
    "noscript-paragraph": (
        BEFORE_CATALISTI, "<noscript><p>Enable JavaScript to explore the interactive cluster "
        "map.</p></noscript>", ["Enable JavaScript to explore the interactive cluster map."]),
    "open-dialog": (
        BEFORE_SIM, "<dialog open><h2>Newsletter: stay informed</h2><p>Subscribe to receive "
        "our monthly digest of cluster news.</p><button>Subscribe</button></dialog>",
        ["Newsletter: stay informed", "Subscribe to receive our monthly digest of cluster news.",
         "Subscribe"]),
    "role-button-div": (
        BEFORE_VIL, '<div role="button" tabindex="0">Show the clusters as a grid</div>',
        ["Show the clusters as a grid"]),
}


def inject(page: str, where: str, markup: str) -> str:
    """page with markup at where: before it, or at its "|"."""
    anchor, cut, rest = where.partition("|")
    found = anchor + rest
    assert page.count(found) == 1, found
    return page.replace(found, f"{anchor}{markup}{rest}" if cut else markup + found, 1)


def hostile_page(name: str) -> str:
    where, markup, _ = HOSTILE[name]
    return inject(snapshot_page(), where, markup)


def records_of(page: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="speerpunt-hidden-") as work:
        harvest = crawl_in_process(page, Path(work) / "output")
    assert harvest.failure is None, harvest.failure
    return dump_records(harvest.records)


SNAPSHOT_RECORDS = records_of(snapshot_page())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hidden_text_gives_the_snapshots_records(name):
    found = records_of(hostile_page(name))
    assert found == SNAPSHOT_RECORDS
    text = found.decode("utf-8")
    for injected in HOSTILE[name][2]:
        assert injected not in text
        assert not [word for word in new_words(injected) if word in text]  # not even a word


def new_words(text: str) -> list[str]:
    """The words of text that the snapshot's records never use (each text has some)."""
    words = {word for word in re.findall(r"[A-Za-z]{4,}", text)
             if word not in SNAPSHOT_RECORDS.decode("utf-8")}
    assert words, text
    return sorted(words)


# ---------------------------------------------------------------- property: invisible is unread

# What an HTML source can hold that no reader sees: any format character (category Cf,
# as Python's unicodedata knows it; pipeline/text.py removes exactly these), raw or as
# a character reference.
REFERENCES = ["&shy;", "&#173;", "&#xAD;", "&#8203;", "&#x200b;", "&zwnj;", "&zwj;", "&lrm;",
              "&rlm;", "&#x2060;", "&#8288;", "&#65279;", "&#xFEFF;", "&#x202E;", "&#x2066;"]
PLACEHOLDER = 0xE000  # private use: U+E000+i stands for REFERENCES[i] until serialised
invisible = st.sampled_from(["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]) \
    | st.characters(categories=["Cf"]) \
    | st.sampled_from([chr(PLACEHOLDER + index) for index in range(len(REFERENCES))])
hidden_text = st.text(st.characters(exclude_categories=["Cc", "Cs", "Co"],
                                    exclude_characters="\ufffe\uffff"), max_size=30)
space = st.sampled_from(["", " ", "  ", "\n", "\t"])
VOID = frozenset({"img", "br", "hr", "input", "wbr", "meta", "link", "source"})
RAW = frozenset({"textarea", "select", "option", "template", "noscript", "script", "style"})
# The content of these may hold phrasing only: a <div> in a <p> would end the <p>.
PHRASING_ONLY = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "a", "b",
                           "strong", "em", "i"})
HIDING_CLASS_NAMES = ["visually-hidden", "screen-reader-text", "sr-only", "element-invisible",
                      "d-none", "hidden", "is-hidden", "u-hidden"]
BANNERS = [{"role": "region", "aria-label": "Cookie banner"}, {"id": "CybotCookiebotDialog"},
           {"id": "onetrust-banner-sdk"}, {"class": "cc-window cc-banner"},
           {"id": "cookie-banner", "class": "cookie-banner"}, {"class": "cookie-notice"},
           {"class": "eu-cookie-compliance-banner"}, {"role": "dialog"},
           {"role": "alertdialog", "aria-modal": "true"}]


@st.composite
def hiding_style(draw) -> str:
    """display:none or visibility:hidden/collapse, in any spacing and case, maybe
    !important, among other declarations."""
    name, value = draw(st.sampled_from([("display", "none"), ("visibility", "hidden"),
                                        ("visibility", "collapse")]))
    case = draw(st.sampled_from([str.lower, str.upper, str.title]))
    hiding = (f"{draw(space)}{case(name)}{draw(space)}:{draw(space)}{case(value)}{draw(space)}"
              f"{draw(st.sampled_from(['', '!important', ' ! IMPORTANT']))}")
    others = draw(st.lists(st.sampled_from(["color: #333", "margin:0", "font-weight: bold"]),
                           max_size=2))
    at = draw(st.integers(0, len(others)))
    return ";".join([*others[:at], hiding, *others[at:]]) + draw(st.sampled_from(["", ";"]))


@st.composite
def class_names(draw) -> str:
    """A helper class among 0-2 other class tokens, in any order and spacing."""
    others = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), max_size=2))
    tokens = draw(st.permutations([draw(st.sampled_from(HIDING_CLASS_NAMES)), *others]))
    return draw(st.sampled_from([" ", "  ", "\n\t"])).join(tokens)


@st.composite
def hidden_element(draw, flow: bool):
    """A hidden element of random text: phrasing content, or (flow) any content."""
    text = draw(hidden_text)
    kinds = ["hidden", "aria-hidden", "style", "class", "button", "role-button", "input",
             "select", "textarea", "template", "noscript"]
    kind = draw(st.sampled_from((["banner", "dialog"] if flow else []) + kinds))
    event(f"hidden element: {kind}, {'between blocks' if flow else 'inside a block'}")
    tag = {"button": "button", "input": "input", "select": "select", "textarea": "textarea",
           "template": "template", "noscript": "noscript", "dialog": "dialog"}.get(kind) \
        or draw(st.sampled_from(["div", "p", "section", "span"] if flow else ["span"]))
    attributes = {
        "hidden": lambda: {"hidden": draw(st.sampled_from(["", "hidden", "until-found"]))},
        "aria-hidden": lambda: {"aria-hidden": draw(st.sampled_from(["true", "TRUE", " true "]))},
        "style": lambda: {"style": draw(hiding_style())},
        "class": lambda: {"class": draw(class_names())},
        "role-button": lambda: {"role": "button", "tabindex": "0"},
        "banner": lambda: draw(st.sampled_from(BANNERS)),
        "dialog": lambda: {"open": ""} if draw(st.booleans()) else {},
    }.get(kind, dict)()
    element = lxml_html.Element(tag, attributes)
    if tag == "input":
        element.set("value", text)
    elif tag == "select":
        etree.SubElement(element, "option").text = text
    elif tag in ("div", "section", "dialog") and draw(st.booleans()):
        etree.SubElement(element, "p").text = text  # a paragraph, as banners have
    else:
        element.text = text
    return element


def text_slots(main) -> list[tuple[object, str]]:
    """Every place markup can go in main: each element's text, each descendant's tail;
    not in a void element, nor in one that holds raw text or only options."""
    slots = [(element, "text") for element in main.iter()
             if isinstance(element.tag, str) and element.tag not in VOID]
    slots += [(element, "tail") for element in main.iterdescendants()]
    return [(element, slot) for element, slot in slots
            if not {parent_of(element, slot).tag,
                    *(holder.tag for holder in parent_of(element, slot).iterancestors())} & RAW]


def parent_of(element, slot: str):
    return element if slot == "text" else element.getparent()


def split_at(element, slot: str, offset: int) -> tuple[str, str]:
    text = getattr(element, slot) or ""
    return text[:offset], text[offset:]


def insert_character(element, slot: str, offset: int, character: str) -> None:
    before, after = split_at(element, slot, offset)
    setattr(element, slot, before + character + after)


def insert_element(element, slot: str, offset: int, new) -> None:
    """new in the text of slot at offset; the text after it becomes new's tail."""
    before, after = split_at(element, slot, offset)
    setattr(element, slot, before)
    new.tail = after
    if slot == "text":
        element.insert(0, new)
    else:
        element.getparent().insert(element.getparent().index(element) + 1, new)


def serialised(document) -> str:
    page = lxml_html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")
    for index, reference in enumerate(REFERENCES):
        page = page.replace(chr(PLACEHOLDER + index), reference)
    return page


def test_the_snapshot_parsed_and_serialised_again_gives_its_records():
    document = lxml_html.document_fromstring(snapshot_page())
    assert records_of(serialised(document)) == SNAPSHOT_RECORDS


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_invisible_characters_and_hidden_elements_change_no_record(data):
    document = lxml_html.document_fromstring(snapshot_page())
    main = document.xpath("//main")[0]
    for _ in range(data.draw(st.integers(0, 12), label="characters")):
        slots = [(element, slot) for element, slot in text_slots(main)
                 if (getattr(element, slot) or "").strip()]  # a text node of the content
        element, slot = data.draw(st.sampled_from(slots))
        offset = data.draw(st.integers(0, len(getattr(element, slot))))
        insert_character(element, slot, offset, data.draw(invisible))
    for _ in range(data.draw(st.integers(0, 8), label="elements")):
        inside = data.draw(st.booleans(), label="inside a block's text")
        element, slot = data.draw(st.sampled_from([
            (element, slot) for element, slot in text_slots(main)
            if not inside or (getattr(element, slot) or "").strip()
            and parent_of(element, slot).tag in PHRASING_ONLY]))
        offset = data.draw(st.integers(0, len(getattr(element, slot) or "")))
        flow = parent_of(element, slot).tag not in PHRASING_ONLY
        insert_element(element, slot, offset, data.draw(hidden_element(flow)))
    page = serialised(document)
    assert records_of(page) == SNAPSHOT_RECORDS, page[page.index("<main"):page.index("</main>")]


# ---------------------------------------------------------------- end to end: rows 6 and 7

_LONG_WORD = re.compile(r"(?<=\s)([a-z]{4})([a-z]{4,})(?=[\s,.])")


def dirty_page() -> tuple[str, int]:
    """The snapshot as a hostile CMS serves it: a cookie banner inside <main>, a
    display:none casino line inside VIL's description, `&shy;` inside long words of every
    cluster's description and `Flux&#8203;50` in Flux50's heading and description; with
    the number of words given a soft hyphen."""
    page = inject(snapshot_page(), BEFORE_FLUX50,
                  banner('<div role="region" aria-label="Cookie banner">'))
    page, hyphenated = inject(page, IN_VIL, f'<span style="display:none">{CASINO}</span>'), 0
    for plain in ("<h3>Flux50:", "Flux50 offers programs"):
        assert page.count(plain) == 1
        page = page.replace(plain, plain.replace("Flux50", "Flux&#8203;50"), 1)
    for block in cluster_blocks(page):
        heading, _, text = block.partition("</h3>")
        text, count = _LONG_WORD.subn(r"\1&shy;\2", text)
        page, hyphenated = page.replace(block, heading + "</h3>" + text, 1), hyphenated + count
    return page, hyphenated


@pytest.mark.slow
def test_hidden_text_and_invisible_characters_change_nothing_published(site, workdir):
    """Trust issue, rows 6 and 7, through a real `speerpunt run --url`: the clean snapshot
    is published first, then the dirty page (cookie banner, display:none casino line,
    `&shy;` in 20+ words, `Flux&#8203;50`) in the same directories. The dirty run exits 0
    with nothing on stderr; its summary says `changes: none since the last run` and
    `published: nothing changed (unchanged)`; every byte of output/ (but report.json, the
    HTTP cache and the lock) and of locales/ is the clean run's; the completeness of every
    language in report.json is the clean run's; neither banner, casino text nor U+00AD/U+200B
    appears in any published file."""
    page, hyphenated = dirty_page()
    assert hyphenated >= 20
    url = serve_snapshot(site)
    clean = run(workdir, url)
    assert clean.returncode == 0, clean.stderr
    after_clean, completeness = published(workdir), {
        language: figures["completeness"]
        for language, figures in report(workdir)["catalogs"].items()}

    site.route(PAGE_PATH, page)
    dirty = run(workdir, url)
    assert dirty.returncode == 0, dirty.stderr
    assert dirty.stderr == ""
    assert "changes: none since the last run" in dirty.stdout.splitlines()
    assert "published: nothing changed (unchanged)" in dirty.stdout.splitlines()
    assert published(workdir) == after_clean
    data = report(workdir)
    assert data["result"] == "unchanged"
    assert {language: figures["completeness"]
            for language, figures in data["catalogs"].items()} == completeness
    assert [path for path, _ in site.requests].count(PAGE_PATH) == 2  # the dirty page read
    for content in after_clean.values():
        for leak in (BANNER_TEXT, ACCEPT, CASINO, "\u00ad", "\u200b"):
            assert leak.encode("utf-8") not in content
