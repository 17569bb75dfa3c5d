"""`speerpunt`: the command line an operator, a translator and cron use.

Exit codes: 0 done; 1 the run failed and nothing was changed; 2 bad usage
or configuration; 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM, nothing
changed. A failure prints one line on stderr.
"""

import argparse
import contextlib
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from pipeline.errors import BadUsage, RunFailed
from pipeline.files import Publication, publish
from pipeline.publish import interrupt
from pipeline.publish.lock import run_lock


class OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line, like every other failure (exit 2)."""

    def error(self, message):
        self.exit(2, f"speerpunt: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="speerpunt",
        description="Harvest the '7 spearhead clusters' page into records, gettext catalogs "
                    "and nl/en/fr JSON exports.",
        epilog="Exit codes: 0 done; 1 the run failed and nothing was changed; "
               "2 bad usage or configuration; 129/130/143 interrupted by "
               "SIGHUP/SIGINT/SIGTERM, nothing changed.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def crawl_options(sub):
        source = sub.add_mutually_exclusive_group()
        source.add_argument("--snapshot", action="store_true",
                            help="crawl the bundled copy of the site, served on 127.0.0.1")
        source.add_argument("--url", help="crawl this page of the same shape (its host is allowed)")
        sub.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                         help="override a Scrapy setting, e.g. -s DOWNLOAD_TIMEOUT=10")
        sub.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

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
    run.add_argument("-q", "--quiet", action="store_true",
                     help="print nothing on success, one line on failure (for cron)")

    crawl = commands.add_parser("crawl", help="crawl and write output/records.jsonl")
    crawl_options(crawl)
    output_option(crawl)
    accept_loss_option(crawl)

    catalogs = commands.add_parser("catalogs", help="update, compile, count or check catalogs")
    catalogs.add_argument("action", choices=["update", "compile", "stats", "check"])
    locales_option(catalogs)
    output_option(catalogs)

    export = commands.add_parser("export", help="write the JSON exports from records and catalogs")
    output_option(export)
    locales_option(export)
    export.add_argument("--min-complete", type=fraction, default=0.0, metavar="FRACTION",
                        help="a locale less complete than this keeps its previous export")

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


def main(argv: list[str] | None = None) -> int:
    interrupt.install()
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except interrupt.Interrupted as stop:
        print(f"speerpunt: {stop}", file=sys.stderr)
        return stop.exit_code
    except BadUsage as problem:
        print(f"speerpunt: {problem}", file=sys.stderr)
        return 2
    except RunFailed as problem:
        print(f"speerpunt: {problem}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug: still one line for cron, and nothing was published
        print(f"speerpunt: {unexpected(error)}", file=sys.stderr)
        return 1


def unexpected(error: Exception) -> str:
    return f"unexpected {type(error).__name__}: {error} (please report it)"


def crawl(args):
    """Crawl the chosen source; the CrawlResult, failed or not."""
    from pipeline.crawl.process import SNAPSHOT_SETTINGS, run_crawl

    settings = {"SPEERPUNT_OUTPUT": str(args.output.absolute()), **scrapy_settings(args)}
    if args.snapshot:
        from pipeline.crawl.snapshot import PAGE_PATH, serve

        with serve() as base_url:
            result = run_crawl(base_url + PAGE_PATH, {**SNAPSHOT_SETTINGS, **settings},
                               args.verbose)
    else:
        result = run_crawl(args.url, settings, args.verbose)
    interrupt.check()
    return result


def check_crawl_options(args) -> None:
    """Refuse bad usage before anything is locked or written."""
    if args.url and (urlparse(args.url).scheme not in ("http", "https")
                     or not urlparse(args.url).hostname):
        raise BadUsage(f"--url must be an http(s) URL, not {args.url!r}")
    scrapy_settings(args)


def scrapy_settings(args) -> dict:
    from pipeline.crawl.overrides import parse_overrides

    return parse_overrides(args.set)


@contextlib.contextmanager
def holding(*directories: Path):
    """Lock every directory the command writes, finish a publication a killed command
    left in its journal, refuse symlinks and special files, sweep dead temporaries."""
    from pipeline.files import check_tree, remove_stale_temporaries
    from pipeline.publish.journal import settle

    check_directories(*directories)
    with run_lock(*directories) as stale:
        check_tree(list(directories))  # first: a planted .journal symlink is never read
        settle(*directories)
        remove_stale_temporaries(*directories)
        yield stale


def previous_records(output: Path) -> list[dict]:
    """The last published records, to report what changed; [] when unreadable."""
    from pipeline.records import read_records

    try:
        return read_records(output / "records.jsonl")
    except (ValueError, OSError):
        return []


def crawled_records(result) -> list[dict]:
    if result.failure:
        raise RunFailed(f"crawl failed: {result.failure}")
    return result.records


def command_crawl(args) -> int:
    from pipeline.publish.guard import records_refusal
    from pipeline.records import dump_records

    check_crawl_options(args)
    with holding(args.output):
        result = crawl(args)
        records = crawled_records(result)
        refused = records_refusal(previous_records(args.output), records, result.stats,
                                  args.accept_loss, None)
        if refused:
            raise RunFailed(refused)
        publish({args.output / "records.jsonl": dump_records(records)}, args.output)
    print(f"{count(records, 'cluster')} clusters written to {args.output / 'records.jsonl'}")
    return 0


def command_run(args) -> int:
    from pipeline.files import check_tree, remove_stale_temporaries
    from pipeline.outputs.report import RunReport, summary
    from pipeline.publish import guard
    from pipeline.publish.journal import settle

    check_crawl_options(args)
    check_directories(args.output, args.locales)
    with run_lock(args.output, args.locales) as stale:
        report = RunReport(args.url or ("snapshot" if args.snapshot else "live"), stale)
        try:
            check_tree([args.output, args.locales])
            settle(args.output, args.locales)
            remove_stale_temporaries(args.output, args.locales)
            result = crawl(args)
            report.crawled(result.stats)
            records = crawled_records(result)
            previous = previous_records(args.output)
            with Publication(args.output, args.locales) as staged:
                outcome = stage_run(records, args, staged)
                outcome["losses"] = guard.check(report, previous, records, outcome,
                                                result.stats, args.output, args.locales,
                                                args.accept_loss)
                written = staged.commit()
            report.published(previous, records, outcome, written)
        except (RunFailed, interrupt.Interrupted) as problem:
            report.failed(str(problem), interrupted=isinstance(problem, interrupt.Interrupted))
            raise
        except Exception as error:
            report.failed(unexpected(error))
            raise
        finally:
            report.write(args.output / "report.json")
    if not args.quiet:
        print(summary(previous, records, outcome, written))
    return 0


def stage_run(records, args, staged: Publication) -> dict:
    """Stage every file a run publishes: records, catalogs, .mo, exports, index last."""
    from pipeline.i18n.catalogs import plan_update
    from pipeline.outputs.export import plan_export
    from pipeline.records import dump_records

    staged.stage(args.output / "records.jsonl", dump_records(records))
    update = plan_update(records, args.locales, staged.stage, compile=True)
    files, held_back = plan_export(records, update.compiled, args.output, args.min_complete)
    index = files.pop(args.output / "index.json")
    for path, data in files.items():
        staged.stage(path, data)
    stage_preview(records, args, staged)
    staged.stage(args.output / "index.json", index)
    return {"merges": update.reports, "held_back": held_back, "stats": update.stats,
            "files": files}


def stage_preview(records, args, staged: Publication) -> None:
    """The translator preview, from the catalogs as this run staged them."""
    from pipeline.i18n.catalogs import po_path, read_catalog
    from pipeline.outputs.preview import plan_preview

    def read(language):
        path = staged.pending(po_path(args.locales, language))
        return read_catalog(path), po_path(args.locales, language)

    for path, data in plan_preview(records, read, args.output).items():
        staged.stage(path, data)


def command_preview(args) -> int:
    from pipeline.i18n.catalogs import po_path
    from pipeline.outputs.preview import plan_preview
    from pipeline.outputs.report import files_changed

    with holding(args.output, args.locales):
        records = load_records(args.output)
        files = plan_preview(records, lambda language: (
            load_catalog(args.locales, language), po_path(args.locales, language)), args.output)
        written = publish(files, args.output)
    print(f"preview of {len(files) - 1} locales in {args.output / 'preview'} "
          f"({files_changed(len(written))}); open {args.output / 'preview' / 'index.html'}")
    return 0


def command_catalogs(args) -> int:
    from pipeline.i18n import catalogs

    if args.action in ("check", "stats"):
        settle_if_needed(args.output, args.locales)
    if args.action == "check":
        from pipeline.i18n.check import check_all

        problems = check_all(args.locales)
        for line in problems:
            print(line)
        return 1 if problems else 0
    if args.action == "stats":
        from pipeline.outputs.report import stats_table

        print(stats_table([catalogs.stats(load_catalog(args.locales, language), language)
                           for language in catalogs.LANGUAGES]))
        return 0
    with holding(args.output, args.locales):
        if args.action == "compile":
            files = {catalogs.mo_path(args.locales, language):
                     catalogs.current_mo(args.locales, language, force=True)[0]
                     for language in catalogs.LANGUAGES}
            written = publish(files, args.locales)
            print(f"compiled {len(files)} catalogs ({len(written)} changed)")
            return 0
        from pipeline.outputs.report import merge_lines

        records = load_records(args.output)
        with Publication(args.locales) as staged:
            update = catalogs.plan_update(records, args.locales, staged.stage)
            written = staged.commit()
    print("\n".join(merge_lines(update.reports)))
    print(f"{len(written)} of {len(catalogs.LANGUAGES) + 1} catalog files changed")
    return 0


def command_export(args) -> int:
    from pipeline.i18n.catalogs import LANGUAGES, current_mo, mo_path, po_path
    from pipeline.outputs.export import plan_export
    from pipeline.outputs.report import files_changed

    with holding(args.output, args.locales):
        records = load_records(args.output)
        compiled, mo_files = {}, {}
        for language in LANGUAGES:
            if not po_path(args.locales, language).exists():
                compiled[language] = None
            else:  # compiled again unless the .mo was compiled from the .po as it is
                compiled[language], stale = current_mo(args.locales, language)
                if stale:
                    mo_files[mo_path(args.locales, language)] = compiled[language]
        files, held_back = plan_export(records, compiled, args.output, args.min_complete)
        written = publish({**mo_files, **files}, args.output, args.locales)
    for language, share in held_back:
        print(f"{language} held back: {share:.0%} complete < {args.min_complete:.0%}")
    print(f"exported {len(LANGUAGES) - len(held_back)} locales to {args.output} "
          f"({files_changed(len([p for p in written if p.suffix == '.json']))})")
    return 0


def load_records(output: Path) -> list[dict]:
    from pipeline.records import read_records

    path = output / "records.jsonl"
    try:
        records = read_records(path)
    except ValueError as error:
        raise RunFailed(f"{path}: not valid JSON lines ({error})") from None
    except OSError as error:
        raise RunFailed(f"{path}: cannot read: {error.strerror}") from None
    if not records:
        raise RunFailed(f"{path}: no records; run `speerpunt crawl` or `speerpunt run` first")
    return records


def load_catalog(locales: Path, language: str):
    from pipeline.i18n.catalogs import po_path, read_catalog

    catalog = read_catalog(po_path(locales, language))
    if catalog is None:
        raise RunFailed(f"{po_path(locales, language)}: no catalog; "
                        "run `speerpunt catalogs update` first")
    return catalog


def settle_if_needed(*directories: Path) -> None:
    """Read-only commands take no lock, unless a killed command left a journal to settle
    (then what they read is whole); they refuse symlinks and special files all the same."""
    from pipeline.files import check_tree
    from pipeline.publish.journal import JOURNAL

    if any(os.path.lexists(directory / JOURNAL) for directory in directories):
        with holding(*directories):
            pass
    check_tree([directory for directory in directories if directory.is_dir()])


def check_directories(*directories: Path) -> None:
    for directory in directories:
        if directory.exists() and not directory.is_dir():
            raise BadUsage(f"{directory} is not a directory")


def count(records, kind: str) -> int:
    return sum(1 for record in records if record["type"] == kind)


COMMANDS = {"crawl": command_crawl, "run": command_run, "catalogs": command_catalogs,
            "export": command_export, "preview": command_preview}

if __name__ == "__main__":
    sys.exit(main())
