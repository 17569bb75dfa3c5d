"""Properties of the text rule and examples of slug ids and heading splits."""

import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.normalise import normalise_text, slugify, split_heading

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
def test_normalise_changes_only_whitespace(text):
    def no_space(value):
        return re.sub(r"\s", "", value)

    assert no_space(normalise_text(text)) == no_space(unicodedata.normalize("NFC", text))


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
