"""Files appear whole: written beside their target, fsynced, then renamed."""

import os
import tempfile
from pathlib import Path


def _temporary_copy(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace path with data unless it already holds exactly that; True when written."""
    return publish({path: data}) == [path]


def publish(files: dict[Path, bytes]) -> list[Path]:
    """Write every changed file to a temporary copy first, then rename them together.

    A failure while writing (full disk, read-only directory) leaves every
    target untouched and no temporary file behind. Returns the paths replaced.
    """
    changed = {path: data for path, data in files.items() if not _same(path, data)}
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in changed.items():
            staged.append((_temporary_copy(path, data), path))
    except BaseException as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)  # a write/fsync error names no file: name the target
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    return list(changed)


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
