"""Flux50 (flux50.com): Webflow, the text in its rich-text block."""

from spiders.organisation import OrganisationSpider


class Flux50Spider(OrganisationSpider):
    name = "flux50"
    source_key = "flux50"
    content = "//div[contains(@class, 'w-richtext')]"
