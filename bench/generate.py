"""Generated sites for the scale benchmarks: records, translations and a new site version.

Everything is deterministic (fixed vocabulary, fixed seeds), so every run of
the benchmark measures the same files. Texts are sentences of 8–40 words;
clusters have ids c00001, c00002, … so catalog contexts look like ours
(`cluster/c00001/description`).
"""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.i18n import po

SEED = 20261128
PAGE_URL = "https://invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy"
VOCABULARY = tuple("""
able access across action active advance agency aim air alliance analysis applied area
around asset assist attract automated balance base basic battery become benefit better
bio blue board boost brand bridge broad build business capacity capital carbon care
center chain change chemistry circular city clean climate cluster coast collaborate
common community company competence complex connect consortium construction consumer
content control cost create critical culture customer data deliver demand design develop
device digital direct domain drive durable early economy ecosystem edge education
effective efficient electric emission energy engine enterprise environment equipment
European event excellence expand expert export facility factory field finance flexible
focus food forward founded future global goal green grid ground group grow health help
high hub human idea impact improve industry initiative innovation insight integrate
intelligent international invest joint knowledge lab large launch lead learn legal life
light link local logistics long maritime market material measure medical member method
mobility model modern network new offer open operation opportunity order organise
partner people performance pilot plan plastic platform policy port power practice
precision process product production program project public quality rapid reach
research resource result roll safe scale science sector secure service share skill smart
society software solution source space spearhead standard start strategy strength
strong structure supply support sustainable system talent team technology test
tomorrow tool trade traffic transition transport trust unique university value vision
water waste wind work world young zero
""".split())
PAGE_RECORD_BASE = {"type": "page", "id": "cluster-policy"}


def sentence(rng: random.Random, low: int = 8, high: int = 40) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(low, high))]
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


def _dictionary(language: str) -> dict[str, str]:
    """A fixed word-for-word 'translation' per language (a seeded permutation of the vocabulary)."""
    words = list(VOCABULARY)
    random.Random(f"{SEED}-{language}").shuffle(words)
    suffix = {"nl": "en", "fr": "é"}[language]
    return {source: target + suffix for source, target in zip(VOCABULARY, words, strict=True)}


_DICTIONARIES: dict[str, dict[str, str]] = {}


def translate(text: str, language: str) -> str:
    """The generated translation of a generated sentence: deterministic, distinct per text."""
    table = _DICTIONARIES.setdefault(language, _dictionary(language))
    words = text.rstrip(".").split()
    translated = [table.get(word.lower(), word) for word in words]
    return " ".join([translated[0].capitalize(), *translated[1:]]) + "."


def cluster_id(number: int) -> str:
    return f"c{number:05d}"


def cluster_record(rng: random.Random, number: int, used: set[str]) -> dict:
    texts = []
    for _ in range(3):
        text = sentence(rng)
        while text in used:  # every source text unique, so a moved translation shows
            text = sentence(rng)
        used.add(text)
        texts.append(text)
    name, tagline, description = texts
    return {"type": "cluster", "id": cluster_id(number), "position": number, "name": name,
            "tagline": tagline, "description": description,
            "url": f"{PAGE_URL}#{cluster_id(number)}"}


def site_records(clusters: int, seed: int = SEED) -> list[dict]:
    """A page record (shape of output/records.jsonl) and `clusters` generated clusters."""
    rng = random.Random(seed)
    used: set[str] = set()
    page = {**PAGE_RECORD_BASE, "title": "Generated spearhead clusters",
            "intro": sentence(rng), "url": PAGE_URL,
            "breadcrumbs": ["Flanders Investment & Trade", "Invest in Flanders"]}
    used.update((page["title"], page["intro"]))
    return [page, *(cluster_record(rng, number, used) for number in range(1, clusters + 1))]


def write_records(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def fill_translations(po_file: Path, language: str) -> dict[str, str]:
    """Translate every live message of a catalog in place; {msgctxt: translation}."""
    catalog = po.read(po_file)
    translations = {}
    for entry in catalog.entries:
        if not entry.obsolete:
            entry.msgstr = translate(entry.msgid, language)
            translations[entry.msgctxt] = entry.msgstr
    po_file.write_bytes(po.dump(catalog))
    return translations


def texts(records: list[dict]) -> dict[str, str]:
    """{msgctxt: source text} of the translatable fields, as speerpunt's template has them."""
    from pipeline.items import from_dict

    found = {}
    for data in records:
        record = from_dict(data)
        for key, text, _ in record.messages():
            found[f"{record.kind}/{record.id}/{key}"] = text
    return found


@dataclass
class NewVersion:
    """The next version of a generated site and what changed, by msgctxt."""

    records: list[dict]
    edited: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def new_version(records: list[dict], edit_share: float = 0.05, add_share: float = 0.02,
                remove_share: float = 0.02, seed: int = SEED + 1) -> NewVersion:
    """5 % of texts edited (one word changed), 2 % of messages added, 2 % removed.

    Messages are added and removed a cluster (3 messages) at a time: new clusters
    at random places in the page, dropped clusters anywhere.
    """
    rng = random.Random(seed)
    page, clusters = records[0], [dict(r) for r in records[1:]]
    messages = len(texts(records))
    used = set(texts(records).values())
    removed_clusters = set(rng.sample(range(len(clusters)), round(remove_share * messages / 3)))
    removed = [f"cluster/{clusters[i]['id']}/{name}" for i in sorted(removed_clusters)
               for name in ("name", "tagline", "description")]
    kept = [c for i, c in enumerate(clusters) if i not in removed_clusters]
    next_number = len(clusters) + 1
    added = []
    for _ in range(round(add_share * messages / 3)):
        cluster = cluster_record(rng, next_number, used)
        next_number += 1
        kept.insert(rng.randint(0, len(kept)), cluster)
        added += [f"cluster/{cluster['id']}/{name}" for name in ("name", "tagline", "description")]
    page = dict(page)
    new_ids = {context.split("/")[1] for context in added}
    candidates = [(page, "intro")] + [(c, name) for c in kept if c["id"] not in new_ids
                                      for name in ("name", "tagline", "description")]
    edited = []
    for record, name in rng.sample(candidates, round(edit_share * messages)):
        words = record[name].rstrip(".").split()
        at = rng.randrange(len(words))
        replacement = rng.choice([w for w in VOCABULARY if w.lower() != words[at].lower()])
        words[at] = replacement.capitalize() if at == 0 else replacement
        text = " ".join(words) + "."
        if text in used:
            continue
        used.add(text)
        record[name] = text
        edited.append(f"{record['type']}/{record['id']}/{name}")
    for position, cluster in enumerate(kept, start=1):
        cluster["position"] = position
    return NewVersion([page, *kept], edited, added, removed)


# ---------------------------------------------------------------- translation memory


@dataclass
class MemoryCase:
    """Untranslated en messages and an en→nl translation memory, with what each message
    was made to find (its `kind`), by msgctxt."""

    messages: list[tuple[str, str]]  # (msgctxt, msgid)
    units: list  # pipeline.i18n.memory.Unit
    kinds: dict[str, str] = field(default_factory=dict)


MEMORY_MIX = (  # (kind, share of the messages)
    ("context", 0.05),  # the site's own nl version of this very field, same text
    ("context-edited", 0.03),  # the field's text changed by a word since its nl was seen
    ("exact", 0.07),  # the same text, translated elsewhere (another field, an agency)
    ("near", 0.10),  # a memory text with one to three words changed
    ("unrelated", 0.75),  # nothing like it in the memory
)


def _edited(rng: random.Random, text: str, changes: int) -> str:
    words = text.rstrip(".").split()
    for _ in range(changes):
        at = rng.randrange(len(words))
        replacement = rng.choice([w for w in VOCABULARY if w.lower() != words[at].lower()])
        words[at] = replacement.capitalize() if at == 0 else replacement
    return " ".join(words) + "."


def memory_case(messages: int, units: int, seed: int = SEED + 2) -> MemoryCase:
    """`messages` untranslated messages and a `units`-unit memory, seeded.

    Texts are as the catalogs' (generate.sentence: 8–40 words of the fixed vocabulary),
    a third of them short (2–6 words, as names and taglines). The memory: the site's nl
    versions of fields (with their msgctxt) for the messages that have one, the sources
    of the exact and near messages (half with another msgctxt, half from an agency's
    TMX, without), and unrelated texts for the rest. Messages: MEMORY_MIX.
    """
    from pipeline.i18n.memory import Unit

    rng = random.Random(seed)
    used: set[str] = set()

    def fresh() -> str:
        while True:
            text = sentence(rng, 2, 6) if rng.random() < 1 / 3 else sentence(rng)
            if text not in used:
                used.add(text)
                return text

    def unit(source: str, context: str | None, origin: str) -> Unit:
        day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return Unit(source, translate(source, "nl"), "en", "nl", origin, context, day)

    found: list[tuple[str, str]] = []
    memory: list[Unit] = []
    kinds: dict[str, str] = {}
    counts = {kind: round(share * messages) for kind, share in MEMORY_MIX}
    counts["unrelated"] += messages - sum(counts.values())
    plan = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(plan)
    for number, kind in enumerate(plan, start=1):
        context = f"cluster/{cluster_id(number)}/{rng.choice(('name', 'tagline', 'description'))}"
        page = f"https://cluster{number % 97}.example/nl/{number}"
        text = fresh()
        if kind == "context":
            memory.append(unit(text, context, page))
        elif kind == "context-edited":
            memory.append(unit(text, context, page))
            text = _edited(rng, text, 1)
        elif kind in ("exact", "near"):
            elsewhere = f"cluster/{cluster_id(messages + number)}/name"
            memory.append(unit(text, elsewhere, page) if rng.random() < 0.5
                          else unit(text, None, "agency-2025.tmx"))
            if kind == "near":
                text = _edited(rng, text, rng.randint(1, 3))
        found.append((context, text))
        kinds[context] = kind
    while len(memory) < units:
        memory.append(unit(fresh(), None, "agency-2025.tmx"))
    rng.shuffle(memory)
    return MemoryCase(found, memory, kinds)


def write_pot(path: Path, messages: list[tuple[str, str]]) -> None:
    """A template of the messages (msgctxt, msgid), as `catalogs update` writes them."""
    header = po.Entry("", "Project-Id-Version: speerpunt bench\nMIME-Version: 1.0\n"
                          "Content-Type: text/plain; charset=UTF-8\n"
                          "Content-Transfer-Encoding: 8bit\n")
    entries = [po.Entry(msgid, msgctxt=context) for context, msgid in messages]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(po.dump(po.Catalog(header, entries)))


def write_memory(path: Path, units: list) -> None:
    """The memory as HEAD writes it (pipeline.i18n.memory.dump_tmx)."""
    from pipeline.i18n.memory import dump_tmx

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dump_tmx(units))


def write_empty_catalog(path: Path) -> None:
    """A catalog of no message: translate-toolkit's pretranslate needs a template (its
    3.20.4 fails on `None.findunit` without one) and finds nothing in this one."""
    header = po.Entry("", "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
                          "Content-Transfer-Encoding: 8bit\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(po.dump(po.Catalog(header, [])))


def memory_counts(catalog: Path, kinds: dict[str, str]) -> dict[str, tuple[int, int]]:
    """{kind of message: (messages filled, of which fuzzy)} of a pre-filled catalog."""
    counts = {kind: (0, 0) for kind, _ in MEMORY_MIX}
    for entry in po.read(catalog).entries:
        kind = kinds.get(entry.msgctxt or "")
        if kind is not None and entry.msgstr:
            filled, fuzzy = counts[kind]
            counts[kind] = (filled + 1, fuzzy + entry.fuzzy)
    return counts
