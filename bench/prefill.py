"""The measured process of the memory pre-fill benchmark: a template pre-filled from a TMX.

Usage: python bench/prefill.py TEMPLATE.pot MEMORY.tmx LANGUAGE OUTPUT.po

Reads the template (pipeline.i18n.po) and the memory (read_tmx), builds the Index for
en→LANGUAGE and pre-fills every message as `catalogs update` does (prefill.prefill:
Index.best_all, the same answers as best() of each, fuzzy searches done 512 at a
time; every suggestion fuzzy, with its comment) and writes the catalog. Prints one JSON
line: the count of each tier and the seconds of each step.
"""

import json
import sys
import time
from pathlib import Path

from pipeline.i18n import po
from pipeline.i18n.matching import TIERS
from pipeline.i18n.memory import read_tmx
from pipeline.i18n.prefill import Memory, prefill, suggestion


def main(argv: list[str]) -> int:
    template, tmx, language, output = Path(argv[0]), Path(argv[1]), argv[2], Path(argv[3])
    seconds = {}
    start = time.perf_counter()
    catalog = po.read(template)
    units = read_tmx(tmx)
    seconds["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    memory = Memory({language: units}, {language: set()})
    index = memory.index("en", language)  # built here, so its cost is counted apart
    seconds["index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    prefill(catalog.entries, memory, "en", language)
    tiers = dict.fromkeys(TIERS, 0)
    for entry in catalog.entries:
        offered = suggestion(entry)
        if offered is not None:
            tiers[offered.tier] += 1
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
