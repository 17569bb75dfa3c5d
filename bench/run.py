"""Benchmarks that see regressions: HEAD beside the previous release, on the same inputs.

Usage: python bench/run.py [--quick] [--timeout SECONDS] [--only N ...]

The previous release (PREVIOUS below) is built once into its own virtual
environment under bench/work/previous/ (`git archive` of that commit, `pip
install -e`) and reused while it is there. Both versions are only ever run
through their console scripts (`speerpunt …`), never imported from here: their
package layouts differ.

Every measured command runs as its own process, timed with time.perf_counter()
around it, its peak memory from `/usr/bin/time -f %M` (see measure.py). The
versions, and any third tool, run alternately (A B C A B C …) in the same run
on the same generated files, and the median of each is used; ratios are of
those medians. Every figure is printed with its baseline, their ratio and its
goal. No timing is ever asserted: goals are printed as met or missed.

Figures:
1. `catalogs update`, ~51k messages in en, nl and fr, beside `msgmerge -N --previous`;
2. `export` at 10k clusters, first run and an unchanged second run;
3. `run --snapshot` beside a bare Scrapy crawl of the pages it fetches (bench/noop_spider.py),
   each version against its own: HEAD's 27 pages on 8 hosts, the previous release's 4;
4. eight hosts each answering after 1 s against the overview and one site
   (bench/slow_server.py); the translation-memory pre-fill of 50k messages from a
   50k-unit memory beside translate-toolkit's `pretranslate --tm`;
5. translator commands beside `python -c pass`.

Generated data lives under bench/work/ (git-ignored), emptied at the start
except the previous release's build. A full run rewrites bench/RESULTS.md;
--quick (smaller sizes, 3 runs) writes bench/work/RESULTS-quick.md instead.
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import correctness
import generate
import measure

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "RESULTS.md"
PYTHON = sys.executable
SPEERPUNT = str(Path(sys.executable).with_name("speerpunt"))
MSGMERGE = shutil.which("msgmerge") or "msgmerge"
LANGUAGES = ("en", "nl", "fr")
COPY_IGNORE = shutil.ignore_patterns(".lock", ".cache", ".*.tmp")

# The previous release, run beside HEAD (`git rev-parse fc7711f`).
PREVIOUS = "fc7711ff1e14bf7add091407de5070eda60304d3"
PREVIOUS_DIR = WORK / "previous"  # src/ (the commit's files), venv/ (its own environment)

PYINSTRUMENT = "pyinstrument==5.1.3"  # as HEAD's [bench] extra: profiles of both versions

# Goals (issue "Speed back inside every goal").
GOAL_UPDATE_SECONDS = 4.0
GOAL_UPDATE_MB = 200.0
GOAL_UPDATE_VS_MSGMERGE = 0.28
GOAL_EXPORT_FIRST_SECONDS = 6.0
GOAL_EXPORT_UNCHANGED_SHARE = 0.30
GOAL_E2E_RATIO = 1.10  # and ≤ 1.15× for the cluster pages issue:
GOAL_E2E_CLUSTER_PAGES_RATIO = 1.15
GOAL_HOSTS_RATIO = 1.5
GOAL_PREFILL_SECONDS = 5.0
GOAL_PREFILL_MB = 300.0
GOAL_TRANSLATOR_SECONDS = 0.3

MEMORY_MESSAGES = 50000  # untranslated messages pre-filled, against as many memory units
QUICK_MEMORY_MESSAGES = 10000
MEMORY_SAMPLE = 1000  # the first messages, pre-filled by both tools for the match counts
PRETRANSLATE = str(Path(sys.executable).with_name("pretranslate"))

CATALOG_CLUSTERS = 17000  # 51,002 messages in each of en, nl, fr
EXPORT_CLUSTERS = 10000
QUICK_CATALOG_CLUSTERS = 3000
QUICK_EXPORT_CLUSTERS = 2000


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the two versions


@dataclass(frozen=True)
class Version:
    name: str  # "HEAD" or "previous"
    commit: str
    root: Path  # its source tree
    python: str
    speerpunt: str  # its console script

    def command(self, *args: str) -> list[str]:
        return [self.speerpunt, *args]


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def head_version() -> Version:
    return Version("HEAD", git("rev-parse", "HEAD"), ROOT, PYTHON, SPEERPUNT)


def previous_version() -> Version:
    """The previous release in bench/work/previous/: built once, reused while its commit holds."""
    src, venv = PREVIOUS_DIR / "src", PREVIOUS_DIR / "venv"
    marker = venv / ".installed"  # what it was built from
    version = Version("previous", PREVIOUS, src, str(venv / "bin" / "python"),
                      str(venv / "bin" / "speerpunt"))
    built = f"{PREVIOUS}\n{PYINSTRUMENT}\n"
    if marker.exists() and marker.read_text() == built:
        log(f"previous release {PREVIOUS[:10]}: reusing {venv.relative_to(ROOT)}")
        return version
    log(f"previous release {PREVIOUS[:10]}: building {PREVIOUS_DIR.relative_to(ROOT)} "
        "(once; a few minutes)")
    shutil.rmtree(PREVIOUS_DIR, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", PREVIOUS],
                               stdout=subprocess.PIPE)
    checked(["tar", "-x", "-C", str(src)], stdin=archive.stdout)
    if archive.wait():
        raise SystemExit(f"git archive {PREVIOUS} failed")
    checked([sys.executable, "-m", "venv", str(venv)])
    checked([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
             "-e", str(src), PYINSTRUMENT])
    byte_compile(src)
    marker.write_text(built)
    return version


def byte_compile(root: Path) -> None:
    """As pip does for every installed package: where PYTHONDONTWRITEBYTECODE is set (it is on
    this machine) an editable install would otherwise compile its modules on every run."""
    checked([PYTHON, "-m", "compileall", "-q", str(root / "pipeline"), str(root / "spiders")])


def clean_work() -> None:
    """Empty bench/work/, except the previous release's build."""
    WORK.mkdir(parents=True, exist_ok=True)
    for child in WORK.iterdir():
        if child == PREVIOUS_DIR:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


# ---------------------------------------------------------------- report


@dataclass
class Profile:
    """A HEAD speerpunt command to profile once, untimed: it missed a goal, or for information."""

    title: str
    args: list[str]  # speerpunt's arguments
    start: Path | None = None  # copied to a scratch directory first, when given
    memory: bool = False  # tracemalloc instead of pyinstrument
    warm: bool = False  # run it once before profiling (the steady state)
    missed: bool = True  # profiled because it missed a goal (else for information)


@dataclass
class Figure:
    """One line of the summary: HEAD beside its baseline, their ratio and the goal."""

    name: str
    head: str
    baseline: str
    ratio: str
    goal: str
    verdict: str


@dataclass
class Report:
    """Everything printed, also kept as Markdown for RESULTS.md."""

    quick: bool = False
    parts: list[str] = field(default_factory=list)
    last_item: bool = False
    missed: list[str] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    e2e_pages: int | None = None  # what HEAD's run fetches, when its no-op crawl fetches the same

    def _emit(self, markdown: str, item: bool = False) -> None:
        if self.parts and self.last_item and not item:
            self.parts.append("\n")  # a paragraph after a list must not continue its last item
        self.parts.append(markdown)
        self.last_item = item

    def heading(self, text: str) -> None:
        print(f"\n=== {text} ===\n", flush=True)
        self._emit(f"\n## {text}\n\n")
        if text[:1].isdigit():  # a measured section: how busy the machine was
            self.text(f"Load average (1, 5, 15 min) as this section began: {load()} "
                      f"({os.cpu_count()} cores).")

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

    def figure(self, name: str, head: str, baseline: str, ratio: str, goal: str,
               met: bool | None, profile: Profile | None = None) -> None:
        """A figure with its baseline: printed as a goal line and kept for the summary."""
        verdict = "n/a" if met is None else "MET" if met else "MISSED"
        self.figures.append(Figure(name, head, baseline, ratio, goal, verdict))
        self.text(f"- **{verdict}** {name}: HEAD {head}; baseline {baseline}; ratio {ratio}; "
                  f"goal {goal}")
        if met is False:
            self.missed.append(f"{name}: HEAD {head} (goal {goal}; baseline {baseline})")
            if profile:
                self.profiles.append(profile)


def shown(command: list[str]) -> str:
    """A command as a reader would type it: tools by name, paths relative to the repository."""
    names = {PYTHON: "python", SPEERPUNT: "speerpunt", MSGMERGE: "msgmerge"}
    text = shlex.join(names.get(part, part) for part in command)
    for path, name in names.items():
        text = text.replace(path + " ", name + " ")
    return text.replace(str(ROOT) + "/", "")


def copy_tree(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=COPY_IGNORE)  # copy2: mtimes kept


def po_file(locales: Path, language: str) -> Path:
    return locales / language / "LC_MESSAGES" / "clusters.po"


def checked(command: list[str], cwd: Path | None = None, stdin=None) -> str:
    """An untimed set-up step that must succeed; its output."""
    result = subprocess.run(command, cwd=cwd, stdin=stdin, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"set-up step failed (exit {result.returncode}): {shown(command)}\n"
                         f"{result.stdout}{result.stderr}")
    return result.stdout


def row_timing(series: measure.Series) -> list[str]:
    spread = series.spread
    return [measure.seconds(series.median, series.timed_out),
            f"{spread[0]:.3f}–{spread[1]:.3f}" if spread and series.median < 10
            else f"{spread[0]:.1f}–{spread[1]:.1f}" if spread else "—",
            "—" if series.cpu_median is None else f"{series.cpu_median:.2f}",
            str(len(series.runs)),
            f"{series.peak_mb:.0f}" if series.peak_mb is not None else "—"]


def last_line(measurement: measure.Measurement) -> str:
    lines = (measurement.stdout.strip() or measurement.stderr.strip()).splitlines()
    return lines[-1].replace(str(ROOT) + "/", "") if lines else ""


def exit_codes(series: measure.Series) -> str:
    codes = sorted({m.returncode for m in series.runs if not m.timed_out})
    return ",".join(str(code) for code in codes) or "—"


def seconds(series: measure.Series) -> str:
    return measure.seconds(series.median, series.timed_out)


def with_cpu(series: measure.Series) -> str:
    """Wall time (the goal's measure) and, beside it, CPU time (less moved by other load)."""
    cpu = series.cpu_median
    return seconds(series) + ("" if cpu is None else f" (CPU {cpu:.2f} s)")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def megabytes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def share(numerator: float | None, denominator: float | None, digits: int = 2) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits + 2)


def times(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}×"


def sized(quick: bool, goal_size: str) -> str:
    return f" (quick run: the goal is for {goal_size})" if quick else ""


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


def top_level_ms(imports: list[Import]) -> float:
    return sum(e.cumulative_us for e in imports if e.depth == 0) / 1000


# ---------------------------------------------------------------- 1. catalogs update


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


def build_catalog_case(clusters: int) -> CatalogCase:
    """Old site with filled catalogs + new records (start/), and the new template (new.pot).

    Made once, by HEAD, and copied afresh before every run of every tool: the same files
    for HEAD, the previous release and msgmerge.
    """
    where = WORK / "catalogs"
    base = where / "base"
    records = generate.site_records(clusters)
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


MSGMERGE_LABEL = "msgmerge -N --previous ×3"


def catalog_commands(case: CatalogCase, versions: list[Version]
                     ) -> dict[str, tuple[list[str], Path, Path]]:
    """label: (command, its run directory, where it leaves the nl catalog)."""
    tools = {}
    for version in versions:
        run = case.where / f"run-{version.name}"
        tools[version.name] = (version.command("catalogs", "update", "--output",
                                               str(run / "output"), "--locales",
                                               str(run / "locales")),
                               run, po_file(run / "locales", "nl"))
    run = case.where / "run-msgmerge"
    out = run / "out"
    merge = ["sh", "-c", " && ".join(
        shlex.join([MSGMERGE, "--no-fuzzy-matching", "--previous", "-o",
                    str(out / f"{language}.po"), str(po_file(run / "locales", language)),
                    str(case.new_pot)])
        for language in LANGUAGES)]
    tools[MSGMERGE_LABEL] = (merge, run, out / "nl.po")
    return tools


def catalogs_update(report: Report, versions: list[Version], clusters: int, runs: int,
                    timeout: float) -> None:
    report.heading("1. `speerpunt catalogs update` at ~51k messages, beside msgmerge")
    log(f"catalogs: building {clusters:,} clusters")
    case = build_catalog_case(clusters)
    tools = catalog_commands(case, versions)
    report.text(
        f"Generated site ({clusters:,} clusters, {case.messages:,} messages in each of en, nl "
        "and fr): sentences of 8–40 words from a fixed vocabulary (fixed seed), msgctxt "
        "`cluster/c00001/name|tagline|description` plus the page's title and intro; nl and fr "
        "fully translated, en with empty msgstr. New version: 5 % of texts edited (one word), "
        "2 % messages added (new clusters at random places), 2 % removed (clusters dropped): "
        f"{len(case.version.edited):,} edited, {len(case.version.added):,} added, "
        f"{len(case.version.removed):,} removed. The old catalogs and new.pot are made once "
        "by HEAD; before every run each tool gets a fresh copy of the same files (untimed). "
        f"{runs} rounds, HEAD, previous and msgmerge alternating. msgmerge merges the three "
        "languages in one `sh -c` (peak = the largest of the three); `-N` "
        "(`--no-fuzzy-matching`) keeps it inside the time cap, so it matches on msgctxt and "
        "msgid and loses the edited texts' translations (its WRONG below).")
    report.commands({label: command for label, (command, _, _) in tools.items()})
    verdicts: dict[str, correctness.Verdict] = {}

    def prepare(label):
        _, run, _ = tools[label]
        copy_tree(case.start, run)
        (run / "out").mkdir()

    def after(label, measurement):
        if label in verdicts or measurement.timed_out:
            return
        if measurement.returncode:
            verdicts[label] = correctness.Verdict(
                error=f"exit {measurement.returncode}: {measurement.stderr[-200:]}")
            return
        verdicts[label] = correctness.check(
            tools[label][2], case.old_texts, case.old_translations, case.new_texts,
            case.version.edited, case.version.added, case.version.removed)

    results = measure.alternate({label: command for label, (command, _, _) in tools.items()},
                                runs, prepare=prepare, after=after, timeout=timeout,
                                progress=lambda text: log(f"catalogs: {text}"))
    for _, run, _ in tools.values():
        shutil.rmtree(run, ignore_errors=True)
    merge = results[MSGMERGE_LABEL]
    rows = []
    for label, series in results.items():
        verdict = verdicts.get(label)
        rows.append([label, *row_timing(series), exit_codes(series),
                     times(share(series.median, merge.median)),
                     "—" if verdict is None else verdict.short()])
    report.table(["tool", "median", "min–max (s)", "CPU s", "runs", "peak MB", "exit", "× msgmerge",
                  "nl catalog"], rows)

    head, previous = results["HEAD"], results["previous"]
    size = sized(report.quick, "~51k messages")
    profile_args = ["catalogs", "update", "--output", str(case.where / "run-HEAD" / "output"),
                    "--locales", str(case.where / "run-HEAD" / "locales")]
    profile = Profile(f"speerpunt catalogs update, {case.messages:,} messages", profile_args,
                      case.start)
    report.figure(f"catalogs update, {case.messages:,} messages ×3, time{size}", with_cpu(head),
                  f"previous {with_cpu(previous)}", times(share(head.median, previous.median)),
                  f"≤ {GOAL_UPDATE_SECONDS} s",
                  None if head.median is None else head.median <= GOAL_UPDATE_SECONDS, profile)
    report.figure(f"catalogs update, {case.messages:,} messages ×3, peak memory{size}",
                  megabytes(head.peak_mb), f"previous {megabytes(previous.peak_mb)}",
                  times(share(head.peak_mb, previous.peak_mb)), f"≤ {GOAL_UPDATE_MB:.0f} MB",
                  None if head.peak_mb is None else head.peak_mb <= GOAL_UPDATE_MB,
                  Profile(profile.title, profile_args, case.start, memory=True))
    head_share = share(head.median, merge.median)
    report.figure(f"catalogs update ÷ `{MSGMERGE_LABEL}`, same files, side by side{size}",
                  times(head_share), f"previous {times(share(previous.median, merge.median))} "
                  f"(msgmerge {seconds(merge)})", times(share(head.median, previous.median)),
                  f"≤ {GOAL_UPDATE_VS_MSGMERGE}×",
                  None if head_share is None else head_share <= GOAL_UPDATE_VS_MSGMERGE,
                  profile)
    verdict = verdicts.get("HEAD")
    report.text(f"- nl catalog written by HEAD: {verdict.short() if verdict else 'not checked'}")
    report.profiles.append(Profile(profile.title, profile_args, case.start, missed=False))


# ---------------------------------------------------------------- 2. export


def export_scale(report: Report, versions: list[Version], clusters: int, runs: int,
                 timeout: float) -> None:
    report.heading(f"2. `speerpunt export` at {clusters:,} clusters: first run and unchanged")
    where = WORK / "export"
    base = where / "base"
    log(f"export: building {clusters:,} clusters")
    records = generate.site_records(clusters)
    generate.write_records(base / "output" / "records.jsonl", records)
    checked([SPEERPUNT, "catalogs", "update", "--output", str(base / "output"),
             "--locales", str(base / "locales")])
    for language in ("nl", "fr"):
        generate.fill_translations(po_file(base / "locales", language), language)
    messages = len(generate.texts(records))
    report.text(
        f"Generated records ({clusters:,} clusters, {messages:,} messages; made as in "
        "section 1) → HEAD's `speerpunt catalogs update` → nl/fr filled → no .mo and no "
        "export yet. Each round, for each version: a fresh copy of those files (untimed), "
        "the first export (compiles the three .mo, validates and writes the three exports), "
        "then a second export on the same files (.mo fresh, nothing changed). "
        f"{runs} rounds; HEAD and previous alternate.")
    commands, dirs = {}, {}
    for version in versions:
        run = where / f"run-{version.name}"
        dirs[version.name] = run
        command = version.command("export", "--output", str(run / "output"),
                                  "--locales", str(run / "locales"))
        commands[f"{version.name} first"] = command
        commands[f"{version.name} unchanged"] = command
    report.commands({name: commands[f"{name} first"] for name in dirs})
    notes: dict[str, str] = {}

    def prepare(label):
        if label.endswith(" first"):
            copy_tree(base, dirs[label.split()[0]])

    def after(label, measurement):
        notes.setdefault(label, last_line(measurement))

    results = measure.alternate(commands, runs, prepare=prepare, after=after, timeout=timeout,
                                progress=lambda text: log(f"export: {text}"))
    rows = [[label, *row_timing(series), exit_codes(series), notes.get(label, "")]
            for label, series in results.items()]
    report.table(["version, export", "median", "min–max (s)", "CPU s", "runs", "peak MB", "exit",
                  "its output"], rows)
    head_first, head_same = results["HEAD first"], results["HEAD unchanged"]
    prev_first, prev_same = results["previous first"], results["previous unchanged"]
    size = sized(report.quick, "10,000 clusters")
    run = dirs["HEAD"]
    args = ["export", "--output", str(run / "output"), "--locales", str(run / "locales")]
    first_profile = Profile(f"speerpunt export, {clusters:,} clusters, first run", args, base)
    same_profile = Profile(f"speerpunt export, {clusters:,} clusters, unchanged", args, base,
                           warm=True)
    report.figure(f"export, {clusters:,} clusters, first run{size}", with_cpu(head_first),
                  f"previous {with_cpu(prev_first)}",
                  times(share(head_first.median, prev_first.median)),
                  f"≤ {GOAL_EXPORT_FIRST_SECONDS} s",
                  None if head_first.median is None
                  else head_first.median <= GOAL_EXPORT_FIRST_SECONDS, first_profile)
    head_share = share(head_same.median, head_first.median)
    report.figure(f"export, {clusters:,} clusters, unchanged ÷ first run{size}",
                  f"{times(head_share)} ({with_cpu(head_same)}; by CPU time "
                  f"{times(share(head_same.cpu_median, head_first.cpu_median))})",
                  f"previous {times(share(prev_same.median, prev_first.median))} "
                  f"({with_cpu(prev_same)})", times(share(head_same.median, prev_same.median)),
                  f"≤ {GOAL_EXPORT_UNCHANGED_SHARE}× the first run",
                  None if head_share is None else head_share <= GOAL_EXPORT_UNCHANGED_SHARE,
                  same_profile)
    report.text("(The ratio column of the unchanged export is HEAD's unchanged run ÷ the "
                "previous release's unchanged run.)")
    for profile in (first_profile, same_profile):
        report.profiles.append(Profile(profile.title, profile.args, profile.start,
                                       warm=profile.warm, missed=False))


# ---------------------------------------------------------------- 3. end to end


def shipped_copy(where: Path, root: Path = ROOT) -> tuple[Path, Path]:
    """Copies of the output/ and locales/ shipped in root (a version's source tree) under
    where, mtimes kept. Each version runs on its own release's files: HEAD's have records the
    previous release cannot read (organisations: its `export` stops on a KeyError, its `run`
    refuses their losses), and `git diff fc7711f HEAD -- output locales` is no longer empty."""
    output, locales = where / "output", where / "locales"
    copy_tree(root / "output", output)
    copy_tree(root / "locales", locales)
    return output, locales


def end_to_end(report: Report, versions: list[Version], runs: int, timeout: float) -> None:
    report.heading("3. `speerpunt run --snapshot` beside a bare Scrapy crawl of the same pages")
    where = WORK / "e2e"
    by_name = {version.name: version for version in versions}
    commands, arguments, noops = {}, {}, {}
    for version in versions:
        output, locales = shipped_copy(where / version.name, version.root)
        arguments[version.name] = ["run", "--snapshot", "--output", str(output),
                                   "--locales", str(locales)]
        commands[f"{version.name}: speerpunt run --snapshot"] = version.command(
            *arguments[version.name])
        noops[version.name] = noop_command(version)
        commands[f"{version.name}'s no-op crawl"] = noops[version.name]
    report.text("Each version's `run --snapshot` beside its own baseline, a bare Scrapy crawl "
                "(bench/noop_spider.py) of exactly the pages that version's run fetches, "
                "fetched the same way and doing nothing with them. HEAD crawls the overview "
                "(robots.txt, the page, its two articles), then the seven organisations' sites "
                "side by side (robots.txt of each host asked, home page, about page): its no-op "
                "crawl runs the same CrawlerProcess sequence (an overview spider, then one "
                "spider per site side by side) through HEAD's snapshot add-on (its in-process "
                "server and download handler), robots.txt obeyed. The previous release crawls "
                "only the overview: its no-op crawl (`--previous`, run by that release's "
                "Python) fetches those 4 responses from that release's own snapshot server. "
                "So each ratio is against the pages that version fetches; HEAD's and the "
                "previous release's run times are not like for like.")
    report.text(f"Each version on its own copy of its release's shipped output/ and locales/, "
                "made once. "
                f"One untimed warm-up run of each command, then {runs} alternating runs (the "
                "steady state of a cron job). Both source trees are byte-compiled, as pip does "
                "for installed packages. The ratios move by about ±0.05 with the machine's "
                "load: compare them only from a quiet machine.")
    report.commands(commands)
    same_pages(report, versions, where, arguments, noops, timeout)
    for label, command in commands.items():
        warm = measure.run(command, cwd=where, timeout=timeout)
        log(f"warm-up {label}: {measure.describe(warm)}")
    series = measure.alternate(commands, runs, cwd=where, timeout=timeout,
                               progress=lambda text: log(f"e2e: {text}"))
    baselines = {label: series[f"{label.split(':')[0]}'s no-op crawl"] for label in series
                 if not label.endswith("no-op crawl")}
    rows = [[label, *row_timing(s), exit_codes(s),
             "—" if label.endswith("no-op crawl")
             else times(share(s.median, baselines[label].median), 3)]
            for label, s in series.items()]
    report.table(["command", "median", "min–max (s)", "CPU s", "runs", "peak MB", "exit",
                  "× its no-op crawl"], rows)
    head = series["HEAD: speerpunt run --snapshot"]
    previous = series["previous: speerpunt run --snapshot"]
    head_noop, previous_noop = series["HEAD's no-op crawl"], series["previous's no-op crawl"]
    ratio = share(head.median, head_noop.median, 3)
    previous_ratio = share(previous.median, previous_noop.median, 3)
    pages = f"{report.e2e_pages} pages, 8 sites" if report.e2e_pages else "the same pages"
    for goal, issue in ((GOAL_E2E_RATIO, "issue \"Speed back inside every goal\""),
                        (GOAL_E2E_CLUSTER_PAGES_RATIO, "cluster pages issue")):
        report.figure(f"run --snapshot ÷ no-op crawl of the same pages ({pages}; {issue})",
                      f"{times(ratio, 3)} ({seconds(head)}; by CPU time "
                      f"{times(share(head.cpu_median, head_noop.cpu_median), 3)})",
                      f"no-op crawl of HEAD's pages {seconds(head_noop)}; previous "
                      f"{times(previous_ratio, 3)} against its own no-op crawl of the "
                      f"overview's 4 pages ({seconds(previous)} ÷ {seconds(previous_noop)})",
                      f"{times(share(ratio, previous_ratio), 3)} (of the two ratios)",
                      f"≤ {goal:.2f}×", None if ratio is None else ratio <= goal)
    report.text(f"- HEAD {seconds(head)} − its no-op crawl {seconds(head_noop)} = "
                f"{(head.median or 0) - (head_noop.median or 0):+.3f} s (CPU "
                f"{(head.cpu_median or 0) - (head_noop.cpu_median or 0):+.3f} s); previous "
                f"{seconds(previous)} − its no-op crawl {seconds(previous_noop)} = "
                f"{(previous.median or 0) - (previous_noop.median or 0):+.3f} s. The ratio "
                "column of the summary is HEAD's ratio ÷ the previous release's ratio.")
    where_time_goes(report, by_name, where, arguments, noops, timeout)


def noop_command(version: Version, *args: str) -> list[str]:
    """The bare crawl matching version's run: HEAD's pages, or the previous release's."""
    noop = str(BENCH / "noop_spider.py")
    return [version.python, noop, *args] if version.name == "HEAD" \
        else [version.python, noop, "--previous", *args]


CRAWLED = re.compile(r"Crawled \((\d+)\) <(\w+) (\S+)>")


def crawled_urls(log_text: str) -> list[str]:
    """Every URL Scrapy's log says was fetched (`Crawled (200) <GET URL>`), a snapshot
    server's port left out (each run starts its own)."""
    return sorted(re.sub(r"^http://127\.0\.0\.1:\d+", "http://127.0.0.1", match.group(3))
                  for match in CRAWLED.finditer(log_text))


def same_pages(report: Report, versions: list[Version], where: Path,
               arguments: dict[str, list[str]], noops: dict[str, list[str]],
               timeout: float) -> None:
    """Untimed: each run's fetched URLs (its debug log, its report.json) beside its no-op
    crawl's (--urls); the counts and whether the URLs are the same are printed."""
    report.subheading("Check: the same pages fetched")
    rows = []
    for version in versions:
        scratch = where / "check" / version.name
        output, locales = shipped_copy(scratch, version.root)
        args = [*arguments[version.name], "-v", "-s", "LOG_LEVEL=DEBUG"]
        args[args.index("--output") + 1], args[args.index("--locales") + 1] = \
            str(output), str(locales)
        result = measure.run(version.command(*args), cwd=scratch, timeout=timeout)
        run_urls = crawled_urls(result.stderr + result.stdout)
        try:
            crawl = json.loads((output / "report.json").read_text())["crawl"]
            reported = f"{crawl.get('requests')} requests, {crawl.get('pages')} pages"
        except (OSError, ValueError, KeyError):
            reported = "unreadable"
        noop = measure.run([*noops[version.name], "--urls"], cwd=scratch, timeout=timeout)
        noop_urls = sorted(re.sub(r"^http://127\.0\.0\.1:\d+", "http://127.0.0.1", line)
                           for line in noop.stdout.split())
        hosts = len({urlsplit(url).netloc for url in run_urls})
        same = run_urls == noop_urls and result.returncode == 0 and noop.returncode == 0
        rows.append([version.name, f"{len(run_urls)} on {hosts} host names", reported,
                     str(len(noop_urls)), "yes" if same else "NO", exit_codes_of(result, noop)])
        if version.name == "HEAD" and same:
            report.e2e_pages = len(run_urls)
        if not same:
            missing, extra = sorted(set(run_urls) - set(noop_urls)), \
                sorted(set(noop_urls) - set(run_urls))
            report.text(f"- {version.name}: fetched by the run only: {missing or 'none'}; by "
                        f"the no-op crawl only: {extra or 'none'}")
        shutil.rmtree(scratch, ignore_errors=True)
    report.text("One untimed run of each with Scrapy's debug log (`-v -s LOG_LEVEL=DEBUG`: "
                "its `Crawled (200) <GET URL>` lines) and of its no-op crawl with `--urls`:")
    report.table(["version", "run fetched (debug log)", "run's report.json crawl",
                  "no-op crawl fetched", "same URLs", "exit (run, no-op)"], rows)


def exit_codes_of(*results: measure.Measurement) -> str:
    return ", ".join("timeout" if r.timed_out else str(r.returncode) for r in results)


def where_time_goes(report: Report, versions: dict[str, Version], where: Path,
                    arguments: dict[str, list[str]], noops: dict[str, list[str]],
                    timeout: float) -> None:
    """importtime of every command, HEAD's imports that its no-op crawl does without, and a
    pyinstrument profile of HEAD, its no-op crawl and the previous release."""
    report.subheading("Where start-up time goes: `python -X importtime`")
    traced_commands = {}
    for name, version in versions.items():
        traced_commands[name] = [version.python, "-X", "importtime", version.speerpunt,
                                 *arguments[name]]
        traced_commands[f"{name}'s no-op"] = [noops[name][0], "-X", "importtime",
                                              *noops[name][1:]]
    report.commands(traced_commands)
    traced = {label: import_times(measure.run(command, cwd=where, timeout=timeout).stderr)
              for label, command in traced_commands.items()}
    columns = list(traced)
    tops = {label: {e.name: e.cumulative_us for e in imports if e.depth == 0}
            for label, imports in traced.items()}
    names = sorted({name for label in ("HEAD", "previous")
                    for name in sorted(tops[label], key=lambda n: -tops[label][n])[:10]},
                   key=lambda name: -tops["HEAD"].get(name, 0))
    rows = [[name, *(f"{tops[label][name] / 1000:.1f}" if name in tops[label]
                     else "not imported" for label in columns)] for name in names]
    rows.append(["total (all top-level imports)",
                 *(f"{top_level_ms(traced[label]):.1f}" for label in columns)])
    rows.append(["modules imported", *(str(len(traced[label])) for label in columns)])
    report.text("The top 10 top-level imports of HEAD's and of the previous release's "
                "`run --snapshot`, by cumulative time in ms, beside each one's no-op crawl "
                "(each includes what it imported first; one run each, so ±10 ms noise; a "
                "module is charged where it was first imported, so the same package can sit "
                "under different parents):")
    report.table(["module (top level)", *(f"{label} (ms)" for label in columns)], rows)

    noop_names = {entry.name for entry in traced["HEAD's no-op"]}
    extra = [entry for entry in traced["HEAD"] if entry.name not in noop_names]
    by_root: dict[str, list[Import]] = {}
    for entry in extra:
        by_root.setdefault(entry.name.split(".")[0], []).append(entry)
    ranked = sorted(by_root.items(), key=lambda item: -sum(e.self_us for e in item[1]))
    report.text(f"What HEAD's run imports that its no-op crawl does not: {len(extra)} modules, "
                f"{sum(e.self_us for e in extra) / 1000:.1f} ms of their own top-level code "
                f"(of {sum(e.self_us for e in traced['HEAD']) / 1000:.1f} ms for all "
                f"{len(traced['HEAD'])} modules HEAD imports), by package:")
    report.table(["package", "modules", "self (ms)", "largest (self ms)"],
                 [[root, str(len(entries)), f"{sum(e.self_us for e in entries) / 1000:.1f}",
                   ", ".join(f"{e.name} {e.self_us / 1000:.1f}"
                             for e in sorted(entries, key=lambda e: -e.self_us)[:3])]
                  for root, entries in ranked[:12]])
    deep = sorted(traced["HEAD"], key=lambda e: -e.self_us)[:10]
    report.text("Largest self times (the module's own top-level code), HEAD's run:")
    report.table(["module", "depth", "self (ms)", "cumulative (ms)"],
                 [[e.name, str(e.depth), f"{e.self_us / 1000:.1f}",
                   f"{e.cumulative_us / 1000:.1f}"] for e in deep])

    report.subheading("Where the time goes: pyinstrument, HEAD beside its no-op crawl")
    report.text("One untimed run of each under pyinstrument (library frames folded as "
                "pyinstrument does by default); compare HEAD's tree with its no-op crawl's "
                "and the previous release's.")
    head, previous = versions["HEAD"], versions["previous"]
    profiled = {
        "HEAD: speerpunt run --snapshot": [head.python, "-m", "pyinstrument", "--no-color",
                                           head.speerpunt, *arguments["HEAD"]],
        "HEAD's no-op crawl": [head.python, "-m", "pyinstrument", "--no-color",
                               *noops["HEAD"][1:]],
        "previous: speerpunt run --snapshot": [previous.python, "-m", "pyinstrument",
                                               "--no-color", previous.speerpunt,
                                               *arguments["previous"]]}
    for label, command in profiled.items():
        log(f"profiling: {shown(command)}")
        result = measure.run(command, cwd=where, timeout=timeout)
        report.text(f"{label}: `{shown(command)}`")
        report.block(pyinstrument_tree(result, 75 if label.startswith("HEAD:") else 45))


# ---------------------------------------------------------------- 4. hosts side by side, slots


HOSTS_DELAY = 1.0  # seconds every response of the slow server waits
ONE_SITE = "flanders-food"  # the organisation crawled alone beside the overview
OVERVIEW = "clusters"  # the overview's key in the registry


def registry() -> dict[str, dict]:
    """HEAD's registry of sources (pipeline/sources.json), read as data: by key."""
    entries = json.loads((ROOT / "pipeline" / "sources.json").read_text(encoding="utf-8"))
    return {entry["key"]: entry for entry in entries["sources"]}


def site_pages(key: str) -> list[str]:
    """An organisation's pages a run fetches: its home page, then its about page."""
    entry = registry()[key]
    return [entry["website"], *([entry["about"]] if entry.get("about") else [])]


@dataclass
class SlowServer:
    """bench/slow_server.py in its own process: the snapshot, every answer after a delay."""

    directory: Path
    delay: float
    log_file: Path
    process: subprocess.Popen | None = None
    url: str = ""

    def __enter__(self) -> "SlowServer":
        self.process = subprocess.Popen(
            [PYTHON, str(BENCH / "slow_server.py"), "--delay", str(self.delay), "--log",
             str(self.log_file), str(self.directory)],
            stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.url = (self.process.stdout.readline() if self.process.stdout else "").strip()
        if not self.url.startswith("http://"):
            self.__exit__()
            raise SystemExit("bench/slow_server.py did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # the server we started, by its own pid
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Timeline:
    """One crawl's requests as the slow server saw them."""

    requests: int
    span: float  # first arrival to last answer, seconds
    most_in_flight: int  # the most requests the server held at once
    hosts_in_flight: int  # the most distinct hosts among them
    overview_done: float  # seconds from the first arrival to the overview's last answer
    sites_span: float  # from the first site request to the last answer


def timeline(lines: list[str], overview_host: str) -> Timeline | None:
    spans = []
    for line in lines:
        parts = line.split(maxsplit=2)
        if len(parts) == 3:
            spans.append((float(parts[0]), float(parts[1]),
                          parts[2].lstrip("/").split("/", 1)[0]))
    if not spans:
        return None
    start = min(arrived for arrived, _, _ in spans)
    end = max(answered for _, answered, _ in spans)
    most, hosts = 0, 0
    for arrived, _, _ in spans:
        held = [(a, b, host) for a, b, host in spans if a <= arrived < b]
        most = max(most, len(held))
        hosts = max(hosts, len({host for _, _, host in held}))
    overview = [answered for _, answered, host in spans if host == overview_host]
    sites = [arrived for arrived, _, host in spans if host != overview_host]
    return Timeline(len(spans), end - start, most, hosts,
                    (max(overview) - start) if overview else 0.0,
                    (end - min(sites)) if sites else 0.0)


def chain(pages: list[str]) -> int:
    """Responses one after another to crawl pages in order, each host's robots.txt first."""
    return len(pages) + len({urlsplit(page).hostname for page in pages})


def floor_seconds(sites: list[str], delay: float) -> float:
    """The least a run can take when every answer takes delay and nothing else does: the
    overview's chain (robots.txt, the page, its two articles side by side), then the longest
    site's chain (robots.txt of each host it asks, home page, about page)."""
    return (3 + max((chain(site_pages(key)) for key in sites), default=0)) * delay


def hosts_side_by_side(report: Report, runs: int, timeout: float, quick: bool) -> None:
    report.subheading(f"4a. Eight hosts against one, each answering after {HOSTS_DELAY:g} s")
    where = WORK / "hosts"
    directory = ROOT / "spiders" / "snapshot"
    log_file = where / "server.log"
    where.mkdir(parents=True, exist_ok=True)
    shipped = where / "shipped"
    shipped_copy(shipped)
    everyone = [key for key in registry() if key != OVERVIEW]
    overview_host = urlsplit(registry()[OVERVIEW]["start_url"]).hostname
    with SlowServer(directory, HOSTS_DELAY, log_file) as server:
        base = ["--snapshot", str(directory), "-s", f"SPEERPUNT_SNAPSHOT={server.url}"]
        one = ["--source", OVERVIEW, "--source", ONE_SITE]
        all_label, one_label = "HEAD: 8 hosts", f"HEAD: overview + {ONE_SITE}"
        runs_of = {all_label: where / "all", one_label: where / "one"}
        commands = {
            all_label: [SPEERPUNT, "run", *base, "--output", str(runs_of[all_label] / "output"),
                        "--locales", str(runs_of[all_label] / "locales")],
            one_label: [SPEERPUNT, "run", *base, *one,
                        "--output", str(runs_of[one_label] / "output"),
                        "--locales", str(runs_of[one_label] / "locales")],
        }
        noop_all, noop_one = "no-op crawl: 8 hosts", f"no-op crawl: overview + {ONE_SITE}"
        if not quick:
            commands[noop_all] = [PYTHON, str(BENCH / "noop_spider.py"), "--base", server.url]
            commands[noop_one] = [*commands[noop_all], "--only", ONE_SITE]
        report.text(
            f"bench/slow_server.py serves spiders/snapshot/ as `/<host>/<path>` (HEAD's "
            f"`SnapshotHandler`), a thread per request, each answered after {HOSTS_DELAY:g} s; "
            "the runs are routed to it with `-s SPEERPUNT_SNAPSHOT=URL` (the add-on then "
            "starts no server of its own). All 8 hosts (the overview, then the 7 "
            f"organisations' sites) against the overview and one site ({ONE_SITE}): a run "
            "always crawls the overview first, since it names the sites. Each run on a fresh "
            "copy of the shipped output/ and locales/ (untimed). "
            + ("" if quick else "The no-op crawl (bench/noop_spider.py --base URL) fetches the "
               "same pages from the same server, for the floor Scrapy itself reaches. ")
            + f"{runs} alternating rounds"
            + (", no warm-up (quick run)." if quick else ", after one untimed warm-up each."))
        report.commands(commands)
        timelines: dict[str, Timeline | None] = {}

        def prepare(label):
            if label in runs_of:
                copy_tree(shipped, runs_of[label])
            log_file.write_text("")

        def after(label, measurement):
            timelines[label] = timeline(log_file.read_text().splitlines(), overview_host)

        if not quick:
            for label, command in commands.items():
                prepare(label)
                log(f"warm-up {label}: {measure.describe(measure.run(command, timeout=timeout))}")
        series = measure.alternate(commands, runs, prepare=prepare, after=after,
                                   timeout=timeout, progress=lambda text: log(f"hosts: {text}"))
    floors = {all_label: floor_seconds(everyone, HOSTS_DELAY),
              one_label: floor_seconds([ONE_SITE], HOSTS_DELAY)}
    floors[noop_all], floors[noop_one] = floors[all_label], floors[one_label]
    rows = []
    for label, s in series.items():
        seen = timelines.get(label)
        rows.append([label, *row_timing(s), exit_codes(s), f"{floors[label]:.0f} s",
                     "—" if seen is None else str(seen.requests),
                     "—" if seen is None else f"{seen.most_in_flight} ({seen.hosts_in_flight})",
                     "—" if seen is None
                     else f"{seen.span:.2f} / {seen.overview_done:.2f} / {seen.sites_span:.2f}"])
    report.table(["command", "median", "min–max (s)", "CPU s", "runs", "peak MB", "exit",
                  "floor", "requests", "most in flight (hosts)",
                  "requests / overview / sites (s)"], rows)
    report.text(f"Floor: the answers' waits alone along the longest chain of requests that "
                f"must follow one another ({HOSTS_DELAY:g} s each): the overview's robots.txt, "
                "page and articles (3), then the slowest site's robots.txt, home page and "
                "about page, plus one more robots.txt where the about page is on another host "
                "(bluecluster.be, catalisti.be: 4; the others 3). The last three columns are "
                "from the server's log of the last run: requests answered, the most held at "
                "once (and on how many hosts), and seconds from the first request to the last "
                "answer / from the first request until the overview's last answer / from the "
                "first site request to the last answer; the rest of the median is the process "
                "starting, importing and publishing.")
    head_all, head_one = series[all_label], series[one_label]
    ratio = share(head_all.median, head_one.median)
    floor_ratio = floors[all_label] / floors[one_label]
    noop_ratio = "" if quick else (
        f"; no-op crawl {times(share(series[noop_all].median, series[noop_one].median))} "
        f"({seconds(series[noop_all])} ÷ {seconds(series[noop_one])})")
    one_by_one = sum(chain(site_pages(key)) for key in everyone) * HOSTS_DELAY
    report.figure(f"8 hosts ÷ overview + one site, each answering after {HOSTS_DELAY:g} s",
                  f"{times(ratio)} ({with_cpu(head_all)})",
                  f"overview + {ONE_SITE} {with_cpu(head_one)}; floor "
                  f"{floors[all_label]:.0f} s ÷ {floors[one_label]:.0f} s = {floor_ratio:.2f}×"
                  f"{noop_ratio}",
                  "— (the previous release crawls one host)", f"≤ {GOAL_HOSTS_RATIO}×",
                  None if ratio is None else ratio <= GOAL_HOSTS_RATIO)
    seen = timelines.get(all_label)
    if seen is not None:
        report.text(f"- Side by side: in HEAD's last 8-host run the server held up to "
                    f"{seen.most_in_flight} requests at once, on {seen.hosts_in_flight} hosts; "
                    f"the 7 sites took {seen.sites_span:.2f} s from their first request to the "
                    f"last answer (one after another they would take about "
                    f"{one_by_one:.0f} s). Politeness: "
                    "each site is its own crawler, so CONCURRENT_REQUESTS (16) and "
                    "CONCURRENT_REQUESTS_PER_DOMAIN (2) limit each host alone, never hosts "
                    "against each other; a snapshot run has no DOWNLOAD_DELAY and no "
                    "AutoThrottle (a live run has both, per host).")
    shutil.rmtree(where, ignore_errors=True)


def prefill_report(measurement: measure.Measurement) -> dict | None:
    """The JSON line bench/prefill.py prints: tiers found and seconds of each step."""
    try:
        return json.loads(measurement.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def memory_prefill(report: Report, runs: int, timeout: float, quick: bool) -> None:
    """Translation-memory pre-fill of a 50k-message template from a 50k-unit memory, HEAD
    beside translate-toolkit's `pretranslate --tm` on the same files (the previous release
    has no memory). translate-toolkit compares a message with every unit of similar length
    in Python: at 50k it runs into the time cap, so both also run on the first
    MEMORY_SAMPLE messages of the same template, against the same memory, for its time
    and the match counts side by side."""
    size = QUICK_MEMORY_MESSAGES if quick else MEMORY_MESSAGES
    report.subheading(f"4b. Translation-memory pre-fill at {size // 1000}k messages")
    where = WORK / "memory"
    log(f"memory: generating {size:,} messages and a {size:,}-unit memory")
    case = generate.memory_case(size, size)
    template, sample, memory = where / "messages.pot", where / "sample.pot", where / "memory.tmx"
    empty = where / "empty.po"
    generate.write_pot(template, case.messages)
    generate.write_pot(sample, case.messages[:MEMORY_SAMPLE])
    generate.write_memory(memory, case.units)
    generate.write_empty_catalog(empty)
    mix = ", ".join(f"{share:.0%} {kind}" for kind, share in generate.MEMORY_MIX)
    report.text(
        f"Generated (fixed seed): {size:,} untranslated en messages with their msgctxt, as "
        f"`catalogs update` writes a template, and an en→nl memory of {len(case.units):,} "
        "units written by HEAD's dump_tmx (sentences of 8–40 words of bench/generate.py's "
        f"vocabulary, a third of them short, 2–6 words). Messages: {mix} (context: the site's "
        "own nl version of the field; context-edited: that field's text since changed by a "
        "word; exact: the same text translated elsewhere; near: a memory text with 1–3 words "
        "changed). HEAD (bench/prefill.py, its own process): read the template and the TMX, "
        "build the Index, best() for every message (Index.best_all: the same answers, 512 "
        "fuzzy searches counted together), write the catalog. translate-toolkit: "
        "`pretranslate --tm` (its matcher reads the TMX itself, no tmdb; an empty template "
        "because 3.20.4 fails without one), min similarity 75 as HEAD's. "
        f"{runs} rounds alternating; a tool past 60 s is not run again.")
    head_out, tt_out = where / "head.po", where / "pretranslate.po"
    commands = {
        "HEAD pre-fill": [PYTHON, str(BENCH / "prefill.py"), str(template), str(memory), "nl",
                          str(head_out)],  # best_all: best() of each, 512 searched together
        "pretranslate --tm": [PRETRANSLATE, "--tm", str(memory), "-t", str(empty),
                              str(template), str(tt_out)],
    }
    report.commands(commands)
    results = measure.alternate(commands, runs, timeout=timeout, once_after=60,
                                progress=lambda text: log(f"memory: {text}"))
    head, tt = results["HEAD pre-fill"], results["pretranslate --tm"]
    steps = prefill_report(head.runs[-1]) if head.runs else None
    rows = [[label, *row_timing(series), exit_codes(series)] for label, series in
            results.items()]
    report.table(["tool", "median", "min–max (s)", "CPU s", "runs", "peak MB", "exit"], rows)
    if steps:
        report.text("HEAD's steps (last run, seconds inside the process): "
                    + ", ".join(f"{name} {value:.3f}" for name, value in
                                steps["seconds"].items())
                    + "; tiers found: " + ", ".join(f"{tier} {count:,}" for tier, count in
                                                   steps["tiers"].items()) + ".")

    log(f"memory: both on the first {MEMORY_SAMPLE:,} messages")
    sample_out = {"HEAD pre-fill": where / "head-sample.po",
                  "pretranslate --tm": where / "pretranslate-sample.po"}
    sample_commands = {
        "HEAD pre-fill": [PYTHON, str(BENCH / "prefill.py"), str(sample), str(memory), "nl",
                          str(sample_out["HEAD pre-fill"])],
        "pretranslate --tm": [PRETRANSLATE, "--tm", str(memory), "-t", str(empty), str(sample),
                              str(sample_out["pretranslate --tm"])],
    }
    sampled = {label: measure.run(command, timeout=timeout)
               for label, command in sample_commands.items()}
    counts = {}
    for label, measurement in sampled.items():
        log(f"memory sample {label}: {measure.describe(measurement)}")
        if not measurement.timed_out and not measurement.returncode:
            counts[label] = generate.memory_counts(sample_out[label], case.kinds)
    full_counts = {}
    if head.runs and not head.failed and not head.timed_out:
        full_counts["HEAD pre-fill"] = generate.memory_counts(head_out, case.kinds)
    if tt.runs and not tt.failed and not tt.timed_out:
        full_counts["pretranslate --tm"] = generate.memory_counts(tt_out, case.kinds)
    sample_kinds = {kind: 0 for kind, _ in generate.MEMORY_MIX}
    for context, _ in case.messages[:MEMORY_SAMPLE]:
        sample_kinds[case.kinds[context]] += 1
    all_kinds = {kind: 0 for kind, _ in generate.MEMORY_MIX}
    for kind in case.kinds.values():
        all_kinds[kind] += 1

    def cell(found: dict, label: str, kind: str) -> str:
        if label not in found:
            return "—"
        filled, fuzzy = found[label][kind]
        return f"{filled:,} ({fuzzy:,} fuzzy)"

    report.text(f"Messages filled (of which marked fuzzy), by what each was made to find; on "
                f"all {size:,} messages and on the first {MEMORY_SAMPLE:,}, where "
                f"pretranslate took {measure.describe(sampled['pretranslate --tm'])} and "
                f"HEAD {measure.describe(sampled['HEAD pre-fill'])}:")
    kinds = [kind for kind, _ in generate.MEMORY_MIX]
    total = {label: tuple(map(sum, zip(*found.values(), strict=True)))
             for label, found in (("all HEAD", full_counts.get("HEAD pre-fill")),
                                  ("all tt", full_counts.get("pretranslate --tm")),
                                  ("sample HEAD", counts.get("HEAD pre-fill")),
                                  ("sample tt", counts.get("pretranslate --tm"))) if found}
    rows = [[kind, f"{all_kinds[kind]:,}", cell(full_counts, "HEAD pre-fill", kind),
             cell(full_counts, "pretranslate --tm", kind), f"{sample_kinds[kind]:,}",
             cell(counts, "HEAD pre-fill", kind), cell(counts, "pretranslate --tm", kind)]
            for kind in kinds]

    def summed(label: str) -> str:
        return f"{total[label][0]:,} ({total[label][1]:,} fuzzy)" if label in total else "—"

    rows.append(["all", f"{size:,}", summed("all HEAD"), summed("all tt"),
                 f"{min(size, MEMORY_SAMPLE):,}", summed("sample HEAD"), summed("sample tt")])
    report.table(["message", f"all {size // 1000}k", "HEAD", "pretranslate",
                  f"first {MEMORY_SAMPLE:,}", "HEAD", "pretranslate"], rows)

    label = f"{size // 1000}k messages × {len(case.units) // 1000}k units"
    size_note = sized(quick, "50k messages")
    if tt.median is not None:
        ratio = times(share(head.median, tt.median), 4)
    elif head.median is not None:
        ratio = f"< {head.median / timeout:.4f}×"
    else:
        ratio = "—"
    head_sample, tt_sample = sampled["HEAD pre-fill"], sampled["pretranslate --tm"]
    report.figure(f"memory pre-fill, {label}, time (ratio: ÷ pretranslate){size_note}",
                  with_cpu(head),
                  f"pretranslate --tm {with_cpu(tt)}; on {MEMORY_SAMPLE:,} messages HEAD "
                  f"{head_sample.wall:.2f} s, pretranslate {tt_sample.wall:.1f} s "
                  f"({measure.ratio(head_sample.wall, tt_sample.wall, 3)})", ratio,
                  f"≤ {GOAL_PREFILL_SECONDS} s",
                  None if head.median is None else head.median <= GOAL_PREFILL_SECONDS)
    sample_peaks = {label: None if m.peak_kb is None else m.peak_kb / 1024
                    for label, m in sampled.items()}
    report.figure(f"memory pre-fill, {label}, peak memory (ratio: ÷ pretranslate){size_note}",
                  megabytes(head.peak_mb),
                  f"pretranslate --tm {megabytes(tt.peak_mb)}; on {MEMORY_SAMPLE:,} messages "
                  f"HEAD {megabytes(sample_peaks['HEAD pre-fill'])}, pretranslate "
                  f"{megabytes(sample_peaks['pretranslate --tm'])}",
                  times(share(head.peak_mb, tt.peak_mb)), f"≤ {GOAL_PREFILL_MB:.0f} MB",
                  None if head.peak_mb is None else head.peak_mb <= GOAL_PREFILL_MB)



def slots(report: Report, runs: int, timeout: float) -> None:
    report.heading("4. Hosts side by side; the translation-memory pre-fill")
    hosts_side_by_side(report, runs, timeout, report.quick)
    memory_prefill(report, runs, timeout, report.quick)


# ---------------------------------------------------------------- 5. translator commands


def translator_commands(report: Report, versions: list[Version], runs: int,
                        timeout: float) -> None:
    report.heading("5. Translator commands beside `python -c pass`")
    where = WORK / "translator"
    arguments, commands = {}, {"python -c pass": [PYTHON, "-c", "pass"]}
    for version in versions:
        output, locales = shipped_copy(where / version.name, version.root)
        paths = ["--output", str(output), "--locales", str(locales)]
        for name in ("catalogs stats", "catalogs check", "export"):
            label = f"{version.name}: speerpunt {name}"
            arguments[label] = [*name.split(), *paths]
            commands[label] = version.command(*arguments[label])
    report.text("On copies of each version's own shipped output/ and locales/ (mtimes kept, "
                "so compiled .mo files stay fresh; the warm-up compiles any missing); one "
                "untimed warm-up run each, then "
                f"{runs} alternating runs.")
    report.commands(commands)
    for label, command in commands.items():
        warm = measure.run(command, cwd=where, timeout=timeout)
        log(f"warm-up {label}: {measure.describe(warm)}")
    series = measure.alternate(commands, runs, cwd=where, timeout=timeout,
                               progress=lambda text: log(f"translator: {text}"))
    python = series["python -c pass"]
    pythons = {version.name: version for version in versions}
    rows = []
    for label, s in series.items():
        imports = ("—", "—", "—")
        if label in arguments:
            version = pythons[label.split(":")[0]]
            result = measure.run([version.python, "-X", "importtime", version.speerpunt,
                                  *arguments[label]], cwd=where, timeout=timeout)
            traced = import_times(result.stderr)
            imports = ("yes" if "scrapy" in imported_roots(traced) else "no",
                       f"{top_level_ms(traced):.0f}", str(len(traced)))
        rows.append([label, *row_timing(s), exit_codes(s), times(share(s.median, python.median)),
                     *imports])
    report.table(["command", "median", "min–max (s)", "CPU s", "runs", "peak MB", "exit",
                  "× python -c pass", "imports scrapy", "import ms", "modules"], rows)
    for name in ("catalogs stats", "catalogs check", "export"):
        head, previous = series[f"HEAD: speerpunt {name}"], series[f"previous: speerpunt {name}"]
        report.figure(f"`speerpunt {name}` on the shipped files", with_cpu(head),
                      f"previous {with_cpu(previous)}", times(share(head.median, previous.median)),
                      f"≤ {GOAL_TRANSLATOR_SECONDS} s",
                      None if head.median is None else head.median <= GOAL_TRANSLATOR_SECONDS,
                      Profile(f"speerpunt {name}", arguments[f"HEAD: speerpunt {name}"]))


# ---------------------------------------------------------------- profiles


def pyinstrument_tree(result: measure.Measurement, lines: int) -> str:
    """The call tree pyinstrument printed, without its banner and footer."""
    text = result.stdout.splitlines()
    start_at = next((i for i, line in enumerate(text) if line.startswith("Program:")), None)
    if start_at is None:
        return (result.stdout + result.stderr)[-2000:]
    end_at = next((i for i, line in enumerate(text) if "To view this report" in line),
                  len(text))
    kept = [line for line in text[start_at:end_at] if line.strip()]
    return "\n".join(kept[:lines]).replace(str(ROOT) + "/", "")


def profiles(report: Report, timeout: float) -> None:
    if not report.profiles:
        return
    report.heading("Profiles of HEAD (one untimed run each)")
    report.text("Every HEAD command that missed a goal (`run --snapshot`: see section 3) and, "
                "for information, the catalog update and the exports.")
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
            run = next(Path(arg).parent for arg in args if arg.endswith("/output"))
            copy_tree(profile.start, where / "run")
            args = [arg.replace(str(run), str(where / "run")) for arg in args]
        if profile.warm:
            measure.run([SPEERPUNT, *args], cwd=where, timeout=timeout)
        if profile.memory:
            command = [PYTHON, str(BENCH / "memprofile.py"), "12", "--", *args]
            report.subheading(f"{profile.title}: memory, tracemalloc near the peak ({why})")
        else:
            command = [PYTHON, "-m", "pyinstrument", "--no-color", SPEERPUNT, *args]
            report.subheading(f"{profile.title}: pyinstrument ({why})")
        log(f"profiling: {shown(command)}")
        result = measure.run(command, cwd=where, timeout=timeout)
        report.text(f"`{shown(command)}`")
        if profile.memory:
            report.block(result.stdout.replace(str(ROOT) + "/", "") or result.stderr[-2000:])
        else:
            report.block(pyinstrument_tree(result, 50))
        shutil.rmtree(where, ignore_errors=True)


# ---------------------------------------------------------------- machine, summary, main


def machine(versions: list[Version]) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        merge = subprocess.run([MSGMERGE, "--version"], capture_output=True,
                               text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        merge = "msgmerge: not found"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "pipeline", "spiders",
                "pyproject.toml", "bench/*.py")  # the code measured, not the notes
    lines = [f"- uname: `{' '.join(platform.uname())}`",
             f"- CPU: {cpu}; cores: {os.cpu_count()}",
             f"- Python: {platform.python_version()}",
             f"- tools: {merge}; peak memory via {measure.memory_method()}",
             f"- load average at the start: {load()} (other work on the machine inflates "
             "wall times; CPU times, shown beside them, move less)"]
    for version in versions:
        subject = git("log", "-1", "--format=%s", version.commit)
        lines.append(f"- {version.name}: `{version.commit}` — {subject}"
                     + (" (plus uncommitted changes)" if version.name == "HEAD" and dirty
                        else "")
                     + f" — `{shown([version.speerpunt])}`")
    return lines


def summary(report: Report) -> None:
    report.heading("Summary: every figure with its baseline")
    report.table(["figure", "HEAD", "baseline", "ratio (HEAD ÷ previous)", "goal", "HEAD"],
                 [[f.name, f.head, f.baseline, f.ratio, f.goal, f.verdict]
                  for f in report.figures])
    if report.missed:
        report.text("Missed goals (profiles above):")
        for text in report.missed:
            report.text(f"- {text}")
    else:
        report.text("Every measured goal met.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, 3 runs (for iterating); writes "
                             "bench/work/RESULTS-quick.md")
    parser.add_argument("--timeout", type=float, default=measure.TIMEOUT,
                        help="cap per command run in seconds (default 300)")
    parser.add_argument("--only", type=int, action="append", choices=range(1, 6), default=[],
                        metavar="N", help="run only section N (1-5, repeatable); writes "
                                          "bench/work/RESULTS-partial.md, never RESULTS.md")
    args = parser.parse_args(argv)
    wanted = set(args.only or range(1, 6))
    measure.TIMEOUT = args.timeout
    began, started = time.perf_counter(), datetime.now(UTC)
    clean_work()
    versions = [head_version(), previous_version()]
    byte_compile(ROOT)
    runs = 3 if args.quick else 5
    report = Report(quick=args.quick)
    report.text(f"# Benchmark results: HEAD beside the previous release"
                f"{' — QUICK run' if args.quick else ''}\n")
    report.text(f"Date: {started.strftime('%Y-%m-%d %H:%M UTC')}\n")
    for line in machine(versions):
        report.text(line)
    report.text(f"\nGenerated by `python bench/run.py{' --quick' if args.quick else ''}` "
                "(`make bench`). Each measured command is its own process; HEAD, the previous "
                "release and any third tool alternate (A B C A B C …) on the same inputs and "
                f"medians are compared; runs capped at {measure.TIMEOUT:.0f} s. Ratios are "
                "HEAD ÷ previous unless a column says otherwise. No timing is asserted "
                "anywhere.")
    if 1 in wanted:
        catalogs_update(report, versions,
                        QUICK_CATALOG_CLUSTERS if args.quick else CATALOG_CLUSTERS, runs,
                        measure.TIMEOUT)
    if 2 in wanted:
        export_scale(report, versions,
                     QUICK_EXPORT_CLUSTERS if args.quick else EXPORT_CLUSTERS, runs,
                     measure.TIMEOUT)
    if 3 in wanted:  # the noisiest ratio: more runs
        end_to_end(report, versions, 3 if args.quick else 15, measure.TIMEOUT)
    if 4 in wanted:
        slots(report, 2 if args.quick else 5, measure.TIMEOUT)
    if 5 in wanted:
        translator_commands(report, versions, 3 if args.quick else 9, measure.TIMEOUT)
    summary(report)
    profiles(report, measure.TIMEOUT)
    report.text(f"\nLoad average at the end: {load()}. "
                f"The whole benchmark took {(time.perf_counter() - began) / 60:.1f} min.")
    target = WORK / "RESULTS-partial.md" if args.only \
        else WORK / "RESULTS-quick.md" if args.quick else RESULTS
    markdown = "".join(report.parts)
    while "\n\n\n" in markdown:
        markdown = markdown.replace("\n\n\n", "\n\n")
    target.write_text(markdown.strip() + "\n", encoding="utf-8")
    print(f"\nwritten {target.relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
