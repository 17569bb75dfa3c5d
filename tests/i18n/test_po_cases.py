"""Every case of issue 13's tables, one test each, with what GNU gettext 0.21 says.

(tests/i18n/test_po_gnu.py runs the same files through GNU itself; these name the
exact outcome, so a change of meaning shows here as a readable failure.)
"""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.i18n import po
from pipeline.i18n.catalogs import po_path
from tests.support import run_cli, tree_bytes
from tests.support.broken_po import BROKEN, HEADER, MISLABELLED, VALID

# name in tests/support/broken_po.py -> (line, column, GNU's words). The line is GNU's and so is
# a column where GNU names one (tests/i18n/test_po_gnu.py holds the parser to that); GNU's
# columns fall just after the token it refused, and ours do too where GNU names none.
REFUSED = {
    "two-msgstr": (6, 7, "syntax error"),
    "msgstr-index-without-plural": (4, 1, "missing 'msgid_plural' section"),
    "plural-with-plain-msgstr": (6, 11, "syntax error"),
    "unescaped-quotes": (5, 19, 'keyword "hier" unknown'),
    "unknown-escape-q": (5, 11, "invalid control sequence"),
    "windows-path": (5, 12, "invalid control sequence"),
    "hex-escape-without-digits": (5, 12, "invalid control sequence"),
    "msgid-without-msgstr": (4, 1, "missing 'msgstr' section"),
    "plural-index-1-before-0": (6, 9, "first plural form has nonzero index"),
    "obsolete-msgid-live-msgstr": (5, 7, "inconsistent use of #~"),
    "two-obsolete-one-key": (7, 1, "duplicate message definition (first defined at line 4)"),
    "duplicate-with-context": (9, 1, "duplicate message definition (first defined at line 4)"),
    "previous-msgstr": (4, 10, 'keyword "msgstr" unknown'),
    "hex-escape-overflow": (5, 8, "invalid multibyte sequence"),
    "invalid-utf8-bytes": (5, 9, "invalid multibyte sequence"),
    "unterminated-string": (5, 8, "end-of-line within string"),
    "unterminated-at-end-of-file": (5, 8, "end-of-line within string"),
    "comment-after-msgctxt": (5, 1, "syntax error"),  # GNU: 6:1, the token after it
    "indented-comment-after-msgctxt": (5, 3, "syntax error"),  # GNU: 6:1
    "plural-without-msgstr": (4, 1, "missing 'msgstr[]' section"),
    "two-obsolete-with-context": (9, 1, "duplicate message definition (first defined at line 4)"),
    # GNU names no line for these: the header's msgid line is ours
    "unknown-charset": (1, 1, 'charset "KLINGON-8" is not a portable encoding name'),
    "unknown-charset-after-comments": (3, 1,
                                       'charset "KLINGON-8" is not a portable encoding name'),
    "empty-charset": (1, 1, 'charset "" is not a portable encoding name'),
    "escaped-unknown-charset-after-comments": (3, 1, 'charset "KLINGON-8" is not a portable '
                                               "encoding name"),
    "non-ascii-header-without-charset": (1, 1, "no header declares the charset of its "
                                         "non-ASCII bytes"),
    "non-ascii-header-after-comment-without-charset": (
        2, 1, "no header declares the charset of its non-ASCII bytes"),
    "non-ascii-without-header": (1, 1, "no header declares the charset of its non-ASCII bytes"),
    "missing-msgstr-before-an-invalid-byte": (4, 1, "missing 'msgstr' section"),
    # GNU: 5:10 "invalid multibyte sequence", the byte CP1252 lacks; ours: the label (below)
    "utf8-bytes-declared-cp1252-with-a-byte-cp1252-lacks": (
        2, 43, 'declares charset CP1252 but its bytes are UTF-8 (line 5 reads "Å\\x81Ã³dÅº" in '
        'CP1252, "Łódź" in UTF-8); change the header to "Content-Type: text/plain; '
        'charset=UTF-8"'),
}


@pytest.mark.parametrize("name", REFUSED)
def test_what_gnu_refuses_is_refused_with_file_line_column_and_reason(name):
    line, column, reason = REFUSED[name]
    with pytest.raises(po.POError) as caught:
        po.parse(BROKEN[name], "nl.po")
    assert str(caught.value) == f"nl.po:{line}:{column}: {reason}"


def test_two_strings_on_one_line_are_one_string():
    entry = po.parse(VALID["two-strings-on-one-line"]).entries[0]
    assert (entry.msgid, entry.msgstr) == ("ab", "xy")


def test_a_comment_after_the_last_entry_is_accepted_and_dropped_as_gnu_drops_it():
    catalog = po.parse(VALID["comment-after-last-entry"])
    assert [e.msgstr for e in catalog.entries] == ["x"]
    assert b"trailing comment" not in po.dump(catalog)


@pytest.mark.parametrize("name, charset, text", [
    ("charset-ascii", "ASCII", "x"), ("charset-iso-8859-1", "ISO-8859-1", "café"),
    ("charset-iso-8859-15", "ISO-8859-15", "5 €"), ("charset-cp1252", "CP1252", "‘x’"),
    ("charset-koi8-r", "KOI8-R", "мир"), ("charset-shift-jis", "SHIFT_JIS", "表示"),
])
def test_declared_charsets_are_read_and_written_back_as_utf8(name, charset, text):
    catalog = po.parse(VALID[name])
    assert (catalog.charset, catalog.entries[0].msgstr) == (charset, text)
    written = po.dump(catalog)
    assert "charset=UTF-8" in catalog.header.msgstr and text.encode() in written


# Refused on purpose though GNU reads them (it writes mojibake): named at the header's
# `charset=`, the one place to change (an editor jumps to file:line:column), not at the first
# non-ASCII message, which is named as the evidence; every such message is misread alike,
# so naming one would suggest retyping it, which changes nothing.
MISLABELLED_REFUSALS = {
    "utf8-bytes-declared-iso-8859-1": (
        5, 36, 'declares charset ISO-8859-1 but its bytes are UTF-8 (line 9 reads "financiÃ«le" '
        'in ISO-8859-1, "financiële" in UTF-8); change the header to "Content-Type: '
        'text/plain; charset=UTF-8"'),
    "utf8-bytes-declared-koi8-r": (
        2, 43, 'declares charset koi8-r but its bytes are UTF-8 (line 5 reads "п╪п╦я─" in '
        'KOI8-R, "мир" in UTF-8); change the header to "Content-Type: text/plain; '
        'charset=UTF-8"'),
    "utf8-bytes-with-a-bom-declared-iso-8859-15": (
        3, 43, 'declares charset ISO-8859-15 but its bytes are UTF-8 (line 6 reads "â\\x82¬" in '
        'ISO-8859-15, "€" in UTF-8); change the header to "Content-Type: text/plain; '
        'charset=UTF-8"'),
}


@pytest.mark.parametrize("name", MISLABELLED)
def test_utf8_bytes_under_a_single_byte_label_are_refused_at_the_label_with_the_fix(name):
    line, column, reason = MISLABELLED_REFUSALS[name]
    with pytest.raises(po.POError) as caught:
        po.parse(MISLABELLED[name], "nl.po")
    assert str(caught.value) == f"nl.po:{line}:{column}: {reason}"


def test_a_mislabelled_catalog_is_refused_though_it_holds_a_syntax_error_too():
    """Read in the wrong charset, the label is the first thing to fix."""
    data = MISLABELLED["utf8-bytes-declared-iso-8859-1"] + b'msgid "b"\nmsgstr "x" ;\n'
    with pytest.raises(po.POError) as caught:
        po.parse(data, "nl.po")
    assert str(caught.value).startswith("nl.po:5:36: declares charset ISO-8859-1 but its bytes")


def test_a_single_byte_label_is_judged_by_the_header_the_parse_finds():
    """A message with a context and an empty msgid is no header, though it looks like one
    at the file's start: the header after it says UTF-8, and the UTF-8 bytes are read."""
    data = (b'msgctxt "c"\nmsgid ""\nmsgstr "charset=ISO-8859-1"\n\n'
            + HEADER.encode() + 'msgid "a"\nmsgstr "financiële"\n'.encode())
    catalog = po.parse(data, "nl.po")
    assert (catalog.charset, catalog.entries[-1].msgstr) == ("UTF-8", "financiële")


@pytest.mark.parametrize("name, charset, text", [
    ("charset-iso-8859-1", "ISO-8859-1", "café"),  # é as the byte E9
    ("latin1-bytes-that-are-not-utf8", "ISO-8859-1", "À la Â Straße é» x"),
    ("cp1252-bytes-with-one-utf8-like-pair", "CP1252", "CAFÉ’ et été"),
])
def test_single_byte_bytes_that_are_not_utf8_are_read_in_their_charset(name, charset, text):
    """A genuine Latin-1 (CP1252) file is read as before, also when some of its bytes would
    begin a UTF-8 sequence, or even make one: only UTF-8 as a whole is refused."""
    catalog = po.parse(VALID[name], "nl.po")
    assert (catalog.charset, catalog.entries[0].msgstr) == (charset, text)
    assert text.encode() in po.dump(catalog)


def test_nul_made_by_an_escape_ends_the_string_as_in_gnu():
    catalog = po.parse(VALID["nul-escapes-end-strings"])
    assert [e.msgstr for e in catalog.entries] == ["xz", "x", "x"]
    assert b"\0" not in po.dump(catalog)


def test_octal_and_hex_escapes_are_bytes_of_the_charset():
    assert po.parse(VALID["octal-and-hex-utf8"]).entries[0].msgstr == "café AA"


def test_comments_keep_their_whitespace_and_flags_come_in_gnu_order():
    catalog = po.parse(VALID["comment-whitespace"] + VALID["flags-order-duplicates"][
        len(HEADER):].replace(b'msgid "a"', b'msgid "b"'))
    first, second = catalog.entries
    assert first.comments == ["note   ", " indented", "", "plain"]
    assert first.extracted == ["x", "", " two"]
    assert second.flags == ["python-format"]  # the last #, line is the one GNU keeps
    assert second.references == ["a.c:1", "b.c:2"]
    flags = po.parse(HEADER.encode() + b'#, c-format, fuzzy, c-format\nmsgid "c"\nmsgstr "z"\n')
    assert b"#, fuzzy, c-format\n" in po.dump(flags)


def test_a_utf8_byte_order_mark_is_accepted_and_dropped():
    catalog = po.parse(VALID["utf8-bom"])
    assert catalog.entries[0].msgstr == "x" and not po.dump(catalog).startswith(b"\xef")


@pytest.mark.slow
@pytest.mark.faults
@pytest.mark.parametrize("name", ["two-msgstr", "msgstr-index-without-plural", "windows-path",
                                  "obsolete-msgid-live-msgstr"])
def test_catalogs_update_refuses_a_broken_catalog_with_one_line_and_writes_nothing(
        workdir, name):
    locales = workdir / "locales"
    path = po_path(locales, "nl")
    path.write_bytes(BROKEN[name])
    before = tree_bytes(locales, workdir / "output")
    result = run_cli("catalogs", "update", "--locales", str(locales),
                     "--output", str(workdir / "output"))
    line, column, reason = REFUSED[name]
    assert result.returncode == 1
    assert result.stderr == f"speerpunt: {path}:{line}:{column}: {reason}\n"
    assert tree_bytes(locales, workdir / "output") == before


@pytest.mark.slow
def test_catalogs_update_refuses_a_utf8_catalog_labelled_latin1_and_writes_nothing(workdir):
    """The issue's case: a translator's tool wrote UTF-8 under an ISO-8859-1 header; read as
    Latin-1 it would be written back as `financiÃ«le`. Refused at the label, with the fix."""
    locales = workdir / "locales"
    path = po_path(locales, "nl")
    data = path.read_bytes().replace(b"charset=UTF-8", b"charset=ISO-8859-1", 1)
    path.write_bytes(data)
    before_label = data[:data.index(b"charset=")]
    line, column = before_label.count(b"\n") + 1, len(before_label.rsplit(b"\n", 1)[-1]) + 9
    before = tree_bytes(locales, workdir / "output")
    result = run_cli("catalogs", "update", "--locales", str(locales),
                     "--output", str(workdir / "output"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"speerpunt: {path}:{line}:{column}: declares charset "
                                    "ISO-8859-1 but its bytes are UTF-8 (line ")
    assert result.stderr.endswith('; change the header to "Content-Type: text/plain; '
                                  'charset=UTF-8"\n') and result.stderr.count("\n") == 1
    assert tree_bytes(locales, workdir / "output") == before


@pytest.mark.slow
def test_catalogs_update_reads_a_latin1_catalog_and_says_it_writes_utf8(workdir):
    locales = workdir / "locales"
    path = po_path(locales, "fr")
    text = path.read_text(encoding="utf-8")
    latin1 = text.replace("charset=UTF-8", "charset=ISO-8859-1")
    latin1 = "".join(char if ord(char) < 256 else "'" for char in latin1)  # curly quotes
    path.write_bytes(latin1.encode("latin-1"))
    translations = {e.msgctxt: e.msgstr for e in po.read(path).entries}
    assert any("é" in text for text in translations.values())
    result = run_cli("catalogs", "update", "--locales", str(locales),
                     "--output", str(workdir / "output"))
    assert result.returncode == 0, result.stderr
    fr = next(line for line in result.stdout.splitlines() if line.startswith("fr:"))
    assert fr.endswith("read as ISO-8859-1, written as UTF-8")  # (msgids Latin-1 cannot
    # hold, with curly quotes, came back changed: fuzzy, their translation kept)
    assert {e.msgctxt: e.msgstr for e in po.read(path).entries} == translations
    assert "charset=UTF-8" in path.read_bytes().decode("utf-8")


FRAGMENTS = [HEADER, 'msgid ', 'msgstr ', 'msgctxt ', 'msgid_plural ', 'msgstr[0] ',
             'msgstr[1] ', '"', '"a"', '"\\', '\\x', 'FF', '\\0', '\\n', '\n', '#', '#~ ', '#| ',
             '#~| ', '#, fuzzy', '#, c-format, range: 1..3', '#: a.c:1', ' ', 'charset=',
             'ISO-8859-1', 'é', '\ufeff', '\r', '[', ']', '0', '\x00', 'domain ', '\\q']


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(
    lambda parts: "".join(parts).encode()), st.binary(max_size=200)))
def test_no_input_raises_anything_but_the_catalog_error(data):
    try:
        catalog = po.parse(data, "fuzz.po")
    except po.POError as error:
        assert str(error).startswith("fuzz.po:")
        return
    written = po.dump(catalog)
    assert b"\0" not in written
    assert po.dump(po.parse(written, "again.po")) == written  # what we write, we read back



def test_fuzzy_is_set_first_and_cleared_without_touching_other_flags():
    entry = po.Entry(msgid="a %s", msgstr="b %s", flags=["python-format"])
    entry.set_fuzzy(False)
    assert entry.flags == ["python-format"]  # clearing a flag that is not there adds none
    entry.set_fuzzy(True)
    entry.set_fuzzy(True)
    assert entry.flags == ["fuzzy", "python-format"]  # msgcat's order, and only once
    entry.set_fuzzy(False)
    assert entry.flags == ["python-format"]


def test_a_refusal_of_bytes_without_a_path_names_them_catalog():
    with pytest.raises(po.POError) as caught:
        po.parse(b'msgid "a"\n')
    assert str(caught.value) == "<catalog>:1:1: missing 'msgstr' section"


@pytest.mark.parametrize("charset, words", [
    ("VISCII", "charset VISCII cannot be converted to UTF-8 here"),  # GNU knows it; Python not
    ("EUC-TW", "charset EUC-TW cannot be converted to UTF-8 here"),
    ("UTF-8\xe9", 'charset "UTF-8\xe9" is not a portable encoding name'),  # not ASCII
])
def test_a_charset_python_cannot_decode_is_refused_at_the_header(charset, words):
    data = b"# Dutch\n" + HEADER.replace("UTF-8", charset).encode("latin-1") \
        + b'msgid "a"\nmsgstr "x"\n'
    with pytest.raises(po.POError) as caught:
        po.parse(data, "nl.po")
    assert str(caught.value) == f"nl.po:2:1: {words}"


def test_bytes_a_comment_cannot_hold_in_its_charset_are_refused_though_gnu_keeps_them():
    """GNU 0.21 copies such a comment's bytes through unchecked; we keep text, not bytes,
    so a catalog whose comment is not UTF-8 is refused where the byte stands."""
    with pytest.raises(po.POError) as caught:
        po.parse(b"\n#\xff\n" + HEADER.encode() + b'msgid "a"\nmsgstr "x"\n', "nl.po")
    assert str(caught.value) == "nl.po:2:2: invalid multibyte sequence"


def test_domain_directives_are_refused_by_name():
    """GNU reads `domain` as a switch to another catalog; one file is one catalog here."""
    with pytest.raises(po.POError) as caught:
        po.parse(HEADER.encode() + b'domain "other"\nmsgid "a"\nmsgstr "x"\n', "nl.po")
    assert str(caught.value) == "nl.po:4:7: domain directives are not supported"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64])
def test_block_boundaries_never_change_the_lines_read(size):
    """A large catalog is read in blocks; a boundary inside the byte-order mark, a UTF-8
    sequence or a line must not change a line or a line number."""
    data = b"\xef\xbb\xbf" + VALID["obsolete-comments-and-previous"] + "# café ✓\n".encode() \
        + '\ufeff# a mark inside is text\nmsgid "b"\nmsgstr "y"'.encode()
    whole = [line for block in po._blocks(io.BytesIO(data), "nl.po", "utf-8") for line in block]
    assert whole[0] == 'msgid ""' and whole[-1] == 'msgstr "y"'
    pieces = [line for block in po._blocks(io.BytesIO(data), "nl.po", "utf-8", size)
              for line in block]
    assert pieces == whole
    broken = data.replace(b"caf\xc3\xa9", b"caf\xe9")
    with pytest.raises(po.POError) as caught:
        list(po._blocks(io.BytesIO(broken), "nl.po", "utf-8", size))
    assert str(caught.value) == f"nl.po:{whole.index('# café ✓') + 1}:6: invalid multibyte sequence"


@pytest.mark.parametrize("data", [b"\xef", b"\xef\xbb", b"\xef\xbb\xbf"])
def test_a_file_holding_only_part_of_a_byte_order_mark(data):
    """GNU refuses a stray byte; a whole mark alone is an empty catalog."""
    if data == b"\xef\xbb\xbf":
        assert po.dump(po.parse(data)) == b""
    else:
        with pytest.raises(po.POError):
            po.parse(data, "nl.po")


def test_a_catalog_without_a_declared_charset_is_read_as_ascii():
    """GNU's reading, and what `catalogs update` reports ("read as ASCII, written as UTF-8")."""
    assert po.parse(VALID["no-header-ascii"]).charset == "ASCII"
    assert po.parse(VALID["ascii-hex-escape-without-header"]).entries[0].msgstr == "A"
    template = HEADER.replace("UTF-8", "CHARSET").encode() + b'msgid "a"\nmsgstr ""\n'
    assert po.parse(template, "clusters.pot").charset == "ASCII"
    assert po.parse(VALID["charset-iso-8859-1"]).charset == "ISO-8859-1"
