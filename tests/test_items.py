"""The record types: contract order, translatable and optional fields, strict reading."""

import pytest

from pipeline.items import Article, Cluster, Page, from_dict, sort_records


def test_records_write_type_first_then_their_fields_in_contract_order():
    cluster = Cluster(id="sim", position=6, name="SIM", tagline="t", description="d",
                      url="https://x/#sim")
    assert list(cluster.to_dict()) == ["type", "id", "position", "name", "tagline",
                                       "description", "url"]
    page = Page(id="p", title="T", intro="I", url="https://x/", breadcrumbs=["a"], announced=7)
    assert page.to_dict() == {"type": "page", "id": "p", "title": "T", "intro": "I",
                              "url": "https://x/", "breadcrumbs": ["a"]}  # announced: crawl only
    article = Article(id="a", title="T", summary="S", url="https://x/a", order=2, stale="404")
    assert article.to_dict() == {"type": "article", "id": "a", "title": "T", "summary": "S",
                                 "url": "https://x/a"}  # no date: absent, not null
    assert Article(id="a", title="T", summary="S", url="u", date="2022-03-15").to_dict()["date"] \
        == "2022-03-15"


def test_translatable_fields_and_their_comments():
    assert Page.translatable() == ("title", "intro")
    assert Cluster.translatable() == ("name", "tagline", "description")
    assert Article.translatable() == ("title", "summary")
    cluster = Cluster(id="sim", position=6, name="SIM", tagline="t", description="d", url="u")
    assert list(cluster.messages()) == [
        ("name", "SIM", "Name of the cluster SIM, shown as the heading of its section."),
        ("tagline", "t", "Tagline of the cluster SIM, shown after its name."),
        ("description", "d", "Description of the cluster SIM, shown under its heading.")]


def test_missing_names_the_first_empty_required_field():
    assert Cluster(id="x", position=1, name="X", tagline="", description="d",
                   url="u").missing() == "tagline"
    assert Article(id="a", title="T", summary="S", url="u").missing() is None  # date optional
    assert Page(id="p", title="T", intro="I", url="u").missing() is None  # no breadcrumbs: fine


@pytest.mark.parametrize(("data", "why"), [
    ([], "expected a JSON object, not list"),
    ({"type": "teaser"}, "unknown record type 'teaser'"),
    ({"type": "article", "id": "a", "title": "T", "summary": "S"},
     "article record lacks its field 'url'"),
    ({"type": "article", "id": "a", "title": "T", "summary": "S", "url": "u", "x": 1},
     "article record has an unknown field 'x'"),
    ({"type": "cluster", "id": "c", "position": "1", "name": "N", "tagline": "t",
      "description": "d", "url": "u"}, "cluster record's 'position' is not a number"),
    ({"type": "cluster", "id": "c", "position": True, "name": "N", "tagline": "t",
      "description": "d", "url": "u"}, "cluster record's 'position' is not a number"),
    ({"type": "page", "id": "p", "title": "T", "intro": "I", "url": "u",
      "breadcrumbs": ["a", 2]}, "page record's 'breadcrumbs' is not list[str]"),
])
def test_reading_a_record_back_is_strict(data, why):
    with pytest.raises(ValueError) as error:
        from_dict(data)
    assert str(error.value) == why


def test_a_record_reads_back_as_written():
    article = Article(id="a", title="T", summary="S", url="u", date="2022-03-15T09:00:00Z")
    assert from_dict(article.to_dict()) == article


def test_records_sort_by_type_then_place():
    records = [Article(id="b", order=2), Cluster(id="y", position=2), Article(id="a", order=1),
               Page(id="p"), Cluster(id="x", position=1)]
    assert [r.key for r in sort_records(records)] == [
        "page/p", "cluster/x", "cluster/y", "article/a", "article/b"]
