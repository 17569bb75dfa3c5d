"""The translator preview's HTML: states from the catalogs, escaped text, standalone pages.

What a browser makes of these pages is tested in tests/outputs/test_preview_browser.py.
"""

import re
from pathlib import Path

import lxml.html
import pytest

from pipeline.outputs.preview import word_diff
from tests.support import ROOT, run_cli, serve_snapshot, snapshot_page

INJECTION = "<img src=x onerror=alert(1)>"


def set_msgstr(po: Path, context: str, msgstr: str) -> None:
    """Replace the translation of context in po (a one-line msgstr, as speerpunt writes)."""
    text = po.read_text(encoding="utf-8")
    pattern = re.compile(rf'(msgctxt "{re.escape(context)}"\nmsgid "[^\n]*"\nmsgstr )"[^\n]*"')
    assert pattern.search(text), context
    escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"')
    po.write_text(pattern.sub(lambda m: f'{m.group(1)}"{escaped}"', text), encoding="utf-8")


def nl_po(workdir: Path) -> Path:
    return workdir / "locales" / "nl" / "LC_MESSAGES" / "clusters.po"


def preview(workdir: Path):
    return run_cli("preview", "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"), cwd=workdir)


def page(workdir: Path, language: str):
    return lxml.html.fromstring((workdir / "output" / "preview" / f"{language}.html").read_bytes())


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("powering smart energy", "powering smarter energy") == \
        "powering <del>smart</del><ins>smarter</ins> energy"
    assert word_diff("the blue sea economy", "the blue economy") == \
        "the blue <del>sea </del>economy"
    assert word_diff("R&D <b>", "R&D <b> now") == "R&amp;D &lt;b&gt;<ins> now</ins>"


def test_shipped_preview_is_what_the_shipped_catalogs_give(workdir):
    """output/preview/ is committed; `speerpunt preview` on the same inputs rewrites nothing."""
    result = preview(workdir)
    assert result.returncode == 0, result.stderr
    assert "(0 files changed)" in result.stdout
    for name in ("index.html", "en.html", "nl.html", "fr.html"):
        assert (workdir / "output" / "preview" / name).read_bytes() == \
            (ROOT / "output" / "preview" / name).read_bytes()


def test_language_names_come_from_cldr_when_there_are_no_exports(workdir):
    for language in ("en", "nl", "fr"):
        (workdir / "output" / language / "clusters.json").unlink()
    assert preview(workdir).returncode == 0
    assert page(workdir, "en").xpath('//*[@class="locales"]//*[@lang]/text()') == \
        ["English", "Nederlands", "français"]
    assert (workdir / "output" / "preview" / "nl.html").read_bytes() == \
        (ROOT / "output" / "preview" / "nl.html").read_bytes()


def test_every_string_is_marked_with_its_context_and_state(workdir):
    set_msgstr(nl_po(workdir), "cluster/catalisti/tagline", "")
    assert preview(workdir).returncode == 0
    records = (workdir / "output" / "records.jsonl").read_text(encoding="utf-8")
    contexts = re.findall(r'msgctxt "([^"]+)"', nl_po(workdir).read_text(encoding="utf-8"))
    overview = '[not(starts-with(@data-msgctxt, "organisation/"))]'  # the overview's domain
    for language, states in (("en", {"source"}), ("nl", {"translated", "untranslated"})):
        marked = page(workdir, language).xpath(f"//*[@data-state]{overview}")
        assert [element.get("data-msgctxt") for element in marked] == contexts
        assert {element.get("data-state") for element in marked} == states
    untranslated = page(workdir, "nl").xpath(f'//*[@data-state="untranslated"]{overview}')
    assert [element.get("data-msgctxt") for element in untranslated] == \
        ["cluster/catalisti/tagline"]
    assert untranslated[0].xpath('string(*[@class="text"])') == \
        "developing the formula for sustainable chemistry"
    assert '"developing the formula for sustainable chemistry"' in records
    assert page(workdir, "nl").xpath('//a[@class="todo-link"]/@href') == \
        ["#cluster/catalisti/tagline"]


def test_fuzzy_flags_set_by_hand_count_as_catalogs_stats_counts_them(workdir):
    """A translator's own fuzzy flag (no `#|` previous text) is fuzzy; a fuzzy flag on an
    empty translation is untranslated, as in `speerpunt catalogs stats`."""
    po = nl_po(workdir)
    text = po.read_text(encoding="utf-8")
    for context in ("cluster/sim/tagline", "cluster/vil/tagline"):
        text = text.replace(f'msgctxt "{context}"', f'#, fuzzy\nmsgctxt "{context}"')
    po.write_text(text, encoding="utf-8")
    set_msgstr(po, "cluster/vil/tagline", "")
    assert preview(workdir).returncode == 0
    stats = run_cli("catalogs", "stats", "--locales", str(workdir / "locales"), cwd=workdir)
    lines = stats.stdout.splitlines()
    assert lines[2].split()[:6] == ["clusters", "nl", "25", "0", "1", "1"], stats.stdout
    root = page(workdir, "nl")
    overview = '[not(starts-with(@data-msgctxt, "organisation/"))]'
    assert root.xpath('//*[@data-state="fuzzy"]/@data-msgctxt') == ["cluster/sim/tagline"]
    assert root.xpath(f'//*[@data-state="untranslated"]{overview}/@data-msgctxt') == \
        ["cluster/vil/tagline"]
    assert "not recorded" in root.xpath('string(//*[@data-state="fuzzy"]//*[@class="diff"])')
    total = next(line.split() for line in lines if line.startswith("all ") and " nl " in line)
    assert root.xpath('//*[@class="bar"]//*[@data-count]/b/text()') == total[2:7]


def test_translations_are_escaped_and_pages_load_nothing(workdir):
    set_msgstr(nl_po(workdir), "cluster/medvia/description", INJECTION + ' "&amp;" </span>')
    assert preview(workdir).returncode == 0
    html = (workdir / "output" / "preview" / "nl.html").read_text(encoding="utf-8")
    assert INJECTION not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    root = page(workdir, "nl")
    assert root.xpath("//img") == [] and root.xpath("//script") == []
    message = '//*[@data-msgctxt="cluster/medvia/description"]'
    shown = root.xpath(f'string({message}/*[@class="text"])')  # as the export: not published
    assert shown.startswith("To put Flanders’ healthtech ecosystem on the map")
    assert root.xpath(f"string({message}/@data-state)") == "untranslated"
    assert root.xpath(f'string({message}//*[@class="change"])') == \
        "Not published, it holds markup:" + INJECTION + ' "&amp;" </span>'
    for language in ("index", "en", "nl", "fr"):
        root = page(workdir, language)
        assert root.xpath("//script | //link | //iframe | //object | //@src | //@srcset") == []
        assert all(not re.match(r"[a-z]+:", href) for href in root.xpath("//@href"))
        assert root.get("lang") == ("en" if language == "index" else language)
        levels = [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.faults
def test_catalog_out_of_step_with_records_is_one_line_and_writes_nothing(workdir):
    po = nl_po(workdir)
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgid "powering smart energy"', 'msgid "powering smarter energy"'), encoding="utf-8")
    before = (workdir / "output" / "preview" / "nl.html").read_bytes()
    result = preview(workdir)
    assert result.returncode == 1
    assert result.stderr == (f"speerpunt: {po}: cluster/flux50/tagline is not in step with the "
                             "records; run `speerpunt catalogs update` first\n")
    assert (workdir / "output" / "preview" / "nl.html").read_bytes() == before


@pytest.mark.slow
def test_run_previews_the_catalogs_it_merged(site, workdir):
    """`speerpunt run` stages the preview from the catalogs as it merged them (on disk they
    are still out of step with the new records), so a changed sentence shows as fuzzy."""
    url = serve_snapshot(site, snapshot_page().replace(
        "Flux50: powering smart energy", "Flux50: powering smarter energy"))
    result = run_cli("run", "--url", url, "--output", str(workdir / "output"),
                     "--locales", str(workdir / "locales"), "-s", "DOWNLOAD_DELAY=0",
                     "-s", "AUTOTHROTTLE_ENABLED=False", cwd=workdir)
    assert result.returncode == 0, result.stderr
    fuzzy = page(workdir, "nl").xpath('//*[@data-state="fuzzy"]')
    assert [element.get("data-msgctxt") for element in fuzzy] == ["cluster/flux50/tagline"]
    assert lxml.html.tostring(fuzzy[0].xpath('.//*[@class="diff"]')[0], encoding="unicode") == \
        '<span class="diff">powering <del>smart</del><ins>smarter</ins> energy</span>'
    assert fuzzy[0].xpath('string(*[@class="text"])') == \
        "de drijvende kracht achter slimme energie"  # the stale translation
    again = preview(workdir)  # the same catalogs, read from disk now: the same pages
    assert again.returncode == 0 and "(0 files changed)" in again.stdout, again.stdout
