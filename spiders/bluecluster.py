"""Blue Cluster (bluecluster.be in English, blauwecluster.be in Dutch): a custom theme."""

from spiders.organisation import OrganisationSpider


class BlueClusterSpider(OrganisationSpider):
    name = "bluecluster"
    source_key = "blue-cluster"
    content = "//div[contains(@class, 'content-block__body')]"
