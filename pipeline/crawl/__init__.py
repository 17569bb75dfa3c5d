"""Crawling: running spiders in this process, item pipelines, the snapshot server, bounds."""
