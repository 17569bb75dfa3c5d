"""The HTTP cache: where it lives, and a policy that revalidates every page on every run.

Scrapy's RFC 2616 policy serves a page from the cache while the server's max-age (or
a heuristic from an old Last-Modified) says it is fresh: a changed page would then go
unseen for as long as the server claims, and a scheduled run would report
"unchanged". Here the cache only saves bandwidth: every run asks the server, with
If-None-Match / If-Modified-Since when it has them, and a 304 means unchanged; a
server error is never papered over with the cached copy.
"""

from pathlib import Path

from scrapy.extensions.httpcache import RFC2616Policy


class OutputCache:
    """Scrapy add-on: the HTTP cache in SPEERPUNT_OUTPUT/.cache/http as an absolute path,
    so it works where no scrapy.cfg names a project data directory (Scrapyd)."""

    def update_settings(self, settings) -> None:
        cache = Path(settings["SPEERPUNT_OUTPUT"]).absolute() / ".cache" / "http"
        settings.set("HTTPCACHE_DIR", str(cache), priority="addon")


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616 storage rules, but no cached page is ever fresh: each is revalidated."""

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304
