"""The measured process of the memory pre-fill benchmark: a template pre-filled from a TMX.

Usage: python bench/prefill.py TEMPLATE.pot MEMORY.tmx LANGUAGE OUTPUT.po

Reads the template (pipeline.i18n.po) and the memory (read_tmx), builds the Index for
en→LANGUAGE, asks best() for every message (best_all: the same answers, their fuzzy
searches done 512 at a time) and writes the catalog: a match at 100 of
the field's own context as a translation, every other match as a fuzzy one. Prints one
JSON line: the count of each tier and the seconds of each step.
"""

import json
import sys
import time
from pathlib import Path

from pipeline.i18n import po
from pipeline.i18n.matching import TIERS, Index
from pipeline.i18n.memory import read_tmx


def main(argv: list[str]) -> int:
    template, memory, language, output = Path(argv[0]), Path(argv[1]), argv[2], Path(argv[3])
    seconds = {}
    start = time.perf_counter()
    catalog = po.read(template)
    units = read_tmx(memory)
    seconds["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    index = Index(units, "en", language)
    seconds["index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    tiers = dict.fromkeys(TIERS, 0)
    empty = [entry for entry in catalog.entries
             if not entry.obsolete and entry.msgid_plural is None and not entry.msgstr]
    for entry, match in zip(empty, index.best_all([(entry.msgid, entry.msgctxt)
                                                   for entry in empty]), strict=True):
        if match is None:
            continue
        tiers[match.tier] += 1
        entry.msgstr = match.unit.target
        entry.set_fuzzy(not (match.tier == "context" and match.score == 100))
    seconds["match"] = time.perf_counter() - mark
    mark = time.perf_counter()
    output.write_bytes(po.dump(catalog))
    seconds["write"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - start
    print(json.dumps({"tiers": tiers, "units": len(index),
                      "seconds": {k: round(v, 3) for k, v in seconds.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
