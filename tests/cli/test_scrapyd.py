"""The project under a real Scrapyd: deploy with scrapyd-deploy, schedule, read records.jsonl.

DESIGN.md: "`scrapy crawl clusters` alone must also produce the records, so the
project works under Scrapyd". This starts a scrapyd on 127.0.0.1, deploys a copy
of the project to it (the checkout's scrapy.cfg is left alone), schedules the
`clusters` spider against the bundled snapshot served locally and compares the
records it publishes with those of `speerpunt crawl --snapshot`.
"""

import configparser
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from pipeline.records import read_records
from pipeline.sources import registry
from tests.support import PAGE_PATH, ROOT, SNAPSHOTS, run_cli, serve_snapshot, snapshot_page

BIN = Path(sys.executable).with_name
CLUSTER_IDS = ["blue-cluster", "catalisti", "flanders-food", "medvia", "flux50", "sim", "vil"]
PROJECT_FILES = ["scrapy.cfg", "pyproject.toml", "README.md", "setup.py", "setup.cfg",
                 "MANIFEST.in", "pipeline", "spiders"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(base: str, endpoint: str, data: dict | list | None = None, timeout: float = 10) -> dict:
    """GET (or POST a form to) a Scrapyd JSON endpoint; the decoded answer (data: a dict, or
    (name, value) pairs where a name repeats, as `setting` does)."""
    body = urlencode(data).encode() if data is not None else None
    with urlopen(f"{base}/{endpoint}", data=body, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_until(predicate, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def copy_project(target: Path, port: int) -> Path:
    """What scrapyd-deploy needs, with the copy's [deploy] url moved to port."""
    target.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.is_file():
            shutil.copy2(source, target / name)
    cfg = configparser.ConfigParser()
    cfg.read(target / "scrapy.cfg", encoding="utf-8")
    assert cfg.has_section("deploy"), "scrapy.cfg has no [deploy] target for Scrapyd"
    assert cfg.get("deploy", "project", fallback=None) == "speerpunt"
    cfg.set("deploy", "url", f"http://127.0.0.1:{port}/")
    with open(target / "scrapy.cfg", "w", encoding="utf-8") as handle:
        cfg.write(handle)
    return target


def missing_cluster_page() -> str:
    """The bundled page with its sixth cluster removed: 6 found under a title announcing 7."""
    page = snapshot_page()
    sim = page.index("<h3>SIM:")
    return page[:sim] + page[page.index("</p>", sim) + len("</p>"):]


@pytest.mark.slow
@pytest.mark.faults
def test_scrapy_crawl_exits_1_when_the_guard_refuses(site, tmp_path):
    """`scrapy crawl` (the command Scrapyd runs) reports a refused crawl by its exit code."""
    url = serve_snapshot(site, missing_cluster_page())
    out = tmp_path / "out"
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    result = subprocess.run([str(BIN("scrapy")), "crawl", "clusters", "-a", f"url={url}",
                             "-s", f"SPEERPUNT_OUTPUT={out}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "6 clusters found" in errors[0], errors
    assert "'finish_reason': \"refused: 6 clusters found" in result.stderr
    assert not (out / "records.jsonl").exists()


@pytest.mark.slow
@pytest.mark.faults
def test_scrapyd_deploy_schedule_publishes_the_same_records_as_the_cli(site, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    daemon_dir = tmp_path / "scrapyd"
    daemon_dir.mkdir()
    (daemon_dir / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {daemon_dir / 'eggs'}\n"
        f"logs_dir = {daemon_dir / 'logs'}\n"
        f"items_dir = {daemon_dir / 'items'}\n"
        f"dbs_dir = {daemon_dir / 'dbs'}\n"
        "jobs_to_keep = 5\n"
        "finished_to_keep = 10\n"
        "max_proc = 1\n"
        "poll_interval = 0.5\n",
        encoding="utf-8",
    )
    # The daemon and its jobs must load the deployed egg, not this checkout.
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    daemon_log = daemon_dir / "scrapyd.out"
    out = tmp_path / "out"
    job_log: Path | None = None

    with open(daemon_log, "wb") as log_handle:
        daemon = subprocess.Popen([str(BIN("scrapyd"))], cwd=daemon_dir, env=env,
                                  stdout=log_handle, stderr=subprocess.STDOUT)
    try:
        def answering():
            assert daemon.poll() is None, f"scrapyd exited with {daemon.returncode}"
            try:
                return call(base, "daemonstatus.json", timeout=2).get("status") == "ok"
            except (URLError, ConnectionError, TimeoutError):
                return False

        wait_until(answering, 30, f"scrapyd on {base}")

        # Deploy as the README says, `make deploy`, to this daemon: scrapyd-deploy runs in a
        # copy, so its setup.py, build/ and *.egg-info never land in the checkout.
        assert copy_project(tmp_path / "project", port).is_dir()  # the files it deploys
        leftovers = ("setup.py", "build", "speerpunt.egg-info", "project.egg-info")
        before = {name: (ROOT / name).exists() for name in leftovers}
        deploy = subprocess.run(["make", "--no-print-directory", "deploy",
                                 f"SCRAPYD_URL={base}/", f"BIN={Path(sys.executable).parent}"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert deploy.returncode == 0, f"make deploy failed:\n{deploy.stdout}{deploy.stderr}"
        assert json.loads(deploy.stdout.strip().splitlines()[-1])["status"] == "ok", deploy.stdout
        assert {name: (ROOT / name).exists() for name in leftovers} == before
        assert "speerpunt" in call(base, "listprojects.json")["projects"]
        assert call(base, "listspiders.json?project=speerpunt")["spiders"] == sorted(
            found.spider for found in registry().values())

        # The stored egg carries everything the job imports (no fallback to the checkout).
        eggs = sorted((daemon_dir / "eggs" / "speerpunt").glob("*.egg"))
        assert len(eggs) == 1, eggs
        with zipfile.ZipFile(eggs[0]) as egg:
            names = set(egg.namelist())
            entry_points = egg.read("EGG-INFO/entry_points.txt").decode("utf-8")
        for module in ("pipeline/settings.py", "pipeline/crawl/pipelines.py", "pipeline/records.py",
                       "pipeline/text.py", "pipeline/crawl/process.py", "spiders/clusters.py"):
            assert module in names, f"{module} missing from the deployed egg"
        assert "settings = pipeline.settings" in entry_points, entry_points

        # Schedule the spider against the snapshot served on 127.0.0.1.
        page_url = serve_snapshot(site)
        site.route(PAGE_PATH, snapshot_page(), etag="v1")  # cacheable: ETag, max-age=0
        locales = tmp_path / "locales"
        scheduled = call(base, "schedule.json", [
            ("project", "speerpunt"), ("spider", "clusters"), ("url", page_url),
            ("setting", f"SPEERPUNT_OUTPUT={out}"), ("setting", f"SPEERPUNT_LOCALES={locales}"),
        ])
        assert scheduled["status"] == "ok", scheduled
        job = scheduled["jobid"]
        job_log = daemon_dir / "logs" / "speerpunt" / "clusters" / f"{job}.log"

        def finished():
            jobs = call(base, "listjobs.json?project=speerpunt")
            return next((j for j in jobs["finished"] if j["id"] == job), None)

        wait_until(finished, 60, f"job {job} to finish", interval=0.5)

        # What the job published.
        records_path = out / "records.jsonl"
        assert records_path.is_file(), f"the Scrapyd job published no {records_path}"
        published = records_path.read_bytes()
        records = [json.loads(line) for line in published.decode("utf-8").splitlines()]
        assert len(records) == 10
        assert [r["type"] for r in records] == ["page"] + ["cluster"] * 7 + ["article"] * 2
        assert records[0]["id"] == "cluster-policy"
        assert [r["id"] for r in records if r["type"] == "cluster"] == CLUSTER_IDS
        assert any(path == "/robots.txt" for path, _ in site.requests), "robots.txt not asked"

        # Byte for byte what `speerpunt run --snapshot` publishes: one way to publish.
        reference = tmp_path / "reference"
        cli = run_cli("run", "--snapshot", "--source", "clusters", "--output",
                      str(reference / "output"), "--locales", str(reference / "locales"), cwd=ROOT)
        assert cli.returncode == 0, cli.stderr
        assert published == (reference / "output" / "records.jsonl").read_bytes()
        for language in ("en", "nl", "fr"):
            ours = json.loads((out / language / "clusters.json").read_bytes())
            theirs = json.loads((reference / "output" / language / "clusters.json").read_bytes())
            for derived in ("last_changed", "last_changed_display"):
                ours.pop(derived), theirs.pop(derived)
            assert ours == theirs, language
            assert (locales / language / "LC_MESSAGES" / "clusters.po").is_file()
        assert json.loads((out / "report.json").read_bytes())["result"] == "published"

        # The HTTP cache works there, though the job's directory has no scrapy.cfg.
        assert list((out / ".cache" / "http" / "clusters").iterdir()), "no HTTP cache"
        assert "scrapy.cfg" not in job_log.read_text(encoding="utf-8")

        # A crawl the guard refuses: one ERROR line with the reason, the finish reason
        # names it, and nothing is published.
        site.route(PAGE_PATH, missing_cluster_page())
        refused_out = tmp_path / "refused"
        scheduled = call(base, "schedule.json", {
            "project": "speerpunt", "spider": "clusters", "url": page_url,
            "setting": f"SPEERPUNT_OUTPUT={refused_out}"})
        job = scheduled["jobid"]
        job_log = daemon_dir / "logs" / "speerpunt" / "clusters" / f"{job}.log"
        wait_until(finished, 60, f"job {job} to finish", interval=0.5)
        log = job_log.read_text(encoding="utf-8")
        errors = [line for line in log.splitlines() if " ERROR: " in line]
        assert len(errors) == 1 and "6 clusters found" in errors[0], errors
        assert "'finish_reason': \"refused: 6 clusters found" in log, log[-2000:]
        assert not (refused_out / "records.jsonl").exists()
        assert not (refused_out / "en" / "clusters.json").exists()
        assert json.loads((refused_out / "report.json").read_bytes())["result"] == "failed"

        # One organisation's spider alone, on the bundled snapshot of the sites: it publishes
        # its own profile only, beside what the overview's job published.
        before = read_records(out / "records.jsonl")
        scheduled = call(base, "schedule.json", [
            ("project", "speerpunt"), ("spider", "flandersfood"),
            ("setting", f"SPEERPUNT_OUTPUT={out}"), ("setting", f"SPEERPUNT_LOCALES={locales}"),
            ("setting", f"SPEERPUNT_SNAPSHOT_DIR={SNAPSHOTS}")])
        job = scheduled["jobid"]
        job_log = daemon_dir / "logs" / "speerpunt" / "flandersfood" / f"{job}.log"
        wait_until(finished, 60, f"job {job} to finish", interval=0.5)
        after = read_records(out / "records.jsonl")
        assert [r.key for r in after if r.kind == "organisation"] == ["organisation/flanders-food"]
        assert [r for r in after if r.kind != "organisation"] == before
        run_report = json.loads((out / "report.json").read_bytes())
        assert run_report["result"] == "published"
        assert list(run_report["sites"]) == ["flanders-food"]
        assert (locales / "nl" / "LC_MESSAGES" / "flanders-food.po").is_file()
    except BaseException:
        for title, path in (("scrapyd job log", job_log), ("scrapyd output", daemon_log)):
            if path is not None and path.is_file():
                print(f"\n----- {title}: {path} -----\n"
                      + path.read_text(encoding="utf-8", errors="replace"))
        raise
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=10)
