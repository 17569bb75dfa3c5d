"""Reading and writing gettext PO files without losing anything translators keep.

Why not Babel's or polib's reader: Babel turns `#|` previous msgids into
translator comments and drops `#:` URLs; polib drops `#~|` previous msgids of
obsolete entries. Both are also slower than this single pass (see bench/).

The writer emits exactly what GNU `msgcat --no-wrap` emits for the same
catalog, so a catalog saved by Poedit or msgcat differs from ours only by
line wrapping (the one documented setting).
"""

import gc
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE_WIDTH = 79
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_ESCAPE = re.compile(r'[\\"\n\t\r\a\b\f\v]')
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
              "\\": "\\", '"': '"', "'": "'", "?": "?"}
_UNESCAPE = re.compile(r"\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)")
_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural", "msgstr"))
_PLURAL_MSGSTR = re.compile(r"msgstr\[\d+\]")


class POError(Exception):
    """A catalog that cannot be read: `file:line: message`."""

    def __init__(self, path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = path, line


@dataclass(slots=True)
class Entry:
    """One message with everything a PO file can say about it."""

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
        strings = self.msgstr_plural.values() if self.msgid_plural is not None else [self.msgstr]
        return all(strings) and bool(strings)

    def set_fuzzy(self, fuzzy: bool) -> None:
        if fuzzy and not self.fuzzy:
            self.flags.insert(0, "fuzzy")
        elif not fuzzy:
            self.flags = [flag for flag in self.flags if flag != "fuzzy"]


@dataclass
class Catalog:
    """A header entry and the messages in file order (obsolete ones included)."""

    header: Entry
    entries: list[Entry]

    def header_fields(self) -> dict[str, str]:
        fields = {}
        for line in self.header.msgstr.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip()] = value.strip()
        return fields

    def set_header_fields(self, fields: dict[str, str]) -> None:
        self.header.msgstr = "".join(f"{name}: {value}\n" for name, value in fields.items())


def unescape(text: str) -> str:
    def replace(match):
        code = match.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _UNESCAPES.get(code, "\\" + code)

    return _UNESCAPE.sub(replace, text) if "\\" in text else text


def escape(text: str) -> str:
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text  # the common case, without a regex pass (isprintable is False for \n, \t)
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group(0)], text)


def _string(token: str, path, number: int) -> str:
    """The value of one quoted PO string; the closing quote must not be escaped."""
    if len(token) > 1 and token[0] == '"' and token[-1] == '"' and token[-2] != "\\":
        body = token[1:-1]  # the common case, checked cheaply
        return unescape(body) if "\\" in body else body
    token = token.strip()
    body = token[1:-1]
    trailing = len(body) - len(body.rstrip("\\"))
    if len(token) < 2 or token[0] != '"' or token[-1] != '"' or trailing % 2:
        raise POError(path, number, f"syntax error: unterminated string {token[:40]!r}")
    return unescape(body)


_PREVIOUS = {"msgctxt": "previous_msgctxt", "msgid": "previous_msgid",
             "msgid_plural": "previous_msgid_plural"}


def _blocks(stream, path, size: int = 1 << 20):
    """Decoded lines in lists of about `size` bytes, split at "\n" only (a U+2028 inside
    a msgstr is text, not a line break): a large catalog is never held whole."""
    carry, before = b"", 0  # the unfinished last line; lines in earlier blocks
    while data := stream.read(size):
        data = carry + data
        end = data.rfind(b"\n") + 1
        block, carry = data[:end], data[end:]
        if block:
            yield _decode(block, path, before).split("\n")[:-1]
            before += block.count(b"\n")
    if carry:
        yield [_decode(carry, path, before)]


def _decode(block: bytes, path, before: int) -> str:
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError as error:
        line = before + block[:error.start].count(b"\n") + 1
        raise POError(path, line, "bytes that are not UTF-8; "
                      "save the catalog as UTF-8") from None


def parse(data: bytes, path="<catalog>") -> Catalog:
    """Parse PO bytes (UTF-8); raise POError naming file and line on any defect."""
    with _no_cycle_collection():
        return _parse(io.BytesIO(data), path)


def read(path: Path) -> Catalog:
    with open(path, "rb") as stream, _no_cycle_collection():
        return _parse(stream, path)


@contextmanager
def _no_cycle_collection():
    """Parsing makes a million small objects and no cycles: the cyclic collector,
    triggered by the allocations, would only walk them (a third of the parse at 50k)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(stream, path) -> Catalog:
    entries: list[Entry] = []
    entry = Entry(msgid="")
    has_keyword = False  # the entry has a msgctxt/msgid line, so comments start a new one
    last: str | None = None  # the field continuation strings extend
    plural_index = 0
    number = 0
    for block in _blocks(stream, path):
        for raw in block:
            number += 1
            line = raw.strip() if number > 1 else raw.removeprefix("\ufeff").strip()
            if not line:
                continue
            obsolete = previous = False
            if line[0] == "#":
                if line.startswith("#~"):
                    obsolete, line = True, line[2:].lstrip()
                    if not line:
                        continue
                    if line[0] == "|":
                        line = "#" + line  # "#~| msgid" is the previous msgid of an obsolete entry
                if line[0] == "#":
                    if has_keyword:
                        entries.append(entry)
                        entry, has_keyword, last = Entry(msgid=""), False, None
                    kind = line[1:2]
                    if kind == "|":
                        previous, line = True, line[2:].lstrip()
                    elif kind == ".":
                        entry.extracted.append(line[2:].removeprefix(" "))
                        continue
                    elif kind == ":":
                        entry.references.extend(line[2:].split())
                        continue
                    elif kind == ",":
                        entry.flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
                        continue
                    else:
                        entry.comments.append(line[1:].removeprefix(" "))
                        continue
            if line[0] == '"':
                if last is None:
                    raise POError(path, number, "syntax error: a string with no keyword before it")
                value = _string(line, path, number)
                if last == "msgstr_plural":
                    entry.msgstr_plural[plural_index] += value
                else:
                    setattr(entry, last, getattr(entry, last) + value)
                continue
            quote = line.find('"')
            keyword = line[:quote].rstrip() if quote > 0 else line.split()[0]
            if quote < 0 or keyword not in _KEYWORDS and not _PLURAL_MSGSTR.fullmatch(keyword):
                raise POError(path, number, f"syntax error: unexpected {keyword[:30]!r}")
            value = _string(line[quote:], path, number)
            if previous:
                if keyword not in _PREVIOUS:
                    raise POError(path, number, f"syntax error: {keyword} in a #| line")
                last = _PREVIOUS[keyword]
                setattr(entry, last, value)
            elif keyword == "msgstr":
                if not has_keyword:
                    raise POError(path, number, "syntax error: msgstr without msgid")
                entry.msgstr, last = value, "msgstr"
            elif keyword == "msgid" or keyword == "msgctxt":
                if has_keyword and (keyword == "msgctxt" or last != "msgctxt"):
                    entries.append(entry)
                    entry, has_keyword = Entry(msgid=""), False
                if not has_keyword:
                    entry.line, entry.obsolete, has_keyword = number, obsolete, True
                last = keyword
                setattr(entry, keyword, value)
            elif not has_keyword:
                raise POError(path, number, f"syntax error: {keyword} without msgid")
            elif keyword == "msgid_plural":
                entry.msgid_plural, last = value, "msgid_plural"
            else:
                plural_index = int(keyword[7:-1])
                entry.msgstr_plural[plural_index], last = value, "msgstr_plural"
    if has_keyword:
        entries.append(entry)
    elif entry.comments or entry.extracted or entry.flags or entry.references:
        raise POError(path, number, "syntax error: comments with no message after them")
    return _catalog(entries, path)


def _catalog(entries: list[Entry], path) -> Catalog:
    header = None
    seen: dict[tuple, int] = {}
    body = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            if header is not None:
                raise POError(path, entry.line, "duplicate header (message with empty msgid)")
            header = entry
            continue
        if not entry.obsolete:
            if entry.key in seen:
                raise POError(path, entry.line, "duplicate message definition "
                              f"(first defined at line {seen[entry.key]})")
            seen[entry.key] = entry.line
        body.append(entry)
    if header is None:
        header = Entry(msgid="")
    charset = re.search(r"charset=([\w-]+)", header.msgstr)
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "charset"):
        raise POError(path, header.line, f"charset {charset.group(1)} is not supported; "
                      "save the catalog as UTF-8")
    return Catalog(header, body)


def _field(prefix: str, keyword: str, value: str) -> list[str]:
    if "\n" not in value[:-1]:
        return [f'{prefix}{keyword} "{escape(value)}"']
    pieces = value.split("\n")
    if len(pieces) > 2 or (len(pieces) == 2 and pieces[1]):
        lines = [f"{prefix}{keyword} \"\""]
        last = pieces.pop()
        lines += [f'{prefix}"{escape(piece)}\\n"' for piece in pieces]
        if last:
            lines.append(f'{prefix}"{escape(last)}"')
        return lines
    return [f'{prefix}{keyword} "{escape(value)}"']


def _references(references: list[str]) -> list[str]:
    lines, current = [], "#:"
    for reference in references:
        if len(current) > 2 and len(current) + 1 + len(reference) > REFERENCE_WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + reference
    return lines + [current] if references else lines


def format_entry(entry: Entry) -> list[str]:
    lines = [f"# {c}" if c else "#" for c in entry.comments]
    lines += [f"#. {c}" if c else "#." for c in entry.extracted]
    lines += _references(entry.references)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        lines += _field(previous, "msgctxt", entry.previous_msgctxt)
    if entry.previous_msgid is not None:
        lines += _field(previous, "msgid", entry.previous_msgid)
    if entry.previous_msgid_plural is not None:
        lines += _field(previous, "msgid_plural", entry.previous_msgid_plural)
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        lines += _field(prefix, "msgctxt", entry.msgctxt)
    lines += _field(prefix, "msgid", entry.msgid)
    if entry.msgid_plural is not None:
        lines += _field(prefix, "msgid_plural", entry.msgid_plural)
        for index in sorted(entry.msgstr_plural):
            lines += _field(prefix, f"msgstr[{index}]", entry.msgstr_plural[index])
    else:
        lines += _field(prefix, "msgstr", entry.msgstr)
    return lines


def chunks(catalog: Catalog):
    """The catalog as GNU msgcat --no-wrap would write it, one entry's bytes at a time."""
    yield ("\n".join(format_entry(catalog.header)) + "\n").encode("utf-8")
    for entry in catalog.entries:
        yield ("\n" + "\n".join(format_entry(entry)) + "\n").encode("utf-8")


def dump(catalog: Catalog) -> bytes:
    return b"".join(chunks(catalog))
