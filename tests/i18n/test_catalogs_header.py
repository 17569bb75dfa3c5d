"""Catalog headers as Weblate and Poedit write them survive a run that changes no source.

tests/data/weblate/ holds nl and fr catalogs exactly as Weblate 5.14.3 committed
them in `make test-weblate` (its Plural-Forms spelling, X-Generator, its
Last-Translator and Language-Team; nl with a fuzzy entry, `#|` and `#~`),
beside the records and template they were made from.
"""

import shutil

import pytest

from pipeline.i18n import catalogs, po
from tests.support import ROOT, run_cli

WEBLATE = ROOT / "tests" / "data" / "weblate"


@pytest.fixture
def project(tmp_path):
    """output/records.jsonl and locales/ as they were when Weblate wrote the catalogs."""
    for directory in ("output", "locales"):
        (tmp_path / directory).mkdir()
    shutil.copy(WEBLATE / "records.jsonl", tmp_path / "output" / "records.jsonl")
    shutil.copy(WEBLATE / "clusters.pot", tmp_path / "locales" / "clusters.pot")
    for language in ("nl", "fr"):
        path = catalogs.po_path(tmp_path / "locales", language)
        path.parent.mkdir(parents=True)
        shutil.copy(WEBLATE / f"{language}.po", path)
    return tmp_path


def update(project):
    result = run_cli("catalogs", "update", "--locales", str(project / "locales"),
                     "--output", str(project / "output"))
    assert result.returncode == 0, result.stderr


def test_catalog_written_by_weblate_is_left_byte_identical(project):
    for language in ("nl", "fr"):
        path = catalogs.po_path(project / "locales", language)
        before = path.read_bytes()
        assert b"X-Generator: Weblate 5.14.3" in before  # the file is Weblate's
        update(project)
        assert path.read_bytes() == before, f"{language}: header or entries rewritten"


def test_poedit_header_fields_and_their_order_are_kept(project):
    path = catalogs.po_path(project / "locales", "nl")
    catalog = po.read(path)
    fields = catalog.header_fields()
    poedit = {"Last-Translator": "An Translator <an@example.com>", "Language-Team": "",
              **{k: v for k, v in fields.items() if k not in ("Last-Translator", "Language-Team",
                                                              "X-Generator")},
              "X-Generator": "Poedit 3.5", "X-Poedit-SourceCharset": "UTF-8"}
    catalog.set_header_fields(poedit)
    path.write_bytes(po.dump(catalog))
    before = path.read_bytes()
    update(project)
    assert path.read_bytes() == before


@pytest.mark.parametrize("written", [
    "nplurals=2; plural=(n > 1);",  # French's rule in a Dutch catalog
    "nplurals=1; plural=0;",
    "nplurals=2; plural=n !=;",  # not an expression
    "nplurals=2; plural=n % 0;",  # fails when evaluated
    "nplurals=2;",
])
def test_plural_forms_meaning_another_rule_is_replaced_by_babels(project, written):
    from babel.messages.plurals import get_plural

    path = catalogs.po_path(project / "locales", "nl")
    catalog = po.read(path)
    catalog.set_header_fields({**catalog.header_fields(), "Plural-Forms": written})
    path.write_bytes(po.dump(catalog))
    update(project)
    assert po.read(path).header_fields()["Plural-Forms"] == get_plural("nl").plural_forms


@pytest.mark.parametrize(("language", "written"), [
    ("nl", "nplurals=2; plural=n != 1;"),  # Weblate's spelling
    ("nl", "nplurals=2; plural=(n==1 ? 0 : 1);"),
    ("fr", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"),
    ("fr", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : ((n != 0 && n % 1000000 == 0) ? 1 : 2);"),
])
def test_plural_forms_spelling_the_same_rule_is_kept(language, written):
    assert catalogs.plural_forms(language, written) == written


def test_plural_forms_differing_only_at_a_million_is_replaced():
    from babel.messages.plurals import get_plural

    written = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : 2;"  # no "many" form for 10^6
    assert catalogs.plural_forms("fr", written) == get_plural("fr").plural_forms
