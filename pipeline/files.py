"""Files appear whole, and a run's files all at once: staged, fsynced, committed by journal.

A Publication stages each changed file as a temporary copy as soon as it is
ready (so a large run does not hold every file in memory) and commits them
all through the journal (pipeline/journal.py). A failure while staging (full
disk, read-only directory) removes what was staged; a failure while
committing puts every target back: either way every target stays as it was.
Nothing is opened through a symbolic link, and only regular files are replaced.
"""

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.publish import interrupt, journal


class Publication:
    """Stage files now, commit them together; only inside roots (journal in the first)."""

    def __init__(self, *roots: Path):
        self.roots = [(root, root.resolve()) for root in roots]
        self.staged: list[tuple[Path, Path]] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.abort()

    def stage(self, path: Path, data: bytes | Iterable[bytes]) -> bool:
        """Write data (bytes, or chunks as they are made) beside path as a temporary copy,
        unless path already holds exactly that; True when staged."""
        self._check_inside(path)
        try:
            temporary = _temporary_copy(path, [data] if isinstance(data, bytes) else data)
        except OSError as error:
            self.abort()
            raise RunFailed(f"cannot write {error.filename or path}: {error.strerror}; "
                            "nothing was changed") from None
        except RunFailed:
            self.abort()
            raise
        if temporary is not None:
            self.staged.append((temporary, path))
        return temporary is not None

    def pending(self, path: Path) -> Path:
        """Where the bytes path will hold after commit are now: its staged copy, or path."""
        return next((temporary for temporary, target in self.staged if target == path), path)

    def commit(self) -> list[Path]:
        """Make every staged copy visible at once (index.json last); the targets replaced.

        SIGINT/SIGTERM/SIGHUP are held meanwhile (pipeline/interrupt.py): one
        that arrives before the commit point (the journal's removal) undoes the
        commit and is then raised, so an interrupted run has published nothing;
        one that arrives later is too late to stop anything and is dropped.
        """
        if not self.staged:
            return []
        order = sorted(self.staged, key=lambda pair: pair[1].name == "index.json")
        directory = self.roots[0][0] if self.roots else order[0][1].parent
        with interrupt.held() as hold:
            self._commit(order, directory, hold)
        self.staged = []
        return [target for _, target in order]

    def _commit(self, order: list[tuple[Path, Path]], directory: Path, hold) -> None:
        entries = []
        try:
            for temporary, target in order:
                backup = None
                if os.path.lexists(target):
                    backup = journal.backup_path(target)
                    os.link(target, backup, follow_symlinks=False)
                entries.append({"temporary": str(temporary), "target": str(target),
                                "backup": backup and str(backup)})
            journal.sync_directories([temporary for temporary, _ in order])
            path = journal.write(directory, "commit", entries)
        except OSError as error:
            _drop_backups(entries)
            raise RunFailed(f"cannot prepare the commit in {error.filename or directory}: "
                            f"{error.strerror}; nothing was changed") from None
        try:
            for entry in entries:
                _rename(entry)
            journal.sync_directories([target for _, target in order])
            if hold.signals:
                raise InterruptedError
        except OSError as error:
            journal.write(directory, "rollback", entries)
            journal.roll_back(entries)
            journal.finish(path)
            if isinstance(error, InterruptedError):
                return  # held() raises Interrupted for the signal
            raise RunFailed(f"cannot publish {error.filename}: {error.strerror}; "
                            "every file was put back as it was") from None
        hold.committed = True  # the journal alone now decides: it says commit
        journal.finish(path)
        _drop_backups(entries)

    def abort(self) -> None:
        for temporary, _ in self.staged:
            temporary.unlink(missing_ok=True)
        self.staged = []

    def _check_inside(self, path: Path) -> None:
        if not self.roots:
            return
        real = path.parent.resolve() / path.name
        if path.is_symlink() or not any(real.is_relative_to(root) for _, root in self.roots):
            names = " and ".join(str(given) for given, _ in self.roots)
            raise RunFailed(f"refusing to write {path}: it leads outside {names}")


def _rename(entry: dict) -> None:
    try:
        os.replace(entry["temporary"], entry["target"])
    except OSError as error:
        error.filename = entry["target"]
        raise


def _drop_backups(entries: list[dict]) -> None:
    for entry in entries:
        if entry["backup"]:
            Path(entry["backup"]).unlink(missing_ok=True)


def publish(files: dict[Path, bytes], *roots: Path) -> list[Path]:
    """Stage every file, then commit them together; the paths replaced."""
    with Publication(*roots) as publication:
        for path, data in files.items():
            publication.stage(path, data)
        return publication.commit()


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace path alone with data, whole (no journal: for report.json and the
    records `scrapy crawl` writes); True when written."""
    temporary = _temporary_copy(path, [data])
    if temporary is None:
        return False
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    journal.sync_directories([path])
    return True


def _temporary_copy(path: Path, chunks: Iterable[bytes]) -> Path | None:
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
            handle.close()
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
