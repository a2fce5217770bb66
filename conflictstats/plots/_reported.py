"""Plots for the reported module (filled in by that module's issue)."""

__all__: list[str] = []
