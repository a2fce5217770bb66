"""Working with event tables: which events involve an actor, and monthly counts per group.

The glue every analysis of event data writes otherwise: picking the events of one armed group
from the side and dyad columns, and turning events into complete, zero-filled monthly series
(one row per group and month, with days in the month as the exposure) for ``trends`` and
``panel``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from ._errors import DataError

__all__ = ["involving", "monthly_counts", "ACTOR_COLUMNS"]

#: The columns :func:`involving` searches by default, per source.
ACTOR_COLUMNS = {
    "ucdp_ged": ("side_a", "side_b", "dyad_name"),
    "acled": ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"),
}
# How a cell of these columns lists several actors (exact matching splits on these):
# UCDP writes a coalition side as "A, B, C" and the dyad as "side_a - side_b"; ACLED lists
# associated actors as "A; B". Other columns are compared whole. A UCDP name may itself hold
# " - " (e.g. a faction of the Rahman Corps), which is why side_a/side_b are not split on it.
_SPLIT = {
    "side_a": r",",
    "side_b": r",",
    "dyad_name": r"\s-\s|,",
    "assoc_actor_1": r";",
    "assoc_actor_2": r";",
}
_MATCHES = ("exact", "word")
_MEASURES = ("events", "best", "low", "high", "fatalities")
_SHAPES = ("long", "wide")


def _source(events: pd.DataFrame) -> str:
    if not isinstance(events, pd.DataFrame):
        raise DataError(
            f"events must be a pandas DataFrame from read_ucdp_ged or read_acled, got "
            f"{type(events).__name__}"
        )
    src = events.attrs.get("source")
    if src in ("ucdp_ged", "acled"):
        return src
    if "date_start" in events.columns and "best" in events.columns:
        return "ucdp_ged"
    if "event_date" in events.columns and "fatalities" in events.columns:
        return "acled"
    raise DataError(
        "events must come from read_ucdp_ged or read_acled (need date_start and best, or "
        "event_date and fatalities)"
    )


def _names(actors: tuple[Any, ...]) -> list[str]:
    out: list[str] = []
    for a in actors:
        items = [a] if isinstance(a, str) else a
        if not isinstance(items, Iterable):
            raise DataError(f"actors must be names (str), got {a!r}")
        for name in items:
            if not isinstance(name, str) or not name.strip():
                raise DataError(f"actors must be non-empty names (str), got {name!r}")
            out.append(name.strip())
    if not out:
        raise DataError("involving needs at least one actor name, e.g. involving(events, 'IS')")
    return out


# ---------------------------------------------------------------------------------------------
# actors
# ---------------------------------------------------------------------------------------------
def involving(
    events: pd.DataFrame,
    *actors: str | Iterable[str],
    match: str = "exact",
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The events in which any of the named actors took part, on either side.

    Parameters
    ----------
    events : pandas.DataFrame
        Events from :func:`read_ucdp_ged` or :func:`read_acled` (or any frame with the
        ``columns``).
    *actors : str or list of str
        One or more actor names, e.g. ``"IS"`` or ``"IS", "Government of Iraq"``. An event
        is kept if it involves any of them.
    match : {"exact", "word"}
        How a name is matched (always ignoring case and surrounding spaces):

        * ``"exact"`` (default): the name must equal one actor of a cell. A cell may list
          several actors: UCDP writes a coalition side as ``"A, B, C"`` and the dyad as
          ``"side_a - side_b"``; ACLED lists associated actors as ``"A; B"``. So ``"IS"``
          finds ``"IS"``, ``"Government of Iraq - IS"`` and ``"Ahrar al-Sham, IS, Jabhat
          Fateh al-Sham"``, but never ``"ISIS"`` or ``"AIS"``.
        * ``"word"``: the name must occur as a whole word (or words) anywhere in the cell, so
          ``"Islamic State"`` finds ACLED's ``"Islamic State (Iraq)"`` and ``"Islamic State
          (Syria)"``. A short name can then hit an ordinary word (``"is"``).

        Neither mode knows aliases: UCDP calls the Islamic State ``"IS"``, ACLED ``"Islamic
        State (Syria)"`` and the like; name every spelling you mean.
    columns : list of str, optional
        The columns to search. By default UCDP GED's ``side_a``, ``side_b``, ``dyad_name``,
        or ACLED's ``actor1``, ``actor2``, ``assoc_actor_1``, ``assoc_actor_2``
        (:data:`ACTOR_COLUMNS`). Missing cells never match.

    Returns
    -------
    pandas.DataFrame
        The matching rows (a copy, in their order, index kept), with the ``attrs`` of
        ``events`` plus ``attrs["involving"]``, the names asked for.

    Raises
    ------
    DataError
        ``events`` lacks one of the ``columns``, no actor is named, or a name is not a
        non-empty string.
    InputError
        ``match`` is not ``"exact"`` or ``"word"``.

    Notes
    -----
    In UCDP GED the dyad is the two sides (``dyad_name`` is ``side_a + " - " + side_b``), so
    ``dyad_name`` adds nothing to the two sides there; it is searched for files that carry
    only some of the three columns correctly filled.

    References
    ----------
    Högbladh, S. (2019). UCDP GED Codebook version 19.1. Uppsala University. (``side_a``,
    ``side_b``, ``dyad_name``; actors' names, and coalitions listed in one side.)
    ACLED (2023). Armed Conflict Location & Event Data Project Codebook. (``actor1``,
    ``actor2``, ``assoc_actor_1``, ``assoc_actor_2``.)

    Examples
    --------
    >>> import warnings
    >>> from conflictstats.datasets import involving, read_ucdp_ged
    >>> with warnings.catch_warnings(record=True):
    ...     syria = read_ucdp_ged("data/ucdp_ged/ucdp_ged_syria_20160101_20191130.csv",
    ...                           on_inconsistent="sort")
    >>> len(involving(syria, "IS"))
    6472
    >>> len(involving(syria, "is", "Government of Turkey"))  # case does not matter
    6487
    """
    source = _source(events)
    match = check_choice(match, _MATCHES, "match")
    names = _names(actors)
    cols = list(ACTOR_COLUMNS[source] if columns is None else columns)
    missing = [c for c in cols if c not in events.columns]
    if missing:
        raise DataError(
            f"events has no column(s) {', '.join(map(repr, missing))} to look for actors in",
            column=missing[0],
        )
    wanted = {n.casefold() for n in names}
    if match == "word":
        pattern = re.compile(
            "|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names), flags=re.IGNORECASE
        )
    keep = np.zeros(len(events), dtype=bool)
    for col in cols:
        # by position, so that a repeated index label cannot merge two events
        cells = events[col].astype("string").reset_index(drop=True)  # missing stays missing
        if match == "word":
            hit = cells.str.contains(pattern, regex=True)
        else:
            sep = _SPLIT.get(col)
            parts = cells.str.split(sep, regex=True) if sep else cells.map(lambda c: [c])
            flat = parts.explode().str.strip().str.casefold()
            hit = flat.isin(wanted).groupby(level=0, sort=True).any()
        keep |= hit.fillna(False).to_numpy(dtype=bool)
    out = events.loc[keep].copy()
    out.attrs = {**events.attrs, "involving": names}
    return out


# ---------------------------------------------------------------------------------------------
# monthly counts
# ---------------------------------------------------------------------------------------------
_MONTH = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def _month(value: Any, name: str) -> pd.Period:
    """A month from ``'YYYY-MM'``, ``'YYYY-MM-DD'``, a date, a Timestamp or a monthly Period.

    Anything looser is refused rather than guessed: pandas reads ``'2018'`` as January 2018,
    which would silently cut an ``end='2018'`` series to one month.
    """
    if isinstance(value, str):
        if not _MONTH.fullmatch(value.strip()):
            raise DataError(f"{name}={value!r} is not a month: give 'YYYY-MM' or 'YYYY-MM-DD'")
        try:
            return pd.Period(value.strip(), freq="M")
        except ValueError:
            raise DataError(f"{name}={value!r} is not a valid date") from None
    if isinstance(value, pd.Period):
        if value.freqstr != "M":
            raise DataError(f"{name}={value!r} is not a monthly period")
        return value
    if hasattr(value, "year") and hasattr(value, "month"):  # date, datetime, Timestamp
        return pd.Period(year=value.year, month=value.month, freq="M")
    raise DataError(f"{name}={value!r} is not a month: give 'YYYY-MM' or 'YYYY-MM-DD'")


def monthly_counts(
    events: pd.DataFrame,
    *,
    by: str | list[str] | None = None,
    measure: str = "events",
    start: Any = None,
    end: Any = None,
    shape: str = "long",
) -> pd.DataFrame | pd.Series:
    """Monthly totals of events or deaths per group: every month present, empty ones zero.

    Parameters
    ----------
    events : pandas.DataFrame
        Events from :func:`read_ucdp_ged` or :func:`read_acled` (filtered as you like, e.g.
        with :func:`involving`).
    by : str or list of str, optional
        Column(s) to split by (``"adm_1"``, ``["country", "type_of_violence"]``). The groups
        are the combinations that occur among the events inside the span; a missing value in
        a ``by`` column is an error (drop or label those events first), never a silent loss.
    measure : {"events", "best", "low", "high", "fatalities"}
        ``"events"`` counts events; the others sum a fatality column. For GED
        ``"fatalities"`` is ``best``; for ACLED ``"best"`` and ``"fatalities"`` are its one
        figure and ``"low"``/``"high"`` do not exist.
    start, end : str or date, optional
        First and last month as ``'YYYY-MM'``, ``'YYYY-MM-DD'``, a date or a monthly
        ``pandas.Period`` (default: the months of the first and last event); a looser string
        such as ``'2018'`` is refused rather than read as January. Events outside
        are left out.
    shape : {"long", "wide"}
        ``"long"`` (default): one row per group and month, ready for
        :func:`conflictstats.panel.fit_trends`. ``"wide"``: one column per group, indexed by
        month (a Series without ``by``), ready for :func:`conflictstats.trends.fit_trend`.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        Long: the ``by`` columns, ``month`` (monthly Periods), the count (a column named
        after ``measure``, int64) and ``days`` (days in the calendar month, int64, the
        exposure for a rate per day); rows sorted by group, then month; every month from
        ``start`` to ``end`` present for every group. ``attrs`` holds ``source``,
        ``measure``, ``by``, ``start`` and ``end``.
        Wide: a DataFrame with a monthly ``PeriodIndex`` named ``month`` and one column per
        group (a Series named after ``measure`` without ``by``).

    Raises
    ------
    DataError
        Unknown measure for the source, missing ``by`` column, a missing value in a ``by``
        column, a missing date, ``end`` before ``start``.
    InputError
        ``measure`` or ``shape`` not among the choices.

    Notes
    -----
    An event belongs to the month of its start date (GED ``date_start``, ACLED
    ``event_date``); an event spanning several days is not split between months. ``days``
    is the whole calendar month even when the data set's coverage begins or ends inside
    it; shorten it yourself for a partial month.

    Counting an actor's events per month and province with ``groupby(...).size()`` leaves
    out the months without events; a trend fitted to what is left reads only the busy months
    (see ``missing=`` in :func:`conflictstats.panel.fit_trends`). The long table here has
    them, as zeros.

    References
    ----------
    Högbladh, S. (2019). UCDP GED Codebook version 19.1. Uppsala University. (``date_start``;
    ``best``, ``low``, ``high``.)

    Examples
    --------
    >>> from conflictstats.datasets import read_acled, monthly_counts
    >>> acled = read_acled("tests/fixtures/acled_sample.csv")
    >>> monthly_counts(acled, by="country", start="2018-09", end="2018-11")
      country    month  events  days
    0    Iraq  2018-09       0    30
    1    Iraq  2018-10       0    31
    2    Iraq  2018-11       2    30
    3   Syria  2018-09       0    30
    4   Syria  2018-10       3    31
    5   Syria  2018-11       0    30
    >>> monthly_counts(acled, start="2018-08", end="2018-11", shape="wide").tolist()
    [2, 0, 3, 2]
    """
    source = _source(events)
    measure = check_choice(measure, _MEASURES, "measure")
    shape = check_choice(shape, _SHAPES, "shape")
    date_col = "date_start" if source == "ucdp_ged" else "event_date"
    if measure == "events":
        column = None
    elif source == "acled":
        if measure in ("low", "high"):
            raise DataError(
                f"measure={measure!r}: ACLED has one fatality figure per event (use "
                "'fatalities'); it has no low or high estimate"
            )
        column = "fatalities"
    else:
        column = "best" if measure == "fatalities" else measure
    keys = [by] if isinstance(by, str) else list(by or [])
    for col in [date_col, *keys, *([column] if column else [])]:
        if col not in events.columns:
            raise DataError(f"events has no column {col!r}", column=col)
    try:
        stamps = pd.DatetimeIndex(events[date_col])
    except (TypeError, ValueError):
        raise DataError(f"column {date_col!r} must hold dates", column=date_col) from None
    if stamps.isna().any():
        pos = int(np.argmax(np.asarray(stamps.isna())))
        raise DataError(f"missing date in event {pos} (0-based position)", column=date_col)
    months = pd.PeriodIndex(stamps, freq="M")
    first = _month(start, "start") if start is not None else months.min()
    last = _month(end, "end") if end is not None else months.max()
    if pd.isna(first) or pd.isna(last):
        raise DataError("no events, and no start and end months to fill")
    if last < first:
        raise DataError(f"end {last} is before start {first}")
    index = pd.period_range(first, last, freq="M", name="month")
    keep = np.asarray((months >= first) & (months <= last))
    step = (months.asi8 - first.ordinal)[keep]
    values = np.ones(int(keep.sum()), dtype=np.int64)
    if column is not None:
        raw = events[column].to_numpy()[keep]
        if pd.isna(raw).any():
            pos = int(np.flatnonzero(keep)[np.argmax(pd.isna(raw))])
            raise DataError(f"missing {column} in event {pos} (0-based position)", column=column)
        try:
            values = raw.astype(np.int64)
        except (OverflowError, TypeError, ValueError):
            raise DataError(
                f"{column} must hold whole numbers that fit int64", column=column
            ) from None
        if (values < 0).any() or (values != raw.astype(float)).any():
            raise DataError(f"{column} must hold whole numbers >= 0", column=column)
        # a total past int64 would wrap round to a negative count without a word
        if values.astype(float).sum() >= 2.0**63:
            raise DataError(f"the total of {column} is too large for a count", column=column)
    inside = events.loc[keep, keys].reset_index(drop=True)
    for key in keys:
        absent = inside[key].isna().to_numpy()
        if absent.any():
            raise DataError(
                f"by={key!r} is missing in {int(absent.sum())} of the {len(inside)} events "
                f"inside {first} to {last}; they would drop out unseen. Leave them out "
                f"(events[events[{key!r}].notna()]) or give them a label of their own",
                column=key,
            )
    n = len(index)
    if keys:
        grouped = inside.groupby(keys, sort=True)
        code = grouped.ngroup().to_numpy()
        groups = grouped.size().index
        n_groups = len(groups)
    else:
        code = np.zeros(len(inside), dtype=np.int64)
        groups, n_groups = None, 1
    totals = np.zeros(n_groups * n, dtype=np.int64)
    np.add.at(totals, code * n + step, values)
    if shape == "wide":
        if not keys:
            return pd.Series(totals, index=index, name=measure)
        return pd.DataFrame(totals.reshape(n_groups, n).T, index=index, columns=groups)
    out = pd.DataFrame(index=pd.RangeIndex(n_groups * n))
    if keys:
        labels = groups.to_frame(index=False)
        for key in keys:
            out[key] = labels[key].to_numpy().repeat(n)
    out["month"] = pd.PeriodIndex(np.tile(index, n_groups), freq="M")
    out[measure] = totals
    out["days"] = np.tile(index.days_in_month.to_numpy(dtype=np.int64), n_groups)
    out.attrs = {
        "source": source,
        "measure": measure,
        "by": keys,
        "start": str(first),
        "end": str(last),
    }
    return out
