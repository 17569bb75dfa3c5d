"""Identity that survives rewording (trust issue row 12, architecture issue): a teaser
retitled at the same URL and a heading re-spelled `Flux50:` -> `Flux 50:` publish under
the same ids, every field whose text did not change still translated in nl and fr, and
the report names the rename. Real crawls of a local server, the CLI as a process."""

import json

import pytest

from tests.faults.test_run_faults import published, report, run
from tests.support import serve_snapshot, snapshot_page

pytestmark = [pytest.mark.slow, pytest.mark.faults]

TEASER = "<span>Why sharing =&nbsp;smart innovation in Flanders&nbsp;</span>"
RETITLED = "<span>Why sharing makes innovation smart in Flanders</span>"


def exports(workdir) -> dict[str, dict]:
    return {language: json.loads((workdir / "output" / language / "clusters.json").read_bytes())
            for language in ("en", "nl", "fr")}


def test_reworded_records_keep_their_ids_and_translations(site, workdir):
    before = exports(workdir)
    page = snapshot_page()
    assert page.count(TEASER) == 1 and page.count("<h3>Flux50: powering") == 1
    page = page.replace(TEASER, RETITLED).replace("<h3>Flux50: powering", "<h3>Flux 50: powering")
    result = run(workdir, serve_snapshot(site, page))
    assert result.returncode == 0, result.stderr
    assert "renamed: cluster/flux50 name 'Flux50' -> 'Flux 50' (id kept)" in result.stdout
    assert ("renamed: article/why-sharing-smart-innovation-in-flanders title 'Why sharing = "
            "smart innovation in Flanders' -> 'Why sharing makes innovation smart in "
            "Flanders' (id kept)") in result.stdout
    after = exports(workdir)
    for language in ("en", "nl", "fr"):
        ids = [[obj["id"] for obj in export[kind]] for export in (before[language],
                                                                  after[language])
               for kind in ("clusters", "articles")]
        assert ids[:2] == ids[2:], language  # the same ids, in the same order
        flux = next(c for c in after[language]["clusters"] if c["id"] == "flux50")
        assert flux["url"].endswith("#flux50")
        article = after[language]["articles"][0]
        if language == "en":
            assert (flux["name"], flux["fallback"]) == ("Flux 50", [])
            continue
        # only the reworded fields wait for a translator; the rest stays translated
        assert flux["fallback"] == ["name"]
        was = next(c for c in before[language]["clusters"] if c["id"] == "flux50")
        assert (flux["tagline"], flux["description"]) == (was["tagline"], was["description"])
        assert article["fallback"] == ["title"]
        assert article["summary"] == before[language]["articles"][0]["summary"]
    data = report(workdir)
    assert data["records"] == {"added": [], "removed": [],
                               "changed": ["cluster/flux50",
                                           "article/why-sharing-smart-innovation-in-flanders"]}
    assert [(r["key"], r["crawled_as"]) for r in data["renamed"]] == [
        ("cluster/flux50", "cluster/flux-50"),
        ("article/why-sharing-smart-innovation-in-flanders",
         "article/why-sharing-makes-innovation-smart-in-flanders")]
    assert data["losses"] == []
    assert any(path.endswith("records.jsonl") for path in published(workdir))
