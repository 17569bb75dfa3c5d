"""The translator preview in a real browser: Debian's headless Chromium driven by Playwright.

Chromium is the system one (`apt-get install chromium`; `.ci/run` installs it), never
a browser Playwright downloads. Without it these tests skip locally, and fail in CI.
"""

from pathlib import Path

import pytest

from tests.outputs.test_preview import INJECTION, nl_po, preview, set_msgstr
from tests.support import requires, run_cli

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCALES = ("en", "nl", "fr")
FUZZY = "cluster/flux50/tagline"
UNTRANSLATED = "cluster/catalisti/tagline"


@pytest.fixture(scope="module")
def browser():
    requires.chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened in its own browser context, with every dialog, console error,
    page error and request it caused."""

    def __init__(self, browser, url: str, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": 1000, "height": 900},
                                           java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.dialogs, self.errors, self.requests = [], [], []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message),
                                               dialog.dismiss()))
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url, wait_until="load")

    def states(self) -> dict[str, int]:
        """How many elements carry each data-state."""
        counts = {}
        for state in self.page.locator("[data-state]").evaluate_all(
                "elements => elements.map(element => element.dataset.state)"):
            counts[state] = counts.get(state, 0) + 1
        return counts

    def close(self):
        self.context.close()


def catalog_stats(workdir: Path) -> dict[str, dict[str, int]]:
    """`speerpunt catalogs stats`, parsed: per locale its translated, suggested, fuzzy,
    untranslated and source messages, the states the preview shows."""
    result = run_cli("catalogs", "stats", "--locales", str(workdir / "locales"), cwd=workdir)
    assert result.returncode == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines()[1:]:
        domain, locale, translated, suggested, fuzzy, untranslated, source = line.split()[:7]
        if domain == "all":  # every domain's catalog of the locale, as the preview counts
            rows[locale] = {"translated": int(translated), "suggested": int(suggested),
                            "fuzzy": int(fuzzy), "untranslated": int(untranslated),
                            "source": int(source)}
    return rows


@pytest.fixture
def worked(workdir):
    """The shipped project after the site changed one sentence (`catalogs update` made its
    translations fuzzy) and with one nl string not translated yet."""
    records = workdir / "output" / "records.jsonl"
    records.write_text(records.read_text(encoding="utf-8").replace(
        '"powering smart energy"', '"powering smarter energy"'), encoding="utf-8")
    update = run_cli("catalogs", "update", "--locales", str(workdir / "locales"),
                     "--output", str(workdir / "output"), cwd=workdir)
    assert update.returncode == 0, update.stderr
    set_msgstr(nl_po(workdir), UNTRANSLATED, "")
    assert preview(workdir).returncode == 0
    return workdir


def url(workdir: Path, name: str) -> str:
    return (workdir / "output" / "preview" / f"{name}.html").as_uri()


def test_state_counts_equal_catalog_stats_with_javascript_off(browser, worked):
    stats = catalog_stats(worked)
    assert (stats["nl"]["translated"], stats["nl"]["fuzzy"]) == (25, 1)  # the overview's
    assert stats["nl"]["suggested"] == 3  # Flanders' FOOD's own Dutch of its history
    assert (stats["en"]["translated"], stats["en"]["fuzzy"]) == (0, 0)
    for language in LOCALES:
        visit = Visit(browser, url(worked, language), javascript=False)
        shown = visit.states()
        assert shown == {state: n for state, n in stats[language].items() if n}
        bar = {pill.get_attribute("data-count"): int(pill.locator("b").inner_text())
               for pill in visit.page.locator(".bar [data-count]").all()}
        assert bar == {state: n for state, n in stats[language].items()
                       if state != "source" or n}  # a source pill where there is source text
        visit.close()


def test_a_suggestion_shows_its_text_origin_and_match_and_the_english_shown_meanwhile(
        browser, worked):
    visit = Visit(browser, url(worked, "nl"), javascript=False)
    element = visit.page.locator('[data-msgctxt="organisation/flanders-food/about/2"]')
    assert element.get_attribute("data-state") == "suggested"
    assert element.locator(".tag").inner_text().lower() == "suggested · 100 %"
    assert element.locator(".text").inner_text().startswith("Van meet af aan werd de focus")
    assert element.locator(".text").get_attribute("lang") == "nl"
    change = element.locator(".change")
    assert change.is_visible()
    assert change.inner_text().replace("\n", "") == (
        "Suggested by the memory, 100 % match, the site's own version of this text:"
        "https://www.flandersfood.com/nl/over-ons/geschiedenis (seen 2026-12-06)"
        "Not published until a translator reviews it; shown meanwhile:Right from the start, "
        "the focus was on initiating research projects to explore new innovation "
        "opportunities, disseminate new and existing knowledge and to match businesses with "
        "each other and with suitable research partners.")
    visit.close()


def test_a_fuzzy_string_shows_stale_translation_english_and_its_diff(browser, worked):
    visit = Visit(browser, url(worked, "nl"))
    element = visit.page.locator(f'[data-msgctxt="{FUZZY}"]')
    assert element.get_attribute("data-state") == "fuzzy"
    assert element.locator(".text").inner_text() == "de drijvende kracht achter slimme energie"
    change = element.locator(".change")
    assert change.is_visible()
    assert "English now:powering smarter energy" in change.inner_text().replace("\n", "")
    assert element.locator("del").inner_text() == "smart" and element.locator("del").is_visible()
    assert element.locator("ins").inner_text() == "smarter" and element.locator("ins").is_visible()
    assert visit.page.locator("del, ins").count() == 2  # only the fuzzy string has a diff
    visit.page.locator(".todo-link").click()  # catalisti comes before flux50 on the page
    assert visit.page.evaluate("location.hash") == f"#{UNTRANSLATED}"
    assert visit.page.locator(":target").get_attribute("data-msgctxt") == UNTRANSLATED
    visit.close()


def test_context_shows_on_focus_and_can_be_copied(browser, worked):
    visit = Visit(browser, url(worked, "nl"), javascript=False)
    element = visit.page.locator(f'[data-msgctxt="{UNTRANSLATED}"]')
    field = element.locator(".context input")
    assert element.get_attribute("data-state") == "untranslated"
    assert element.locator(".text").get_attribute("lang") == "en"
    assert not field.is_visible()
    element.focus()
    assert field.is_visible() and field.input_value() == UNTRANSLATED
    field.focus()  # a translator clicks into it to select and copy: it stays open
    visit.page.keyboard.press("Control+A")
    assert field.is_visible()
    assert visit.page.evaluate("document.getSelection().toString() || "
                               "document.activeElement.value.substring("
                               "document.activeElement.selectionStart, "
                               "document.activeElement.selectionEnd)") == UNTRANSLATED
    visit.page.locator("h1").hover()
    visit.page.locator(f'[data-msgctxt="{FUZZY}"]').hover()
    assert visit.page.locator(f'[data-msgctxt="{FUZZY}"] .context').is_visible()
    visit.close()


def test_injected_markup_shows_as_text_and_runs_nothing(browser, workdir):
    set_msgstr(nl_po(workdir), "cluster/medvia/description", INJECTION)
    set_msgstr(nl_po(workdir), "cluster/medvia/name", "<script>alert(2)</script>")
    assert preview(workdir).returncode == 0
    visit = Visit(browser, url(workdir, "nl"))
    visit.page.wait_for_timeout(300)  # time for an image error handler to fire, were there one
    assert visit.dialogs == []
    assert visit.page.locator("img, script").count() == 0
    description = visit.page.locator('[data-msgctxt="cluster/medvia/description"]')
    assert description.get_attribute("data-state") == "untranslated"  # as the export: English
    assert description.locator(".change").inner_text().endswith(INJECTION)  # shown as text
    name = visit.page.locator('[data-msgctxt="cluster/medvia/name"]')
    assert name.locator(".text").inner_text() == "MEDVIA"
    assert name.locator(".change").inner_text().endswith("<script>alert(2)</script>")
    assert visit.errors == []
    visit.close()


def test_pages_load_nothing_log_no_errors_and_are_screenshotted(browser, worked, site,
                                                               tmp_path_factory):
    """Every page from file://, and the same bytes from a static server on 127.0.0.1:
    only the page itself is requested; headings in order; a screenshot per locale."""
    shots = tmp_path_factory.mktemp("preview-screenshots")
    for name in ("index", *LOCALES):
        page = worked / "output" / "preview" / f"{name}.html"
        served = site.route(f"/preview/{name}.html", page.read_bytes())
        for address in (page.as_uri(), served):
            visit = Visit(browser, address)
            assert visit.requests == [address]
            assert visit.errors == [] and visit.dialogs == []
            lang = visit.page.evaluate("document.documentElement.lang")
            assert lang == ("en" if name == "index" else name)
            levels = visit.page.locator("h1, h2, h3, h4, h5, h6").evaluate_all(
                "hs => hs.map(h => Number(h.tagName[1]))")
            assert levels[0] == 1 and levels.count(1) == 1
            assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
            if name != "index":
                links = visit.page.locator(".locales a").evaluate_all(
                    "links => links.map(link => link.getAttribute('href'))")
                assert links == [f"{code}.html" for code in LOCALES if code != name]
                if address == served:
                    visit.page.screenshot(path=shots / f"{name}.png", full_page=True)
            visit.close()
    assert [path for path, _ in site.requests] == [
        f"/preview/{name}.html" for name in ("index", *LOCALES)]
    for language in LOCALES:
        png = (shots / f"{language}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 20_000
    print(f"screenshots: {shots}")
