"""The one way to publish: a Session holds a command's directories, a run's harvests
become records, catalogs and exports, and the guard decides before the commit.

`speerpunt run`, `speerpunt crawl`, `scrapy crawl` and Scrapyd all publish through
here: the same locks (output, then locales), the same settling of a killed
command's journal, the same tree check, the same strict reading of the last good
run, the same guard and the same commit. A session that writes a report writes it
whatever happens, failed and interrupted runs included.
"""

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import clock
from pipeline.errors import BadUsage, RunFailed, unexpected
from pipeline.files import check_tree, remove_stale_temporaries
from pipeline.i18n.catalogs import plan_update, read_catalog
from pipeline.i18n.versions import plan_memory
from pipeline.identity import keep_ids
from pipeline.items import Article, Cluster, Harvest, Organisation, Record
from pipeline.layout import Layout
from pipeline.outputs.export import plan_export
from pipeline.outputs.preview import plan_preview
from pipeline.outputs.report import Outcome, RunReport
from pipeline.publish import guard, interrupt, journal
from pipeline.publish.commit import Publication, remove_empty
from pipeline.publish.lock import run_lock
from pipeline.records import Unreadable, dump_records, keyed, merge_sources, read_records
from pipeline.sources import LOCALES, OVERVIEW, organisations, source

START_OVER = "--start-over"


@dataclass
class Options:
    """How a run publishes: what it accepts, what it holds back, what it stages."""

    accept: list[str] = field(default_factory=list)
    min_complete: float = 0.0
    start_over: bool = False
    strict: bool = False  # a site that could not be read refuses the run
    records_only: bool = False  # `speerpunt crawl`: records.jsonl alone
    accept_with: str = "--accept-loss"  # how the refusal line tells to accept
    listing: str = "report"  # "report": losses listed in report.json; "keys": on the line


@dataclass
class Baseline:
    """The last good run, read strictly."""

    records: list[Record]
    exports: dict[str, dict]  # the published exports by locale
    first_run: bool
    started_over: bool = False


def check_directories(*directories: Path) -> None:
    for directory in directories:
        if directory.exists() and not directory.is_dir():
            raise BadUsage(f"{directory} is not a directory")


class Session:
    """A command's hold on its directories: locked, journal settled, tree checked."""

    def __init__(self, *directories: Path, report: RunReport | None = None,
                 layout: Layout | None = None):
        self.directories = directories
        self.layout = layout
        self.report = report
        self.stale_lock: dict | None = None
        self._lock = None

    def __enter__(self):
        check_directories(*self.directories)
        self.created = [parent for directory in self.directories
                        for parent in (directory, *directory.parents) if not parent.exists()]
        if self.report is not None and os.path.lexists(self.layout.report) \
                and not self.layout.report.is_file():
            raise RunFailed(f"refusing to use {self.layout.report}: it is not a file, so the "
                            "run could not say what it did; remove it")
        self._lock = run_lock(*self.directories)
        self.stale_lock = self._lock.__enter__()
        try:
            if self.report is not None:
                self.report.data["stale_lock_taken_over"] = self.stale_lock
            check_tree(list(self.directories))  # first: a planted .journal symlink is never read
            journal.settle(*self.directories)
            remove_stale_temporaries(*self.directories)
        except BaseException as error:
            self.__exit__(type(error), error, None)
            raise
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if self.report is not None:
                if isinstance(error, RunFailed | BadUsage | interrupt.Interrupted):
                    self.report.failed(str(error),
                                       interrupted=isinstance(error, interrupt.Interrupted))
                elif isinstance(error, Exception):
                    self.report.failed(unexpected(error))
                problem = self.report.write(self.layout.report)
                if problem and error is None:
                    raise RunFailed(f"published, but the report could not be written: {problem}")
        finally:
            lock, self._lock = self._lock, None
            if lock is not None:
                lock.__exit__(kind, error, traceback)
            if error is not None:  # a failed command creates nothing but its report
                keep = {self.layout.output} if self.report is not None else set()
                remove_empty([path for path in self.created if path not in keep])

    def baseline(self, start_over: bool = False) -> Baseline:
        return read_baseline(self.layout, start_over)

    def publish(self, harvests: list[Harvest], options: Options,
                skipped: dict[str, str] | None = None) -> Outcome:
        """Publish what the harvests hold (each replacing its source's records), or refuse.

        The overview failing refuses the run; an organisation's site failing keeps its
        last published profile, marked stale (--strict: refuses). skipped: the sources
        not crawled, and why (named in the report).
        """
        if self.report is not None:
            self.report.crawled(harvests)
        failed = [harvest for harvest in harvests if harvest.failure]
        for harvest in failed:
            if harvest.source == OVERVIEW:
                raise RunFailed(f"crawl failed: {harvest.failure}")
        if failed and options.strict:
            raise RunFailed(f"{len(failed)} of {len(harvests)} sites could not be read "
                            f"(--strict); first: {source(failed[0].source).name}: "
                            f"{failed[0].failure}")
        read = [harvest for harvest in harvests if not harvest.failure]
        baseline = self.baseline(options.start_over)
        harvested, renames = keep_ids(baseline.records,
                                      [record for harvest in read for record in harvest.records])
        records = merge_sources(baseline.records, harvested, {harvest.source for harvest in read})
        records = with_websites(records)
        records, gone = without_orphans(records)
        for key in gone:
            if key in {harvest.source for harvest in read}:  # a site's spider run alone
                raise RunFailed(f"{source(key).name}: its cluster is not on the overview page as "
                                "last published; crawl the overview first (scrapy crawl "
                                "clusters), then its site")
        records, stale = keep_stale(baseline.records, records)
        records, stale_sites = mark_stale(records, failed)
        outcome = Outcome(previous=baseline.records, records=records,
                          renames=[rename.as_dict() for rename in renames],
                          stale=stale + stale_sites, first_run=baseline.first_run,
                          started_over=baseline.started_over,
                          sites=sites(harvests, skipped or {}, gone))
        layout = self.layout
        with Publication(*self.directories) as staged:
            staged.stage(layout.records, dump_records(records))
            staged_exports = {}
            if not options.records_only:
                staged_exports = stage_outputs(records, layout, staged, options, outcome)
            found = guard.find_losses(
                baseline.records, records,
                [pair for harvest in read for pair in harvest.unsafe],
                next((harvest.announced for harvest in harvests
                      if harvest.source == OVERVIEW), None),
                translation_losses(baseline, staged_exports, outcome, records, layout))
            if self.report is not None:  # listed, none accepted, if judge refuses a key
                self.report.guarded([loss.__dict__ for loss in found], outcome.stale)
            losses = guard.judge(found, options.accept)
            outcome.losses = [loss.__dict__ for loss in losses]
            if self.report is not None:
                self.report.guarded(outcome.losses, outcome.stale)
            line = guard.refusal(losses, listing(options, losses, layout), options.accept_with)
            if line:
                raise guard.Refused(line)
            outcome.written = staged.commit()
        outcome.losses = [loss for loss in outcome.losses if loss["accepted"]]
        if self.report is not None:
            self.report.published(outcome)
        return outcome


def listing(options: Options, losses, layout: Layout) -> str:
    if options.listing == "keys":
        return "all: " + ", ".join(loss.key for loss in losses if not loss.accepted)
    return guard.listing(layout.report)


def stage_outputs(records: list[Record], layout: Layout, staged: Publication,
                  options: Options, outcome: Outcome) -> dict[str, dict]:
    """Stage catalogs, .mo, exports and the preview (index.json last); the staged exports."""
    import json

    memory, pages = plan_memory(records, layout, staged.stage, clock.now().date().isoformat())
    for key, versions in pages.items():
        outcome.sites.setdefault(key, {})["versions"] = versions
    update = plan_update(records, layout.locales, staged.stage, compile=True,
                         expect=staged.expect, memory=memory)
    files, held_back = plan_export(records, update.compiled, layout.output, options.min_complete)
    index = files.pop(layout.index)
    for path, data in files.items():
        staged.stage(path, data)

    def read(domain, language):
        path = layout.catalog(domain, language)
        return read_catalog(staged.pending(path)), path

    for path, data in plan_preview(records, read, layout.output).items():
        staged.stage(path, data)
    staged.stage(layout.index, index)
    outcome.merges, outcome.stats, outcome.held_back = update.reports, update.stats, held_back
    return {language: json.loads(files[layout.export(language)])
            for language in LOCALES if layout.export(language) in files}


def translation_losses(baseline: Baseline, staged: dict[str, dict], outcome: Outcome,
                       records: list[Record], layout: Layout) -> list[guard.Loss]:
    """Fields the published exports showed translated and the staged ones would not, for
    want of any catalog entry."""
    domain_of = {record.key: source(record.source).domain for record in records}
    losses = []
    for language, export in staged.items():
        before = baseline.exports.get(language)
        if not before:
            continue

        def catalog_of(context, language=language):
            key = "/".join(context.split("/", 2)[:2])
            return layout.catalog(domain_of.get(key, OVERVIEW), language)

        losses += guard.translation_losses(language, before, export,
                                           set(outcome.merges[language].new), catalog_of)
    return losses


def organisation_crawls(previous: list[Record], harvests: list[Harvest],
                        wanted: set[str] | None = None) -> tuple[list, dict[str, str]]:
    """The organisation spiders to run after the overview (name, arguments), and the
    registry's organisations not crawled, with why: those whose cluster is not on the
    overview page (this run's, else the last good run's when the overview was not
    crawled), and those not asked for (--source)."""
    overview = next((harvest for harvest in harvests if harvest.source == OVERVIEW), None)
    if overview is not None and overview.failure:
        return [], {}
    clusters = overview.records if overview is not None else previous
    present = {record.id: record for record in keep_ids(previous, clusters)[0]
               if isinstance(record, Cluster)}
    crawls, skipped = [], {}
    if overview is not None:
        for key, cluster in present.items():
            if key not in organisations():
                skipped[key] = ("no profile: the registry has no site for this cluster"
                                + (f" (the page links {cluster.website})"
                                   if cluster.website else ""))
    for key, found in organisations().items():
        if wanted is not None and key not in wanted:
            continue
        if key not in present:
            skipped[key] = "its cluster is not on the overview page"
            continue
        link = present[key].website
        arguments = {"url": link} if link and urlsplit(link).hostname in found.hosts else {}
        crawls.append((found.spider, arguments))
    return crawls, skipped


def with_websites(records: list[Record]) -> list[Record]:
    """Each cluster's website: the link its section gives, else the registry's."""
    known = organisations()
    return [replace(record, website=known[record.id].website)
            if isinstance(record, Cluster) and not record.website and record.id in known
            else record for record in records]


def without_orphans(records: list[Record]) -> tuple[list[Record], list[str]]:
    """The records without the profiles of clusters that left the overview page."""
    clusters = {record.id for record in records if isinstance(record, Cluster)}
    gone = [record.id for record in records
            if isinstance(record, Organisation) and record.id not in clusters]
    return [record for record in records
            if not (isinstance(record, Organisation) and record.id in gone)], gone


def mark_stale(records: list[Record], failed: list[Harvest]) -> tuple[list[Record], list[dict]]:
    """The profiles of sites that could not be read, as last published and marked stale
    (with the reason, and since when); the stale list for the report."""
    from pipeline import clock

    reasons = {harvest.source: harvest.failure for harvest in failed}
    today = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    marked, stale = [], []
    for record in records:
        if isinstance(record, Organisation) and record.id in reasons:
            since = (record.stale or {}).get("since", today)
            record = replace(record, stale={"reason": reasons.pop(record.id), "since": since})
            stale.append({"record": record.key, "reason": record.stale["reason"],
                          "since": since})
        marked.append(record)
    stale += [{"record": f"organisation/{key}", "reason": reason, "since": today}
              for key, reason in reasons.items()]  # no profile published yet
    return marked, stale


def sites(harvests: list[Harvest], skipped: dict[str, str], gone: list[str]) -> dict:
    """Per source: what this run made of it, with its crawl's figures."""
    found = {}
    for harvest in harvests:
        found[harvest.source] = {
            "result": "stale" if harvest.failure else "read",
            "reason": harvest.failure, "url": harvest.url,
            "pages": harvest.stats.get("response_received_count", 0),
            "requests": harvest.stats.get("downloader/request_count", 0)
            - harvest.stats.get("httpcache/hit", 0),
            "records": len(harvest.records)}
    for key, why in skipped.items():
        found[key] = {"result": "not crawled", "reason": why}
    for key in gone:
        found[key] = {"result": "removed", "reason": "its cluster left the overview page"}
    return found


def keep_stale(previous: list[Record], records: list[Record]) -> tuple[list[Record], list[dict]]:
    """Articles whose own page failed keep the date and final URL last published (with no
    earlier value the field stays absent); the list of them, with the reasons."""
    known = keyed(previous)
    kept, stale = [], []
    for record in records:
        if isinstance(record, Article) and record.stale:
            published = known.get(record.key)
            if isinstance(published, Article):
                record = replace(record, date=published.date, url=published.url)
            stale.append({"record": record.key, "reason": record.stale})
        kept.append(record)
    return kept, stale


def read_baseline(layout: Layout, start_over: bool = False) -> Baseline:
    """The last good run: its records and exports, read strictly.

    Unreadable records (a truncated file, a conflict marker), a published export that
    is not JSON, records missing while exports are published, or records that lack
    what the English export publishes: each refuses with the file (and line), never
    taken for a first run. --start-over publishes without comparing.
    """
    if start_over:
        return Baseline([], {}, first_run=False, started_over=True)
    hint = (f"; restore it (e.g. from version control), or publish without comparing "
            f"with {START_OVER}")
    try:
        records = read_records(layout.records)
    except Unreadable as error:
        raise Unreadable(f"the last good run cannot be read: {error}{hint}") from None
    exports = {}
    for language in LOCALES:
        path = layout.export(language)
        export = _read_export(path, hint)
        if export is not None:
            exports[language] = export
    if records is None:
        published = next((path for path in [layout.index,
                                             *(layout.export(lang) for lang in LOCALES)]
                          if path.exists()), None)
        if published is not None:
            raise Unreadable(f"the last good run cannot be read: {layout.records} is missing "
                             f"while {published} is published{hint}")
        return Baseline([], {}, first_run=True)
    _check_index(layout, hint)
    english = exports.get("en")
    if english is not None:
        keys = {record.key for record in records}
        for key in guard.export_objects(english):
            if key.split("/")[0] in ("cluster", "article") and key not in keys:
                raise Unreadable(f"the last good run cannot be read: {layout.records} lacks "
                                 f"{key}, which {layout.export('en')} publishes{hint}")
    return Baseline(records, exports, first_run=False)


def _check_index(layout: Layout, hint: str) -> None:
    """Every file index.json lists is there with the sha256 it gives (the reader protocol):
    an export deleted or edited by hand makes the last good run unreadable."""
    import hashlib
    import json

    from pipeline.files import open_regular

    handle = open_regular(layout.index)
    if handle is None:
        return
    with handle:
        data = handle.read()
    try:
        listed = [(entry["file"], entry["sha256"]) for entry in json.loads(data)["locales"]]
    except (ValueError, KeyError, TypeError):
        raise Unreadable(f"the last good run cannot be read: {layout.index} is not an index of "
                         f"this program's{hint}") from None
    for name, digest in listed:
        path = layout.output / name
        if not isinstance(name, str) or ".." in Path(name).parts or Path(name).is_absolute():
            raise Unreadable(f"the last good run cannot be read: {layout.index} lists "
                             f"{name!r}{hint}")
        current = open_regular(path)
        if current is None:
            raise Unreadable(f"the last good run cannot be read: {path} is listed in "
                             f"{layout.index} but missing{hint}")
        with current:
            if hashlib.file_digest(current, "sha256").hexdigest() != digest:
                raise Unreadable(f"the last good run cannot be read: {path} is not the file "
                                 f"{layout.index} lists (its sha256 differs){hint}")


def _read_export(path: Path, hint: str) -> dict | None:
    import json

    from pipeline.files import open_regular

    handle = open_regular(path)
    if handle is None:
        return None
    with handle:
        data = handle.read()
    try:
        export = json.loads(data)
    except ValueError as error:
        line = getattr(error, "lineno", 1)
        raise Unreadable(f"the last good run cannot be read: {path}:{line}: not JSON "
                         f"({getattr(error, 'msg', error)}){hint}") from None
    if not guard.valid_export(export):
        raise Unreadable(f"the last good run cannot be read: {path}: not an export of "
                         f"{path.name}'s shape{hint}")
    return export
