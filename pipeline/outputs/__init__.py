"""What a run writes for people and sites: exports, the translator preview, the report."""
