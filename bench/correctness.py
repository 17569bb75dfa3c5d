"""Did a merge tool keep every translation where it belongs? Checked on the nl catalog.

The rules are the translators' contract of DESIGN.md:
- edited source → same context, fuzzy, the previous text as `#| msgid`, old translation kept;
- added source → empty msgstr (a translation there came from someone else's message);
- removed source → obsolete entry that still holds its translation;
- no translation ever sits under another context; unchanged messages keep theirs.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.i18n import po


@dataclass
class Verdict:
    edited_ok: int = 0
    edited: int = 0
    added_ok: int = 0
    added: int = 0
    added_wrong: int = 0  # new messages that got someone else's translation
    removed_ok: int = 0
    removed: int = 0
    moved: int = 0  # translations under another context than their own
    lost: int = 0  # unchanged messages whose translation is gone or now fuzzy
    problems: Counter = field(default_factory=Counter)
    error: str | None = None

    @property
    def correct(self) -> bool:
        return (self.error is None and self.edited_ok == self.edited
                and self.added_ok == self.added and self.removed_ok == self.removed
                and not self.added_wrong and not self.moved and not self.lost)

    def short(self) -> str:
        if self.error:
            return f"unreadable: {self.error}"
        text = (f"edited {self.edited_ok}/{self.edited}, added {self.added_ok}/{self.added}, "
                f"removed {self.removed_ok}/{self.removed}, moved {self.moved}, lost {self.lost}")
        if self.added_wrong:
            text += f", added with another's translation {self.added_wrong}"
        return ("OK: " if self.correct else "WRONG: ") + text

    def main_problems(self, count: int = 3) -> str:
        return "; ".join(f"{problem} ×{n}" for problem, n in self.problems.most_common(count))


def check(path: Path, old_texts: dict[str, str], old_translations: dict[str, str],
          new_texts: dict[str, str], edited: list[str], added: list[str],
          removed: list[str]) -> Verdict:
    verdict = Verdict(edited=len(edited), added=len(added), removed=len(removed))
    try:
        catalog = po.read(path)
    except (OSError, po.POError) as error:
        verdict.error = str(error)
        return verdict
    live = {e.msgctxt: e for e in catalog.entries if not e.obsolete}
    obsolete: dict[str | None, list[po.Entry]] = {}
    for entry in catalog.entries:
        if entry.obsolete:
            obsolete.setdefault(entry.msgctxt, []).append(entry)
        if entry.msgstr and entry.msgstr != old_translations.get(entry.msgctxt):
            verdict.moved += 1
    for context in edited:
        entry = live.get(context)
        problem = (
            "edited: missing" if entry is None
            else "edited: wrong msgid" if entry.msgid != new_texts[context]
            else "edited: translation not kept" if entry.msgstr != old_translations[context]
            else "edited: not fuzzy" if not entry.fuzzy
            else "edited: previous text not kept as previous msgid"
            if entry.previous_msgid != old_texts[context]
            else None)
        if problem:
            verdict.problems[problem] += 1
        else:
            verdict.edited_ok += 1
    for context in added:
        entry = live.get(context)
        if entry is None:
            verdict.problems["added: missing"] += 1
        elif entry.msgstr:
            verdict.added_wrong += 1
            verdict.problems["added: has another message's translation"] += 1
        else:
            verdict.added_ok += 1
    for context in removed:
        if context in live:
            verdict.problems["removed: still live"] += 1
        elif any(e.msgstr == old_translations[context] for e in obsolete.get(context, [])):
            verdict.removed_ok += 1
        else:
            verdict.problems["removed: translation dropped"] += 1
    changed = set(edited) | set(added)
    for context in new_texts:
        if context in changed:
            continue
        entry = live.get(context)
        if entry is None or entry.msgstr != old_translations[context] or entry.fuzzy:
            verdict.lost += 1
            verdict.problems["unchanged: translation lost or fuzzy"] += 1
    return verdict
