"""The commit journal: a commit cut short is settled all forward or all back, and a
reader that follows the protocol in the README never sees a mix.

A "mix" is defined here as the README's reader protocol defines consistency: a
reader opens index.json (generation N), then every file it lists. Since index.json
is renamed last, each of those files must be of generation N or newer, never
older; and when every file's sha256 matches what index.json states, every file is
of generation N exactly (the snapshot the reader accepts).
"""

import errno
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.errors import RunFailed
from pipeline.publish import journal
from pipeline.publish.commit import Publication

pytestmark = pytest.mark.faults

FILES = ["output/en/clusters.json", "output/nl/clusters.json", "output/records.jsonl",
         "locales/nl/LC_MESSAGES/clusters.po"]


def generation_files(root: Path, generation: int) -> dict[Path, bytes]:
    """Every file of one commit, each naming its generation, and index.json listing them."""
    files = {root / name: json.dumps({"generation": generation, "file": name,
                                      "padding": "x" * 2000 * (1 + generation % 3)}).encode()
             for name in FILES}
    files[root / "output" / "index.json"] = json.dumps({"generation": generation, "files": [
        {"file": str(path.relative_to(root)), "sha256": hashlib.sha256(data).hexdigest()}
        for path, data in files.items()]}).encode()
    return files


def commit(root: Path, generation: int) -> list[Path]:
    with Publication(root / "output", root / "locales") as publication:
        for path, data in generation_files(root, generation).items():
            publication.stage(path, data)
        return publication.commit()


def read_published(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in [*FILES, "output/index.json"]}


def test_failed_rename_rolls_every_file_back(tmp_path, monkeypatch):
    commit(tmp_path, 1)
    before = read_published(tmp_path)
    real_replace, calls = os.replace, []

    def failing(source, target, **options):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(source, target, **options)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(RunFailed, match="Input/output error; every file was put back"):
        commit(tmp_path, 2)
    monkeypatch.undo()
    assert len(calls) > 3, "two files were renamed before the failure and put back after it"
    assert read_published(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []  # no journal, temporary, backup


@pytest.mark.parametrize("state", ["commit", "rollback"])
@pytest.mark.parametrize("renamed", [0, 2, 5])
def test_a_journal_left_by_a_kill_is_settled_all_forward_or_all_back(tmp_path, state, renamed):
    """The state a SIGKILL leaves after `renamed` of 5 renames: the next command settles it."""
    commit(tmp_path, 1)
    old = read_published(tmp_path)
    publication = Publication(tmp_path / "output", tmp_path / "locales")
    for path, data in generation_files(tmp_path, 2).items():
        publication.stage(path, data)
    entries = []
    for temporary, target in publication.staged:
        backup = journal.backup_path(target)
        os.link(target, backup)
        entries.append({"temporary": str(temporary), "target": str(target),
                        "backup": str(backup)})
    journal.write(tmp_path / "output", state, entries)
    for entry in entries[:renamed]:
        os.replace(entry["temporary"], entry["target"])

    assert journal.settle(tmp_path / "output", tmp_path / "locales") == [
        f"{state} of 5 files in {tmp_path / 'output' / journal.JOURNAL}"]
    expected = {str(p.relative_to(tmp_path)): d
                for p, d in generation_files(tmp_path, 2).items()} if state == "commit" else old
    assert read_published(tmp_path) == expected
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []


READER = """
import hashlib, json, sys, time
from pathlib import Path
root, stop = Path(sys.argv[1]), Path(sys.argv[2])
accepted, retried, generations = 0, 0, set()
while not stop.exists():
    try:
        index = json.loads((root / "output/index.json").read_bytes())
    except FileNotFoundError:
        continue
    matched = True
    for listed in index["files"]:
        data = (root / listed["file"]).read_bytes()
        generation = json.loads(data)["generation"]
        if generation < index["generation"]:
            sys.exit(f"mix: {listed['file']} of generation {generation} "
                     f"under index.json of generation {index['generation']}")
        if hashlib.sha256(data).hexdigest() != listed["sha256"]:
            matched = False
        elif generation != index["generation"]:
            sys.exit(f"mix: {listed['file']} matches index.json but is another generation")
    if matched:
        accepted += 1
        generations.add(index["generation"])
    else:
        retried += 1  # a newer commit is under way: read index.json again
print(json.dumps({"accepted": accepted, "retried": retried, "generations": len(generations)}))
"""


def test_a_reader_polling_during_100_commits_never_sees_a_mix(tmp_path, monkeypatch):
    """Renames slowed by 3 ms each, so the reader often reads in the middle of a commit."""
    commit(tmp_path, 0)
    real_replace = os.replace

    def slow_replace(source, target, **options):
        time.sleep(0.003)
        return real_replace(source, target, **options)

    monkeypatch.setattr(os, "replace", slow_replace)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(tmp_path), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.2)
        for generation in range(1, 101):
            assert len(commit(tmp_path, generation)) == len(FILES) + 1
        stop.touch()
        out, err = reader.communicate(timeout=30)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert reader.returncode == 0, err
    seen = json.loads(out)
    assert seen["accepted"] > 100 and seen["generations"] > 10 and seen["retried"] > 10, seen


def test_a_signal_inside_the_commit_undoes_it_and_is_then_raised(tmp_path, monkeypatch):
    """SIGTERM arriving after two renames (the handler is called as Python would call it)."""
    import signal

    from pipeline.publish import interrupt

    commit(tmp_path, 1)
    before = read_published(tmp_path)
    monkeypatch.setattr(interrupt, "_committed", False)
    monkeypatch.setattr(interrupt, "received", None)
    real_replace, calls = os.replace, []

    def signalled(source, target, **options):
        calls.append(target)
        if len(calls) == 2:
            interrupt.handle(signal.SIGTERM, None)
        return real_replace(source, target, **options)

    monkeypatch.setattr(os, "replace", signalled)
    with pytest.raises(interrupt.Interrupted) as stopped:
        commit(tmp_path, 2)
    monkeypatch.undo()
    assert stopped.value.exit_code == 143
    assert read_published(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []


def test_a_signal_after_the_commit_point_is_too_late_and_ignored(tmp_path, monkeypatch):
    import signal

    from pipeline.publish import interrupt

    commit(tmp_path, 1)
    monkeypatch.setattr(interrupt, "_committed", False)
    monkeypatch.setattr(interrupt, "received", None)
    real_finish = journal.finish

    def signalled(path):
        real_finish(path)
        interrupt.handle(signal.SIGINT, None)  # just after the journal's removal

    monkeypatch.setattr(journal, "finish", signalled)
    commit(tmp_path, 2)
    assert json.loads(read_published(tmp_path)["output/index.json"])["generation"] == 2
    interrupt.handle(signal.SIGTERM, None)  # while the command writes its report: ignored
    interrupt.check()
