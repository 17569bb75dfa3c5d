"""All or nothing (issue 10): every row of its fault table, against a real `speerpunt run`.

Each case is a real process against a local server (tests/support/server.py), with the
contract of tests/faults/test_run_faults.py: the exit code, one `speerpunt: ` line, nothing
published touched. Signals are real signals; the failed rename (a file made
immutable) and slow renames are simulations by tests/support/faultshim/sitecustomize.py,
because `chattr +i` needs a file system that supports it.
"""

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.publish.journal import JOURNAL
from tests.faults.test_run_faults import (
    FAST,
    PREFIX,
    edited_page,
    leftovers,
    one_line,
    published,
    report,
    run,
)
from tests.support import (
    ARTICLE_PATHS,
    CLI,
    PAGE_PATH,
    SNAPSHOT,
    cli_env,
    run_cli,
    serve_snapshot,
    snapshot_page,
    tree_bytes,
)
from tests.support.server import Site

pytestmark = [pytest.mark.faults, pytest.mark.slow]


def start(workdir: Path, url: str, *extra: str, output: Path | None = None,
          env: dict | None = None) -> subprocess.Popen:
    """`speerpunt run` in the background, the way cron starts it."""
    args = ["run", "--url", url, "--output", str(output or workdir / "output"),
            "--locales", str(workdir / "locales"), *FAST, *extra]
    return subprocess.Popen([*CLI, *args], cwd=workdir, env=cli_env(env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the run ended before {what}: {process.communicate()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def finish(process: subprocess.Popen, timeout: float = 30) -> subprocess.CompletedProcess:
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def hold_articles(site, seconds: float) -> None:
    """The article pages answer only after `seconds`."""
    for path in ARTICLE_PATHS:
        site.route(path, (SNAPSHOT / f"{path.lstrip('/')}.html").read_bytes(), delay=seconds)


def articles_requested(site) -> bool:
    return any(path in ARTICLE_PATHS for path, _ in site.requests)


def assert_untouched(result, workdir, before, code, *causes, result_word="failed"):
    line = one_line(result, code, *causes)
    assert published(workdir) == before, "published files changed"
    assert leftovers(workdir) == []
    assert not (workdir / "output" / JOURNAL).exists()
    data = report(workdir)
    assert (data["result"], data["reason"]) == (result_word, line.removeprefix(PREFIX)), data
    return line


# ---------------------------------------------------------------- signals


@pytest.mark.parametrize(("signum", "code"), [
    (signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_signal_while_the_articles_load_publishes_nothing(signum, code, site, workdir):
    url = serve_snapshot(site, edited_page())
    hold_articles(site, 30)
    before = published(workdir)
    process = start(workdir, url)
    wait_for(lambda: articles_requested(site), process, "the article requests")
    time.sleep(0.2)
    sent = time.monotonic()
    process.send_signal(signum)
    result = finish(process)
    assert time.monotonic() - sent < 10, "the run did not stop promptly"
    assert_untouched(result, workdir, before, code, f"interrupted by {signum.name}",
                     "nothing was changed", result_word="interrupted")
    assert not (workdir / "output" / ".lock").exists()


def test_sigterm_inside_the_commit_puts_everything_back(site, workdir):
    url = serve_snapshot(site, edited_page())
    before = published(workdir)
    process = start(workdir, url, env={"SPEERPUNT_FAULT": "slow:0.1"})
    journal = workdir / "output" / JOURNAL
    wait_for(journal.exists, process, "the commit", timeout=60)
    time.sleep(0.3)  # a few files are already renamed
    process.send_signal(signal.SIGTERM)
    result = finish(process)
    assert_untouched(result, workdir, before, 143, "interrupted by SIGTERM",
                     result_word="interrupted")


# ---------------------------------------------------------------- the commit


def test_failed_rename_during_the_commit_puts_everything_back(site, workdir):
    """index.json made immutable: its rename fails with EPERM after every other file."""
    url = serve_snapshot(site, edited_page())
    before = published(workdir)
    result = run(workdir, url, env={"SPEERPUNT_FAULT": "eperm:index.json"})
    line = assert_untouched(result, workdir, before, 1, "Operation not permitted",
                            "every file was put back as it was")
    assert str(workdir / "output" / "index.json") in line
    again = run(workdir, url)
    assert again.returncode == 0, again.stderr
    assert b"powering smarter energy" in (workdir / "output" / "records.jsonl").read_bytes()


def test_full_disk_while_the_journal_is_written_publishes_nothing(site, workdir):
    url = serve_snapshot(site, edited_page())
    before = published(workdir)
    result = run(workdir, url, env={"SPEERPUNT_FAULT": f"full:{JOURNAL}"})
    assert_untouched(result, workdir, before, 1, "cannot prepare the commit",
                     "No space left on device", "nothing was changed")
    assert [path.name for path in (workdir / "output").iterdir()
            if path.name.startswith(".") and path.name != ".cache"] == []


# ---------------------------------------------------------------- locks


def test_runs_sharing_the_locales_directory_serialise(site, workdir):
    url = serve_snapshot(site, edited_page())
    site.route(PAGE_PATH, edited_page(), delay=4)
    other = workdir / "other-output"
    shutil.copytree(workdir / "output", other)
    lock = workdir / "locales" / ".lock"
    first = start(workdir, url)
    try:
        wait_for(lambda: lock.exists() and lock.stat().st_size, first, "the locales lock")
        before, before_other = published(workdir), tree_bytes(other)
        second = run_cli("run", "--url", url, "--output", str(other),
                         "--locales", str(workdir / "locales"), *FAST, cwd=workdir, timeout=30)
        assert first.poll() is None, "the first run ended before the second started"
        one_line(second, 1, "another run holds", str(lock), f"pid {first.pid}")
        assert published(workdir) == before and tree_bytes(other) == before_other
        assert leftovers(workdir) == []
    finally:
        result = finish(first)
    assert result.returncode == 0, result.stderr
    assert b"powering smarter energy" in (workdir / "output" / "records.jsonl").read_bytes()
    assert not lock.exists() and leftovers(workdir) == []


def test_lock_that_is_a_symlink_is_refused(site, workdir, tmp_path_factory):
    precious = tmp_path_factory.mktemp("outside") / "precious.txt"
    precious.write_text("do not truncate\n")
    (workdir / "output" / ".lock").symlink_to(precious)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site))
    one_line(result, 1, "refusing to lock", str(workdir / "output" / ".lock"), "symbolic link")
    assert precious.read_text() == "do not truncate\n"
    assert published(workdir) == before and site.requests == []


def test_cache_that_is_a_symlink_is_refused(site, workdir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(workdir / "output" / ".cache", ignore_errors=True)
    (workdir / "output" / ".cache").symlink_to(outside, target_is_directory=True)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site))
    assert_untouched(result, workdir, before, 1, "refusing to write",
                     str(workdir / "output" / ".cache"), "symbolic link")
    assert list(outside.iterdir()) == [] and site.requests == []


def test_fifo_where_a_catalog_should_be_is_refused_at_once(site, workdir):
    po = workdir / "locales" / "nl" / "LC_MESSAGES" / "clusters.po"
    po.unlink()
    os.mkfifo(po)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site))  # run_cli's timeout fails a run that blocks
    assert_untouched(result, workdir, before, 1, "refusing to use", str(po), "a FIFO")
    check = run_cli("catalogs", "check", "--locales", str(workdir / "locales"),
                    "--output", str(workdir / "output"), timeout=30)
    one_line(check, 1, str(po), "a FIFO")


# ---------------------------------------------------------------- nothing outside


def test_a_run_creates_nothing_outside_its_directories(site, workdir, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    cwd = tmp_path_factory.mktemp("cwd")
    env = {"HOME": str(home), "XDG_STATE_HOME": "", "XDG_CACHE_HOME": "",
           "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""}
    environment = {key: value for key, value in cli_env().items() if not key.startswith("XDG_")}
    result = subprocess.run(
        [*CLI, "run", "--url", serve_snapshot(site, edited_page()), "--output",
         str(workdir / "output"), "--locales", str(workdir / "locales"), *FAST, "-v"],
        cwd=cwd, env={**environment, **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(home.rglob("*")) == [] and list(cwd.rglob("*")) == []
    enabled = result.stderr[result.stderr.index("Enabled extensions"):][:2000]
    assert "CoreStats" in enabled
    assert "RemoteControl" not in enabled and "TelnetConsole" not in enabled


# ---------------------------------------------------------------- bounded work


def test_page_with_3000_teasers_is_refused_before_any_article_is_fetched(site, workdir):
    teasers = "".join(f'<div class="views-row"><article><h3><a href="/en/news/teaser-{n}">'
                      f"Teaser {n}</a></h3><p>Summary of teaser number {n}.</p></article></div>"
                      for n in range(3000))
    page = snapshot_page()
    anchor = '<div class="views-row">'
    assert anchor in page
    url = serve_snapshot(site, page.replace(anchor, teasers + anchor, 1))
    before = published(workdir)
    started = time.monotonic()
    result = run(workdir, url)
    assert time.monotonic() - started < 60
    assert_untouched(result, workdir, before, 1, "links 3002 articles",
                     "more than the cap of 50", "SPEERPUNT_MAX_ARTICLES")
    assert not any(path.startswith("/en/news/") for path, _ in site.requests), site.requests


def test_deadline_refuses_a_slow_crawl(site, workdir):
    url = serve_snapshot(site, edited_page())
    hold_articles(site, 8)
    before = published(workdir)
    started = time.monotonic()
    result = run(workdir, url, "-s", "CLOSESPIDER_TIMEOUT=2")
    assert time.monotonic() - started < 30
    assert_untouched(result, workdir, before, 1, "deadline of 2 s", "CLOSESPIDER_TIMEOUT")


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(("setting", "causes"), [
    ("DOWNLOAD_TIMEOUT=abc", ["DOWNLOAD_TIMEOUT=abc", "expected a number"]),
    ("NOT_A_SETTING=1", ["NOT_A_SETTING", "unknown setting"]),
    ("DOWNLOAD_TIMOUT=5", ["unknown setting", "did you mean DOWNLOAD_TIMEOUT?"]),
    ("ROBOTSTXT_OBEY=maybe", ["ROBOTSTXT_OBEY=maybe", "expected true or false"]),
], ids=["not-a-number", "unknown", "misspelt", "not-a-bool"])
def test_bad_setting_exits_2_before_anything_starts(setting, causes, site, workdir):
    before = published(workdir)
    result = run(workdir, serve_snapshot(site), "-s", setting)
    one_line(result, 2, *causes)
    assert published(workdir) == before and site.requests == []
    assert not (workdir / "output" / "report.json").exists()


# ---------------------------------------------------------------- the crash test


def _kill_round(workdir: Path, url: str, in_commit: bool, rng: random.Random) -> str:
    """Start a run, SIGKILL it at a random instant; 'killed' or 'finished' (too late)."""
    process = start(workdir, url, env={"SPEERPUNT_FAULT": "slow:0.03"})
    journal = workdir / "output" / JOURNAL
    try:
        if in_commit:
            deadline = time.monotonic() + 60
            while not journal.exists() and process.poll() is None:
                assert time.monotonic() < deadline, "no commit began"
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.5))
        else:
            time.sleep(rng.uniform(0, 2.5))
        process.kill()
    finally:
        process.communicate(timeout=60)
    return "killed" if process.returncode == -signal.SIGKILL else "finished"


def test_sigkill_at_50_random_instants_leaves_all_old_or_all_new(site, workdir):
    """50 kills in two lanes of 25 (each its own directories and server, to halve the
    time). Pages A and B alternate, so every run has over a dozen files to publish.
    After each SIGKILL the next command (`catalogs stats`, which takes the locks)
    settles the journal; then every published file is as before the run, or every
    file a complete run changes is changed (no mix), and index.json lists each
    export's sha256. Even kills land inside the commit (after output/.journal
    appears, renames slowed by 30 ms each), odd ones at a random instant of the
    first 2.5 s of the run; every tenth kill is followed by a complete run that
    must succeed."""
    from concurrent.futures import ThreadPoolExecutor

    seed = int(os.environ.get("SPEERPUNT_CRASH_SEED", "10"))
    other = workdir / "lane-2"
    other.mkdir()
    for name in ("output", "locales"):
        shutil.copytree(workdir / name, other / name)
    second_site = Site()
    try:
        with ThreadPoolExecutor(2) as pool:
            lanes = [pool.submit(_crash_lane, directory, server, 25, random.Random(seed + n))
                     for n, (directory, server) in enumerate([(workdir, site),
                                                              (other, second_site)])]
            outcomes = [outcome for lane in lanes for outcome in lane.result()]
    finally:
        second_site.close()
    assert len(outcomes) == 50 and outcomes.count("killed") >= 45, outcomes


def _crash_lane(workdir: Path, site, kills: int, rng: random.Random) -> list[str]:
    import hashlib
    import json

    pages = {"A": snapshot_page(), "B": edited_page()}
    url = serve_snapshot(site)
    changed_by = {}
    for name in ("A", "B", "A"):  # warm up (.mo files), then measure what a complete
        # switch to B and back to A changes
        site.route(PAGE_PATH, pages[name])
        before = published(workdir)
        assert run(workdir, url).returncode == 0
        after = published(workdir)
        changed_by[name] = {path for path in after if before.get(path) != after[path]}
    # The source catalog's .mo holds only its header, whose revision date has minute
    # resolution: whether a run changes it depends on the clock, not on the run.
    volatile = {str(workdir / "locales" / "en" / "LC_MESSAGES" / "clusters.mo")}
    current, outcomes = "A", []
    for kill in range(kills):
        target = "B" if current == "A" else "A"
        site.route(PAGE_PATH, pages[target])
        before = published(workdir)
        outcomes.append(_kill_round(workdir, url, in_commit=kill % 2 == 0, rng=rng))
        settle = run_cli("catalogs", "stats", "--locales", str(workdir / "locales"),
                         "--output", str(workdir / "output"), timeout=60)
        assert settle.returncode == 0, settle.stderr
        after = published(workdir)
        changed = {path for path in after.keys() | before.keys()
                   if before.get(path) != after.get(path)}
        core = changed_by[target] - volatile
        assert changed - volatile in (set(), core), (
            kill, outcomes[-1], "changed but not by a whole run:", sorted(changed - core),
            "not changed:", sorted(core - changed))
        assert changed <= changed_by[target] | volatile and (changed & core or not changed)
        assert not (workdir / "output" / JOURNAL).exists()
        index = json.loads((workdir / "output" / "index.json").read_bytes())
        for locale in index["locales"]:
            data = (workdir / "output" / locale["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == locale["sha256"], (kill, locale)
        if changed:
            current = target
        if kill % 10 == 9:  # the next run succeeds (and publishes the page it sees)
            site.route(PAGE_PATH, pages["B" if current == "A" else "A"])
            again = run(workdir, url)
            assert again.returncode == 0, again.stderr
            assert leftovers(workdir) == []
            current = "B" if current == "A" else "A"
    return outcomes


def test_a_translator_saving_between_the_merge_and_the_commit_is_never_overwritten(site,
                                                                                 workdir):
    """Trust issue, row 11: Poedit takes no lock. The run merged nl.po from its bytes; a
    save made before the commit refuses the run in one line and keeps the save."""
    url = serve_snapshot(site, edited_page())  # a changed tagline: every catalog changes
    process = start(workdir, url, env={"SPEERPUNT_FAULT": "pause:index.json:1.5"})
    output = workdir / "output"
    wait_for(lambda: any(output.glob(".index.json.*.tmp")), process, "index.json being staged")
    po = workdir / "locales" / "nl" / "LC_MESSAGES" / "clusters.po"
    saved = po.read_bytes().replace(b'msgstr "7 speerpuntclusters"',
                                    b'msgstr "Zeven speerpuntclusters"')
    before = {path: data for path, data in published(workdir).items() if path != str(po)}
    po.write_bytes(saved)
    result = finish(process)
    assert result.returncode == 1
    assert result.stderr == (f"speerpunt: {po} changed while this run was merging it (saved by "
                             "a translator or a tool?); nothing was changed, and the run can "
                             "be repeated at once\n")
    assert po.read_bytes() == saved
    assert {path: data for path, data in published(workdir).items() if path != str(po)} == before
    assert leftovers(workdir) == []
