"""Publishing: locks, the commit journal, signals and the publication guard."""
