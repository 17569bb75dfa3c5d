"""A .mo is used only when speerpunt compiled it from exactly the current .po bytes.

File times lie after `cp -p`, `rsync -t` or unzipping a download, and a .mo from
another tool (`pybabel compile -f`) may hold fuzzy translations: the export must
publish what the .po says, whatever the times and whoever compiled last.
"""

import gettext
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.i18n.catalogs import SOURCE_STAMP, mo_path, po_path
from tests.outputs.test_export import export, set_translation

TAGLINE = "cluster/flux50/tagline"


def nl_tagline(workdir: Path) -> tuple[str, list[str]]:
    cluster = next(c for c in export(workdir)["nl"]["clusters"] if c["id"] == "flux50")
    return cluster["tagline"], cluster["fallback"]


@pytest.mark.slow
def test_po_older_than_its_mo_after_cp_p_is_still_published(workdir, tmp_path):
    nl_tagline(workdir)  # compiles and stamps the .mo
    path = po_path(workdir / "locales", "nl")
    edited = tmp_path / "download" / "clusters.po"
    edited.parent.mkdir()
    subprocess.run(["cp", "-p", str(path), str(edited)], check=True)
    set_translation(workdir, "nl", TAGLINE, msgstr="slimme energie, vers uit Weblate")
    subprocess.run(["cp", str(path), str(edited)], check=True)
    subprocess.run(["touch", "-d", "2020-01-01", str(edited)], check=True)
    subprocess.run(["cp", "-p", str(edited), str(path)], check=True)  # the .po is now the older
    assert path.stat().st_mtime < mo_path(workdir / "locales", "nl").stat().st_mtime
    assert nl_tagline(workdir) == ("slimme energie, vers uit Weblate", [])


@pytest.mark.slow
def test_po_touched_into_the_past_is_still_published(workdir):
    nl_tagline(workdir)
    set_translation(workdir, "nl", TAGLINE, msgstr="energie van 2020")
    subprocess.run(["touch", "-d", "2020-01-01", str(po_path(workdir / "locales", "nl"))],
                   check=True)
    assert nl_tagline(workdir) == ("energie van 2020", [])


@pytest.mark.slow
def test_mo_from_pybabel_compile_with_fuzzy_is_never_used(workdir):
    set_translation(workdir, "nl", TAGLINE, msgstr="vage vertaling", fuzzy=True)
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run([pybabel, "compile", "-f", "-d", str(workdir / "locales"), "-D", "clusters",
                    "-l", "nl"], check=True, capture_output=True)
    mo = mo_path(workdir / "locales", "nl")
    fuzzy = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    assert fuzzy.pgettext(TAGLINE, "powering smart energy") == "vage vertaling"  # the trap
    tagline, fallback = nl_tagline(workdir)
    assert (tagline, fallback) == ("powering smart energy", ["tagline"])
    index = json.loads((workdir / "output" / "index.json").read_text())
    assert next(row for row in index["locales"] if row["locale"] == "nl")["completeness"] < 1
    stamped = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    assert stamped.pgettext(TAGLINE, "powering smart energy") == "powering smart energy"
    assert stamped.pgettext(*SOURCE_STAMP).startswith("sha256:")


@pytest.mark.slow
def test_mo_compiled_from_the_current_po_is_reused_not_rewritten(workdir):
    nl_tagline(workdir)
    mo = mo_path(workdir / "locales", "nl")
    before = (mo.read_bytes(), mo.stat().st_ino, mo.stat().st_mtime_ns)
    subprocess.run(["touch", str(po_path(workdir / "locales", "nl"))], check=True)
    nl_tagline(workdir)
    assert (mo.read_bytes(), mo.stat().st_ino, mo.stat().st_mtime_ns) == before
