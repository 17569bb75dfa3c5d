"""Staging compares chunks with the file on disk as they come; an equal file is never rewritten."""

import os

import pytest

from pipeline.errors import RunFailed
from pipeline.files import holds
from pipeline.publish.commit import Publication, publish

OLD = b"msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"c\"\nmsgstr \"d\"\n"


def chunked(data: bytes, size: int):
    return (data[start:start + size] for start in range(0, len(data), size))


@pytest.mark.parametrize("new", [
    OLD,                      # equal: nothing staged
    OLD + b"\nmsgid \"e\"\n",  # the file is a prefix of the new bytes
    OLD[:-7],                 # the new bytes are a prefix of the file
    OLD.replace(b"d", b"D"),  # differs near the end: the equal part comes from the file
    b"X" + OLD[1:],           # differs in the first byte
    b"",
])
@pytest.mark.parametrize("size", [1, 7, 1000])
def test_staged_chunks_give_exactly_the_new_bytes(tmp_path, new, size):
    path = tmp_path / "clusters.po"
    path.write_bytes(OLD)
    before = path.stat().st_mtime_ns
    with Publication(tmp_path) as publication:
        staged = publication.stage(path, chunked(new, size))
        written = publication.commit()
    assert path.read_bytes() == new
    assert staged == (new != OLD) and written == ([path] if new != OLD else [])
    if new == OLD:
        assert path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == ["clusters.po"]  # no temporary left


def test_new_file_from_chunks(tmp_path):
    path = tmp_path / "nl" / "clusters.po"
    assert publish({path: OLD}) == [path]
    assert path.read_bytes() == OLD and os.stat(path).st_mode & 0o777 == 0o666 & ~_umask()


def test_a_failing_generator_leaves_no_temporary_and_the_file_as_it_was(tmp_path):
    path = tmp_path / "clusters.po"
    path.write_bytes(OLD)

    def broken():
        yield b"X"
        raise RuntimeError("bug while formatting")

    with pytest.raises(RuntimeError), Publication(tmp_path) as publication:
        publication.stage(path, broken())
    assert path.read_bytes() == OLD and [p.name for p in tmp_path.iterdir()] == ["clusters.po"]


def test_holds(tmp_path):
    path = tmp_path / "clusters.pot"
    assert not holds(path, [OLD])
    path.write_bytes(OLD)
    assert holds(path, chunked(OLD, 5))
    assert not holds(path, chunked(OLD[:-1], 5)) and not holds(path, [OLD, b"x"])


def test_staging_outside_the_roots_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(RunFailed, match="leads outside"), Publication(tmp_path / "out") as p:
        p.stage(tmp_path / "elsewhere.json", b"{}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
