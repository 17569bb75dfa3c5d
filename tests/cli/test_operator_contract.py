"""The operator's contract, end to end: what cron sees after each run of a scripted site history.

One sequence of `speerpunt run --url <page on 127.0.0.1>` processes, in two output
trees side by side: one run as an operator reads it, one with --quiet as cron runs it.
After every step: the exit code, the exact stdout (and nothing at all with --quiet),
stderr, the exact figures of output/report.json, that both trees publish the same
bytes, and that `last_changed` moved in exactly the exports whose content changed.
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.support import PAGE_PATH, ROOT, run_cli, serve_snapshot, snapshot_page

pytestmark = pytest.mark.slow

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]
CANONICAL = "https://invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy"
LOCALES = ("en", "nl", "fr")
CLUSTERS = ["blue-cluster", "catalisti", "flanders-food", "medvia", "flux50", "sim", "vil"]
ARTICLES = ["why-sharing-smart-innovation-in-flanders",
            "5-best-practices-from-flanders-for-open-innovation-clusters"]
_BLOCK = re.compile(r'\s*<div class="field__item">\s*<div class="paragraph paragraph--type--text'
                    r'[^>]*>\s*<div[^>]*>\s*<h3>(?P<heading>[^<]*)</h3>.*?</div>\s*</div>\s*</div>',
                    re.S)
NEWCOMER = ('\n<div class="field__item"><div class="paragraph paragraph--type--text"><div>'
            "<h3>Nanoforce: making small things matter</h3>"
            "<p>Nanoforce brings nanotechnology companies and research centres together.</p>"
            "</div></div></div>")


# ---------------------------------------------------------------- the site's history


def block(page: str, heading_start: str) -> str:
    found = [match.group(0) for match in _BLOCK.finditer(page)
             if match.group("heading").startswith(heading_start)]
    assert len(found) == 1, (heading_start, len(found))
    return found[0]


def retitled(page: str, old: int, new: int) -> str:
    """The site renames the page: <title>, og:title, the menu entry and the h1."""
    assert page.count(f"{old} spearhead clusters") == 4
    return page.replace(f"{old} spearhead clusters", f"{new} spearhead clusters")


ORIGINAL = snapshot_page()
TAGLINE_EDITED = ORIGINAL.replace("<h3>Flux50: powering smart energy</h3>",
                                  "<h3>Flux50: powering smarter energy</h3>")
SIM = block(TAGLINE_EDITED, "SIM:")
SIM_REMOVED = retitled(TAGLINE_EDITED.replace(SIM, ""), 7, 6)
VIL = block(SIM_REMOVED, "VIL:")
NEWCOMER_ADDED = retitled(SIM_REMOVED, 6, 7).replace(VIL, VIL + NEWCOMER)
EIGHT_SHOWN = NEWCOMER_ADDED.replace(VIL, SIM + VIL)


# ---------------------------------------------------------------- two output trees


def workdir_at(root: Path) -> Path:
    """The shipped catalogs (translators' work) and no output yet: the first run."""
    shutil.copytree(ROOT / "locales", root / "locales", ignore=shutil.ignore_patterns("*.mo"))
    return root


def run(workdir: Path, url: str, epoch: int, *extra: str):
    return run_cli("run", "--url", url, "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"), *FAST, *extra,
                   cwd=workdir, env={"SOURCE_DATE_EPOCH": str(epoch)})


def published(workdir: Path) -> dict[str, bytes]:
    """Every published file by its path inside the work directory (no report, cache or lock)."""
    files = {}
    for directory in ("locales", "output"):
        for path in sorted((workdir / directory).rglob("*")):
            name = path.relative_to(workdir).as_posix()
            if path.is_file() and not name.startswith("output/.cache/") \
                    and path.name not in ("report.json", ".lock"):
                files[name] = path.read_bytes()
    return files


def report(workdir: Path) -> dict:
    data = json.loads((workdir / "output" / "report.json").read_bytes())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data.pop("started"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data.pop("finished"))
    return data


def last_changed(workdir: Path) -> dict[str, str]:
    stamps = {}
    index = {entry["locale"]: entry for entry in
             json.loads((workdir / "output" / "index.json").read_bytes())["locales"]}
    for language in LOCALES:
        export = json.loads((workdir / "output" / language / "clusters.json").read_bytes())
        assert index[language]["last_changed"] == export["last_changed"]
        stamps[language] = export["last_changed"]
    return stamps


def stamp(epoch: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:00Z")


def catalogs(new=(0, 0, 0), fuzzy=(0, 0, 0), untranslated=(27, 0, 0), obsolete=(0, 0, 0),
             completeness=(1.0, 1.0, 1.0)) -> dict:
    """report.json's per-locale figures, given as (en, nl, fr) tuples."""
    return {language: {"new": new[i], "suggested": 0, "fuzzy": fuzzy[i],
                       # English is the source: its messages count as such, not untranslated
                       "untranslated": 0 if language == "en" else untranslated[i],
                       "source": untranslated[i] if language == "en" else 0,
                       "obsolete": obsolete[i], "completeness": completeness[i]}
            for i, language in enumerate(LOCALES)}


def succeeded(result, workdir: Path, url: str, *, result_is: str, records: dict,
              catalog_figures: dict, changed_exports: list[str], clusters: int,
              quiet: bool) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    if quiet:
        assert result.stdout == ""
    assert report(workdir) == {
        "result": result_is, "reason": None, "source": url, "stale_lock_taken_over": None,
        "crawl": {"pages": 4, "requests": 4, "cache_hits": 0, "retries": 0,
                  "statuses": {"200": 4}, "revalidated_from_cache": 0, "offsite_refused": 0,
                  # title, intro, 2 per cluster, 2 per article; breadcrumb and menu are chrome
                  "text_blocks": {"placed": 6 + 2 * clusters, "chrome": 2, "unplaced": 0}},
        "records": records, "changes": report(workdir)["changes"], "renamed": [],
        "sites": {"clusters": {"result": "read", "reason": None, "url": url, "pages": 4,
                               "requests": 4, "records": 3 + clusters}},
        "catalogs": catalog_figures,
        "exports": {"changed": [str(workdir / "output" / name) for name in changed_exports],
                    "held_back": []},
        "losses": [], "stale": [],
    }
    changed = {change["key"] for change in report(workdir)["changes"]}
    assert changed == set(records["changed"])  # every changed record, field by field


def failed(result, workdir: Path, url: str, line: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr == f"speerpunt: {line}\n"
    assert report(workdir) == {
        "result": "failed", "reason": line, "source": url, "stale_lock_taken_over": None,
        "crawl": report(workdir)["crawl"], "records": None, "changes": [], "renamed": [],
        "sites": {}, "catalogs": None, "exports": None, "losses": [], "stale": []}


def summary(workdir: Path, clusters: int, changes: str, translators: list[str],
            files: list[str]) -> str:
    """The stdout the operator reads; files are named relative to the work directory."""
    names = ", ".join(str(workdir / name) for name in files[:4]) + (" …" if len(files) > 4 else "")
    published = (f"published: {len(files)} file{'s' if len(files) != 1 else ''} changed: {names}"
                 if files else "published: nothing changed (unchanged)")
    return "\n".join([f"crawled {CANONICAL}: {clusters} clusters, 2 articles",
                      f"changes: {changes}", *translators, published]) + "\n"


def set_nl_translation(workdir: Path, context: str, text: str) -> None:
    from pipeline.i18n import po
    from pipeline.i18n.catalogs import po_path

    path = po_path(workdir / "locales", "nl")
    catalog = po.read(path)
    [entry] = [entry for entry in catalog.entries if entry.msgctxt == context]
    entry.msgstr = text
    path.write_bytes(po.dump(catalog))


# ---------------------------------------------------------------- the sequence


def test_operator_contract_over_a_site_history(site, tmp_path):
    url = serve_snapshot(site)
    loud, quiet = workdir_at(tmp_path / "loud"), workdir_at(tmp_path / "quiet")
    previous = None
    all_records = ["page/cluster-policy", *(f"cluster/{c}" for c in CLUSTERS),
                   *(f"article/{a}" for a in ARTICLES)]
    full = ["en/clusters.json", "fr/clusters.json", "index.json", "nl/clusters.json"]
    mo = [f"locales/{language}/LC_MESSAGES/clusters.mo" for language in LOCALES]
    po = [f"locales/{language}/LC_MESSAGES/clusters.po" for language in LOCALES]
    exports = [f"output/{language}/clusters.json" for language in LOCALES]
    previews = [f"output/preview/{name}.html" for name in ("index", *LOCALES)]

    def step(page: str, epoch: int, moved: set[str], expect_stdout: str | None, **expected):
        """Run both trees on page; check the run, and that exactly `moved` exports re-stamped."""
        nonlocal previous
        site.route(PAGE_PATH, page)
        for workdir, is_quiet in ((loud, False), (quiet, True)):
            result = run(workdir, url, epoch, *(["--quiet"] if is_quiet else []))
            if "line" in expected:
                failed(result, workdir, url, expected["line"])
            else:
                succeeded(result, workdir, url, quiet=is_quiet, **expected)
                if not is_quiet:
                    assert result.stdout == expect_stdout
        assert published(quiet) == published(loud)  # --quiet changes what is printed, only
        now = last_changed(loud)
        for language in LOCALES:
            if language in moved:
                assert now[language] == stamp(epoch), (language, now, previous)
            else:
                assert now[language] == previous[language], (language, now, previous)
        previous = now

    # 1. First run: every record added, the shipped translations compiled and exported.
    step(ORIGINAL, 1_790_000_000, {"en", "nl", "fr"},
         summary(loud, 7, "first run", ["nl: 100% translated", "fr: 100% translated"],
                 ["output/records.jsonl", *mo, "output/clusters.schema.json", *exports,
                  *previews, "output/index.json"]),
         clusters=7, result_is="published",
         records={"added": all_records, "changed": [], "removed": []},
         catalog_figures=catalogs(),
         changed_exports=["clusters.schema.json", *full])

    # 2. Nothing changed on the site: nothing rewritten, no stamp moves.
    step(ORIGINAL, 1_790_003_600, set(),
         summary(loud, 7, "none since the last run",
                 ["nl: 100% translated", "fr: 100% translated"], []),
         clusters=7, result_is="unchanged", records={"added": [], "changed": [], "removed": []},
         catalog_figures=catalogs(), changed_exports=[])

    # 3. A translator improves one Dutch tagline: only the Dutch export moves.
    for workdir in (loud, quiet):
        set_nl_translation(workdir, "cluster/medvia/tagline", "waar zorginnovatie beter wordt")
    step(ORIGINAL, 1_790_007_200, {"nl"},
         summary(loud, 7, "none since the last run",
                 ["nl: 100% translated", "fr: 100% translated"],
                 [mo[1], exports[1], previews[2], "output/index.json"]),
         clusters=7, result_is="published", records={"added": [], "changed": [], "removed": []},
         catalog_figures=catalogs(), changed_exports=["index.json", "nl/clusters.json"])

    # 4. One tagline edited on the site: fuzzy in nl and fr, English shown there meanwhile.
    fuzzy_flux = ("1 need a translator (1 fuzzy, 0 untranslated); new or changed since the "
                  "last run: cluster/flux50/tagline")
    step(TAGLINE_EDITED, 1_790_010_800, {"en", "nl", "fr"},
         summary(loud, 7, "changed cluster/flux50",
                 [f"nl: 96% translated; {fuzzy_flux}", f"fr: 96% translated; {fuzzy_flux}"],
                 ["output/records.jsonl", "locales/clusters.pot", po[0], mo[0], po[1], mo[1],
                  po[2], mo[2], *exports, *previews, "output/index.json"]),
         clusters=7, result_is="published",
         records={"added": [], "changed": ["cluster/flux50"], "removed": []},
         catalog_figures=catalogs(fuzzy=(0, 1, 1), completeness=(1.0, 0.963, 0.963)),
         changed_exports=full)
    assert report(loud)["changes"] == [{"key": "cluster/flux50", "field": "tagline",
                                        "old": "powering smart energy",
                                        "new": "powering smarter energy"}]

    # 5. SIM leaves and the title says 6: SIM removed (VIL moves up to position 6),
    # its translations kept as obsolete entries.
    # Flux50's tagline is still fuzzy from step 4: counted, but not new since the last run
    fuzzy_title = ("2 need a translator (2 fuzzy, 0 untranslated); new or changed since the "
                   "last run: page/cluster-policy/title")
    step(SIM_REMOVED, 1_790_014_400, {"en", "nl", "fr"},
         summary(loud, 6, "changed page/cluster-policy, cluster/vil; removed cluster/sim",
                 [f"nl: 92% translated; {fuzzy_title}", f"fr: 92% translated; {fuzzy_title}"],
                 ["output/records.jsonl", "locales/clusters.pot", po[0], mo[0], po[1], mo[1],
                  po[2], mo[2], *exports, *previews, "output/index.json"]),
         clusters=6, result_is="published",
         records={"added": [], "changed": ["page/cluster-policy", "cluster/vil"],
                  "removed": ["cluster/sim"]},
         catalog_figures=catalogs(fuzzy=(0, 2, 2), untranslated=(24, 0, 0), obsolete=(0, 3, 3),
                                  completeness=(1.0, 0.9167, 0.9167)),
         changed_exports=full)

    # 6. A new cluster arrives and the title says 7 again: its three messages wait for
    # translators, the Dutch and French titles are current again.
    new = ["cluster/nanoforce/name", "cluster/nanoforce/tagline", "cluster/nanoforce/description"]
    waiting = ("4 need a translator (1 fuzzy, 3 untranslated); new or changed since the last "
               f"run: {', '.join(new)}")  # the fuzzy one: Flux50's tagline, since step 4
    step(NEWCOMER_ADDED, 1_790_018_000, {"en", "nl", "fr"},
         summary(loud, 7, "added cluster/nanoforce; changed page/cluster-policy",
                 [f"nl: 85% translated; {waiting}", f"fr: 85% translated; {waiting}"],
                 ["output/records.jsonl", "locales/clusters.pot", po[0], mo[0], po[1], mo[1],
                  po[2], mo[2], *exports, *previews, "output/index.json"]),
         clusters=7, result_is="published",
         records={"added": ["cluster/nanoforce"], "changed": ["page/cluster-policy"],
                  "removed": []},
         catalog_figures=catalogs(new=(3, 3, 3), fuzzy=(0, 1, 1), untranslated=(27, 3, 3),
                                  obsolete=(0, 3, 3), completeness=(1.0, 0.8519, 0.8519)),
         changed_exports=full)

    # 7. The page shows 8 clusters under a title announcing 7: refused, nothing touched.
    before = published(loud)
    step(EIGHT_SHOWN, 1_790_021_600, set(), None,
         line=f"crawl failed: 8 clusters found but the title '7 spearhead clusters' "
              f"announces 7 on {url}")  # the URL crawled, not the canonical one
    assert published(loud) == before

    # 8. The site answers 404: refused, nothing touched.
    site.route(PAGE_PATH, "<h1>404</h1>", status=404)
    for workdir in (loud, quiet):
        result = run(workdir, url, 1_790_025_200, *(["--quiet"] if workdir is quiet else []))
        failed(result, workdir, url, f"crawl failed: HTTP 404 from {url}")
        assert report(workdir)["crawl"]["statuses"] == {"200": 1, "404": 1}  # robots.txt, page
    assert published(loud) == before == published(quiet)
    assert last_changed(loud) == previous


def test_page_announcing_7_with_8_clusters_publishes_nothing(site, workdir):
    """More clusters than the title announces is as suspicious as fewer."""
    url = serve_snapshot(site, ORIGINAL.replace(block(ORIGINAL, "VIL:"),
                                                block(ORIGINAL, "VIL:") + NEWCOMER))
    before = published(workdir)
    result = run(workdir, url, 1_790_000_000)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"speerpunt: crawl failed: 8 clusters found but the title "
                             f"'7 spearhead clusters' announces 7 on {url}\n")
    assert published(workdir) == before
