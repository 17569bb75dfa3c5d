"""What each `speerpunt` command does: a few lines each over the layers below.

Scrapy, Twisted, jsonschema and Babel's locale data are imported inside the
commands that need them: `catalogs stats` and `catalogs check` start in a
fraction of the time a crawl's imports take.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from pipeline.errors import BadUsage, RunFailed
from pipeline.layout import Layout
from pipeline.publish import interrupt
from pipeline.publish.commit import Publication, publish
from pipeline.publish.journal import JOURNAL
from pipeline.publish.service import Options, Session
from pipeline.records import Unreadable, read_records
from pipeline.sources import LOCALES, OVERVIEW, source
from pipeline.text import without_credentials


def crawl(args, previous: list) -> tuple[list, dict[str, str]]:
    """Crawl the chosen sources in this process: the overview first, then the sites of the
    organisations on it, side by side; their harvests, failed or not, and the sources not
    crawled, with why."""
    from pipeline.crawl.process import crawl as crawl_in_process
    from pipeline.publish.service import organisation_crawls

    settings = {"SPEERPUNT_OUTPUT": str(args.output.absolute()), **scrapy_settings(args),
                "SPEERPUNT_PROGRESS": sys.stderr.isatty() and not getattr(args, "quiet", False)}
    wanted = set(args.source) if args.source else None
    skipped: dict[str, str] = {}

    def organisations(harvests):
        crawls, skipped_now = organisation_crawls(previous, harvests, wanted)
        skipped.update(skipped_now)
        return crawls

    first = [(OVERVIEW, {"url": args.url} if args.url else {})] \
        if wanted is None or OVERVIEW in wanted else []
    settings.update(snapshot(args))
    if first:
        harvests = crawl_in_process(first, settings, args.verbose,
                                    then=None if args.url else organisations)
    else:
        harvests = crawl_in_process(organisations([]), settings, args.verbose)
    interrupt.check()
    if not harvests:
        raise RunFailed("the crawl did not start (see the log with --verbose)")
    return harvests, skipped


def snapshot(args) -> dict:
    """The Scrapy settings of a --snapshot run (the Snapshot add-on serves it); {} otherwise."""
    if not args.snapshot:
        return {}
    from pipeline.crawl.snapshot import SNAPSHOT_DIR

    directory = SNAPSHOT_DIR if args.snapshot is True else Path(args.snapshot)
    if not directory.is_dir():
        raise BadUsage(f"--snapshot {directory}: not a directory")
    return {"SPEERPUNT_SNAPSHOT_DIR": str(directory.resolve())}


def check_crawl_options(args) -> None:
    """Refuse bad usage before anything is locked or written."""
    if args.url and (urlparse(args.url).scheme not in ("http", "https")
                     or not urlparse(args.url).hostname):
        raise BadUsage(f"--url must be an http(s) URL, not {without_credentials(args.url)!r}")
    scrapy_settings(args)


def scrapy_settings(args) -> dict:
    from pipeline.crawl.overrides import parse_overrides

    return parse_overrides(args.set)


def source_label(args) -> str:
    return without_credentials(args.url) if args.url else "snapshot" if args.snapshot else "live"


def command_run(args) -> int:
    from pipeline.outputs.report import RunReport, summary

    check_crawl_options(args)
    layout = Layout(args.output, args.locales)
    with Session(*layout.roots, layout=layout, report=RunReport(source_label(args), None)) \
            as session:
        harvests, skipped = crawl(args, previous_records(session, args))
        outcome = session.publish(harvests, Options(accept=args.accept_loss,
                                                    min_complete=args.min_complete,
                                                    start_over=args.start_over,
                                                    strict=args.strict), skipped)
    warn_stale(outcome)
    if not args.quiet:
        print(summary(outcome, args.verbose))
    return 0


def previous_records(session, args) -> list:
    """The last good run's records, to choose the sites to crawl (read strictly later)."""
    return [] if args.start_over else session.baseline().records


def warn_stale(outcome) -> None:
    """One line per site that could not be read, on stderr even with --quiet (cron mails it)."""
    for item in outcome.stale:
        if item["record"].startswith("organisation/"):
            say(f"warning: {item['record']} could not be read ({item['reason']}); its last "
                f"published profile is kept, marked stale since {item['since']}")


def command_crawl(args) -> int:
    check_crawl_options(args)
    layout = Layout(args.output, args.locales if hasattr(args, "locales") else Path("locales"))
    with Session(layout.output, layout=layout) as session:
        harvests, skipped = crawl(args, previous_records(session, args))
        outcome = session.publish(harvests, Options(accept=args.accept_loss,
                                                    start_over=args.start_over,
                                                    strict=args.strict, records_only=True,
                                                    listing="keys"), skipped)
    warn_stale(outcome)
    clusters = sum(1 for record in outcome.records if record.kind == "cluster")
    print(f"{clusters} clusters written to {layout.records}")
    return 0


def command_preview(args) -> int:
    from pipeline.outputs.preview import plan_preview
    from pipeline.outputs.report import files_changed

    layout = Layout(args.output, args.locales)
    with Session(*layout.roots, layout=layout):
        records = load_records(layout)
        files = plan_preview(records, lambda domain, language: (
            load_catalog(layout, domain, language), layout.catalog(domain, language)),
            args.output)
        written = publish(files, args.output)
    print(f"preview of {len(files) - 1} locales in {args.output / 'preview'} "
          f"({files_changed(len(written))}); open {layout.preview_index}")
    return 0


def command_catalogs(args) -> int:
    from pipeline.i18n import catalogs

    layout = Layout(args.output, args.locales)
    if args.action in ("check", "stats"):
        settle_if_needed(*layout.roots)
    if args.action == "check":
        from pipeline.i18n.check import check_all

        findings = check_all(args.locales)
        for line in findings.problems + findings.notes:
            print(line)
        return 1 if findings.problems else 0
    if args.action == "stats":
        from pipeline.outputs.report import stats_table

        rows, totals = [], {}
        for domain in catalog_domains(layout):
            for language in LOCALES:
                row = catalogs.stats(load_catalog(layout, domain, language), language,
                                     is_source=source(domain).language == language)
                rows.append((domain, row))
                totals[language] = totals[language] + row if language in totals else row
        print(stats_table([*rows, *(("all", row) for row in totals.values())]))
        return 0
    with Session(*layout.roots, layout=layout):
        if args.action == "compile":
            files = {}
            for domain in catalog_domains(layout):
                for language in LOCALES:
                    files[layout.compiled(domain, language)] = catalogs.current_mo(
                        args.locales, language, force=True, domain=domain)[0]
            written = publish(files, args.locales)
            print(f"compiled {len(files)} catalogs ({len(written)} changed)")
            return 0
        from pipeline.outputs.report import merge_lines

        records = load_records(layout)
        with Publication(args.locales) as staged:
            update = catalogs.plan_update(records, args.locales, staged.stage,
                                          expect=staged.expect)
            written = staged.commit()
    print("\n".join(merge_lines(update.reports)))
    total = len(catalog_domains(layout)) * (len(LOCALES) + 1)
    print(f"{len(written)} of {total} catalog files changed")
    return 0


def catalog_domains(layout: Layout) -> list[str]:
    """The domains that have a template in --locales (the overview's always)."""
    from pipeline.sources import domains

    return [domain for domain in domains()
            if domain == OVERVIEW or layout.template(domain).exists()]


def command_export(args) -> int:
    from pipeline.i18n.catalogs import current_mo
    from pipeline.outputs.export import plan_export
    from pipeline.outputs.report import files_changed

    layout = Layout(args.output, args.locales)
    with Session(*layout.roots, layout=layout):
        records = load_records(layout)
        compiled, mo_files = {}, {}
        for domain in catalog_domains(layout):
            for language in LOCALES:
                if not layout.catalog(domain, language).exists():
                    compiled[domain, language] = None
                    continue  # compiled again unless the .mo was compiled from the .po as it is
                compiled[domain, language], stale = current_mo(args.locales, language,
                                                               domain=domain)
                if stale:
                    mo_files[layout.compiled(domain, language)] = compiled[domain, language]
        files, held_back = plan_export(records, compiled, args.output, args.min_complete)
        written = publish({**mo_files, **files}, args.output, args.locales)
    for language, share in held_back:
        print(f"{language} held back: {share:.0%} complete < {args.min_complete:.0%}")
    print(f"exported {len(LOCALES) - len(held_back)} locales to {args.output} "
          f"({files_changed(len([p for p in written if p.suffix == '.json']))})")
    return 0


def load_records(layout: Layout) -> list:
    path = layout.records
    try:
        records = read_records(path)
    except Unreadable:
        raise
    except OSError as error:
        raise RunFailed(f"{path}: cannot read: {error.strerror}") from None
    if not records:
        raise RunFailed(f"{path}: no records; run `speerpunt crawl` or `speerpunt run` first")
    return records


def load_catalog(layout: Layout, domain: str, language: str):
    from pipeline.i18n.catalogs import read_catalog

    path = layout.catalog(domain, language)
    catalog = read_catalog(path)
    if catalog is None:
        raise RunFailed(f"{path}: no catalog; run `speerpunt catalogs update` first")
    return catalog


def settle_if_needed(*directories: Path) -> None:
    """Read-only commands take no lock, unless a killed command left a journal to settle
    (then what they read is whole); they refuse symlinks and special files all the same."""
    from pipeline.files import check_tree

    if any(os.path.lexists(directory / JOURNAL) for directory in directories):
        with Session(*directories):
            pass
    check_tree([directory for directory in directories if directory.is_dir()])


def command_memory(args) -> int:
    """export: every unit of every language's memory in one TMX 1.4b file. import: a TMX's
    units (origin: its file name) join the memory, and `catalogs update` pre-fills from it
    in the same publication."""
    from pipeline.files import write_atomic
    from pipeline.i18n import catalogs
    from pipeline.i18n.memory import dump_tmx, merged, read_tmx
    from pipeline.i18n.prefill import Memory

    layout = Layout(args.output, args.locales)
    if args.action == "export":
        settle_if_needed(*layout.roots)
        units = [unit for found in Memory.load(layout).units.values() for unit in found]
        data = dump_tmx(units)
        if str(args.file) == "-":
            sys.stdout.buffer.write(data)
        else:
            try:
                write_atomic(args.file, data)
            except OSError as error:
                raise RunFailed(f"{args.file}: cannot write: {error.strerror}") from None
            print(f"exported {len(merged(units))} units to {args.file}")
        return 0
    brought = read_tmx(args.file)
    usable = [unit for unit in brought if unit.target_lang in LOCALES]
    if not usable:
        raise RunFailed(f"{args.file}: no translation unit into {', '.join(LOCALES)}; "
                        "nothing imported")
    with Session(*layout.roots, layout=layout):
        old = Memory.load(layout)
        units = {language: merged([*old.units[language],
                                   *(unit for unit in usable if unit.target_lang == language)])
                 for language in LOCALES}
        records = load_records(layout)
        with Publication(args.locales) as staged:
            for language, found in units.items():
                if found != old.units[language]:
                    staged.stage(layout.memory(language), dump_tmx(found))
            memory = Memory(units, {language: {unit.target for unit in
                                               [*old.units[language], *found]}
                                    for language, found in units.items()})
            update = catalogs.plan_update(records, args.locales, staged.stage,
                                          expect=staged.expect, memory=memory)
            written = staged.commit()
    counts = ", ".join(f"{language} {sum(1 for unit in usable if unit.target_lang == language)}"
                       for language in LOCALES)
    other = len(brought) - len(usable)
    print(f"imported {len(usable)} units from {args.file} ({counts}"
          f"{f'; {other} into other languages, skipped' if other else ''})")
    print("suggested by the memory now: " + ", ".join(
        f"{language} {row.suggested}" for language, row in update.stats.items()))
    print(f"{len(written)} files changed")
    return 0


COMMANDS = {"crawl": command_crawl, "run": command_run, "catalogs": command_catalogs,
            "export": command_export, "preview": command_preview, "memory": command_memory}


def run(args) -> int:
    return COMMANDS[args.command](args)


def say(line: str) -> None:
    print(f"speerpunt: {line}", file=sys.stderr)
