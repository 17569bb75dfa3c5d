"""Test helpers: the checkout's paths, the bundled snapshot, the seed text, the CLI as a process."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import Site

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "spiders" / "snapshot"  # the bundled copy of every site, by host
SNAPSHOT = SNAPSHOTS / "invest.flandersinvestmentandtrade.com"  # the overview's host
PAGE_PATH = "/en/business-environment/cluster-policy"
# The overview page's text as captured (a copy of ../shared/seeds/: tests run from any clone)
SEED = ROOT / "tests" / "data" / "seeds" / "000_e23f444505bf9ad6.txt"
ARTICLE_PATHS = [
    "/en/news/why-sharing-smart-innovation-flanders",
    "/en/news/5-best-practices-flanders-open-innovation-clusters",
]


def snapshot_page() -> str:
    return (SNAPSHOT / "en/business-environment/cluster-policy.html").read_text(encoding="utf-8")


def serve_snapshot(site: Site, page: str | bytes | None = None) -> str:
    """Host the bundled pages (or page instead of the cluster page) on site; its URL."""
    for path in ARTICLE_PATHS:
        site.route(path, (SNAPSHOT / f"{path.lstrip('/')}.html").read_bytes())
    site.route("/robots.txt", (SNAPSHOT / "robots.txt").read_bytes(),
               headers={"Content-Type": "text/plain"})
    return site.route(PAGE_PATH, snapshot_page() if page is None else page)


FAULT_SHIM = ROOT / "tests" / "support" / "faultshim"
CLI = [sys.executable, "-m", "pipeline.cli"]


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a `speerpunt` process; extra env also puts the fault shim first
    on PYTHONPATH (tests/support/faultshim/sitecustomize.py acts only when SPEERPUNT_FAULT
    is set)."""
    path = [str(FAULT_SHIM), str(ROOT)] if env else [str(ROOT)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), **(env or {})}


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120,
            env: dict[str, str] | None = None):
    """`speerpunt ARGS` as its own process, the way cron runs it (env: extra variables)."""
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd or ROOT, env=cli_env(env), capture_output=True, text=True, timeout=timeout,
    )


def tree_bytes(*directories: Path) -> dict[str, bytes]:
    """Every file under directories with its bytes, to prove nothing changed."""
    files = {}
    for directory in directories:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file():
                files[str(path)] = path.read_bytes()
    return files

