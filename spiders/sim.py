"""SIM (sim-flanders.be): Divi, the text in its text module."""

from spiders.organisation import OrganisationSpider


class SimSpider(OrganisationSpider):
    name = "sim"
    source_key = "sim"
    content = "//div[contains(@class, 'et_pb_text_inner')]"
