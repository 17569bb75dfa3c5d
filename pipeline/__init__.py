"""speerpunt: the spearhead-clusters page as records, gettext catalogs and JSON exports."""
