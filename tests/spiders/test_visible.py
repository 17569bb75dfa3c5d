"""Which markup the block reader leaves unread as not the page's content, and which it
reads on purpose (spiders/blocks.py, `skipped()`): one fragment each, read in process.
"""

from tests.spiders.test_classify import blocks_of

SHOWN = "Flux50 offers programs."


def texts(fragment: str) -> list[str]:
    return [text for _, text, _, _ in blocks_of(fragment)]


def test_invisible_format_characters_are_not_read():
    assert texts("<p>Read&shy;&#8203; more&#xFEFF;</p><p>\u200b\u2060</p>") == ["Read more"]
