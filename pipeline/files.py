"""Files appear whole: written beside their target, fsynced, then renamed together.

A Publication stages each changed file as a temporary copy as soon as it is
ready (so a large run does not hold every file in memory) and renames them
all at commit. A failure while staging (full disk, read-only directory)
removes what was staged: every target stays as it was.
"""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import RunFailed


class Publication:
    """Stage files now, rename them into place together at commit(); only inside roots."""

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
        if temporary is not None:
            self.staged.append((temporary, path))
        return temporary is not None

    def pending(self, path: Path) -> Path:
        """Where the bytes path will hold after commit are now: its staged copy, or path."""
        return next((temporary for temporary, target in self.staged if target == path), path)

    def commit(self) -> list[Path]:
        """Rename every staged copy onto its target, in staging order; the targets replaced."""
        done = []
        for temporary, path in self.staged:
            os.replace(temporary, path)
            done.append(path)
        self.staged = []
        return done

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


def publish(files: dict[Path, bytes], *roots: Path) -> list[Path]:
    """Stage every file, then rename them together; the paths replaced."""
    with Publication(*roots) as publication:
        for path, data in files.items():
            publication.stage(path, data)
        return publication.commit()


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace path with data unless it already holds exactly that; True when written."""
    return publish({path: data}) == [path]


def _temporary_copy(path: Path, chunks: Iterable[bytes]) -> Path | None:
    """A temporary copy of chunks beside path; None when path already holds exactly them.

    Chunks are compared with path as they come, and nothing is written while they
    match: an unchanged file is never rewritten, and a large one is never held
    whole. At the first difference the equal part is copied from path itself.
    """
    copy = handle = None
    equal = 0  # bytes of path known to equal what came so far
    try:
        current = open(path, "rb")
    except FileNotFoundError:
        current = None
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


def holds(path: Path, chunks: Iterable[bytes]) -> bool:
    """Whether path holds exactly the chunks, read as they come (nothing held whole)."""
    try:
        with open(path, "rb") as handle:
            return all(handle.read(len(chunk)) == chunk for chunk in chunks) \
                and not handle.read(1)
    except FileNotFoundError:
        return False


def _file_mode() -> int:
    """What a plain open() gives a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def remove_stale_temporaries(*directories: Path) -> None:
    """Delete temporary copies a killed run left behind (names start with '.' and end .tmp).

    Only called under the run lock, so no other run is writing them.
    """
    for directory in directories:
        if directory.is_dir():
            for leftover in directory.rglob(".*.tmp"):
                leftover.unlink(missing_ok=True)
