"""Catalisti (catalisti.be): WordPress; its Dutch launch announcement presents it."""

from spiders.organisation import OrganisationSpider


class CatalistiSpider(OrganisationSpider):
    name = "catalisti"
    source_key = "catalisti"
    content = "//div[contains(@class, 'entry-content')]"
    chrome = ("//header[contains(@class, 'entry-header')]//p[contains(@class, 'kicker')]",)
