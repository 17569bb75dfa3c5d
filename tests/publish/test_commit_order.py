"""What a downstream reader polling index.json sees while a run commits its files."""

import copy
import hashlib
import json
import os
import shutil
from pathlib import Path

from pipeline.i18n.catalogs import current_mo
from pipeline.outputs.export import plan_export
from pipeline.publish.commit import Publication
from pipeline.records import read_records
from tests.support import ROOT


def test_index_is_renamed_last_so_it_never_describes_files_not_yet_in_place(tmp_path,
                                                                           monkeypatch):
    """After every rename of a commit, once index.json is the new one, each file it lists has
    the sha256 and size it gives: a reader never follows a new manifest to an old file."""
    output = tmp_path / "output"
    shutil.copytree(ROOT / "output", output)
    records = copy.deepcopy(read_records(ROOT / "output" / "records.jsonl"))
    records[1].tagline = "turning the tide for the bluest economy"  # every export changes
    compiled = {("clusters", language): current_mo(ROOT / "locales", language, force=True)[0]
                for language in ("en", "nl", "fr")}
    files, _ = plan_export(records, compiled, output)
    new_index = files[output / "index.json"]
    renamed, mismatched = [], []
    real_replace = os.replace

    def replace_and_read(source, target):
        real_replace(source, target)
        if Path(target) not in files:
            return  # the commit's journal, not a published file
        renamed.append(os.path.relpath(target, output))
        if (output / "index.json").read_bytes() == new_index:
            for entry in json.loads(new_index)["locales"]:
                data = (output / entry["file"]).read_bytes()
                if (hashlib.sha256(data).hexdigest(), len(data)) != (entry["sha256"],
                                                                     entry["bytes"]):
                    mismatched.append((renamed[-1], entry["file"]))

    monkeypatch.setattr(os, "replace", replace_and_read)
    with Publication(output) as staged:
        for path, data in files.items():
            staged.stage(path, data)
        staged.commit()
    assert renamed == ["en/clusters.json", "nl/clusters.json", "fr/clusters.json", "index.json"]
    assert mismatched == []
    assert (output / "index.json").read_bytes() == new_index
