"""The main content of a page as the flat sequence of text blocks a reader sees.

A block is text a browser shows on lines of its own: a heading, a paragraph, a
list item, a `dt`/`dd`, a `summary`, a table cell, loose text in a `div`, and each
`<br>`-separated line of these. Inline markup (links, strong, em, span) joins
without added spaces, as a browser renders it. html-text was tried first: it
guesses a space between inline elements ("Flux<b>50</b>" gives "Flux 50"), which
would change the site's own text, so this small walk over lxml does it instead.

Only text a browser shows as the page's content is read: the rule lives here, where
text enters, so no later stage has to know it (issue "Trust at every boundary"). A
page's `<main>` can carry what is not content (a consent banner a CMS plugin injects,
a `display:none` spam line, a sentence for screen readers only, an "Accept" button);
`skipped()` leaves these out like navigation, and the invisible format characters
(soft hyphens, zero-width spaces, byte-order marks) are removed as text is read, so
no rule below is fooled by a "Read\u00admore".
"""

import re
from dataclasses import dataclass, field

from pipeline.text import without_format

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset"
    " figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre"
    " section summary table tbody td tfoot th thead tr ul".split()
)
BOLD_TAGS = frozenset({"b", "strong"})
# Not read at all: code, what is never rendered, landmarks that are not the page's own
# content, dialogs, and buttons and form controls (their labels are actions, not text).
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "nav", "aside", "footer",
                          "form", "dialog", "button", "input", "select", "option", "textarea"})
SKIPPED_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search",
                           "form", "dialog", "alertdialog", "button"})
# The helper classes CMSs and CSS frameworks hide text with: Drupal, WordPress,
# Bootstrap (3 to 5), Tailwind, and the usual BEM-style names. Whole tokens only.
HIDING_CLASSES = frozenset({"visually-hidden", "visually-hidden-focusable", "element-invisible",
                            "screen-reader-text", "sr-only", "d-none", "hidden", "is-hidden",
                            "u-hidden", "invisible"})
HIDING_STYLES = {"display": {"none"}, "visibility": {"hidden", "collapse"},
                 "content-visibility": {"hidden"}}
# A consent banner names what it is about and what it is: "cookie-banner",
# "CybotCookiebotDialog", "onetrust-banner-sdk", "cc-window", "Cookie consent".
CONSENT_WORDS = frozenset({"cookie", "consent", "gdpr", "onetrust", "cc"})
BANNER_WORDS = frozenset({"banner", "bar", "notice", "dialog", "popup", "modal", "window",
                          "consent", "compliance", "law", "notification", "message", "overlay",
                          "sdk", "settings", "preferences"})


def skipped(element) -> bool:
    """Not the page's content, so not read: code, landmarks, hidden elements, dialogs
    and consent banners, buttons and form controls.

    Hidden: the `hidden` attribute and an inline style saying `display:none`,
    `visibility:hidden`/`collapse` or `content-visibility:hidden` (no browser renders
    these; any declaration counts, even one a later declaration overrides: such odd
    styles are not worth reading hidden text for); `aria-hidden="true"` (the page says
    the text is not for readers: decoration, a duplicate); the helper classes CMSs hide
    text with (HIDING_CLASSES: screen readers read these, but what CMSs put there,
    "Skip to main content", "opens in a new window", is never content). A responsive
    class showing the element again at some width (`d-none d-md-block`) is not
    followed: the page is read as its narrowest width shows it, so a text and its
    wide-screen variant are never both read.

    Dialogs and consent banners are laid over the page, open or not; buttons and form
    controls are actions, not text (a "Share" button is not read at all, where it used
    to be read and then classified as chrome).

    Left read on purpose: `opacity:0`, `font-size:0` and inline clipping. Screen
    readers read such text; animation libraries (Webflow interactions, scroll
    reveals) park real content at `opacity:0` until it fades in; and the clipping
    pattern is what the helper classes above expand to, matched by their names.
    """
    role = next(iter((element.get("role") or "").lower().split()), "")  # the first one counts
    return (element.tag in SKIPPED_TAGS or role in SKIPPED_ROLES
            or element.get("hidden") is not None
            or (element.get("aria-hidden") or "").strip().lower() == "true"
            or not HIDING_CLASSES.isdisjoint((element.get("class") or "").split())
            or hidden_by_style(element.get("style") or "")
            or is_consent_banner(element, role == "region"))


def hidden_by_style(style: str) -> bool:
    """An inline style hides the element: `display:none`, `Visibility : Hidden !important`..."""
    for declaration in re.sub(r"/\*.*?\*/", "", style, flags=re.DOTALL).split(";"):
        name, _, value = declaration.partition(":")
        value = re.sub(r"!\s*important\s*$", "", value.strip().lower()).strip()
        if value in HIDING_STYLES.get(name.strip().lower(), ()):
            return True
    return False


def is_consent_banner(element, region: bool = False) -> bool:
    """Its id, a class token or its aria-label names a consent banner: a consent word
    and another word saying what it is ("cookie-notice", not "cookie-recipes"); for a
    role="region", an aria-label with a consent word ("Cookies") is enough."""
    label = element.get("aria-label") or ""
    if region and CONSENT_WORDS.intersection(words(label)):
        return True
    for name in (element.get("id") or "", label, *(element.get("class") or "").split()):
        found = words(name)
        named = [word for word in found if word in CONSENT_WORDS | BANNER_WORDS]
        if len(named) >= 2 and CONSENT_WORDS.intersection(named):
            return True
    return False


def words(name: str) -> list[str]:
    """The words of an id, class or label: "CybotCookiebotDialog" -> cybot, cookie, bot,
    dialog; "cookiebanner" -> cookie, banner; "cookies" -> cookie, s."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    return re.findall(r"[a-z0-9]+", re.sub(r"(cookie|consent|gdpr)", r" \1 ", name))


@dataclass
class Block:
    """One line of text and what the markup says about it."""

    element: object  # the lxml element that holds the text (h3, p, dt, div, ...)
    # (text, inside <b>/<strong>, href of the <a> it lies in or None)
    parts: list[tuple[str, bool, str | None]] = field(default_factory=list)
    line: int = 0  # 0 for the element's first line, 1, 2... for the next <br>-separated ones
    broken: bool = False  # a <br> ends this line

    @property
    def tag(self) -> str:
        return self.element.tag

    @property
    def text(self) -> str:
        return "".join(text for text, _, _ in self.parts)

    @property
    def links(self) -> list[str]:
        """The hrefs its text lies in, in order."""
        return list(dict.fromkeys(link for _, _, link in self.parts if link is not None))

    def controls(self) -> list[tuple[str, str]] | None:
        """(href, text) of each link, when links hold all of the block's text."""
        controls: list[list[str]] = []
        for text, _, link in self.parts:
            if not text.strip():
                continue
            if link is None:
                return None
            if controls and controls[-1][0] == link:
                controls[-1][1] += text
            else:
                controls.append([link, text])
        return [(link, text) for link, text in controls] or None

    def bold_up_to(self, end: int) -> bool:
        """Every visible character of text[:end] lies inside <b>/<strong>."""
        seen = 0
        for text, bold, _ in self.parts:
            piece = text[: max(0, end - seen)]
            if piece.strip() and not bold:
                return False
            seen += len(text)
        return bool(self.text[:end].strip())


def read_blocks(main, skip=None) -> list[Block]:
    """The non-blank blocks of main (an lxml element) in document order; skip (an element,
    e.g. the breadcrumb) is left out like navigation is."""
    blocks: list[Block] = []
    lines: dict[object, int] = {}

    def flush(block: Block, broken: bool = False) -> Block:
        if block.text.strip():
            block.line, block.broken = lines.get(block.element, 0), broken
            lines[block.element] = block.line + 1
            blocks.append(block)
        return Block(block.element)

    def walk(element, current: Block, bold: bool, link: str | None) -> Block:
        if element.text:
            current.parts.append((without_format(element.text), bold, link))
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or child is skip or skipped(child):
                pass  # a comment, code or a landmark: its tail still belongs here
            elif tag == "br":
                current = flush(current, broken=True)
            else:
                href = child.get("href") if tag == "a" else None
                inner = link if href is None else href.strip()
                if tag in BLOCK_TAGS:
                    flush(current)
                    flush(walk(child, Block(child), bold, inner))
                    current = Block(current.element)
                else:
                    current = walk(child, current, bold or tag in BOLD_TAGS, inner)
            if child.tail:
                current.parts.append((without_format(child.tail), bold, link))
        return current

    flush(walk(main, Block(main), False, None))
    return blocks
