"""The scheduled-run fault suite: every fault a cron run can meet, end to end.

Each case runs `speerpunt run --url <page on 127.0.0.1> --output DIR --locales DIR`
(or the command named) as its own process, the way cron does. What the 33 cases
assert, exactly ("published" below: everything under locales/ and output/ except
report.json, .lock, the HTTP cache output/.cache/ and temporary *.tmp copies):

* 23 refused runs assert the whole failure contract (`assert_failed`): exit code 1;
  stderr exactly one line, starting `speerpunt: ` and naming the cause; published
  bytes as they were; no temporary copy left; output/report.json with `"result":
  "failed"` and `reason` equal to the stderr line. These are the 17 page and network
  faults, the 3 broken catalogs (also the file:line the line starts with), the
  read-only output/nl, the full disk and the symlink leading out of output/.
* read-only output/ (1): the same, except report.json, which cannot be written: it
  asserts there is none.
* bad usage (3): exit code 2, one `speerpunt: ` line naming the mistake, published
  bytes as they were, no report.json, and not one request sent.
* a second run while one holds the lock (1): exit 1, one line naming the lock file,
  the holder's pid and start time, published bytes as they were; report.json is the
  first run's (exit 0, nothing on stderr, `published`).
* SIGKILL mid-publication (1): exit -9 (no line: the process is dead), published
  bytes as they were and the temporary copies of the staged files left; the next run
  exits 0, removes them, names the stale lock in report.json and publishes every file.
* runs that must succeed (4: restyled page, markup in a translation, stale lock,
  revalidated page): exit 0, nothing on stderr, and what each names (same records,
  inert exports, lock taken over, `unchanged` with a conditional request).

Faults of the network and of the page come from the local server (tests/support/server.py).
Faults of the disk are simulations, because the tests and CI run as root, for whom
chmod does not stop writes, and no test can make a real full or read-only file
system on every machine: tests/support/faultshim/sitecustomize.py, loaded first in the
subprocess only when SPEERPUNT_FAULT is set, makes the N-th os.fsync raise ENOSPC
(a full disk) or SIGKILL the process (a kill mid-publication), or tempfile.mkstemp
raise EROFS under a directory (a read-only file system): the calls pipeline/files.py
makes for each staged temporary file, so the fault strikes exactly where a real one
would. As a non-root user the read-only cases use a real `chmod 0o555` instead.
"""

import html
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.sources import domains
from tests.support import (
    CLI,
    PAGE_PATH,
    ROOT,
    cli_env,
    run_cli,
    serve_snapshot,
    snapshot_page,
    tree_bytes,
)

pytestmark = [pytest.mark.faults, pytest.mark.slow]

PREFIX = "speerpunt: "
# Quick and deterministic: no politeness delays against our own server, one retry.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=10"]
AS_ROOT = os.geteuid() == 0
_CLUSTER_BLOCK = re.compile(r"<h3>[^<]*:[^<]*</h3>\s*<p>.*?</p>", re.S)
FLUX50 = "<h3>Flux50: powering smart energy</h3>"
EDITED_FLUX50 = "<h3>Flux50: powering smarter energy</h3>"
# Files a run with EDITED_FLUX50 stages, in publication order (the workdir has no .mo yet;
# the schema is unchanged): records, clusters.pot, its en/nl/fr .po and .mo, the en/nl/fr
# .mo of every other domain (their catalogs are unchanged), en/nl/fr exports, en/nl/fr
# previews and the preview index, index.json.
OTHER_MO = 3 * (len(domains()) - 1)
STAGED_BY_EDIT = 2 + 6 + OTHER_MO + 3 + 4 + 1
NL_EXPORT_AT = 2 + 6 + OTHER_MO + 2  # output/nl/clusters.json
CONTEXT_LINE = 'msgctxt "cluster/flux50/tagline"'


# ---------------------------------------------------------------- helpers


def published(workdir: Path) -> dict[str, bytes]:
    """Records, catalogs and exports: every file but report.json, .lock, .cache/ and *.tmp."""
    cache = str(workdir / "output" / ".cache") + os.sep
    return {path: data
            for path, data in tree_bytes(workdir / "locales", workdir / "output").items()
            if not path.startswith(cache)
            and Path(path).name not in ("report.json", ".lock")
            and not (Path(path).name.startswith(".") and path.endswith(".tmp"))}


def leftovers(workdir: Path) -> list[Path]:
    """Temporary copies (.NAME.XXXX.tmp) anywhere under output/ and locales/."""
    return sorted(path for directory in ("output", "locales")
                  for path in (workdir / directory).rglob(".*.tmp"))


def run(workdir: Path, url: str, *extra: str, env: dict | None = None):
    return run_cli("run", "--url", url, "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"), *FAST, *extra,
                   cwd=workdir, env=env)


def report(workdir: Path) -> dict:
    return json.loads((workdir / "output" / "report.json").read_bytes())


def one_line(result: subprocess.CompletedProcess, code: int, *causes: str) -> str:
    """The exit code, and stderr exactly one `speerpunt: ` line naming every cause."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    line = lines[0]
    assert line.startswith(PREFIX), line
    for cause in causes:
        assert cause.lower() in line.lower(), (cause, line)
    print(f"exit {code}: {line}")  # `pytest -m faults -rP` lists what an operator would read
    return line


def assert_failed(result, workdir: Path, before: dict, *causes: str,
                  reported: bool = True) -> str:
    """Exit 1, one line naming the cause, nothing published touched, the failure reported."""
    line = one_line(result, 1, *causes)
    assert published(workdir) == before, "a failed run changed published files"
    assert leftovers(workdir) == []
    if reported:
        data = report(workdir)
        assert data["result"] == "failed", data
        assert data["reason"] == line.removeprefix(PREFIX), (data["reason"], line)
    return line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cluster_blocks(page: str) -> list[str]:
    blocks = _CLUSTER_BLOCK.findall(page)
    assert len(blocks) == 7, "the bundled page no longer has 7 cluster h3/p blocks"
    return blocks


def edited_page() -> str:
    page = snapshot_page()
    assert page.count(FLUX50) == 1
    return page.replace(FLUX50, EDITED_FLUX50)


def po_file(workdir: Path, language: str) -> Path:
    return workdir / "locales" / language / "LC_MESSAGES" / "clusters.po"


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


# ---------------------------------------------------------------- the page and the network

def _status(status: int, **headers):
    def setup(site, url):
        site.route(PAGE_PATH, f"<h1>{status}</h1>", status=status,
                   headers={"Content-Type": "text/html", **headers})
    return setup


def _refused(site, url):
    return f"http://127.0.0.1:{free_port()}{PAGE_PATH}"


def _slow(site, url):
    site.route(PAGE_PATH, snapshot_page(), delay=2.5)


def _offsite_redirect(site, url):
    site.route(PAGE_PATH, "", status=302,
               headers={"Location": url.replace("127.0.0.1", "localhost")})


def _redirect_loop(site, url):
    site.route(PAGE_PATH, "", status=301, headers={"Location": "/moved"})
    site.route("/moved", "", status=302, headers={"Location": PAGE_PATH})


def _robots_disallow(site, url):
    site.route("/robots.txt", "User-agent: *\nDisallow: /en/business-environment/\n",
               headers={"Content-Type": "text/plain"})


def _not_html(site, url):
    site.route(PAGE_PATH, json.dumps({"clusters": []}),
               headers={"Content-Type": "application/json"})


def _wrong_charset(site, url):
    page = snapshot_page().replace("&rsquo;", "\u2019").replace("&nbsp;", "\u00a0")
    assert not page.isascii()
    site.route(PAGE_PATH, page.encode("utf-8"),
               headers={"Content-Type": "text/html; charset=iso-8859-1"})


def _huge(site, url):
    padding = "<!-- " + "x" * (20 * 1024 * 1024) + " -->"
    site.route(PAGE_PATH, snapshot_page().replace("</body>", padding + "</body>"))


def _truncated_transfer(site, url):
    body = snapshot_page().encode("utf-8")
    site.route(PAGE_PATH, body[: len(body) // 2], declared_length=len(body))


def _cut_after_fourth_cluster(site, url):
    page = snapshot_page()
    fourth = cluster_blocks(page)[3]
    site.route(PAGE_PATH, page[: page.index(fourth) + len(fourth)])


def _no_clusters(site, url):
    page = snapshot_page()
    for block in cluster_blocks(page):
        page = page.replace(block, "", 1)
    site.route(PAGE_PATH, page)


def _one_cluster_missing(site, url):
    page = snapshot_page()
    site.route(PAGE_PATH, page.replace(cluster_blocks(page)[5], "", 1))


def _duplicate_ids(site, url):
    page = snapshot_page()
    catalisti = "<h3>Catalisti: developing the formula for sustainable chemistry</h3>"
    assert page.count(catalisti) == 1
    site.route(PAGE_PATH, page.replace(
        catalisti, "<h3>Blue Cluster: turning the tide for the blue economy</h3>"))


def _empty_tagline(site, url):
    page = snapshot_page()
    catalisti = "<h3>Catalisti: developing the formula for sustainable chemistry</h3>"
    assert page.count(catalisti) == 1
    site.route(PAGE_PATH, page.replace(catalisti, "<h3>Catalisti:</h3>"))


PAGE_FAULTS = [
    pytest.param(_status(404), [], ["HTTP 404"], id="http-404"),
    pytest.param(_status(500), [], ["HTTP 500", "after 1 retry)"], id="http-500"),
    pytest.param(_status(503, **{"Retry-After": "120"}), [],
                 ["HTTP 503", "retry after 120"], id="http-503-retry-after"),
    pytest.param(_slow, ["-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0"], ["timed out"],
                 id="read-timeout"),
    pytest.param(_refused, ["-s", "RETRY_TIMES=0"], ["connection refused"],
                 id="connection-refused"),
    pytest.param(_offsite_redirect, [], ["refused to leave 127.0.0.1", "redirected to",
                                         "localhost"], id="redirect-to-another-host"),
    pytest.param(_redirect_loop, [], ["redirect loop", "/moved"], id="redirect-loop"),
    pytest.param(_robots_disallow, [], ["robots.txt", "forbids"], id="robots-disallow"),
    pytest.param(_not_html, [], ["not an HTML page", "application/json"], id="not-html"),
    pytest.param(_wrong_charset, [], ["declares charset iso-8859-1", "UTF-8"], id="wrong-charset"),
    pytest.param(_huge, [], ["larger than download max size"], id="20-mb-page"),
    pytest.param(_truncated_transfer, ["-s", "RETRY_TIMES=0"],
                 ["connection closed before the whole page arrived"], id="truncated-transfer"),
    pytest.param(_cut_after_fourth_cluster, [], ["4 clusters found", "announces 7"],
                 id="html-cut-after-4th-cluster"),
    pytest.param(_no_clusters, [], ["no clusters"], id="no-clusters"),
    pytest.param(_one_cluster_missing, [], ["6 clusters found", "announces 7"],
                 id="fewer-clusters-than-announced"),
    pytest.param(_duplicate_ids, [], ["duplicate", "blue-cluster"], id="duplicate-ids"),
    pytest.param(_empty_tagline, [], ["catalisti", "'tagline' is empty"], id="empty-tagline"),
]


@pytest.mark.parametrize(("setup", "extra", "causes"), PAGE_FAULTS)
def test_page_fault_publishes_nothing(setup, extra, causes, site, workdir):
    url = serve_snapshot(site)
    url = setup(site, url) or url
    before = published(workdir)
    result = run(workdir, url, *extra)
    assert_failed(result, workdir, before, *causes)
    if setup is _offsite_redirect:
        hosts = {headers.get("Host", "").split(":")[0] for _, headers in site.requests}
        assert hosts == {"127.0.0.1"}, "the redirect to another host was followed"
    if causes[0] in ("HTTP 500", "HTTP 503"):  # retried once (RETRY_TIMES=1), then given up
        assert [path for path, _ in site.requests].count(PAGE_PATH) == 2, site.requests


def test_restyled_page_succeeds_with_the_same_records(site, workdir):
    page = (ROOT / "tests" / "data" / "pages" / "restyled-1.html").read_text(encoding="utf-8")
    url = serve_snapshot(site, page)
    before = {path: data for path, data in published(workdir).items()
              if not path.endswith(".mo")}
    result = run(workdir, url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "changes: none since the last run" in result.stdout
    after = {path: data for path, data in published(workdir).items() if not path.endswith(".mo")}
    assert after == before
    data = report(workdir)  # published: the workdir had no .mo files; nothing else changed
    assert data["result"] == "published" and data["reason"] is None
    assert data["records"] == {"added": [], "changed": [], "removed": []}
    assert data["exports"]["changed"] == []


# ---------------------------------------------------------------- translators' catalogs


def test_corrupt_po_names_file_and_line(site, workdir):
    po = po_file(workdir, "fr")
    text = po.read_text(encoding="utf-8")
    po.write_text(text + "\nthis is not a PO line\n", encoding="utf-8")
    bad_line = len(text.splitlines()) + 2
    before = published(workdir)
    line = assert_failed(run(workdir, serve_snapshot(site)), workdir, before,
                         'keyword "this" unknown')  # GNU's words
    assert line.startswith(f"{PREFIX}{po}:{bad_line}:"), line


def test_po_with_duplicate_entry_names_file_and_line(site, workdir):
    po = po_file(workdir, "nl")
    text = po.read_text(encoding="utf-8")
    first = line_of(po, CONTEXT_LINE)
    po.write_text(text + '\nmsgctxt "cluster/flux50/tagline"\nmsgid "powering smart energy"\n'
                  'msgstr "slimme energie"\n', encoding="utf-8")
    before = published(workdir)
    line = assert_failed(run(workdir, serve_snapshot(site)), workdir, before,
                         "duplicate message definition", f"line {first}")
    # the repeated msgid's line, as GNU names it
    assert line.startswith(f"{PREFIX}{po}:{len(text.splitlines()) + 3}:"), line


def test_po_not_utf8_names_file_and_line(site, workdir):
    po = po_file(workdir, "fr")
    text = po.read_text(encoding="utf-8")
    first_non_ascii = next(number for number, line in enumerate(text.splitlines(), 1)
                           if not line.isascii())
    po.write_bytes(text.encode("cp1252"))
    before = published(workdir)
    line = assert_failed(run(workdir, serve_snapshot(site)), workdir, before,
                         "invalid multibyte sequence")
    assert line.startswith(f"{PREFIX}{po}:{first_non_ascii}:"), line


# ---------------------------------------------------------------- the last good run

HINT = ("; restore it (e.g. from version control), or publish without comparing with "
        "--start-over")


def three_of_seven() -> str:
    """The page of trust issue row 2: its first 3 clusters under "Spearhead clusters"."""
    page = snapshot_page()
    for block in cluster_blocks(page)[3:]:
        page = page.replace(block, "", 1)
    assert page.count("7 spearhead clusters</span></h1>") == 1
    return page.replace("7 spearhead clusters</span></h1>", "Spearhead clusters</span></h1>")


def _truncated(records: Path) -> str:
    data = records.read_bytes()
    records.write_bytes(data[:-20])  # truncate -s -20
    lines = data.count(b"\n")  # the last one is cut
    return f"{records}:{lines}: the last line is cut short (no newline at its end)"


def _conflict_marker(records: Path) -> str:
    records.write_bytes(b"<<<<<<< HEAD\n" + records.read_bytes())
    return f"{records}:1: not a record (Expecting value)"


@pytest.mark.parametrize("damage", [_truncated, _conflict_marker],
                         ids=["truncated-by-20-bytes", "conflict-marker-on-line-1"])
def test_an_unreadable_last_good_run_is_never_a_first_run(site, workdir, damage):
    """Trust issue, row 2: records.jsonl truncated by 20 bytes, or a git conflict marker
    as its line 1, then a page showing 3 of 7 clusters under "Spearhead clusters". Exit 1;
    stderr exactly `speerpunt: the last good run cannot be read: <records.jsonl>:<line>:
    <why>; restore it (e.g. from version control), or publish without comparing with
    --start-over`; no published byte changed (the damaged file left as it is); report.json
    failed with that reason. Never "changes: first run"."""
    records = workdir / "output" / "records.jsonl"
    why = damage(records)
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, three_of_seven()))
    line = assert_failed(result, workdir, before)
    assert line == f"{PREFIX}the last good run cannot be read: {why}{HINT}"
    assert "first run" not in result.stdout


def test_deleted_exports_still_listed_refuse_even_with_a_locales_typo(site, workdir):
    """Trust issue, row 2: the nl and fr exports deleted (index.json still lists them) and
    `--locales` mistyped, which would publish nl and fr all in English. Exit 1; stderr
    exactly `speerpunt: the last good run cannot be read: <output>/nl/clusters.json is
    listed in <output>/index.json but missing; restore it ..., or publish without comparing
    with --start-over`; no published byte changed, the mistyped directory not created;
    report.json failed with that reason."""
    for language in ("nl", "fr"):
        (workdir / "output" / language / "clusters.json").unlink()
    typo = workdir / "locale"
    before = published(workdir)
    result = run(workdir, serve_snapshot(site), "--locales", str(typo))
    line = assert_failed(result, workdir, before)
    nl, index = workdir / "output" / "nl" / "clusters.json", workdir / "output" / "index.json"
    assert line == (f"{PREFIX}the last good run cannot be read: {nl} is listed in {index} "
                    f"but missing{HINT}")
    assert not typo.exists()


def test_markup_injected_by_a_translator_never_reaches_the_export(site, workdir):
    po = po_file(workdir, "nl")
    clean = 'msgstr "de drijvende kracht achter slimme energie"'
    injected = ('msgstr "<b onclick=\\"steal()\\">de drijvende kracht</b> achter slimme energie'
                '<script>alert(1)</script>"')
    text = po.read_text(encoding="utf-8")
    assert text.count(clean) == 1
    po.write_text(text.replace(clean, injected), encoding="utf-8")

    result = run(workdir, serve_snapshot(site))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    export = (workdir / "output" / "nl" / "clusters.json").read_bytes()
    assert b"<" not in export
    assert b"alert" not in export and b"onclick" not in export
    flux50 = {c["id"]: c for c in json.loads(export)["clusters"]}["flux50"]
    assert flux50["tagline"] == "powering smart energy"  # not published: English, as fallback
    assert flux50["fallback"] == ["tagline"]

    check = run_cli("catalogs", "check", "--locales", str(workdir / "locales"),
                    "--output", str(workdir / "output"))
    assert check.returncode == 1, check.stdout + check.stderr
    where = f"{po}:{line_of(po, CONTEXT_LINE)}: "
    named = [line for line in check.stdout.splitlines() if line.startswith(where)]
    assert any("onclick" in line for line in named), check.stdout
    assert any("script" in line for line in named), check.stdout
    assert all(line.startswith(where) for line in check.stdout.splitlines()), check.stdout


# ---------------------------------------------------------------- the disk


@pytest.mark.parametrize("where", ["output", "output/nl"], ids=["output-dir", "nl-subdir"])
def test_read_only_directory(where, site, workdir):
    """The whole output dir (nothing, not even report.json, can be written) or output/nl
    (the run stages records and catalogs first, then fails on the nl export)."""
    url = serve_snapshot(site, edited_page())
    target = workdir / where
    before = published(workdir)
    if AS_ROOT:
        env = {"SPEERPUNT_FAULT": "erofs", "SPEERPUNT_FAULT_DIR": str(target)}
        result = run(workdir, url, env=env)
        cause = "Read-only file system"
    else:  # pragma: no cover - CI runs as root
        target.chmod(0o555)
        try:
            result = run(workdir, url)
        finally:
            target.chmod(0o755)
        cause = "Permission denied"
    line = assert_failed(result, workdir, before, cause, reported=where != "output")
    if where == "output":
        assert not (workdir / "output" / "report.json").exists()
    else:
        assert "cannot write" in line and str(target) in line


def test_full_disk_while_staging_exports(site, workdir):
    url = serve_snapshot(site, edited_page())
    before = published(workdir)
    result = run(workdir, url, env={"SPEERPUNT_FAULT": f"enospc:{NL_EXPORT_AT}"})
    line = assert_failed(result, workdir, before, "No space left on device",
                         "nothing was changed")
    assert str(workdir / "output" / "nl" / "clusters.json") in line


def test_sigkill_during_export_leaves_previous_files_whole(site, workdir):
    url = serve_snapshot(site, edited_page())
    before = published(workdir)
    killed = run(workdir, url, env={"SPEERPUNT_FAULT": f"sigkill:{NL_EXPORT_AT}"})
    assert killed.returncode == -9, (killed.returncode, killed.stderr)
    assert published(workdir) == before
    left = leftovers(workdir)
    assert len(left) == NL_EXPORT_AT, left  # killed while staging the nl export
    assert any(path.parent == workdir / "output" / "nl" for path in left), left
    holder = json.loads((workdir / "output" / ".lock").read_bytes())

    again = run(workdir, url)
    assert again.returncode == 0, again.stderr
    assert f"published: {STAGED_BY_EDIT} files changed" in again.stdout  # none were renamed
    assert leftovers(workdir) == []
    assert report(workdir)["stale_lock_taken_over"] == holder
    assert [Path(path).relative_to(workdir / "output").as_posix()
            for path in report(workdir)["exports"]["changed"]] == [
        "en/clusters.json", "fr/clusters.json", "index.json", "nl/clusters.json"]
    assert b"powering smarter energy" in (workdir / "output" / "records.jsonl").read_bytes()


def test_symlink_out_of_the_output_is_refused(site, workdir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(workdir / "output" / "nl")
    (workdir / "output" / "nl").symlink_to(outside, target_is_directory=True)
    before = published(workdir)
    line = assert_failed(run(workdir, serve_snapshot(site)), workdir, before,
                         "refusing to write", "outside")
    assert str(workdir / "output" / "nl") in line
    assert list(outside.iterdir()) == []


# ---------------------------------------------------------------- the lock


def test_second_run_at_once_is_refused_and_the_first_succeeds(site, workdir):
    url = serve_snapshot(site)
    site.route(PAGE_PATH, snapshot_page(), delay=8)  # the second starts on a busy machine too
    lock = workdir / "output" / ".lock"
    args = ["run", "--url", url, "--output", str(workdir / "output"),
            "--locales", str(workdir / "locales"), *FAST]
    first = subprocess.Popen([*CLI, *args], cwd=workdir, env=cli_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (lock.exists() and lock.stat().st_size) and first.poll() is None:
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.05)
        before = published(workdir)
        started = time.monotonic()
        second = run_cli(*args, cwd=workdir, timeout=10)
        assert time.monotonic() - started < 10
        assert first.poll() is None, "the first run was over before the second started"
        line = one_line(second, 1, "another run holds", str(lock), f"pid {first.pid}",
                        "started ")
        assert re.search(r"started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line), line
        assert published(workdir) == before
        out, err = first.communicate(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert err == ""
    data = report(workdir)
    assert data["result"] == "published" and data["reason"] is None  # the first .mo files
    assert data["records"] == {"added": [], "changed": [], "removed": []}
    assert data["stale_lock_taken_over"] is None
    assert not lock.exists()


def test_no_room_for_the_lock_file_is_one_line(site, workdir):
    """Trust issue, smaller case: ENOSPC creating output/.lock was "unexpected OSError".
    With the fault shim making the creation of `.lock` fail with ENOSPC: exit 1; stderr
    exactly `speerpunt: cannot lock <output>/.lock: No space left on device`; no published
    byte changed; no .lock left, and no report.json (the run held nothing, so it says
    nothing there); not one request sent."""
    lock = workdir / "output" / ".lock"
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, edited_page()),
                 env={"SPEERPUNT_FAULT": "nospace:.lock"})
    line = one_line(result, 1)
    assert line == f"{PREFIX}cannot lock {lock}: No space left on device"
    assert published(workdir) == before
    assert not lock.exists() and not (workdir / "output" / "report.json").exists()
    assert site.requests == []


def test_stale_lock_is_taken_over(site, workdir):
    stale = {"pid": 999999, "started": "2026-01-01T00:00:00Z"}
    (workdir / "output" / ".lock").write_text(json.dumps(stale))
    result = run(workdir, serve_snapshot(site))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert report(workdir)["stale_lock_taken_over"] == stale
    assert not (workdir / "output" / ".lock").exists()


# ---------------------------------------------------------------- bad usage


@pytest.mark.parametrize(("args", "cause"), [
    (["--url", "ftp://x"], "http(s) URL"),
    (["--min-complete", "2"], "fraction"),
    (["--output", "FILE"], "not a directory"),
], ids=["ftp-url", "min-complete-2", "output-is-a-file"])
def test_bad_usage_exits_2(args, cause, site, workdir):
    a_file = workdir / "output" / "records.jsonl"
    url = serve_snapshot(site)
    args = [str(a_file) if arg == "FILE" else arg for arg in args]
    base = {"--url": url, "--output": str(workdir / "output"),
            "--locales": str(workdir / "locales")}
    for arg in args[::2]:
        base.pop(arg, None)
    before = published(workdir)
    result = run_cli("run", *[part for pair in base.items() for part in pair], *args, *FAST,
                     cwd=workdir)
    one_line(result, 2, cause)
    assert published(workdir) == before
    assert not (workdir / "output" / "report.json").exists()
    assert site.requests == []


# ---------------------------------------------------------------- incremental runs


def test_second_run_revalidates_and_reports_unchanged(site, workdir):
    url = serve_snapshot(site)
    site.route(PAGE_PATH, snapshot_page(), etag="cluster-policy-v1")
    first = run(workdir, url)
    assert first.returncode == 0, first.stderr
    before = published(workdir)
    requests = len(site.requests)

    second = run(workdir, url)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert "unchanged" in second.stdout
    page_headers = [headers for path, headers in site.requests[requests:] if path == PAGE_PATH]
    assert [h.get("If-None-Match") for h in page_headers] == ['"cluster-policy-v1"']
    data = report(workdir)
    assert data["result"] == "unchanged"
    assert data["crawl"]["revalidated_from_cache"] >= 1
    assert published(workdir) == before


@pytest.mark.parametrize("headers", [
    {"Cache-Control": "max-age=86400"},
    {"Last-Modified": "Mon, 01 Jan 2018 00:00:00 GMT"},  # a heuristic freshness of weeks
], ids=["max-age", "old-last-modified"])
def test_a_server_claiming_freshness_never_hides_a_changed_page(site, workdir, headers):
    """Trust issue, row 3: every run asks the server, whatever its cache headers say, and
    the report counts the requests sent, the 304s and the cache hits as they were."""
    url = serve_snapshot(site)
    html = {"Content-Type": "text/html; charset=utf-8", **headers}
    site.route(PAGE_PATH, snapshot_page(), headers=html)
    first = run(workdir, url)
    assert first.returncode == 0, first.stderr
    asked = sum(1 for path, _ in site.requests if path == PAGE_PATH)
    site.route(PAGE_PATH, edited_page(), headers=html)
    second = run(workdir, url)
    assert second.returncode == 0, second.stderr
    assert sum(1 for path, _ in site.requests if path == PAGE_PATH) == asked + 1
    data = report(workdir)
    assert data["result"] == "published"
    assert data["records"]["changed"] == ["cluster/flux50"]
    assert (data["crawl"]["requests"], data["crawl"]["cache_hits"]) == (4, 0)
    assert data["crawl"]["revalidated_from_cache"] == 0  # the page changed: a 200, no 304


def test_verbose_summary_gives_each_changed_field_old_and_new(site, workdir):
    """Trust issue, "also expected": "what changed" gave ids only. Flux50's tagline edited
    on the page: `speerpunt run -v` exits 0, its summary says `changes: changed
    cluster/flux50` and, indented below, exactly one field line `  cluster/flux50 tagline:
    'powering smart energy' -> 'powering smarter energy'`; report.json's `changes` hold the
    same old and new text. Without -v (the same edit, in a fresh copy) no field line."""
    url = serve_snapshot(site, edited_page())
    copy = workdir / "copy"
    for name in ("locales", "output"):
        shutil.copytree(workdir / name, copy / name)
    result = run(workdir, url, "-v")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "changes: changed cluster/flux50" in lines
    assert [line for line in lines if line.startswith("  ")] == [
        "  cluster/flux50 tagline: 'powering smart energy' -> 'powering smarter energy'"]
    assert report(workdir)["changes"] == [{"key": "cluster/flux50", "field": "tagline",
                                           "old": "powering smart energy",
                                           "new": "powering smarter energy"}]
    plain = run(copy, url)
    assert plain.returncode == 0, plain.stderr
    assert "changes: changed cluster/flux50" in plain.stdout.splitlines()
    assert not [line for line in plain.stdout.splitlines() if line.startswith("  ")]


LONG_FRESH = "Mon, 01 Jan 2018 00:00:00 GMT"


@pytest.mark.parametrize(("validator", "condition", "sent"), [
    ({"etag": "cluster-policy-v1"}, "If-None-Match", '"cluster-policy-v1"'),
    ({"last_modified": LONG_FRESH}, "If-Modified-Since", LONG_FRESH),
], ids=["etag", "last-modified"])
def test_a_server_claiming_freshness_is_still_asked_about_an_unchanged_page(
        site, workdir, validator, condition, sent):
    """Trust issue, row 3, the other half: the page is unchanged and served with
    `Cache-Control: max-age=86400` and a validator (ETag or Last-Modified). The second run
    still sends exactly one request for it, carrying the validator (If-None-Match or
    If-Modified-Since), gets a 304; exit 0, nothing on stderr, the summary says
    `published: nothing changed (unchanged)`, report.json says `unchanged` with
    revalidated_from_cache >= 1, requests 4 and cache_hits 0, and no published byte
    changed."""
    url = serve_snapshot(site)
    site.route(PAGE_PATH, snapshot_page(), **validator, headers={
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "max-age=86400"})
    first = run(workdir, url)
    assert first.returncode == 0, first.stderr
    before = published(workdir)
    asked = len(site.requests)

    second = run(workdir, url)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert "published: nothing changed (unchanged)" in second.stdout
    page_headers = [headers for path, headers in site.requests[asked:] if path == PAGE_PATH]
    assert [headers.get(condition) for headers in page_headers] == [sent]
    data = report(workdir)
    assert data["result"] == "unchanged"
    assert data["crawl"]["revalidated_from_cache"] >= 1
    assert (data["crawl"]["requests"], data["crawl"]["cache_hits"]) == (4, 0)
    assert published(workdir) == before


def dutch_page(declared: str) -> str:
    """The snapshot page with its English text replaced by the nl catalog's translations
    (our translators' Dutch: a hostile variant, not the site's content) and <html lang>."""
    from pipeline.i18n import po

    page = snapshot_page().replace('<html lang="en"', f'<html lang="{declared}"', 1)
    catalog = po.read(ROOT / "locales" / "nl" / "LC_MESSAGES" / "clusters.po")
    for entry in sorted(catalog.entries, key=lambda e: -len(e.msgid)):
        page = page.replace(html.escape(entry.msgid, quote=False), entry.msgstr)
        page = page.replace(entry.msgid.replace("’", "&rsquo;"), entry.msgstr)
    return page


@pytest.mark.parametrize("declared", ["nl", "en"], ids=["declared-nl", "declared-en"])
def test_a_page_not_in_its_sources_language_is_refused(site, workdir, declared):
    """Trust issue, row 4: the same URL serving the page in Dutch, with or without saying
    so, is refused (French readers would get Dutch as the English source)."""
    page = dutch_page(declared)
    assert "Speerpuntclusters zijn gelinkt" in page or "speerpuntclusters" in page
    url = serve_snapshot(site, page)
    before = published(workdir)
    result = run(workdir, url)
    cause = (f"{url} declares its language as 'nl', not 'en'" if declared == "nl"
             else f"{url} is written in 'nl' (detected with confidence")
    assert_failed(result, workdir, before, cause)


def test_an_unclosed_tag_in_a_translation_is_not_published_and_is_named(site, workdir):
    """Trust issue, row 10: the export falls back to English, `catalogs check` names the
    entry, and the preview shows what the export publishes."""
    po = po_file(workdir, "nl")
    text = po.read_text(encoding="utf-8")
    clean = 'msgstr "het tij keren voor de blauwe economie"'
    assert text.count(clean) == 1
    po.write_text(text.replace(clean, 'msgstr "het tij keren <img src=x onerror=alert(1)//"'),
                  encoding="utf-8")
    result = run(workdir, serve_snapshot(site))
    assert result.returncode == 0, result.stderr
    nl = json.loads((workdir / "output" / "nl" / "clusters.json").read_bytes())
    blue = nl["clusters"][0]
    assert (blue["tagline"], blue["fallback"]) == ("turning the tide for the blue economy",
                                                  ["tagline"])
    check = run_cli("catalogs", "check", "--locales", str(workdir / "locales"),
                    "--output", str(workdir / "output"))
    assert check.returncode == 1
    assert any(line.endswith("holds markup (<img), so it is not published: the source text "
                             "is shown instead") for line in check.stdout.splitlines())
    preview = (workdir / "output" / "preview" / "nl.html").read_text(encoding="utf-8")
    assert ('data-msgctxt="cluster/blue-cluster/tagline" data-state="untranslated"' in preview)
    assert "<img" not in preview


def test_ten_thousand_nested_elements_are_one_clear_line(site, workdir):
    """Trust issue: a page nesting 10,000 divs ended in RecursionError, reported as
    'no page was crawled'."""
    deep = "<div>" * 10_000 + "<p>Deep inside the page there is text.</p>" + "</div>" * 10_000
    page = snapshot_page().replace("</main>", deep + "</main>", 1)
    url = serve_snapshot(site, page)
    before = published(workdir)
    assert_failed(run(workdir, url), workdir, before,
                  f"crawl failed: {url} nests its elements too deep to be read as a page")


def test_a_robots_txt_that_never_answers_does_not_overrun_the_deadline(site, workdir):
    """Trust issue: a 15 s deadline ran to 91 s while robots.txt kept the line open."""
    url = serve_snapshot(site)
    site.routes["/robots.txt"].delay = 60
    before = published(workdir)
    started = time.monotonic()
    result = run(workdir, url, "-s", "CLOSESPIDER_TIMEOUT=3")
    took = time.monotonic() - started
    assert_failed(result, workdir, before,
                  "crawl failed: the crawl passed its deadline of 3 s (raise it with "
                  "-s CLOSESPIDER_TIMEOUT=SECONDS)")
    assert took < 3 + 10, took  # the deadline, plus the process's start and its report


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", " 7"])
def test_a_bad_source_date_epoch_is_bad_usage_for_every_command(workdir, value):
    """Trust issue: SOURCE_DATE_EPOCH=abc exited 1 'please report it', =-5 dated a run 1969."""
    before = published(workdir)
    for args in (["catalogs", "update"], ["export"], ["run", "--snapshot"]):
        result = run_cli(*args, "--output", str(workdir / "output"), "--locales",
                         str(workdir / "locales"), env={"SOURCE_DATE_EPOCH": value})
        one_line(result, 2, f"SOURCE_DATE_EPOCH={value}: expected a whole number of seconds "
                            "since 1970-01-01 UTC, not negative")
    assert published(workdir) == before


@pytest.mark.parametrize("name", ["JOBDIR", "LOG_FILE", "HTTPCACHE_DIR", "FEEDS"])
def test_settings_that_write_elsewhere_are_refused_before_anything_starts(workdir, name):
    result = run_cli("run", "--snapshot", "--output", str(workdir / "output"), "--locales",
                     str(workdir / "locales"), "-s", f"{name}=/tmp/elsewhere")
    one_line(result, 2, f"-s {name}: speerpunt writes only inside --output and --locales")
    assert not Path("/tmp/elsewhere").exists()


def test_scrapy_crawl_of_a_local_file_is_refused(workdir):
    """Trust issue: `scrapy crawl clusters -a url=file:///etc/passwd` crawled local files.
    Run as Scrapyd runs it (scrapy in the project root, -s SPEERPUNT_OUTPUT/LOCALES): exit
    1; the log has exactly one ERROR line, `[clusters] ERROR: -a url must be an http(s) URL,
    not 'file:///etc/passwd'`, and the close reason `refused: ` with it; no published byte
    changed; report.json failed with `crawl failed: ` and that line; nothing of the file is
    in output/."""
    output, locales = workdir / "output", workdir / "locales"
    before = published(workdir)
    environment = {key: value for key, value in cli_env().items()
                   if key != "SCRAPY_SETTINGS_MODULE"}
    result = subprocess.run(
        [str(Path(CLI[0]).with_name("scrapy")), "crawl", "clusters", "-a",
         "url=file:///etc/passwd", "-s", f"SPEERPUNT_OUTPUT={output}",
         "-s", f"SPEERPUNT_LOCALES={locales}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr[-3000:]
    why = "-a url must be an http(s) URL, not 'file:///etc/passwd'"
    assert [line.split("] ", 1)[1] for line in result.stderr.splitlines()
            if " ERROR: " in line] == [f"ERROR: {why}"]
    assert f"Spider closed (refused: {why})" in result.stderr
    assert published(workdir) == before
    data = report(workdir)
    assert (data["result"], data["reason"]) == ("failed", f"crawl failed: {why}")
    assert b"root:" not in b"".join(tree_bytes(output).values())


def test_a_password_in_the_url_is_never_printed_or_stored(site, workdir):
    """Trust issue: `--url https://user:secret@host/...` printed the password and stored it
    in report.json. It is sent as HTTP Basic credentials to that host, and shown nowhere."""
    url = serve_snapshot(site)
    site.route(PAGE_PATH, "<h1>404</h1>", status=404)
    secret = url.replace("http://", "http://speerpunt:s3cr3t-pw@")
    result = run(workdir, secret)
    assert result.returncode == 1
    assert "s3cr3t" not in result.stdout + result.stderr
    assert result.stderr == f"speerpunt: crawl failed: HTTP 404 from {url}\n"
    assert "s3cr3t" not in (workdir / "output" / "report.json").read_text()
    assert report(workdir)["source"] == url
    page_requests = [headers for path, headers in site.requests if path == PAGE_PATH]
    assert page_requests[0].get("Authorization") == "Basic c3BlZXJwdW50OnMzY3IzdC1wdw=="


def test_a_failed_command_leaves_no_directory_it_made(site, workdir):
    """Trust issue: a refused run left locale/{en,nl,fr}/LC_MESSAGES/ behind (a --locales
    typo), and `export --output typo` left typo/."""
    before = published(workdir)
    typo = workdir / "locale"
    result = run(workdir, serve_snapshot(site), "--locales", str(typo))
    assert result.returncode == 1 and "would show in English" in result.stderr
    assert not typo.exists()
    assert published(workdir) == before
    result = run_cli("export", "--output", str(workdir / "typo"), "--locales",
                     str(workdir / "locales"))
    one_line(result, 1, f"{workdir / 'typo' / 'records.jsonl'}: no records")
    assert not (workdir / "typo").exists()


NEWCOMERS = ("<h3>Nanoforce: making small things matter</h3>\n<p>Nanoforce brings "
             "nanotechnology companies and research centres together.</p>\n"
             "<h3>Quantflow: computing with qubits</h3>\n<p>Quantflow helps companies try "
             "quantum computing on their own problems.</p>")


def translators_lines(result) -> dict[str, tuple[int, str]]:
    """The summary's nl and fr lines: how many texts need a translator, and what follows."""
    found = {}
    for line in result.stdout.splitlines():
        match = re.fullmatch(r"(nl|fr): \d+% translated; (\d+) need a translator \([^)]*\)"
                             r"(.*)", line)
        if match:
            found[match[1]] = int(match[2]), match[3]
    assert set(found) == {"nl", "fr"}, result.stdout
    return found


def test_the_summary_names_what_it_counts_as_such(site, workdir):
    """Trust issue, smaller case: the summary said `4 need a translator (1 fuzzy, 3
    untranslated): k1, k2, k3`, counting 4 and naming 3 as if they were all. Flux50's
    tagline is edited, then two new clusters appear under a title announcing 9. Both runs
    exit 0; on the first, the nl and fr lines count N > 1 texts needing a translator and
    end `; new or changed since the last run: cluster/flux50/tagline`; on the second they
    count N + 7 (6 new texts, the retitled page's title fuzzy) and end `; new or changed
    since the last run: ` with the first 5 of those 7 keys, then ` …`."""
    url = serve_snapshot(site, edited_page())
    first = run(workdir, url)
    assert first.returncode == 0, first.stderr
    before = translators_lines(first)
    for count, rest in before.values():
        assert count > 1 and rest == "; new or changed since the last run: " \
            "cluster/flux50/tagline", (count, rest)
    page = edited_page()
    vil = cluster_blocks(page)[6]
    assert page.count("7 spearhead clusters") == 4  # <title>, og:title, the menu, the h1
    site.route(PAGE_PATH, page.replace(vil, vil + "\n" + NEWCOMERS, 1)
               .replace("7 spearhead clusters", "9 spearhead clusters"))
    second = run(workdir, url)
    assert second.returncode == 0, second.stderr
    named = ", ".join(f"cluster/{key}" for key in (
        "nanoforce/name", "nanoforce/tagline", "nanoforce/description", "quantflow/name",
        "quantflow/tagline"))
    assert translators_lines(second) == {
        language: (count + 7, f"; new or changed since the last run: {named} …")
        for language, (count, _) in before.items()}


def test_a_report_json_that_is_a_directory_refuses_the_run(site, workdir):
    """Trust issue: output/report.json as a directory published, with no report, exit 0."""
    (workdir / "output" / "report.json").mkdir()
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, edited_page()))
    one_line(result, 1, f"refusing to use {workdir / 'output' / 'report.json'}: it is not a "
                        "file")
    assert published(workdir) == before


def test_a_disk_full_while_writing_leaves_no_temporary_behind(site, workdir):
    """Trust issue: a full disk left .*.tmp files (the close after a failed write failed
    too, before the copy was removed)."""
    before = published(workdir)
    result = run(workdir, serve_snapshot(site, edited_page()),
                 env={"SPEERPUNT_FAULT": "fullwrite:clusters.po"})
    assert_failed(result, workdir, before, "No space left on device", "nothing was changed")
    assert leftovers(workdir) == []
