"""Loaders and schema checks for the toolkit's inputs (the only I/O the toolkit does).

Reported-figure tables live in ``_figures``; event data sets (UCDP GED, ACLED) in ``_events``;
working with event tables (actors, monthly counts) in ``_counts``.
Every loader maps columns by name, validates types and values, and raises a
:class:`DataError` (a ``ValueError``) naming the file, row and column of the first problem.
"""

from ._counts import *  # noqa: F403
from ._counts import __all__ as _counts_all
from ._errors import DataError
from ._events import *  # noqa: F403
from ._events import __all__ as _events_all
from ._figures import *  # noqa: F403
from ._figures import __all__ as _figures_all

__all__ = ["DataError", *_figures_all, *_events_all, *_counts_all]
