"""The publication guard: before a run commits, what it would lose against the last good run.

Published records and exports (still on disk: nothing is renamed before the
commit) are compared with what was staged. A loss is something that disappears
without the page itself saying so:
- a record removed (a cluster may go when the title announces the new count; with
  no count in the title, the last good run's count is the floor; an article whose
  title changed keeps its URL, so it is the same article);
- a field a record had, now absent or empty (an article's date, a breadcrumb);
- a field the published export showed translated, now shown in English because the
  catalog in --locales has no entry for it at all (a wrong --locales, a missing or
  replaced catalog). A changed English sentence goes fuzzy, and a translator can
  empty or fuzzy an entry: the catalog still has the entry, so that is no loss;
- a URL dropped as unsafe by the crawl (pipeline/pipelines.py SafeUrlPipeline).
Articles whose own page failed keep their last published date and URL
(CollectPipeline) and are reported as stale, not as losses. A first run loses nothing.

Each loss has a key ("cluster/sim", "article/<id>/date", "nl/cluster/sim/name",
"page/cluster-policy/url"); `--accept-loss` accepts all, `--accept-loss KEY` those
whose key is KEY or starts with KEY/ (e.g. `cluster/sim`, `nl`, `article`).
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.crawl.pipelines import ANNOUNCED_STAT, STALE_STAT, UNSAFE_STAT
from pipeline.errors import RunFailed
from pipeline.i18n.catalogs import LANGUAGES, po_path

ACCEPT_ALL = "all"


@dataclass(frozen=True)
class Loss:
    key: str
    what: str
    accepted: bool = False


class Refused(RunFailed):
    """The guard found losses nobody accepted: exit 1, nothing published."""


def check(report, previous: list[dict], records: list[dict], outcome: dict, crawl_stats: dict,
          output: Path, locales: Path, accept: list[str]) -> list[Loss]:
    """The run's losses, written to the report; Refused unless every one is accepted."""
    found = find_losses(previous, records, published_exports(output),
                        staged_exports(outcome["files"], output), outcome["merges"], locales,
                        crawl_stats)
    found = [Loss(loss.key, loss.what, accepted(loss.key, accept)) for loss in found]
    report.guarded([asdict(loss) for loss in found],
                   crawl_stats.get(STALE_STAT, []))
    line = refusal(found, f"all listed in {output / 'report.json'}", "--accept-loss")
    if line:
        raise Refused(line)
    return found


def refusal(losses: list[Loss], listing: str, accept_with: str) -> str | None:
    """The one line naming the first loss nobody accepted and how many there are."""
    refused = [loss for loss in losses if not loss.accepted]
    if not refused:
        return None
    many = f"{len(refused)} losses" if len(refused) > 1 else "1 loss"
    return (f"refusing to publish {many} against the last good run; first: "
            f"{refused[0].key} {refused[0].what}; {listing}; "
            f"once read, publish with {accept_with}")


def records_refusal(previous: list[dict], records: list[dict], crawl_stats: dict,
                    accept: list[str], log=None) -> str | None:
    """The record rules alone, where records.jsonl is published with no catalogs or exports:
    by `speerpunt crawl` (log None: the line says to accept with --accept-loss), or by
    `scrapy crawl`/Scrapyd (each loss logged there). The refusal line, or None."""
    found = [Loss(loss.key, loss.what, accepted(loss.key, accept))
             for loss in find_losses(previous, records, {}, {}, {}, Path(), crawl_stats)]
    if log is None:
        keys = ", ".join(loss.key for loss in found if not loss.accepted)
        return refusal(found, f"all: {keys}", "--accept-loss")
    for loss in found:
        log("%s loss %s %s", "accepted" if loss.accepted else "refused", loss.key, loss.what)
    return refusal(found, "all listed in the log", "-s SPEERPUNT_ACCEPT_LOSS=KEY[,KEY] or =all")


def accepted(key: str, accept: list[str]) -> bool:
    keys = {part.strip() for given in accept for part in given.split(",") if part.strip()}
    return ACCEPT_ALL in keys or any(key == k or key.startswith(k.rstrip("/") + "/")
                                     for k in keys)


def find_losses(previous: list[dict], records: list[dict], before: dict[str, dict],
                after: dict[str, dict], merges: dict, locales: Path,
                crawl_stats: dict) -> list[Loss]:
    """Every loss, in page order: unsafe URLs, then records and fields, then translations."""
    losses = [Loss(f"{item['record']}/url", f"is unsafe and was dropped: {item['url']!r}")
              for item in crawl_stats.get(UNSAFE_STAT, [])]
    if previous:
        losses += record_losses(previous, records, crawl_stats.get(ANNOUNCED_STAT))
    for language, export in after.items():
        if before.get(language):
            losses += translation_losses(language, before[language], export,
                                         merges[language].new, po_path(locales, language))
    return losses


def record_losses(previous: list[dict], records: list[dict], announced: int | None) -> list[Loss]:
    old, new = _keyed(previous), _keyed(records)
    clusters_before = sum(1 for record in previous if record["type"] == "cluster")
    clusters_now = sum(1 for record in records if record["type"] == "cluster")
    article_urls = {record["url"] for record in records if record["type"] == "article"}
    losses = []
    for key, record in old.items():
        if key not in new:
            if record["type"] == "cluster" and (announced is not None
                                                or clusters_now >= clusters_before):
                continue  # the crawl holds the title's count; or no count, and none fewer
            if record["type"] == "article" and record.get("url") in article_urls:
                continue  # the same article under a changed title
            losses.append(Loss(key, _removed(record, announced, clusters_now,
                                             clusters_before)))
            continue
        for name, value in record.items():
            now = new[key].get(name)
            if value in (None, "", []):
                continue
            if now in (None, "", []):
                how = "emptied" if name in new[key] else "dropped"
                shown = json.dumps(value, ensure_ascii=False)
                losses.append(Loss(f"{key}/{name}", f"{name} {shown} would be {how}"))
            elif isinstance(value, list) and len(now) < len(value):
                gone = [item for item in value if item not in now] or value[len(now):]
                losses.append(Loss(f"{key}/{name}", f"{len(value) - len(now)} of {len(value)} "
                                                    f"{name} would be dropped: "
                                                    f"{json.dumps(gone, ensure_ascii=False)}"))
    return losses


def _removed(record: dict, announced: int | None, now: int, before: int) -> str:
    if record["type"] == "cluster":
        return (f"would be removed: {now} clusters where the last good run had {before}, "
                f"and the title announces no count")
    return "would be removed, and the page does not say so"


def translation_losses(language: str, before: dict, after: dict, new_entries: list[str],
                       po: Path) -> list[Loss]:
    """Fields translated in the published export, now English for want of any catalog entry."""
    old = _objects(before)
    missing = set(new_entries)
    why = (f"{po} has no entry for it" if po.exists() else f"{po} does not exist") \
        + " (wrong --locales, or a missing or replaced catalog?)"
    losses = []
    for key, obj in _objects(after).items():
        was = old.get(key)
        if was is None:
            continue
        for name in obj["fallback"]:
            context = f"{key}/{name}"
            if name not in was.get("fallback", []) and context in missing:
                losses.append(Loss(f"{language}/{context}",
                                   f"would show in English: {why}"))
    return losses


def _keyed(records: list[dict]) -> dict[str, dict]:
    return {f"{record['type']}/{record['id']}": record for record in records}


def _objects(export: dict) -> dict[str, dict]:
    """The export's page, clusters and articles by "type/id" (the msgctxt prefix)."""
    objects = {f"page/{export['page']['id']}": export["page"]}
    for kind in ("cluster", "article"):
        objects.update({f"{kind}/{obj['id']}": obj for obj in export[f"{kind}s"]})
    return objects


def _valid(export) -> bool:
    """An export of the shape _objects reads (an older or damaged file is not compared)."""
    try:
        return all(isinstance(obj.get("fallback", []), list) for obj in _objects(export).values())
    except (AttributeError, KeyError, TypeError):
        return False


def published_exports(output: Path) -> dict[str, dict]:
    """The exports published now, by language; unreadable ones are not compared."""
    exports = {}
    for language in LANGUAGES:
        try:
            export = json.loads((output / language / "clusters.json").read_bytes())
        except (OSError, ValueError):
            continue
        if _valid(export):
            exports[language] = export
    return exports


def staged_exports(files: dict[Path, bytes], output: Path) -> dict[str, dict]:
    return {language: json.loads(files[output / language / "clusters.json"])
            for language in LANGUAGES if output / language / "clusters.json" in files}
