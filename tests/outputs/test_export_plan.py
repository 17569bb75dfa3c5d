"""plan_export in process: the committed exports and index come out byte for byte, from
nothing and from the previous files; completeness and --min-complete to the digit."""

import json
import shutil
from datetime import UTC, datetime

import pytest

from pipeline.errors import RunFailed
from pipeline.i18n.catalogs import current_mo
from pipeline.outputs.export import check_schema, plan_export
from pipeline.records import read_records
from tests.support import ROOT

RECORDS = read_records(ROOT / "output" / "records.jsonl")
OVERVIEW = [record for record in RECORDS if record.source == "clusters"]  # 27 messages
NAMES = ["en/clusters.json", "nl/clusters.json", "fr/clusters.json", "clusters.schema.json",
         "index.json"]


def compiled(locales=ROOT / "locales") -> dict[tuple[str, str], bytes]:
    return {("clusters", language): current_mo(locales, language, force=True)[0]
            for language in ("en", "nl", "fr")}


@pytest.fixture
def committed_clock(monkeypatch):
    stamp = json.loads((ROOT / "output" / "en" / "clusters.json").read_text())["last_changed"]
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


@pytest.mark.parametrize("start", ["empty", "previous"])
def test_plan_gives_the_committed_files_byte_for_byte(tmp_path, committed_clock, start):
    output = tmp_path / "output"
    if start == "previous":
        shutil.copytree(ROOT / "output", output)
    files, held_back = plan_export(RECORDS, compiled(), output)
    assert held_back == []
    assert [path.relative_to(output).as_posix() for path in files] == NAMES
    for name in NAMES:
        assert files[output / name] == (ROOT / "output" / name).read_bytes(), name


def test_completeness_and_min_complete_to_the_digit(tmp_path, committed_clock):
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    path = locales / "nl" / "LC_MESSAGES" / "clusters.po"
    text = path.read_text()
    for context in ("cluster/vil/tagline",
                    "article/why-sharing-smart-innovation-in-flanders/title"):
        start = text.index(f'msgctxt "{context}"')
        line = text.index("msgstr ", start)
        end = text.index("\n", line)
        text = text[:line] + 'msgstr ""' + text[end:]
    path.write_text(text)
    output = tmp_path / "output"
    share = round(25 / 27, 4)
    full, _ = plan_export(OVERVIEW, compiled(), output)  # what was published before
    for path, data in full.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    published = json.loads(full[output / "index.json"])["locales"]
    shutil.rmtree(output)

    files, held_back = plan_export(OVERVIEW, compiled(locales), output, min_complete=share)
    assert held_back == []  # exactly as complete as asked is complete enough
    index = json.loads(files[output / "index.json"])
    assert [(e["locale"], e["completeness"]) for e in index["locales"]] == \
        [("en", 1.0), ("nl", share), ("fr", 1.0)]
    nl = json.loads(files[output / "nl" / "clusters.json"])
    assert nl["clusters"][6]["fallback"] == ["tagline"]
    assert nl["articles"][0]["fallback"] == ["title"]

    files, held_back = plan_export(OVERVIEW, compiled(locales), output, min_complete=0.95)
    assert held_back == [("nl", share)]  # no previous nl file: none published, none listed
    assert output / "nl" / "clusters.json" not in files
    index = json.loads(files[output / "index.json"])
    assert [e["locale"] for e in index["locales"]] == ["en", "fr"]

    for path, data in full.items():  # now a previous nl file is kept and described
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    files, held_back = plan_export(OVERVIEW, compiled(locales), output, min_complete=0.95)
    assert held_back == [("nl", share)] and output / "nl" / "clusters.json" not in files
    listed = json.loads(files[output / "index.json"])["locales"]
    assert listed == published


def test_an_export_breaking_the_schema_is_refused_with_where_and_why(tmp_path):
    export = json.loads((ROOT / "output" / "nl" / "clusters.json").read_text())
    export["clusters"][0]["tagline"] = ""
    with pytest.raises(RunFailed) as failure:
        check_schema(export, tmp_path / "nl" / "clusters.json")
    assert str(failure.value) == (f"{tmp_path / 'nl' / 'clusters.json'} would not match "
                                  "clusters.schema.json at $.clusters[0].tagline: '' should be "
                                  "non-empty; nothing was published")
