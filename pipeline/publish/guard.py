"""The publication guard: before a run commits, what it would lose against the last good run.

Published records and exports (still on disk: nothing is renamed before the
commit) are compared with what was staged. A loss is something that disappears
without the page itself saying so:
- a record removed: a cluster may go only when the title announces a count and no
  other cluster appeared in its place (with no count, none may go); an article's
  identity is its URL (pipeline/identity.py), so a retitled article is kept;
- a field a record had, now absent or empty (an article's date, a breadcrumb);
- a field the published export showed translated, now shown in the source language
  because the catalog in --locales has no entry for it at all (a wrong --locales, a
  missing or replaced catalog). A changed source sentence goes fuzzy, and a
  translator can empty or fuzzy an entry: the catalog still has the entry, so that
  is no loss;
- a URL dropped as unsafe by the crawl (pipeline/crawl/pipelines.py).
Records whose own page failed keep what was last published (stale), which is no
loss. A first run loses nothing.

Each loss has a key ("cluster/sim", "article/<id>/date", "nl/cluster/sim/name",
"page/cluster-policy/url"); `--accept-loss` accepts all, `--accept-loss KEY` those
whose key is KEY or starts with KEY/ (e.g. `cluster/sim`, `nl`, `article`).
"""

import json
from dataclasses import dataclass
from functools import singledispatch
from pathlib import Path

from pipeline.errors import BadUsage, RunFailed
from pipeline.items import Article, Cluster, Organisation, Record
from pipeline.records import keyed

ACCEPT_ALL = "all"


@dataclass(frozen=True)
class Loss:
    key: str
    what: str
    accepted: bool = False


class Refused(RunFailed):
    """The guard found losses nobody accepted: exit 1, nothing published."""


def accept_keys(accept: list[str]) -> set[str]:
    return {part.strip() for given in accept for part in given.split(",") if part.strip()}


def accepted(key: str, accept: list[str]) -> bool:
    keys = accept_keys(accept)
    return ACCEPT_ALL in keys or any(key == k or key.startswith(k.rstrip("/") + "/")
                                     for k in keys)


def judge(losses: list[Loss], accept: list[str]) -> list[Loss]:
    """The losses with whether each is accepted; BadUsage for an accept key that matches
    none of them (a typo must not pass unnoticed, nor stand ready for a later loss)."""
    judged = [Loss(loss.key, loss.what, accepted(loss.key, accept)) for loss in losses]
    for key in sorted(accept_keys(accept) - {ACCEPT_ALL}):
        if not any(accepted(loss.key, [key]) for loss in losses):
            raise BadUsage(f"--accept-loss={key} matches no loss of this run; nothing was "
                           "changed (the losses a run would make are listed in report.json)")
    return judged


def refusal(losses: list[Loss], listing: str, accept_with: str) -> str | None:
    """The one line naming the first loss nobody accepted and how many there are."""
    refused = [loss for loss in losses if not loss.accepted]
    if not refused:
        return None
    many = f"{len(refused)} losses" if len(refused) > 1 else "1 loss"
    return (f"refusing to publish {many} against the last good run; first: "
            f"{refused[0].key} {refused[0].what}; {listing}; "
            f"once read, publish with {accept_with}")


def find_losses(previous: list[Record], records: list[Record],
                unsafe: list[tuple[str, str]], announced: int | None,
                translations: list[Loss] = ()) -> list[Loss]:
    """Every loss, in page order: unsafe URLs, then records and fields, then translations."""
    losses = [Loss(f"{key}/url", f"is unsafe and was dropped: {url!r}") for key, url in unsafe]
    if previous:
        losses += record_losses(previous, records, announced)
    return losses + list(translations)


@dataclass(frozen=True)
class Change:
    """The run seen whole, for judging one removal."""

    previous: list[Record]
    records: list[Record]
    added: list[str]  # keys of records that appear in this run
    announced: int | None  # the count the overview's title announces


def record_losses(previous: list[Record], records: list[Record],
                  announced: int | None) -> list[Loss]:
    old, new = keyed(previous), keyed(records)
    change = Change(previous, records, [key for key in new if key not in old], announced)
    losses = []
    for key, record in old.items():
        if key not in new:
            why = removal(record, change)
            if why:
                losses.append(Loss(key, why))
            continue
        losses += field_losses(key, record.to_dict(), new[key].to_dict())
    return losses


@singledispatch
def removal(record: Record, change: Change) -> str | None:
    """Why removing record is a loss, or None when the page itself says it went."""
    return "would be removed, and the page does not say so"


@removal.register
def _(record: Cluster, change: Change) -> str | None:
    appeared = [key for key in change.added if key.startswith("cluster/")]
    if appeared:
        count = (f"the title still announces {change.announced}"
                 if change.announced is not None else "the title announces no count")
        return f"would be removed while {', '.join(appeared)} appears in its place, and {count}"
    if change.announced is None:
        before = sum(1 for other in change.previous if isinstance(other, Cluster))
        now = sum(1 for other in change.records if isinstance(other, Cluster))
        return (f"would be removed: {now} clusters where the last good run had {before}, "
                "and the title announces no count")
    return None  # the title announces the new count, and no cluster took its place


@removal.register
def _(record: Organisation, change: Change) -> str | None:
    if not any(isinstance(other, Cluster) and other.id == record.id for other in change.records):
        return None  # its cluster left the overview page: that removal is judged
    return "would be removed, and the page does not say so"


@removal.register
def _(record: Article, change: Change) -> str | None:
    if any(isinstance(other, Article) and other.url == record.url for other in change.records):
        return None  # the same article under another id: identity follows the URL
    return "would be removed, and the page does not say so"


def field_losses(key: str, was: dict, now: dict) -> list[Loss]:
    """A field that had a value and now has none; a list that lost items."""
    losses = []
    for name, value in was.items():
        current = now.get(name)
        if value in (None, "", []):
            continue
        if current in (None, "", []):
            how = "emptied" if name in now else "dropped"
            shown = json.dumps(value, ensure_ascii=False)
            losses.append(Loss(f"{key}/{name}", f"{name} {shown} would be {how}"))
        elif isinstance(value, dict) and isinstance(current, dict) and set(value) - set(current):
            gone = sorted(set(value) - set(current))
            losses.append(Loss(f"{key}/{name}", f"{name} {', '.join(gone)} would be dropped"))
        elif isinstance(value, list) and len(current) < len(value):
            gone = [item for item in value if item not in current] or value[len(current):]
            losses.append(Loss(f"{key}/{name}", f"{len(value) - len(current)} of {len(value)} "
                                                f"{name} would be dropped: "
                                                f"{json.dumps(gone, ensure_ascii=False)}"))
    return losses


def translation_losses(language: str, before: dict, after: dict, new_entries: set[str],
                       catalog_of) -> list[Loss]:
    """Fields translated in the published export, shown untranslated now for want of any
    catalog entry (catalog_of(context) -> the .po path the entry belongs in)."""
    old = export_objects(before)
    losses = []
    for key, obj in export_objects(after).items():
        was = old.get(key)
        if was is None:
            continue
        for name in obj["fallback"]:
            context = f"{key}/{name}"
            if shown_before(was, name) and context in new_entries:
                po = catalog_of(context)
                why = (f"{po} has no entry for it" if po.exists() else f"{po} does not exist") \
                    + " (wrong --locales, or a missing or replaced catalog?)"
                losses.append(Loss(f"{language}/{context}", f"would show in English: {why}"))
    return losses


def shown_before(was: dict, name: str) -> bool:
    """The published object had this text (`about/4`: a fourth paragraph) in its language."""
    field, _, number = name.partition("/")
    if name in was.get("fallback", []):
        return False
    if number:
        return isinstance(was.get(field), list) and len(was[field]) >= int(number)
    return field in was


def export_objects(export: dict) -> dict[str, dict]:
    """The export's page, clusters, articles and organisations by "type/id" (the msgctxt
    prefix)."""
    objects = {f"page/{export['page']['id']}": export["page"]}
    for kind in ("cluster", "article"):
        objects.update({f"{kind}/{obj['id']}": obj for obj in export[f"{kind}s"]})
    objects.update({f"organisation/{obj['organisation']['id']}": obj["organisation"]
                    for obj in export["clusters"] if "organisation" in obj})
    return objects


def valid_export(export) -> bool:
    """An export of the shape export_objects reads, every fallback a list."""
    try:
        return all(isinstance(obj.get("fallback", []), list)
                   for obj in export_objects(export).values())
    except (AttributeError, KeyError, TypeError):
        return False


def catalog_finder(layout, domain_of):
    """context -> the catalog path of its domain, for one language (see translation_losses)."""
    def finder(language: str):
        return lambda context: layout.catalog(domain_of(context), language)
    return finder


def listing(path: Path) -> str:
    return f"all listed in {path}"
