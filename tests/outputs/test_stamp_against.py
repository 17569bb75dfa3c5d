"""stamp_against: the previous export is read whole only when the content changed, and the
outcome is always that of stamp() on the whole previous file."""

import json

import pytest

from pipeline.outputs import export as export_module
from pipeline.outputs.export import _parsed, build_export, dump_export, stamp, stamp_against
from pipeline.records import read_records
from tests.support import ROOT

RECORDS = read_records(ROOT / "output" / "records.jsonl")
PUBLISHED = (ROOT / "output" / "nl" / "clusters.json").read_bytes()


@pytest.fixture
def content(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    from tests.outputs.test_export_plan import compiled

    mo = compiled()
    return build_export(RECORDS, "nl", lambda domain: export_module.translator(
        mo.get((domain, "nl"))))


def changed(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


def test_the_shipped_export_is_kept_without_reading_it_whole(content, monkeypatch):
    monkeypatch.setattr(export_module, "_parsed", lambda data: pytest.fail("parsed whole"))
    export, previous, data = stamp_against(content, "nl", PUBLISHED)
    assert data == PUBLISHED and export == previous == json.loads(PUBLISHED)


VARIANTS = {
    "none": None,
    "the same": PUBLISHED,
    "content changed": changed(PUBLISHED, '"position": 1,', '"position": 9,'),
    "derived changed": changed(PUBLISHED, '"language": "Nederlands"', '"language": "Vlaams"'),
    "reformatted": dump_export(json.loads(PUBLISHED)).replace(b"\n  ", b"\n   "),
    "compact": json.dumps(json.loads(PUBLISHED), ensure_ascii=False).encode(),
    "a derived value missing": changed(PUBLISHED, '  "last_changed_display"', '  "x"'),
    "head not an object": b'[1,\n  "page": 2]',
    "head not JSON": changed(PUBLISHED, '"locale": "nl"', '"locale": nl'),
    "a key after page repeats language": changed(
        PUBLISHED, '\n  "clusters": [', '\n  "language": "x",\n  "clusters": ['),
    "not JSON": b"{",
}


@pytest.mark.parametrize("name", VARIANTS)
def test_the_outcome_is_stamps_on_the_whole_file(content, name):
    previous_bytes = VARIANTS[name]
    previous = _parsed(previous_bytes)
    export, read, data = stamp_against(content, "nl", previous_bytes)
    assert export == stamp(content, "nl", previous)
    assert read == previous
    assert data in (None, previous_bytes)
    assert (data is not None) == (name in ("the same", "derived changed"))  # kept as it is
