"""Every case of issue 13's tables, one test each, with what GNU gettext 0.21 says.

(tests/test_po_gnu.py runs the same files through GNU itself; these name the
exact outcome, so a change of meaning shows here as a readable failure.)
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import po
from pipeline.catalogs import po_path
from tests.broken_po import BROKEN, HEADER, VALID
from tests.conftest import run_cli, tree_bytes

# name in tests/broken_po.py -> (line, column, GNU's words)
REFUSED = {
    "two-msgstr": (6, 1, "syntax error"),
    "msgstr-index-without-plural": (4, 1, "missing 'msgid_plural' section"),
    "plural-with-plain-msgstr": (6, 8, "syntax error"),
    "unescaped-quotes": (5, 15, 'keyword "hier" unknown'),
    "unknown-escape-q": (5, 11, "invalid control sequence"),
    "windows-path": (5, 12, "invalid control sequence"),
    "msgid-without-msgstr": (4, 1, "missing 'msgstr' section"),
    "plural-index-1-before-0": (6, 8, "first plural form has nonzero index"),
    "obsolete-msgid-live-msgstr": (5, 1, "inconsistent use of #~"),
    "two-obsolete-one-key": (7, 1, "duplicate message definition (first defined at line 4)"),
    "hex-escape-overflow": (5, 8, "invalid multibyte sequence"),
    "invalid-utf8-bytes": (5, 9, "invalid multibyte sequence"),
    "unknown-charset": (1, 1, 'charset "KLINGON-8" is not a portable encoding name'),
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

