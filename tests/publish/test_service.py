"""The publishing service's reading of the last good run: strict, never a false first run
(trust issue row 2), and --start-over as the one explicit way past it."""

import shutil

import pytest

from pipeline.layout import Layout
from pipeline.publish.service import read_baseline
from pipeline.records import Unreadable
from tests.support import ROOT

HINT = ("; restore it (e.g. from version control), or publish without comparing with "
        "--start-over")


@pytest.fixture
def layout(tmp_path):
    shutil.copytree(ROOT / "output", tmp_path / "output")
    return Layout(tmp_path / "output", tmp_path / "locales")


def refusal(layout) -> str:
    with pytest.raises(Unreadable) as error:
        read_baseline(layout)
    return str(error.value)


def test_the_shipped_run_is_the_baseline(layout):
    baseline = read_baseline(layout)
    assert len(baseline.records) == 17 and set(baseline.exports) == {"en", "nl", "fr"}
    assert not baseline.first_run and not baseline.started_over


def test_nothing_published_is_a_first_run(tmp_path):
    baseline = read_baseline(Layout(tmp_path / "output", tmp_path / "locales"))
    assert baseline.first_run and baseline.records == []


def test_missing_records_beside_published_exports_is_no_first_run(layout):
    layout.records.unlink()
    assert refusal(layout) == (f"the last good run cannot be read: {layout.records} is missing "
                               f"while {layout.index} is published{HINT}")


def test_records_lacking_what_the_english_export_publishes_refuse(layout):
    lines = layout.records.read_text(encoding="utf-8").splitlines(keepends=True)
    layout.records.write_text("".join(line for line in lines if '"id": "sim"' not in line),
                              encoding="utf-8")
    assert refusal(layout) == (f"the last good run cannot be read: {layout.records} lacks "
                               f"cluster/sim, which {layout.export('en')} publishes{HINT}")


def test_an_export_that_is_not_json_refuses_with_its_line(layout):
    path = layout.export("nl")
    path.write_bytes(path.read_bytes()[:200])
    assert refusal(layout).startswith(f"the last good run cannot be read: {path}:")
    path.write_bytes(b'{"locale": "nl"}\n')
    assert refusal(layout) == (f"the last good run cannot be read: {path}: not an export of "
                               f"clusters.json's shape{HINT}")


def test_start_over_compares_with_nothing(layout):
    layout.records.write_bytes(b"<<<<<<< HEAD\n")
    assert "records.jsonl:1: not a record" in refusal(layout)
    baseline = read_baseline(layout, start_over=True)
    assert baseline.started_over and baseline.records == [] and baseline.exports == {}


def test_an_export_deleted_or_edited_after_publication_refuses(layout):
    """With the nl export gone, a --locales typo would publish nl all in English unnoticed:
    the index says what was published, so the run refuses instead (trust issue, row 2)."""
    path = layout.export("nl")
    data = path.read_bytes()
    path.unlink()
    assert refusal(layout) == (f"the last good run cannot be read: {path} is listed in "
                               f"{layout.index} but missing{HINT}")
    path.write_bytes(data.replace(b"speerpuntclusters", b"speerpuntclusters!"))
    assert refusal(layout) == (f"the last good run cannot be read: {path} is not the file "
                               f"{layout.index} lists (its sha256 differs){HINT}")
