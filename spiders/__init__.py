"""Scrapy spiders of speerpunt and the bundled snapshot of the site (snapshot/)."""
