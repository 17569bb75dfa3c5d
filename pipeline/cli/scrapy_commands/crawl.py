"""`scrapy crawl` that exits 1 when the crawl did not finish (refused, deadline, shutdown).

Scrapy's own command exits 0 whatever the finish reason; cron and Scrapyd
operators read the exit code.
"""

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("expects exactly one spider name")
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if self.crawler_process.bootstrap_failed or reason != "finished":
            self.exitcode = 1
