"""Scrapy add-on: where the HTTP cache lives."""

from pathlib import Path


class OutputCache:
    """Scrapy add-on: the HTTP cache in SPEERPUNT_OUTPUT/.cache/http as an absolute path,
    so it works where no scrapy.cfg names a project data directory (Scrapyd)."""

    def update_settings(self, settings) -> None:
        cache = Path(settings["SPEERPUNT_OUTPUT"]).absolute() / ".cache" / "http"
        settings.set("HTTPCACHE_DIR", str(cache), priority="addon")
