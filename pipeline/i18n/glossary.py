"""The names that stay as they are, as a TBX glossary Weblate, Poedit and OmegaT read.

brands.json (beside this module) is the list a maintainer reviews; `catalogs
update` keeps `locales/<lang>/glossary.tbx` holding each of its names as an
untranslatable term (`<descrip type="Translation needed">No</descrip>`, which
Weblate shows as read-only and translate-toolkit reads as not translatable).
A term a translator added there (in Weblate's glossary, say) is kept: names
missing are added, nothing is removed or rewritten. `catalogs check` enforces
brands.json and every untranslatable term of the catalog's language's glossary.
"""

import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree

from pipeline.errors import RunFailed
from pipeline.files import open_regular

SOURCE_LANGUAGE = "en"  # the glossary's source terms (a Weblate glossary has one)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HEAD = (b'<?xml version="1.0" encoding="utf-8"?>\n'
         b'<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" '
         b'"TBXcdv04.dtd">\n')
_EXPLANATION = "A name: it stays as it is in every language (speerpunt's brands.json)."


@cache
def brands() -> tuple[str, ...]:
    """Names that must stay as they are (brands.json beside this module)."""
    data = json.loads(files("pipeline.i18n").joinpath("brands.json").read_text(encoding="utf-8"))
    return tuple(data["verbatim"])


def _parser() -> etree.XMLParser:
    """No entities resolved, no network, no DTD fetched: a glossary is data, not a program."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           remove_blank_text=False)


def read(path: Path) -> etree._ElementTree | None:
    """The glossary at path, None when there is none; RunFailed (file:line) when broken."""
    handle = open_regular(path)
    if handle is None:
        return None
    with handle:
        data = handle.read()
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as error:
        raise RunFailed(f"{path}:{error.lineno}: not a TBX glossary: {error.msg}") from None
    if tree.getroot().tag != "martif" or tree.find("text/body") is None:
        raise RunFailed(f"{path}:1: not a TBX glossary: no <martif><text><body>")
    return tree


def _terms(entry: etree._Element) -> set[str]:
    """The source-language terms of one termEntry."""
    return {term.text.strip() for lang_set in entry.iterfind("langSet")
            if lang_set.get(XML_LANG) == SOURCE_LANGUAGE
            for term in lang_set.iter("term") if term.text and term.text.strip()}


def untranslatable(tree: etree._ElementTree | None) -> set[str]:
    """The source terms the glossary marks `Translation needed: No`."""
    if tree is None:
        return set()
    found = set()
    for entry in tree.iter("termEntry"):
        needed = entry.find(".//descrip[@type='Translation needed']")
        if needed is not None and (needed.text or "").strip().lower() == "no":
            found |= _terms(entry)
    return found


def updated(path: Path, language: str) -> bytes | None:
    """The glossary's bytes with every brand in it, None when it already has them all."""
    tree = read(path)
    if tree is None:
        tree = etree.ElementTree(etree.fromstring(
            f'<martif type="TBX" xml:lang="{SOURCE_LANGUAGE}">\n'
            '  <martifHeader>\n    <fileDesc>\n      <sourceDesc>\n'
            '        <p>speerpunt: the names that stay as they are</p>\n'
            '      </sourceDesc>\n    </fileDesc>\n  </martifHeader>\n'
            '  <text>\n    <body>\n    </body>\n  </text>\n</martif>', _parser()))
    present = set().union(*map(_terms, tree.iter("termEntry")))
    missing = [name for name in brands() if name not in present]
    if not missing and path.exists():
        return None
    body = tree.find("text/body")
    for name in missing:
        _append(body, _term_entry(name, language))
    return _HEAD + etree.tostring(tree.getroot(), encoding="utf-8") + b"\n"


def _term_entry(name: str, language: str) -> etree._Element:
    entry = etree.Element("termEntry")
    etree.SubElement(entry, "descrip", type="Translation needed").text = "No"
    etree.SubElement(entry, "descrip").text = _EXPLANATION
    for lang in (SOURCE_LANGUAGE, language):
        lang_set = etree.SubElement(entry, "langSet", {XML_LANG: lang})
        etree.SubElement(etree.SubElement(lang_set, "tig"), "term").text = name
    return entry


def _append(body: etree._Element, entry: etree._Element) -> None:
    """entry as the body's last child, indented as speerpunt writes its own."""
    etree.indent(entry, space="  ", level=3)
    if len(body):
        body[-1].tail = "\n      "
    else:
        body.text = "\n      "
    body.append(entry)
    entry.tail = "\n    "
