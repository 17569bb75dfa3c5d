"""The commit journal: a run's files become visible together or not at all.

Publication.commit() writes DIR/.journal (fsynced, renamed into place) listing
each staged temporary, its target and a hard-linked backup of the target's
previous version, and only then renames the temporaries onto their targets.
Whatever stops the process from then on (SIGKILL, power loss), the journal is
there for the next command, which settles it under the directory locks
before doing anything else:

  state "commit"   every temporary still present is renamed onto its target
                   (they were fsynced before the journal was written): all new;
  state "rollback" a commit that failed half-way is undone from the backups:
                   all old.

This is the redo journal of SQLite's WAL and of git's lock files, rather than
a generation directory switched by one symlink: the catalogs' paths are fixed
(translators edit locales/nl/LC_MESSAGES/clusters.po in place) and a run
writes two directories, which no single rename can switch together.
"""

import json
import os
import secrets
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.files import sync_directories

JOURNAL = ".journal"


def backup_path(target: Path) -> Path:
    """A fresh name beside target for its previous version (cleaned up like a temporary)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.old.tmp")


def write(directory: Path, state: str, entries: list[dict]) -> Path:
    """Durably (re)write directory/.journal; from here on the next command settles it."""
    path = directory / JOURNAL
    temporary = directory / f".{JOURNAL}.{secrets.token_hex(4)}.tmp"
    data = json.dumps({"state": state, "entries": entries}, indent=1).encode()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directories([path])
    return path


def roll_forward(entries: list[dict]) -> None:
    """Rename every temporary still present onto its target; drop the backups."""
    for entry in entries:
        if os.path.lexists(entry["temporary"]):
            os.replace(entry["temporary"], entry["target"])
    sync_directories(Path(entry["target"]) for entry in entries)
    for entry in entries:
        if entry["backup"]:
            Path(entry["backup"]).unlink(missing_ok=True)


def roll_back(entries: list[dict]) -> None:
    """Put every target back as it was before the commit (idempotent, so a
    rollback cut short by a kill is finished by the next command)."""
    for entry in reversed(entries):
        temporary, target, backup = entry["temporary"], Path(entry["target"]), entry["backup"]
        if os.path.lexists(temporary):
            os.unlink(temporary)  # never renamed: the target is still the old file
            if backup is not None:
                Path(backup).unlink(missing_ok=True)
        elif backup is None:
            target.unlink(missing_ok=True)  # the target did not exist before the commit
        elif os.path.lexists(backup):
            os.replace(backup, target)
    sync_directories(Path(entry["target"]) for entry in entries)


def finish(path: Path) -> None:
    """Remove the journal: the commit (or rollback) is complete."""
    path.unlink()
    sync_directories([path])


def settle(*directories: Path) -> list[str]:
    """Finish what a killed command left in a journal (caller holds the locks); a line each."""
    done = []
    for directory in directories:
        path = directory / JOURNAL
        if not os.path.lexists(path):
            continue
        try:
            journal = json.loads(path.read_bytes())
            if journal["state"] == "commit":
                roll_forward(journal["entries"])
            else:
                roll_back(journal["entries"])
            finish(path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            why = getattr(error, "strerror", None) or f"{type(error).__name__}: {error}"
            raise RunFailed(f"cannot settle the interrupted publication in {path}: {why}; "
                            "nothing more was changed") from None
        done.append(f"{journal['state']} of {len(journal['entries'])} files in {path}")
    return done
