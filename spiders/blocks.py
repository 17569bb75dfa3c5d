"""The main content of a page as the flat sequence of text blocks a reader sees.

A block is text a browser shows on lines of its own: a heading, a paragraph, a
list item, a `dt`/`dd`, a `summary`, a table cell, loose text in a `div`, and each
`<br>`-separated line of these. Inline markup (links, strong, em, span) joins
without added spaces, as a browser renders it. html-text was tried first: it
guesses a space between inline elements ("Flux<b>50</b>" gives "Flux 50"), which
would change the site's own text, so this small walk over lxml does it instead.

The invisible format characters (soft hyphens, zero-width spaces, byte-order marks)
are removed as text is read: no reader sees them, so no rule below may be fooled by
a "Read\u00admore".
"""

from dataclasses import dataclass, field

from pipeline.text import without_format

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset"
    " figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre"
    " section summary table tbody td tfoot th thead tr ul".split()
)
BOLD_TAGS = frozenset({"b", "strong"})
# Not read at all: code, hidden elements, and landmarks that are not the page's own content.
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "nav", "aside", "footer",
                          "form"})
SKIPPED_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search",
                           "form"})


def skipped(element) -> bool:
    return (element.tag in SKIPPED_TAGS or element.get("hidden") is not None
            or element.get("role") in SKIPPED_ROLES)


@dataclass
class Block:
    """One line of text and what the markup says about it."""

    element: object  # the lxml element that holds the text (h3, p, dt, div, ...)
    # (text, inside <b>/<strong>, href of the <a> it lies in: "" a <button>, None neither)
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
        """The hrefs its text lies in, in order ("" for a button)."""
        return list(dict.fromkeys(link for _, _, link in self.parts if link is not None))

    def controls(self) -> list[tuple[str, str]] | None:
        """(href, text) of each link or button, when these hold all of the block's text."""
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
                href = child.get("href") if tag == "a" else "" if tag == "button" else None
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
