"""Benchmarks of issue #6: end-to-end run, translator commands, catalog and export scale.

Usage: python bench/run.py [--quick] [--timeout SECONDS]

Every measured command runs as its own process, timed with time.perf_counter()
around it, its peak memory from `/usr/bin/time -f %M` (see measure.py). Commands
that are compared run alternately (A B A B …) in the same run and the median of
each is used; ratios are of those medians. No timing is ever asserted: goals
are printed as met or missed. A command still running after the cap (300 s)
is killed and reported as "timeout > 300 s".

Generated data lives under bench/work/ (git-ignored), emptied at the start.
A full run rewrites bench/RESULTS.md; --quick (1k and 10k messages, 3 runs)
writes bench/work/RESULTS-quick.md instead.
"""

import argparse
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import correctness
import generate
import measure

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "RESULTS.md"
PYTHON = sys.executable
SPEERPUNT = str(Path(sys.executable).with_name("speerpunt"))
PYBABEL = str(Path(sys.executable).with_name("pybabel"))
MSGMERGE = shutil.which("msgmerge") or "msgmerge"
LANGUAGES = ("en", "nl", "fr")
ONCE_AFTER = 60.0  # a command whose first run takes longer is not repeated (quadratic tools)
COPY_IGNORE = shutil.ignore_patterns(".lock", ".cache", ".*.tmp")

GOAL_E2E_RATIO = 1.15
GOAL_TRANSLATOR_SECONDS = 0.3
GOAL_UPDATE_SECONDS = 5.0
GOAL_UPDATE_MB = 200.0
STRETCH_VS_MSGMERGE = 1.5
LINEAR_TOLERANCE = 1.5  # marginal cost per 1k at the largest size ≤ this × at the smallest


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def shown(command: list[str]) -> str:
    """A command as a reader would type it: tools by name, paths relative to the repository."""
    names = {PYTHON: "python", SPEERPUNT: "speerpunt", PYBABEL: "pybabel", MSGMERGE: "msgmerge"}
    text = shlex.join(names.get(part, part) for part in command)
    for path, name in names.items():
        text = text.replace(path + " ", name + " ")
    return text.replace(str(ROOT) + "/", "")


@dataclass
class Profile:
    """A speerpunt command to profile once, untimed: it missed a goal, or for information."""

    title: str
    args: list[str]  # speerpunt's arguments
    start: Path | None = None  # copied to a scratch directory first, when given
    memory: bool = False  # tracemalloc instead of pyinstrument
    warm: bool = False  # run it once before profiling (the steady state)
    missed: bool = True  # profiled because it missed a goal (else for information)


class Report:
    """Everything printed, also kept as Markdown for RESULTS.md."""

    def __init__(self):
        self.parts: list[str] = []
        self.last_item = False
        self.missed: list[str] = []
        self.profiles: list[Profile] = []

    def _emit(self, markdown: str, item: bool = False) -> None:
        if self.parts and self.last_item and not item:
            self.parts.append("\n")  # a paragraph after a list must not continue its last item
        self.parts.append(markdown)
        self.last_item = item

    def heading(self, text: str) -> None:
        print(f"\n=== {text} ===\n", flush=True)
        self._emit(f"\n## {text}\n\n")

    def subheading(self, text: str) -> None:
        print(f"\n--- {text} ---", flush=True)
        self._emit(f"\n### {text}\n\n")

    def text(self, text: str) -> None:
        print(text, flush=True)
        item = text.startswith("- ")
        self._emit(text + ("\n" if item else "\n\n"), item)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        rendered = measure.table(headers, rows)
        print(rendered, flush=True)
        self._emit(rendered + "\n\n")

    def block(self, text: str) -> None:
        print(text, flush=True)
        self._emit("```\n" + text.rstrip("\n") + "\n```\n\n")

    def commands(self, commands: dict[str, list[str]]) -> None:
        self.block("\n".join(shown(command) for command in commands.values()))

    def goal(self, met: bool | None, text: str, profile: Profile | None = None) -> None:
        verdict = "n/a" if met is None else "MET" if met else "MISSED"
        self.text(f"- **{verdict}** {text}")
        if met is False:
            self.missed.append(text)
            if profile:
                self.profiles.append(profile)


def copy_tree(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=COPY_IGNORE)  # copy2: mtimes kept


def po_file(locales: Path, language: str) -> Path:
    return locales / language / "LC_MESSAGES" / "clusters.po"


def checked(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    """An untimed set-up step that must succeed."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"set-up step failed (exit {result.returncode}): {shown(command)}\n"
                         f"{result.stdout}{result.stderr}")
    return result


def row_timing(series: measure.Series) -> list[str]:
    spread = series.spread
    return [measure.seconds(series.median, series.timed_out),
            f"{spread[0]:.3f}–{spread[1]:.3f}" if spread and series.median < 10
            else f"{spread[0]:.1f}–{spread[1]:.1f}" if spread else "—",
            str(len(series.runs)),
            f"{series.peak_mb:.0f}" if series.peak_mb is not None else "—"]


def last_line(measurement: measure.Measurement) -> str:
    lines = (measurement.stdout.strip() or measurement.stderr.strip()).splitlines()
    return lines[-1].replace(str(ROOT) + "/", "") if lines else ""


def exit_codes(series: measure.Series) -> str:
    codes = sorted({m.returncode for m in series.runs if not m.timed_out})
    return ",".join(str(code) for code in codes) or "—"


# ---------------------------------------------------------------- import times


@dataclass
class Import:
    depth: int
    name: str
    self_us: int
    cumulative_us: int


def import_times(stderr: str) -> list[Import]:
    imports = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s*(\d+)\s*\|\s*(\d+)\s*\| ( *)(\S+)", line)
        if match:
            imports.append(Import(len(match.group(3)) // 2, match.group(4),
                                  int(match.group(1)), int(match.group(2))))
    return imports


def imported_roots(imports: list[Import]) -> set[str]:
    return {entry.name.split(".")[0] for entry in imports}


# ---------------------------------------------------------------- 1. end to end


def shipped_copy(where: Path) -> tuple[Path, Path]:
    """Copies of the shipped output/ and locales/ under where (mtimes kept)."""
    output, locales = where / "output", where / "locales"
    copy_tree(ROOT / "output", output)
    copy_tree(ROOT / "locales", locales)
    return output, locales


def byte_compile() -> None:
    checked([PYTHON, "-m", "compileall", "-q", str(ROOT / "pipeline"), str(ROOT / "spiders")])


def end_to_end(report: Report, runs: int, timeout: float) -> None:
    report.heading("1. End-to-end: `speerpunt run --snapshot` vs a no-op `scrapy crawl`")
    where = WORK / "e2e"
    output, locales = shipped_copy(where)
    commands = {
        "speerpunt run --snapshot": [SPEERPUNT, "run", "--snapshot", "--output", str(output),
                                     "--locales", str(locales)],
        "no-op crawl (bench/noop_spider.py)": [PYTHON, str(BENCH / "noop_spider.py")],
    }
    byte_compile()
    report.text(f"Copies of the shipped output/ and locales/ made once; one untimed warm-up "
                f"run of each, then {runs} alternating runs (steady state of a cron job). "
                "pipeline/ and spiders/ are byte-compiled first, as pip does for every "
                "installed package: where PYTHONDONTWRITEBYTECODE is set (it is on this "
                "machine) an editable install would otherwise compile them on every run.")
    report.commands(commands)
    for label, command in commands.items():
        warm = measure.run(command, cwd=where, timeout=timeout)
        log(f"warm-up {label}: {measure.describe(warm)}")
    series = measure.alternate(commands, runs, cwd=where, timeout=timeout, progress=log)
    run, noop = series.values()
    rows = [[label, *row_timing(s), exit_codes(s),
             measure.ratio(s.median, noop.median, 3)] for label, s in series.items()]
    report.table(["command", "median", "min–max (s)", "runs", "peak MB", "exit", "ratio"], rows)
    ratio = run.median / noop.median if run.median and noop.median else None
    report.goal(None if ratio is None else ratio <= GOAL_E2E_RATIO,
                f"end-to-end ratio {measure.ratio(run.median, noop.median, 3)} "
                f"(goal ≤ {GOAL_E2E_RATIO}×); {(run.median or 0) - (noop.median or 0):+.3f} s "
                "over the no-op crawl",
                Profile("speerpunt run --snapshot", ["run", "--snapshot", "--output",
                                                     str(output), "--locales", str(locales)]))

    report.subheading("Where start-up time goes: `python -X importtime`")
    profiled = {"speerpunt run": [PYTHON, "-X", "importtime", "-m", "pipeline.cli",
                                  *commands["speerpunt run --snapshot"][1:]],
                "no-op crawl": [PYTHON, "-X", "importtime", str(BENCH / "noop_spider.py")]}
    report.commands(profiled)
    traced = {label: import_times(measure.run(command, cwd=where, timeout=timeout).stderr)
              for label, command in profiled.items()}
    ours, theirs = traced["speerpunt run"], traced["no-op crawl"]
    baseline = {entry.name: entry.cumulative_us for entry in theirs if entry.depth == 0}
    top = sorted((e for e in ours if e.depth == 0), key=lambda e: -e.cumulative_us)[:10]
    rows = [[entry.name, f"{entry.cumulative_us / 1000:.1f}",
             f"{baseline[entry.name] / 1000:.1f}" if entry.name in baseline else "not imported"]
            for entry in top]
    rows.append(["total (all top-level imports)",
                 f"{sum(e.cumulative_us for e in ours if e.depth == 0) / 1000:.1f}",
                 f"{sum(e.cumulative_us for e in theirs if e.depth == 0) / 1000:.1f}"])
    report.text("Top 10 top-level imports of `speerpunt run --snapshot` by cumulative time "
                "(each includes what it imported first; one run, so ±10 ms noise; a module "
                "appears where it was first imported, so the same package can be charged to "
                "different parents in the two programs):")
    report.table(["module (top level)", "speerpunt run (ms)", "no-op crawl (ms)"], rows)
    deep = sorted(ours, key=lambda e: -e.self_us)[:10]
    report.text("Largest self times (the module's own top-level code), speerpunt run:")
    report.table(["module", "depth", "self (ms)", "cumulative (ms)"],
                 [[e.name, str(e.depth), f"{e.self_us / 1000:.1f}",
                   f"{e.cumulative_us / 1000:.1f}"] for e in deep])


# ---------------------------------------------------------------- 2. translator commands


def translator_commands(report: Report, runs: int, timeout: float) -> None:
    report.heading("2. Translator commands beside `python -c pass`")
    where = WORK / "translator"
    output, locales = shipped_copy(where)
    paths = ["--output", str(output), "--locales", str(locales)]
    arguments = {"speerpunt catalogs stats": ["catalogs", "stats", *paths],
                 "speerpunt catalogs check": ["catalogs", "check", *paths],
                 "speerpunt export": ["export", *paths]}
    commands = {"python -c pass": [PYTHON, "-c", "pass"],
                **{label: [SPEERPUNT, *args] for label, args in arguments.items()}}
    report.text(f"On copies of the shipped output/ and locales/ (mtimes kept, so the shipped "
                f".mo files stay fresh); one untimed warm-up run each, then {runs} alternating "
                "runs.")
    report.commands(commands)
    for label, command in commands.items():
        warm = measure.run(command, cwd=where, timeout=timeout)
        log(f"warm-up {label}: {measure.describe(warm)}")
    stale = [language for language in LANGUAGES
             if not po_file(locales, language).with_suffix(".mo").exists()
             or po_file(locales, language).with_suffix(".mo").stat().st_mtime
             < po_file(locales, language).stat().st_mtime]
    series = measure.alternate(commands, runs, cwd=where, timeout=timeout, progress=log)
    baseline = series["python -c pass"]
    imports = {}
    for label, args in arguments.items():
        result = measure.run([PYTHON, "-X", "importtime", "-m", "pipeline.cli", *args],
                             cwd=where, timeout=timeout)
        traced = import_times(result.stderr)
        roots = imported_roots(traced)
        imports[label] = (
            "yes" if "scrapy" in roots else "no",
            "yes" if "twisted" in roots else "no",
            f"{sum(e.cumulative_us for e in traced if e.depth == 0) / 1000:.0f}",
            str(len(traced)))
    rows = []
    for label, s in series.items():
        rows.append([label, *row_timing(s), exit_codes(s), measure.ratio(s.median, baseline.median),
                     *imports.get(label, ("—", "—", "—", "—"))])
    report.table(["command", "median", "min–max (s)", "runs", "peak MB", "exit",
                  "× python -c pass", "imports scrapy", "imports twisted", "import ms",
                  "modules"], rows)
    report.text("(imports: one `python -X importtime -m pipeline.cli …` run of the same command; "
                "`import ms` is the sum of its top-level imports' cumulative time.)")
    if stale:
        report.text(f"Note: the .mo of {', '.join(stale)} was older than its .po after the "
                    "warm-up export, so every `speerpunt export` compiled it again.")
    for label, args in arguments.items():
        median = series[label].median
        report.goal(None if median is None else median <= GOAL_TRANSLATOR_SECONDS,
                    f"`{label}` median {measure.seconds(median, series[label].timed_out)} "
                    f"(goal ≤ {GOAL_TRANSLATOR_SECONDS} s)", Profile(label, args))


# ---------------------------------------------------------------- 3. catalog scale


@dataclass
class CatalogCase:
    messages: int
    where: Path
    start: Path
    new_pot: Path
    old_texts: dict[str, str]
    old_translations: dict[str, str]
    new_texts: dict[str, str]
    version: generate.NewVersion


def build_catalog_case(size: int) -> CatalogCase:
    """Old site with filled catalogs + new records (start/), and the new template (new.pot)."""
    where = WORK / "catalogs" / str(size)
    base = where / "base"
    records = generate.site_records(size // 3)
    generate.write_records(base / "output" / "records.jsonl", records)
    checked([SPEERPUNT, "catalogs", "update", "--output", str(base / "output"),
             "--locales", str(base / "locales")])
    translations = {language: generate.fill_translations(po_file(base / "locales", language),
                                                         language) for language in ("nl", "fr")}
    version = generate.new_version(records)
    start = where / "start"
    copy_tree(base, start)
    generate.write_records(start / "output" / "records.jsonl", version.records)
    scratch = where / "scratch"
    copy_tree(start, scratch)
    checked([SPEERPUNT, "catalogs", "update", "--output", str(scratch / "output"),
             "--locales", str(scratch / "locales")])
    new_pot = where / "new.pot"
    shutil.copy2(scratch / "locales" / "clusters.pot", new_pot)
    shutil.rmtree(scratch)
    shutil.rmtree(base)
    return CatalogCase(len(generate.texts(records)), where, start, new_pot,
                       generate.texts(records), translations["nl"],
                       generate.texts(version.records), version)


def catalog_commands(case: CatalogCase, run: Path) -> dict[str, tuple[list[str], Path]]:
    """label: (command, where it leaves the nl catalog)."""
    locales, out = run / "locales", run / "out"

    def msgmerge(*options: str) -> list[str]:
        return ["sh", "-c", " && ".join(
            shlex.join([MSGMERGE, *options, "-o", str(out / f"{language}.po"),
                        str(po_file(locales, language)), str(case.new_pot)])
            for language in LANGUAGES)]

    nl = po_file(locales, "nl")
    return {
        "speerpunt catalogs update": (
            [SPEERPUNT, "catalogs", "update", "--output", str(run / "output"),
             "--locales", str(locales)], nl),
        "pybabel update": (
            [PYBABEL, "update", "-i", str(case.new_pot), "-d", str(locales), "-D", "clusters"],
            nl),
        "pybabel update --no-fuzzy-matching": (
            [PYBABEL, "update", "--no-fuzzy-matching", "-i", str(case.new_pot),
             "-d", str(locales), "-D", "clusters"], nl),
        "msgmerge --previous ×3": (msgmerge("--previous"), out / "nl.po"),
        "msgmerge --no-fuzzy-matching --previous ×3": (
            msgmerge("--no-fuzzy-matching", "--previous"), out / "nl.po"),
    }


SPEERPUNT_UPDATE = "speerpunt catalogs update"
MSGMERGE_EXACT = "msgmerge --no-fuzzy-matching --previous ×3"


def catalog_scale(report: Report, sizes: list[int], runs: int, timeout: float) -> None:
    report.heading("3. Catalog scale: merging a new site version into en/nl/fr catalogs")
    report.text(
        "Generated site: sentences of 8–40 words from a fixed vocabulary (fixed seed), "
        "msgctxt `cluster/c00001/name|tagline|description` plus the page's title and intro; "
        "nl and fr fully translated, en with empty msgstr as shipped. New version: 5 % of "
        "texts edited (one word), 2 % messages added (new clusters at random places), 2 % "
        "removed (clusters dropped). Catalogs made by `speerpunt catalogs update`, "
        "translations filled with `pipeline.i18n.po`; new.pot made by speerpunt on a scratch copy, "
        "so every tool merges the same template into the same catalogs. Each run starts "
        f"from a fresh copy (untimed); tools alternate; {runs} runs each, except that a tool "
        f"whose first run takes over {ONCE_AFTER:.0f} s runs once, and a tool that timed out "
        "at a smaller size is not run again (its result is the timeout). msgmerge times are "
        "the three languages in one `sh -c` (peak = the largest of the three).")
    results: dict[int, dict[str, measure.Series]] = {}
    verdicts: dict[tuple[int, str], correctness.Verdict] = {}
    not_run: dict[str, int] = {}
    cases: dict[int, CatalogCase] = {}
    for size in sizes:
        log(f"building the {size}-message catalogs")
        case = cases[size] = build_catalog_case(size)
        run_dir = case.where / "run"
        tools = catalog_commands(case, run_dir)
        commands = {label: command for label, (command, _) in tools.items()
                    if label not in not_run}
        if size == sizes[0]:
            report.subheading("Commands (paths of the smallest size)")
            report.commands({label: command for label, (command, _) in tools.items()})

        def prepare(label, run_dir=run_dir, case=case):
            copy_tree(case.start, run_dir)
            (run_dir / "out").mkdir()

        def after(label, measurement, size=size, case=case, tools=tools):
            if (size, label) in verdicts or measurement.timed_out:
                return
            if measurement.returncode:
                verdicts[size, label] = correctness.Verdict(error=f"exit {measurement.returncode}:"
                                                            f" {measurement.stderr[-200:]}")
                return
            nl = tools[label][1]
            verdicts[size, label] = correctness.check(
                nl, case.old_texts, case.old_translations, case.new_texts,
                case.version.edited, case.version.added, case.version.removed)
            keep = case.where / "nl-outputs"
            keep.mkdir(exist_ok=True)
            shutil.copy2(nl, keep / (re.sub(r"[^a-z0-9]+", "-", label).strip("-") + ".po"))

        log(f"{size} messages: {case.messages} in the old template, "
            f"{len(case.version.edited)} edited, {len(case.version.added)} added, "
            f"{len(case.version.removed)} removed")
        results[size] = measure.alternate(commands, runs, prepare=prepare, after=after,
                                          timeout=timeout, once_after=ONCE_AFTER,
                                          progress=lambda text, size=size: log(f"{size}: {text}"))
        for label, series in results[size].items():
            if series.timed_out:
                not_run.setdefault(label, size)
        shutil.rmtree(run_dir, ignore_errors=True)

    report.subheading("Wall time and peak memory")
    rows = []
    for size in sizes:
        exact = results[size].get(MSGMERGE_EXACT)
        for label in catalog_commands(cases[size], Path("run")):
            series = results[size].get(label)
            if series is None:
                rows.append([f"{cases[size].messages:,}", label,
                             f"timeout > {timeout:.0f} s (not run: timed out at "
                             f"{cases[not_run[label]].messages:,} messages)",
                             "—", "0", "—", "—", "—", "—"])
                continue
            per_k = (f"{series.median / cases[size].messages * 1000:.3f}"
                     if series.median else "—")
            verdict = verdicts.get((size, label))
            rows.append([f"{cases[size].messages:,}", label, *row_timing(series), per_k,
                         measure.ratio(series.median, exact.median if exact else None),
                         "—" if verdict is None else "OK" if verdict.correct else "WRONG"])
    report.table(["messages", "tool", "median", "min–max (s)", "runs", "peak MB",
                  "s / 1k msgs", "× msgmerge exact", "nl correct"], rows)
    report.text("(`× msgmerge exact` = median ÷ median of `msgmerge --no-fuzzy-matching "
                "--previous` ×3 at the same size.)")
    report.text("With `--no-fuzzy-matching`, pybabel and msgmerge match on msgctxt *and* "
                "msgid, so an edited text becomes a new untranslated message and its old "
                "translation an obsolete entry: their WRONG is what the option does, shown so "
                "the exact-match speed comparison is read with it.")

    report.subheading("Correctness of the nl catalog each tool wrote")
    rows = []
    for size in sizes:
        for label in catalog_commands(cases[size], Path("run")):
            verdict = verdicts.get((size, label))
            if verdict is None:
                rows.append([f"{cases[size].messages:,}", label, "—", "—", "—", "—", "—", "—",
                             "not checked (timeout)"])
                continue
            if verdict.error:
                rows.append([f"{cases[size].messages:,}", label, "—", "—", "—", "—", "—", "—",
                             verdict.error[:80]])
                continue
            rows.append([f"{cases[size].messages:,}", label,
                         f"{verdict.edited_ok}/{verdict.edited}",
                         f"{verdict.added_ok}/{verdict.added}", str(verdict.added_wrong),
                         f"{verdict.removed_ok}/{verdict.removed}", str(verdict.moved),
                         str(verdict.lost), "OK" if verdict.correct else verdict.main_problems()])
    report.table(["messages", "tool", "edited → fuzzy + previous msgid + kept", "added → empty",
                  "added with another's translation", "removed → obsolete with translation",
                  "translations under another context", "unchanged lost", "verdict"], rows)

    report.subheading("Goals")
    largest = sizes[-1]
    ours = results[largest][SPEERPUNT_UPDATE]
    verdict = verdicts.get((largest, SPEERPUNT_UPDATE))
    case = cases[largest]
    profile_args = ["catalogs", "update", "--output", str(case.where / "run" / "output"),
                    "--locales", str(case.where / "run" / "locales")]
    profile = Profile(f"speerpunt catalogs update, {case.messages:,} messages", profile_args,
                      case.start)
    scope = f"at {case.messages:,} messages" + ("" if largest >= 50000 else
                                                " (quick run: goal is for 50k)")
    report.goal(None if ours.median is None else ours.median <= GOAL_UPDATE_SECONDS,
                f"speerpunt catalogs update {scope}: median "
                f"{measure.seconds(ours.median, ours.timed_out)} (goal ≤ {GOAL_UPDATE_SECONDS} s)",
                profile)
    report.goal(None if ours.peak_mb is None else ours.peak_mb <= GOAL_UPDATE_MB,
                f"speerpunt catalogs update {scope}: peak {ours.peak_mb or 0:.0f} MB "
                f"(goal ≤ {GOAL_UPDATE_MB:.0f} MB)",
                Profile(profile.title, profile_args, case.start, memory=True))
    report.goal(None if verdict is None else verdict.correct,
                f"speerpunt catalogs update {scope}: nl correctness — "
                f"{verdict.short() if verdict else 'not checked'}")
    medians = [(cases[size].messages, results[size][SPEERPUNT_UPDATE].median) for size in sizes]
    report.text("Growth of speerpunt catalogs update: "
                + "; ".join(f"{m:,} msgs {t / m * 1000:.3f} s per 1k" for m, t in medians if t))
    marginal = [((t2 - t1) / (m2 - m1) * 1000, f"{m1:,}→{m2:,}")
                for (m1, t1), (m2, t2) in zip(medians, medians[1:], strict=False) if t1 and t2]
    if marginal:
        report.text("Marginal cost (Δ time ÷ Δ messages): "
                    + "; ".join(f"{where} {cost:.3f} s per 1k" for cost, where in marginal))
    if len(marginal) >= 2:
        growth = marginal[-1][0] / marginal[0][0]
        report.goal(growth <= LINEAR_TOLERANCE,
                    f"linear growth: marginal cost per 1k at the largest step is {growth:.2f}× "
                    f"that at the smallest (≤ {LINEAR_TOLERANCE}× counted as linear)", profile)
    elif len(medians) >= 2 and all(t for _, t in medians):
        (m1, t1), (m2, t2) = medians[0], medians[-1]
        growth = (t2 / m2) / (t1 / m1)
        report.goal(growth <= LINEAR_TOLERANCE,
                    f"linear growth: time per 1k at {m2:,} is {growth:.2f}× that at {m1:,}",
                    profile)
    report.profiles.append(Profile(profile.title, profile_args, case.start, missed=False))
    report.profiles.append(Profile(profile.title, profile_args, case.start, memory=True,
                                   missed=False))
    peaks = [(cases[size].messages, results[size][SPEERPUNT_UPDATE].peak_mb) for size in sizes]
    report.text("Peak memory of speerpunt catalogs update: "
                + "; ".join(f"{m:,} msgs {p:.0f} MB ({p / m * 1000:.1f} MB per 1k)"
                            for m, p in peaks if p))
    for size in sizes:
        exact = results[size].get(MSGMERGE_EXACT)
        ours = results[size][SPEERPUNT_UPDATE]
        if exact and exact.median and ours.median:
            share = ours.median / exact.median
            report.goal(share <= STRETCH_VS_MSGMERGE,
                        f"stretch at {cases[size].messages:,} messages: speerpunt "
                        f"{share:.2f}× `msgmerge --no-fuzzy-matching` "
                        f"(goal ≤ {STRETCH_VS_MSGMERGE}×)")


# ---------------------------------------------------------------- 4. export scale


def export_scale(report: Report, sizes: list[int], runs: int, timeout: float) -> None:
    report.heading("4. Export scale: `speerpunt export`, clusters × 3 locales")
    report.text("Generated records (as in section 3) → `speerpunt catalogs update` → nl/fr "
                "filled → no .mo yet. Each round: fresh copy (untimed), first export "
                "(compiles the three .mo inside export), then a second export on the same "
                f"files (.mo fresh, exports unchanged). {runs} rounds.")
    results, notes, cases = {}, {}, {}
    first, second = "first export (compiles .mo)", "second export (.mo fresh)"
    for clusters in sizes:
        where = WORK / "export" / str(clusters)
        base, run_dir = where / "base", where / "run"
        records = generate.site_records(clusters)
        generate.write_records(base / "output" / "records.jsonl", records)
        checked([SPEERPUNT, "catalogs", "update", "--output", str(base / "output"),
                 "--locales", str(base / "locales")])
        for language in ("nl", "fr"):
            generate.fill_translations(po_file(base / "locales", language), language)
        cases[clusters] = len(generate.texts(records))
        command = [SPEERPUNT, "export", "--output", str(run_dir / "output"),
                   "--locales", str(run_dir / "locales")]
        if clusters == sizes[0]:
            report.commands({"export": command})
        mtimes: dict[str, list[float]] = {}

        def prepare(label, base=base, run_dir=run_dir):
            if label == first:
                copy_tree(base, run_dir)

        def after(label, measurement, run_dir=run_dir, clusters=clusters, mtimes=mtimes):
            mos = [po_file(run_dir / "locales", language).with_suffix(".mo")
                   for language in LANGUAGES]
            stamps = [mo.stat().st_mtime_ns if mo.exists() else 0 for mo in mos]
            if label == first:
                mtimes["first"] = stamps
                notes.setdefault((clusters, label), last_line(measurement))
            else:
                recompiled = stamps != mtimes.get("first")
                notes.setdefault((clusters, label), last_line(measurement)
                                 + ("; the .mo were compiled again!" if recompiled else ""))

        log(f"export scale: {clusters} clusters")
        results[clusters] = measure.alternate(
            {first: command, second: command}, runs, prepare=prepare, after=after,
            timeout=timeout, progress=lambda text, clusters=clusters: log(f"{clusters}: {text}"))
        shutil.rmtree(run_dir, ignore_errors=True)
    rows = []
    for clusters in sizes:
        for label, series in results[clusters].items():
            per_k = f"{series.median / clusters * 1000:.3f}" if series.median else "—"
            rows.append([f"{clusters:,}", f"{cases[clusters]:,}", label, *row_timing(series),
                         exit_codes(series), per_k,
                         notes.get((clusters, label), "")])
    report.table(["clusters", "messages", "export", "median", "min–max (s)", "runs", "peak MB",
                  "exit", "s / 1k clusters", "its output"], rows)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        large_run = WORK / "export" / str(large) / "run"
        for label in results[large]:
            t1, t2 = results[small][label].median, results[large][label].median
            if t1 and t2:
                growth = (t2 / large) / (t1 / small)
                report.goal(growth <= LINEAR_TOLERANCE,
                            f"{label}: time per 1k clusters at {large:,} is {growth:.2f}× that "
                            f"at {small:,} (≤ {LINEAR_TOLERANCE}× counted as linear; start-up "
                            "makes the small size look dearer)",
                            Profile(f"speerpunt export, {large:,} clusters, {label}",
                                    ["export", "--output", str(large_run / "output"),
                                     "--locales", str(large_run / "locales")],
                                    WORK / "export" / str(large) / "base",
                                    warm=label != first))
        for label in results[large]:
            report.profiles.append(Profile(
                f"speerpunt export, {large:,} clusters, {label}",
                ["export", "--output", str(large_run / "output"),
                 "--locales", str(large_run / "locales")],
                WORK / "export" / str(large) / "base", warm=label != first, missed=False))
        for label in results[large]:
            m1, m2 = results[small][label].peak_mb, results[large][label].peak_mb
            if m1 and m2:
                report.text(f"- {label}: peak {m1:.0f} MB at {small:,} clusters, {m2:.0f} MB "
                            f"at {large:,} ({(m2 - m1) / (large - small) * 1000:.1f} MB per "
                            "1k clusters beyond the smallest)")


# ---------------------------------------------------------------- profiles


def profiles(report: Report, timeout: float) -> None:
    if not report.profiles:
        return
    report.heading("Profiles (one untimed run each)")
    report.text("Of every speerpunt command that missed a goal, and, for information, of the "
                "largest catalog update and export.")
    done = set()
    for profile in report.profiles:
        if (profile.title, profile.memory, profile.warm) in done:
            continue
        done.add((profile.title, profile.memory, profile.warm))
        why = "missed a goal" if profile.missed else "for information"
        where = WORK / "profile"
        where.mkdir(parents=True, exist_ok=True)
        args = profile.args
        if profile.start is not None:
            copy_tree(profile.start, where / "run")
            args = [arg.replace(str(profile.start.parent / "run"), str(where / "run"))
                    for arg in args]
        if profile.warm:
            measure.run([SPEERPUNT, *args], cwd=where, timeout=timeout)
        if profile.memory:
            command = [PYTHON, str(BENCH / "memprofile.py"), "12", "--", *args]
            report.subheading(f"{profile.title}: memory, tracemalloc near the peak ({why})")
        else:
            command = [PYTHON, "-m", "pyinstrument", "--no-color", "-m", "pipeline.cli", *args]
            report.subheading(f"{profile.title}: pyinstrument ({why})")
        log(f"profiling: {shown(command)}")
        result = measure.run(command, cwd=where, timeout=timeout)
        report.text(f"`{shown(command)}`")
        lines = result.stdout.splitlines()
        if not profile.memory:
            start_at = next((i for i, line in enumerate(lines) if line.startswith("Program:")), 0)
            end_at = next((i for i, line in enumerate(lines) if "To view this report" in line),
                          len(lines))
            lines = [line for line in lines[start_at:end_at] if line.strip()][:45]
        report.block("\n".join(lines) or result.stderr[-2000:])
        shutil.rmtree(where, ignore_errors=True)


# ---------------------------------------------------------------- machine and main


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tools = []
    for command in ([MSGMERGE, "--version"], [PYBABEL, "--version"]):
        try:
            tools.append(subprocess.run(command, capture_output=True, text=True)
                         .stdout.splitlines()[0])
        except (OSError, IndexError):
            tools.append(f"{command[0]}: not found")
    return [f"- uname: `{' '.join(platform.uname())}`",
            f"- CPU: {cpu}; cores: {os.cpu_count()}",
            f"- Python: {platform.python_version()} (`{PYTHON}`)",
            f"- tools: {'; '.join(tools)}",
            f"- peak memory via {measure.memory_method()}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1k and 10k messages only, 3 runs (for iterating)")
    parser.add_argument("--timeout", type=float, default=measure.TIMEOUT,
                        help="cap per command run in seconds (default 300)")
    args = parser.parse_args(argv)
    measure.TIMEOUT = args.timeout
    began, started = time.perf_counter(), datetime.now(UTC)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    quick_runs, full_runs = 3, 5
    runs = quick_runs if args.quick else full_runs
    fast_runs = quick_runs if args.quick else 9  # sections 1–2: cheap, more runs, steadier ratio
    report = Report()
    report.text(f"# Benchmark results (issue #6){' — QUICK run' if args.quick else ''}\n")
    report.text(f"Date: {started.strftime('%Y-%m-%d %H:%M UTC')}\n")
    for line in machine():
        report.text(line)
    report.text(f"\nGenerated by `python bench/run.py{' --quick' if args.quick else ''}`. "
                "Each measured command is its own process; compared commands alternate "
                "(A B A B …) and medians are compared; runs capped at "
                f"{measure.TIMEOUT:.0f} s. No timing is asserted anywhere.")
    end_to_end(report, 3 if args.quick else 15, measure.TIMEOUT)  # the noisiest ratio
    translator_commands(report, fast_runs, measure.TIMEOUT)
    catalog_scale(report, [1000, 10000] if args.quick else [1000, 10000, 50000], runs,
                  measure.TIMEOUT)
    export_scale(report, [1000, 10000], runs, measure.TIMEOUT)
    profiles(report, measure.TIMEOUT)
    report.heading("Summary")
    if report.missed:
        report.text("Missed goals:")
        for text in report.missed:
            report.text(f"- {text}")
    else:
        report.text("Every goal met.")
    report.text(f"\nThe whole benchmark took {(time.perf_counter() - began) / 60:.1f} min.")
    target = WORK / "RESULTS-quick.md" if args.quick else RESULTS
    markdown = "".join(report.parts)
    while "\n\n\n" in markdown:
        markdown = markdown.replace("\n\n\n", "\n\n")
    target.write_text(markdown.strip() + "\n", encoding="utf-8")
    print(f"\nwritten {target.relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
