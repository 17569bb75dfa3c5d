"""A translator's edit in a real Weblate comes back, and neither tool rewrites the other's files.

Run with `make test-weblate` (not part of `make test`): Weblate reads the catalogs
from a file:// repository, takes an nl and an fr edit through its REST API and
pushes them; speerpunt publishes them without touching a catalog byte; a changed
English tagline comes back to Weblate as "needs editing" with the previous source.
The memory's suggestions (Flanders' FOOD's own Dutch of its history) arrive as "needs
editing" with their comment shown; one accepted through the API is published by the
next run, still without a catalog byte changed; the glossary reads as a Weblate
glossary whose brand names are read-only.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.i18n import glossary, po
from tests.support import ROOT, run_cli, serve_snapshot, snapshot_page

PROJECT, COMPONENT = "speerpunt", "clusters"
CATALOGS = "locales/*/LC_MESSAGES/clusters.po"
NL_EDIT = ("cluster/blue-cluster/tagline", "het tij doen keren voor de blauwe economie")
FR_EDIT = ("cluster/medvia/tagline", "là où l’innovation en santé va mieux")
# Lines Weblate must keep as they are: contexts, comments, flags, previous and obsolete text.
KEPT = ("msgctxt", "#.", "#,", "#|", "#~")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True, timeout=60).stdout


@pytest.fixture
def upstream(tmp_path):
    """The project's catalogs and exports in a repository Weblate can push to.

    The nl catalog also holds what a translated project accumulates: a fuzzy entry
    with its previous text and an obsolete entry, so Weblate must keep those too.
    """
    repo = tmp_path / "upstream"
    shutil.copytree(ROOT / "locales", repo / "locales", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(ROOT / "output", repo / "output",
                    ignore=shutil.ignore_patterns("report.json", ".lock", ".cache"))
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    nl = repo / "locales/nl/LC_MESSAGES/clusters.po"
    catalog = po.read(nl)
    vil = next(e for e in catalog.entries if e.msgctxt == "cluster/vil/tagline")
    vil.set_fuzzy(True)
    vil.previous_msgid = "an older tagline"
    catalog.entries.append(po.Entry(msgid="a tagline that left the page", msgstr="een slogan "
                                    "die van de pagina verdween", msgctxt="cluster/gone/tagline",
                                    obsolete=True))
    nl.write_bytes(po.dump(catalog))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "receive.denyCurrentBranch", "updateInstead")
    git(repo, "config", "user.name", "speerpunt test")
    git(repo, "config", "user.email", "test@speerpunt.invalid")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "catalogs as speerpunt wrote them")
    return repo


def units(weblate, language: str) -> dict[str, dict]:
    """Every unit of one translation, by msgctxt."""
    found, page = {}, f"translations/{PROJECT}/{COMPONENT}/{language}/units/"
    while page:
        answer = weblate.api("GET", page)
        found.update({unit["context"]: unit for unit in answer["results"]})
        page = answer["next"] and answer["next"].split("/api/", 1)[1]
    return found


def translate(weblate, language: str, context: str, text: str) -> None:
    unit = units(weblate, language)[context]
    weblate.api("PATCH", f"units/{unit['id']}/", {"target": [text], "state": 20})


def repository(weblate, operation: str) -> None:
    answer = weblate.api("POST", f"components/{PROJECT}/{COMPONENT}/repository/",
                         {"operation": operation})
    assert answer["result"], f"Weblate refused to {operation}: {answer}"


def kept_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(KEPT)]


def speerpunt_run(repo: Path, *source: str) -> None:
    result = run_cli("run", *source, "--output", str(repo / "output"),
                     "--locales", str(repo / "locales"), timeout=300)
    assert result.returncode == 0, result.stderr


def export(repo: Path, language: str, context: str) -> str:
    kind, ident, name = context.split("/")
    data = json.loads((repo / "output" / language / "clusters.json").read_text())
    return next(item for item in data[f"{kind}s"] if item["id"] == ident)[name]


def test_translator_edit_round_trips_without_churn(weblate, upstream, site):
    weblate.api("POST", "projects/", {"name": "speerpunt", "slug": PROJECT,
                                      "web": "https://example.com/"})
    weblate.api("POST", f"projects/{PROJECT}/components/", {
        "name": "clusters", "slug": COMPONENT, "vcs": "git", "repo": f"file://{upstream}",
        "push": f"file://{upstream}", "branch": "main", "push_branch": "main",
        "file_format": "po", "filemask": CATALOGS, "new_base": "locales/clusters.pot",
        "file_format_params": {"po_line_wrap": 65535}}, timeout=600)
    before = {path: kept_lines(path) for path in upstream.glob(CATALOGS)}
    start = git(upstream, "rev-parse", "HEAD").strip()

    translate(weblate, "nl", *NL_EDIT)
    translate(weblate, "fr", *FR_EDIT)
    repository(weblate, "commit")
    repository(weblate, "push")

    assert git(upstream, "rev-parse", "HEAD").strip() != start, "Weblate pushed nothing"
    print(f"\n--- the diff Weblate made ---\n{git(upstream, 'diff', start, 'HEAD')}")
    changed = git(upstream, "diff", "--name-only", start, "HEAD").split()
    assert sorted(changed) == ["locales/fr/LC_MESSAGES/clusters.po",
                               "locales/nl/LC_MESSAGES/clusters.po"]
    for path, lines in before.items():
        assert kept_lines(path) == lines, f"Weblate changed kept lines of {path}"
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True, timeout=60)
    nl = po.read(upstream / "locales/nl/LC_MESSAGES/clusters.po")
    assert {e.msgctxt: e.msgstr for e in nl.entries}[NL_EDIT[0]] == NL_EDIT[1]

    speerpunt_run(upstream, "--snapshot")
    assert export(upstream, "nl", NL_EDIT[0]) == NL_EDIT[1]
    assert export(upstream, "fr", FR_EDIT[0]) == FR_EDIT[1]
    churn = git(upstream, "diff", "--", "locales")
    print(f"--- the diff speerpunt made after it (catalogs) ---\n{churn}--- end ---")
    assert churn == "", "speerpunt rewrote a catalog Weblate wrote"
    git(upstream, "commit", "-q", "-am", "exports with the translators' edits")

    old, new = "powering smart energy", "powering smart and clean energy"
    page = snapshot_page()
    assert f"Flux50: {old}" in page
    url = serve_snapshot(site, page.replace(f"Flux50: {old}", f"Flux50: {new}"))
    speerpunt_run(upstream, "--url", url)
    git(upstream, "commit", "-q", "-am", "a changed English tagline")
    repository(weblate, "pull")
    for language in ("nl", "fr"):
        unit = units(weblate, language)["cluster/flux50/tagline"]
        assert unit["source"] == [new]
        assert unit["state"] == 10, f"{language}: state {unit['state']}, not needing edit"
        assert unit["previous_source"] == old


def all_units(weblate, project: str, component: str, language: str) -> list[dict]:
    found, page = [], f"translations/{project}/{component}/{language}/units/"
    while page:
        answer = weblate.api("GET", page)
        found += answer["results"]
        page = answer["next"] and answer["next"].split("/api/", 1)[1]
    return found


def units_of(weblate, project: str, component: str, language: str) -> dict[str, dict]:
    return {unit["context"]: unit for unit in all_units(weblate, project, component, language)}


def test_a_suggestion_accepted_in_weblate_is_published_without_churn(weblate, upstream):
    project, component = "speerpunt-memory", "flanders-food"
    weblate.api("POST", "projects/", {"name": "speerpunt memory", "slug": project,
                                      "web": "https://example.com/"})
    weblate.api("POST", f"projects/{project}/components/", {
        "name": "Flanders' FOOD", "slug": component, "vcs": "git",
        "repo": f"file://{upstream}", "push": f"file://{upstream}", "branch": "main",
        "push_branch": "main", "file_format": "po",
        "filemask": "locales/*/LC_MESSAGES/flanders-food.po",
        "new_base": "locales/flanders-food.pot",
        "file_format_params": {"po_line_wrap": 65535}}, timeout=600)
    weblate.api("POST", f"projects/{project}/components/", {
        "name": "Glossary", "slug": "names", "vcs": "git", "repo": "weblate://"
        f"{project}/{component}", "file_format": "tbx", "filemask": "locales/*/glossary.tbx",
        "is_glossary": True, "source_language": {"code": "en"}}, timeout=600)
    start = git(upstream, "rev-parse", "HEAD").strip()
    site = "https://www.flandersfood.com/nl/over-ons/geschiedenis"
    found = units_of(weblate, project, component, "nl")
    contexts = [f"organisation/flanders-food/about/{n}" for n in (1, 2, 3)]
    for context in contexts:
        unit = found[context]
        assert unit["state"] == 10, f"{context}: state {unit['state']}, not needing edit"
        assert (f"speerpunt memory: 100 % match, the site's own version of this text: {site} "
                "(seen 2026-12-06)") in unit["note"], unit["note"]
    accepted = found[contexts[1]]
    weblate.api("PATCH", f"units/{accepted['id']}/", {"target": accepted["target"],
                                                      "state": 20})
    names = all_units(weblate, project, "names", "nl")
    assert sorted(unit["source"][0] for unit in names) == sorted(glossary.brands())
    assert all(unit["state"] == 100 for unit in names), names  # 100: read-only in Weblate
    answer = weblate.api("POST", f"components/{project}/{component}/repository/",
                         {"operation": "commit"})
    assert answer["result"], answer
    answer = weblate.api("POST", f"components/{project}/{component}/repository/",
                         {"operation": "push"})
    assert answer["result"], answer
    print(f"\n--- the diff Weblate made ---\n{git(upstream, 'diff', start, 'HEAD')}")
    assert git(upstream, "diff", "--name-only", start, "HEAD").split() == [
        "locales/nl/LC_MESSAGES/flanders-food.po"]
    entry = next(e for e in po.read(upstream / "locales/nl/LC_MESSAGES/flanders-food.po")
                 .entries if e.msgctxt == contexts[1])
    assert not entry.fuzzy and entry.msgstr == accepted["target"][0]

    speerpunt_run(upstream, "--snapshot")
    data = json.loads((upstream / "output/nl/clusters.json").read_text())
    about = next(c for c in data["clusters"] if c["id"] == "flanders-food")[
        "organisation"]["about"]
    assert about[1] == accepted["target"][0]  # published, the two others still English
    assert about[0].startswith("Flanders’ FOOD was established in 2005")
    churn = git(upstream, "diff", "--", "locales")
    print(f"--- the diff speerpunt made after it (catalogs) ---\n{churn}--- end ---")
    assert churn == "", "speerpunt rewrote a catalog Weblate wrote"
