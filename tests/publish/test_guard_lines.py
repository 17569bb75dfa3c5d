"""The guard as run() calls it, in process: the exact line an operator reads, the report's
list, --accept-loss, and the record rules' wording (mutation testing found them unchecked)."""

import shutil

import pytest

from pipeline.crawl.pipelines import ANNOUNCED_STAT
from pipeline.i18n.catalogs import MergeReport
from pipeline.outputs.export import plan_export
from pipeline.outputs.report import RunReport
from pipeline.publish.guard import Refused, check, record_losses, records_refusal
from pipeline.records import TRANSLATABLE_FIELDS, read_records
from tests.support import ROOT

RECORDS = read_records(ROOT / "output" / "records.jsonl")
WITHOUT_SIM = [r for r in RECORDS if r["id"] != "sim"]
SIM_GONE = ("cluster/sim would be removed: 6 clusters where the last good run had 7, "
            "and the title announces no count")


def wrong_locales_run(tmp_path):
    """SIM gone with no count in the title, and --locales pointing at an empty directory."""
    output, locales = tmp_path / "output", tmp_path / "empty-locales"
    shutil.copytree(ROOT / "output", output)
    locales.mkdir()
    files, _ = plan_export(WITHOUT_SIM, {"en": None, "nl": None, "fr": None}, output)
    contexts = [f"{r['type']}/{r['id']}/{name}" for r in WITHOUT_SIM
                for name in TRANSLATABLE_FIELDS[r["type"]]]
    merges = {language: MergeReport(new=contexts) for language in ("en", "nl", "fr")}
    return output, locales, {"files": files, "merges": merges}


def test_check_refuses_in_one_line_and_lists_every_loss_in_the_report(tmp_path):
    output, locales, outcome = wrong_locales_run(tmp_path)
    report = RunReport("test", None)
    with pytest.raises(Refused) as refused:
        check(report, RECORDS, WITHOUT_SIM, outcome, {}, output, locales, [])
    assert str(refused.value) == (
        f"refusing to publish 49 losses against the last good run; first: {SIM_GONE}; "
        f"all listed in {output / 'report.json'}; once read, publish with --accept-loss")
    losses = report.data["losses"]
    assert len(losses) == 49 and losses[0] == {"key": "cluster/sim", "what": SIM_GONE[12:],
                                               "accepted": False}
    po = locales / "nl" / "LC_MESSAGES" / "clusters.po"
    assert losses[1] == {"key": "nl/page/cluster-policy/title", "accepted": False,
                         "what": f"would show in English: {po} does not exist (wrong "
                                 "--locales, or a missing or replaced catalog?)"}
    assert [loss["key"][:3] for loss in losses[1:]] == ["nl/"] * 24 + ["fr/"] * 24
    assert report.data["stale"] == []


def test_accepted_losses_publish_and_are_still_reported(tmp_path):
    output, locales, outcome = wrong_locales_run(tmp_path)
    report = RunReport("test", None)
    with pytest.raises(Refused, match="^refusing to publish 24 losses .*; first: "
                                      "fr/page/cluster-policy/title would show in English"):
        check(report, RECORDS, WITHOUT_SIM, outcome, {}, output, locales, ["cluster/sim,nl"])
    assert [loss["accepted"] for loss in report.data["losses"]] == [True] * 25 + [False] * 24
    found = check(report, RECORDS, WITHOUT_SIM, outcome, {}, output, locales,
                  ["cluster/sim,nl", "fr"])
    assert len(found) == 49 and all(loss.accepted for loss in found)
    assert [loss["key"] for loss in report.data["losses"]] == [loss.key for loss in found]
    assert all(loss["accepted"] for loss in report.data["losses"])
    assert len(check(report, RECORDS, WITHOUT_SIM, outcome, {}, output, locales, ["all"])) == 49


def test_record_rules_in_words(tmp_path):
    assert records_refusal(RECORDS, WITHOUT_SIM, {}, []) == (
        f"refusing to publish 1 loss against the last good run; first: {SIM_GONE}; "
        "all: cluster/sim; once read, publish with --accept-loss")
    assert records_refusal(RECORDS, WITHOUT_SIM, {ANNOUNCED_STAT: 6}, []) is None
    assert records_refusal(RECORDS, WITHOUT_SIM, {}, ["cluster/sim"]) is None
    logged = []
    line = records_refusal(RECORDS, WITHOUT_SIM, {}, [], log=lambda *a: logged.append(a))
    assert logged == [("%s loss %s %s", "refused", "cluster/sim", SIM_GONE[12:])]
    assert line.endswith("; all listed in the log; once read, publish with "
                         "-s SPEERPUNT_ACCEPT_LOSS=KEY[,KEY] or =all")

    article = dict(RECORDS[-1])
    gone = [r for r in RECORDS if r is not RECORDS[-1]]
    assert [(loss.key, loss.what) for loss in record_losses(RECORDS, gone, 7)] == [
        (f"article/{article['id']}", "would be removed, and the page does not say so")]
    crumbs = [dict(r) for r in RECORDS]
    crumbs[0]["breadcrumbs"] = crumbs[0]["breadcrumbs"][:1]
    crumbs[1]["tagline"] = ""
    del crumbs[2]["tagline"]
    assert [(loss.key, loss.what) for loss in record_losses(RECORDS, crumbs, 7)] == [
        ("page/cluster-policy/breadcrumbs",
         '1 of 2 breadcrumbs would be dropped: ["Invest in Flanders"]'),
        ("cluster/blue-cluster/tagline",
         'tagline "turning the tide for the blue economy" would be emptied'),
        ("cluster/catalisti/tagline",
         'tagline "developing the formula for sustainable chemistry" would be dropped'),
    ]
