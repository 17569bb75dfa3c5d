"""Flanders' FOOD (flandersfood.com): Drupal, the page body in its body field."""

from spiders.organisation import OrganisationSpider


class FlandersFoodSpider(OrganisationSpider):
    name = "flandersfood"
    source_key = "flanders-food"
    content = "//div[contains(@class, 'field--name-body')]"
