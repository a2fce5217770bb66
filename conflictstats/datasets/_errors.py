"""The error every loader raises."""

from .._validation import InputError

__all__ = ["DataError"]


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
