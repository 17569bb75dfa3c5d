"""Text normalisation and slug ids shared by the spider pipelines and the tests.

Only whitespace is touched: quotes, apostrophes and every other character stay
exactly as the site has them, so translators see the site's own text.
"""

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def normalise_text(text: str) -> str:
    """NFC, every whitespace run (no-break spaces included) to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())  # split(): what \s matches


def slugify(text: str) -> str:
    """ASCII slug of a name or title: 'Flanders’ FOOD' -> 'flanders-food'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def split_heading(heading: str) -> tuple[str, str]:
    """'Name: tagline' split at the first colon into (name, tagline)."""
    name, _, tagline = heading.partition(":")
    return name.strip(), tagline.strip()
