"""The PO reader's and writer's fast paths change nothing but the time taken.

The reader takes a common message whole in one regex match (po._COMMON) and hands every
other line to the line-by-line path; with that match turned off, and at any block size,
every file reads the same: the same entries with the same line numbers, or the same
refusal in the same words at the same line and column. The writer writes a message whose
strings need no escape and no line break in one piece; every entry is written exactly as
field by field through po._field. (GNU itself judges both paths in test_po_gnu.py; these
pit the paths against each other on inputs made to sit on the edge of the fast ones.)
"""

import functools
import re
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.i18n import po
from tests.support import ROOT
from tests.support.broken_po import BROKEN, HEADER, MISLABELLED, VALID

CORPUS = ROOT / "tests" / "data" / "po-corpus"
# A pattern that never matches anything: every line goes the line-by-line way.
NOTHING = re.compile(r"(?:(x)(x)(x)(x)(x)(?!))?")


def outcome(data: bytes, fast: bool = True, size: int | None = None):
    """What reading data gives: the catalog's parts, or the refusal's words."""
    with mock.patch.object(po, "_COMMON", po._COMMON if fast else NOTHING), \
            mock.patch.object(po, "_texts", po._texts if size is None
                              else functools.partial(po._texts, size=size)):
        try:
            catalog = po.parse(data, "t.po")
        except po.POError as error:
            return str(error)
    return catalog.header, catalog.entries, catalog.charset, catalog.header_at


def test_every_known_file_reads_the_same_without_the_whole_message_match():
    files = [path.read_bytes() for path in sorted(CORPUS.rglob("*.po*"))]
    files += [*BROKEN.values(), *VALID.values(), *MISLABELLED.values()]
    assert len(files) > 250
    for data in files:
        expected = outcome(data, fast=False)
        assert outcome(data) == expected, data[:200]
        assert outcome(data, size=97) == expected, data[:200]


_LINES = st.sampled_from([
    '#. extracted', '#.', '#. ', '# translator', '#', '#: a.c:1 b.c', '#, fuzzy',
    '#, c-format, fuzzy', '#~ msgid "a"', '#~ msgstr "x"', '#~', '#| msgid "o"', '#|',
    '#~| msgid "p"', 'msgctxt "c"', 'msgctxt "d"', 'msgctxt ""', 'msgid "a"', 'msgid "b"',
    'msgid ""', 'msgstr "x"', 'msgstr ""', 'msgstr "x\\n"', 'msgstr "a"b"', 'msgstr "x" ',
    'msgstr "x"\r', 'msgid "a" ', 'msgid "é"', 'msgstr "ü€"', '"cont"', '"c\\"d"',
    'msgid_plural "p"', 'msgstr[0] "y"', 'msgstr[1] "z"', '', '', 'msgstr "x\0y"',
    ' msgid "a"', 'msgid  "a"', 'msgid\t"a"', 'msgstr', 'msgctxt "c" msgid "a"', '"',
    'msgid "a', 'domain "d"', '#\\', 'msgstr "\\xff"', 'msgstr "\\303\\251"',
    '"Content-Type: text/plain; charset=UTF-8\\n"', '"Content-Type: text/plain; '
    'charset=ISO-8859-1\\n"'])


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(_LINES, max_size=30), header=st.sampled_from(["", HEADER, "# t\n"]),
       end=st.sampled_from(["", "\n", "\n\n"]), size=st.sampled_from([None, 1, 7, 64]),
       encoding=st.sampled_from(["utf-8", "latin-1"]))
def test_any_lines_read_the_same_without_the_whole_message_match(lines, header, end, size,
                                                                 encoding):
    data = (header + "\n".join(lines) + end).encode(encoding, "replace")
    assert outcome(data, size=size) == outcome(data, fast=False)


def general(entry: po.Entry) -> str:
    """The entry written field by field (the writer's own path for everything uncommon)."""
    lines = [f"# {c}" if c else "#" for c in entry.comments]
    lines += [f"#. {c}" if c else "#." for c in entry.extracted]
    lines += po._reference_lines(entry.references)
    flags = entry.flags
    first = entry.msgstr_plural.get(0, "") if entry.msgid_plural is not None else entry.msgstr
    if flags and flags[0] == "fuzzy" and not first:
        flags = flags[1:]
    if flags:
        lines.append("#, " + ", ".join(flags))
    previous, prefix = ("#~| ", "#~ ") if entry.obsolete else ("#| ", "")
    for keyword in ("msgctxt", "msgid", "msgid_plural"):
        if getattr(entry, f"previous_{keyword}") is not None:
            lines.append(po._field(previous, keyword, getattr(entry, f"previous_{keyword}")))
    if entry.msgctxt is not None:
        lines.append(po._field(prefix, "msgctxt", entry.msgctxt))
    lines.append(po._field(prefix, "msgid", entry.msgid))
    if entry.msgid_plural is not None:
        lines.append(po._field(prefix, "msgid_plural", entry.msgid_plural))
        lines += [po._field(prefix, f"msgstr[{index}]", entry.msgstr_plural[index])
                  for index in sorted(entry.msgstr_plural)]
    else:
        lines.append(po._field(prefix, "msgstr", entry.msgstr))
    return "\n".join(lines)


_TEXT = st.text(st.sampled_from(['a', 'é', '"', '\\', '\n', '\t', '\r', '\u2028', '\x7f',
                                 '\x01', ' ', '#']), max_size=6)
_ENTRY = st.builds(
    po.Entry, msgid=_TEXT, msgstr=_TEXT, msgctxt=st.none() | _TEXT,
    msgid_plural=st.none() | _TEXT,
    msgstr_plural=st.dictionaries(st.integers(0, 2), _TEXT, max_size=2),
    comments=st.lists(_TEXT.filter(lambda t: "\n" not in t), max_size=2),
    extracted=st.lists(_TEXT.filter(lambda t: "\n" not in t), max_size=2),
    flags=st.sampled_from([[], ["fuzzy"], ["fuzzy", "c-format"], ["python-format"]]),
    previous_msgid=st.none() | _TEXT, obsolete=st.booleans())


@settings(max_examples=400, deadline=None)
@given(entries=st.lists(_ENTRY, min_size=1, max_size=6), chunk=st.sampled_from([1, 10, 1 << 16]))
def test_any_entry_is_written_as_field_by_field(entries, chunk):
    for entry in entries:
        assert po._format(entry) == general(entry)
        assert po.format_entry(entry) == general(entry).split("\n")
    catalog = po.Catalog(po.Entry(msgid="", msgstr="Language: nl\n"), entries)
    live = [catalog.header] + [e for e in entries if not e.obsolete]
    expected = "\n\n".join(map(general, live + [e for e in entries if e.obsolete])) + "\n"
    with mock.patch.object(po, "CHUNK", chunk):
        assert b"".join(po.chunks(catalog)) == expected.encode()
