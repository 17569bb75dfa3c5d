"""Properties of the text rule and examples of slug ids and heading splits."""

import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.text import (
    _CONTROL,
    has_visible,
    normalise_text,
    replaced_reference,
    safe_url,
    slugify,
    split_heading,
    without_format,
)

# Text rich in the characters the site uses: spaces of every kind, quotes, combining marks.
_SPECIAL = " \t\n\r\f\v\u00a0\u2009\u202f\u3000\u2028\u0085’‘'\"&:e\u0301\u00e9A\u030a"
texts = st.text() | st.text(alphabet=st.sampled_from(_SPECIAL) | st.characters(), max_size=60)


@given(texts)
@example("Flanders\u2019\u00a0FOOD \u00a0 guides ")
@example("e\u0301\u00a0")
def test_normalise_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(texts)
@example("  let's\u00a0talk\t\nR&D  ")
@example("e\x04\u0301 a\x00b\x85c")
@example("Flux\u200b50 spear\u00adhead\ufeff \u2060x\u200d")
def test_normalise_changes_only_whitespace_controls_and_invisible_format_characters(text):
    def no_space(value):
        return re.sub(r"\s", "", value)

    visible = "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))
    assert no_space(normalise_text(text)) == no_space(unicodedata.normalize("NFC", visible))
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in normalise_text(text))


@given(texts)
@example("a\U000e0001b\U0001d173\u0301 \x85\u200b\U0001f600")
@example("\U0001d173")
def test_normalise_is_the_rule_in_its_plain_steps(text):
    """normalise_text removes in one pass (astral format characters only where text has
    astral characters): the same as controls, then format characters, then NFC."""
    plain = unicodedata.normalize("NFC", without_format(_CONTROL.sub("", text)))
    assert normalise_text(text) == " ".join(plain.split())


_INVISIBLE = "\x00\x04\x1c\x7f\x85\u00ad\u200b\u200d\u2060\ufeff\U000e0001\U0001d173 \t\u00a0\u3000"


@given(texts | st.text(alphabet=st.sampled_from(_INVISIBLE), max_size=12))
@example("\U0001d173\u00ad\u00a0")
@example("\x1c\x1f\u2028")
def test_has_visible_says_whether_the_normalised_text_is_empty(text):
    """Asserts: has_visible(text) is exactly bool(normalise_text(text)), over arbitrary
    text and over text made only of invisible characters and spaces."""
    assert has_visible(text) == bool(normalise_text(text))


@given(texts)
@example("\u00a0\u00a0a \u00a0 b\u00a0")
def test_normalise_output_is_trimmed_single_spaced(text):
    out = normalise_text(text)
    assert out == out.strip()
    assert not re.match(r"\s", out[:1]) and not re.search(r"\s\Z", out)
    assert "  " not in out
    assert "\u00a0" not in out
    assert not re.search(r"[^\S ]", out), "every whitespace character became a plain space"
    assert unicodedata.is_normalized("NFC", out)


def test_normalise_examples():
    assert normalise_text("Why sharing =\u00a0smart innovation in Flanders\u00a0") == (
        "Why sharing = smart innovation in Flanders"
    )
    assert normalise_text(" Flanders\u2019 \u2018new kids\u2019 let's ") == (
        "Flanders\u2019 \u2018new kids\u2019 let's"
    )
    assert normalise_text("Cafe\u0301") == "Caf\u00e9"
    assert normalise_text("\u00a0 \t\n") == ""
    assert normalise_text("a\x04b\x00 c\rd\x9f") == "ab c d"
    assert normalise_text("a&lt;b and c&gt;d R&D") == "a&lt;b and c&gt;d R&D"  # text stays text
    assert normalise_text("a<b and c>d") == "a<b and c>d"


@pytest.mark.parametrize(("html", "reference"), [
    ("a &#0; b", "&#0;"), ("&#x0000;", "&#x0000;"), ("x&#xD800;y", "&#xD800;"),
    ("&#xdfff", "&#xdfff"), ("&#x110000;", "&#x110000;"), ("&#1114112;", "&#1114112;"),
    ("&#99999999999999999999;", "&#99999999999999999999;"),
    ("&#65; &#x10FFFF; &#1114111; &amp;#0; &#xFFFD; &#0065;", None),
])
def test_references_that_decode_to_no_character(html, reference):
    assert replaced_reference(html) == reference


@pytest.mark.parametrize(("url", "safe"), [
    ("https://invest.example/en/page", True),
    ("http://127.0.0.1:8080/en/page#x", True),
    ("javascript:alert(1)//", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("https://evil.example/en/page", False),
    ("//invest.example/en/page", False),
    ("/en/page", False),
    ("https://invest.example@evil.example/", False),
    ("https://invest.example/a b", False),
    ("https://invest.example\\@evil.example/", False),
    ("http://127.0.0.1:port/", False),
    ("", False),
])
def test_safe_url(url, safe):
    assert safe_url(url, {"invest.example", "127.0.0.1"}) is safe


@pytest.mark.parametrize(("name", "slug"), [
    ("Blue Cluster", "blue-cluster"),
    ("Catalisti", "catalisti"),
    ("Flanders\u2019 FOOD", "flanders-food"),
    ("MEDVIA", "medvia"),
    ("Flux50", "flux50"),
    ("SIM", "sim"),
    ("VIL", "vil"),
])
def test_slugify_cluster_names(name, slug):
    assert slugify(name) == slug


def test_slugify_titles():
    assert slugify("Why sharing = smart innovation in Flanders") == (
        "why-sharing-smart-innovation-in-flanders"
    )
    assert slugify("  R&D: Caf\u00e9\u00a0\u2018x\u2019  ") == "r-d-cafe-x"


@pytest.mark.parametrize(("heading", "parts"), [
    ("A: b: c", ("A", "b: c")),
    ("Blue Cluster: turning the tide for the blue economy",
     ("Blue Cluster", "turning the tide for the blue economy")),
    ("Flanders\u2019 FOOD: preparing the food of tomorrow",
     ("Flanders\u2019 FOOD", "preparing the food of tomorrow")),
    ("Flux50:powering smart energy", ("Flux50", "powering smart energy")),
    ("  VIL :  where logistics  ", ("VIL", "where logistics")),
    ("No colon here", ("No colon here", "")),
])
def test_split_heading_at_the_first_colon(heading, parts):
    assert split_heading(heading) == parts
