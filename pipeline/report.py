"""What a run or a catalog command tells people: the summary, the stats table."""

from pipeline.records import diff_records


def merge_lines(reports: dict) -> list[str]:
    """One line per catalog: what the merge did."""
    lines = []
    for language, report in reports.items():
        parts = [f"{len(getattr(report, name))} {name}" for name in
                 ("new", "fuzzy", "unfuzzied", "obsolete", "restored")
                 if getattr(report, name)]
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


def summary(previous: list[dict], records: list[dict], outcome: dict) -> str:
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
    return "\n".join(lines)
