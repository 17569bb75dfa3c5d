"""VIL (vil.be): a custom theme, the page text in its text block."""

from spiders.organisation import OrganisationSpider


class VilSpider(OrganisationSpider):
    name = "vil"
    source_key = "vil"
    content = "//main//div[@class='text']"
