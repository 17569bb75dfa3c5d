"""Promises of pipeline/files.py that mutation testing found unguarded by the fast suite."""

import json
import os
import socket
import stat

import pytest

from pipeline.errors import RunFailed
from pipeline.files import _kind, check_tree, open_regular, write_atomic
from pipeline.publish import journal
from pipeline.publish.commit import Publication


def test_index_json_is_renamed_last_whatever_order_it_was_staged_in(tmp_path, monkeypatch):
    renamed = []
    real_replace = os.replace

    def replace(source, target, **options):
        real_replace(source, target, **options)
        if not os.path.basename(target).startswith("."):  # not the journal itself
            renamed.append(os.path.relpath(target, tmp_path))

    monkeypatch.setattr(os, "replace", replace)
    with Publication(tmp_path) as staged:
        for name in ("index.json", "nl/clusters.json", "records.jsonl"):
            staged.stage(tmp_path / name, name.encode())
        assert staged.commit() == [tmp_path / "nl/clusters.json", tmp_path / "records.jsonl",
                                   tmp_path / "index.json"]
    assert renamed == ["nl/clusters.json", "records.jsonl", "index.json"]


def test_staged_copies_wait_beside_their_targets_until_commit(tmp_path):
    """Beside the target, so the rename never crosses a file system; hidden, so no reader
    takes one for an export; and nothing is visible before commit."""
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "clusters.json").write_bytes(b"old")
    with Publication(tmp_path) as staged:
        assert staged.stage(tmp_path / "nl" / "clusters.json", b"new")
        assert staged.stage(tmp_path / "fr" / "clusters.json", [b"ne", b"w"])
        copies = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob(".*.tmp"))
        assert [c.split("/")[0] for c in copies] == ["fr", "nl"]
        assert all(c.split("/")[1].startswith(".clusters.json.") for c in copies)
        assert (tmp_path / "nl" / "clusters.json").read_bytes() == b"old"
        assert not (tmp_path / "fr" / "clusters.json").exists()
        staged.commit()
    assert (tmp_path / "fr" / "clusters.json").read_bytes() == b"new"
    assert list(tmp_path.rglob(".*")) == []


def test_abort_removes_every_staged_copy(tmp_path):
    with Publication(tmp_path) as staged:
        staged.stage(tmp_path / "a.json", b"a")
        staged.stage(tmp_path / "b.json", b"b")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_stage_names_the_file_and_says_nothing_changed(tmp_path):
    (tmp_path / "nl").write_bytes(b"a file where a directory should be")
    with Publication(tmp_path) as staged:
        staged.stage(tmp_path / "records.jsonl", b"x")
        with pytest.raises(RunFailed) as failure:
            staged.stage(tmp_path / "nl" / "clusters.json", b"{}")
    assert str(failure.value).startswith(f"cannot write {tmp_path / 'nl'}")
    assert str(failure.value).endswith("; nothing was changed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nl"]  # the first copy removed too


def test_write_atomic_says_whether_it_wrote(tmp_path):
    path = tmp_path / "report.json"
    assert write_atomic(path, b"{}") is True
    assert write_atomic(path, b"{}") is False
    assert write_atomic(path, b"[]") is True and path.read_bytes() == b"[]"
    assert list(tmp_path.iterdir()) == [path]


def test_the_journal_of_a_commit_names_its_state(tmp_path, monkeypatch):
    """A commit cut short must be settled forward; one being rolled back, back."""
    states = []
    real_write = journal.write

    def spy(directory, state, entries):
        states.append(state)
        return real_write(directory, state, entries)

    monkeypatch.setattr(journal, "write", spy)
    with Publication(tmp_path) as staged:
        staged.stage(tmp_path / "a.json", b"a")
        staged.commit()
    assert states == ["commit"]
    real_replace = os.replace

    def failing(source, target, **options):
        if str(target).endswith("c.json"):
            raise OSError(5, "Input/output error")
        return real_replace(source, target, **options)

    monkeypatch.setattr(os, "replace", failing)
    with Publication(tmp_path) as staged:
        staged.stage(tmp_path / "a.json", b"A")
        staged.stage(tmp_path / "c.json", b"c")
        with pytest.raises(RunFailed, match="every file was put back as it was"):
            staged.commit()
    assert states == ["commit", "commit", "rollback"]
    assert (tmp_path / "a.json").read_bytes() == b"a"


@pytest.mark.parametrize(("make", "kind"), [
    (lambda path: os.mkfifo(path), "a FIFO"),
    (lambda path: path.mkdir(), "a directory"),
])
def test_what_is_not_a_regular_file_is_refused_by_its_kind(tmp_path, make, kind):
    make(tmp_path / "clusters.po")
    with pytest.raises(RunFailed, match=f"^refusing to use {tmp_path / 'clusters.po'}: "
                                        f"{kind} where a file should be$"):
        open_regular(tmp_path / "clusters.po")


@pytest.mark.parametrize(("mode", "kind"), [
    (os.lstat("/dev/null").st_mode, "a character device"),
    (stat.S_IFBLK | 0o660, "a block device"),  # the mode lstat gives a disk; none to make here
])
def test_a_device_is_named_as_the_operator_would_name_it(tmp_path, mode, kind):
    assert _kind(mode) == kind


def test_a_socket_where_a_catalog_should_be_is_named_a_socket(tmp_path, monkeypatch):
    """open() of a socket fails with ENXIO, so the tree check must name it first."""
    locales = tmp_path / "locales" / "nl" / "LC_MESSAGES"
    locales.mkdir(parents=True)
    monkeypatch.chdir(locales)  # a socket's path must fit in 108 bytes: bind it relative
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("clusters.po")
        with pytest.raises(RunFailed, match=f"^refusing to use {locales / 'clusters.po'}: "
                                            "a socket where a file should be$"):
            check_tree([tmp_path / "locales"])


def test_check_tree_names_a_symlink_or_fifo_and_skips_what_it_is_told(tmp_path):
    (tmp_path / "out" / "nl").mkdir(parents=True)
    (tmp_path / "out" / "nl" / "clusters.json").symlink_to("/etc/passwd")
    with pytest.raises(RunFailed, match=f"^refusing to write {tmp_path / 'out/nl/clusters.json'}"
                                        f": it is a symbolic link, which could lead outside "
                                        f"{tmp_path / 'out'}$"):
        check_tree([tmp_path / "out"])
    check_tree([tmp_path / "out"], skip=(str(tmp_path / "out" / "nl"),))
    (tmp_path / "out" / "nl" / "clusters.json").unlink()
    os.mkfifo(tmp_path / "out" / "pipe")
    with pytest.raises(RunFailed, match="pipe: a FIFO where a file should be$"):
        check_tree([tmp_path / "out"])
    assert json.dumps(open_regular(tmp_path / "absent")) == "null"


def test_the_journal_is_kept_in_the_first_root_and_a_failed_rename_names_its_file(
        tmp_path, monkeypatch):
    """The next command looks for a journal in the roots it locks, so it must be there."""
    (tmp_path / "locales").mkdir()
    directories = []
    real_write, real_replace = journal.write, os.replace

    def spy(directory, state, entries):
        directories.append(directory)
        return real_write(directory, state, entries)

    def failing(source, target, **options):
        if str(target).endswith("clusters.po"):
            raise OSError(5, "Input/output error")
        return real_replace(source, target, **options)

    monkeypatch.setattr(journal, "write", spy)
    monkeypatch.setattr(os, "replace", failing)
    target = tmp_path / "out" / "nl" / "clusters.po"
    with Publication(tmp_path / "out", tmp_path / "locales") as staged:
        staged.stage(target, b"x")
        with pytest.raises(RunFailed) as failure:
            staged.commit()
    assert str(failure.value) == (f"cannot publish {target}: Input/output error; "
                                  "every file was put back as it was")
    assert directories == [tmp_path / "out", tmp_path / "out"]


def test_a_commit_that_cannot_be_prepared_says_where_and_that_nothing_changed(
        tmp_path, monkeypatch):
    (tmp_path / "a.json").write_bytes(b"old")

    def no_space(*args, **options):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", no_space)
    with Publication(tmp_path) as staged:
        staged.stage(tmp_path / "a.json", b"new")
        with pytest.raises(RunFailed) as failure:
            staged.commit()
    assert str(failure.value) == (f"cannot prepare the commit in {tmp_path}: "
                                  "No space left on device; nothing was changed")
    assert (tmp_path / "a.json").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_staging_outside_every_root_names_them_all(tmp_path):
    with pytest.raises(RunFailed) as failure, \
            Publication(tmp_path / "out", tmp_path / "locales") as staged:
        staged.stage(tmp_path / "elsewhere.json", b"{}")
    assert str(failure.value) == (f"refusing to write {tmp_path / 'elsewhere.json'}: it leads "
                                  f"outside {tmp_path / 'out'} and {tmp_path / 'locales'}")


def test_pending_is_the_staged_copy_until_commit(tmp_path):
    path = tmp_path / "nl.po"
    with Publication(tmp_path) as staged:
        assert staged.pending(path) == path
        staged.stage(path, b"x")
        assert staged.pending(path).name.startswith(".nl.po.")
        assert staged.pending(path).read_bytes() == b"x"


def test_stale_temporaries_are_removed_and_nothing_else(tmp_path):
    from pipeline.files import remove_stale_temporaries

    (tmp_path / "nl").mkdir()
    for name in ("nl/.clusters.json.x1.tmp", ".index.json.x2.tmp", "nl/clusters.json",
                 "keep.tmp"):
        (tmp_path / name).write_bytes(b"")
    remove_stale_temporaries(tmp_path, tmp_path / "absent")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                  if p.is_file()) == ["keep.tmp", "nl/clusters.json"]
