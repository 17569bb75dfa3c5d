"""What a site says about its organisation in machine-readable form, and in its links.

schema.org `Organization` data in JSON-LD or microdata (read with extruct's extractors),
OpenGraph's `og:image`, `mailto:`/`tel:` links, links to social profiles, the header
logo, and the languages the site publishes (`hreflang` alternates, its language
switcher, `<html lang>`). Each reader returns what it found, or nothing: absent is
never guessed.
"""

from urllib.parse import urljoin, urlsplit

from pipeline import libraries
from pipeline.text import normalise_text
from spiders.language import primary

SOCIAL = {"linkedin": ("linkedin.com",), "x": ("x.com", "twitter.com"),
          "youtube": ("youtube.com",), "facebook": ("facebook.com",)}
_ORGANISATIONS = {"Organization", "Corporation", "NGO", "GovernmentOrganization",
                  "ResearchOrganization", "EducationalOrganization", "LocalBusiness"}


def _types(node: dict) -> set[str]:
    found = node.get("@type") or node.get("type") or []
    found = found if isinstance(found, list) else [found]
    return {str(kind).rsplit("/", 1)[-1] for kind in found}


def organisation_data(response) -> dict:
    """The page's first schema.org Organization (JSON-LD, else microdata) as a flat dict:
    name, url, logo, email, telephone, address, sameAs. {} when it has none."""
    has_json = response.xpath("//script[@type='application/ld+json']")
    has_microdata = response.xpath("//*[@itemscope]")
    if not has_json and not has_microdata:
        return {}  # extruct's two extractors load only for pages that carry such data
    JsonLdExtractor = libraries.module("extruct.jsonld").JsonLdExtractor  # noqa: N806
    MicrodataExtractor = libraries.module("extruct.w3cmicrodata").MicrodataExtractor  # noqa: N806

    nodes = []
    if has_json:
        try:
            nodes += _flatten(JsonLdExtractor().extract(response.text))
        except ValueError:
            pass  # broken JSON-LD: as if there were none
    if has_microdata:
        for item in MicrodataExtractor().extract(response.text, base_url=response.url):
            nodes += _flatten([{"@type": item.get("type"), **item.get("properties", {})}])
    found = next((node for node in nodes if _types(node) & _ORGANISATIONS), None)
    return _flat(found, response.url) if found else {}


def _flatten(nodes) -> list[dict]:
    """Every JSON-LD node, @graph members included."""
    flat = []
    for node in nodes if isinstance(nodes, list) else [nodes]:
        if isinstance(node, dict):
            flat.append(node)
            flat += _flatten(node.get("@graph", []))
    return flat


def _text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("contentUrl")
    return normalise_text(value) if isinstance(value, str) and value.strip() else None


def _flat(node: dict, base: str) -> dict:
    address = node.get("address")
    if isinstance(address, dict):
        address = address.get("properties", address)
        street = _text(address.get("streetAddress"))
        town = " ".join(filter(None, (_text(address.get("postalCode")),
                                      _text(address.get("addressLocality")))))
        address = ", ".join(filter(None, (street, town, _text(address.get("addressCountry")))))
    same = node.get("sameAs") or []
    return {
        "name": _text(node.get("name")), "url": _absolute(_text(node.get("url")), base),
        "logo": _absolute(_text(node.get("logo")), base),
        "email": _contact(_text(node.get("email")), "mailto:"),
        "telephone": _contact(_text(node.get("telephone")), "tel:"),
        "address": _text(address) if address else None,
        "sameAs": [url for url in (same if isinstance(same, list) else [same])
                   if isinstance(url, str)],
    }


def _absolute(url: str | None, base: str) -> str | None:
    return urljoin(base, url) if url else None


def _contact(value: str | None, scheme: str) -> str | None:
    """A mailto:/tel: value without its scheme and query (`mailto:a@b?subject=x` -> a@b)."""
    if not value:
        return None
    if value.lower().startswith(scheme):
        value = value[len(scheme):]
    return normalise_text(value.split("?", 1)[0]) or None


def linked_contact(response, scheme: str) -> str | None:
    """The first `mailto:`/`tel:` link of the page (footer, contact block)."""
    href = response.xpath(f"//a[starts-with(translate(@href, 'MAILTOEL', 'mailtoel'), "
                          f"'{scheme}')]/@href").get()
    return _contact(href.strip(), scheme) if href else None


def social_links(response, extra: list[str]) -> dict[str, str]:
    """platform -> the site's profile URL, from sameAs and from its links."""
    found = {}
    for url in [*extra, *response.xpath("//a/@href").getall()]:
        url = response.urljoin(url.strip())
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        for platform, hosts in SOCIAL.items():
            if platform not in found and host in hosts and urlsplit(url).path.strip("/"):
                found[platform] = url
    return found


def header_logo(response, name: str) -> str | None:
    """The logo image of the site's header: og:image is a page's picture, not a logo, so
    the header's home link image, or an image called so, comes first."""
    for xpath in ("//header//a[@rel='home']//img/@src",
                  "//header//img[contains(translate(@class, 'LOGO', 'logo'), 'logo')]/@src",
                  "//header//img[contains(translate(@src, 'LOGO', 'logo'), 'logo')]/@src"):
        src = response.xpath(xpath).get()
        if src:
            return response.urljoin(src.strip())
    named = response.xpath("//header//img[@alt]")
    for image in named:
        if normalise_text(image.attrib.get("alt", "")).casefold() == name.casefold():
            return response.urljoin(image.attrib["src"].strip())
    return None


def open_graph_image(response) -> str | None:
    src = response.xpath("//meta[@property='og:image']/@content").get()
    return response.urljoin(src.strip()) if src and src.strip() else None


def languages(response) -> set[str]:
    """The languages the page says the site publishes: its own and its alternates."""
    found = {primary(response.xpath("/html/@lang").get())}
    found |= {primary(tag) for tag in response.xpath(
        "//link[@rel='alternate']/@hreflang | //a/@hreflang").getall()
        if primary(tag) not in ("x",)}
    return {language for language in found if language.isalpha() and len(language) == 2}
