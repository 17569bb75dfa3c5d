"""The guard as run() calls it, in process: the exact line an operator reads, the report's
list, --accept-loss, and the record rules' wording (mutation testing found them unchecked)."""

import dataclasses
import shutil

import pytest

from pipeline.errors import BadUsage
from pipeline.items import Harvest
from pipeline.layout import Layout
from pipeline.outputs.report import RunReport
from pipeline.publish.extension import ACCEPT_WITH
from pipeline.publish.guard import Refused, record_losses
from pipeline.publish.service import Options, Session
from pipeline.records import read_records
from tests.support import ROOT, tree_bytes

RECORDS = read_records(ROOT / "output" / "records.jsonl")
WITHOUT_SIM = [r for r in RECORDS if r.id != "sim"]
SIM_GONE = ("cluster/sim would be removed: 6 clusters where the last good run had 7, "
            "and the title announces no count")


def publish(output, locales, records, **options):
    """One run through the publishing service, as every command publishes; its report."""
    layout = Layout(output, locales)
    report = RunReport("test", None)
    with Session(*layout.roots, layout=layout, report=report) as session:
        session.publish([Harvest("clusters", records=records)], Options(**options))
    return report


def wrong_locales_run(tmp_path):
    """SIM gone with no count in the title, and --locales pointing at an empty directory."""
    output, locales = tmp_path / "output", tmp_path / "empty-locales"
    shutil.copytree(ROOT / "output", output)
    locales.mkdir()
    return output, locales


def refused_report(output, locales, records, **options):
    before = tree_bytes(output, locales)
    with pytest.raises(Refused) as refused:
        publish(output, locales, records, **options)
    assert tree_bytes(output, locales) == {**before, **{
        str(output / "report.json"): (output / "report.json").read_bytes()}}
    import json

    return str(refused.value), json.loads((output / "report.json").read_bytes())


def test_check_refuses_in_one_line_and_lists_every_loss_in_the_report(tmp_path):
    output, locales = wrong_locales_run(tmp_path)
    line, report = refused_report(output, locales, WITHOUT_SIM)
    assert line == (
        f"refusing to publish 49 losses against the last good run; first: {SIM_GONE}; "
        f"all listed in {output / 'report.json'}; once read, publish with --accept-loss")
    losses = report["losses"]
    assert len(losses) == 49 and losses[0] == {"key": "cluster/sim", "what": SIM_GONE[12:],
                                               "accepted": False}
    po = locales / "nl" / "LC_MESSAGES" / "clusters.po"
    assert losses[1] == {"key": "nl/page/cluster-policy/title", "accepted": False,
                         "what": f"would show in English: {po} does not exist (wrong "
                                 "--locales, or a missing or replaced catalog?)"}
    assert [loss["key"][:3] for loss in losses[1:]] == ["nl/"] * 24 + ["fr/"] * 24
    assert report["stale"] == [] and report["result"] == "failed"


def test_accepted_losses_publish_and_are_still_reported(tmp_path):
    output, locales = wrong_locales_run(tmp_path)
    line, report = refused_report(output, locales, WITHOUT_SIM, accept=["cluster/sim,nl"])
    assert line.startswith("refusing to publish 24 losses ")
    assert "; first: fr/page/cluster-policy/title would show in English" in line
    assert [loss["accepted"] for loss in report["losses"]] == [True] * 25 + [False] * 24
    done = publish(output, locales, WITHOUT_SIM, accept=["cluster/sim,nl", "fr"]).data
    assert done["result"] == "published"
    assert [loss["key"] for loss in done["losses"]] == [loss["key"] for loss in report["losses"]]
    assert len(done["losses"]) == 49 and all(loss["accepted"] for loss in done["losses"])


def test_accept_all_publishes_and_lists_all(tmp_path):
    output, locales = wrong_locales_run(tmp_path)
    assert len(publish(output, locales, WITHOUT_SIM, accept=["all"]).data["losses"]) == 49


def test_an_accept_key_matching_no_loss_is_bad_usage_and_changes_nothing(tmp_path):
    output, locales = wrong_locales_run(tmp_path)
    (output / "report.json").unlink(missing_ok=True)
    before = tree_bytes(output)
    with pytest.raises(BadUsage, match="^--accept-loss=cluster/vil matches no loss"):
        publish(output, locales, WITHOUT_SIM, accept=["all", "cluster/vil"])
    assert {k: v for k, v in tree_bytes(output).items() if not k.endswith("report.json")} \
        == before


def test_record_rules_in_words(tmp_path):
    shutil.copytree(ROOT / "output", tmp_path / "output")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    output, locales = tmp_path / "output", tmp_path / "locales"
    with pytest.raises(Refused) as refused:
        publish(output, locales, WITHOUT_SIM, records_only=True, listing="keys")
    assert str(refused.value) == (
        f"refusing to publish 1 loss against the last good run; first: {SIM_GONE}; "
        "all: cluster/sim; once read, publish with --accept-loss")
    announced = [dataclasses.replace(r, announced=6) if r.kind == "page" else r
                 for r in WITHOUT_SIM]
    assert publish(output, locales, announced, records_only=True).data["losses"] == []
    shutil.copy(ROOT / "output" / "records.jsonl", output / "records.jsonl")
    assert publish(output, locales, WITHOUT_SIM, records_only=True,
                   accept=["cluster/sim"]).data["result"] == "published"
    shutil.copy(ROOT / "output" / "records.jsonl", output / "records.jsonl")
    with pytest.raises(Refused) as refused:
        publish(output, locales, WITHOUT_SIM, records_only=True, accept_with=ACCEPT_WITH)
    assert str(refused.value).endswith(f"; all listed in {output / 'report.json'}; once read, "
                                       "publish with -s SPEERPUNT_ACCEPT_LOSS=KEY[,KEY] or =all")


def test_record_losses_in_words():
    article = [r for r in RECORDS if r.kind == "article"][-1]
    gone = [r for r in RECORDS if r is not article]
    assert [(loss.key, loss.what) for loss in record_losses(RECORDS, gone, 7)] == [
        (f"article/{article.id}", "would be removed, and the page does not say so")]
    crumbs = list(RECORDS)
    crumbs[0] = dataclasses.replace(crumbs[0], breadcrumbs=crumbs[0].breadcrumbs[:1])
    crumbs[1] = dataclasses.replace(crumbs[1], tagline="")
    crumbs[2] = dataclasses.replace(crumbs[2], tagline=None)
    assert [(loss.key, loss.what) for loss in record_losses(RECORDS, crumbs, 7)] == [
        ("page/cluster-policy/breadcrumbs",
         '1 of 2 breadcrumbs would be dropped: ["Invest in Flanders"]'),
        ("cluster/blue-cluster/tagline",
         'tagline "turning the tide for the blue economy" would be emptied'),
        ("cluster/catalisti/tagline",
         'tagline "developing the formula for sustainable chemistry" would be emptied'),
    ]
