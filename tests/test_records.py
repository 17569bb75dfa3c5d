"""records.jsonl read strictly (trust issue row 2), written in contract order, diffed."""

import dataclasses

import pytest

from pipeline.records import (
    Unreadable,
    diff_records,
    dump_records,
    field_changes,
    merge_sources,
    parse_records,
    read_records,
)
from tests.support import ROOT

SHIPPED = ROOT / "output" / "records.jsonl"


def test_the_shipped_records_read_back_and_write_byte_for_byte():
    assert dump_records(read_records(SHIPPED)) == SHIPPED.read_bytes()


@pytest.mark.parametrize(("change", "line", "why"), [
    (lambda data: data[:-20], 17, "the last line is cut short (no newline at its end)"),
    (lambda data: b"<<<<<<< HEAD\n" + data, 1, "not a record (Expecting value)"),
    (lambda data: data.replace(b'"type": "cluster"', b'"type": "clustr"', 1), 2,
     "not a record (unknown record type 'clustr')"),
    (lambda data: data + b"\n", 18, "not a record (Expecting value)"),
    (lambda data: data.replace(b"Flanders", b"Fl\xe4nders", 1), 1, "not UTF-8 text"),
])
def test_a_damaged_file_is_unreadable_at_its_line(tmp_path, change, line, why):
    path = tmp_path / "records.jsonl"
    path.write_bytes(change(SHIPPED.read_bytes()))
    with pytest.raises(Unreadable) as error:
        read_records(path)
    assert str(error.value) == f"{path}:{line}: {why}"


def test_no_file_is_none_and_an_empty_file_no_records(tmp_path):
    assert read_records(tmp_path / "records.jsonl") is None
    assert parse_records(b"", tmp_path / "records.jsonl") == []


def test_changes_name_each_field_with_its_old_and_new_text():
    old = read_records(SHIPPED)
    new = [dataclasses.replace(r, tagline="powering smarter energy") if r.key == "cluster/flux50"
           else r for r in old if r.key != "cluster/sim"]
    assert diff_records(old, new) == {"added": [], "changed": ["cluster/flux50"],
                                      "removed": ["cluster/sim"]}
    assert field_changes(old, new) == [{"key": "cluster/flux50", "field": "tagline",
                                        "old": "powering smart energy",
                                        "new": "powering smarter energy"}]


def test_a_source_replaces_only_its_own_records():
    old = read_records(SHIPPED)
    assert merge_sources(old, [], {"other"}) == old
    profiles = [r for r in old if r.kind == "organisation"]
    assert merge_sources(old, old[:2], {"clusters"}) == old[:2] + profiles
    assert merge_sources(old, [], {"sim"}) == [r for r in old if r.key != "organisation/sim"]
