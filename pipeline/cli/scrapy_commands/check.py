"""`scrapy check` that writes nothing: contracts discard what the callbacks return.

Scrapy's own command switches item pipelines and feeds off for the same reason;
speerpunt's publisher is an extension, so it would otherwise lock --output, find
no records and write a failed report.json into the project's own output/, and the
HTTP cache (under output/.cache) would keep the contracts' snapshot pages.
"""

from scrapy.commands.check import Command as ScrapyCheck
from scrapy.settings import SETTINGS_PRIORITIES


class Command(ScrapyCheck):
    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        # as Scrapy's for ITEM_PIPELINES: above the spider's settings, below -s
        priority = (SETTINGS_PRIORITIES["spider"] + SETTINGS_PRIORITIES["cmdline"]) // 2
        self.settings.set("SPEERPUNT_PUBLISH", False, priority=priority)
        self.settings.set("HTTPCACHE_ENABLED", False, priority=priority)
