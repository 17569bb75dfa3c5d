"""The collector's verdict: the close reason is the refusal, whatever closed the crawl."""

import pytest
from scrapy.settings import Settings

from pipeline.crawl.collect import verdict

SETTINGS = Settings({"CLOSESPIDER_TIMEOUT": 15})


@pytest.mark.parametrize(("reason", "line"), [
    ("finished", None),
    ("refused: no clusters found on https://x/", "no clusters found on https://x/"),
    ("closespider_timeout", "the crawl passed its deadline of 15 s (raise it with "
                            "-s CLOSESPIDER_TIMEOUT=SECONDS)"),
    ("shutdown", "the crawl ended before it finished (shutdown)"),
    ("cancelled", "the crawl ended before it finished (cancelled)"),
])
def test_every_close_reason_but_finished_refuses_in_one_line(reason, line):
    assert verdict(reason, SETTINGS) == line
