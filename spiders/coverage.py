"""Text coverage: every block of the main content is placed in a record field or is chrome.

What is neither is unplaced; unplaced text of sentence length (five words or more)
refuses the crawl, so a markup the classifier does not know is a clear refusal
rather than a silent loss. The counts go to the crawl stats, and from there to
report.json.
"""

import re

SENTENCE_WORDS = 5
QUOTE_CHARS = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def tally(roles) -> dict[str, int]:
    """How many blocks were placed, chrome and unplaced."""
    counts = {"placed": 0, "chrome": 0, "unplaced": 0}
    for _, role in roles:
        counts[role] += 1
    return counts


def first_sentence(text: str) -> str:
    sentence = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[: QUOTE_CHARS - 1] + "…"


def refusal(roles, url: str) -> str | None:
    """One line quoting the first unplaced sentence-length text, or None."""
    for block, role in roles:
        if role == "unplaced" and len(block.text.split()) >= SENTENCE_WORDS:
            return (f"text on {url} fits no record field and is not page chrome: "
                    f"\"{first_sentence(block.text)}\"")
    return None
