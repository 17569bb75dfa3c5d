"""What a reader sees of a translation: the one definition the exports, the preview,
`catalogs stats`, index.json and --min-complete share.

A translation is shown when it is live, reviewed (not fuzzy), made for the current
source text, not blank once normalised, and holds no markup the source does not
hold: an HTML tag, comment or declaration arriving through a translation is never
published (the field shows the source text and is listed in `fallback`), while text
that merely holds `<`, `>` or `&` (`x<y`, `energie <voor> iedereen`, `R&D`) is text.
Completeness is the share of a locale's translatable fields shown in its language.
"""

import re

from pipeline.text import has_visible, normalise_text

# The element names of HTML (WHATWG, with the obsolete ones browsers still parse).
HTML_ELEMENTS = frozenset("""
a abbr acronym address applet area article aside audio b base basefont bdi bdo big blink
blockquote body br button canvas caption center cite code col colgroup data datalist dd del
details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins kbd label
legend li link main map mark marquee math menu meta meter nav nobr noembed noframes noscript
object ol optgroup option output p param picture plaintext pre progress q rp rt ruby s samp
script search section select slot small source span strike strong style sub summary sup svg
table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp
""".split())
_MARKUP = re.compile(r"<!--|<![A-Za-z\[]|<\?|</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")


def markup(text: str) -> list[str]:
    """The markup tokens of text, in order: `<b`, `</p`, `<!--`, `<img`..."""
    found = []
    for match in _MARKUP.finditer(text):
        name = match.group(1)
        if name is None or name.lower() in HTML_ELEMENTS:
            found.append(match.group(0))
    return found


def foreign_markup(translation: str, source: str) -> list[str]:
    """Markup in the translation that the source text does not hold."""
    if "<" not in translation:
        return []  # markup starts with "<": the source need not be read
    own = set(markup(source))
    return [token for token in markup(translation) if token not in own]


def visible(translation: str | None, source: str) -> str | None:
    """The text a reader is shown for this translation, or None when the source is shown."""
    if not translation:
        return None
    text = normalise_text(translation)
    if not text or foreign_markup(text, source):
        return None
    return text


def shown(translation: str | None, source: str) -> bool:
    """visible(translation, source) is not None, without making the text: `catalogs
    stats` asks it of every entry."""
    if not translation:
        return False
    if "<" in translation:  # markup is judged on the normalised text
        return visible(translation, source) is not None
    return has_visible(translation)


def completeness(shown: int, total: int) -> float:
    """Share of translatable fields shown in the locale's own language (1.0 when none)."""
    return round(shown / total, 4) if total else 1.0
