"""pipeline.i18n.po against GNU gettext itself: real PO files and hand-made broken ones.

For every file: GNU accepts it (`msgcat --no-wrap -t UTF-8` exits 0) exactly when
speerpunt does; when it does, every entry's fields equal libgettextpo's and our
bytes equal msgcat's. The one leniency, a UTF-8 byte-order mark, is judged on
the file without it. The one kind of file GNU reads and we refuse on purpose: a header
naming a single-byte charset over bytes that are UTF-8 (MISLABELLED_WORDS below).
"""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.i18n import po
from tests.support import ROOT, requires
from tests.support.broken_po import BROKEN, MISLABELLED, VALID

CORPUS = ROOT / "tests" / "data" / "po-corpus"
REAL = sorted(path for path in CORPUS.rglob("*") if path.suffix in (".po", ".pot"))
BOM = b"\xef\xbb\xbf"



@pytest.fixture(autouse=True)
def _gnu():
    """GNU gettext and libgettextpo, the judges here (skipped where missing, failed in CI)."""
    requires.gettext()
    requires.libgettextpo()


# Refused on purpose where GNU reads: a header naming a single-byte charset over bytes that
# are UTF-8 with multibyte sequences. GNU reads the bytes in the named charset, so every
# non-ASCII letter comes out as mojibake ("financiële" as "financiÃ«le") in whatever it
# writes, and the translator's next save keeps it; we refuse at the header, with the fix.
SINGLE_BYTE = re.compile(r"ISO[-_]8859-[0-9]+|KOI8-[RUT]|CP(?:850|866|874|125[0-7])|TIS-620",
                         re.I)
MISLABELLED_WORDS = re.compile(r"declares charset \S+ but its bytes are UTF-8 \(line [0-9]+ "
                               r'reads .*\); change the header to "Content-Type: text/plain; '
                               r'charset=UTF-8"$')


def utf8_under_a_single_byte_label(data: bytes) -> bool:
    """Whether the header's charset is a single-byte one and the bytes are UTF-8 that is
    not all ASCII (judged here on its own, not by the reader's code)."""
    declared = po._CHARSET.search(data)
    if declared is None or not SINGLE_BYTE.fullmatch(declared.group(1).decode("latin-1")):
        return False
    try:
        data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.removeprefix(BOM).isascii()


def gnu_fields(paths: list[Path]) -> dict[str, dict]:
    """libgettextpo's reading of each file (tests/support/libgettextpo.py, its own process)."""
    result = subprocess.run([sys.executable, "-m", "tests.support.libgettextpo", *map(str, paths)],
                            cwd=ROOT, capture_output=True, text=True,
                            check=True)
    return {line["path"]: line for line in map(json.loads, result.stdout.splitlines())}


def as_gnu(catalog: po.Catalog, gnu: list[dict]) -> tuple[list[dict], list[dict]]:
    """Our entries in libgettextpo's terms (its strings are the file's bytes), and its;
    the header's charset, which we turn into UTF-8, is left out of both."""
    codec = po._CHARSETS[catalog.charset.upper()][1]
    entries = list(catalog.entries)
    if catalog.header_at is not None:
        entries.insert(catalog.header_at, catalog.header)

    def raw(text):
        return None if text is None else text.encode(codec).decode("latin-1")

    for message in gnu:
        if not message["msgid"] and message["msgctxt"] is None and not message["obsolete"]:
            message["msgstr"] = re.sub(r"charset=\S*", "charset=*", message["msgstr"])

    fields = []
    for entry in entries:
        if entry is catalog.header:  # the charset is compared through the bytes
            entry = copy.copy(entry)
            entry.msgstr = re.sub(r"charset=\S*", "charset=*", entry.msgstr)
        plural = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
        item = {
            "msgctxt": raw(entry.msgctxt), "msgid": raw(entry.msgid),
            "msgid_plural": raw(entry.msgid_plural),
            "msgstr": raw(plural[0] if entry.msgid_plural is not None else entry.msgstr),
            "comments": raw("".join(c + "\n" for c in entry.comments)),
            "extracted_comments": raw("".join(c + "\n" for c in entry.extracted)),
            "prev_msgctxt": raw(entry.previous_msgctxt), "prev_msgid": raw(entry.previous_msgid),
            "prev_msgid_plural": raw(entry.previous_msgid_plural),
            "msgstr_plural": [raw(text) for text in plural],
            "references": [raw(reference) for reference in entry.references],
            "obsolete": entry.obsolete, "fuzzy": entry.fuzzy,
            "formats": sorted(flag.removeprefix("possible-") for flag in entry.flags
                              if flag.endswith("-format") and not flag.startswith("no-")),
        }
        ranges = [flag for flag in entry.flags if flag.startswith("range: ")]
        if ranges:
            item["range"] = [int(n) for n in ranges[0][7:].split("..")]
        fields.append(item)
    return fields, gnu


def in_utf8(path: Path, written: bytes, charset: str) -> bytes:
    """msgcat's output converted to UTF-8 by msgcat itself (-t UTF-8), or, where msgcat
    refuses because msgids would change, by the codec of the file's charset."""
    converted = subprocess.run(["msgcat", "--no-wrap", "-t", "UTF-8", str(path)],
                               capture_output=True)
    if converted.returncode == 0:
        return converted.stdout
    text = written.decode(po._CHARSETS[charset.upper()][1])
    return re.sub(r"charset=[^ \t\\]*", "charset=UTF-8", text, count=1).encode("utf-8")


def compare(files: dict[str, bytes], tmp_path: Path,
            refused_on_purpose: list[str] | None = None) -> list[str]:
    """Every disagreement between speerpunt and GNU over files (name -> bytes); a file GNU
    reads and we refuse as mislabelled (see MISLABELLED_WORDS) goes to refused_on_purpose
    when given, not among the disagreements."""
    judged = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data.removeprefix(BOM))  # GNU 0.21 refuses the BOM we accept
        judged[name] = path
    fields = gnu_fields(list(judged.values()))
    problems = []
    for name, data in files.items():
        path = judged[name]
        gnu = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True)
        try:
            catalog = po.parse(data, name)
        except po.POError as error:
            if gnu.returncode == 0 and refused_on_purpose is not None \
                    and utf8_under_a_single_byte_label(data) \
                    and MISLABELLED_WORDS.search(str(error)):
                refused_on_purpose.append(name)
            elif gnu.returncode == 0:
                problems.append(f"{name}: GNU accepts, speerpunt rejects: {error}")
            continue
        except Exception as error:  # noqa: BLE001 - any other exception is the defect
            problems.append(f"{name}: crash {type(error).__name__}: {error}")
            continue
        if gnu.returncode != 0:
            problems.append(f"{name}: GNU rejects ({gnu.stderr.decode(errors='replace')[-200:]!r}),"
                            " speerpunt accepts")
            continue
        ours, theirs = as_gnu(catalog, fields[str(path)].get("messages", []))
        if ours != theirs:
            problems.append(f"{name}: entry fields differ from libgettextpo's")
        if po.dump(catalog) != in_utf8(path, gnu.stdout, catalog.charset):
            problems.append(f"{name}: bytes differ from msgcat --no-wrap")
    return problems


def test_real_po_files_read_and_written_as_gnu_does(tmp_path):
    assert len(REAL) >= 60
    files = {str(path.relative_to(CORPUS)).replace("/", "__"): path.read_bytes()
             for path in REAL}
    refused = []
    assert compare(files, tmp_path, refused) == []
    # GNU gettext's own examples/po/mt.po says ISO-8859-3 over UTF-8 bytes: msgcat turns its
    # "kulħadd" into "kulÄ§add"; we refuse it (MISLABELLED_WORDS), and only it
    assert refused == ["gettext__gettext-tools_examples_po_mt.po"]


def test_utf8_under_a_single_byte_label_is_refused_where_gnu_reads_mojibake(tmp_path):
    """Each file of MISLABELLED: GNU accepts it and, converting it to UTF-8, writes letters
    the file does not hold; we refuse it, in our own words, at the header."""
    assert compare(MISLABELLED, tmp_path, refused := []) == []
    assert refused == list(MISLABELLED)
    for name, data in MISLABELLED.items():
        path = tmp_path / name
        gnu = subprocess.run(["msgcat", "--no-wrap", "-t", "UTF-8", str(path)],
                             capture_output=True, check=True)
        letters = {char for char in data.removeprefix(BOM).decode("utf-8") if ord(char) > 127}
        assert not letters <= set(gnu.stdout.decode("utf-8")), name  # mojibake instead


def test_hand_made_broken_files_are_rejected_as_gnu_rejects_them(tmp_path):
    assert len(BROKEN) >= 40
    files = {f"{name}.po": data for name, data in BROKEN.items()}
    assert compare(files, tmp_path) == []
    for name in BROKEN:  # and each really is broken
        path = tmp_path / f"{name}.po"
        gnu = subprocess.run(["msgcat", "-o", "/dev/null", str(path)], capture_output=True)
        assert gnu.returncode != 0, name


def test_hand_made_valid_files_read_and_written_as_gnu_does(tmp_path):
    files = {f"{name}.po": data for name, data in VALID.items()}
    assert compare(files, tmp_path) == []


# GNU names the line after an unterminated string (its lexer has already read the
# newline); we name the string's own line and column. At the very end of a file GNU
# says "end-of-file within string", we say "end-of-line within string" as everywhere.
# And a comment inside an unfinished message: GNU names the token after it, we the comment.
UNTERMINATED = "end-of-line within string"
# And UTF-8 under a single-byte label that even has a byte the label's charset lacks: GNU
# names that byte ("invalid multibyte sequence"), we the label, as for MISLABELLED.
OUR_OWN_WORDS = {"unterminated-at-end-of-file", "comment-after-msgctxt",
                 "indented-comment-after-msgctxt",
                 "utf8-bytes-declared-cp1252-with-a-byte-cp1252-lacks"}
GNU_POSITION = re.compile(r"^(?P<file>[^:\n]+\.po):(?P<line>[0-9]+):(?:(?P<column>[0-9]+):)? "
                          r"(?P<message>.*?)(?:\.\.\.)?$", re.M)


def test_broken_files_are_refused_where_and_as_gnu_refuses_them(tmp_path):
    """Each hand-made broken file's one line names GNU's first error: the same line (for
    an unterminated string, the line before GNU's), the same column where GNU gives one,
    and GNU's words (a duplicate also says where the first definition is). Files GNU
    refuses without naming a line (a header's charset) are judged by the refusal alone,
    above, and by the exact line in tests/i18n/test_po_cases.py."""
    compared = 0
    for name, data in BROKEN.items():
        if name in OUR_OWN_WORDS:
            continue
        path = tmp_path / f"{name}.po"
        path.write_bytes(data.removeprefix(BOM))
        gnu = subprocess.run(["msgcat", "-o", "/dev/null", str(path)], capture_output=True,
                             text=True, errors="replace")
        first = GNU_POSITION.search(gnu.stderr.replace(str(tmp_path) + "/", ""))
        if first is None:
            continue
        with pytest.raises(po.POError) as refused:
            po.parse(data, f"{name}.po")
        ours = GNU_POSITION.match(str(refused.value))
        if ours["message"] == UNTERMINATED:
            ours = {**ours.groupdict(), "line": str(int(ours["line"]) + 1)}
        assert (ours["line"], ours["message"].split(" (first defined")[0]) == \
            (first["line"], first["message"]), name
        if first["column"]:
            assert ours["column"] == first["column"], name
        compared += 1
    assert compared >= 35
