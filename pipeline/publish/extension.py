"""The publisher: a spider run alone (`scrapy crawl`, Scrapyd) publishes what it harvested.

It is the same Session as `speerpunt run` (pipeline/publish/service.py): the
directories (-s SPEERPUNT_OUTPUT, -s SPEERPUNT_LOCALES) are locked when the
spider opens, a killed command's journal is settled, and when the spider is
idle its harvest replaces that source's records and is staged, guarded and
committed with the catalogs and exports. Any refusal is the close reason
`refused: <reason>`, which makes `scrapy crawl` exit 1; report.json says it too.
"""

from pathlib import Path

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from pipeline.crawl.collect import REFUSED, Collector, verdict
from pipeline.errors import BadUsage, RunFailed
from pipeline.layout import Layout
from pipeline.outputs.report import RunReport
from pipeline.publish.service import Options, Session

ACCEPT_WITH = "-s SPEERPUNT_ACCEPT_LOSS=KEY[,KEY] or =all"


class Publisher:
    """Extension: lock at open, publish at idle, release (and report) at close."""

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("SPEERPUNT_PUBLISH"):
            raise NotConfigured  # `speerpunt` publishes what it crawls itself
        self.crawler = crawler
        self.layout = Layout(Path(settings["SPEERPUNT_OUTPUT"]).absolute(),
                             Path(settings["SPEERPUNT_LOCALES"]).absolute())
        self.options = Options(accept=[settings.get("SPEERPUNT_ACCEPT_LOSS", "")],
                               start_over=settings.getbool("SPEERPUNT_START_OVER"),
                               accept_with=ACCEPT_WITH)
        self.session: Session | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        if self.crawler.settings.get("JOBDIR"):
            raise CloseSpider(f"{REFUSED}-s JOBDIR keeps crawl state outside "
                              f"{self.layout.output} and {self.layout.locales}; not supported")
        session = Session(*self.layout.roots, layout=self.layout,
                          report=RunReport(f"spider {spider.name}: {spider.start_url}", None))
        try:
            session.__enter__()
        except (RunFailed, BadUsage) as error:
            spider.logger.error(str(error))
            raise CloseSpider(REFUSED + str(error)) from None
        self.session = session

    def spider_idle(self, spider):
        collector = Collector.of(self.crawler)
        if self.session is None or collector.refusal():
            return  # the collector closes the spider with its refusal
        try:
            outcome = self.session.publish([collector.harvest()], self.options)
        except (RunFailed, BadUsage) as error:
            for loss in self.session.report.data["losses"]:
                spider.logger.warning("%s loss %s %s",
                                      "accepted" if loss["accepted"] else "refused",
                                      loss["key"], loss["what"])
            spider.logger.error(str(error))
            self.session.report.failed(str(error))
            raise CloseSpider(REFUSED + str(error)) from None
        spider.logger.info("published %d files to %s and %s", len(outcome.written),
                           self.layout.output, self.layout.locales)

    def spider_closed(self, spider, reason):
        session, self.session = self.session, None
        if session is None:
            return
        failure = verdict(reason, self.crawler.settings)
        if failure and session.report.data["result"] == "running":
            session.report.failed(f"crawl failed: {failure}")
        try:
            session.__exit__(None, None, None)
        except RunFailed as error:  # the report could not be written: say so in the log
            spider.logger.error(str(error))
