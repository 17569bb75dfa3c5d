"""Timing one command as its own process: wall time, peak memory, a hard time cap.

Wall time is time.perf_counter() around the child. Peak memory is the child's
own maximum resident set size and CPU time its user + system seconds, reported
by `/usr/bin/time -f '%M %U %S'` (or, where that is missing, by bench/memwrap.py,
which execs the command and reads getrusage(RUSAGE_CHILDREN) after waiting for
it). CPU time moves less than wall time when other work shares the machine. A command still running
after the cap is killed with its whole process group and reported as a timeout.
"""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 300.0
GNU_TIME = Path("/usr/bin/time")
MEMWRAP = Path(__file__).with_name("memwrap.py")


@dataclass
class Measurement:
    wall: float  # seconds
    peak_kb: int | None
    returncode: int | None
    timed_out: bool
    stdout: str
    stderr: str
    cpu: float | None = None  # user + system seconds of the command and its children


def memory_wrapper() -> list[str]:
    """The prefix that makes a command report its peak RSS (KiB), user and system seconds into
    the file named last."""
    if GNU_TIME.exists():
        return [str(GNU_TIME), "-f", "%M %U %S", "-o"]
    return [sys.executable, str(MEMWRAP)]


def memory_method() -> str:
    return ("/usr/bin/time -f '%M %U %S'" if GNU_TIME.exists()
            else "bench/memwrap.py (getrusage)")


def run(command: list[str], cwd: Path | None = None, timeout: float | None = None,
        env: dict | None = None) -> Measurement:
    """Run command once in its own process group; never raises on failure or timeout."""
    timeout = TIMEOUT if timeout is None else timeout
    with tempfile.NamedTemporaryFile("r", suffix=".rss", delete=False) as handle:
        report = Path(handle.name)
    try:
        wrapped = [*memory_wrapper(), str(report), *command]
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our child's own group, nobody else's
            stdout, stderr = process.communicate()
            timed_out = True
        wall = time.perf_counter() - start
        peak, cpu = _usage(report)
    finally:
        report.unlink(missing_ok=True)
    returncode = None if timed_out else process.returncode
    return Measurement(wall, peak, returncode, timed_out, stdout, stderr, cpu)


def _usage(report: Path) -> tuple[int | None, float | None]:
    """(peak KiB, user + system seconds) from the wrapper's report."""
    try:
        lines = report.read_text().splitlines()
    except OSError:
        return None, None
    for line in reversed(lines):  # GNU time may write "Command exited…" before the numbers
        words = line.split()
        if len(words) == 3 and words[0].isdigit():
            try:
                return int(words[0]), float(words[1]) + float(words[2])
            except ValueError:
                continue
    return None, None


@dataclass
class Series:
    """Every measurement of one command in one comparison."""

    label: str
    runs: list[Measurement]

    @property
    def timed_out(self) -> bool:
        return any(m.timed_out for m in self.runs)

    @property
    def failed(self) -> list[Measurement]:
        return [m for m in self.runs if not m.timed_out and m.returncode != 0]

    @property
    def median(self) -> float | None:
        if self.timed_out or not self.runs:
            return None
        return statistics.median(m.wall for m in self.runs)

    @property
    def spread(self) -> tuple[float, float] | None:
        if self.timed_out or not self.runs:
            return None
        walls = [m.wall for m in self.runs]
        return min(walls), max(walls)

    @property
    def cpu_median(self) -> float | None:
        cpus = [m.cpu for m in self.runs if m.cpu is not None]
        if self.timed_out or not cpus:
            return None
        return statistics.median(cpus)

    @property
    def peak_mb(self) -> float | None:
        peaks = [m.peak_kb for m in self.runs if m.peak_kb is not None and not m.timed_out]
        return max(peaks) / 1024 if peaks else None


def alternate(commands: dict[str, list[str]], runs: int, cwd: Path | None = None,
              prepare=None, after=None, timeout: float | None = None,
              once_after: float | None = None, progress=None) -> dict[str, Series]:
    """Run the commands in turn, A B C A B C …, `runs` rounds.

    A command that timed out is not run again (its result is the timeout); one
    whose first run took longer than once_after seconds is not repeated either.
    prepare(label) runs untimed before each command (fresh copies),
    after(label, measurement) untimed after it (checks).
    """
    timeout = TIMEOUT if timeout is None else timeout
    series = {label: Series(label, []) for label in commands}
    for round_ in range(runs):
        for label, command in commands.items():
            done = series[label].runs
            if series[label].timed_out or (once_after is not None and done
                                           and done[0].wall > once_after):
                continue
            if prepare:
                prepare(label)
            measurement = run(command, cwd=cwd, timeout=timeout)
            series[label].runs.append(measurement)
            if after:
                after(label, measurement)
            if progress:
                progress(f"{label} #{round_ + 1}: {describe(measurement)}")
    return series


def describe(measurement: Measurement) -> str:
    if measurement.timed_out:
        return f"timeout > {TIMEOUT:.0f} s"
    text = f"{measurement.wall:.3f} s"
    if measurement.peak_kb:
        text += f", {measurement.peak_kb / 1024:.0f} MB"
    if measurement.returncode:
        text += f", exit {measurement.returncode}"
    return text


def seconds(value: float | None, timed_out: bool = False) -> str:
    if timed_out:
        return f"timeout > {TIMEOUT:.0f} s"
    if value is None:
        return "—"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> str:
    if numerator is None or not denominator:
        return "—"
    return f"{numerator / denominator:.{digits}f}×"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table, readable as plain text too."""
    cells = [[str(cell).replace("|", "¦") for cell in row] for row in [headers, *rows]]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
