"""Every path speerpunt reads or writes, from the two directories a command is given.

`--output` holds records, exports, the schema, the index, the preview, the report
and the HTTP cache; `--locales` holds the templates, catalogs and compiled catalogs.
Nothing else is ever written (but the system temporary directory).
"""

from dataclasses import dataclass
from pathlib import Path

EXPORT_NAME = "clusters.json"
SCHEMA_NAME = "clusters.schema.json"


@dataclass(frozen=True)
class Layout:
    output: Path
    locales: Path

    @property
    def roots(self) -> tuple[Path, Path]:
        return self.output, self.locales

    @property
    def records(self) -> Path:
        return self.output / "records.jsonl"

    @property
    def report(self) -> Path:
        return self.output / "report.json"

    @property
    def index(self) -> Path:
        return self.output / "index.json"

    @property
    def schema(self) -> Path:
        return self.output / SCHEMA_NAME

    @property
    def cache(self) -> Path:
        return self.output / ".cache" / "http"

    def export(self, locale: str) -> Path:
        return self.output / locale / EXPORT_NAME

    @property
    def preview_index(self) -> Path:
        return self.output / "preview" / "index.html"

    def preview(self, locale: str) -> Path:
        return self.output / "preview" / f"{locale}.html"

    def template(self, domain: str) -> Path:
        return self.locales / f"{domain}.pot"

    def catalog(self, domain: str, language: str) -> Path:
        return self.locales / language / "LC_MESSAGES" / f"{domain}.po"

    def compiled(self, domain: str, language: str) -> Path:
        return self.catalog(domain, language).with_suffix(".mo")

    def glossary(self, language: str) -> Path:
        return self.locales / language / "glossary.tbx"

    def memory(self, language: str) -> Path:
        return self.locales / language / "memory.tmx"
