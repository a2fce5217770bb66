"""Reading CSV files of reported figures (filled in by the reported-figures issue)."""

__all__: list[str] = []
