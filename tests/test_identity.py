"""Stable ids: a reworded record keeps the id of the last good run's, and only then."""

import dataclasses

from pipeline.identity import keep_ids
from pipeline.items import Article, Cluster
from pipeline.records import read_records
from tests.support import ROOT

RECORDS = read_records(ROOT / "output" / "records.jsonl")


def crawled(key, **fields):
    """The shipped records with one reworded as a crawl would name it (a slug of the text)."""
    return [dataclasses.replace(r, **fields) if r.key == key else r for r in RECORDS]


def test_a_respelled_cluster_keeps_its_id_and_its_url_fragment():
    now = crawled("cluster/flux50", id="flux-50", name="Flux 50",
                  url=RECORDS[5].url.replace("#flux50", "#flux-50"))
    kept, renames = keep_ids(RECORDS, now)
    flux = next(r for r in kept if isinstance(r, Cluster) and r.name == "Flux 50")
    assert (flux.id, flux.url.rpartition("#")[2]) == ("flux50", "flux50")
    assert [r.as_dict() for r in renames] == [{"key": "cluster/flux50", "crawled_as":
                                               "cluster/flux-50", "field": "name",
                                               "old": "Flux50", "new": "Flux 50"}]


def test_a_retitled_article_at_the_same_url_keeps_its_id():
    article = next(r for r in RECORDS if isinstance(r, Article))
    kept, renames = keep_ids(RECORDS, crawled(article.key, id="new-title", title="New title"))
    assert article.key in {r.key for r in kept} and len(renames) == 1


def test_a_cluster_with_nothing_in_common_is_not_a_rename():
    now = crawled("cluster/sim", id="other", name="Other", tagline="else",
                  description="Something else entirely.", website="https://other.example/")
    kept, renames = keep_ids(RECORDS, now)
    assert renames == [] and "cluster/other" in {r.key for r in kept}


def test_a_match_that_is_not_one_to_one_is_no_rename():
    """Two new clusters share the vanished one's description: no guess."""
    sim = next(r for r in RECORDS if r.key == "cluster/sim")
    twins = [dataclasses.replace(sim, id=name, name=name) for name in ("sim-a", "sim-b")]
    now = [r for r in RECORDS if r.key != "cluster/sim"] + twins
    kept, renames = keep_ids(RECORDS, now)
    assert renames == [] and {"cluster/sim-a", "cluster/sim-b"} <= {r.key for r in kept}


def test_an_unchanged_run_renames_nothing():
    assert keep_ids(RECORDS, RECORDS) == (RECORDS, [])
    assert keep_ids([], RECORDS) == (RECORDS, [])


def test_a_cluster_respelled_and_reworded_is_found_by_tagline_and_position():
    now = crawled("cluster/vil", id="vil-flanders", name="VIL Flanders",
                  description="A new description.", website=None)
    kept, renames = keep_ids(RECORDS, now)
    assert [r.key for r in renames] == ["cluster/vil"]
    assert next(r for r in kept if isinstance(r, Cluster) and r.position == 7).id == "vil"


def test_a_cluster_renamed_and_reworded_is_found_by_its_website():
    now = crawled("cluster/sim", id="materials", name="Materials", tagline="else",
                  description="Something else entirely.", position=9)
    kept, renames = keep_ids(RECORDS, now)
    assert [r.key for r in renames] == ["cluster/sim"]
