"""A run's files become visible together or not at all: staged, fsynced, committed by journal.

A Publication stages each changed file as a temporary copy as soon as it is
ready (so a large run does not hold every file in memory) and commits them
all through the journal (pipeline/publish/journal.py). A failure while staging
(full disk, read-only directory) removes what was staged; a failure while
committing puts every target back: either way every target stays as it was.
A file the run read before replacing it (a catalog it merged) must still hold
the bytes it read when the commit starts: a translator's save in between is
never overwritten.
"""

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.files import open_regular, sync_directories, temporary_copy
from pipeline.publish import interrupt, journal


class Changed(RunFailed):
    """A file the run read changed on disk before the commit: nothing was changed."""


def digest_of(path: Path) -> str | None:
    """sha256 of the bytes at path now; None when there is no file."""
    handle = open_regular(path)
    if handle is None:
        return None
    with handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Publication:
    """Stage files now, commit them together; only inside roots (journal in the first)."""

    def __init__(self, *roots: Path):
        self.roots = [(root, root.resolve()) for root in roots]
        self.staged: list[tuple[Path, Path]] = []
        self.expected: dict[Path, str | None] = {}  # path -> sha256 of the bytes the run read
        self.created: list[Path] = []  # directories staging made, removed again if aborted

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.abort()

    def stage(self, path: Path, data: bytes | Iterable[bytes]) -> bool:
        """Write data (bytes, or chunks as they are made) beside path as a temporary copy,
        unless path already holds exactly that; True when staged."""
        self._check_inside(path)
        self.created += [parent for parent in reversed(path.parents) if not parent.exists()]
        try:
            temporary = temporary_copy(path, [data] if isinstance(data, bytes) else data)
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

    def expect(self, path: Path, digest: str | None) -> None:
        """The run read path as bytes with this sha256 (None: absent) and derived what it
        stages from them; the commit refuses if path changed meanwhile."""
        self.expected[path] = digest

    def _check_unchanged(self) -> None:
        for path, digest in self.expected.items():
            if digest_of(path) != digest:
                raise Changed(f"{path} changed while this run was merging it (saved by a "
                              "translator or a tool?); nothing was changed, and the run can be "
                              "repeated at once")

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
        self._check_unchanged()
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
                entries.append({"temporary": os.path.abspath(temporary),
                                "target": os.path.abspath(target),
                                "backup": backup and os.path.abspath(backup)})
            sync_directories([temporary for temporary, _ in order])
            path = journal.write(directory, "commit", entries)
        except OSError as error:
            _drop_backups(entries)
            raise RunFailed(f"cannot prepare the commit in {error.filename or directory}: "
                            f"{error.strerror}; nothing was changed") from None
        try:
            for entry in entries:
                _rename(entry)
            sync_directories([target for _, target in order])
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
        self.created = []
        journal.finish(path)
        _drop_backups(entries)

    def abort(self) -> None:
        """Remove what was staged, and the directories staging made: a failed command
        leaves nothing behind."""
        for temporary, _ in self.staged:
            temporary.unlink(missing_ok=True)
        self.staged = []
        remove_empty(self.created)
        self.created = []

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


def remove_empty(directories: list[Path]) -> None:
    """Remove each directory that is empty, the deepest first."""
    for directory in sorted(set(directories), key=lambda path: len(path.parts), reverse=True):
        try:
            directory.rmdir()
        except OSError:
            pass  # not empty (or gone): it holds something this command did not make
