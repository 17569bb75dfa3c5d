"""Scrapy settings: polite towards the live site, quiet and fast for the snapshot.

`pipeline.crawl.process` overrides the few values that differ for a snapshot run.
"""

BOT_NAME = "speerpunt"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "speerpunt/0.1 (+https://github.com/speerpunt/speerpunt; cluster-page harvester)"
ROBOTSTXT_OBEY = True

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "pipeline.crawl.cache.RevalidatePolicy"  # every page revalidated
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]

REDIRECT_MAX_TIMES = 5
FEED_EXPORT_ENCODING = "utf-8"
# No remote control of a run: Scrapy's telnet console and its remote-control
# endpoint (which executes Python and writes a job file under ~/.local/state/scrapy)
# are off, and no JOBDIR is kept: a run writes nothing outside its directories.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# The collector gathers every crawl's items into its harvest; the publisher commits it
# when a spider runs alone (`scrapy crawl`, Scrapyd) through the same service as
# `speerpunt run` (pipeline/publish/service.py).
EXTENSIONS = {"scrapy.extensions.telnet.TelnetConsole": None,
              "scrapy.extensions.remote_control.RemoteControl": None,
              "pipeline.crawl.collect.Collector": 100,
              "pipeline.crawl.progress.Progress": 150,
              "pipeline.publish.extension.Publisher": 200}

# Bounded work: the crawl's deadline in seconds, and the most article links it follows.
CLOSESPIDER_TIMEOUT = 600
SPEERPUNT_MAX_ARTICLES = 50
SPIDER_MIDDLEWARES = {"pipeline.crawl.bounds.ArticleCap": 550}
# After DownloadTimeoutMiddleware (350): each request gets at most the time left.
DOWNLOADER_MIDDLEWARES = {"pipeline.crawl.bounds.Deadline": 360}

# The HTTP cache lives in SPEERPUNT_OUTPUT/.cache/http, found without scrapy.cfg (Scrapyd).
ADDONS = {"pipeline.crawl.cache.OutputCache": 0,
          # -s SPEERPUNT_SNAPSHOT_DIR=DIR: every site answered from a saved copy (--snapshot)
          "pipeline.crawl.snapshot.Snapshot": 10}
SPEERPUNT_SNAPSHOT_DIR = ""
SPEERPUNT_SNAPSHOT = ""  # the base URL serving it as <host>/<path>; empty: one started here

# `scrapy crawl` exits 1 when the crawl was refused or cut short (pipeline/commands/crawl.py).
COMMANDS_MODULE = "pipeline.cli.scrapy_commands"

ITEM_PIPELINES = {
    "pipeline.crawl.pipelines.NormalisePipeline": 100,
    "pipeline.crawl.pipelines.SafeUrlPipeline": 150,
    "pipeline.crawl.pipelines.ValidatePipeline": 200,
}

# Where a spider run alone publishes (`scrapy crawl`, Scrapyd: -s SPEERPUNT_OUTPUT=DIR
# -s SPEERPUNT_LOCALES=DIR): records, catalogs and exports, as `speerpunt run` does.
SPEERPUNT_OUTPUT = "output"
SPEERPUNT_LOCALES = "locales"
SPEERPUNT_PUBLISH = True
# One line per page fetched on stderr (`speerpunt` on a terminal, without --quiet).
SPEERPUNT_PROGRESS = False
# Losses the publication guard may let through when `scrapy crawl` publishes
# (`speerpunt run --accept-loss` is the same for a run): KEY,KEY or "all".
SPEERPUNT_ACCEPT_LOSS = ""

LOG_LEVEL = "INFO"

SPIDER_CONTRACTS = {"pipeline.crawl.contracts.SnapshotContract": 10}
