"""An export's bytes: orjson writes exactly what json.dumps(indent=2, ensure_ascii=False)
wrote, for every value an export can hold (text, integers, booleans, null, lists and
objects with text keys), control characters and astral text included."""

import json
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.outputs.export import dump_export, dump_json
from tests.support import ROOT

text = st.text(st.characters(exclude_categories=("Cs",)))  # no lone surrogate: not UTF-8
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | text,
    lambda inner: st.lists(inner) | st.dictionaries(text, inner), max_leaves=30)


@settings(max_examples=200)
@given(st.dictionaries(text, values))
@example({"c": "".join(map(chr, range(0x20))) + "\x7f\x85\u2028\u2029\ufeff\"\\/é\U0001f600"})
@example({"empty": [], "none": {}, "nested": [[], {}, [[{"a": []}]]], "n": -sys.maxsize})
def test_an_export_is_written_as_json_dumps_writes_it(export):
    assert dump_export(export) == dump_json(export)


def test_the_shipped_exports_are_written_byte_for_byte():
    for path in sorted((ROOT / "output").glob("*/clusters.json")):
        data = path.read_bytes()
        assert dump_export(json.loads(data)) == data, path
