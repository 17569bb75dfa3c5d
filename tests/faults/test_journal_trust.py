"""A journal on disk is untrusted data (trust issue, row 1): it may name only this run's
temporaries and backups beside targets inside the directories the command holds.

The cases run the CLI as a process and assert the exit code, the one line, and the bytes
of output/, locales/ and of the files outside. The property test feeds the journal reader
arbitrary JSON and paths in process and records every path the file system is asked to
open, rename, link or remove: none lies outside the two directories.
"""

import builtins
import json
import os
import shutil
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import RunFailed
from pipeline.publish import journal
from tests.support import run_cli, tree_bytes

pytestmark = pytest.mark.faults


@pytest.fixture
def planted(workdir):
    """The shipped directories, and a file outside them that must survive."""
    outside = workdir / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep me\n")
    return workdir, outside


def write_journal(directory, state, entries) -> bytes:
    data = json.dumps({"state": state, "entries": entries}).encode()
    (directory / ".journal").write_bytes(data)
    return data


def settle_by_cli(workdir):
    return run_cli("catalogs", "stats", "--output", str(workdir / "output"),
                   "--locales", str(workdir / "locales"))


def test_a_rollback_entry_naming_a_file_elsewhere_is_refused_and_touches_nothing(planted):
    workdir, outside = planted
    write_journal(workdir / "output", "rollback", [
        {"temporary": str(outside / "x.tmp"), "target": str(outside / "keep.txt"),
         "backup": None}])
    before = tree_bytes(workdir)
    result = settle_by_cli(workdir)
    assert result.returncode == 1
    assert result.stderr == (
        f"speerpunt: refusing to settle {workdir / 'output' / '.journal'}: entry 1 names the "
        f"target '{outside / 'keep.txt'}', which is not a file of this command's directories; "
        "nothing was changed (check the file, then remove it by hand)\n")
    assert result.stdout == ""
    assert tree_bytes(workdir) == before  # the journal itself and keep.txt included


def test_a_commit_entry_cannot_install_a_planted_file_outside(planted):
    workdir, outside = planted
    tool = workdir / "locales" / ".clusters.po.abcd1234.tmp"
    tool.write_text("#!/bin/sh\necho pwned\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    write_journal(workdir / "output", "commit", [
        {"temporary": str(tool), "target": str(outside / "speerpunt"), "backup": None}])
    before = tree_bytes(workdir)
    result = settle_by_cli(workdir)
    assert result.returncode == 1 and "entry 1 names the target" in result.stderr
    assert tree_bytes(workdir) == before and not (outside / "speerpunt").exists()


@pytest.mark.parametrize("make_entry", [
    # a temporary not beside its target, or not named after it
    lambda w: {"temporary": str(w / "locales" / ".index.json.abcd1234.tmp"),
               "target": str(w / "output" / "index.json"), "backup": None},
    lambda w: {"temporary": str(w / "output" / ".records.jsonl.abcd1234.tmp"),
               "target": str(w / "output" / "index.json"), "backup": None},
    # a backup that is not the target's
    lambda w: {"temporary": str(w / "output" / ".index.json.abcd1234.tmp"),
               "target": str(w / "output" / "index.json"),
               "backup": str(w / "output" / "records.jsonl")},
    # a relative or '..' path, a hidden target
    lambda w: {"temporary": ".index.json.abcd1234.tmp", "target": "index.json", "backup": None},
    lambda w: {"temporary": str(w / "output" / ".x.abcd1234.tmp"),
               "target": str(w / "output" / ".." / "elsewhere" / "x"), "backup": None},
    lambda w: {"temporary": str(w / "output" / "..journal.abcd1234.tmp"),
               "target": str(w / "output" / ".journal"), "backup": None},
    # not an entry at all
    lambda w: {"temporary": 1, "target": str(w / "output" / "index.json"), "backup": None},
    lambda w: ["a", "b"],
])
def test_entries_that_are_not_this_programs_are_refused(planted, make_entry):
    workdir, _ = planted
    write_journal(workdir / "output", "commit", [make_entry(workdir)])
    before = tree_bytes(workdir)
    result = settle_by_cli(workdir)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("speerpunt: refusing to settle ")
    assert tree_bytes(workdir) == before


@pytest.mark.parametrize("state", ["rollback", "commit"])
@pytest.mark.parametrize("command", [["catalogs", "stats"], ["run", "--snapshot"]],
                         ids=["catalogs-stats", "run"])
def test_an_entry_under_a_symlinked_directory_touches_nothing_outside(workdir, tmp_path_factory,
                                                                       state, command):
    """Trust issue, row 1: output/nl is a symlink to a directory outside, and a hand-written
    output/.journal names output/nl/x (a rollback would remove it, a commit would rename
    output/nl/.x.abcd1234.tmp, planted outside, onto it); both pass the journal's own
    path checks, as the strings lie inside output/. Exit 1; stderr exactly `speerpunt:
    refusing to write <output>/nl: it is a symbolic link, which could lead outside
    <output> and <locales>`; the outside directory byte for byte as it was (x and the
    planted temporary), output/ and locales/ too (the journal and the link included; a
    run adds only its failed report.json)."""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "x").write_text("keep me\n")
    (outside / ".x.abcd1234.tmp").write_text("planted\n")
    output, locales = workdir / "output", workdir / "locales"
    shutil.rmtree(output / "nl")
    (output / "nl").symlink_to(outside, target_is_directory=True)
    write_journal(output, state, [{"temporary": str(output / "nl" / ".x.abcd1234.tmp"),
                                   "target": str(output / "nl" / "x"), "backup": None}])
    before, kept = tree_bytes(output, locales), tree_bytes(outside)
    result = run_cli(*command, "--output", str(output), "--locales", str(locales))
    assert result.returncode == 1, result.stderr
    assert result.stderr == (f"speerpunt: refusing to write {output / 'nl'}: it is a symbolic "
                             f"link, which could lead outside {output} and {locales}\n")
    assert tree_bytes(outside) == kept
    after = tree_bytes(output, locales)
    if command[0] == "run":
        report = json.loads(after.pop(str(output / "report.json")))
        assert (report["result"], report["reason"]) == ("failed", result.stderr[11:-1])
    assert after == before
    assert (output / "nl").is_symlink() and (output / ".journal").is_file()


def test_a_journal_that_is_not_json_is_refused_in_one_line(planted):
    workdir, _ = planted
    (workdir / "output" / ".journal").write_bytes(b'{"state": "commit", "entries": [')
    result = settle_by_cli(workdir)
    assert result.returncode == 1
    assert result.stderr.startswith(f"speerpunt: refusing to settle "
                                    f"{workdir / 'output' / '.journal'}: it is not JSON")


# ------------------------------------------------------------------ property: nothing outside

_TOUCHING = ("open", "replace", "rename", "unlink", "remove", "link")


class Recorder:
    """Records every path handed to a call that opens, renames, links or removes a file."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        for name in _TOUCHING:
            real = getattr(os, name)
            monkeypatch.setattr(os, name, self._wrap(real))
        monkeypatch.setattr(builtins, "open", self._wrap(builtins.open))

    def _wrap(self, real):
        def call(*args, **kwargs):
            self.paths += [os.fspath(arg) for arg in args[:2] if isinstance(arg, str | os.PathLike)]
            return real(*args, **kwargs)
        return call


_NAMES = st.sampled_from(["index.json", "records.jsonl", "clusters.po", "keep.txt", ".journal",
                          "x", "", "..", "."])
_RANDOM = st.sampled_from(["abcd1234", "ab12", "ABCD1234", "0123abcd", "zzzzzzzz"])


@st.composite
def paths(draw, base):
    where = draw(st.sampled_from(["output", "locales", "elsewhere", "output/..",
                                  "output/nl/..", "link", "", "relative"]))
    name = draw(_NAMES)
    kind = draw(st.sampled_from(["plain", "temporary", "backup", "text"]))
    if kind == "temporary":
        name = f".{name}.{draw(_RANDOM)}.tmp"
    elif kind == "backup":
        name = f".{name}.{draw(_RANDOM)}.old.tmp"
    elif kind == "text":
        return draw(st.text(max_size=30))
    if where == "relative":
        return name
    return os.path.join(str(base), where, name)


def entries(base):
    return st.one_of(
        st.fixed_dictionaries({"temporary": paths(base), "target": paths(base),
                               "backup": st.none() | paths(base)}),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=6))


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_journal_makes_settling_touch_anything_outside(tmp_path, monkeypatch, data):
    base = tmp_path / "case"
    shutil.rmtree(base, ignore_errors=True)
    for name in ("output", "locales", "elsewhere"):
        (base / name).mkdir(parents=True)
        for file in ("index.json", "records.jsonl", "keep.txt"):
            (base / name / file).write_text(name + file)
    (base / "link").symlink_to(base / "elsewhere")
    state = data.draw(st.sampled_from(["commit", "rollback", "other"]))
    listed = data.draw(st.lists(entries(base), max_size=4))
    document = data.draw(st.sampled_from(["journal", "anything"]))
    body = {"state": state, "entries": listed} if document == "journal" \
        else data.draw(st.recursive(st.none() | st.text(max_size=5),
                                    lambda inner: st.lists(inner, max_size=3), max_leaves=4))
    (base / "output" / ".journal").write_text(json.dumps(body))
    outside = tree_bytes(base / "elsewhere")
    recorder = Recorder(monkeypatch)
    try:
        journal.settle(base / "output", base / "locales")
    except RunFailed:
        pass
    finally:
        monkeypatch.undo()
    roots = [str(base / "output") + os.sep, str(base / "locales") + os.sep]
    strays = [path for path in recorder.paths  # a root itself (fsynced) or a file inside
              if not any((os.path.abspath(path) + os.sep).startswith(root) for root in roots)]
    assert strays == []
    assert tree_bytes(base / "elsewhere") == outside
