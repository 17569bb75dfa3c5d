"""The command line as translators and operators meet it: help, exit codes, light imports."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.support import CLI, ROOT, cli_env, run_cli, tree_bytes

PROBE = """
import sys
from pipeline.cli import main
code = main(sys.argv[1:])
heavy = sorted({name.split('.')[0] for name in sys.modules} & {'scrapy', 'twisted'})
print('HEAVY', ','.join(heavy) or '-')
sys.exit(code)
"""


@pytest.mark.parametrize("command", [["catalogs", "stats"], ["catalogs", "check"], ["export"]])
def test_translator_commands_never_import_scrapy_or_twisted(workdir, command):
    """These run after every edit of a .po: they must start fast, without the crawler."""
    args = [*command, "--locales", str(workdir / "locales"), "--output", str(workdir / "output")]
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HEAVY -" in result.stdout


def test_stats_table_shows_every_locale(workdir):
    result = run_cli("catalogs", "stats", "--locales", str(workdir / "locales"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["domain", "locale", "translated", "suggested", "fuzzy",
                                "untranslated", "source", "obsolete", "words", "percent"]
    assert lines[1].split()[:7] == ["clusters", "en", "0", "0", "0", "0", "27"]  # English: source
    assert lines[2].split()[:7] == ["clusters", "nl", "27", "0", "0", "0", "0"]
    assert lines[2].split()[-1] == "100%"
    assert lines[3].split()[:3] == ["clusters", "fr", "27"]
    catalisti = [line.split() for line in lines if line.startswith("catalisti ")]
    assert [row[1] for row in catalisti if row[6] != "0"] == ["nl"]  # Dutch is its source
    food = [row for row in map(str.split, lines) if row[:2] == ["flanders-food", "nl"]]
    assert food[0][2:6] == ["0", "3", "0", "0"]  # its site's own Dutch, suggested: not shown
    assert food[0][-1] == "0%"
    totals = [line.split() for line in lines if line.startswith("all ")]
    assert [row[1] for row in totals] == ["en", "nl", "fr"]
    for row in totals:  # every catalog of the locale, counted together
        rows = [line.split() for line in lines[1:] if line.split()[1] == row[1]
                and not line.startswith("all ")]
        assert row[2:8] == [str(sum(int(r[i]) for r in rows)) for i in range(2, 8)]


def test_shipped_catalogs_pass_the_check():
    result = run_cli("catalogs", "check")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "cause"), [
    (["run", "--snapshot", "--url", "http://x"], "argument --url: not allowed with argument "
                                                 "--snapshot (see `speerpunt run --help`)"),
    (["run", "--min-complete", "1.5"], "argument --min-complete: expected a fraction from 0 "
                                       "to 1, not '1.5' (see `speerpunt run --help`)"),
    (["catalogs", "translate"], "argument action: invalid choice: 'translate'"),
    (["run", "--url", "ftp://example.com/"], "--url must be an http(s) URL, "
                                             "not 'ftp://example.com/'"),
    (["run", "-s", "lowercase=1"], "-s lowercase: unknown setting"),
])
def test_bad_usage_exits_2_with_one_line_naming_the_mistake(args, cause, tmp_path):
    result = run_cli(*args, "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"speerpunt: {cause}") and result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_export_without_records_fails_with_one_line(tmp_path):
    result = run_cli("export", "--output", str(tmp_path / "out"), "--locales",
                     str(tmp_path / "loc"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no records" in result.stderr


@pytest.mark.parametrize(("count", "text"), [(0, "0 files changed"), (1, "1 file changed"),
                                            (12, "12 files changed")])
def test_summary_counts_files_in_plain_english(count, text):
    from pipeline.outputs.report import files_changed

    assert files_changed(count) == text


def test_help_names_exit_codes():
    result = run_cli("--help")
    assert result.returncode == 0 and "Exit codes: 0 done; 1" in result.stdout


@pytest.mark.slow
def test_a_corrupt_records_file_refuses_until_an_operator_starts_over(workdir):
    """The last good run is read strictly: never taken for a first run while exports are
    published (trust issue, row 2); --start-over, named in the line, publishes anyway."""
    records = workdir / "output" / "records.jsonl"
    records.write_text("{not json\n")
    before = tree_bytes(workdir / "output", workdir / "locales")
    args = ("run", "--snapshot", "--output", str(workdir / "output"),
            "--locales", str(workdir / "locales"))
    result = run_cli(*args)
    assert result.returncode == 1
    assert result.stderr == (f"speerpunt: the last good run cannot be read: {records}:1: not a "
                             "record (Expecting property name enclosed in double quotes); "
                             "restore it (e.g. from version control), or publish without "
                             "comparing with --start-over\n")
    assert {k: v for k, v in tree_bytes(workdir / "output", workdir / "locales").items()
            if not k.endswith("report.json")} == before
    result = run_cli(*args, "--start-over")
    assert result.returncode == 0, result.stderr
    assert "changes: started over (--start-over)" in result.stdout
    assert records.read_bytes() == (ROOT / "output" / "records.jsonl").read_bytes()


@pytest.mark.slow
def test_a_run_on_a_terminal_says_each_page_fetched_and_quiet_says_nothing(workdir):
    """Trust issue: a live run printed nothing until it ended. On a terminal one line per
    page; with --quiet, or with no terminal (every other test here), nothing."""
    import pty

    def on_terminal(*extra):
        controller, terminal = pty.openpty()
        process = subprocess.Popen(
            [*CLI, "run", "--snapshot", "--output", str(workdir / "output"), "--locales",
             str(workdir / "locales"), *extra], cwd=ROOT, env=cli_env(), stdin=terminal,
            stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        process.communicate(timeout=60)
        os.close(controller)
        return process.returncode, shown.decode().replace("\r\n", "\n")

    code, shown = on_terminal()
    assert code == 0
    lines = shown.splitlines()
    assert all(re.fullmatch(r"fetched 200 https?://\S+", line) for line in lines), lines
    overview = "https://invest.flandersinvestmentandtrade.com"
    assert {f"fetched 200 {overview}{path}" for path in (
        "/robots.txt", "/en/business-environment/cluster-policy",
        "/en/news/why-sharing-smart-innovation-flanders",
        "/en/news/5-best-practices-flanders-open-innovation-clusters")} <= set(lines)
    assert "fetched 200 https://www.flandersfood.com/en/about-us/history" in lines
    report = json.loads((workdir / "output" / "report.json").read_bytes())
    assert len(lines) == report["crawl"]["pages"]  # one line per page fetched
    assert on_terminal("--quiet") == (0, "")
