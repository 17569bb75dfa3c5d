"""Stable ids: a record keeps its id when the site rewords it.

A crawl names each record by a slug of its wording; published records are what
downstream sites and the catalogs key on, so before publishing, every new record
is matched with the last good run:
- an article is the article at the same URL (its identity is its URL): a retitled
  teaser keeps its id;
- a cluster whose name was re-spelled ("Flux50:" -> "Flux 50:") is the vanished
  cluster with the same description, or the same website, or the same tagline at
  the same position; only a match of exactly one to one counts.
A record matched so keeps its old id, and the change is reported as a rename.
"""

from dataclasses import dataclass, replace

from pipeline.items import Article, Cluster, Record


@dataclass(frozen=True)
class Rename:
    key: str  # the kept key
    crawled: str  # the key the crawl gave it
    field: str  # what changed ("name", "title")
    old: str
    new: str

    def as_dict(self) -> dict:
        return {"key": self.key, "crawled_as": self.crawled, "field": self.field,
                "old": self.old, "new": self.new}


def renamed(record: Record, new_id: str) -> Record:
    """record under new_id (a cluster's URL fragment follows its id)."""
    if isinstance(record, Cluster):
        return replace(record, id=new_id, url=f"{record.url.partition('#')[0]}#{new_id}")
    return replace(record, id=new_id)


def keep_ids(previous: list[Record], records: list[Record]) -> tuple[list[Record], list[Rename]]:
    """records with the ids of the last good run kept where the same thing was reworded."""
    before = {record.key: record for record in previous}
    now = {record.key for record in records}
    vanished = [record for record in previous if record.key not in now]
    taken = set(now)
    matches: dict[int, Record] = {}
    for index, record in enumerate(records):
        if record.key in before:
            continue
        candidates = [old for old in vanished if same_thing(old, record)]
        if len(candidates) == 1 and candidates[0].key not in taken:
            partners = [other for other in records
                        if other.key not in before and same_thing(candidates[0], other)]
            if len(partners) == 1:
                matches[index] = candidates[0]
                taken.add(candidates[0].key)
    kept, renames = [], []
    for index, record in enumerate(records):
        old = matches.get(index)
        if old is None:
            kept.append(record)
            continue
        kept.append(renamed(record, old.id))
        field = "name" if isinstance(record, Cluster) else "title"
        renames.append(Rename(old.key, record.key, field, getattr(old, field),
                              getattr(record, field)))
    return kept, renames


def same_thing(old: Record, new: Record) -> bool:
    """new is old reworded: the same type, and what identifies that type is unchanged."""
    if type(old) is not type(new):
        return False
    if isinstance(new, Article):
        return old.url == new.url
    if isinstance(new, Cluster):
        website = getattr(new, "website", None)
        return (old.description == new.description
                or (website is not None and getattr(old, "website", None) == website)
                or (old.tagline == new.tagline and old.position == new.position))
    return False
