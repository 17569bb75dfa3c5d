"""Text normalisation, URL safety and slug ids shared by spiders, pipelines and outputs.

Whitespace is collapsed, control characters and invisible format characters
removed; quotes, apostrophes, `<`, `>`, `&` and every other visible character
stay exactly as the site has them, so translators see the site's own text.
"""

import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# C0 and C1 controls and DEL. The ones str.split() counts as whitespace (tab, newline,
# CR, VT, FF, FS..US, NEL) become a space; the rest (NUL, U+0004, ...) are removed:
# msgfmt rejects a catalog holding them and no reader can see them.
_CONTROLS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
_CONTROL = re.compile(f"[{_CONTROLS}]")
# Invisible format characters (Unicode category Cf): a soft hyphen a hyphenation filter
# adds, zero-width spaces and joiners, word joiners, byte-order marks, direction marks.
# No reader sees them, so a change made only of them must change nothing.
_FORMATS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
            "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")
_FORMATS_ASTRAL = ("\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
                   "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
# Unicode 14's Cf, as Python 3.11 knows it:
_FORMAT = re.compile(f"[{_FORMATS}{_FORMATS_ASTRAL}]")
# normalise_text's removal in one pass: a class of characters below U+10000 only is matched
# from a bitmap, one with astral ranges range by range (three times slower), so the astral
# format characters are looked for only in text that holds an astral character at all.
_INVISIBLE = re.compile(f"[{_CONTROLS}{_FORMATS}]")
_INVISIBLE_ASTRAL = re.compile(f"[{_FORMATS_ASTRAL}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# A character normalise_text keeps and a reader sees: not whitespace (\s is what
# str.split() splits on), not a control, not a format character.
_SEEN = re.compile(f"[^\\s{_CONTROLS}{_FORMATS}{_FORMATS_ASTRAL}]")
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def without_format(text: str) -> str:
    """text without its invisible format characters (Unicode category Cf)."""
    return _FORMAT.sub("", text)


def normalise_text(text: str) -> str:
    """NFC, controls and invisible format characters removed, every whitespace run
    (no-break spaces included) to one space."""
    # Removed before NFC: a control between a letter and its accent would split them.
    text = _INVISIBLE.sub("", text)
    if not text.isascii() and _ASTRAL.search(text):
        text = _INVISIBLE_ASTRAL.sub("", text)
    return " ".join(unicodedata.normalize("NFC", text).split())


def has_visible(text: str) -> bool:
    """Whether normalise_text(text) is not empty, without making it (usually the first
    character answers)."""
    return _SEEN.search(text) is not None


def replaced_reference(html: str) -> str | None:
    """The first numeric character reference an HTML parser turns into U+FFFD, or None.

    `&#0;`, a surrogate (`&#xD800;`) or a number beyond U+10FFFF name no character;
    parsers substitute U+FFFD, so by the time the text is parsed the original is gone.
    Only the raw HTML shows it.
    """
    for match in _NUMERIC_REFERENCE.finditer(html):
        hexadecimal, decimal = match.groups()
        digits = (hexadecimal or decimal).lstrip("0")
        value = int(digits or "0", 16 if hexadecimal else 10) if len(digits) <= 8 else 0x110000
        if value == 0 or 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            return match.group(0)
    return None


def safe_url(url: str | None, hosts: set[str]) -> bool:
    """An absolute http(s) URL on one of hosts, with nothing a browser would misread."""
    if not url or any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return False
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and hostname in hosts and "\\" not in url


def slugify(text: str) -> str:
    """ASCII slug of a name or title: 'Flanders’ FOOD' -> 'flanders-food'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def split_heading(heading: str) -> tuple[str, str]:
    """'Name: tagline' split at the first colon into (name, tagline)."""
    name, _, tagline = heading.partition(":")
    return name.strip(), tagline.strip()


def without_credentials(url: str) -> str:
    """url without a user name or password (`https://user:secret@host/` -> `https://host/`),
    so no message, report or record ever shows one."""
    try:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            return url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=host))
    except ValueError:
        return url
