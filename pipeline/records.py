"""records.jsonl: the canonical English records, read, written and compared."""

import json
from pathlib import Path

from pipeline.files import write_atomic

RECORD_FIELDS = {
    "page": ("type", "id", "title", "intro", "url", "breadcrumbs"),
    "cluster": ("type", "id", "position", "name", "tagline", "description", "url"),
    "article": ("type", "id", "title", "summary", "url", "date"),
}
OPTIONAL_FIELDS = {"date"}
TRANSLATABLE_FIELDS = {
    "page": ("title", "intro"),
    "cluster": ("name", "tagline", "description"),
    "article": ("title", "summary"),
}


def dump_records(records: list[dict]) -> bytes:
    """One JSON object a line, keys in contract order, UTF-8 unescaped."""
    lines = (json.dumps(record, ensure_ascii=False) for record in records)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def write_records(path: Path, records: list[dict]) -> bool:
    return write_atomic(path, dump_records(records))


def read_records(path: Path) -> list[dict]:
    """Records of a previous run; [] when there are none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def diff_records(old: list[dict], new: list[dict]) -> dict[str, list[str]]:
    """Which records were added, changed or removed, as "type/id" keys."""
    before = {f"{r['type']}/{r['id']}": r for r in old}
    after = {f"{r['type']}/{r['id']}": r for r in new}
    return {
        "added": [key for key in after if key not in before],
        "changed": [key for key in after if key in before and before[key] != after[key]],
        "removed": [key for key in before if key not in after],
    }
