"""Which markup the block reader leaves unread as not the page's content, and which it
reads on purpose (spiders/blocks.py, `skipped()`): one fragment each, read in process.
"""

import pytest

from tests.spiders.test_classify import blocks_of

SHOWN = "Flux50 offers programs."


def texts(fragment: str) -> list[str]:
    return [text for _, text, _, _ in blocks_of(fragment)]


@pytest.mark.parametrize("hidden", [
    '<p hidden>x</p>', '<p hidden="until-found">x</p>', '<p aria-hidden="true">x</p>',
    '<p aria-hidden=" TRUE ">x</p>', '<p style="display:none">x</p>',
    '<p style="COLOR:red ; Display : None !IMPORTANT ;">x</p>', '<p style="display:/**/none">x</p>',
    '<p style="visibility: hidden">x</p>', '<p style="visibility:collapse">x</p>',
    '<p style="content-visibility: hidden">x</p>',
    # a later declaration overriding it is not followed: hidden once said, hidden
    '<p style="display:none; display:block">x</p>',
    '<template><p>x</p></template>', '<noscript><p>x</p></noscript>',
    '<p class="visually-hidden">x</p>', '<p class="lead sr-only">x</p>',
    '<p class="screen-reader-text">x</p>', '<p class="element-invisible">x</p>',
    '<p class="is-hidden">x</p>', '<p class="u-hidden">x</p>', '<p class="hidden">x</p>',
    '<p class="visually-hidden-focusable">x</p>', '<p class="invisible">x</p>',
    # read as the narrowest width shows it: shown again from "md" up is still hidden
    '<p class="d-none d-md-block">x</p>', '<p class="hidden md:block">x</p>',
    '<dialog><p>x</p></dialog>', '<dialog open><p>x</p></dialog>',
    '<div role="dialog"><p>x</p></div>', '<div role="alertdialog"><p>x</p></div>',
    '<div role="region" aria-label="Cookie banner"><p>x</p></div>',
    '<div role="region" aria-label="Cookies"><p>x</p></div>',
    '<div id="CybotCookiebotDialog"><p>x</p></div>', '<div id="onetrust-banner-sdk">x</div>',
    '<div id="onetrust-consent-sdk">x</div>', '<div class="cc-window cc-banner">x</div>',
    '<div class="cookie-notice-container">x</div>', '<div id="cookie-law-info-bar">x</div>',
    '<div class="cmplz-cookiebanner">x</div>', '<div id="moove_gdpr_cookie_info_bar">x</div>',
    '<div class="eu-cookie-compliance-banner">x</div>', '<div class="cookieconsent">x</div>',
    '<p><button>x</button></p>', '<p><span role="button">x</span></p>',
    '<div role="button" tabindex="0">x</div>', '<p><input value="x"></p>',
    '<p><select><option>x</option></select></p>', '<p><textarea>x</textarea></p>',
])
def test_hidden_and_not_content_is_not_read(hidden):
    assert texts(f"<p>{SHOWN}</p>{hidden}") == [SHOWN]
    inline = hidden.replace("<p", "<span").replace("</p>", "</span>")
    if not inline.startswith(("<div", "<dialog", "<template", "<noscript")):
        assert texts(f"<p>Flux50 {inline}offers programs.</p>") == [SHOWN]


@pytest.mark.parametrize("shown", [
    # policy: screen readers read these, and animations start real content at opacity 0
    '<p style="opacity:0">x</p>', '<p style="font-size:0">x</p>',
    '<p style="position:absolute;clip:rect(0 0 0 0);width:1px;height:1px">x</p>',
    '<p style="display:block">x</p>', '<p style="color:red /* display:none */">x</p>',
    '<p aria-hidden="false">x</p>', '<p class="d-md-none">x</p>',
    # class tokens match whole: these only contain a helper's name
    '<p class="hiddenness">x</p>', '<p class="visually-hidden-text">x</p>',
    '<p class="not-sr-only">x</p>', '<p class="d-none-md">x</p>',
    # "cookie" or "consent" alone, or beside words that are not a banner's, is content
    '<section id="cookie-policy"><p>x</p></section>', '<p class="cookie-recipes">x</p>',
    '<p id="consent">x</p>', '<p aria-label="Cookies">x</p>',
    '<p class="cookies">x</p>', '<div class="accent-bar">x</div>', '<p id="occ-notice">x</p>',
    '<div role="region" aria-label="Cluster news"><p>x</p></div>',
    '<div role="presentation button">x</div>',  # the first role a reader knows counts
])
def test_what_a_browser_shows_as_content_is_read(shown):
    assert texts(f"<p>{SHOWN}</p>{shown}") == [SHOWN, "x"]


def test_a_button_in_a_sentence_leaves_the_sentence():
    assert texts("<p>Read the report<button>Share</button> today.</p>") == [
        "Read the report today."]


def test_invisible_format_characters_are_not_read():
    assert texts("<p>Read&shy;&#8203; more&#xFEFF;</p><p>\u200b\u2060</p>") == ["Read more"]
