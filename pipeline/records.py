"""records.jsonl: every published record, one JSON object a line; read strictly, written, diffed.

The records of the last good run are what a new run is compared with, so they are
read strictly: a line that is not a whole, valid record (a truncated file, a merge
conflict marker, a hand edit) makes the file unreadable, named with file:line,
never taken for "no records yet".
"""

import json
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.files import open_regular
from pipeline.items import Record, from_dict, sort_records


class Unreadable(RunFailed):
    """A file of the last good run that cannot be read as written: file:line and why."""


def dump_records(records: list[Record]) -> bytes:
    """One JSON object a line, keys in contract order, UTF-8 unescaped."""
    lines = (json.dumps(record.to_dict(), ensure_ascii=False) for record in records)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def parse_records(data: bytes, path: Path) -> list[Record]:
    """Every record of data, or Unreadable naming the first line that is not one."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise Unreadable(f"{path}:{line}: not UTF-8 text") from None
    if text and not text.endswith("\n"):
        line = text.count("\n") + 1
        raise Unreadable(f"{path}:{line}: the last line is cut short (no newline at its end)")
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            records.append(from_dict(json.loads(line)))
        except ValueError as error:
            why = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            raise Unreadable(f"{path}:{number}: not a record ({why})") from None
    return records


def read_records(path: Path) -> list[Record] | None:
    """The records at path; None when there is no such file."""
    handle = open_regular(path)
    if handle is None:
        return None
    with handle:
        return parse_records(handle.read(), path)


def keyed(records: list[Record]) -> dict[str, Record]:
    return {record.key: record for record in records}


def diff_records(old: list[Record], new: list[Record]) -> dict[str, list[str]]:
    """Which records were added, changed or removed, as "type/id" keys."""
    before, after = keyed(old), keyed(new)
    return {
        "added": [key for key in after if key not in before],
        "changed": [key for key in after if key in before
                    and before[key].to_dict() != after[key].to_dict()],
        "removed": [key for key in before if key not in after],
    }


def field_changes(old: list[Record], new: list[Record]) -> list[dict]:
    """Every changed field of a record kept from old to new: key, field, old and new value."""
    before = keyed(old)
    changes = []
    for record in new:
        previous = before.get(record.key)
        if previous is None:
            continue
        was, now = previous.to_dict(), record.to_dict()
        for name in dict.fromkeys([*was, *now]):
            if was.get(name) != now.get(name):
                changes.append({"key": record.key, "field": name,
                                "old": was.get(name), "new": now.get(name)})
    return changes


def merge_sources(published: list[Record], harvested: list[Record],
                  sources: set[str]) -> list[Record]:
    """The published records with those of `sources` (and of every source a harvested record
    comes from) replaced by the harvested ones."""
    sources = sources | {record.source for record in harvested}
    kept = [record for record in published if record.source not in sources]
    return sort_records([*kept, *harvested])
