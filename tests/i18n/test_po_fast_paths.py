"""The PO reader's fast path changes nothing but the time taken.

The reader takes a common message whole in one regex match (po._COMMON) and hands every
other line to the line-by-line path; with that match turned off every file reads the
same, at any block size: the same entries with the same line numbers, or the same refusal
in the same words at the same line and column. (GNU itself judges the reader in
test_po_gnu.py; this pits the paths against each other on inputs made to sit on the edge
of the fast one.)
"""

import functools
import re
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.i18n import po
from tests.support import ROOT
from tests.support.broken_po import BROKEN, HEADER, VALID

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
    files += [*BROKEN.values(), *VALID.values()]
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

