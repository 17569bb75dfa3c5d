"""The publication guard's rules on the shipped records and exports, one change at a time."""

import copy
import dataclasses
import json
import shutil

import pytest

from pipeline.items import Article
from pipeline.publish.guard import (
    Loss,
    accepted,
    find_losses,
    judge,
    record_losses,
    refusal,
    translation_losses,
)
from pipeline.records import read_records
from tests.faults.test_hostile_page import crawl_in_process
from tests.faults.test_run_faults import cluster_blocks
from tests.support import ROOT, snapshot_page

RECORDS = read_records(ROOT / "output" / "records.jsonl")
EXPORTS = {language: json.loads((ROOT / "output" / language / "clusters.json").read_bytes())
           for language in ("en", "nl", "fr")}
UNSAFE = [("page/cluster-policy", "javascript:x")]


def keys(losses) -> list[str]:
    return [loss.key for loss in losses]


def without(records, key):
    return [r for r in records if r.key != key]


def changed(records, key, **fields):
    """records with the one under key changed (a copy; RECORDS stays as shipped)."""
    return [dataclasses.replace(r, **fields) if r.key == key else r for r in records]


def nl_losses(after, new, locales):
    return translation_losses("nl", EXPORTS["nl"], after["nl"], set(new),
                              lambda context: locales / "nl" / "LC_MESSAGES" / "clusters.po")


def test_the_same_run_again_loses_nothing(tmp_path):
    assert find_losses(RECORDS, RECORDS, [], 7) == []
    assert nl_losses(EXPORTS, [], tmp_path) == []


def test_a_first_run_loses_nothing_but_still_drops_unsafe_urls():
    assert find_losses([], RECORDS, [], None) == []
    assert keys(find_losses([], RECORDS, UNSAFE, None)) == ["page/cluster-policy/url"]


def test_a_cluster_goes_only_when_the_title_announces_the_new_count():
    fewer = without(RECORDS, "cluster/sim")
    assert keys(record_losses(RECORDS, fewer, None)) == ["cluster/sim"]  # floor: 7
    assert record_losses(RECORDS, fewer, 6) == []


def test_a_cluster_replaced_by_another_under_the_same_count_is_a_loss():
    """Row 5 of the trust issue: SIM gone, a stranger in its place, the title still 7."""
    swapped = changed(RECORDS, "cluster/sim", id="buy-cheap-pills", name="Buy Cheap Pills",
                      tagline="best prices online today", description="Order now.")
    losses = record_losses(RECORDS, swapped, 7)
    assert [(loss.key, loss.what) for loss in losses] == [
        ("cluster/sim", "would be removed while cluster/buy-cheap-pills appears in its place, "
                        "and the title still announces 7")]
    assert keys(record_losses(RECORDS, swapped, None)) == ["cluster/sim"]


def test_an_article_is_lost_unless_only_its_title_changed():
    articles = [r for r in RECORDS if isinstance(r, Article)]
    assert keys(record_losses(RECORDS, without(RECORDS, articles[0].key), 7)) \
        == [articles[0].key]
    retitled = changed(RECORDS, articles[0].key, id="why-sharing-is-smart",
                       title="Why sharing is smart")
    assert record_losses(RECORDS, retitled, 7) == []


def test_a_dropped_date_and_breadcrumb_are_losses():
    article = next(r for r in RECORDS if isinstance(r, Article))
    dated = changed(RECORDS, article.key, date="2019-09-26")  # the snapshot shows no date
    now = changed(changed(dated, "page/cluster-policy",
                          breadcrumbs=RECORDS[0].breadcrumbs[:1]), article.key, date=None)
    losses = record_losses(dated, now, 7)
    assert keys(losses) == ["page/cluster-policy/breadcrumbs", f"{article.key}/date"]
    assert '["Invest in Flanders"]' in losses[0].what
    assert "dropped" in losses[1].what


def test_translations_are_lost_only_for_want_of_any_catalog_entry(tmp_path):
    after = copy.deepcopy(EXPORTS)
    flux50 = next(c for c in after["nl"]["clusters"] if c["id"] == "flux50")
    flux50["fallback"] = ["tagline"]
    # the entry is still there (fuzzy for a changed sentence, or emptied by a translator)
    assert nl_losses(after, [], tmp_path) == []
    losses = nl_losses(after, ["cluster/flux50/tagline"], tmp_path)
    assert keys(losses) == ["nl/cluster/flux50/tagline"]
    assert "clusters.po does not exist" in losses[0].what


def test_an_accept_key_that_matches_no_loss_is_bad_usage():
    from pipeline.errors import BadUsage

    losses = [Loss("cluster/sim", "would be removed")]
    assert [loss.accepted for loss in judge(losses, ["cluster/sim"])] == [True]
    assert [loss.accepted for loss in judge(losses, ["all"])] == [True]
    with pytest.raises(BadUsage, match=r"^--accept-loss=bogus/key matches no loss of this run"):
        judge(losses, ["cluster/sim,bogus/key"])


@pytest.mark.parametrize(("key", "accept", "result"), [
    ("cluster/sim", ["all"], True),
    ("cluster/sim", ["cluster/sim"], True),
    ("cluster/sim", ["cluster"], True),
    ("cluster/sim", ["cluster/"], True),
    ("cluster/sim", ["cluster/si"], False),
    ("cluster/simx", ["cluster/sim"], False),
    ("nl/cluster/sim/name", ["fr,nl"], True),
    ("nl/cluster/sim/name", ["cluster/sim"], False),
    ("cluster/sim", [], False),
])
def test_accept_loss_keys(key, accept, result):
    assert accepted(key, accept) is result


def test_scrapy_crawl_publishing_itself_applies_the_record_rules(tmp_path):
    """Under `scrapy crawl` (Scrapyd) the crawl writes records.jsonl: the same rules hold,
    and -s SPEERPUNT_ACCEPT_LOSS accepts a loss as --accept-loss does."""
    shutil.copytree(ROOT / "output", tmp_path / "output")
    records = tmp_path / "output" / "records.jsonl"
    before = records.read_bytes()
    page = snapshot_page().replace("7 spearhead clusters</span></h1>",
                                   "Spearhead clusters</span></h1>")
    page = page.replace(cluster_blocks(page)[5], "", 1)  # SIM
    shutil.copytree(ROOT / "locales", tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    refused = crawl_in_process(page, tmp_path / "output", publish=True)
    assert refused.failure.startswith("refusing to publish 1 loss against the last good run; "
                                      "first: cluster/sim would be removed"), refused.failure
    assert "SPEERPUNT_ACCEPT_LOSS" in refused.failure
    assert records.read_bytes() == before
    accepted_run = crawl_in_process(page, tmp_path / "output", publish=True,
                                    accept="cluster/sim")
    assert accepted_run.failure is None
    assert [r.id for r in read_records(records) if r.kind == "cluster"] == [
        "blue-cluster", "catalisti", "flanders-food", "medvia", "flux50", "vil"]


def test_every_loss_of_a_run_is_listed_in_its_own_words():
    """Several records and fields lost at once are each listed (none stops the search),
    with values as the operator would read them: not JSON-escaped."""
    first, second = [r.id for r in RECORDS if isinstance(r, Article)][:2]
    old = changed(RECORDS, "cluster/flux50", tagline="énergie ✓")
    now = changed(without(without(RECORDS, f"article/{first}"), f"article/{second}"),
                  "cluster/flux50", tagline="")
    vil = next(r for r in now if r.key == "cluster/vil")
    tagline = json.dumps(vil.tagline, ensure_ascii=False)
    now = changed(now, "cluster/vil", tagline=None)
    assert [(loss.key, loss.what) for loss in record_losses(old, now, 7)] == [
        ("cluster/flux50/tagline", 'tagline "énergie ✓" would be emptied'),
        ("cluster/vil/tagline", f"tagline {tagline} would be emptied"),
        (f"article/{first}", "would be removed, and the page does not say so"),
        (f"article/{second}", "would be removed, and the page does not say so"),
    ]


@pytest.mark.parametrize("accepted_flags, line", [
    ([False, False, True], "refusing to publish 2 losses against the last good run; first: "
                           "a x; listed; once read, publish with --accept-loss"),
    ([True, False, True], "refusing to publish 1 loss against the last good run; first: "
                          "b y; listed; once read, publish with --accept-loss"),
    ([True, True, True], None),
])
def test_the_refusal_counts_and_names_only_what_nobody_accepted(accepted_flags, line):
    losses = [Loss(key, what, flag) for (key, what), flag in
              zip([("a", "x"), ("b", "y"), ("c", "z")], accepted_flags, strict=True)]
    assert refusal(losses, "listed", "--accept-loss") == line


def test_an_unsafe_url_and_a_lost_record_are_both_listed_in_words(tmp_path):
    losses = find_losses(RECORDS, without(RECORDS, "cluster/sim"), UNSAFE, None)
    assert [(loss.key, loss.what) for loss in losses] == [
        ("page/cluster-policy/url", "is unsafe and was dropped: 'javascript:x'"),
        ("cluster/sim", "would be removed: 6 clusters where the last good run had 7, and "
                        "the title announces no count")]


def test_a_catalog_that_exists_but_lacks_the_entry_is_named_as_such(tmp_path):
    after = copy.deepcopy(EXPORTS)
    next(c for c in after["nl"]["clusters"] if c["id"] == "flux50")["fallback"] = ["tagline"]
    po = tmp_path / "nl" / "LC_MESSAGES" / "clusters.po"
    po.parent.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "nl" / "LC_MESSAGES" / "clusters.po", po)
    losses = nl_losses(after, ["cluster/flux50/tagline"], tmp_path)
    assert [(loss.key, loss.what) for loss in losses] == [
        ("nl/cluster/flux50/tagline", f"would show in English: {po} has no entry for it "
                                      "(wrong --locales, or a missing or replaced catalog?)")]
