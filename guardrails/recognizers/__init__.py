"""Project recognizers for direct identifiers that Presidio misses or scores low."""
