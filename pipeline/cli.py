"""`speerpunt`: the command line an operator, a translator and cron use.

Exit codes: 0 done; 1 the run failed and nothing was changed; 2 bad usage
or configuration. A failure prints one line on stderr.
"""

import argparse
import sys
from pathlib import Path

from pipeline.errors import BadUsage, RunFailed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="speerpunt", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def crawl_options(sub):
        source = sub.add_mutually_exclusive_group()
        source.add_argument("--snapshot", action="store_true",
                            help="crawl the bundled copy of the site, served on 127.0.0.1")
        source.add_argument("--url", help="crawl this page of the same shape (its host is allowed)")
        sub.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    def output_option(sub):
        sub.add_argument("--output", type=Path, default=Path("output"),
                         help="records and exports directory (default: output)")

    def locales_option(sub):
        sub.add_argument("--locales", type=Path, default=Path("locales"),
                         help="gettext catalogs directory (default: locales)")

    run = commands.add_parser("run", help="crawl, update and compile catalogs, export")
    crawl_options(run)
    output_option(run)
    locales_option(run)

    crawl = commands.add_parser("crawl", help="crawl and write output/records.jsonl")
    crawl_options(crawl)
    output_option(crawl)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BadUsage as problem:
        print(f"speerpunt: {problem}", file=sys.stderr)
        return 2
    except RunFailed as problem:
        print(f"speerpunt: {problem}", file=sys.stderr)
        return 1


def crawl_records(args) -> list[dict]:
    """Records of a passing crawl of the chosen source; RunFailed otherwise."""
    from pipeline.crawl import SNAPSHOT_SETTINGS, run_crawl

    if args.snapshot:
        from pipeline.snapshot import PAGE_PATH, serve

        with serve() as base_url:
            result = run_crawl(base_url + PAGE_PATH, SNAPSHOT_SETTINGS, args.verbose)
    else:
        if args.url and not args.url.startswith(("http://", "https://")):
            raise BadUsage(f"--url must be an http(s) URL, not {args.url!r}")
        result = run_crawl(args.url, None, args.verbose)
    if result.failure:
        raise RunFailed(f"crawl failed: {result.failure}")
    return result.records


def command_crawl(args) -> int:
    from pipeline.records import write_records

    records = crawl_records(args)
    write_records(args.output / "records.jsonl", records)
    clusters = sum(1 for record in records if record["type"] == "cluster")
    print(f"{clusters} clusters written to {args.output / 'records.jsonl'}")
    return 0


COMMANDS = {"crawl": command_crawl, "run": command_crawl}

if __name__ == "__main__":
    sys.exit(main())
