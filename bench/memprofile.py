"""Where a speerpunt command's memory goes: tracemalloc snapshots taken near its peak.

Usage: python bench/memprofile.py TOP -- SPEERPUNT-ARGS...
Runs pipeline.cli.main(SPEERPUNT-ARGS) in this process under tracemalloc. A
watcher thread takes a snapshot each time the traced memory grows by a tenth
beyond the last snapshot, so the last snapshot is within ~10 % of the peak
without touching product code. Prints the peak and the TOP source lines
holding the most memory in that snapshot. Diagnostic only: never timed.
"""

import sys
import threading
import tracemalloc


def main() -> int:
    top = int(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1:]
    tracemalloc.start()
    best = {"size": 0, "snapshot": None}
    done = threading.Event()

    def watch():
        while not done.wait(0.02):
            current, _ = tracemalloc.get_traced_memory()
            if current > best["size"] * 1.1 and current > 8 * 2**20:
                best["snapshot"], best["size"] = tracemalloc.take_snapshot(), current

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    from pipeline.cli import main as speerpunt

    try:
        code = speerpunt(argv)
    finally:
        done.set()
        watcher.join()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"exit {code}; traced peak {peak / 2**20:.1f} MB (Python allocations only, "
          "without the interpreter and imported modules' code)")
    if best["snapshot"] is None:
        return 0
    snapshot = best["snapshot"].filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    print(f"snapshot at {best['size'] / 2**20:.1f} MB traced; largest holders by source line:")
    for stat in snapshot.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        where = frame.filename.split("/work/main/")[-1]
        line = (open(frame.filename, encoding="utf-8").read().splitlines()[frame.lineno - 1]
                .strip() if frame.filename.endswith(".py") else "")
        print(f"{stat.size / 2**20:8.1f} MB {stat.count:9d} blocks  {where}:{frame.lineno}  "
              f"{line[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
