"""One site failing never costs the others (the cluster pages issue, point 8).

Each row makes VIL's site fail one way while the overview and the six other sites answer
from the bundled snapshot, through a real `speerpunt run --snapshot` against a local
server (tests/support/server.py SnapshotSite) that answers the failing paths as routed.
Each asserts: exit 0; exactly one warning line on stderr naming the site and why; VIL's
last published profile kept, marked stale (report, records, export); its catalogs and
every other field untouched; every other site read and published. --strict turns a
stale site into a refusal that changes nothing. The property test runs the publishing
service in process over every subset of failing sites.
"""

import dataclasses
import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.items import Harvest
from pipeline.layout import Layout
from pipeline.publish.service import Options, Session
from pipeline.records import read_records
from pipeline.sources import OVERVIEW, organisations
from tests.faults.test_run_faults import published, report
from tests.support import ROOT, SNAPSHOTS, run_cli, tree_bytes
from tests.support.server import SnapshotSite

pytestmark = pytest.mark.faults
ABOUT_PATH = "/en/projects/vil-approach/"
ABOUT = "/vil.be" + ABOUT_PATH  # the route of VIL's about page on the snapshot site


@pytest.fixture
def snapshot_site():
    site = SnapshotSite(SNAPSHOTS)
    yield site
    site.close()


def run(workdir, site, *extra, snapshot=SNAPSHOTS):
    return run_cli("run", "--snapshot", str(snapshot), "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"), "-s",
                   f"SPEERPUNT_SNAPSHOT={site.base}", *extra, cwd=workdir)


def without_vil(site, tmp_path):
    copy = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOTS, copy, ignore=shutil.ignore_patterns("vil.be"))
    return ["--snapshot", str(copy)], "connection refused by vil.be for https://vil.be/"


def server_error(site, tmp_path):
    site.route("/vil.be/", "<h1>503</h1>", status=503)
    return (["-s", "RETRY_ENABLED=True", "-s", "RETRY_TIMES=1"],
            "HTTP 503 from https://vil.be/ (after 1 retry)")


def too_slow(site, tmp_path):
    site.route("/vil.be/", site.page("vil.be", "/"), delay=8)
    return (["-s", "CLOSESPIDER_TIMEOUT=4"],
            "the crawl passed its deadline of 4 s (raise it with -s CLOSESPIDER_TIMEOUT=SECONDS)")


def robots(site, tmp_path):
    site.route("/vil.be/robots.txt", "User-agent: *\nDisallow: /\n",
               headers={"Content-Type": "text/plain"})
    return [], "robots.txt of vil.be forbids crawling https://vil.be/"


def elsewhere(site, tmp_path):
    site.route("/vil.be/", "", status=301, headers={"Location": "https://example.org/vil"})
    return [], "refused to leave vil.be: redirected to https://example.org/vil"


def new_markup(site, tmp_path):
    page = site.page("vil.be", ABOUT_PATH).decode()
    site.route(ABOUT, page.replace('<div class="text">', '<div class="copy">'))
    return [], (f"https://vil.be{ABOUT_PATH} has no //main//div[@class='text'] to read the "
                "organisation")


def in_dutch(site, tmp_path):
    """VIL's Dutch news page (its real text) served at the English about page's URL,
    declaring English."""
    news = "/2023/vil-coordinator-en-monitor-van-top-team-zero-emissie-vrachtvervoer"
    dutch = site.page("vil.be", news).decode().replace("<h1>", "<h1 class=\"title\">")
    site.route(ABOUT, dutch.replace('<html lang="nl"', '<html lang="en"'))
    return [], f"https://vil.be{ABOUT_PATH} is written in 'nl'"


ROWS = {"unreachable": without_vil, "5xx-after-retries": server_error, "past-deadline": too_slow,
        "robots-disallows": robots, "redirect-elsewhere": elsewhere,
        "unplaceable-markup": new_markup, "another-language": in_dutch}


def profile(records, key):
    return next(r for r in records if r.key == key)


@pytest.mark.slow
@pytest.mark.parametrize("row", ROWS)
def test_a_failing_site_keeps_its_profile_and_the_others_publish(row, snapshot_site, workdir,
                                                                  tmp_path):
    extra, cause = ROWS[row](snapshot_site, tmp_path)
    before = read_records(workdir / "output" / "records.jsonl")
    catalogs = {path: data for path, data in tree_bytes(workdir / "locales").items()
                if "vil.po" in path}
    result = run(workdir, snapshot_site, *extra)
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"speerpunt: warning: organisation/vil could not be read ({cause}"), \
        line
    assert line.endswith("its last published profile is kept, marked stale since "
                         f"{report(workdir)['stale'][0]['since']}")
    data = report(workdir)
    assert [item["record"] for item in data["stale"]] == ["organisation/vil"]
    assert data["sites"]["vil"]["result"] == "stale" and cause in data["sites"]["vil"]["reason"]
    assert {key: site["result"] for key, site in data["sites"].items() if key != "vil"} == \
        dict.fromkeys([OVERVIEW, *(key for key in organisations() if key != "vil")], "read")
    after = read_records(workdir / "output" / "records.jsonl")
    vil = profile(after, "organisation/vil")
    assert cause in vil.stale["reason"]
    assert dataclasses.replace(vil, stale=None) == profile(before, "organisation/vil")
    assert [r for r in after if r.key != "organisation/vil"] == \
        [r for r in before if r.key != "organisation/vil"]  # the others: as the sites say
    for language in ("en", "nl", "fr"):
        export = json.loads((workdir / "output" / language / "clusters.json").read_bytes())
        shown = next(c for c in export["clusters"] if c["id"] == "vil")["organisation"]
        assert cause in shown["stale"]["reason"] and "about" in shown
    assert {path: data for path, data in tree_bytes(workdir / "locales").items()
            if "vil.po" in path} == catalogs  # its template and catalogs: byte for byte


@pytest.mark.slow
def test_strict_makes_a_stale_site_a_refusal_that_changes_nothing(snapshot_site, workdir):
    robots(snapshot_site, None)
    before = published(workdir)
    result = run(workdir, snapshot_site, "--strict")
    assert result.returncode == 1
    assert result.stderr == ("speerpunt: 1 of 8 sites could not be read (--strict); first: VIL: "
                             "robots.txt of vil.be forbids crawling https://vil.be/\n")
    assert published(workdir) == before


# ---------------------------------------------------------------- property: any subset fails

SHIPPED = read_records(ROOT / "output" / "records.jsonl")
KEYS = list(organisations())


def harvests(failing: set[str]) -> list[Harvest]:
    """This run's harvests: the overview as shipped; each site either failing or saying
    something new (one more paragraph), so what is kept and what is new can be told apart."""
    found = [Harvest(OVERVIEW, records=[r for r in SHIPPED if r.source == OVERVIEW])]
    for key in KEYS:
        if key in failing:
            found.append(Harvest(key, failure=f"{key} is down"))
        else:
            old = profile(SHIPPED, f"organisation/{key}")
            found.append(Harvest(key, records=[dataclasses.replace(
                old, about=[*(old.about or []), f"New text of {key}."])]))
    return found


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(failing=st.sets(st.sampled_from(KEYS)))
def test_any_subset_of_failing_sites_keeps_exactly_their_last_good_data(tmp_path, failing):
    work = tmp_path / "case"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "output", work / "output", ignore=shutil.ignore_patterns("report.json"))
    shutil.copytree(ROOT / "locales", work / "locales", ignore=shutil.ignore_patterns("*.mo"))
    layout = Layout(work / "output", work / "locales")
    with Session(*layout.roots, layout=layout) as session:
        outcome = session.publish(harvests(failing), Options())
    assert {item["record"] for item in outcome.stale} == \
        {f"organisation/{key}" for key in failing}
    after = read_records(layout.records)
    for key in KEYS:
        now, was = profile(after, f"organisation/{key}"), profile(SHIPPED, f"organisation/{key}")
        if key in failing:
            assert dataclasses.replace(now, stale=None) == was and now.stale
        else:
            assert now.about == [*(was.about or []), f"New text of {key}."] and not now.stale
    assert [r for r in after if r.source == OVERVIEW] == \
        [r for r in SHIPPED if r.source == OVERVIEW]
