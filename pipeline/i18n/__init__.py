"""Translation: the PO reader/writer, templates, the msgctxt-keyed merge, checks."""
