"""Files appear whole: written beside their target, fsynced, then renamed together.

A Publication stages each changed file as a temporary copy as soon as it is
ready (so a large run does not hold every file in memory) and renames them
all at commit. A failure while staging (full disk, read-only directory)
removes what was staged: every target stays as it was.
"""

import os
import tempfile
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

    def stage(self, path: Path, data: bytes) -> None:
        """Write data beside path as a temporary copy, unless path already holds it."""
        self._check_inside(path)
        if _same(path, data):
            return
        try:
            self.staged.append((_temporary_copy(path, data), path))
        except OSError as error:
            self.abort()
            raise RunFailed(f"cannot write {error.filename or path}: {error.strerror}; "
                            "nothing was changed") from None

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


def _temporary_copy(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _file_mode())  # mkstemp's 0600 would hide exports from a web server
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as error:
        os.unlink(name)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)  # a write/fsync error names no file: name the target
        raise
    return Path(name)


def _file_mode() -> int:
    """What a plain open() gives a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def remove_stale_temporaries(*directories: Path) -> None:
    """Delete temporary copies a killed run left behind (names start with '.' and end .tmp).

    Only called under the run lock, so no other run is writing them.
    """
    for directory in directories:
        if directory.is_dir():
            for leftover in directory.rglob(".*.tmp"):
                leftover.unlink(missing_ok=True)
