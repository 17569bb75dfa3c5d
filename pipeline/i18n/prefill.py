"""Memory suggestions in a catalog: pre-fill, never overwrite.

An entry no translator has translated gets the memory's best match (matching.py:
the site's own version of this very field, then the same text elsewhere, then a
similar one at 75 % or more), always marked fuzzy, so exports never publish it, and
with a translator comment saying where it comes from, which Poedit, Weblate and the
preview show:

    # speerpunt memory: 100 % match, the site's own version of this text:
    #   https://www.flandersfood.com/nl/over-ons/geschiedenis (seen 2026-12-06)

(one line in the file). A suggestion stays ours while it is fuzzy, carries that
comment and holds a text the memory offered (then or now): a later run may replace
it with a better or newer one, or take it back when the memory no longer offers
anything. Anything else is a translator's: a translation, an edited suggestion, a
suggestion accepted (no longer fuzzy). Those are never touched, not by a 100 % match.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.i18n import po
from pipeline.i18n.memory import Unit, read_memory
from pipeline.layout import Layout
from pipeline.sources import LOCALES

if TYPE_CHECKING:  # numpy and rapidfuzz load only when a catalog is pre-filled
    from pipeline.i18n.matching import Index, Match

MARK = "speerpunt memory:"
# What matched, in the comment's words, by tier; a unit made for this very msgctxt is the
# site's own version when a site gave it (a URL), else a translation an agency made for it.
WHAT = {"site": "the site's own version of this text", "context": "a translation of this text",
        "exact": "the same source text", "fuzzy": "a similar text"}
_COMMENT = re.compile(rf"{re.escape(MARK)} (\d+) % match, ({'|'.join(WHAT.values())}): "
                      r"(.+) \(seen (\d{4}-\d{2}-\d{2})\)")


def from_site(origin: str) -> bool:
    """A unit a site's page gave (its URL), not one a TMX file brought."""
    return origin.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Suggestion:
    """What a suggestion's comment says: its match %, what matched, where from, when seen."""

    score: int
    tier: str
    origin: str
    seen: str

    @classmethod
    def of(cls, match: "Match") -> "Suggestion":
        return cls(match.score, match.tier, match.unit.origin, match.unit.seen)

    @property
    def what(self) -> str:
        """What matched, in words."""
        site = self.tier == "context" and from_site(self.origin)
        return WHAT["site" if site else self.tier]

    @property
    def comment(self) -> str:
        return f"{MARK} {self.score} % match, {self.what}: {self.origin} (seen {self.seen})"

    @classmethod
    def parse(cls, comment: str) -> "Suggestion | None":
        found = _COMMENT.fullmatch(comment)
        if found is None:
            return None
        tier = next(name for name, words in WHAT.items() if words == found.group(2))
        return cls(int(found.group(1)), "context" if tier == "site" else tier,
                   found.group(3), found.group(4))


def suggestion(entry: po.Entry) -> Suggestion | None:
    """The suggestion an entry shows (fuzzy, with our comment, a text in it), or None."""
    if not entry.fuzzy or not entry.msgstr:
        return None
    return offered_once(entry)


def offered_once(entry: po.Entry) -> Suggestion | None:
    """What our comment on an entry says was offered, whatever became of it since."""
    for comment in entry.comments:
        if comment.startswith(MARK):
            return Suggestion.parse(comment)
    return None


class Memory:
    """The memory as `catalogs update` uses it: its units by target language, one Index
    per language pair built when first asked for, and every text it offers or offered
    (a suggestion holding one of them is still ours)."""

    def __init__(self, units: dict[str, list[Unit]], offered: dict[str, set[str]]):
        self.units = units
        self.offered = offered
        self._indexes: dict[tuple[str, str], Index] = {}

    @classmethod
    def load(cls, layout: Layout) -> "Memory":
        """The memory files in --locales (locales/<lang>/memory.tmx); none is an empty one.
        A broken file refuses the command (RunFailed, FILE:LINE: why)."""
        units = {language: read_memory(layout.memory(language)) for language in LOCALES}
        return cls(units, {language: {unit.target for unit in found}
                           for language, found in units.items()})

    def index(self, source_lang: str, target_lang: str) -> "Index":
        from pipeline.i18n.matching import Index

        key = source_lang, target_lang
        if key not in self._indexes:
            self._indexes[key] = Index(self.units.get(target_lang, []), *key)
        return self._indexes[key]


def prefill(entries: list[po.Entry], memory: Memory, source_lang: str,
            target_lang: str) -> None:
    """Suggest the memory's best match to every entry no translator has translated."""
    from pipeline.i18n.matching import CUTOFF

    offered = memory.offered.get(target_lang, set())
    open_entries = [entry for entry in entries if not entry.obsolete
                    and entry.msgid_plural is None and _open(entry, offered)]
    if not open_entries:
        return
    index = memory.index(source_lang, target_lang)
    found = index.best_all([(entry.msgid, entry.msgctxt) for entry in open_entries]) \
        if len(index) else [None] * len(open_entries)
    for entry, match in zip(open_entries, found, strict=True):
        if match is None or match.score < CUTOFF:
            if suggestion(entry) is not None:
                _take_back(entry)
        else:
            _suggest(entry, Suggestion.of(match), match.unit.target)


def _open(entry: po.Entry, offered: set[str]) -> bool:
    """No translator's text in it: empty (or blank), or our suggestion untouched."""
    if not entry.msgstr.strip():
        return True
    return suggestion(entry) is not None and entry.msgstr in offered


def _suggest(entry: po.Entry, offer: Suggestion, text: str) -> None:
    entry.msgstr = text
    entry.set_fuzzy(True)
    entry.previous_msgid = entry.previous_msgctxt = None  # not a translator's to compare
    entry.comments = [line for line in entry.comments if not line.startswith(MARK)] \
        + [offer.comment]


def _take_back(entry: po.Entry) -> None:
    entry.msgstr = ""
    entry.set_fuzzy(False)
    entry.previous_msgid = entry.previous_msgctxt = None
    entry.comments = [line for line in entry.comments if not line.startswith(MARK)]
