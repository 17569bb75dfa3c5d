"""The registry of sources and the spiders that harvest them: one test over every spider."""

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from pipeline.layout import Layout
from pipeline.sources import LOCALES, OVERVIEW, domains, registry, source
from spiders.base import BaseSpider


def test_the_overview_is_first_and_every_source_names_a_real_spider():
    loader = SpiderLoader.from_settings(get_project_settings())
    sources = registry()
    assert next(iter(sources)) == OVERVIEW and source(OVERVIEW).overview
    assert sorted(loader.list()) == sorted(found.spider for found in sources.values())
    for found in sources.values():
        spider = loader.load(found.spider)
        assert issubclass(spider, BaseSpider) and spider.source_key == found.key
        assert found.start_url.startswith("https://") and found.host in found.start_url
        assert found.language in LOCALES


def test_every_domain_has_one_source():
    assert list(domains()) == [found.domain for found in registry().values()]


def test_the_layout_names_every_path(tmp_path):
    layout = Layout(tmp_path / "out", tmp_path / "loc")
    assert layout.records == tmp_path / "out" / "records.jsonl"
    assert layout.export("nl") == tmp_path / "out" / "nl" / "clusters.json"
    assert layout.catalog("clusters", "fr") == \
        tmp_path / "loc" / "fr" / "LC_MESSAGES" / "clusters.po"
    assert layout.compiled("clusters", "fr").suffix == ".mo"
    assert layout.template("clusters") == tmp_path / "loc" / "clusters.pot"
    assert layout.cache == tmp_path / "out" / ".cache" / "http"
