"""The error every loader raises, and the schema check every loader shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._validation import InputError

__all__ = ["DataError", "require_columns"]


class DataError(InputError):
    """A data file is malformed: names the file, the row (1-based, header = row 1) and column."""

    def __init__(self, message: str, *, path=None, row=None, column=None):
        where = []
        if path is not None:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        self.path, self.row, self.column = path, row, column
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


def require_columns(
    columns: Iterable[Any], required: Iterable[str], *, path=None, context: str | None = None
) -> None:
    """Raise a :class:`DataError` if any of ``required`` is not among ``columns``.

    Parameters
    ----------
    columns : iterable of str
        The columns the file (or frame) has, in file order.
    required : iterable of str
        The columns it must have; matched by name, in any order.
    path : str or path-like, optional
        The file, named in the message.
    context : str, optional
        What the file was read as (e.g. ``"layout 'ged-hdx'"``), named in the message.

    Raises
    ------
    DataError
        Naming the file, the header row (row 1), the first missing column as ``column``, every
        missing column, and the first columns the file does have.

    Examples
    --------
    >>> from conflictstats.datasets._errors import require_columns
    >>> require_columns(["id", "text"], ("id", "text"))
    >>> require_columns(["id", "phrase"], ("id", "text"), path="figures.csv")
    Traceback (most recent call last):
    ...
    conflictstats.datasets._errors.DataError: figures.csv, row 1, column 'text': missing required column(s) 'text'; the file has 2 columns: 'id', 'phrase'
    """
    have = [str(c) for c in columns]
    missing = [c for c in required if c not in have]
    if not missing:
        return
    shown = ", ".join(repr(c) for c in have[:10]) + (", …" if len(have) > 10 else "")
    where = f" ({context})" if context else ""
    raise DataError(
        f"missing required column(s) {', '.join(map(repr, missing))}{where}; "
        f"the file has {len(have)} columns: {shown}",
        path=path,
        row=1,
        column=missing[0],
    )
