"""What a run or a catalog command tells people: report.json, the summary, the stats table."""

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.items import Harvest, Record
from pipeline.records import diff_records, field_changes

SHOWN_KEYS = 5  # the summary names at most this many keys on a line, then "…"


@dataclass
class Outcome:
    """What a run published, for the report and the summary."""

    previous: list[Record]  # the last good run's records ([] on a first run)
    records: list[Record]  # the records published now
    merges: dict = field(default_factory=dict)  # language -> MergeReport
    stats: dict = field(default_factory=dict)  # language -> Stats
    held_back: list[tuple[str, float]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    losses: list[dict] = field(default_factory=list)  # the guard's, accepted ones included
    renames: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)  # {"record", "reason"}: last published kept
    first_run: bool = False
    started_over: bool = False
    sites: dict = field(default_factory=dict)  # per source: read, stale, not crawled...


def listed(keys: list[str], limit: int = SHOWN_KEYS) -> str:
    """keys joined by commas, at most limit of them, then "…" when there are more."""
    return ", ".join(keys[:limit]) + (" …" if len(keys) > limit else "")


def merge_lines(reports: dict) -> list[str]:
    """One line per catalog language: what the merge did."""
    lines = []
    for language, report in reports.items():
        parts = [f"{len(getattr(report, name))} {name}" for name in
                 ("new", "fuzzy", "unfuzzied", "obsolete", "restored", "recovered")
                 if getattr(report, name)]
        if report.recovered:
            parts[-1] += " (context-less, matched by their text: " \
                + listed(report.recovered, 3) + ")"
        if report.charset != "UTF-8":
            parts.append(f"read as {report.charset}, written as UTF-8")
        lines.append(f"{language}: {', '.join(parts) or 'in step'}")
    return lines


def stats_table(rows) -> str:
    """rows: (domain, Stats) pairs, one per catalog; the domain "all" for the totals."""
    header = ("domain", "locale", "translated", "suggested", "fuzzy", "untranslated", "source",
              "obsolete", "words", "percent")
    table = [header] + [
        (domain, row.language, str(row.translated), str(row.suggested), str(row.fuzzy),
         str(row.untranslated), str(row.source), str(row.obsolete), str(row.words),
         f"{row.completeness:.0%}")
        for domain, row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) if i < 2 else cell.rjust(width)
                               for i, (cell, width) in enumerate(zip(line, widths, strict=True)))
                     .rstrip() for line in table)


def summary(outcome: Outcome, verbose: bool = False) -> str:
    """The few lines an operator takes in at a glance after a run."""
    records = outcome.records
    clusters = sum(1 for record in records if record.kind == "cluster")
    articles = sum(1 for record in records if record.kind == "article")
    lines = [f"crawled {records[0].url}: {clusters} clusters, {articles} articles"]
    changes = diff_records(outcome.previous, records)
    if outcome.started_over:
        lines.append("changes: started over (--start-over): not compared with the last run")
    elif outcome.first_run:
        lines.append("changes: first run")
    elif not any(changes.values()):
        lines.append("changes: none since the last run")
    else:
        lines.append("changes: " + "; ".join(f"{kind} {listed(keys)}"
                                              for kind, keys in changes.items() if keys))
    for rename in outcome.renames:
        lines.append(f"renamed: {rename['key']} {rename['field']} {rename['old']!r} -> "
                     f"{rename['new']!r} (id kept)")
    if verbose:
        for change in field_changes(outcome.previous, records):
            lines.append(f"  {change['key']} {change['field']}: {change['old']!r} -> "
                         f"{change['new']!r}")
    for stale in outcome.stale:
        lines.append(f"stale: {stale['record']}: {stale['reason']} (last published kept)")
    if outcome.losses:
        lines.append(f"accepted {len(outcome.losses)} of the publication guard's losses "
                     f"(--accept-loss), listed in report.json")
    held = dict(outcome.held_back)
    for language, row in outcome.stats.items():
        if row.source == row.total:
            continue
        merge = outcome.merges[language]
        todo = row.suggested + row.fuzzy + row.untranslated
        line = f"{language}: {row.completeness:.0%} translated"
        if todo:
            suggested = f"{row.suggested} suggested by the memory, " if row.suggested else ""
            line += (f"; {todo} need a translator ({suggested}"
                     f"{row.fuzzy} fuzzy, {row.untranslated} untranslated)")
            changed = merge.new + merge.fuzzy  # a subset of todo: named as such
            if changed:
                line += "; new or changed since the last run: " + listed(changed)
        if language in held:
            line += "; held back, previous export kept (below --min-complete)"
        lines.append(line)
    if not outcome.written:
        lines.append("published: nothing changed (unchanged)")
    else:
        names = listed([str(path) for path in outcome.written], 4)
        lines.append(f"published: {files_changed(len(outcome.written))}: {names}")
    return "\n".join(lines)


def files_changed(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'} changed"


def crawl_figures(harvests: list[Harvest]) -> dict:
    """Requests as they were: sent over the network (cache hits excluded), answered 304 and
    so taken from the cache (revalidated), served from the cache without asking (hits)."""
    stats: dict = {}
    for harvest in harvests:
        for key, value in harvest.stats.items():
            stats[key] = stats.get(key, 0) + value
    statuses = {key.rsplit("/", 1)[1]: value for key, value in sorted(stats.items())
                if key.startswith("downloader/response_status_count/")}
    hits = stats.get("httpcache/hit", 0)
    return {
        "pages": stats.get("response_received_count", 0),
        "requests": stats.get("downloader/request_count", 0) - hits,
        "cache_hits": hits,
        "retries": stats.get("retry/count", 0),
        "statuses": statuses,
        "revalidated_from_cache": stats.get("httpcache/revalidate", 0),
        "offsite_refused": stats.get("speerpunt/offsite_refused", 0)
        + stats.get("offsite/filtered", 0),
        "text_blocks": {role: stats.get(f"speerpunt/text/{role}", 0)
                        for role in ("placed", "chrome", "unplaced")},
    }


class RunReport:
    """output/report.json: what every run did, failed runs included."""

    def __init__(self, source: str, stale_lock: dict | None):
        self.data = {"started": _now(), "finished": None, "result": "running", "reason": None,
                     "source": source, "stale_lock_taken_over": stale_lock, "crawl": None,
                     "records": None, "changes": [], "renamed": [], "sites": {}, "catalogs": None,
                     "exports": None, "losses": [], "stale": []}

    def crawled(self, harvests: list[Harvest]) -> None:
        self.data["crawl"] = crawl_figures(harvests)

    def published(self, outcome: Outcome) -> None:
        self.data["result"] = "published" if outcome.written else "unchanged"
        self.data["records"] = diff_records(outcome.previous, outcome.records)
        self.data["changes"] = field_changes(outcome.previous, outcome.records)
        self.data["renamed"] = outcome.renames
        self.data["sites"] = outcome.sites
        self.data["catalogs"] = {
            language: {"new": len(outcome.merges[language].new),
                       "suggested": row.suggested, "fuzzy": row.fuzzy,
                       "untranslated": row.untranslated,
                       "source": row.source, "obsolete": row.obsolete,
                       "completeness": round(row.completeness, 4)}
            for language, row in outcome.stats.items()}
        self.data["exports"] = {
            "changed": sorted(str(path) for path in outcome.written if path.suffix == ".json"),
            "held_back": [language for language, _ in outcome.held_back]}

    def guarded(self, losses: list[dict], stale: list[dict]) -> None:
        """What the publication guard found (pipeline/publish/guard.py), accepted or not."""
        self.data["losses"], self.data["stale"] = losses, stale

    def failed(self, reason: str, interrupted: bool = False) -> None:
        self.data["result"] = "interrupted" if interrupted else "failed"
        self.data["reason"] = reason

    def write(self, path: Path) -> str | None:
        """Write the report; the reason it could not be written, or None."""
        from pipeline.errors import RunFailed
        from pipeline.files import write_atomic
        from pipeline.outputs.export import dump_json

        self.data["finished"] = _now()
        try:
            write_atomic(path, dump_json(self.data))
        except RunFailed as error:
            return str(error)
        except OSError as error:
            return f"cannot write {path}: {error.strerror}"
        return None


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
