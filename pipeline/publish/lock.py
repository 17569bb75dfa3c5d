"""One lock for each directory a command writes, taken in a fixed order.

Each lock is an flock on DIR/.lock, so the kernel releases it when its holder
dies, however it dies. Runs that share any directory (the same --locales with
different --output) therefore never interleave, and whatever temporary file
lies in a locked directory belongs to a dead holder. Every command takes them
in one order, output then locales, without waiting: a lock already held
refuses the command at once, so no two commands can wait on each other.

The file names the holder (pid, start time) so a second run can say who holds
it; a holder removes the file when done, so a file still naming a holder that
no longer holds the lock was left by a killed run: it is stale and taken over.
The file is opened without following a symlink and must be a regular file.
"""

import contextlib
import errno
import fcntl
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import RunFailed

LOCK_NAME = ".lock"


@contextlib.contextmanager
def run_lock(*directories: Path):
    """Hold DIR/.lock of every directory for the block; yields the first stale holder
    taken over, or None."""
    unique = {directory.resolve(): directory for directory in directories}
    stale = None
    with contextlib.ExitStack() as stack:
        for directory in unique.values():
            taken = stack.enter_context(_lock(directory / LOCK_NAME))
            stale = stale or taken
        yield stale


@contextlib.contextmanager
def _lock(path: Path):
    fd = _acquire(path)
    try:
        stale = _holder(fd) or None
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": started}).encode(), 0)
        except OSError as error:  # a full disk: one line, and the lock is released
            raise RunFailed(f"cannot lock {path}: {error.strerror}") from None
        yield stale
        path.unlink(missing_ok=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def _acquire(path: Path) -> int:
    """A descriptor holding the flock of the file currently at path."""
    for _ in range(5):
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise RunFailed(f"another run holds {path}: pid {holder.get('pid', '?')}, "
                            f"started {holder.get('started', '?')}") from None
        try:
            if os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the previous holder removed the file meanwhile: lock the new one
    raise RunFailed(f"cannot lock {path}: it keeps changing")


def _open(path: Path) -> int:
    """path opened read-write, created if absent; a symlink or non-regular file refused."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise RunFailed(f"refusing to lock {path}: it is a symbolic link") from None
        raise RunFailed(f"cannot lock {path}: {error.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise RunFailed(f"refusing to lock {path}: it is not a regular file")
    return fd


def _holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {"pid": "unknown"}
