"""File primitives: files appear whole, nothing is opened through a link.

A temporary copy is written beside its target and fsynced before it replaces
it; bytes are compared with the file on disk as they are produced, so an
unchanged file is never rewritten; a symlink, FIFO, socket or device where a
file should be is refused. The commit of many files at once (the journal) is
built on these in pipeline/publish/commit.py.
"""

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import RunFailed


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace path alone with data, whole (no journal: for report.json and the
    records `scrapy crawl` writes); True when written."""
    temporary = temporary_copy(path, [data])
    if temporary is None:
        return False
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directories([path])
    return True


def temporary_copy(path: Path, chunks: Iterable[bytes]) -> Path | None:
    """A temporary copy of chunks beside path; None when path already holds exactly them.

    Chunks are compared with path as they come, and nothing is written while they
    match: an unchanged file is never rewritten, and a large one is never held
    whole. At the first difference the equal part is copied from path itself.
    """
    copy = handle = None
    equal = 0  # bytes of path known to equal what came so far
    current = open_regular(path)
    try:
        for chunk in chunks:
            if handle is None and current is not None and current.read(len(chunk)) == chunk:
                equal += len(chunk)
                continue
            if handle is None:
                copy, handle = _start_copy(path, current, equal)
            handle.write(chunk)
        if handle is None:
            if current is not None and not current.read(1):
                return None
            copy, handle = _start_copy(path, current, equal)
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        return copy
    except BaseException as error:
        if handle is not None:
            try:
                handle.close()  # flushes what is buffered: on a full disk it fails again
            except OSError:
                pass
            finally:
                os.unlink(copy)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)  # a write/fsync error names no file: name the target
        raise
    finally:
        if current is not None:
            current.close()


def _start_copy(path: Path, current, equal: int):
    """A new temporary file beside path holding path's first `equal` bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _file_mode())  # mkstemp's 0600 would hide exports from a web server
        handle = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    try:
        if equal:
            current.seek(0)
            while equal:
                block = current.read(min(equal, 1 << 20))
                handle.write(block)
                equal -= len(block)
    except BaseException:
        handle.close()
        os.unlink(name)
        raise
    return Path(name), handle


def open_regular(path: Path):
    """path opened for reading, without following a symlink; None when absent.

    A FIFO, socket or device is refused at once (opened non-blocking, so a FIFO
    with no writer cannot hang the run that holds the lock).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:  # path is a symbolic link
            raise RunFailed(f"refusing to use {path}: it is a symbolic link") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise RunFailed(f"refusing to use {path}: {_kind(mode)} where a file should be")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "not a regular file"


def check_tree(roots: list[Path], skip: tuple[str, ...] = ()) -> None:
    """Refuse a symlink, FIFO, socket or device anywhere under roots (but in skip):
    what speerpunt reads or writes there must never lead outside or block."""
    names = " and ".join(str(root) for root in roots)
    for root in roots:
        for top, directories, files in os.walk(root):
            directories[:] = [d for d in directories if os.path.join(top, d) not in skip]
            for name in directories + files:
                path = Path(top, name)
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    raise RunFailed(f"refusing to write {path}: it is a symbolic link, "
                                    f"which could lead outside {names}")
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    raise RunFailed(f"refusing to use {path}: {_kind(mode)} "
                                    "where a file should be")


def holds(path: Path, chunks: Iterable[bytes]) -> bool:
    """Whether path holds exactly the chunks, read as they come (nothing held whole)."""
    handle = open_regular(path)
    if handle is None:
        return False
    with handle:
        return all(handle.read(len(chunk)) == chunk for chunk in chunks) \
            and not handle.read(1)


def _file_mode() -> int:
    """What a plain open() gives a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def remove_stale_temporaries(*directories: Path) -> None:
    """Delete temporary copies and backups a killed run left behind (.NAME.XXXX.tmp).

    Only called under the locks of these directories, after the journal was
    settled: every writer of a directory holds its lock, so these belong to a dead holder.
    """
    for directory in directories:
        if directory.is_dir():
            for leftover in directory.rglob(".*.tmp"):
                leftover.unlink(missing_ok=True)


def sync_directories(paths) -> None:
    """fsync the directories holding paths, so renames and unlinks survive a power loss."""
    for directory in sorted({str(Path(path).parent) for path in paths}):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
