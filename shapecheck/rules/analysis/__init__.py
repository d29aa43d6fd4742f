"""SC0xx: the analysis itself."""
