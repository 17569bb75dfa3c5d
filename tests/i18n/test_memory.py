"""The translation memory: its TMX files (translate-toolkit as the outside reader) and the
matcher (a brute-force rapidfuzz search as the outside judge of the fuzzy index)."""

import math
import random
import re
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from translate.storage.tmx import tmxfile

from pipeline.errors import RunFailed
from pipeline.i18n import matching
from pipeline.i18n.matching import Index, Match, words
from pipeline.i18n.memory import Unit, dump_tmx, merged, read_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def unit(source: str, target: str = "doel", context: str | None = None, *,
         seen: str = "2026-03-01", origin: str = "https://www.flandersfood.com/nl/",
         source_lang: str = "en", target_lang: str = "nl") -> Unit:
    return Unit(source, target, source_lang, target_lang, origin, context, seen)


UNITS = [
    unit("About us", "Over ons", "organisation/flanders-food/about/2"),
    unit("About us", "À propos", "organisation/flanders-food/about/2", target_lang="fr",
         origin="https://www.flandersfood.com/fr/"),
    unit("R&D <for> \"everyone\" & 'more'", "O&O <voor> \"iedereen\" & 'meer'",
         origin="agency-2025.tmx", seen="2025-11-30"),
    unit("Innovation cluster for the agri-food industry", "Innovatiecluster voor de "
         "agrovoedingsindustrie", "organisation/flanders-food/tagline/1"),
    unit("Zero-emission ports → 2050 ✓", "Emissievrije havens → 2050 ✓", None,
         origin="agency-2025.tmx"),
]


def written(tmp_path: Path, data: bytes | str, name: str = "memory.tmx") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------- TMX: our own files


def test_translate_toolkit_reads_back_every_unit():
    data = dump_tmx(UNITS)
    store = tmxfile(BytesIO(data))
    read = set()
    for tt_unit in store.units:
        languages = [node.get(XML_LANG) for node in tt_unit.getlanguageNodes()]
        read.add((tt_unit.source, tt_unit.target, *languages, tt_unit.getcontext() or None))
    assert read == {(u.source, u.target, u.source_lang, u.target_lang, u.context)
                    for u in UNITS}
    assert store.sourcelanguage == "en"


def test_our_files_read_back_byte_for_byte(tmp_path):
    data = dump_tmx(UNITS)
    units = read_tmx(written(tmp_path, data))
    assert sorted(units, key=repr) == sorted(UNITS, key=repr)  # origin, context, seen kept
    assert dump_tmx(units) == data
    shuffled = UNITS[:]
    random.Random(1).shuffle(shuffled)
    assert dump_tmx(shuffled) == data  # sorted: the order units come in changes nothing


def test_the_file_says_speerpunt_and_its_dates_come_from_seen():
    text = dump_tmx(UNITS).decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    assert re.search(r'<header creationtool="speerpunt" creationtoolversion="1" '
                     r'segtype="paragraph" o-tmf="speerpunt" adminlang="en" srclang="en" '
                     r'datatype="plaintext" creationdate="20260301T000000Z"/>', text)
    assert text.count('<tu creationdate="20251130T000000Z">') == 1
    assert '<prop type="x-context">organisation/flanders-food/about/2</prop>' in text
    assert '<prop type="x-origin">agency-2025.tmx</prop>' in text
    assert dump_tmx([]) == dump_tmx([])
    assert "<body/>" in dump_tmx([]).decode()


def test_a_unit_seen_twice_is_kept_once_with_its_latest_date(tmp_path):
    old = unit("About us", "Over ons", seen="2025-01-01", origin="https://a.example/nl/")
    new = unit("About us", "Over ons", seen="2026-02-01", origin="https://b.example/nl/")
    same_day = unit("About us", "Over ons", seen="2026-02-01", origin="https://a.example/nl/")
    assert merged([old, new]) == merged([new, old]) == [new]
    assert merged([new, same_day]) == merged([same_day, new]) == [same_day]  # first origin
    other_context = unit("About us", "Over ons", "page/about/1", seen="2025-01-01")
    assert len(merged([old, new, other_context])) == 2
    data = dump_tmx([old, new, old])
    assert dump_tmx(read_tmx(written(tmp_path, data)) + [old]) == data  # a re-run: same bytes


def test_several_source_languages_in_one_file(tmp_path):
    units = [unit("Over ons", "About us", source_lang="nl", target_lang="en"), UNITS[0]]
    data = dump_tmx(units)
    assert b'srclang="*all*"' in data and b'<tu creationdate="20260301T000000Z" srclang="nl">' \
        in data
    assert sorted(read_tmx(written(tmp_path, data)), key=repr) == sorted(units, key=repr)
    store = tmxfile(BytesIO(data))
    assert {(u.source, u.target) for u in store.units} == {("Over ons", "About us"),
                                                          ("About us", "Over ons")}


@pytest.mark.parametrize("bad", [
    unit(" About us"), unit("About  us"), unit(""), unit("About us", ""),
    unit("About us", context=""), unit("About us", seen="2026-3-1"),
    unit("About us", seen="2026-02-30"), unit("About us", target_lang="nl-BE"),
    unit("About us", target_lang="en"), unit("About us", origin=""),
])
def test_a_unit_that_cannot_be_written_faithfully_is_refused(bad):
    with pytest.raises(ValueError):
        dump_tmx([bad])


# ---------------------------------------------------------------- TMX: an agency's file

AGENCY = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-GB" srclang="en-GB"
          creationdate="20250314T091500Z" creationid="AGENCY\\translator">
    <prop type="x-Recognizers">RecognizeAll</prop>
  </header>
  <body>
    <tu creationdate="20250314T101112Z" creationid="AGENCY\\jan" changedate="20250320T080000Z">
      <prop type="x-Context">1234567890, 987654321</prop>
      <prop type="x-ConfirmationLevel">ApprovedSignOff</prop>
      <note>Checked by the client</note>
      <tuv xml:lang="en-GB">
        <seg>Join <bpt i="1" type="bold" x="1">&lt;b&gt;</bpt>Flanders'
          Food<ept i="1">&lt;/b&gt;</ept> &amp; grow<ph x="2">&lt;br/&gt;</ph></seg>
      </tuv>
      <tuv xml:lang="nl-BE" changedate="20250321T120000Z">
        <seg>Word lid van <bpt i="1" type="bold" x="1">&lt;b&gt;</bpt>Flanders'
          Food<ept i="1">&lt;/b&gt;</ept> &amp; groei<ph x="2">&lt;br/&gt;</ph></seg>
      </tuv>
      <tuv xml:lang="fr-FR">
        <seg>Rejoignez <hi type="bold">Flanders' Food</hi> et grandissez</seg>
      </tuv>
    </tu>
    <tu>
      <tuv xml:lang="EN-GB"><seg>Contact</seg></tuv>
      <tuv lang="NL-NL"><seg>Contact</seg></tuv>
    </tu>
    <tu srclang="nl-BE">
      <tuv xml:lang="en-US"><seg>Annual report 2024</seg></tuv>
      <tuv xml:lang="nl-BE"><seg>Jaarverslag&#160;2024</seg></tuv>
    </tu>
    <tu creationdate="20250101T000000Z">
      <tuv xml:lang="en-GB"><seg>Not yet translated</seg></tuv>
      <tuv xml:lang="nl-BE"><seg/></tuv>
    </tu>
  </body>
</tmx>
"""


def agency_units(name: str) -> list[Unit]:
    return [
        Unit("Join Flanders' Food & grow", "Word lid van Flanders' Food & groei", "en", "nl",
             name, None, "2025-03-21"),
        Unit("Join Flanders' Food & grow", "Rejoignez Flanders' Food et grandissez", "en",
             "fr", name, None, "2025-03-20"),
        Unit("Contact", "Contact", "en", "nl", name, None, "2025-03-14"),
        Unit("Jaarverslag 2024", "Annual report 2024", "nl", "en", name, None, "2025-03-14"),
    ]


def test_an_agency_file_is_read_plain_text_in_primary_languages(tmp_path):
    """Inline codes (<bpt>, <ept>, <ph>) hold the original's markup and are dropped, the
    text around them kept; <hi> is kept as its text; spaces normalised as the catalogs'
    (a no-break space included); Trados's own x-Context (hashes) is not our context; the
    date is the target's changedate, else the <tu>'s, else the header's; a <tu> without
    a translation gives nothing; the DOCTYPE's DTD is named, never loaded."""
    path = written(tmp_path, AGENCY, "flanders-food-2025.tmx")
    assert read_tmx(path) == agency_units("flanders-food-2025.tmx")


def test_a_utf16_agency_file_reads_the_same(tmp_path):
    data = AGENCY.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read_tmx(written(tmp_path, data, "a.tmx")) == agency_units("a.tmx")


def test_an_agency_file_goes_into_ours():
    units = agency_units("flanders-food-2025.tmx")
    store = tmxfile(BytesIO(dump_tmx(units)))
    assert len(store.units) == 4


# ---------------------------------------------------------------- TMX: broken files

GOOD_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n' \
            '<header creationtool="x" srclang="en"/>\n<body>\n'
GOOD_TU = '<tu><tuv xml:lang="en"><seg>About us</seg></tuv>' \
          '<tuv xml:lang="nl"><seg>Over ons</seg></tuv></tu>\n'

BROKEN = {
    "not XML": ("Translation memory: About us = Over ons\n", 1, "not well-formed XML"),
    "empty": ("", 1, "not well-formed XML"),
    "truncated": (GOOD_HEAD + GOOD_TU + GOOD_TU[:40], 6, "not well-formed XML"),
    "no source tuv": (GOOD_HEAD + GOOD_TU + '<tu>\n<tuv xml:lang="nl"><seg>Over ons</seg>'
                      '</tuv></tu>\n</body></tmx>', 6, "no <tuv> in its source language en"),
    "unknown version": ('<?xml version="1.0"?>\n\n<tmx version="2.0">\n<header srclang="en"/>'
                        '<body/></tmx>', 3, "unknown TMX version '2.0'"),
    "no version": ('<tmx>\n<header srclang="en"/><body/></tmx>', 1, "<tmx> has no version"),
    "not TMX": ('<?xml version="1.0"?>\n<xliff version="1.2"><body><tu/></body></xliff>', 2,
                "not a TMX file: the root element is <xliff>"),
    "no srclang": ('<tmx version="1.4">\n<header/>\n<body>' + GOOD_TU + '</body></tmx>', 2,
                   "<header> has no srclang"),
    "all": ('<tmx version="1.4"><header srclang="*all*"/>\n<body>\n' + GOOD_TU + '</body></tmx>',
            3, "srclang is *all*"),
    "no lang": (GOOD_HEAD + '<tu>\n<tuv><seg>About us</seg></tuv></tu></body></tmx>', 6,
                "<tuv> has no xml:lang"),
    "no seg": (GOOD_HEAD + '<tu><tuv xml:lang="en">\n<tuv/></tuv></tu></body></tmx>', 5,
               "<tuv> has no <seg>"),
    "bad date": (GOOD_HEAD + GOOD_TU.replace("<tu>", '<tu\ncreationdate="yesterday">')
                 + "</body></tmx>", 6, "creationdate 'yesterday' is not a date"),
    "bad markup": (GOOD_HEAD + '<tu><tuv xml:lang="en"><seg>About <b>us</b></seg></tuv>'
                   '</tu></body></tmx>', 5, "<b> is not TMX inline markup"),
    "undeclared entity": (GOOD_HEAD + GOOD_TU.replace("Over ons", "Over&nbsp;ons")
                          + '</body></tmx>', 5, "Entity 'nbsp' not defined"),
    "no body": ('<tmx version="1.4">\n<header srclang="en"/></tmx>', 1, "<tmx> has no <body>"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_is_refused_in_one_line_naming_file_and_line(tmp_path, name):
    text, line, why = BROKEN[name]
    path = written(tmp_path, text)
    with pytest.raises(RunFailed) as refused:
        read_tmx(path)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert why in message


@pytest.mark.parametrize("declaration, reference", [
    ('<!ENTITY secret SYSTEM "file://{secret}">', "&secret;"),  # XXE: a local file
    ('<!ENTITY secret SYSTEM "http://127.0.0.1:9/secret">', "&secret;"),  # over the network
    ('<!ENTITY % remote SYSTEM "file://{secret}">\n%remote;', ""),  # a parameter entity
    ('<!ENTITY secret SYSTEM "file://{secret}">', ""),  # declared, never used: refused too
    ('<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">', "&c;"),  # entity expansion
])
def test_a_doctype_declaring_entities_is_refused_and_never_resolved(tmp_path, declaration,
                                                                    reference):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n\n<!DOCTYPE tmx [\n'
            + declaration.format(secret=secret) + "\n]>\n" + GOOD_HEAD.split("\n", 1)[1]
            + GOOD_TU.replace("Over ons", f"Over ons {reference}") + "</body></tmx>\n")
    path = written(tmp_path, text)
    with pytest.raises(RunFailed) as refused:
        read_tmx(path)
    message = str(refused.value)
    assert message.startswith(f"{path}:3: the DOCTYPE declares entities ")
    assert "never resolved" in message and "TOP-SECRET" not in message and "\n" not in message


def test_an_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(RunFailed, match=r"^.*missing\.tmx: cannot read the translation memory"):
        read_tmx(tmp_path / "missing.tmx")


# ---------------------------------------------------------------- the matcher

SOURCE = "Flanders Food connects the agri-food companies of Flanders with research."
EDITED = "Flanders Food connects the agri-food companies of Flanders with universities."


def test_each_tier():
    own = unit(SOURCE, "eigen", "organisation/flanders-food/about/2")
    elsewhere = unit(SOURCE, "elders", "organisation/flanders-food/home/1")
    index = Index([own, elsewhere], "en", "nl")
    assert index.best(SOURCE, "organisation/flanders-food/about/2") == Match(own, 100,
                                                                            "context")
    assert index.best(EDITED, "organisation/flanders-food/about/2") == Match(own, 92, "context")
    assert index.best(SOURCE, "organisation/other/about/2") == Match(own, 100, "exact")
    assert index.best(EDITED, None) == Match(own, 92, "fuzzy")  # 2·12 / (13 + 13) = 92.3
    assert index.best("Something else entirely, about ports.", None) is None


def test_a_context_match_beats_an_exact_match_elsewhere():
    """The site's own version of this field, even for text that changed since, comes
    before the very same text translated for another field."""
    own = unit(EDITED, "eigen", "organisation/flanders-food/about/2", seen="2025-01-01")
    elsewhere = unit(SOURCE, "elders", "organisation/flanders-food/home/1")
    agency = unit(SOURCE, "bureau", None, origin="agency.tmx", seen="2026-06-01")
    index = Index([agency, elsewhere, own], "en", "nl")
    assert index.best(SOURCE, "organisation/flanders-food/about/2") == Match(own, 92,
                                                                            "context")
    assert index.best(SOURCE, None) == Match(agency, 100, "exact")  # seen last


def test_a_context_match_is_returned_however_far_the_text_moved():
    own = unit("Our members", "Onze leden", "organisation/x/menu/3")
    match = Index([own], "en", "nl").best("Contact the team of Flanders Food",
                                          "organisation/x/menu/3")
    assert match == Match(own, 0, "context")


def test_of_a_field_seen_in_several_versions_the_same_text_first_then_the_closest():
    context = "organisation/flanders-food/about/2"
    versions = [unit(SOURCE, "v1", context, seen="2024-01-01"),
                unit(EDITED, "v2", context, seen="2026-01-01"),
                unit("Flanders Food.", "v3", context, seen="2026-06-01")]
    index = Index(versions, "en", "nl")
    assert index.best(SOURCE, context).unit.target == "v1"
    assert index.best(EDITED + " Now", context).unit.target == "v2"


def test_below_75_is_no_match():
    memory = [unit("one two three four")]
    index = Index(memory, "en", "nl")
    assert index.best("one two three four five", None).score == 88  # 2·4/9
    assert index.best("one two three five six", None) is None  # 2·3/9 = 66.7
    assert index.best("one two three x y z", None) is None  # 2·3/10 = 60
    assert index.best("one two three", None).score == 85  # 2·3/7
    assert index.best("one two five six", None) is None  # 2·2/8 = 50
    assert Index([unit("one two three x")], "en", "nl").best("one two three y", None).score \
        == 75  # exactly 75 is a match


def test_the_score_is_100_only_for_the_very_same_text():
    index = Index([unit("Innovation, growth and export")], "en", "nl")
    assert index.best("Innovation , growth and export", None).score == 99
    assert index.best("Innovation, growth and export", None).score == 100


def test_only_the_language_pair_is_searched():
    french = unit(SOURCE, "français", target_lang="fr")
    dutch_source = unit(SOURCE, "English", source_lang="nl", target_lang="en")
    index = Index([french, dutch_source], "en", "nl")
    assert len(index) == 0 and index.best(SOURCE, None) is None
    assert Index([french, dutch_source], "en", "fr").best(SOURCE, None).unit == french


def test_ties_are_broken_the_same_way_whatever_the_order_of_the_units():
    """Equal scores: the unit seen last, then the first source, context, target and
    origin in code-point order."""
    a = unit("one two three four five six seven", "a", seen="2026-01-01")
    b = unit("one two three four five six eight", "b", seen="2026-02-01")
    c = unit("one two three four five six nine", "c", seen="2026-02-01")
    d = unit("one two three four five six eight", "d", "page/x/1", seen="2026-02-01")
    e = unit("one two three four five six eight", "a", "page/x/1", seen="2026-02-01")
    f = unit("one two three four five six eight", "a", "page/x/1", seen="2026-02-01",
             origin="https://a.example/")
    units = [a, b, c, d, e, f]
    for seed in range(10):
        random.Random(seed).shuffle(units)
        index = Index(units, "en", "nl")
        assert index.best("one two three four five six ten", None) == Match(b, 85, "fuzzy")
        assert index.best("one two three four five six eight", None) == Match(b, 100, "exact")
        assert index.best("one two three four five six eight", "page/x/1") == Match(
            f, 100, "context")


# ---------------------------------------------------------------- the fuzzy index, judged

_VOCABULARY = ["the", "cluster", "food", "ports", "and", "of", "Flanders", "."]
_WORDS = st.sampled_from(_VOCABULARY)
_TEXT = st.lists(_WORDS, min_size=1, max_size=14).map(" ".join)


@st.composite
def memory_and_message(draw) -> tuple[list[str], str]:
    """A memory, and a message: most often one of its texts with a few words inserted,
    deleted or replaced (near matches, on both sides of 75), else any text."""
    memory = draw(st.lists(_TEXT, min_size=1, max_size=40))
    if draw(st.integers(0, 4)) == 0:
        return memory, draw(_TEXT)
    message = draw(st.sampled_from(memory)).split()
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(message)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        if edit == "insert" or not message:
            message.insert(at, draw(_WORDS))
        elif edit == "delete" and len(message) > 1:
            del message[min(at, len(message) - 1)]
        else:
            message[min(at, len(message) - 1)] = draw(_WORDS)
    return memory, " ".join(message)


def brute_force(source: str, sources: list[str]) -> float | None:
    found = process.extractOne(words(source), [words(s) for s in sources], scorer=fuzz.ratio,
                               score_cutoff=matching.CUTOFF)
    return None if found is None else found[1]


@pytest.mark.parametrize("long_postings, small", [
    (matching.LONG_POSTINGS, 0), (1, 0), (3, 0),  # the index (SMALL 0: every memory indexed)
    (matching.LONG_POSTINGS, matching.SMALL)])  # a small memory compared whole, unindexed
@settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=memory_and_message())
def test_the_fuzzy_index_finds_the_best_score_of_a_search_through_every_unit(
        monkeypatch, long_postings, small, case):
    """With LONG_POSTINGS lowered, posting lists are left unread as often as allowed."""
    memory, source = case
    monkeypatch.setattr(matching, "LONG_POSTINGS", long_postings)
    monkeypatch.setattr(matching, "SMALL", small)
    index = Index([unit(text) for text in memory], "en", "nl")
    match = index.best(source, None)
    best = brute_force(source, memory)
    if best is None:
        assert match is None
        return
    assert match is not None
    assert match.tier == ("exact" if source in memory else "fuzzy")
    expected = 100 if source in memory else min(99, math.floor(best + 1e-9))
    assert match.score == expected
    found = fuzz.ratio(words(source), words(match.unit.source))
    assert math.isclose(found, best)  # the unit returned is one of the best
    better = [text for text in memory if math.isclose(fuzz.ratio(words(source), words(text)),
                                                      best)]
    assert match.unit.source == min(better)  # all seen the same day: first in code points


@settings(max_examples=100, deadline=None)
@given(case=memory_and_message(), seed=st.integers(0, 1000))
def test_the_order_of_the_units_changes_no_answer(case, seed):
    memory, source = case
    units = [unit(text, f"t{i}", seen=f"2026-01-{1 + i % 3:02d}") for i, text in
             enumerate(memory)]
    shuffled = units[:]
    random.Random(seed).shuffle(shuffled)
    assert Index(units, "en", "nl").best(source, None) == \
        Index(shuffled, "en", "nl").best(source, None)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memory=st.lists(st.tuples(_TEXT, st.sampled_from([None, "page/a/1", "page/b/2"])),
                       min_size=1, max_size=30),
       messages=st.lists(st.tuples(_TEXT, st.sampled_from([None, "page/a/1", "page/c/3"])),
                         max_size=40),
       batch=st.integers(1, 8))
def test_best_all_answers_as_best_does_one_by_one(monkeypatch, memory, messages, batch):
    monkeypatch.setattr(matching, "BATCH", batch)
    monkeypatch.setattr(matching, "SMALL", 0)  # indexed, so batches are searched together
    index = Index([unit(text, f"t{i}", context) for i, (text, context) in enumerate(memory)],
                  "en", "nl")
    assert index.best_all(messages) == [index.best(*message) for message in messages]
