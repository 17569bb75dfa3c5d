"""One definition of completeness (the architecture issue): a translation a reader is not
shown (blank, or `<span></span>`) counts the same in `catalogs stats`, index.json, the export's
fallback and the preview."""

import json
import re

import pytest

from tests.outputs.test_export import export, set_translation, shown, slots
from tests.support import ROOT, run_cli

pytestmark = pytest.mark.slow


def test_an_empty_element_is_untranslated_everywhere(workdir):
    set_translation(workdir, "nl", "cluster/flux50/tagline", msgstr="<span></span>")
    exports = export(workdir)  # catalogs compiled, exports written
    flux = next(c for c in exports["nl"]["clusters"] if c["id"] == "flux50")
    assert flux["tagline"] == "powering smart energy" and flux["fallback"] == ["tagline"]
    shipped = json.loads((ROOT / "output" / "nl" / "clusters.json").read_bytes())
    share = round((shown(shipped) - 1) / slots(shipped), 4)  # one fewer shown in Dutch
    index = json.loads((workdir / "output" / "index.json").read_bytes())
    assert next(e for e in index["locales"] if e["locale"] == "nl")["completeness"] == share

    stats = run_cli("catalogs", "stats", "--locales", str(workdir / "locales"))
    lines = [line.split() for line in stats.stdout.splitlines()]
    assert next(row for row in lines if row[:2] == ["clusters", "nl"])[2:6] == ["26", "0", "0", "1"]
    total = next(row for row in lines if row[:2] == ["all", "nl"])
    assert total[-1] == f"{share:.0%}"

    assert run_cli("preview", "--output", str(workdir / "output"), "--locales",
                   str(workdir / "locales")).returncode == 0
    html = (workdir / "output" / "preview" / "nl.html").read_text(encoding="utf-8")
    states = re.findall(r'<span class="msg" [^>]*data-state="(\w+)"', html)
    assert (states.count("translated"), states.count("untranslated")) == \
        (int(total[2]), int(total[5]))  # the preview counts as catalogs stats does
    assert 'data-msgctxt="cluster/flux50/tagline" data-state="untranslated"' in html
