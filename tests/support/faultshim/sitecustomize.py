"""Fault injection for tests/faults/test_run_faults.py: a full disk, a kill, a read-only directory.

Python imports `sitecustomize` at start-up from the first directory on sys.path
that has one. tests/faults/test_run_faults.py puts this directory first on PYTHONPATH of the
`speerpunt` subprocess and sets SPEERPUNT_FAULT; without that variable this
module does nothing. These are simulations: the tests (and CI) run as root, for
whom chmod does not stop writes, and a real full or read-only file system is not
something a test can make on every machine. The fault is raised exactly where
the real one would surface, in the calls pipeline/files.py makes while staging:

  SPEERPUNT_FAULT=enospc:N   the N-th os.fsync raises ENOSPC (No space left on device)
  SPEERPUNT_FAULT=sigkill:N  at the N-th os.fsync the process SIGKILLs itself
  SPEERPUNT_FAULT=erofs      tempfile.mkstemp raises EROFS (Read-only file system) for
                             directories at or under SPEERPUNT_FAULT_DIR
  SPEERPUNT_FAULT=eperm:NAME os.replace onto a file named NAME raises EPERM (Operation not
                             permitted), as for a file made immutable with `chattr +i`
  SPEERPUNT_FAULT=full:NAME  os.fsync of a file whose name contains NAME raises ENOSPC
                             (a disk that fills up while the commit journal is written)
  SPEERPUNT_FAULT=slow:SECS  every os.replace and os.link takes SECS longer: the commit's
                             window is wide enough for a test to kill the process inside it
  SPEERPUNT_FAULT=fullwrite:NAME  writing to a file whose name contains NAME raises ENOSPC
                             once its buffer is flushed, on close too: a disk that fills up
                             while a large file is written
  SPEERPUNT_FAULT=nospace:NAME  creating a file named NAME (os.open with O_CREAT, the file
                             not there yet) raises ENOSPC: a disk with no room for a new
                             file, as when a run creates its .lock
  SPEERPUNT_FAULT=pause:NAME:SECS  the first os.fsync of a file whose name contains NAME
                             takes SECS longer: a test can edit a file meanwhile, as a
                             translator saving in Poedit between a run's read and its commit
"""

import os

FAULT = os.environ.get("SPEERPUNT_FAULT", "")

if FAULT:
    import errno
    import signal
    import tempfile

    kind, _, count = FAULT.partition(":")

    if kind in ("enospc", "sigkill"):
        _real_fsync = os.fsync
        _calls = 0
        _at = int(count or 1)

        def fsync(fd):
            global _calls
            _calls += 1
            if _calls == _at:
                if kind == "sigkill":
                    os.kill(os.getpid(), signal.SIGKILL)
                raise OSError(errno.ENOSPC, "No space left on device")
            return _real_fsync(fd)

        os.fsync = fsync

    elif kind == "erofs":
        _real_mkstemp = tempfile.mkstemp
        _read_only = os.path.realpath(os.environ["SPEERPUNT_FAULT_DIR"])

        def mkstemp(suffix=None, prefix=None, dir=None, text=False):
            where = os.path.realpath(dir if dir is not None else tempfile.gettempdir())
            if where == _read_only or where.startswith(_read_only + os.sep):
                raise OSError(errno.EROFS, "Read-only file system", str(dir))
            return _real_mkstemp(suffix, prefix, dir, text)

        tempfile.mkstemp = mkstemp

    elif kind == "eperm":
        _real_replace = os.replace

        def replace(source, target, **options):
            if os.path.basename(target) == count:
                raise OSError(errno.EPERM, "Operation not permitted", str(target))
            return _real_replace(source, target, **options)

        os.replace = replace

    elif kind == "full":
        _real_fsync = os.fsync

        def fsync(fd):
            if count in os.path.basename(os.readlink(f"/proc/self/fd/{fd}")):
                raise OSError(errno.ENOSPC, "No space left on device")
            return _real_fsync(fd)

        os.fsync = fsync

    elif kind == "slow":
        import time

        def slowed(real):
            def call(*args, **options):
                time.sleep(float(count))
                return real(*args, **options)
            return call

        os.replace, os.link = slowed(os.replace), slowed(os.link)

    elif kind == "fullwrite":
        _real_fdopen = os.fdopen

        class _Full:
            """A file object that accepts nothing: every write and flush is ENOSPC."""

            def __init__(self, handle):
                self._handle = handle

            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

            flush = write

            def close(self):
                self._handle.close()
                raise OSError(errno.ENOSPC, "No space left on device")

            def __getattr__(self, name):
                return getattr(self._handle, name)

        def fdopen(fd, mode="r", *args, **kwargs):
            handle = _real_fdopen(fd, mode, *args, **kwargs)
            name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
            return _Full(handle) if count in name and "w" in mode else handle

        os.fdopen = fdopen

    elif kind == "nospace":
        _real_open = os.open

        def open_(path, flags, mode=0o777, *, dir_fd=None):
            if flags & os.O_CREAT and os.path.basename(path) == count \
                    and not os.path.lexists(path):
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return _real_open(path, flags, mode, dir_fd=dir_fd)

        os.open = open_

    elif kind == "pause":
        import time

        _real_fsync = os.fsync
        _name, _, _seconds = count.partition(":")
        _paused = []

        def fsync(fd):
            if not _paused and _name in os.path.basename(os.readlink(f"/proc/self/fd/{fd}")):
                _paused.append(fd)
                time.sleep(float(_seconds))
            return _real_fsync(fd)

        os.fsync = fsync

    else:
        raise ValueError(f"unknown SPEERPUNT_FAULT {FAULT!r}")
