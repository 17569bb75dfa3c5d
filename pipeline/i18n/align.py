"""Align a page's language version with its source: the site's own translation of each
block, offered to translators as a reviewable suggestion.

A misaligned pair offered to a translator is a defect, so when in doubt nothing is
offered. Length alone (Gale-Church) cannot tell two swapped paragraphs, a paragraph
more or fewer, or a different paragraph in the same place; what survives translation
can: numbers (2005; 1 January 2018 -> 1 januari 2018: the digits) and names and
acronyms written the same in both versions (Fevia, VLAIO, Catalisti), not as part of a
longer name only one version holds ("Flanders" of "in Flanders" is not that of
"Flanders’ FOOD"). These are the anchors, and every pair is judged by them.

The steps:

1. Language. When the target's lower-case words are mostly the source's own words
   (UNTRANSLATED_SHARE of them, over PAGE_WORDS words or more), the "Dutch" page is
   the English text and nothing at all is offered. Real EN/NL pages share 3-9 % (in,
   is, open, partners, managing); a copy shares all. The same test on one pair (over
   UNTRANSLATED_MIN_WORDS words) refuses a block left untranslated; and a target block
   that lingua, choosing between the two languages only, finds written in the
   source's (an English paragraph from elsewhere on the Dutch page) pairs with
   nothing. Names and numbers are not words here: a list of names is in no language.
2. Blocks. When both versions have the same structure (as many blocks, the same
   element kinds in the same order) and no anchor places a block's counterpart
   elsewhere, block i is judged with block i (method "blocks"). Otherwise (method
   "sentences") every pair sharing an anchor is judged, and of those that anchors
   confirm the heaviest chain in order on both sides is kept (a weighted longest
   increasing subsequence), so a paragraph moved, added or dropped drags no other
   pair along; a moved paragraph whose anchors prove where it went is still paired.
3. Forced pairs. A pair with no anchors on either side is offered only when its
   position is forced: it is the only block left between two confirmed pairs on both
   sides (blocks of a kind the other side of that gap has none of, say a Dutch
   sub-heading where the English has none, cannot pair and are set aside), or the two
   versions have the same structure and every other pair (at least one) is
   confirmed. The start and end of a page never force a pair: stored copies are cut
   off, and the last paragraph is where versions drift apart (the Blue Cluster's
   newsletter line). A forced pair must still fit by length and share some vocabulary
   (cognate Dice of FORCED_DICE counts fully), so a different paragraph in the same
   place is not offered.
4. Sentences. Inside each section of blocks that could not be paired whole (the runs
   between the pairs offered), blocks are split into sentences (pysbd) and aligned by
   length with Gale-Church (NLTK's align_blocks); each 1:1 sentence bead is judged by
   the same rules, the section's ends counting as confirmed where a block pair bounds
   them. A section longer than MAX_SENTENCE_CELLS (sentences x sentences) is left
   unaligned: nothing in so long a stretch was confirmed.

The score of a pair (0..1) is agreement x support x fit:

* agreement: the weight of the anchors both hold over the weight of the anchors either
  holds. An anchor weighs 1 (a name, a number above 99) or SMALL_NUMBER (a one- or
  two-digit number, often spelt out: 10-year -> tien jaar, 4 -> vier), divided by the
  number of units holding it on the side where it is most common (Catalisti in every
  paragraph says little). A small number the other page does not hold at all weighs
  ABSENT_SMALL_NUMBER against; a name the other page lacks weighs nothing (Antwerp ->
  Antwerpen, Flemish -> Vlaams).
* support: 1 - exp(-(anchor weight held in common + COGNATE_WEIGHT per cognate)).
  Cognates are lower-case words of COGNATE_LENGTH+ letters whose first four letters
  agree (Simard, Foster & Isabelle 1992: innovation/innovatie, strategic/strategische,
  crucial/cruciaal); shorter words are mostly function words (over, open, were).
* fit: Gale-Church's probability (NLTK's align_log_prob of a 1:1 bead) of two lengths
  that far apart, counting fully from LENGTH_FIT up.

A forced pair without anchors scores FORCED_CAP x fit x min(1, Dice / FORCED_DICE).

Never offered, whatever else: a heading paired with a non-heading, or a list item or
table cell with a paragraph; a pair where an anchor found once on each page lies in
only one of the two (its counterpart is provably elsewhere); a number above SPELT_OUT
on one side that the other page does not hold at all (17 new projects: a quote by
the same man from another year's release is not this one); a block of nothing but
names and numbers whose partner's names or numbers differ (Niko Fierens / Niko Fierens
Multi.engineering: the content differs, it is not a translation).

THRESHOLD is 0.6: one name found once on each page, in the right order, with lengths
that fit, is enough (support 0.63); a name in two paragraphs with one cognate (0.53) is
not, nor one small number with one cognate (0.53), nor a pair where over 40 % of the
anchor weight disagrees. A forced pair needs a cognate Dice of 0.15 at full fit.

Deterministic and pure (the only state is caches of pure functions), no network. Fast:
anchors propose pairs through an index and a Fenwick tree keeps the chain, so nothing
is quadratic in the page but Gale-Church inside a bounded section; 3,000 blocks a side
align in ~0.4 s. NLTK's Gale-Church module (without the rest of NLTK: see
pipeline/libraries.py), pysbd and lingua are imported on first use.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from pipeline import libraries

THRESHOLD = 0.6
UNTRANSLATED_SHARE = 0.5  # of the target's lower-case words found in the source
UNTRANSLATED_MIN_WORDS = 3  # fewer lower-case words than this in a block say nothing
PAGE_WORDS = 20  # nor fewer than this on a page
COGNATE_WEIGHT = 0.25
COGNATE_LENGTH = 5  # shorter words are mostly function words: over, open, were/wereld
FORCED_DICE = 0.2
FORCED_CAP = 0.8  # a pair forced by its place is never quite sure
LENGTH_FIT = 0.05
SMALL_NUMBER = 0.5  # weight of a 1- or 2-digit number
ABSENT_SMALL_NUMBER = 0.25  # against: a small number the other page lacks
SPELT_OUT = 12  # the largest number often written in words (twelve, twaalf)
MAX_POSTINGS = 8  # an anchor in more units than this proposes no pairs (still scored)
MAX_SENTENCE_CELLS = 900  # Gale-Church is O(n x m) in Python (~10 us a cell): 30 x 30

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
ITEMS = frozenset({"li", "dt", "dd", "td", "th"})

_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Block:
    text: str  # normalised text of one block
    kind: str  # "p", "h2", "h3", "li", "td", ... (the HTML element holding it)


@dataclass(frozen=True)
class Pair:
    source: int  # index into the source blocks
    target: int  # index into the target blocks
    score: float  # 0..1, how sure; only pairs at or above THRESHOLD are returned


@dataclass
class Alignment:
    pairs: list[Pair]  # block pairs offered, in source order
    sentences: list[tuple[str, str, float]]  # (source sentence, target sentence, score)
    # pairs found inside blocks that could not be paired whole, same rule
    method: str  # "blocks" or "sentences"
    unaligned_source: int  # source blocks with no pair
    unaligned_target: int  # target blocks with no pair


def align(source: list[Block], target: list[Block], source_lang: str,
          target_lang: str) -> Alignment:
    """The pairs of source and target blocks (and of sentences inside blocks that could
    not be paired whole) that the page's two versions prove, each scored."""
    same = [b.kind.lower() for b in source] == [b.kind.lower() for b in target]
    src = [_unit(block.text, block.kind) for block in source]
    tgt = [_unit(block.text, block.kind) for block in target]
    if _untranslated({w for u in src for w in u.words}, [w for u in tgt for w in u.words],
                     minimum=PAGE_WORDS):
        return Alignment([], [], "blocks" if same else "sentences", len(source), len(target))
    page = _Vocabulary(src, tgt, source_lang, target_lang)
    judge = _Judge(page, src, tgt)
    pairs = _diagonal(judge, len(src)) if same else None
    method = "blocks" if pairs is not None else "sentences"
    if pairs is None:
        pairs = _chained(judge, len(src), len(tgt))
        pairs = sorted(pairs + _forced_between(judge, pairs))
    sentences = []
    for section in _sections(pairs, len(src), len(tgt)):
        sentences += _sentence_pairs(page, src, tgt, section, source_lang, target_lang)
    offered = [Pair(s, t, round(score, 4)) for s, t, score in pairs]
    return Alignment(offered, sentences, method, len(source) - len(offered),
                     len(target) - len(offered))


def _group(kind: str) -> str:
    """What a block can pair with: a heading, a list item or table cell, other text."""
    kind = kind.lower()
    return "heading" if kind in HEADINGS else "item" if kind in ITEMS else "text"


# -- what a unit (a block or a sentence) holds ------------------------------------------

@dataclass(frozen=True)
class _Unit:
    text: str
    group: str
    length: int
    names: frozenset[str]  # words with a capital: Fevia, VLAIO, cSBRs, 24Sea
    runs: tuple[tuple[tuple[str, bool], ...], ...]  # names written together ("Flanders’
    # FOOD", "Jan Van Havenbergh"), each with whether it opens a sentence
    numbers: frozenset[str]  # digit runs without leading zeros: 1, 2018, 24
    words: tuple[str, ...]  # lower-case words, case-folded, accents removed
    cognates: tuple[str, ...]  # first 4 letters of each lower-case word of COGNATE_LENGTH+


_TOKEN = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\u2019'&.-]+")  # what may stand between the words of one name
_CLOSES = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*\s")  # between two sentences


@lru_cache(maxsize=65_536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _unit(text: str, kind: str, group: str | None = None) -> _Unit:
    letters = _LETTERS.findall(text)
    words = tuple(_fold(w) for w in letters if w.islower())
    runs, run, end = [], [], None
    for match in _TOKEN.finditer(text):
        token, gap = match.group(), text[end or 0:match.start()]
        if len(token) < 2 or token.isdigit() or token == token.lower():
            if run:
                runs.append(tuple(run))
            run = []
        else:
            if run and not _JOINER.fullmatch(gap):
                runs.append(tuple(run))
                run = []
            run.append((token, end is None or bool(_CLOSES.search(gap))))
        end = match.end()
    if run:
        runs.append(tuple(run))
    return _Unit(
        text=text, group=group or _group(kind), length=len(text),
        names=frozenset(token for run in runs for token, _ in run), runs=tuple(runs),
        numbers=frozenset(d.lstrip("0") or "0" for d in _DIGITS.findall(text)),
        words=words,
        cognates=tuple(w[:4] for w in words if len(w) >= COGNATE_LENGTH))


def _untranslated(known: set[str], words, minimum: int) -> bool:
    """Most of these lower-case words are known ones (the other language's): untranslated."""
    if len(words) < minimum:
        return False
    return sum(word in known for word in words) >= UNTRANSLATED_SHARE * len(words)


class _Vocabulary:
    """The anchors of a page pair: numbers both versions hold, and names both hold that
    neither writes in lower case (so "In", "De", "Open" opening a sentence are not names).

    A name written together with a name the other version does not hold, and that is no
    common word, is part of another name, and no anchor in that unit: "Flanders" in
    "Flanders’ FOOD" or "Flanders Innovation & Entrepreneurship" is not the "Flanders"
    of "in Flanders" (Dutch: "in Vlaanderen"), "Cluster" in "The Blue Cluster" not that
    of "De Blauwe Cluster". A word opening a sentence is not taken for part of a name
    ("Today Catalisti ..."), nor a common word ("Minister for Innovation Philippe
    Muyters", "Innovatie Philippe Muyters").
    """

    def __init__(self, src: list[_Unit], tgt: list[_Unit], source_lang: str, target_lang: str):
        self.languages = (_primary(source_lang), _primary(target_lang))
        self.lower = {w for u in src + tgt for w in u.words}
        names = set().union(*(u.names for u in src)) & set().union(*(u.names for u in tgt))
        self.names = frozenset(n for n in names if not self.common(n))
        self.numbers = (frozenset().union(*(u.numbers for u in src))
                        & frozenset().union(*(u.numbers for u in tgt)))
        self._anchors: dict[_Unit, frozenset[str]] = {}
        self._language: dict[str, str] = {}

    def common(self, name: str) -> bool:
        """A capitalised common word: written in lower case elsewhere on the pages ("In",
        "Minister"), unless in capitals ("FOOD" in Flanders' FOOD, "food" in prose)."""
        return not name.isupper() and _fold(name) in self.lower

    def anchors(self, unit: _Unit) -> frozenset[str]:
        """The unit's anchors: its shared names not within a longer name, its numbers."""
        found = self._anchors.get(unit)
        if found is None:
            names = set()
            for run in unit.runs:
                longer = any(not opens and token not in self.names and not self.common(token)
                             for token, opens in run)
                if not longer:
                    names.update(token for token, _ in run if token in self.names)
            found = self._anchors[unit] = frozenset(names) | unit.numbers
        return found

    def shared(self, anchor: str) -> bool:
        return anchor in self.numbers or anchor in self.names

    def names_only(self, unit: _Unit) -> bool:
        """Nothing but names and numbers ("Patrick Bruggemans IMDC", "Jos Smits (vz)"); a
        capitalised word opening it that the other version lacks is a word, not a name
        ("Plaatsvervangers:")."""
        if any(len(w) >= 3 for w in unit.words) or not (unit.names or unit.numbers):
            return False
        return all(not opens or token in self.names for run in unit.runs for token, opens in run)

    def misplaced(self, unit: _Unit) -> bool:
        """The target unit is written in the source's language: an English paragraph
        left on the Dutch page (one the English page holds too is caught before, by its
        words: see _untranslated). lingua judges its words less the names both versions
        share and words in capitals ("Annie Renders" looks Dutch, "Port of Antwerp-
        Bruges" English), choosing between the two languages only, in its low-accuracy
        mode (~70 us a text); with fewer than two such words there is no telling."""
        if self.names_only(unit):
            return False  # "Gert De Sitter 24Sea": names are in no language
        words = [w for w in _TOKEN.findall(unit.text)
                 if w not in self.names and not w.isupper() and not w.isdigit()]
        if len(words) < 2:
            return False
        text = " ".join(words)
        found = self._language.get(text)
        if found is None:
            detector = _detector(*self.languages)
            language = detector.detect_language_of(text) if detector else None
            found = self._language[text] = language.iso_code_639_1.name.lower() if language else ""
        return found == self.languages[0]


def _primary(tag: str) -> str:
    """The primary language subtag, lower case: 'nl-BE' -> 'nl'."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


@cache
def _detector(source_lang: str, target_lang: str):
    """A lingua detector choosing between the two languages, or None when lingua does
    not know one of them (or they are the same)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, lang.upper(), None) for lang in (source_lang, target_lang)]
    if None in codes or source_lang == target_lang:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def _number(anchor: str) -> bool:
    return anchor.isdigit()


def _base(anchor: str) -> float:
    return SMALL_NUMBER if _number(anchor) and len(anchor) <= 2 else 1.0


# -- judging one pair -------------------------------------------------------------------

@dataclass(frozen=True)
class _Evidence:
    score: float  # 0 when never to be offered
    anchored: bool  # an anchor on either side
    against: bool  # some anchor weight disagrees
    forced_score: float  # the score as a forced pair (0 when it may not be forced)
    conflict: bool = False  # an anchor found once on each page lies in only one of them


class _Judge:
    """Scores pairs of units of two sequences (blocks of a page, or sentences of a
    section) against the page's anchors, counting how many units of each sequence hold
    each anchor."""

    def __init__(self, page: _Vocabulary, src: list[_Unit], tgt: list[_Unit]):
        self.page, self.src, self.tgt = page, src, tgt
        self.src_anchors = [page.anchors(u) for u in src]
        self.tgt_anchors = [page.anchors(u) for u in tgt]
        self.src_postings: dict[str, list[int]] = defaultdict(list)
        self.tgt_postings: dict[str, list[int]] = defaultdict(list)
        for i, anchors in enumerate(self.src_anchors):
            for anchor in anchors:
                self.src_postings[anchor].append(i)
        for j, anchors in enumerate(self.tgt_anchors):
            for anchor in anchors:
                self.tgt_postings[anchor].append(j)
        self._cache: dict[tuple[int, int], _Evidence] = {}

    def shared(self, anchor: str) -> bool:
        return self.page.shared(anchor)

    def weight(self, anchor: str) -> float:
        """How much holding this anchor in common says: less when many units hold it."""
        held = max(len(self.src_postings.get(anchor, ())), len(self.tgt_postings.get(anchor, ())))
        return _base(anchor) / max(held, 1)

    def unique(self, anchor: str) -> bool:
        return (len(self.src_postings.get(anchor, ())) == 1
                and len(self.tgt_postings.get(anchor, ())) == 1)

    def evidence(self, i: int, j: int) -> _Evidence:
        found = self._cache.get((i, j))
        if found is None:
            found = self._cache[i, j] = self._evidence(i, j)
        return found

    def _evidence(self, i: int, j: int) -> _Evidence:
        s, t = self.src[i], self.tgt[j]
        a, b = self.src_anchors[i], self.tgt_anchors[j]
        never = _Evidence(0.0, bool(a or b), True, 0.0)
        if any(self.shared(x) and self.unique(x) for x in a ^ b):
            return _Evidence(0.0, True, True, 0.0, conflict=True)
        if s.group != t.group or _untranslated(set(s.words), t.words, UNTRANSLATED_MIN_WORDS):
            return never
        if ((self.page.names_only(s) or self.page.names_only(t))
                and (s.names != t.names or s.numbers != t.numbers)):
            return never
        agree = sum(self.weight(x) for x in a & b)
        against = 0.0
        for x in a ^ b:
            if self.shared(x):
                against += self.weight(x)
            elif _number(x):  # a number the other page does not hold at all
                if int(x) > SPELT_OUT:
                    return never  # 17, 2018, 4.7 (EUR 4.7 million -> EUR 4,7 miljoen)
                against += ABSENT_SMALL_NUMBER  # "10-year" -> "tien jaar"
        common = sum((Counter(s.cognates) & Counter(t.cognates)).values())
        fit = min(1.0, _length_probability(s.length, t.length) / LENGTH_FIT)
        agreement = agree / (agree + against) if agree + against else 1.0
        support = 1.0 - math.exp(-(agree + COGNATE_WEIGHT * common))
        score = agreement * support * fit
        forced = 0.0
        if not against:
            total = len(s.cognates) + len(t.cognates)
            dice = 2 * common / total if total else 0.0
            forced = max(score, FORCED_CAP * fit * min(1.0, dice / FORCED_DICE))
        if max(score, forced) >= THRESHOLD and self.page.misplaced(t):
            return never  # last: lingua is the dearest test
        return _Evidence(score, bool(a or b), against > 0, forced)

    def confirmed(self, i: int, j: int) -> float | None:
        """The pair's score when its anchors confirm it, else None."""
        found = self.evidence(i, j)
        return found.score if found.anchored and found.score >= THRESHOLD else None

    def forced(self, i: int, j: int) -> float | None:
        """The pair's score when its position is forced, else None."""
        found = self.evidence(i, j)
        return found.forced_score if found.forced_score >= THRESHOLD else None


def _gale_church():
    return libraries.module("nltk.translate.gale_church")  # only when first aligning


def _length_probability(source: int, target: int) -> float:
    """Gale-Church's probability that lengths this far apart translate each other
    (two-tailed: 1.0 when equal), from NLTK's cost of a 1:1 bead."""
    gale_church = _gale_church()
    params = gale_church.LanguageIndependent
    cost = gale_church.align_log_prob(1, 1, [source], [target], (1, 1), params)
    return min(1.0, math.exp(-cost) / params.PRIORS[(1, 1)])


# -- choosing pairs ---------------------------------------------------------------------

def _diagonal(judge: _Judge, n: int) -> list[tuple[int, int, float]] | None:
    """Block i with block i, for versions of the same structure; None when an anchor
    says some block's counterpart is elsewhere (then the structure only looks the same)."""
    if any(judge.evidence(i, i).conflict for i in range(n)):
        return None
    confirmed = {i: judge.confirmed(i, i) for i in range(n)}
    pairs = []
    for i in range(n):
        if confirmed[i] is not None:
            pairs.append((i, i, confirmed[i]))
            continue
        between = 0 < i < n - 1 and confirmed[i - 1] is not None and confirmed[i + 1] is not None
        rest = n > 1 and all(confirmed[k] is not None for k in range(n) if k != i)
        score = judge.forced(i, i) if between or rest else None
        if score is not None:
            pairs.append((i, i, score))
    return pairs


def _chained(judge: _Judge, n: int, m: int) -> list[tuple[int, int, float]]:
    """The heaviest chain of confirmed pairs in order on both sides."""
    candidates = []
    for i in range(n):
        seen = set()
        for anchor in judge.src_anchors[i]:
            postings = judge.tgt_postings.get(anchor, ())
            if len(postings) > MAX_POSTINGS or len(judge.src_postings[anchor]) > MAX_POSTINGS:
                continue
            for j in postings:
                if j not in seen:
                    seen.add(j)
                    score = judge.confirmed(i, j)
                    if score is not None:
                        candidates.append((i, j, score))
    return _heaviest_chain(candidates, m)


def _heaviest_chain(candidates: list[tuple[int, int, float]], m: int):
    """Weighted longest increasing subsequence, strictly increasing in both indices, in
    O(k log m) with a Fenwick tree of prefix maxima; ties keep the earlier pair."""
    tree: list[tuple[float, int]] = [(0.0, -1)] * (m + 1)

    def best(upto: int) -> tuple[float, int]:  # max over target indices < upto
        found = (0.0, -1)
        while upto > 0:
            if tree[upto][0] > found[0]:
                found = tree[upto]
            upto -= upto & -upto
        return found

    def put(j: int, value: tuple[float, int]) -> None:
        j += 1
        while j <= m:
            if value[0] > tree[j][0]:
                tree[j] = value
            j += j & -j

    candidates = sorted(candidates, key=lambda c: (c[0], c[1]))
    back: list[int] = []
    totals: list[float] = []
    k = 0
    while k < len(candidates):  # all pairs of one source unit first read, then written
        end = k
        while end < len(candidates) and candidates[end][0] == candidates[k][0]:
            end += 1
        found = [best(candidates[x][1]) for x in range(k, end)]
        for x in range(k, end):
            total, previous = found[x - k]
            totals.append(total + candidates[x][2])
            back.append(previous)
        for x in range(k, end):
            put(candidates[x][1], (totals[x], x))
        k = end
    if not candidates:
        return []
    x = max(range(len(candidates)), key=lambda y: (totals[y], -y))
    chain = []
    while x != -1:
        chain.append(candidates[x])
        x = back[x]
    return chain[::-1]


def _forced_between(judge: _Judge, pairs) -> list[tuple[int, int, float]]:
    """The pair left alone between two confirmed pairs, when it fits."""
    forced = []
    for (s1, t1, _), (s2, t2, _) in pairwise(pairs):
        gap_s, gap_t = list(range(s1 + 1, s2)), list(range(t1 + 1, t2))
        kinds_s = {judge.src[i].group for i in gap_s}
        kinds_t = {judge.tgt[j].group for j in gap_t}
        gap_s = [i for i in gap_s if judge.src[i].group in kinds_t]
        gap_t = [j for j in gap_t if judge.tgt[j].group in kinds_s]
        if len(gap_s) == 1 and len(gap_t) == 1:
            score = judge.forced(gap_s[0], gap_t[0])
            if score is not None:
                forced.append((gap_s[0], gap_t[0], score))
    return forced


# -- sentences --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Section:
    source: range
    target: range
    bounded_start: bool  # a block pair ends right before it
    bounded_end: bool  # a block pair starts right after it


def _sections(pairs, n: int, m: int) -> list[_Section]:
    """The runs of blocks between the pairs offered (and before the first, after the last)."""
    sections = []
    previous = (-1, -1)
    for s, t, _ in [*pairs, (n, m, 0.0)]:
        source, target = range(previous[0] + 1, s), range(previous[1] + 1, t)
        if source and target:
            sections.append(_Section(source, target, previous != (-1, -1), (s, t) != (n, m)))
        previous = (s, t)
    return sections


@cache
def _segmenter(lang: str):
    import pysbd
    from pysbd.languages import LANGUAGE_CODES

    return pysbd.Segmenter(language=lang if lang in LANGUAGE_CODES else "en", clean=False)


_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+\S")


@lru_cache(maxsize=4096)
def _split(text: str, lang: str) -> tuple[str, ...]:
    """The sentences of text (pysbd, ~3 ms a paragraph, so remembered); a text with no
    sentence end inside is one."""
    if not _SENTENCE_END.search(text):
        return (text,)
    pieces = _segmenter(_primary(lang)).segment(text)
    return tuple(piece.strip() for piece in pieces if piece.strip()) or (text,)


def _sentence_count(units: list[_Unit]) -> int:
    """About the number of sentences pysbd would find in units, without running it."""
    return sum(1 + len(_SENTENCE_END.findall(u.text)) for u in units)


def _sentences(units: list[_Unit], lang: str) -> list[list[_Unit]]:
    """The sentences of each block, as units of the block's group."""
    return [[_unit(piece, "", u.group) for piece in _split(u.text, lang)] for u in units]


def _sentence_pairs(page: _Vocabulary, source: list[_Unit], target: list[_Unit],
                    section: _Section, source_lang: str, target_lang: str):
    """Sentence pairs inside one section: Gale-Church's 1:1 beads that anchors confirm,
    or whose place between confirmed sentence pairs (or block pairs) forces them."""
    src_blocks = [source[i] for i in section.source if source[i].text]
    tgt_blocks = [target[j] for j in section.target if target[j].text]
    kinds_s, kinds_t = {u.group for u in src_blocks}, {u.group for u in tgt_blocks}
    src_blocks = [u for u in src_blocks if u.group in kinds_t]
    tgt_blocks = [u for u in tgt_blocks if u.group in kinds_s]
    if not src_blocks or not tgt_blocks:
        return []
    if _sentence_count(src_blocks) * _sentence_count(tgt_blocks) > MAX_SENTENCE_CELLS:
        return []  # too long a stretch with nothing confirmed to align safely, or fast
    common = (set().union(*(page.anchors(u) for u in src_blocks))
              & set().union(*(page.anchors(u) for u in tgt_blocks)))
    if not common and not (section.bounded_start and section.bounded_end):
        return []  # nothing could confirm a sentence pair, nor force one: spare pysbd
    src_split = _sentences(src_blocks, source_lang)
    tgt_split = _sentences(tgt_blocks, target_lang)
    if all(len(units) == 1 for units in src_split + tgt_split):
        return []  # every block is one sentence: each was judged whole already
    src = [u for units in src_split for u in units]
    tgt = [u for units in tgt_split for u in units]
    if len(src) * len(tgt) > MAX_SENTENCE_CELLS:
        return []
    links = _gale_church().align_blocks([u.length for u in src], [u.length for u in tgt])
    of_source = Counter(i for i, _ in links)
    of_target = Counter(j for _, j in links)
    beads = [(i, j) for i, j in links if of_source[i] == 1 and of_target[j] == 1]
    judge = _Judge(page, src, tgt)
    confirmed = {(i, j): judge.confirmed(i, j) for i, j in beads}
    confirmed = {pair: score for pair, score in confirmed.items() if score is not None}

    def bound(i: int, j: int) -> bool:
        if i == -1 and j == -1:
            return section.bounded_start
        if i == len(src) and j == len(tgt):
            return section.bounded_end
        return (i, j) in confirmed

    found = []
    for i, j in beads:
        score = confirmed.get((i, j))
        if score is None and bound(i - 1, j - 1) and bound(i + 1, j + 1):
            score = judge.forced(i, j)
        if score is not None:
            found.append((src[i].text, tgt[j].text, round(score, 4)))
    return found
