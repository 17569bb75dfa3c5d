"""The command line's options: every command's flags, checked before anything starts."""

import argparse
from pathlib import Path

from pipeline.sources import registry


class OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line, like every other failure (exit 2)."""

    def error(self, message):
        self.exit(2, f"speerpunt: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="speerpunt",
        description="Harvest the '7 spearhead clusters' page and every cluster's own site "
                    "into records, gettext catalogs and nl/en/fr JSON exports.",
        epilog="Exit codes: 0 done; 1 the run failed and nothing was changed; "
               "2 bad usage or configuration; 129/130/143 interrupted by "
               "SIGHUP/SIGINT/SIGTERM, nothing changed.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def crawl_options(sub):
        source = sub.add_mutually_exclusive_group()
        source.add_argument("--snapshot", nargs="?", const=True, default=None, metavar="DIR",
                            help="crawl a saved copy of the sites (DIR laid out as "
                                 "<host>/<path>; default: the bundled one), served on 127.0.0.1")
        source.add_argument("--url", help="crawl the overview at this URL, a page of the same "
                                          "shape (its host is allowed); no organisation site")
        sub.add_argument("--source", action="append", default=[], metavar="KEY",
                         choices=list(registry()),
                         help="crawl only this source (repeatable): clusters (the overview) "
                              "or a cluster's id; the others keep what is published")
        sub.add_argument("--strict", action="store_true",
                         help="a site that could not be read fails the run (default: its last "
                              "published profile is kept, marked stale)")
        sub.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                         help="override a Scrapy setting, e.g. -s DOWNLOAD_TIMEOUT=10")
        sub.add_argument("-v", "--verbose", action="store_true",
                         help="show Scrapy's log, and every changed field in the summary")

    def run_options(sub):
        sub.add_argument("--start-over", action="store_true",
                         help="publish without comparing with the last good run (when it "
                              "cannot be read: a truncated records.jsonl, a missing one)")

    def output_option(sub):
        sub.add_argument("--output", type=Path, default=Path("output"),
                         help="records and exports directory (default: output)")

    def accept_loss_option(sub):
        sub.add_argument("--accept-loss", action="append", nargs="?", const="all", default=[],
                         metavar="KEY",
                         help="publish although the publication guard listed losses: all of "
                              "them, or those under KEY (cluster/sim, nl, article; repeatable, "
                              "comma-separated)")

    def locales_option(sub):
        sub.add_argument("--locales", type=Path, default=Path("locales"),
                         help="gettext catalogs directory (default: locales)")

    run = commands.add_parser("run", help="crawl, update and compile catalogs, export")
    crawl_options(run)
    output_option(run)
    locales_option(run)
    run.add_argument("--min-complete", type=fraction, default=0.0, metavar="FRACTION",
                     help="a locale less complete than this keeps its previous export")
    accept_loss_option(run)
    run_options(run)
    run.add_argument("-q", "--quiet", action="store_true",
                     help="print nothing on success, one line on failure (for cron)")

    crawl = commands.add_parser("crawl", help="crawl and write output/records.jsonl")
    crawl_options(crawl)
    output_option(crawl)
    accept_loss_option(crawl)
    run_options(crawl)

    catalogs = commands.add_parser("catalogs", help="update, compile, count or check catalogs")
    catalogs.add_argument("action", choices=["update", "compile", "stats", "check"])
    locales_option(catalogs)
    output_option(catalogs)

    export = commands.add_parser("export", help="write the JSON exports from records and catalogs")
    output_option(export)
    locales_option(export)
    export.add_argument("--min-complete", type=fraction, default=0.0, metavar="FRACTION",
                        help="a locale less complete than this keeps its previous export")

    memory = commands.add_parser(
        "memory", help="the translation memory (locales/<lang>/memory.tmx) as one TMX file: "
        "export it, or import an agency's or Weblate's and pre-fill the catalogs from it")
    memory.add_argument("action", choices=["export", "import"])
    memory.add_argument("file", type=Path, metavar="FILE.tmx",
                        help="the TMX file to write (export; - for standard output) or read")
    locales_option(memory)
    output_option(memory)

    preview = commands.add_parser("preview", help="write output/preview/: the page in each locale "
                                  "with the strings that need work marked")
    output_option(preview)
    locales_option(preview)
    return parser


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 to 1, not {text!r}")
    return value
