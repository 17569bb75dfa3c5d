"""`scrapy crawl` publishes through the same service as `speerpunt run`: the same locks, the
same journal, the same guard (the architecture issue's "one way to publish")."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import (
    PAGE_PATH,
    ROOT,
    cli_env,
    run_cli,
    serve_snapshot,
    snapshot_page,
    tree_bytes,
)

pytestmark = [pytest.mark.slow, pytest.mark.faults]
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def scrapy_crawl(url: str, output: Path, locales: Path, env: dict | None = None):
    """`scrapy crawl clusters` as Scrapyd runs it, started, not waited for."""
    environment = {key: value for key, value in cli_env(env).items()
                   if key != "SCRAPY_SETTINGS_MODULE"}
    return subprocess.Popen([SCRAPY, "crawl", "clusters", "-a", f"url={url}",
                             "-s", f"SPEERPUNT_OUTPUT={output}", "-s",
                             f"SPEERPUNT_LOCALES={locales}"], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " ERROR: " in line]


def test_a_second_scrapy_crawl_on_the_same_directories_refuses_and_writes_nothing(site,
                                                                                workdir):
    output, locales = workdir / "output", workdir / "locales"
    url = serve_snapshot(site)
    site.routes[PAGE_PATH].delay = 3.0  # the first crawl holds the locks meanwhile
    first = scrapy_crawl(url, output, locales)
    deadline = time.monotonic() + 30
    while not (output / ".lock").exists():
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.02)
    before = tree_bytes(output, locales)
    second = scrapy_crawl(url, output, locales)
    _, stderr = second.communicate(timeout=60)
    assert second.returncode == 1
    [line] = errors(stderr)
    assert f"another run holds {output / '.lock'}: pid {first.pid}, started " in line
    assert "'finish_reason': 'refused: another run holds" in stderr
    assert tree_bytes(output, locales) == before  # the first run's lock file included
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr[-2000:]
    report = json.loads((output / "report.json").read_bytes())
    assert report["result"] == "published"  # the .mo files, compiled for the first time
    assert report["records"] == {"added": [], "changed": [], "removed": []}


def test_a_killed_scrapy_crawl_leaves_a_journal_the_next_command_settles(site, workdir):
    output, locales = workdir / "output", workdir / "locales"
    url = serve_snapshot(site, snapshot_page().replace(
        "Flux50: powering smart energy", "Flux50: powering smarter energy"))
    process = scrapy_crawl(url, output, locales, env={"SPEERPUNT_FAULT": "slow:0.2"})
    deadline = time.monotonic() + 60
    while not (output / ".journal").exists():  # inside the commit: the journal says commit
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert (output / ".journal").exists()
    stats = run_cli("catalogs", "stats", "--output", str(output), "--locales", str(locales))
    assert stats.returncode == 0, stats.stderr
    assert not (output / ".journal").exists() and not list(output.rglob(".*.tmp"))
    index = json.loads((output / "index.json").read_bytes())
    for entry in index["locales"]:  # all new: every export the index lists, as it lists it
        data = (output / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    records = (output / "records.jsonl").read_text(encoding="utf-8")
    assert "powering smarter energy" in records
    shutil.rmtree(output / ".cache", ignore_errors=True)
