"""Properties of catalogs over generated input, GNU gettext as the outside judge.

1. Any catalog (escapes, U+2028, long lines, previous msgids, obsolete entries,
   contexts) reads back equal to what was written, `msgcat --no-wrap` leaves our
   bytes identical, and `msgfmt -c` accepts them.
2. Any sequence of page edits (edit a field, remove a record, re-add it, reorder,
   rename) run through `catalogs update` on real files never loses a translation
   nor files one under another context, and going back to the original page gives
   back every translation, current again, byte for byte the original catalogs.
"""

import copy
import dataclasses
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.i18n import po
from pipeline.i18n.catalogs import plan_update, po_path
from pipeline.publish.commit import Publication
from pipeline.records import read_records
from tests.support import ROOT

needs_gettext = pytest.mark.usefixtures("gettext")
PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- 1. catalogs round trip

_SPECIAL = st.sampled_from(['"', "\\", "\t", "\n", "\u2028", "\u2029", "’", "é", "€", "#",
                            "msgid ", "%s", " ", "~", "|"])
_CHAR = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"))
_TEXT = st.lists(st.one_of(_CHAR, _SPECIAL), min_size=1, max_size=40).map("".join) \
    .filter(lambda text: not text.startswith("\n") and not text.endswith("\n"))
_LONG = st.builds(lambda word, times: " ".join([word] * times), _TEXT, st.integers(20, 60))
# A comment ending in a backslash is left out: GNU msgcat 0.21 joins it with the next line
# (`#. \` then `msgctxt "0"` comes out as `#. msgctxt "0"`), found by this very test.
_COMMENT = st.lists(st.one_of(_CHAR, st.sampled_from([" ", ",", ":", "|", "~", "."])),
                    max_size=30).map("".join).filter(lambda text: not text.endswith("\\"))
HEADER = po.Entry(msgid="", comments=["Generated catalog."], msgstr=(
    "Project-Id-Version: speerpunt\nReport-Msgid-Bugs-To: \n"
    "POT-Creation-Date: 2026-11-28 04:14+0000\nPO-Revision-Date: 2026-11-28 04:14+0000\n"
    "Last-Translator: \nLanguage-Team: Dutch\nLanguage: nl\nMIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"))


@st.composite
def entries(draw, context: str, obsolete: bool) -> po.Entry:
    text = st.one_of(_TEXT, _LONG)
    # msgcat drops an obsolete entry with no translation (and merge never makes one)
    translation = draw(text if obsolete else st.one_of(st.just(""), text))
    fuzzy = bool(translation) and draw(st.booleans())
    return po.Entry(
        msgid=draw(text), msgstr=translation, msgctxt=context,
        comments=draw(st.lists(_COMMENT, max_size=2)),
        extracted=draw(st.lists(_COMMENT, max_size=2)),
        flags=["fuzzy"] if fuzzy else [],
        previous_msgid=draw(text) if fuzzy and draw(st.booleans()) else None,
        obsolete=obsolete)


@st.composite
def catalogs(draw) -> po.Catalog:
    contexts = draw(st.lists(st.one_of(_TEXT, st.sampled_from(["cluster/flux50/tagline"])),
                             min_size=1, max_size=8, unique=True))
    live = [draw(entries(context, False)) for context in contexts]
    gone = [draw(entries(context, True)) for context in
            draw(st.lists(_TEXT, max_size=3, unique=True)) if context not in contexts]
    return po.Catalog(copy.deepcopy(HEADER), live + gone)


def without_lines(catalog: po.Catalog) -> po.Catalog:
    """The catalog with its entries' line numbers (a reading's by-product) zeroed."""
    return dataclasses.replace(
        catalog, header=dataclasses.replace(catalog.header, line=0),
        entries=[dataclasses.replace(entry, line=0) for entry in catalog.entries])


@needs_gettext
@PROPERTY
@given(catalogs())
def test_any_catalog_reads_back_equal_and_gnu_agrees_byte_for_byte(catalog):
    data = po.dump(catalog)
    assert without_lines(po.parse(data)) == catalog
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "nl.po"
        path.write_bytes(data)
        gnu = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True)
        assert gnu.returncode == 0, gnu.stderr.decode()
        assert gnu.stdout == data
        check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)],
                               capture_output=True, text=True)
        assert check.returncode == 0 and check.stderr == "", check.stderr


# ---------------------------------------------------------------- 2. edit sequences

SHIPPED = [record for record in read_records(ROOT / "output" / "records.jsonl")
           if record.source == "clusters"]  # the overview's domain, clusters.po
FIELDS = {"page": ("title", "intro"), "cluster": ("name", "tagline", "description"),
          "article": ("title", "summary")}


def translations(locales: Path) -> dict[str, dict[str, str]]:
    """Per language: msgctxt -> every non-empty msgstr, live or obsolete."""
    found = {}
    for language in ("nl", "fr"):
        found[language] = {}
        for entry in po.read(po_path(locales, language)).entries:
            if entry.msgstr:
                assert entry.msgctxt not in found[language], "two translations for one context"
                found[language][entry.msgctxt] = entry.msgstr
    return found


def update(records: list, locales: Path) -> None:
    with Publication(locales) as staged:
        plan_update(records, locales, staged.stage)
        staged.commit()


_EDIT = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 9), st.integers(0, 2),
              st.sampled_from(["new text", "powering smart energy", "7 spearhead clusters",
                               "SIM", "edited\u2028twice"])),
    st.tuples(st.just("remove"), st.integers(0, 9)),
    st.tuples(st.just("readd"), st.integers(0, 9)),
    st.tuples(st.just("reorder"), st.randoms(use_true_random=False)),
    st.tuples(st.just("rename"), st.integers(1, 7), st.sampled_from(["renamed", "sim", "vil"])),
)


def apply(records: list, edit: tuple) -> list:
    """One change of the site; an edit that makes no sense for the page now is skipped."""
    records = list(records)
    kind = edit[0]
    if kind == "edit" and edit[1] < len(records):
        record = records[edit[1]]
        fields = FIELDS[record.kind]
        records[edit[1]] = dataclasses.replace(record, **{fields[edit[2] % len(fields)]: edit[3]})
    elif kind == "remove" and edit[1] < len(records) and records[edit[1]].kind != "page":
        del records[edit[1]]
    elif kind == "readd":
        original = SHIPPED[edit[1]]
        if original.key not in {r.key for r in records}:
            records.append(original)
    elif kind == "reorder":
        body = records[1:]
        edit[1].shuffle(body)
        records = records[:1] + body
    elif kind == "rename" and edit[1] < len(records):
        ids = {r.id for r in records if r.kind == records[edit[1]].kind}
        if edit[2] not in ids:
            records[edit[1]] = dataclasses.replace(records[edit[1]], id=edit[2])
    return records


@PROPERTY
@given(st.lists(_EDIT, min_size=1, max_size=6))
def test_no_edit_sequence_loses_or_moves_a_translation_and_going_back_restores_all(edits):
    with tempfile.TemporaryDirectory() as directory:
        locales = Path(directory) / "locales"
        shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
        original = translations(locales)
        shipped_bytes = {lang: po_path(locales, lang).read_bytes() for lang in ("nl", "fr")}
        records = SHIPPED
        for edit in edits:
            records = apply(records, edit)
            update(records, locales)
            now = translations(locales)
            for language in ("nl", "fr"):  # every translation still there, in its own context
                for context, text in original[language].items():
                    assert now[language].get(context) == text, (edit, language, context)
        update(SHIPPED, locales)
        for language in ("nl", "fr"):
            catalog = po.read(po_path(locales, language))
            assert not any(entry.fuzzy or entry.obsolete for entry in catalog.entries)
            assert translations(locales)[language] == original[language]
            assert without_pot_date(po_path(locales, language).read_bytes()) == \
                without_pot_date(shipped_bytes[language])


def without_pot_date(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if b"POT-Creation-Date" not in line)
