"""The PO reader and writer at 50k messages, next to msgmerge on the same files.

Usage: python bench/po_profile.py [--messages N] [--runs 5] [--cprofile] [--rebuild]

Builds (once; --rebuild to redo) the catalog case of bench/run.py's section 3 with
bench/generate.py: a site of N messages, en/nl/fr catalogs made by `speerpunt
catalogs update` and filled with generated translations, then a new site version
(5 % edited, 2 % added, 2 % removed) and its template new.pot. Then, alternating,
`--runs` rounds of:

* parse: po.read of en/nl/fr .po and new.pot, in this process (sum of the four);
* write: po.chunks of those four catalogs, joined (sum of the four);
* `speerpunt catalogs update` on a fresh copy, as its own process (wall, peak RSS);
* `msgmerge -N --previous` of the three languages against new.pot (one `sh -c`, as
  bench/run.py times it).

Prints the medians, the spread and the ratio update ÷ msgmerge. --cprofile also prints
cProfile's top functions of one parse and one write of the three catalogs.
"""

import argparse
import cProfile
import gc
import pstats
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import generate
import measure

from pipeline.i18n import po

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work" / "po-profile"
SPEERPUNT = str(Path(sys.executable).with_name("speerpunt"))
MSGMERGE = shutil.which("msgmerge") or "msgmerge"
LANGUAGES = ("en", "nl", "fr")
# Issue "Speed back inside every goal": catalogs update at 50k on a 2-core machine
GOAL_SECONDS, GOAL_RATIO, GOAL_MB = 4.0, 0.28, 200.0


def po_file(locales: Path, language: str) -> Path:
    return locales / language / "LC_MESSAGES" / "clusters.po"


def update(where: Path) -> None:
    subprocess.run([SPEERPUNT, "catalogs", "update", "--output", str(where / "output"),
                    "--locales", str(where / "locales")], check=True, stdout=subprocess.DEVNULL)


def build(messages: int) -> Path:
    """start/ (old catalogs, new records) and new.pot under WORK/<messages>."""
    where = WORK / str(messages)
    if (where / "new.pot").exists():
        return where
    shutil.rmtree(where, ignore_errors=True)
    base, start = where / "base", where / "start"
    records = generate.site_records(messages // 3)
    generate.write_records(base / "output" / "records.jsonl", records)
    update(base)
    for language in ("nl", "fr"):
        generate.fill_translations(po_file(base / "locales", language), language)
    shutil.copytree(base, start)
    generate.write_records(start / "output" / "records.jsonl",
                           generate.new_version(records).records)
    scratch = where / "scratch"
    shutil.copytree(start, scratch)
    update(scratch)
    shutil.copy2(scratch / "locales" / "clusters.pot", where / "new.pot")
    shutil.rmtree(scratch)
    shutil.rmtree(base)
    return where


def inputs(where: Path) -> list[Path]:
    return [*(po_file(where / "start" / "locales", language) for language in LANGUAGES),
            where / "new.pot"]


def parse_all(files: list[Path]) -> tuple[float, list[po.Catalog]]:
    start = time.perf_counter()
    catalogs = [po.read(path) for path in files]
    return time.perf_counter() - start, catalogs


def write_all(catalogs: list[po.Catalog]) -> float:
    start = time.perf_counter()
    for catalog in catalogs:
        b"".join(po.chunks(catalog))
    return time.perf_counter() - start


def fresh(where: Path) -> Path:
    run = where / "run"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(where / "start", run)
    (run / "out").mkdir()
    return run


def commands(where: Path) -> dict[str, list[str]]:
    run = where / "run"
    merges = " && ".join(
        shlex.join([MSGMERGE, "-N", "--previous", "-o", str(run / "out" / f"{language}.po"),
                    str(po_file(run / "locales", language)), str(where / "new.pot")])
        for language in LANGUAGES)
    return {"speerpunt catalogs update": [SPEERPUNT, "catalogs", "update", "--output",
                                          str(run / "output"), "--locales", str(run / "locales")],
            "msgmerge -N --previous ×3": ["sh", "-c", merges]}


def profile(files: list[Path]) -> None:
    def parse():
        return [po.read(path) for path in files[:3]]

    def write(catalogs):
        return [b"".join(po.chunks(catalog)) for catalog in catalogs]

    catalogs = None
    for title, work in (("parse", parse), ("write", write)):
        profiler = cProfile.Profile()
        gc.collect()
        result = profiler.runcall(work, *([catalogs] if catalogs is not None else []))
        catalogs = catalogs or result
        print(f"\n--- cProfile: {title} of en/nl/fr ---")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=50000,
                        help="as bench/run.py's largest size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    if args.rebuild:
        shutil.rmtree(WORK / str(args.messages), ignore_errors=True)
    where = build(args.messages)
    files = inputs(where)
    sizes = ", ".join(f"{path.name if path.suffix == '.pot' else path.parts[-3]} "
                      f"{path.stat().st_size / 1e6:.1f} MB" for path in files)
    print(f"catalogs: {where} ({sizes})")
    times: dict[str, list[float]] = {"parse en+nl+fr+pot": [], "write en+nl+fr+pot": []}
    series = {label: measure.Series(label, []) for label in commands(where)}
    for round_ in range(args.runs):
        gc.collect()
        took, catalogs = parse_all(files)
        times["parse en+nl+fr+pot"].append(took)
        times["write en+nl+fr+pot"].append(write_all(catalogs))
        del catalogs
        for label, command in commands(where).items():
            fresh(where)
            measurement = measure.run(command)
            if measurement.returncode:
                print(f"{label} failed: {measurement.stderr[-500:]}", file=sys.stderr)
                return 1
            series[label].runs.append(measurement)
        print(f"round {round_ + 1}: " + ", ".join(
            [f"{label} {values[-1]:.3f} s" for label, values in times.items()]
            + [f"{label} {s.runs[-1].wall:.3f} s" for label, s in series.items()]),
            file=sys.stderr)
    shutil.rmtree(where / "run", ignore_errors=True)
    print(f"\nmedian of {args.runs} alternating runs:")
    rows = [[label, f"{statistics.median(values):.3f} s",
             f"{min(values):.3f}–{max(values):.3f}", "—"] for label, values in times.items()]
    rows += [[label, f"{s.median:.3f} s", "{:.3f}–{:.3f}".format(*s.spread),
              f"{s.peak_mb:.0f} MB" if s.peak_mb else "—"] for label, s in series.items()]
    print(measure.table(["what", "median", "min–max (s)", "peak"], rows))
    ours, theirs = series.values()
    share = ours.median / theirs.median
    print(f"\nspeerpunt catalogs update ÷ msgmerge -N --previous: {share:.3f}×")
    goals = ((ours.median <= GOAL_SECONDS, f"median {ours.median:.3f} s ≤ {GOAL_SECONDS} s"),
             (share <= GOAL_RATIO, f"{share:.3f}× msgmerge ≤ {GOAL_RATIO}×"),
             (ours.peak_mb <= GOAL_MB, f"peak {ours.peak_mb:.0f} MB ≤ {GOAL_MB:.0f} MB"))
    for met, text in goals:
        print(f"goal {'met' if met else 'MISSED'}: catalogs update {text}"
              + ("" if args.messages >= 50000 else " (goals are for 50k)"))
    if args.cprofile:
        profile(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
