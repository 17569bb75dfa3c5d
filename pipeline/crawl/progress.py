"""One line per page fetched, on a terminal: a live run is not silent until it ends.

Enabled by SPEERPUNT_PROGRESS, which `speerpunt` sets only when stderr is a terminal
and --quiet was not given: cron, systemd and pipes see nothing.
"""

import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured


class Progress:
    """Extension: `fetched 200 https://…` on stderr for every response."""

    def __init__(self, crawler):
        if not crawler.settings.getbool("SPEERPUNT_PROGRESS"):
            raise NotConfigured
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def response_received(self, response, request, spider):
        print(f"fetched {response.status} {response.url}", file=sys.stderr, flush=True)
