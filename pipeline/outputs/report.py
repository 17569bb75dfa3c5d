"""What a run or a catalog command tells people: the summary, the stats table."""

from pipeline.records import diff_records


def merge_lines(reports: dict) -> list[str]:
    """One line per catalog: what the merge did."""
    lines = []
    for language, report in reports.items():
        parts = [f"{len(getattr(report, name))} {name}" for name in
                 ("new", "fuzzy", "unfuzzied", "obsolete", "restored", "recovered")
                 if getattr(report, name)]
        if report.recovered:
            parts[-1] += " (context-less, matched by their text: " \
                + ", ".join(report.recovered[:3]) + (" …)" if len(report.recovered) > 3 else ")")
        if report.charset != "UTF-8":
            parts.append(f"read as {report.charset}, written as UTF-8")
        lines.append(f"{language}: {', '.join(parts) or 'in step'}")
    return lines


def stats_table(rows) -> str:
    header = ("locale", "translated", "fuzzy", "untranslated", "obsolete", "words", "percent")
    table = [header] + [
        (row.language, str(row.translated), str(row.fuzzy), str(row.untranslated),
         str(row.obsolete), str(row.words),
         f"{row.completeness:.0%}" + (" (source)" if row.language == "en" else ""))
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                               for i, (cell, width) in enumerate(zip(line, widths, strict=True)))
                     .rstrip() for line in table)


def summary(previous: list[dict], records: list[dict], outcome: dict, written: list) -> str:
    """The few lines an operator takes in at a glance after a run."""
    clusters = sum(1 for record in records if record["type"] == "cluster")
    articles = sum(1 for record in records if record["type"] == "article")
    lines = [f"crawled {records[0]['url']}: {clusters} clusters, {articles} articles"]
    changes = diff_records(previous, records)
    if not previous:
        lines.append("changes: first run")
    elif not any(changes.values()):
        lines.append("changes: none since the last run")
    else:
        lines.append("changes: " + "; ".join(f"{kind} {', '.join(keys)}"
                                              for kind, keys in changes.items() if keys))
    if outcome.get("losses"):
        lines.append(f"accepted {len(outcome['losses'])} of the publication guard's losses "
                     f"(--accept-loss), listed in report.json")
    held = dict(outcome["held_back"])
    for language, row in outcome["stats"].items():
        if language == "en":
            continue
        merge = outcome["merges"][language]
        todo = row.fuzzy + row.untranslated
        line = f"{language}: {row.completeness:.0%} translated"
        if todo:
            line += (f"; {todo} need a translator "
                     f"({row.fuzzy} fuzzy, {row.untranslated} untranslated)")
            waiting = merge.new + merge.fuzzy
            if waiting:
                line += ": " + ", ".join(waiting[:5]) + (" …" if len(waiting) > 5 else "")
        if language in held:
            line += "; held back, previous export kept (below --min-complete)"
        lines.append(line)
    if not written:
        lines.append("published: nothing changed (unchanged)")
    else:
        names = ", ".join(str(path) for path in written[:4]) + (" …" if len(written) > 4 else "")
        lines.append(f"published: {files_changed(len(written))}: {names}")
    return "\n".join(lines)


def files_changed(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'} changed"


class RunReport:
    """output/report.json: what every run did, failed runs included."""

    def __init__(self, source: str, stale_lock: dict | None):
        self.data = {"started": _now(), "finished": None, "result": "running", "reason": None,
                     "source": source, "stale_lock_taken_over": stale_lock, "crawl": None,
                     "records": None, "catalogs": None, "exports": None,
                     "losses": [], "stale": []}

    def crawled(self, stats: dict) -> None:
        statuses = {key.rsplit("/", 1)[1]: value for key, value in sorted(stats.items())
                    if key.startswith("downloader/response_status_count/")}
        self.data["crawl"] = {
            "pages": stats.get("response_received_count", 0),
            "requests": stats.get("downloader/request_count", 0),
            "retries": stats.get("retry/count", 0),
            "statuses": statuses,
            "revalidated_from_cache": stats.get("httpcache/revalidate", 0),
            "offsite_refused": stats.get("speerpunt/offsite_refused", 0)
            + stats.get("offsite/filtered", 0),
            "text_blocks": {role: stats.get(f"speerpunt/text/{role}", 0)
                            for role in ("placed", "chrome", "unplaced")},
        }

    def published(self, previous, records, outcome, written) -> None:
        self.data["result"] = "published" if written else "unchanged"
        self.data["records"] = diff_records(previous, records)
        self.data["catalogs"] = {
            language: {"new": len(outcome["merges"][language].new),
                       "fuzzy": row.fuzzy, "untranslated": row.untranslated,
                       "obsolete": row.obsolete, "completeness": round(row.completeness, 4)}
            for language, row in outcome["stats"].items()}
        self.data["exports"] = {
            "changed": sorted(str(path) for path in written if path.suffix == ".json"),
            "held_back": [language for language, _ in outcome["held_back"]]}

    def guarded(self, losses: list[dict], stale: list[dict]) -> None:
        """What the publication guard found (pipeline/guard.py), accepted or not."""
        self.data["losses"], self.data["stale"] = losses, stale

    def failed(self, reason: str, interrupted: bool = False) -> None:
        self.data["result"] = "interrupted" if interrupted else "failed"
        self.data["reason"] = reason

    def write(self, path) -> None:
        """Best effort: a report that cannot be written must not hide the run's own outcome."""
        from pipeline.errors import RunFailed
        from pipeline.files import write_atomic
        from pipeline.outputs.export import dump_json

        self.data["finished"] = _now()
        try:
            write_atomic(path, dump_json(self.data))
        except (OSError, RunFailed):
            pass


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
