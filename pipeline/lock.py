"""One run at a time per output directory.

The lock is an flock on output/.lock, so the kernel releases it when its
holder dies, however it dies. The file names the holder (pid, start time) so
a second run can say who holds it; a holder removes the file when done, so
a file still naming a holder that no longer holds the lock was left by a
killed run: it is stale and taken over.
"""

import contextlib
import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import RunFailed

LOCK_NAME = ".lock"


@contextlib.contextmanager
def run_lock(output: Path):
    """Hold output/.lock for the block; yields the stale holder taken over, or None."""
    path = output / LOCK_NAME
    fd = _acquire(path)
    try:
        stale = _holder(fd) or None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": started}).encode(), 0)
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
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise RunFailed(f"cannot lock {path}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise RunFailed(f"another run holds {path}: pid {holder.get('pid', '?')}, "
                            f"started {holder.get('started', '?')}") from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the previous holder removed the file meanwhile: lock the new one
    raise RunFailed(f"cannot lock {path}: it keeps changing")


def _holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {"pid": "unknown"}
