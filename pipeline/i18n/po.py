"""Reading and writing gettext PO files with GNU gettext's grammar and meaning.

Why our own reader: Babel turns `#|` previous msgids into translator comments
and drops `#:` URLs; polib drops `#~|` previous msgids of obsolete entries and
guesses where the syntax is broken. This one follows GNU's po-lex/po-gram
(gettext 0.21): whatever GNU rejects is a POError naming file:line:col, and
whatever it accepts keeps GNU's meaning (`tests/i18n/test_po_gnu.py` holds it to
libgettextpo and msgcat over real files). The one leniency: a UTF-8
byte-order mark, which Windows editors write, is dropped.

Where it differs from GNU on purpose (each held by a test in tests/i18n/test_po_gnu.py
or test_po_cases.py):
* a header naming a single-byte charset (ISO-8859-x, CP125x, KOI8-x, ...) over bytes
  that are UTF-8 with multibyte sequences is refused at the header's `charset=`, with the
  fix. GNU reads such bytes in the named charset and writes `financiÃ«le` (GNU's own
  examples/po/mt.po is one: ISO-8859-3 over UTF-8); it refuses them only where the named
  charset lacks one of the bytes ("invalid multibyte sequence"), and there we name the
  label too. Bytes that are not UTF-8 as a whole are read in the named charset, as GNU
  reads them;
* an unterminated string is named on its own line (GNU names the next one);
* a comment inside an unfinished message is named at the comment (GNU: the token after);
* bytes a comment cannot hold in its charset are refused (GNU copies them through);
* a `domain` line is refused (one file is one catalog here).

The writer emits exactly what `msgcat --no-wrap --to-code=UTF-8` emits: a
catalog saved by Poedit or msgcat differs from ours only by line wrapping.
"""

import codecs
import gc
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE_WIDTH = 79
# GNU's format flags, in the order msgcat writes them (libgettextpo's po_format_list()).
FORMATS = ("c", "objc", "python", "python-brace", "java", "java-printf", "csharp",
           "javascript", "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua",
           "object-pascal", "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl",
           "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp")
_FORMAT_ORDER = {name: index for index, name in enumerate(FORMATS)}
# GNU's portable charset names (po-charset.c), the canonical one first, and Python's codec.
_CHARSETS = {}
for _names, _codec in (
        (("ASCII", "ANSI_X3.4-1968", "US-ASCII"), "ascii"),
        *(((f"ISO-8859-{n}", f"ISO_8859-{n}"), f"iso8859-{n}")
          for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)),
        *(((name,), name.lower()) for name in (
            "KOI8-R", "KOI8-U", "KOI8-T", "CP850", "CP866", "CP874", "CP932", "CP949", "CP950",
            "CP1250", "CP1251", "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257",
            "GB2312", "EUC-JP", "EUC-KR", "BIG5", "BIG5-HKSCS", "GBK", "GB18030",
            "SHIFT_JIS", "JOHAB", "TIS-620", "UTF-8")),
        *(((name,), None) for name in ("EUC-TW", "VISCII", "GEORGIAN-PS"))):
    for _name in _names:
        _CHARSETS[_name.upper()] = (_names[0], _codec)

# The charsets above whose every character is one byte (ASCII aside: GNU itself refuses a
# byte above 127 there): UTF-8 bytes under one of these names are refused (see _read).
_SINGLE_BYTE = frozenset((*(f"ISO-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)),
                          "KOI8-R", "KOI8-U", "KOI8-T", "CP850", "CP866", "CP874", "CP1250",
                          "CP1251", "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257",
                          "TIS-620"))

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_ESCAPE = re.compile(r'[\\"\n\t\r\a\b\f\v]')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v",
                   "a": "\a", "\\": "\\", '"': '"'}
_BACKSLASH = re.compile(r"\\(?:([ntbrfva\\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.|$))")
_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural", "msgstr", "domain"))
_STRING = r'"([^"\\]*(?:\\.[^"\\]*)*)"'  # a quoted string; the body may hold escaped quotes
_LINE = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr)[ \t]+" + _STRING + r"[ \t\r\f\v]*")
_CONTINUATION = re.compile(_STRING + r"[ \t\r\f\v]*")
_TOKEN = re.compile(r"(?P<space>[ \t\r\f\v]+)|" + _STRING.replace("(", "(?P<string>", 1)
                    + r"|(?P<hash>#)|(?P<word>[A-Za-z_$][A-Za-z0-9_$]*)|(?P<number>[0-9]+)"
                    r"|(?P<open>\[)|(?P<close>\])|(?P<junk>.)")
_STRING_STATES = {False: frozenset(("ctxt", "ctxt_s", "id", "id_s", "pl", "pl_s", "str", "str_s")),
                  True: frozenset(("pctxt", "pctxt_s", "pid", "pid_s", "ppl", "ppl_s"))}
# The transitions of nearly every line, taken without the general checks.
_PLAIN = {("msgctxt", "str_s"): "ctxt_s", ("msgctxt", "idle"): "ctxt_s", ("msgid", "idle"): "id_s",
          ("msgid", "str_s"): "id_s", ("msgid", "ctxt_s"): "id_s", ("msgstr", "id_s"): "str_s"}
_WORD = re.compile(r"[^ \t\n]+")  # the parts of a `#:` line
_COLON_NUMBER = re.compile(r"[ \t]*:[ \t]*([0-9]+)(?=[ \t\n]|$)")
_NUMBER_AFTER = re.compile(r"[ \t]*([0-9]+)(?=[ \t\n]|$)")
_TRAILING_LINE = re.compile(r"(.+):([0-9]+)", re.S)
_PLAIN_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural", "msgstr"))
# A common message whole: its comment lines (`#` alone or followed by anything but `~`,
# `|`), then `msgctxt`, `msgid` and `msgstr` lines that are each the keyword, one space
# and a string with nothing after it, then blank lines. Either part may be missing (the
# match may be empty). The comment lines go to the parser as comments; the keyword lines
# are taken whole only when their strings hold no quote, backslash or NUL (checked after
# the match: `.*` is matched three times faster than a character class) and the parser
# is where the line-by-line reading would take them on the plain path; every other line
# goes that way.
_COMMON = re.compile(r'((?:#(?:[^~|\n].*)?\n)*)'
                     r'(?:(?:msgctxt "(.*)"\n)?msgid "(.*)"\nmsgstr "(.*)"\n(\n*))?')
_FLAG_SPLIT = re.compile(r"[\n \t\r\f\v,]+")
_RANGE = re.compile(r"([0-9]+)\.\.([0-9]+)")
_CHARSET = re.compile(rb'^[ \t]*msgid[ \t]+""[ \t\r]*\n[ \t]*msgstr[ \t]+"'
                      rb'(?:[^\n]*\n[ \t]*")*?[^\n]*?charset=([^ \t\n\\"]*)', re.M)


class POError(Exception):
    """A catalog that cannot be read: `file:line:col: reason`."""

    def __init__(self, path, line: int, message: str, column: int = 1):
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column = path, line, column


@dataclass(slots=True)
class Entry:
    """One message with everything a PO file can say about it.

    flags are GNU's flags in msgcat's order (fuzzy, formats, range, no-wrap);
    flags GNU does not know are dropped on reading, as GNU does.
    """

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is None:
            return bool(self.msgstr)  # no list made: merge and stats ask 50k times a catalog
        strings = self.msgstr_plural.values()
        return bool(strings) and all(strings)

    def set_fuzzy(self, fuzzy: bool) -> None:
        if fuzzy and not self.fuzzy:
            self.flags.insert(0, "fuzzy")
        elif not fuzzy:
            self.flags = [flag for flag in self.flags if flag != "fuzzy"]


@dataclass
class Catalog:
    """A header entry and the messages in file order (obsolete ones included).

    charset: what the file declared (GNU's canonical name); the text is
    Unicode whatever it was, and the writer writes UTF-8. The header is written
    where the file had it, as msgcat does.
    """

    header: Entry
    entries: list[Entry]
    charset: str = "UTF-8"
    header_at: int | None = 0  # where the header stands among the entries; None: no header

    def header_fields(self) -> dict[str, str]:
        fields = {}
        for line in self.header.msgstr.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip()] = value.strip()
        return fields

    def set_header_fields(self, fields: dict[str, str]) -> None:
        self.header.msgstr = "".join(f"{name}: {value}\n" for name, value in fields.items())


def escape(text: str) -> str:
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text  # the common case, without a regex pass (isprintable is False for \n, \t)
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group(0)], text)


def parse(data: bytes, path="<catalog>") -> Catalog:
    """Parse PO bytes; raise POError naming file, line and column on any defect."""
    return _read(io.BytesIO(data), path)


def read(path: Path) -> Catalog:
    with open(path, "rb") as stream:
        return _read(stream, path)


def read_from(stream, path) -> Catalog:
    """Parse an open, seekable binary file from its start, in blocks: never held whole."""
    stream.seek(0)
    return _read(stream, path)


def _read(stream, path) -> Catalog:
    """Decode with the header's charset, found by a cheap look at the file's start and
    confirmed by the parse; when the look missed it, a second pass reads the file with the
    charset the parse found (a name GNU knows is ASCII, so that pass finds the same one)."""
    start = stream.read(1 << 16)
    declared = _CHARSET.search(start)
    charset = declared.group(1).decode("ascii", "replace") if declared else None
    if charset is not None and charset.upper() not in _CHARSETS:
        charset = None  # a placeholder, or written with escapes: the parse will tell
    line = start[:declared.start()].count(b"\n") + 1 if declared else 1
    with no_cycle_collection():
        stream.seek(0)
        catalog, found, line = _parse_labelled(stream, path, charset, line)
        if found != charset:
            stream.seek(0)
            catalog = _parse_labelled(stream, path, found, line)[0]
    return catalog


def _parse_labelled(stream, path, charset: str | None, line: int):
    """_parse, refusing a file whose header names a single-byte charset over bytes that are
    UTF-8 with multibyte sequences (GNU reads them in that charset: `financiÃ«le`).

    The refusal stands when the parse confirms that charset as the header's, or fails
    (read in the wrong charset, the label is the first thing to fix); when the parse finds
    another header charset, _read reads the file again with that one, checked the same way.
    """
    known = _CHARSETS.get(charset.upper()) if charset is not None else None
    if known is None or known[0] not in _SINGLE_BYTE or not _utf8_beneath(stream):
        stream.seek(0)
        return _parse(stream, path, charset, line)
    stream.seek(0)
    try:
        result = _parse(stream, path, charset, line)
    except POError:
        result = None
    if result is None or result[1] == charset:
        stream.seek(0)
        raise _mislabelled(stream, path, charset, known, line)
    return result


def _utf8_beneath(stream) -> bool:
    """Whether the bytes (after a byte-order mark) are UTF-8 and not all ASCII."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    multibyte, first = False, True
    try:
        while data := stream.read(1 << 20):
            if first:
                data, first = data.removeprefix(b"\xef\xbb\xbf"), False
            decoder.decode(data)
            multibyte = multibyte or not data.isascii()
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return multibyte


def _mislabelled(stream, path, charset: str, known: tuple[str, str], header: int) -> POError:
    """The refusal of UTF-8 bytes under a single-byte label, named at the label itself: the
    header's `charset=` at or after the header's line (the one line to change, and an editor
    jumps to it), with the first line the label misreads as the evidence."""
    at, evidence = (header, 1), None
    for number, raw in enumerate(stream, 1):
        raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
        if at == (header, 1) and number >= header and b"charset=" in raw:
            at = (number, raw.index(b"charset=") + len("charset=") + 1)  # one byte a column
        if evidence is None and not raw.isascii():
            text = raw.decode("utf-8")
            word = re.search(r"\S*[^\x00-\x7f]\S*", text).group(0).strip('"')
            misread = word.encode("utf-8").decode(known[1], "backslashreplace")
            evidence = (number, word, misread)
        if evidence is not None and at != (header, 1):
            break
    number, word, misread = evidence
    misread = "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in misread)
    return POError(path, at[0], f"declares charset {charset} but its bytes are UTF-8 (line "
                   f"{number} reads \"{misread}\" in {known[0]}, \"{word}\" in UTF-8); change "
                   f'the header to "Content-Type: text/plain; charset=UTF-8"', at[1])


@contextmanager
def no_cycle_collection():
    """Parsing, merging and writing catalogs make a million small objects and no cycles
    (reference counting frees them): the cyclic collector, triggered by the allocations,
    would only walk them (a third of the parse at 50k, 0.5 s of a 50k `catalogs update`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _codec(charset: str | None, path, line: int) -> tuple[str, str]:
    """(GNU's canonical name, Python codec) of a declared charset; POError if GNU has none."""
    if charset is None:
        return "ASCII", "latin-1"  # bytes as GNU keeps them; non-ASCII is refused at the end
    known = _CHARSETS.get(charset.upper())
    if known is None:
        raise POError(path, line, f'charset "{charset}" is not a portable encoding name')
    if known[1] is None:
        raise POError(path, line, f"charset {known[0]} cannot be converted to UTF-8 here")
    return known


def _texts(stream, path, encoding: str, size: int = 1 << 20):
    """Decoded text in blocks of whole lines of about `size` bytes, each ending in "\n"
    but perhaps the file's last (lines end at "\n" only: a U+2028 inside a msgstr is text,
    not a line break): a large catalog is never held whole."""
    carry, before = b"", 0  # the unfinished last line; lines in earlier blocks
    first = True
    while data := stream.read(size):
        data = carry + data
        if first and len(data) < 3 and data == b"\xef\xbb\xbf"[:len(data)]:
            carry = data
            continue
        if first:
            data, first = data.removeprefix(b"\xef\xbb\xbf"), False
        end = data.rfind(b"\n") + 1
        block, carry = data[:end], data[end:]
        if block:
            try:
                text = block.decode(encoding)
            except UnicodeDecodeError as error:
                # The lines before the undecodable one are read first, as GNU reads them:
                # an error there is the one GNU names first.
                good = block.rfind(b"\n", 0, error.start) + 1
                if good:
                    yield block[:good].decode(encoding)
                _decode(block, path, before, encoding)  # raises, naming the line
            yield text
            before += block.count(b"\n")
    if carry:
        yield _decode(carry, path, before, encoding)


def _blocks(stream, path, encoding: str, size: int = 1 << 20):
    """The lines of _texts, a list per block."""
    for text in _texts(stream, path, encoding, size):
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        yield lines


def _decode(block: bytes, path, before: int, encoding: str) -> str:
    try:
        return block.decode(encoding)
    except UnicodeDecodeError as error:
        start = block.rfind(b"\n", 0, error.start) + 1
        line = before + block[:error.start].count(b"\n") + 1
        column = len(block[start:error.start].decode(encoding, "replace")) + 1
        raise POError(path, line, "invalid multibyte sequence", column) from None


def _flags(text: str, flags: dict) -> None:
    """GNU's reading of a `#,` line into flags (a later one on the line overrides)."""
    tokens = iter(token for token in _FLAG_SPLIT.split(text) if token)
    for token in tokens:
        if token == "fuzzy":
            flags["fuzzy"] = "fuzzy"
        elif token.endswith("-format"):
            name, value = token[:-7], "yes"
            for prefix in ("no-", "possible-", "impossible-"):
                if name.startswith(prefix) and name[len(prefix):] in _FORMAT_ORDER:
                    name, value = name[len(prefix):], prefix[:-1]
                    break
            if name in _FORMAT_ORDER:
                flags[name] = value
        elif token == "range:":
            bounds = _RANGE.match(next(tokens, ""))
            if bounds and int(bounds.group(1)) <= int(bounds.group(2)):
                flags["range"] = f"range: {int(bounds.group(1))}..{int(bounds.group(2))}"
        elif token in ("wrap", "no-wrap"):
            flags["wrap"] = token


def _flag_list(flags: dict) -> list[str]:
    """The flags as msgcat writes them: possible-X → X, impossible-X and wrap dropped."""
    listed = ["fuzzy"] if "fuzzy" in flags else []
    for name in sorted((name for name in flags if name in _FORMAT_ORDER), key=_FORMAT_ORDER.get):
        value = flags[name]
        if value in ("yes", "possible"):
            listed.append(f"{name}-format")
        elif value == "no":
            listed.append(f"no-{name}-format")
    if "range" in flags:
        listed.append(flags["range"])
    if flags.get("wrap") == "no-wrap":
        listed.append("no-wrap")
    return listed


def _references(text: str, references: list[str]) -> None:
    """GNU's reading of a `#:` line (po_parse_comment_filepos): places `file:line`,
    `file: line`, `file :line` or `file`; the same place once."""
    at = 0
    while match := _WORD.search(text, at):
        name, at, line = match.group(0), match.end(), None
        after = _COLON_NUMBER.match(text, at)
        if after is None and name.endswith(":"):
            after = _NUMBER_AFTER.match(text, at)
            name = name[:-1] if after else name
        if after is not None:
            line, at = after.group(1), after.end()
        elif split := _TRAILING_LINE.fullmatch(name):
            name, line = split.groups()
        reference = name if line is None else f"{name}:{int(line)}"
        if reference not in references:
            references.append(reference)


class _Parser:
    """GNU's po-gram grammar as a state machine fed one token at a time."""

    def __init__(self, path, encoding: str):
        self.path, self.encoding = path, encoding
        self.entries: list[Entry] = []
        self.entry = Entry(msgid="")
        self.flags: dict = {}
        self.state = "idle"  # what the last token was
        self.obsolete = False  # of the message being read
        self.field = ""  # the field the next strings extend
        self.plural_index = -1
        self.msgid_line = 0  # where GNU says a message is when it is incomplete or repeated
        self.seen: dict[tuple, int] = {}  # key -> where the message that has it starts
        self.ascii_only = True  # so far; a file with no declared charset must stay ASCII

    def fail(self, line: int, column: int, message: str = "syntax error"):
        raise POError(self.path, line, message, column)

    def string(self, body: str, line: int, column: int) -> str:
        """GNU's meaning of a quoted string: escapes make bytes in the file's charset,
        and a NUL byte ends the string (C strings)."""
        if "\\" in body:
            if "\\x" in body or re.search(r"\\[0-7]", body):
                return self._bytes_string(body, line, column)
            body = _BACKSLASH.sub(lambda match: self._escape(match, line, column), body)
        if "\0" in body:
            body = body[:body.index("\0")]
        return body

    def _escape(self, match, line: int, column: int) -> str:
        if match.group(1) is None:
            self.fail(line, column + 1 + match.start() + 1, "invalid control sequence")
        return _SIMPLE_ESCAPES[match.group(1)]

    def _bytes_string(self, body: str, line: int, column: int) -> str:
        pieces, at = [], 0
        for match in _BACKSLASH.finditer(body):
            pieces.append(body[at:match.start()].encode(self.encoding))
            simple, octal, hexadecimal = match.group(1, 2, 3)
            if simple is not None:
                pieces.append(_SIMPLE_ESCAPES[simple].encode("ascii"))
            elif octal is not None:
                pieces.append(bytes((int(octal, 8) & 0xFF,)))
            elif hexadecimal is not None:
                pieces.append(bytes((int(hexadecimal[-2:], 16),)))
            else:  # GNU names the character after the backslash, or after `x` with no digit
                self.fail(line, column + 1 + match.start() + 1 + (match.group(4) == "x"),
                          "invalid control sequence")
            at = match.end()
        pieces.append(body[at:].encode(self.encoding))
        data = b"".join(pieces).split(b"\0")[0]
        self.ascii_only = self.ascii_only and data.isascii()
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError:
            self.fail(line, column, "invalid multibyte sequence")

    def comment(self, text: str, line: int, column: int) -> None:
        """A `#...` comment (text after the `#`): it belongs to the next message."""
        if self.state != "idle":
            self.settle(line, column)
        self.note(text)

    def settle(self, line: int, column: int) -> None:
        """A comment ends the message before it, which must be complete."""
        if self.state not in ("idle", "str_s", "pstr_s"):
            self.incomplete(line, column)
        if self.state != "idle":
            self.finish()

    def note(self, text: str) -> None:
        """A comment's text, added to the message that follows."""
        entry, kind = self.entry, text[:1]
        if kind == ".":
            entry.extracted.append(text[2:] if text[1:2] == " " else text[1:])
        elif kind == ":":
            _references(text[1:], entry.references)
        elif kind in (",", "!"):
            self.flags = {}  # GNU: the last `#,` line of an entry holds all its flags
            _flags(text[1:], self.flags)
        else:
            entry.comments.append(text[1:] if kind == " " else text)

    def incomplete(self, line: int, column: int):
        if self.state == "id_s":
            self.fail(self.msgid_line, 1, "missing 'msgstr' section")
        if self.state == "pl_s":
            self.fail(self.msgid_line, 1, "missing 'msgstr[]' section")
        self.fail(line, column)

    def keyword(self, word: str, obsolete: bool, previous: bool, line: int, column: int):
        state = self.state
        if word not in _KEYWORDS:
            self.fail(line, column, f'keyword "{word}" unknown')
        if word == "domain":
            self.fail(line, column, "domain directives are not supported")
        if previous:
            if word == "msgstr":
                self.fail(line, column, 'keyword "msgstr" unknown')
            if word == "msgid_plural":
                if state != "pid_s":
                    self.fail(line, column)
                self.check_obsolete(obsolete, line, column)
                self.field, self.state = "previous_msgid_plural", "ppl"
                self.entry.previous_msgid_plural = ""
                return
            if word == "msgid" and state == "pctxt_s":
                self.check_obsolete(obsolete, line, column)
            else:
                self.start(obsolete, line, column)
            self.field = "previous_" + word
            setattr(self.entry, self.field, "")
            self.state = "pctxt" if word == "msgctxt" else "pid"
            return
        if word in ("msgctxt", "msgid"):
            if state in ("pid_s", "ppl_s") or word == "msgid" and state == "ctxt_s":
                self.check_obsolete(obsolete, line, column)  # the same message goes on
            else:
                self.start(obsolete, line, column)
            if state != "ctxt_s":
                self.entry.line = line
            if word == "msgid":
                self.msgid_line = line
            self.state = "ctxt" if word == "msgctxt" else "id"
            self.field = word
            setattr(self.entry, word, "")
        elif word == "msgid_plural":
            if state != "id_s":
                self.incomplete(line, column)
            self.check_obsolete(obsolete, line, column)
            self.entry.msgid_plural, self.field, self.state = "", "msgid_plural", "pl"
        else:  # msgstr: plain or with an index, the next token tells
            if state not in ("id_s", "pl_s", "pstr_s"):
                self.fail(line, column)
            self.check_obsolete(obsolete, line, column)
            self.state = "msgstr" if state == "id_s" else "pmsgstr"

    def start(self, obsolete: bool, line: int, column: int) -> None:
        """A new message begins: the previous one must be complete."""
        if self.state not in ("idle", "str_s", "pstr_s"):
            self.incomplete(line, column)
        if self.state != "idle":
            self.finish()
        self.obsolete = obsolete

    def check_obsolete(self, obsolete: bool, line: int, column: int) -> None:
        if obsolete != self.obsolete:
            self.fail(line, column, "inconsistent use of #~")

    def bracket(self, kind: str, value: str, obsolete: bool, line: int, column: int) -> None:
        """`msgstr[N]`: `[`, a number and `]` after msgstr."""
        state = self.state
        if state not in ("msgstr", "pmsgstr", "index", "close"):
            self.fail(line, column)  # GNU: a syntax error before any #~ mismatch
        self.check_obsolete(obsolete, line, column)
        if kind == "open" and state == "msgstr":
            self.fail(self.msgid_line, 1, "missing 'msgid_plural' section")
        if kind == "open" and state == "pmsgstr":
            self.state = "index"
        elif kind == "number" and state == "index":
            index = int(value)
            if self.plural_index < 0 and index != 0:
                self.fail(line, column, "first plural form has nonzero index")
            if self.plural_index >= 0 and index != self.plural_index + 1:
                self.fail(line, column, "plural form has wrong index")
            self.plural_index, self.state = index, "close"
        elif kind == "close" and state == "close":
            self.entry.msgstr_plural[self.plural_index] = ""
            self.state = "pstr"
        else:
            self.fail(line, column)

    def text(self, value: str, obsolete: bool, previous: bool, line: int, column: int) -> None:
        """A quoted string: the first or a further piece of the current field."""
        state = self.state
        if state == "msgstr" and not previous:
            state, self.field = "str", "msgstr"
        elif state in ("pstr", "pstr_s") and not previous:
            self.check_obsolete(obsolete, line, column)
            self.entry.msgstr_plural[self.plural_index] += value
            self.state = "pstr_s"
            return
        elif state not in _STRING_STATES[previous]:
            self.incomplete(line, column)
        self.check_obsolete(obsolete, line, column)
        setattr(self.entry, self.field, getattr(self.entry, self.field) + value)
        self.state = state if state.endswith("_s") else state + "_s"

    def finish(self) -> None:
        entry = self.entry
        key = (entry.msgctxt, entry.msgid)
        first = self.seen.get(key)
        if first is not None:
            self.fail(self.msgid_line, 1, f"duplicate message definition (first defined at line "
                      f"{first})")
        self.seen[key] = entry.line
        entry.obsolete = self.obsolete
        if self.flags:
            entry.flags = _flag_list(self.flags)
            self.flags = {}
        self.entries.append(entry)
        self.entry, self.state = Entry(msgid=""), "idle"
        self.plural_index = -1

    def end(self, line: int) -> None:
        if self.state not in ("idle", "str_s", "pstr_s"):
            self.incomplete(line, 1)
        if self.state != "idle":
            self.finish()


def _tokens(parser: _Parser, line: str, number: int) -> None:
    """Every token of one line, as GNU's lexer splits it, fed to the parser. A token the
    grammar refuses is reported, as GNU does, at the column just after it."""
    obsolete = previous = False
    position, end = 0, len(line)
    while position < end:
        match = _TOKEN.match(line, position)
        kind, column = match.lastgroup, position + 1
        position = match.end()
        after = position + 1
        if kind == "space":
            continue
        if kind == "hash":
            follower = line[position:position + 1]
            if follower == "~" and not obsolete:
                obsolete, position = True, position + 1
                if line[position:position + 1] == "|":
                    previous, position = True, position + 1
                continue
            if follower == "|" and not previous:
                previous, position = True, position + 1
                continue
            parser.comment(line[position:], number, column)
            return
        if kind == "string":
            parser.text(parser.string(match.group("string"), number, column), obsolete,
                        previous, number, after)
        elif kind == "word":
            parser.keyword(match.group("word"), obsolete, previous, number, after)
        elif kind in ("open", "number", "close"):
            parser.bracket(kind, match.group(kind), obsolete, number, after)
        elif match.group("junk") == '"':
            parser.fail(number, column, "end-of-line within string")
        else:
            parser.fail(number, after)


def _parse(stream, path, charset: str | None, line: int):
    """The catalog, the charset its header declares (None: none) and the header's line."""
    canonical, encoding = _codec(charset, path, line)
    parser = _Parser(path, encoding)
    number, check_ascii = 0, encoding == "latin-1"
    common = _COMMON.match
    for text in _texts(stream, path, encoding):
        at, end = 0, len(text)
        while at < end:
            # Nearly every message in one regex match: it leaves the parser exactly where
            # the line-by-line reading of the same lines would (see _COMMON).
            match = common(text, at)
            comments, context, msgid, msgstr, blanks = match.groups()
            if check_ascii and not match.group(0).isascii():
                parser.ascii_only = check_ascii = False
            if comments:
                lines = comments.split("\n")
                lines.pop()
                if parser.state != "idle":
                    parser.settle(number + 1, 1)  # what the first comment line does
                entry = parser.entry
                for comment in lines:
                    if comment[1:3] == ". ":
                        entry.extracted.append(comment[3:])
                    else:
                        parser.note(comment[1:])
                number += len(lines)
                at += len(comments)
            if msgid is not None:
                stop = match.end()
                if parser.state in ("idle", "str_s") and not parser.obsolete \
                        and text.count('"', at, stop) == (4 if context is None else 6) \
                        and text.find("\\", at, stop) < 0 and text.find("\0", at, stop) < 0:
                    if parser.state == "str_s":
                        parser.finish()
                    entry = parser.entry
                    entry.line = number + 1
                    if context is not None:
                        entry.msgctxt = context
                        number += 1
                    parser.msgid_line = number + 1
                    entry.msgid, entry.msgstr = msgid, msgstr
                    parser.state, parser.field = "str_s", "msgstr"
                    number += 2 + len(blanks)
                    at = stop
                    continue
            elif comments:
                continue  # what follows them: matched again, or read a line at a time below
            stop = text.find("\n", at)
            if stop < 0:
                stop = end
            line, at = text[at:stop], stop + 1
            number += 1
            if check_ascii and not line.isascii():
                parser.ascii_only = check_ascii = False
            # The common lines, read without the general tokenizer: `"..."` and
            # `keyword "..."` with no backslash or inner quote are found by two
            # substring scans (a regex pass costs more on long lines).
            first = line[:1]
            if first == '"':
                body = line[1:-1]
                if line[-1] == '"' and len(line) > 1 and '"' not in body and "\\" not in body:
                    match = None
                else:
                    match = _CONTINUATION.fullmatch(line)
                    body = match.group(1) if match else None
                if body is not None:  # a refused string is named just after its closing quote
                    parser.text(parser.string(body, number, 1), False, False, number,
                                line.rindex('"') + 2)
                    continue
            elif first == "m":
                space = line.find(" ")
                keyword, body = line[:space], line[space + 2:-1]
                if line[space + 1:space + 2] == '"' and line[-1] == '"' and len(line) > space + 2 \
                        and keyword in _PLAIN_KEYWORDS and '"' not in body and "\\" not in body:
                    column = space + 2
                else:
                    match = _LINE.fullmatch(line)
                    keyword, body, column = (*match.groups(), match.start(2)) if match else \
                        (None, None, 0)
                if keyword is not None:
                    value = parser.string(body, number, column) \
                        if "\\" in body or "\0" in body else body
                    transition = (keyword, parser.state)
                    if transition in _PLAIN and not parser.obsolete:
                        if transition[1] == "str_s":
                            parser.finish()  # what the general path does, without its checks
                        if keyword != "msgstr" and transition[1] != "ctxt_s":
                            parser.entry.line = number
                        if keyword == "msgid":
                            parser.msgid_line = number
                        setattr(parser.entry, keyword, value)
                        parser.state, parser.field = _PLAIN[transition], keyword
                        continue
                    parser.keyword(keyword, False, False, number, len(keyword) + 1)
                    parser.text(value, False, False, number, line.rindex('"') + 2)
                    continue
            elif first == "#" and line[1:2] not in ("~", "|"):
                parser.comment(line[1:], number, 1)
                continue
            elif not line:
                continue
            _tokens(parser, line, number)
    parser.end(number + 1)
    return _catalog(parser.entries, path, canonical, parser.ascii_only)


def _catalog(entries: list[Entry], path, canonical: str, ascii_only: bool):
    header = header_at = None
    body = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete \
                and header is None:
            header, header_at = entry, len(body)
            continue
        body.append(entry)
    if header is None:
        header = Entry(msgid="")
    declared = re.search(r"charset=([^ \t\n]*)", header.msgstr)
    found = declared.group(1) if declared else None
    if found == "CHARSET" and str(path).endswith(".pot"):
        found = None
    if found is None and not ascii_only:
        raise POError(path, header.line or 1,
                      "no header declares the charset of its non-ASCII bytes")
    if declared and declared.group(1) != "UTF-8":  # written back as UTF-8, and it says so
        header.msgstr = header.msgstr.replace(declared.group(0), "charset=UTF-8", 1)
    catalog = Catalog(header, body, canonical, header_at)
    return catalog, found, header.line or 1


def _field(prefix: str, keyword: str, value: str) -> str:
    """The field's lines, joined: one line, or "" and a line per "\n" when it holds one
    before its end."""
    if value.find("\n", 0, len(value) - 1) < 0:  # nearly always: no slice, no split
        return f'{prefix}{keyword} "{escape(value)}"'
    pieces = value.split("\n")
    lines = [f"{prefix}{keyword} \"\""]
    last = pieces.pop()
    lines += [f'{prefix}"{escape(piece)}\\n"' for piece in pieces]
    if last:
        lines.append(f'{prefix}"{escape(last)}"')
    return "\n".join(lines)


def _reference_lines(references: list[str]) -> list[str]:
    """GNU wraps `#:` lines at 79 columns even with --no-wrap."""
    lines, current = [], "#:"
    for reference in references:
        if len(current) > 2 and len(current) + 1 + len(reference) > REFERENCE_WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + reference
    return lines + [current] if references else lines


def format_entry(entry: Entry) -> list[str]:
    """The entry's lines as msgcat --no-wrap writes them."""
    return _format(entry).split("\n")


def _format(entry: Entry) -> str:
    """format_entry's lines joined by "\n" (built as one string: a list per entry and a
    join cost a third of the writing at 50k)."""
    lines = []
    if entry.comments:
        lines += [f"# {c}" if c else "#" for c in entry.comments]
    if entry.extracted:
        lines += [f"#. {c}" if c else "#." for c in entry.extracted]
    if entry.references:
        lines += _reference_lines(entry.references)
    flags = entry.flags
    if flags:
        first = (entry.msgstr_plural.get(0, "") if entry.msgid_plural is not None
                 else entry.msgstr)
        if flags[0] == "fuzzy" and not first:
            flags = flags[1:]  # GNU writes no fuzzy flag on an empty translation
        if flags:
            lines.append("#, " + ", ".join(flags))
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        lines.append(_field(previous, "msgctxt", entry.previous_msgctxt))
    if entry.previous_msgid is not None:
        lines.append(_field(previous, "msgid", entry.previous_msgid))
    if entry.previous_msgid_plural is not None:
        lines.append(_field(previous, "msgid_plural", entry.previous_msgid_plural))
    prefix = "#~ " if entry.obsolete else ""
    context, msgid = entry.msgctxt, entry.msgid
    if entry.msgid_plural is None:
        msgstr = entry.msgstr
        strings = msgid + msgstr if context is None else context + msgid + msgstr
        if strings.isprintable() and '"' not in strings and "\\" not in strings:
            # The common case: each string on one line as it is (what _field makes of it)
            if context is not None:
                lines.append(f'{prefix}msgctxt "{context}"')
            lines.append(f'{prefix}msgid "{msgid}"\n{prefix}msgstr "{msgstr}"')
            return "\n".join(lines)
    if context is not None:
        lines.append(_field(prefix, "msgctxt", context))
    lines.append(_field(prefix, "msgid", msgid))
    if entry.msgid_plural is not None:
        lines.append(_field(prefix, "msgid_plural", entry.msgid_plural))
        for index in sorted(entry.msgstr_plural):
            lines.append(_field(prefix, f"msgstr[{index}]", entry.msgstr_plural[index]))
    else:
        lines.append(_field(prefix, "msgstr", entry.msgstr))
    return "\n".join(lines)


CHUNK = 1 << 16  # about how many characters chunks() puts in one piece


def chunks(catalog: Catalog):
    """The catalog as GNU msgcat --no-wrap would write it, in pieces of whole entries of
    about CHUNK characters (a piece per entry made the consumer's writes, hashing and
    comparing with the file on disk cost as much as the formatting): obsolete entries
    last, nothing at all for a header alone."""
    entries = catalog.entries
    if not entries:
        return
    if catalog.header_at is not None:
        at = catalog.header_at
        entries = [*entries[:at], catalog.header, *entries[at:]]
    texts, size, first = [], 0, True
    for obsolete in (False, True):  # msgcat writes the obsolete entries last
        for entry in entries:
            if entry.obsolete == obsolete:
                text = _format(entry)
                texts.append(text)
                size += len(text)
                if size >= CHUNK:
                    yield (("" if first else "\n") + "\n\n".join(texts) + "\n").encode("utf-8")
                    texts, size, first = [], 0, False
    if texts:
        yield (("" if first else "\n") + "\n\n".join(texts) + "\n").encode("utf-8")


def dump(catalog: Catalog) -> bytes:
    return b"".join(chunks(catalog))

