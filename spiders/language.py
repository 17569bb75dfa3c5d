"""Is a page in the language it should be? Its declared language and its text both say.

A page is refused when `<html lang>` (else the Content-Language header) names another
language than the one expected, or when its text is plainly written in another one:
lingua (a well-kept detector; its low-accuracy mode loads in tens of milliseconds)
must be at least CONFIDENT that it is another language of the ones it compares.
Short texts say too little and are only judged by their declaration.
"""

from functools import cache

LANGUAGES = ("en", "nl", "fr", "de", "es", "it")  # what the detector chooses between
CONFIDENT = 0.9
MIN_WORDS = 20


def declared(response) -> str | None:
    """The page's own statement of its language: <html lang>, else Content-Language."""
    tag = response.xpath("/html/@lang").get() or response.xpath("/html/@xml:lang").get()
    if not tag:
        tag = response.headers.get("Content-Language", b"").decode("latin-1").split(",")[0]
    return primary(tag) or None


def primary(tag: str | None) -> str:
    """The primary language subtag, lower case: 'nl-BE' -> 'nl'."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()


@cache
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def written_in(text: str) -> tuple[str, float] | None:
    """(language, confidence) of text by the detector; None when too short to tell."""
    if len(text.split()) < MIN_WORDS:
        return None
    best = _detector().compute_language_confidence_values(text)[0]
    return best.language.iso_code_639_1.name.lower(), best.value


def mismatch(response, text: str, expected: str, version: bool = False) -> str | None:
    """Why the page is not in the expected language (one line), or None. version: the
    page is another language's version of a source page, linked as `expected`."""
    stated = declared(response)
    if stated is not None and stated != expected:
        if version:
            return (f"{response.url} declares its language as {stated!r}, not {expected!r} as "
                    "its link says; its text is not offered to translators")
        return (f"{response.url} declares its language as {stated!r}, not {expected!r} as its "
                "source is written; refusing to publish it as such")
    found = written_in(text)
    if found is not None and found[0] != expected and found[1] >= CONFIDENT:
        return (f"{response.url} is written in {found[0]!r} (detected with confidence "
                f"{found[1]:.2f}), not {expected!r} as "
                + ("its link says; its text is not offered to translators" if version
                   else "its source is; refusing to publish it"))
    return None
