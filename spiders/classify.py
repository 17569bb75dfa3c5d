"""Which block of the cluster page is what: a small set of plain rules over text blocks.

The rules (README, "How clusters are found"), checked in this order per block:
1. chrome: a "Read more"-style or share link, or a line that is only a date
   (buttons are never read: spiders/blocks.py);
2. the first h1 is the title; the blocks after it, up to the first name line or
   teaser, are the intro;
3. a block standing as a heading does (h1-h6, th, dt, summary, a line bold up to its
   colon, or the first line of a paragraph split by <br>) is
   a. a teaser when tied to a link to another page of the site: the link is in it,
      or it is in the link (a whole-card link);
   b. else a name line when of the form "Name: tagline" (a name of at most six words);
   c. else a teaser when tied so to a link that leaves this page for another site
      (the item pipelines then drop the unsafe link, and the guard refuses);
   d. else, still a teaser when it is a heading whose card holds a single
      "Read more"-style link;
   e. else, when a heading, th, dt or summary element, the end of the section above it;
4. any other block is text of the section it follows (intro, description, summary);
   a block in no section is left unplaced.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

from spiders.blocks import Block

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
STANDALONE = HEADINGS | {"th", "dt", "summary"}
NAME_WORDS = 6
_READ_MORE = frozenset({
    "read more", "more", "read the article", "continue reading", "learn more", "more info",
    "lees meer", "meer", "lire la suite", "en savoir plus", "weiterlesen", "mehr",
})
_SHARE = frozenset({
    "share", "share this", "share this page", "share this article", "tweet", "facebook",
    "linkedin", "twitter", "x", "email", "e-mail", "mail", "print", "copy link", "whatsapp",
    "delen", "partager",
})
_DECORATION = " \t\n\r\u00a0›»→>….:|·•"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = re.compile(
    r"(?:(?:published|posted|updated|date)(?:\s+on)?:?\s+)?(?:\w+day,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})",
    re.IGNORECASE,
)
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen"
                 " fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_ANNOUNCED = re.compile(
    rf"\b(\d+|{'|'.join(_NUMBER_WORDS)})\s+(?:[\w’'-]+\s+){{0,2}}?clusters?\b", re.IGNORECASE
)


@dataclass
class Section:
    """A cluster (heading "Name: tagline") or a teaser (heading = title), with its text."""

    kind: str  # "cluster" or "article"
    heading: str
    block: Block
    url: str | None = None
    text: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # the hrefs in its text, in order


@dataclass
class Reading:
    """What the page says, and the role given to each of its blocks."""

    title: str = ""
    intro: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    roles: list[tuple[Block, str]] = field(default_factory=list)  # placed | chrome | unplaced

    def of_kind(self, kind: str) -> list[Section]:
        return [section for section in self.sections if section.kind == kind]


def announced_count(title: str) -> int | None:
    """The number next to the word "clusters" ("7", "seven", up to twenty), or None."""
    match = _ANNOUNCED.search(title)
    if not match:
        return None
    number = match.group(1).lower()
    return int(number) if number.isdigit() else _NUMBER_WORDS.index(number) + 1


def bare(text: str) -> str:
    return " ".join(text.split()).strip(_DECORATION).lower()


def read_more_links(block: Block) -> set[str]:
    """The targets of the "Read more"-style links that make up the block."""
    return {href for href, text in block.controls() or () if bare(text) in _READ_MORE}


def is_chrome(block: Block) -> bool:
    """Only "Read more" or share links, or a line that is only a date."""
    controls = block.controls()
    if controls and all(bare(text) in _READ_MORE | _SHARE or bare(text).startswith("share on ")
                        for _, text in controls):
        return True
    return bool(_DATE.fullmatch(bare(block.text)))


def stands_as_heading(block: Block) -> bool:
    if block.tag in STANDALONE:
        return True
    colon = block.text.find(":")
    if block.bold_up_to(colon if colon > 0 else len(block.text)):
        return True
    return block.line == 0 and block.broken


def is_name_line(text: str) -> bool:
    name, colon, _ = text.partition(":")
    return bool(colon) and 0 < len(name.split()) <= NAME_WORDS


class Classifier:
    """Reads blocks in order; `page_url` and `hosts` tell which links lead to the site."""

    def __init__(self, page_url: str, hosts: set[str]):
        self.page_url, self.hosts = page_url, hosts
        self.here = urlparse(page_url)._replace(fragment="")

    def other_page(self, href: str) -> str | None:
        """href as an absolute URL when it leads away from this page, else None."""
        url = urljoin(self.page_url, href)
        if not href or urlparse(url)._replace(fragment="") == self.here:
            return None
        return url

    def site_page(self, href: str) -> str | None:
        """href as an absolute URL when it leads to another page of the site, else None."""
        url = self.other_page(href)
        parsed = urlparse(url or "")
        return url if parsed.scheme in ("http", "https") and parsed.hostname in self.hosts else None

    def card_link(self, block: Block, blocks: list[Block]) -> str | None:
        """The target of the single "Read more" link of the smallest card around block that
        holds one, when that card holds no other heading."""
        for card in block.element.iterancestors():
            inside = [b for b in blocks if b is not block and _inside(b.element, card)]
            more = set().union(*map(read_more_links, inside))
            if not more:
                if any(b.tag in HEADINGS for b in inside):
                    return None
                continue
            others = any(b.tag in HEADINGS for b in inside)
            return self.site_page(more.pop()) if len(more) == 1 and not others else None
        return None

    def read(self, blocks: list[Block]) -> Reading:
        reading = Reading()
        current: list[str] | None = None
        owner: Section | None = None  # the section current belongs to
        for block in blocks:
            text = block.text
            if is_chrome(block):
                reading.roles.append((block, "chrome"))
                continue
            role = "placed"
            if block.tag == "h1" and not reading.title:
                reading.title, current, owner = text, reading.intro, None
            elif reading.title and stands_as_heading(block):
                section = self.section(block, blocks)
                if section:
                    reading.sections.append(section)
                    current, owner = section.text, section
                elif block.tag in STANDALONE:
                    current, owner, role = None, None, "unplaced"
                elif current is not None:
                    current.append(text)
                else:
                    role = "unplaced"
            elif current is not None:
                current.append(text)
            else:
                role = "unplaced"
            if role == "placed" and owner is not None and block is not owner.block:
                owner.links += [link for link in block.links if link]
            reading.roles.append((block, role))
        return reading

    def section(self, block: Block, blocks: list[Block]) -> Section | None:
        """The cluster or teaser this heading-like block starts, or None."""
        links = [url for url in map(self.site_page, block.links) if url]
        if links:
            return Section("article", block.text, block, links[-1])
        if is_name_line(block.text):
            return Section("cluster", block.text, block)
        away = [url for url in map(self.other_page, block.links) if url]
        if away:  # off the site: the item pipelines drop the link, the guard refuses
            return Section("article", block.text, block, away[-1])
        url = self.card_link(block, blocks) if block.tag in HEADINGS else None
        return Section("article", block.text, block, url) if url else None


def _inside(element, card) -> bool:
    return element is card or any(parent is card for parent in element.iterancestors())
