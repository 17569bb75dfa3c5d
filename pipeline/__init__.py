"""speerpunt: the spearhead clusters of Flanders and their organisations' own sites, as
records, gettext catalogs and JSON exports."""
