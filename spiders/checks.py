"""What a response or a failed request says went wrong, as one line.

Shared by every spider: a response that is not a page we can trust (not HTML, a
charset that contradicts its bytes, a character reference to no character) and
a request that failed (HTTP status, robots.txt, timeout, DNS) are each named in
one line an operator can act on.
"""

import re
from urllib.parse import urlparse

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from pipeline.text import replaced_reference

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def describe_failure(failure, allowed_host: str) -> str:
    """One line naming what went wrong with a request, and where."""
    error = failure.value
    url = failure.request.url if getattr(failure, "request", None) else "?"
    if isinstance(error, HttpError):
        response = error.response
        line = f"HTTP {response.status} from {response.url}"
        retries = response.request.meta.get("retry_times") if response.request else None
        if retries:
            line += f" (after {retries} {'retry' if retries == 1 else 'retries'})"
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            line += f"; the server asks to retry after {retry_after.decode('latin-1')}"
        return line
    if isinstance(error, IgnoreRequest):
        reason = str(error)
        if "robots.txt" in reason:
            return f"robots.txt of {urlparse(url).netloc} forbids crawling {url}"
        if "offsite" in reason:
            return f"refused to leave {allowed_host}: redirected to {url}"
        if "redirections" in reason:
            return f"redirect loop: more than the allowed redirects from {url}"
        return f"request to {url} ignored: {reason}"
    if isinstance(error, DownloadConnectionRefusedError | ConnectionRefusedError):
        return f"connection refused by {urlparse(url).netloc} for {url}"
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return f"timed out waiting for {url}"
    if isinstance(error, CannotResolveHostError):
        return f"cannot resolve the host of {url}"
    if isinstance(error, DownloadCancelledError):
        return f"download of {url} cancelled: {error}"
    if isinstance(error, ResponseDataLossError):
        return f"connection closed before the whole page arrived from {url}"
    return f"{type(error).__name__} fetching {url}: {error}".strip()


def page_problem(response) -> str | None:
    """Why a 200 response is not a cluster page we can trust, or None."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    if not isinstance(response, HtmlResponse):
        return f"{response.url} is not an HTML page (Content-Type: {content_type or 'none'})"
    declared = response.encoding.lower().replace("_", "-")
    if declared not in ("utf-8", "utf8") and _is_utf8_text(response.body):
        named = _CHARSET.search(content_type)  # as sent: Scrapy reports iso-8859-1 as cp1252
        return (f"{response.url} declares charset {named.group(1) if named else declared} "
                f"but its bytes are UTF-8; refusing to publish mis-decoded text")
    if "\ufffd" in response.text:
        return f"{response.url} has bytes that are not valid {response.encoding}"
    reference = replaced_reference(response.text)
    if reference:
        return f"{response.url} has {reference}, a character reference to no character"
    return None


def _is_utf8_text(body: bytes) -> bool:
    """Bytes that decode as UTF-8 and hold non-ASCII characters."""
    try:
        return not body.decode("utf-8").isascii()
    except UnicodeDecodeError:
        return False
