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

A journal is data read from disk, so it is read as untrusted: before anything is
touched, every entry must name a target inside the directories the settling
command holds, a temporary `.NAME.XXXXXXXX.tmp` and a backup `.NAME.XXXXXXXX.old.tmp`
of that very target in its own directory, as Publication.commit() writes them;
anything else refuses with one line and nothing is renamed or removed.

This is the redo journal of SQLite's WAL and of git's lock files, rather than
a generation directory switched by one symlink: the catalogs' paths are fixed
(translators edit locales/nl/LC_MESSAGES/clusters.po in place) and a run
writes two directories, which no single rename can switch together.
"""

import json
import os
import re
import secrets
from pathlib import Path

from pipeline.errors import RunFailed
from pipeline.files import open_regular, sync_directories

JOURNAL = ".journal"
_TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp's random part
_BACKUP = re.compile(r"\.(.+)\.[0-9a-f]{8}\.old\.tmp")  # backup_path()'s
_KEYS = {"temporary", "target", "backup"}


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
        handle = open_regular(path)
        with handle:
            data = handle.read()
        journal = checked(data, path, directories)
        try:
            if journal["state"] == "commit":
                roll_forward(journal["entries"])
            else:
                roll_back(journal["entries"])
            finish(path)
        except OSError as error:
            raise RunFailed(f"cannot settle the interrupted publication in {path}: "
                            f"{error.strerror} ({error.filename}); settling can be repeated: "
                            "run the command again") from None
        done.append(f"{journal['state']} of {len(journal['entries'])} files in {path}")
    return done


def checked(data: bytes, path: Path, directories) -> dict:
    """The journal in data when it is one Publication.commit() could have written for
    files in directories; RunFailed naming what is wrong otherwise (nothing touched)."""
    def refuse(why: str):
        raise RunFailed(f"refusing to settle {path}: {why}; nothing was changed (check the "
                        "file, then remove it by hand)")

    try:
        journal = json.loads(data)
    except ValueError as error:
        refuse(f"it is not JSON ({getattr(error, 'msg', error)})")
    if not isinstance(journal, dict) or set(journal) != {"state", "entries"} \
            or journal["state"] not in ("commit", "rollback") \
            or not isinstance(journal["entries"], list):
        refuse("it is not a journal this program writes")
    roots = [root for directory in directories
             for root in {os.path.abspath(directory), os.path.realpath(directory)}]
    for number, entry in enumerate(journal["entries"], start=1):
        why = _entry_problem(entry, roots)
        if why:
            refuse(f"entry {number} {why}")
    return journal


def _entry_problem(entry, roots: list[str]) -> str | None:
    if not isinstance(entry, dict) or set(entry) != _KEYS:
        return "is not a journal entry"
    target, temporary, backup = entry["target"], entry["temporary"], entry["backup"]
    if not all(isinstance(name, str) for name in (target, temporary)) \
            or not isinstance(backup, str | None):
        return "is not a journal entry"
    if not _inside(target, roots) or os.path.basename(target).startswith("."):
        return f"names the target {target!r}, which is not a file of this command's directories"
    for name, pattern, given in (("temporary", _TEMPORARY, temporary),
                                 ("backup", _BACKUP, backup)):
        if given is None and name == "backup":
            continue
        found = pattern.fullmatch(os.path.basename(given))
        if os.path.dirname(given) != os.path.dirname(target) or found is None \
                or found.group(1) != os.path.basename(target) or not _inside(given, roots):
            return f"names the {name} {given!r}, which is not one of its target's"
    return None


def _inside(name: str, roots: list[str]) -> bool:
    """name is an absolute, normalised path strictly inside one of roots."""
    if "\0" in name or not os.path.isabs(name) or os.path.normpath(name) != name:
        return False
    return any(name.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
