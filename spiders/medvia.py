"""MEDVIA (medvia.be, formerly flandershealth.tech): a Next.js theme."""

from spiders.organisation import OrganisationSpider


class MedviaSpider(OrganisationSpider):
    name = "medvia"
    source_key = "medvia"
    content = "//div[starts-with(@class, 'Article_body')]"
