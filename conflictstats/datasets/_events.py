"""Loaders for event data sets: UCDP GED, ACLED (filled in by the trends issue)."""

__all__: list[str] = []
