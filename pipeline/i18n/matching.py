"""The best translation memory match for a message: the site's own version, exact, or fuzzy.

For one language pair, `Index(units, "en", "nl").best(source, context)` prefers:

1. `context`: a unit made for this very msgctxt, i.e. the site's own version of this
   field. Its source equal to `source` scores 100; when the site's text changed
   since, the unit is still the site's version of the field and is returned with its
   real similarity, whatever it is (the caller decides what to do with a low one).
2. `exact`: the same source text elsewhere, 100.
3. `fuzzy`: the most similar source text, if its similarity is at least 75.

Among equals the preferred unit is the one seen last, then the first by source,
context, target and origin in code-point order: the same memory always gives the
same answer.

Similarity is rapidfuzz's `fuzz.ratio` (normalised Indel similarity, 100 · 2·LCS /
(len a + len b)) over *words*, the text split into words and punctuation marks,
case kept, not over characters. That is how translation tools count a fuzzy match
(75 % means about three words in four kept, in order), and it separates: two
unrelated English sentences keep half their letters in order (a character ratio of
50-60, so 75 is barely above noise) but only a word or two. Word order counts
(`token_sort_ratio` would call "from Ghent to Antwerp" and "from Antwerp to Ghent"
equal; their translations are not). The score is the floor of the ratio, and 100
only for the very same text (texts differing only in spacing around punctuation
score 99).

The fuzzy search is exact, the same best score as comparing the message with every
unit, without comparing it with every unit. Each distinct source text is encoded as
a string of one code point per word, so rapidfuzz compares words at its string
speed, and indexed by its word pairs (bigrams). A ratio of at least 75 between
texts of n and m words needs an LCS of L >= ceil(3(n+m)/8) words; those words fall
into at most n+m-2L+1 runs contiguous in both texts, so the texts share at least
t = 3L-(n+m)-1 word pairs, and their lengths are within 3:5 of each other. A text is
a candidate only if it shares t pairs with the message (up to t-1 of the message's
commonest pairs may be left unread, each lowering the count needed by one), and
only candidates are compared, with a distance cutoff. The few length pairs where
t <= 0 (texts of at most 8 words together) are found through an index of the single
words of short texts instead, counting L shared words. Counting shared pairs is
done with numpy over the posting lists, for BATCH messages at a time in best_all
(the pre-fill of a catalog: 50k messages against 50k units in about 1.5 s of CPU);
best() is best_all of one message (about 0.1 ms). Counts may exceed the true overlap
(a pair twice in a text), which only adds candidates, never loses one.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel

from pipeline.errors import RunFailed
from pipeline.i18n.memory import Unit

if TYPE_CHECKING:  # numpy loads only for a memory worth indexing (over SMALL texts)
    import numpy as np

CUTOFF = 75  # the least similarity of a fuzzy match
TIERS = ("context", "exact", "fuzzy")
LONG_POSTINGS = 64  # a word pair in more texts than this is worth leaving unread
BATCH = 512  # messages whose fuzzy searches best_all does together
SMALL = 256  # a memory of at most this many source texts is compared whole, not indexed
_WORD = re.compile(r"\w+|[^\w\s]")
_UNKNOWN = "\x00"  # a word no source text holds: it matches nothing (and separates texts)
_SURROGATES = range(0xD800, 0xE000)
_BASE = 0x110000  # above every code point: a word pair's key is first * _BASE + second


def words(text: str) -> list[str]:
    """The words and punctuation marks of text, in order, case kept: what is compared."""
    return _WORD.findall(text)


@dataclass(frozen=True)
class Match:
    unit: Unit
    score: int  # 0..100
    tier: str  # "context", "exact" or "fuzzy"


# ---------------------------------------------------------------- bounds (in words)


def least_lcs(total: int) -> int:
    """The least LCS of two texts of `total` words together at a ratio of CUTOFF:
    100 · 2L / total >= CUTOFF."""
    return -(-CUTOFF * total // 200)


@cache
def length_range(n: int) -> range:
    """The lengths m a text of n words can reach a ratio of CUTOFF with (L <= min(n, m)):
    a contiguous range, within 3:5 of n."""
    lengths = [m for m in range(1, 2 * n + 2) if least_lcs(n + m) <= min(n, m)]
    return range(lengths[0], lengths[-1] + 1) if lengths else range(0)


def shared_pairs(n: int, m: int) -> int:
    """The least number of word pairs texts of n and m words at a ratio of CUTOFF share."""
    return 3 * least_lcs(n + m) - (n + m) - 1


@dataclass(frozen=True)
class _Plan:
    """How a message of n words is looked up."""

    least: int  # the fewest shared pairs any length found through pairs needs (0: none)
    single: tuple[int, ...]  # the lengths found through single words instead


@cache
def _plan(n: int) -> _Plan:
    paired = [shared_pairs(n, m) for m in length_range(n) if shared_pairs(n, m) >= 1]
    single = tuple(m for m in length_range(n) if shared_pairs(n, m) < 1)
    return _Plan(min(paired, default=0), single)


SHORT = max(m for n in range(1, 64) for m in _plan(n).single)  # longest text found by words


def _codes(encoded: str) -> "np.ndarray":
    import numpy as np

    return np.frombuffer(encoded.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def _preferred(units) -> list[Unit]:
    """Seen last first, then by source, context, target and origin in code-point order."""
    ordered = sorted(units, key=lambda u: (u.source, u.context is not None, u.context or "",
                                           u.target, u.origin))
    ordered.sort(key=lambda u: u.seen, reverse=True)  # stable: equal dates keep that order
    return ordered


# ---------------------------------------------------------------- the index


class Index:
    """The units of one language pair, ready for best(): exact lookups by context and by
    source, and the word-pair index of the distinct source texts."""

    def __init__(self, units: list[Unit], source_lang: str, target_lang: str):
        self.source_lang, self.target_lang = source_lang, target_lang
        self._units = _preferred(u for u in units if u.source_lang == source_lang
                                 and u.target_lang == target_lang)
        by_context: dict[str, list[Unit]] = defaultdict(list)
        self._by_source: dict[str, Unit] = {}  # the preferred unit of each source text
        for unit in self._units:
            if unit.context is not None:
                by_context[unit.context].append(unit)
            self._by_source.setdefault(unit.source, unit)
        self._by_context = dict(by_context)
        # Distinct source texts, numbered in order of preference (ties go to the lower).
        self._sources = list(self._by_source)
        self._vocabulary: dict[str, str] = {}  # word: its code point
        self._encoded = [self._learn(text) for text in self._sources]
        if len(self._encoded) > SMALL:
            self._index_grams()

    def _index_grams(self) -> None:
        """The posting lists of the grams of the source texts: word pairs of every text,
        keyed first * _BASE + second, and the single words of the short texts (SHORT
        words at most), keyed -(length * _BASE + word). One array of source numbers,
        list after list; the sorted distinct keys, where each one's list starts and its
        size."""
        import numpy as np

        self._lengths = np.fromiter(map(len, self._encoded), dtype=np.int64,
                                    count=len(self._encoded))
        codes = _codes(_UNKNOWN.join(self._encoded))
        owners = np.repeat(np.arange(len(self._encoded), dtype=np.int32), self._lengths + 1)
        owners = owners[:len(codes)]
        first, second = codes[:-1], codes[1:]
        inside = (first != 0) & (second != 0)  # not across the separator of two texts
        short = (codes != 0) & (self._lengths[owners] <= SHORT)
        keys = np.concatenate((first[inside] * _BASE + second[inside],
                               -(self._lengths[owners[short]] * _BASE + codes[short])))
        owners = np.concatenate((owners[:-1][inside], owners[short]))
        order = np.argsort(keys)  # the order within a list does not matter
        keys = keys[order]
        self._postings = owners[order]
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate(([0], starts)) if len(keys) else starts
        self._keys = keys[starts]  # the distinct keys, sorted
        self._starts = starts.astype(np.int64)  # where each one's list starts in _postings
        self._sizes = np.diff(starts, append=len(keys)).astype(np.int64)  # and its size

    def _learn(self, text: str) -> str:
        """The text encoded, one code point per word, its new words given the next ones."""
        vocabulary = self._vocabulary
        found = words(text)
        for word in found:
            if word not in vocabulary:
                point = len(vocabulary) + 1
                if point >= _SURROGATES.start:
                    point += len(_SURROGATES)
                    if point >= _BASE:
                        raise RunFailed(f"translation memory too large: more than "
                                        f"{len(vocabulary):,} distinct words in its "
                                        f"{self.source_lang} texts")
                vocabulary[word] = chr(point)
        return "".join(map(vocabulary.__getitem__, found))

    def __len__(self) -> int:
        return len(self._units)

    def _encode(self, text: str) -> str:
        """One code point per word; a word no source text holds is _UNKNOWN."""
        return "".join(map(self._vocabulary.get, words(text), repeat(_UNKNOWN)))

    def best(self, source: str, context: str | None) -> Match | None:
        """The preferred match for a message (its source text and msgctxt), or None."""
        return self.best_all([(source, context)])[0]

    def best_all(self, messages: Iterable[tuple[str, str | None]]) -> list[Match | None]:
        """best(source, context) of every message, in order: the same answers, with the
        fuzzy searches of BATCH messages at a time done together (numpy's calls, each
        costing a microsecond or more, are then made once for them all)."""
        found: list[Match | None] = []
        fuzzy: list[tuple[int, str]] = []  # (position in found, encoded source)
        for source, context in messages:
            own = self._by_context.get(context) if context is not None else None
            if own:
                found.append(self._context_match(source, own))
                continue
            unit = self._by_source.get(source)
            found.append(None if unit is None else Match(unit, 100, "exact"))
            if unit is None:
                fuzzy.append((len(found) - 1, self._encode(source)))
        for start in range(0, len(fuzzy), BATCH):
            batch = fuzzy[start:start + BATCH]
            candidates = self._candidates([encoded for _, encoded in batch])
            for (position, encoded), numbers in zip(batch, candidates, strict=True):
                closest = self._closest(encoded, numbers)
                if closest is not None:
                    number, common, total = closest
                    found[position] = Match(self._by_source[self._sources[number]],
                                            _score(common, total), "fuzzy")
        return found

    def _context_match(self, source: str, own: list[Unit]) -> Match:
        for unit in own:
            if unit.source == source:
                return Match(unit, 100, "context")
        encoded = self._encode(source)
        best, best_common, best_total = own[0], -1, 1
        for unit in own:
            other = self._encode(unit.source)
            total = len(encoded) + len(other)
            common = total - Indel.distance(encoded, other)
            if common * best_total > best_common * total:
                best, best_common, best_total = unit, common, total
        return Match(best, _score(best_common, best_total), "context")

    def _closest(self, encoded: str, candidates: Sequence[int]) -> tuple[int, int, int] | None:
        """(source number, 2·LCS, n+m) of the candidate most similar to the message at
        CUTOFF or above, the lowest number among equals; None when there is none."""
        n = len(encoded)
        best, best_common, best_total = None, 0, 1
        for number in sorted(set(candidates)):
            other = self._encoded[number]
            total = n + len(other)
            distance = Indel.distance(encoded, other, score_cutoff=total // 4)
            if 4 * distance > total:  # below CUTOFF: 100 · (total - d) / total < 75
                continue
            common = total - distance
            if best is None or common * best_total > best_common * total:
                best, best_common, best_total = number, common, total
        return None if best is None else (best, best_common, best_total)

    def _candidates(self, encoded: list[str]) -> list[Sequence[int]]:
        """For each message (encoded), the numbers of the source texts sharing enough grams
        with it to possibly reach CUTOFF: every text that does is among them.

        The grams of a message are looked up in groups: its word pairs, and for each short
        length its single words. In each group up to `least` - 1 of the longest posting
        lists (over LONG_POSTINGS) are left unread, `least` being the fewest shared grams
        any length needs: a text in enough lists is still in enough of the others, and its
        count is raised by the number left unread. The count, an upper bound of the grams
        shared (a gram twice in a text is counted twice), is then held against the bound
        of the text's own length."""
        if len(self._encoded) <= SMALL:  # every text is a candidate: _closest compares all
            return [range(len(self._encoded))] * len(encoded)
        import numpy as np

        result: list[list[int]] = [[] for _ in encoded]
        if not len(self._keys):
            return result
        sizes_of = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        codes = _codes(_UNKNOWN.join(encoded))
        owner = np.repeat(np.arange(len(encoded), dtype=np.int64), sizes_of + 1)[:len(codes)]
        first, second = codes[:-1], codes[1:]
        inside = (first != 0) & (second != 0)  # no unknown word, not across two messages
        # Groups 0 .. len(encoded) - 1: the pairs of each message; then the word groups.
        group_message = list(range(len(encoded)))
        group_least = [_plan(len(text)).least for text in encoded]
        group_length = [0] * len(encoded)  # 0: pairs; m: single words of texts of m words
        word_keys: list[int] = []
        word_groups: list[int] = []
        for number, text in enumerate(encoded):
            for m in _plan(len(text)).single:
                group = len(group_message)
                group_message.append(number)
                group_least.append(least_lcs(len(text) + m))
                group_length.append(m)
                for word in text:
                    if word != _UNKNOWN:
                        word_keys.append(-(m * _BASE + ord(word)))
                        word_groups.append(group)
        keys = np.concatenate((first[inside] * _BASE + second[inside],
                               np.array(word_keys, dtype=np.int64)))
        groups = np.concatenate((owner[:-1][inside], np.array(word_groups, dtype=np.int64)))
        least = np.array(group_least, dtype=np.int64)
        at = np.searchsorted(self._keys, keys)
        np.minimum(at, len(self._keys) - 1, out=at)
        indexed = (self._keys[at] == keys) & (least[groups] > 0)
        at, groups = at[indexed], groups[indexed]
        if not len(at):
            return result
        order = np.lexsort((-self._sizes[at], groups))  # by group, the longest list first
        at, groups = at[order], groups[order]
        starts, sizes = self._starts[at], self._sizes[at]
        long = sizes > LONG_POSTINGS
        left_out = np.clip(np.minimum(least - 1, np.bincount(groups[long], minlength=len(least))),
                           0, None)
        group_starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
        rank = np.arange(len(groups)) - np.repeat(group_starts,
                                                  np.diff(group_starts, append=len(groups)))
        read = rank >= left_out[groups]  # the longest lists of each group left unread
        starts, sizes, groups = starts[read], sizes[read], groups[read]
        if not len(sizes):
            return result
        ends = np.cumsum(sizes)
        hits = self._postings[np.repeat(starts - ends + sizes, sizes) + np.arange(ends[-1])]
        hit_groups = np.repeat(groups, sizes)
        bounds = np.flatnonzero(np.concatenate(([True], hit_groups[1:] != hit_groups[:-1],
                                                [True]))).tolist()
        for start, end in zip(bounds[:-1], bounds[1:], strict=True):
            hits[start:end].sort()  # each group's hits in order: a text's hits in one run
        new = np.empty(len(hits), dtype=bool)
        new[0] = True
        new[1:] = (hits[1:] != hits[:-1]) | (hit_groups[1:] != hit_groups[:-1])
        runs = np.flatnonzero(new)
        run_groups, numbers = hit_groups[runs], hits[runs]
        counts = np.diff(runs, append=len(hits)) + left_out[run_groups]
        n = sizes_of[np.array(group_message, dtype=np.int64)[run_groups]]
        m = self._lengths[numbers]
        total = n + m
        lcs = (CUTOFF * total + 199) // 200  # least_lcs(total)
        pairs_needed = 3 * lcs - total - 1  # shared_pairs(n, m)
        length = np.array(group_length, dtype=np.int64)[run_groups]
        enough = (lcs <= np.minimum(n, m)) & np.where(
            length == 0, (pairs_needed >= 1) & (counts >= pairs_needed),
            (m == length) & (counts >= lcs))
        messages = np.array(group_message, dtype=np.int64)[run_groups[enough]]
        for message, number in zip(messages.tolist(), numbers[enough].tolist(), strict=True):
            result[message].append(number)
        return result


def _score(common: int, total: int) -> int:
    """floor(100 · common / total), below 100: the same text is an exact match, not this."""
    return min(100 * common // total if total else 100, 99)
