"""Many count series at once: the same trend model fitted to every series of a panel.

Analysts fit one trend model to every country, province or grid cell: thousands of monthly
series. :func:`fit_trends` fits them all in batches (one iteratively reweighted least squares
step for every series of a chunk at once) and returns one tidy table; with ``engine="dask"``
the same fit is mapped over the partitions of a Dask DataFrame, so a panel larger than one
machine's memory runs on a ``distributed`` cluster.

The model for series ``s`` at time ``t`` is ``log E[y] = log(exposure) + b0 + b1 * t
(+ month-of-year effects)`` with a Poisson, quasi-Poisson or NB2 (negative binomial,
variance ``mu + alpha mu^2``) likelihood.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import countglm
from ._numeric import align, normal_pvalue, t_pvalue, t_quantile, z_quantile
from ._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_exposure,
    as_finite,
    check_choice,
)

__all__ = ["fit_trends", "FAMILIES", "COLUMNS", "MISSING", "TimeGapError"]

#: The likelihoods ``fit_trends`` fits, as accepted by ``family=``.
FAMILIES = ("poisson", "quasi-poisson", "negbin")
_ENGINES = ("numpy", "dask")
#: What ``fit_trends`` does with time points absent from a series, as accepted by ``missing=``.
MISSING = ("raise", "zero", "drop")
_SEASONALITY = ("month",)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Columns of the table ``fit_trends`` returns, in order (``series`` takes the column's name).
COLUMNS = (
    "series",
    "term",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "pvalue",
    "confidence",
    "family",
    "method",
    "dispersion",
    "n_obs",
    "converged",
    "iterations",
    "reason",
)

# Cells per chunk when ``chunk_size`` is not given: 250,000 (series x time) cells keep the
# per-chunk working arrays (~2 MB each) in cache; bigger chunks are slower, not faster.
_CELLS_PER_CHUNK = 250_000
# Convergence of the Poisson fit that starts NB2 (NB2 itself converges to ``tol``).
_NB_START_TOL = 1e-3


class TimeGapError(InputError):
    """A series of the panel skips a point of its time grid (or has two rows in one)."""


@dataclass(frozen=True)
class _Spec:
    """Everything a partition needs to fit its series identically to the whole panel."""

    series: str
    time: str
    count: str
    exposure: str | None
    family: str
    seasonality: str | None
    time_kind: str  # "datetime" or "numeric"
    origin: float  # t = 0 here: months since year 0 (datetime) or the time value (numeric)
    confidence: float
    maxiter: int
    tol: float
    chunk_size: int | None
    missing: str = "drop"
    grid: tuple[int, int] | None = None  # the panel's first and last grid step
    freq: Any = None  # the Period frequency of Period times (None: months or numbers)

    @property
    def terms(self) -> list[str]:
        out = ["intercept", "trend"]
        if self.seasonality == "month":
            out += [f"month[{m}]" for m in _MONTHS[1:]]
        return out


def fit_trends(
    df: Any,
    *,
    series: str | None = None,
    time: str | None = None,
    count: str | None = None,
    exposure: Any = None,
    family: str = "poisson",
    seasonality: str | None = None,
    missing: str = "raise",
    engine: str = "numpy",
    chunk_size: int | None = None,
    confidence: float = 0.95,
    progress: bool | None = None,
    npartitions: int | None = None,
    compute: bool = True,
    maxiter: int = 100,
    tol: float = 1e-8,
) -> Any:
    """Fit a log-linear trend to every series of a long-format panel.

    Parameters
    ----------
    df : pandas.DataFrame, pandas.Series or dask.dataframe.DataFrame
        One row per series and time point (long format). A series may start after the
        panel's first time point and end before its last; what a time point absent *inside*
        a series means is the caller's to say, with ``missing``. Without ``series``,
        ``time`` and ``count``, two more shapes are read (pandas only):

        * a **wide** DataFrame: the index holds the times, each column is a series and
          its column label names it in the result (the ``series`` column is named after
          ``df.columns.name``, else ``"series"``). A missing cell (NaN) is a time point
          absent from that series (see ``missing``);
        * a **Series** with a two-level index (series, time), such as
          ``events.groupby(["province", "month"]).size()``: the level names (else
          ``"series"``, ``"time"``) and the Series's name (else ``"count"``) name the
          columns.
    series, time, count : str, optional
        Column names (long format): the series label (country, province, grid cell), the
        time (datetimes or pandas Periods, or plain numbers) and the non-negative
        whole-number count. Give all three, or none for a wide DataFrame or a Series.
    exposure : str, pandas.DataFrame or pandas.Series, optional
        Positive exposures (days in the month, population); enters as an offset
        ``log(exposure)``, so coefficients describe rates per unit of exposure. Long
        format: a column name. Wide ``df``: a DataFrame of the same shape, or a Series
        indexed by time (one exposure per time point, for every series). Series ``df``: a
        Series with the same (series, time) index. Aligned by label: the labels must be
        the same as ``df``'s (in any order), else an ``AlignmentError`` names ``df`` and
        ``exposure`` and the labels found in only one of them.
    family : {"poisson", "quasi-poisson", "negbin"}
        ``"poisson"``: Poisson maximum likelihood. ``"quasi-poisson"``: the same
        coefficients, SEs scaled by the Pearson dispersion. ``"negbin"``: NB2 with its own
        dispersion ``alpha`` per series, by maximum likelihood.
    seasonality : {None, "month"}
        ``"month"`` adds 11 month-of-year effects (January is the reference); needs datetime
        or Period times.
    missing : {"raise", "zero", "drop"}
        Time points absent from a series. The time grid is monthly for datetimes, one period
        for Periods (weekly, monthly, quarterly, ...) and consecutive integers for numbers.

        * ``"raise"`` (default): a series that skips a grid point between its first and its
          last row raises :class:`TimeGapError`, naming the series and the first absent time
          point. Counts made with ``groupby(...).size()`` have no rows for empty months, and
          fitting them as given reads the busy months alone: trends flatten or flip sign.
        * ``"zero"``: an absent time point is a count of 0. Every series is completed with
          zeros over the whole panel's span (its first to its last time point, before a
          series' first row and after its last too). Filled rows need an exposure the
          panel does not have, so ``exposure`` must be None or the panel already complete
          (:func:`conflictstats.datasets.monthly_counts` writes every month with its days).
        * ``"drop"``: fit the rows as given. An absent time point is then *unobserved*: it
          adds nothing to the likelihood, which is right when nobody counted that month,
          and wrong when nothing happened in it.

        ``"raise"`` and ``"zero"`` need the grid to be clear: whole-number numeric times
        and at most one row per series and month (or period); ``"drop"`` fits any times.
    engine : {"numpy", "dask"}
        ``"numpy"`` fits in this process, chunk by chunk. ``"dask"`` keeps each series in one
        partition and maps the same fit over the partitions (on the current ``distributed``
        client, if any); the result equals the numpy engine's.
    chunk_size : int, optional
        Series per batched fit (numpy engine; within each partition for dask). The panel's
        own (series x time) arrays take 24 bytes a cell; a chunk's working arrays add about
        ``chunk_size * n_times * 200`` bytes. By default 250,000 cells per chunk (about 2,000
        monthly series of ten years), which keeps the working arrays in cache.
    confidence : float
        Confidence level of the Wald intervals.
    progress : bool, optional
        Show a tqdm progress bar over chunks (numpy engine). By default only when standard
        error is a terminal.
    npartitions : int, optional
        Dask engine with a pandas ``df``: number of partitions to split it into (default: one
        per CPU, at most one per series). With a Dask ``df``: the number after the shuffle
        that groups each series into one partition (default: unchanged).
    compute : bool
        Dask engine: return the computed pandas table (default) or the lazy Dask DataFrame.
    maxiter : int
        Most iterations per series; series that need more are flagged as not converged.
    tol : float
        Convergence: no coefficient (nor log alpha) moves by more than ``tol * (|b| + 0.1)``.

    Returns
    -------
    pandas.DataFrame
        One row per series and coefficient, series sorted, in the column order of
        :data:`COLUMNS`: ``series`` (named after the ``series`` column; for a wide df it
        holds the column labels, for a Series the labels of its first level), ``term``
        (``intercept``, ``trend``, ``month[Feb]`` ... ``month[Dec]``), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``pvalue`` (Wald test of 0), ``confidence``, ``family``,
        ``method`` (``"wald-z"``, or ``"wald-t"`` for quasi-Poisson), ``dispersion`` (1 for
        Poisson, the Pearson scale for quasi-Poisson, alpha for NB2), ``n_obs``,
        ``converged``, ``iterations`` and ``reason``. ``reason`` is empty for an ordinary fit;
        otherwise it says why the series has no estimates (all its numbers are NaN and
        ``converged`` is False) or, for NB2 with alpha at 0, that the Poisson fit is reported.

    Raises
    ------
    TimeGapError
        With ``missing="raise"``: a series skips a time point inside its span; with
        ``"raise"`` or ``"zero"``: a series has two rows in one month (or period), numeric
        times are not whole numbers, or ``"zero"`` would fill rows of a panel with an
        ``exposure`` column. A ``ValueError`` (:class:`InputError`) subclass.
    AlignmentError
        A wide df (or Series) and its ``exposure`` with different labels. An
        :class:`InputError`.
    InputError
        If a column is missing, a count is negative, fractional or not finite, an exposure
        is not positive, a (series, time) pair repeats, the time column is neither datetimes
        nor numbers, ``seasonality="month"`` is asked of numeric times, or an option is
        unknown.

    Notes
    -----
    **Time scale.** With datetime times the trend variable is years since the panel's first
    time point, counted in calendar months (``t = months / 12``, with a fraction of the
    month for dates after the 1st), so ``exp(trend)`` is the rate ratio per year (100
    (exp(trend) - 1) the annual percent change) and ``exp(intercept)`` the rate at the
    panel's first month (in January, the reference month, with seasonality). With numeric times ``t`` is
    the time minus the panel's smallest time, in the time's own unit. The origin is the
    same for every series, so intercepts compare across series.

    **Fit.** Poisson fits are IRLS (Newton's method for the canonical log link) for all
    series of a chunk at once. NB2 maximises the joint likelihood in (beta, log alpha) by
    Newton steps with step halving, from the Poisson fit; where the overdispersion score
    ``sum((y - mu)^2 - y)`` at the Poisson fit is not positive, the likelihood is largest at
    alpha = 0 and the Poisson fit is reported with ``dispersion`` 0.

    **Standard errors.** Poisson: inverse Fisher information (statsmodels ``GLM``, R
    ``glm``). Quasi-Poisson: those times sqrt(Pearson chi2 / (n - p)) (R's ``quasipoisson``,
    statsmodels ``GLM(scale="X2")``), with t intervals on n - p df as in R's ``summary.glm``.
    NB2: the mean-parameter block of the inverse negative observed Hessian in (beta, alpha),
    i.e. the ``bse`` of statsmodels ``NegativeBinomial(loglike_method="nb2")``; these differ
    slightly from R ``MASS::glm.nb``'s, which hold alpha fixed.

    **Flags.** A series with fewer observations than coefficients (or no more, for the two
    families that estimate a dispersion), only zero counts, a design that is rank-deficient
    on its observed months, a calendar month with no counts at all (its effect would be
    minus infinity), or that does not converge in ``maxiter`` iterations gets NaN estimates
    and a ``reason``; the rest of the panel is fitted as if it were absent.

    References
    ----------
    McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman and
    Hall. (IRLS; quasi-likelihood and the Pearson dispersion.)

    Wedderburn, R. W. M. (1974). Quasi-likelihood functions, generalized linear models, and
    the Gauss-Newton method. *Biometrika* 61(3), 439-447. (Quasi-Poisson.)

    Lawless, J. F. (1987). Negative binomial and mixed Poisson regression. *Canadian Journal
    of Statistics* 15(3), 209-225. (NB2 by maximum likelihood.)

    Cameron, A. C. and Trivedi, P. K. (2013). *Regression Analysis of Count Data*, 2nd ed.
    Cambridge University Press. (NB2 likelihood; score test for overdispersion.)

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from conflictstats.panel import fit_trends
    >>> months = pd.date_range("2015-01-01", periods=48, freq="MS")
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({
    ...     "province": np.repeat(["A", "B"], 48),
    ...     "month": np.tile(months, 2),
    ...     "attacks": rng.poisson(np.r_[20 * 1.3 ** (np.arange(48) / 12), np.full(48, 5.0)]),
    ... })
    >>> res = fit_trends(df, series="province", time="month", count="attacks")
    >>> res[res.term == "trend"][["province", "estimate", "ci_low", "ci_high"]].round(2)
      province  estimate  ci_low  ci_high
    1        A      0.27    0.22     0.31
    3        B     -0.04   -0.15     0.08

    Counts made with ``groupby(...).size()`` have no row for a month without events; the
    fit refuses to read those months as unobserved unless told what they are:

    >>> events = pd.DataFrame({"province": ["A"] * 5 + ["B"] * 3, "date": pd.to_datetime(
    ...     ["2016-01-03", "2016-01-09", "2016-02-11", "2016-04-02", "2016-05-20",
    ...      "2016-01-15", "2016-02-15", "2016-03-15"])})
    >>> counts = (events.groupby(["province", events["date"].dt.to_period("M")]).size()
    ...           .rename("events").reset_index())
    >>> fit_trends(counts, series="province", time="date", count="events")
    Traceback (most recent call last):
    ...
    conflictstats.panel.TimeGapError: province='A' skips 2016-03: it has rows for 2016-02 and ...
    >>> res = fit_trends(counts, series="province", time="date", count="events",
    ...                  missing="zero")
    >>> res.groupby("province")["n_obs"].first().tolist()  # both span 2016-01 to 2016-05
    [5, 5]
    """
    family = check_choice(family, FAMILIES, "family")
    engine = check_choice(engine, _ENGINES, "engine")
    missing = check_choice(missing, MISSING, "missing")
    if seasonality is not None:
        check_choice(seasonality, _SEASONALITY, "seasonality")
    confidence = as_confidence(confidence)
    for value, name in (
        (maxiter, "maxiter"),
        (chunk_size, "chunk_size"),
        (npartitions, "npartitions"),
    ):
        if value is None and name != "maxiter":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InputError(f"{name} must be a positive integer, got {value!r}")
    tol = float(as_finite(tol, "tol"))
    if not 0 < tol < 1:
        raise InputError(f"tol must lie in (0, 1), got {tol!r}")
    if series is None and time is None and count is None:
        df, series, time, count, exposure = _to_long(df, exposure)
    names = {"series": series, "time": time, "count": count}
    if exposure is not None:
        names["exposure"] = exposure
    for arg, col in names.items():
        if col is None:
            raise InputError(
                f"{arg} is missing: give series, time and count (column names of a "
                "long-format df), or none of them for a wide df (index = time, one column "
                "per series) or a Series indexed by (series, time)"
            )
        if not isinstance(col, str):
            raise InputError(f"{arg} must be a column name (str), got {col!r}")
    if series in COLUMNS[1:]:
        raise InputError(
            f"series={series!r} would clash with a column of the result; rename the column"
        )
    spec = dict(
        series=series,
        time=time,
        count=count,
        exposure=exposure,
        family=family,
        seasonality=seasonality,
        confidence=confidence,
        maxiter=int(maxiter),
        tol=tol,
        chunk_size=None if chunk_size is None else int(chunk_size),
        missing=missing,
    )
    if engine == "dask":
        return _fit_dask(df, spec, npartitions=npartitions, compute=compute)
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"df must be a pandas DataFrame for engine='numpy', got {type(df).__name__}"
        )
    _check_columns(df.columns, names)
    timing = _time_origin(df[time], time, seasonality, missing)
    return _fit_frame(df, _Spec(**timing, **spec), progress=progress)


# -- input -------------------------------------------------------------------------------------
def _to_long(df: Any, exposure: Any) -> tuple[pd.DataFrame, str, str, str, str | None]:
    """A wide DataFrame (index: time, columns: series) or a Series indexed by (series, time)
    as the long table ``fit_trends`` fits, with an exposure of the same shape aligned on it
    by label. Returns the table and its series, time, count and exposure column names."""
    if isinstance(exposure, str):
        raise InputError(
            f"exposure={exposure!r} is a column name, which needs a long-format df with "
            "series, time and count; for a wide df or a Series give the exposures themselves"
        )
    if isinstance(df, pd.Series):
        if df.index.nlevels != 2:
            raise InputError(
                "a Series df needs a two-level index (series, time), got "
                f"{df.index.nlevels} level(s); or pass a long-format DataFrame with series, "
                "time and count"
            )
        series, time = (n if n is not None else d for n, d in zip(df.index.names, _DEFAULT))
        count = df.name if isinstance(df.name, str) else "count"
        if exposure is not None and not isinstance(exposure, pd.Series):
            raise InputError(
                f"exposure must be a Series indexed like df, got {type(exposure).__name__}"
            )
        _, aligned = align(df=df, exposure=exposure)
        cols = {series: df.index.get_level_values(0), time: df.index.get_level_values(1)}
        long = pd.DataFrame({**cols, count: aligned["df"]})
    elif isinstance(df, pd.DataFrame):
        if df.columns.nlevels != 1 or df.index.nlevels != 1:
            raise InputError(
                "a wide df needs one level of column labels (the series) and one of index "
                "labels (the times)"
            )
        series = df.columns.name if isinstance(df.columns.name, str) else "series"
        time = df.index.name if isinstance(df.index.name, str) else "time"
        count = "count"
        if exposure is not None and not isinstance(exposure, (pd.Series, pd.DataFrame)):
            raise InputError(
                "exposure must be a DataFrame like df or a Series indexed by time, got "
                f"{type(exposure).__name__}"
            )
        _, aligned = align(df=df, exposure=exposure)
        grid = {
            series: df.columns.take(np.tile(np.arange(df.shape[1]), len(df.index))),
            time: df.index.repeat(df.shape[1]),
            count: aligned["df"].reshape(-1),
        }
        if series == time or count in (series, time):
            raise InputError(
                f"the wide df's index and columns are named {time!r} and {series!r}; give "
                "them different names, neither 'count'"
            )
        long = pd.DataFrame(grid)
    else:
        raise InputError(
            "series, time and count are needed unless df is a wide pandas DataFrame or a "
            f"Series indexed by (series, time); got {type(df).__name__}"
        )
    name = None
    if exposure is not None:
        name = "exposure" if "exposure" not in (series, time, count) else "_exposure"
        values = np.asarray(aligned["exposure"], dtype=float)
        if isinstance(df, pd.DataFrame) and values.ndim == 1:  # one per time point
            values = np.repeat(values[:, None], df.shape[1], axis=1)
        long[name] = values.reshape(-1)
    # a missing cell of a wide frame is a time point absent from that series
    long = long[~pd.isna(long[count])].reset_index(drop=True)
    return long, series, time, count, name


_DEFAULT = ("series", "time")


def _check_columns(columns: Any, names: dict[str, str]) -> None:
    for arg, col in names.items():
        if col not in columns:
            raise InputError(
                f"{arg}={col!r} is not a column of df; columns are: "
                + ", ".join(repr(c) for c in columns)
            )


def _time_kind(dtype: Any, name: str) -> str:
    if isinstance(dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return "numeric"
    raise InputError(f"time={name!r} must hold datetimes, Periods or numbers, got dtype {dtype}")


def _months(values: pd.Series) -> np.ndarray:
    """Calendar months since January of year 0, with the fraction of the month elapsed."""
    if isinstance(values.dtype, pd.PeriodDtype):
        values = values.dt.to_timestamp()
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)  # local wall-clock months
    stamp = values.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(stamp)
    if missing.any():
        raise InputError(f"time must not be missing, got NaT at index {values.index[missing][0]!r}")
    month = stamp.astype("datetime64[M]")
    start = month.astype("datetime64[ns]")
    length = (month + 1).astype("datetime64[ns]") - start
    frac = (stamp - start) / length
    return month.astype(np.int64) + 1970.0 * 12 + frac


def _time_origin(
    values: Any, name: str, seasonality: str | None, missing: str = "drop"
) -> dict[str, Any]:
    """Time kind, panel-wide origin (t = 0) and grid span; works on pandas and Dask columns."""
    kind = _time_kind(values.dtype, name)
    if kind == "numeric" and seasonality == "month":
        raise InputError(
            f"seasonality='month' needs datetime or Period times, but time={name!r} is numeric"
        )
    lowest, highest = values.min(), values.max()
    if hasattr(lowest, "compute"):
        import dask

        lowest, highest = dask.compute(lowest, highest)
    if pd.isna(lowest):
        raise InputError(f"time={name!r} has no values: df is empty")
    if kind == "datetime":
        origin = _months(pd.Series([lowest]))[0]
    else:
        origin = float(lowest)
    if not np.isfinite(origin):
        raise InputError(f"time={name!r} must be finite, got {lowest!r}")
    out = {"time_kind": kind, "origin": float(origin)}
    if missing != "drop":
        freq = values.dtype.freq if isinstance(values.dtype, pd.PeriodDtype) else None
        ends = pd.Series([lowest, highest], dtype=values.dtype)
        lo, hi = _grid_steps(ends, kind, freq, name)
        out.update(grid=(int(lo), int(hi)), freq=freq)
    return out


def _grid_steps(values: pd.Series, kind: str, freq: Any, name: str) -> np.ndarray:
    """Each time's step on the grid: Period ordinal, month number, or the whole number."""
    if freq is not None:
        return np.asarray(values.array.asi8, dtype=np.int64)
    if kind == "datetime":
        return np.floor(_months(values) + 1e-9).astype(np.int64)
    v = values.to_numpy(dtype=float)
    if not np.all(np.isfinite(v)) or np.any(v != np.round(v)):
        bad = v[~np.isfinite(v) | (v != np.round(v))][0]
        raise TimeGapError(
            f"time={name!r}: numeric times must be whole numbers (the grid is consecutive "
            f"integers), got {bad!r}; pass missing='drop' to fit the times as given"
        )
    return v.astype(np.int64)


def _step_label(step: int, spec: _Spec) -> str:
    """A grid step as the caller wrote it: '2016-04', '2016Q2' or '7'."""
    if spec.freq is not None:
        return str(pd.PeriodIndex.from_ordinals([step], freq=spec.freq)[0])
    if spec.time_kind == "datetime":
        year, month = divmod(int(step), 12)
        return f"{year:04d}-{month + 1:02d}"
    return str(int(step))


def _step_times(steps: np.ndarray, spec: _Spec, dtype: Any) -> Any:
    """Time values for filled grid steps, of the time column's dtype (months: the 1st)."""
    if spec.freq is not None:
        return pd.PeriodIndex.from_ordinals(steps, freq=spec.freq)
    if spec.time_kind == "datetime":
        stamps = pd.to_datetime(
            pd.DataFrame({"year": steps // 12, "month": steps % 12 + 1, "day": 1})
        )
        tz = getattr(dtype, "tz", None)
        return pd.DatetimeIndex(stamps.dt.tz_localize(tz) if tz is not None else stamps)
    return pd.Index(steps).astype(dtype)


def _fill_zeros(df: pd.DataFrame, spec: _Spec) -> pd.DataFrame:
    """``missing="zero"``: every series completed with 0 counts over the panel's grid span."""
    t_code, times = pd.factorize(df[spec.time], sort=True, use_na_sentinel=True)
    s_code, labels = pd.factorize(df[spec.series], sort=True)
    if (t_code < 0).any() or (s_code < 0).any():
        return df  # _to_arrays names the missing time or label
    step = _grid_steps(pd.Series(times), spec.time_kind, spec.freq, spec.time)[t_code]
    lo, hi = spec.grid
    present = np.zeros((len(labels), hi - lo + 1), dtype=bool)
    present[s_code, step - lo] = True
    absent_s, absent_j = np.nonzero(~present)
    if absent_s.size == 0:
        return df
    if spec.exposure is not None:
        raise TimeGapError(
            f"missing='zero' would add {absent_s.size} zero-count row(s) (first: "
            f"{spec.series}={labels[absent_s[0]]!r} at {_step_label(lo + absent_j[0], spec)}) "
            f"but cannot know their {spec.exposure!r}; complete the panel with its exposure "
            "first (datasets.monthly_counts writes every month with its days)"
        )
    fill = pd.DataFrame(
        {
            spec.series: labels.take(absent_s),
            spec.time: _step_times(lo + absent_j, spec, df[spec.time].dtype),
            spec.count: np.zeros(absent_s.size, dtype=df[spec.count].dtype),
        }
    )
    cols = [spec.series, spec.time, spec.count]
    return pd.concat([df[cols], fill], ignore_index=True)


def _check_grid(mask: np.ndarray, times: Any, labels: pd.Index, spec: _Spec) -> None:
    """Every series one row per grid step from its first row to its last, or TimeGapError.

    ``mask`` is (series x distinct times), the times sorted; the check is on these arrays,
    so it costs little next to the fit.
    """
    steps = _grid_steps(pd.Series(times), spec.time_kind, spec.freq, spec.time)
    starts = np.flatnonzero(np.r_[True, np.diff(steps) > 0])
    grid = steps[starts]  # the distinct grid steps the partition has
    per_step = np.add.reduceat(mask, starts, axis=1)  # rows per series and grid step
    if (per_step > 1).any():
        s, k = np.argwhere(per_step > 1)[0]
        stop = starts[k + 1] if k + 1 < len(starts) else mask.shape[1]
        cols = starts[k] + np.flatnonzero(mask[s, starts[k] : stop])
        raise TimeGapError(
            f"{spec.series}={labels[s]!r} has two rows in {_step_label(grid[k], spec)} "
            f"({times[cols[0]]!r} and {times[cols[1]]!r}), but its time grid has one row per "
            "month (datetimes) or period: aggregate them, give weekly or daily times as pandas "
            "Periods of that frequency, or pass missing='drop' to fit the times as given"
        )
    seen = per_step > 0
    n_steps = len(grid)
    first = seen.argmax(axis=1)
    last = n_steps - 1 - seen[:, ::-1].argmax(axis=1)
    absent = (grid[last] - grid[first] + 1) - seen.sum(axis=1)
    if not (absent > 0).any():
        return
    s = int(np.argmax(absent > 0))
    have = grid[seen[s]]
    i = int(np.argmax(np.diff(have) > 1))
    raise TimeGapError(
        f"{spec.series}={labels[s]!r} skips {_step_label(have[i] + 1, spec)}: it has rows for "
        f"{_step_label(have[i], spec)} and {_step_label(have[i + 1], spec)} but none between "
        f"({int(absent.sum())} absent time point(s) in {int((absent > 0).sum())} series in "
        "all). fit_trends does not guess what an absent row means: pass missing='zero' if it "
        "is a count of 0 (e.g. a groupby(...).size() panel), or missing='drop' if it was not "
        "observed"
    )


@dataclass
class _Panel:
    labels: pd.Index  # (S,) series labels, sorted
    y: np.ndarray  # (S, T)
    off: np.ndarray  # (S, T) log exposure
    mask: np.ndarray  # (S, T) 1.0 where observed
    X: np.ndarray  # (T, p)


def _to_arrays(df: pd.DataFrame, spec: _Spec) -> _Panel:
    """Long table to (series x time) arrays on the partition's own time grid."""
    y = as_counts(df[spec.count].to_numpy(dtype=float, na_value=np.nan), spec.count)
    tv = df[spec.time]
    if spec.time_kind == "numeric":
        as_finite(tv.to_numpy(dtype=float, na_value=np.nan), spec.time)
    # the time grid: distinct times, converted once each
    t_code, times = pd.factorize(tv, sort=True, use_na_sentinel=True)
    if (t_code < 0).any():
        i = int(np.flatnonzero(t_code < 0)[0])
        raise InputError(f"time must not be missing, got {tv.iloc[i]!r} at index {tv.index[i]!r}")
    if spec.time_kind == "datetime":
        grid = (_months(pd.Series(times)) - spec.origin) / 12.0
    else:
        grid = np.asarray(times, dtype=float) - spec.origin
    s_code, labels = pd.factorize(df[spec.series], sort=True)
    if (s_code < 0).any():
        raise InputError(f"series={spec.series!r} must not be missing, got a missing label")
    S, T = len(labels), len(grid)
    flat = s_code.astype(np.int64) * T + t_code
    if np.bincount(flat, minlength=S * T).max(initial=0) > 1:
        i = int(np.flatnonzero(pd.Series(flat).duplicated().to_numpy())[0])
        raise InputError(
            f"each (series, time) pair must appear once; series={labels[s_code[i]]!r} "
            f"repeats time {tv.iloc[i]!r}"
        )
    Y = np.zeros(S * T)
    Y[flat] = y
    M = np.zeros(S * T)
    M[flat] = 1.0
    if spec.missing != "drop":
        _check_grid(M.reshape(S, T), times, labels, spec)
    L = np.full(S * T, -np.inf)  # log exposure; -inf marks an unobserved cell (mean 0)
    L[flat] = 0.0
    if spec.exposure is not None:
        e = as_exposure(df[spec.exposure].to_numpy(dtype=float, na_value=np.nan), spec.exposure)
        L[flat] = np.log(e)
    X = np.ones((T, len(spec.terms)))
    X[:, 1] = np.asarray(grid, dtype=float)
    if spec.seasonality == "month":
        # months since January of year 0 (plus the fraction elapsed): floor, then mod 12
        moy = np.floor(np.asarray(grid) * 12.0 + spec.origin + 1e-9).astype(np.int64) % 12
        X[:, 2:] = moy[:, None] == np.arange(1, 12)[None, :]
    return _Panel(labels, Y.reshape(S, T), L.reshape(S, T), M.reshape(S, T), X)


# -- fitting -----------------------------------------------------------------------------------
def _screen(panel: _Panel, spec: _Spec, gram: countglm.Gram) -> np.ndarray:
    """Reasons that make a series unfit for fitting ("" where it can be fitted)."""
    y, m, X = panel.y, panel.mask, panel.X
    S, p = y.shape[0], X.shape[1]
    reason = np.full(S, "", dtype=object)
    n = m.sum(axis=1)
    need = p if spec.family == "poisson" else p + 1
    extra = "" if spec.family == "poisson" else " (and one more for the dispersion)"
    short = n < need
    reason[short] = [
        f"too short: {int(k)} observations for {p} coefficients{extra}" for k in n[short]
    ]
    zero = ~short & (np.sum(y * m, axis=1) == 0)
    reason[zero] = "all counts are zero: no log-rate coefficients exist"
    todo = np.flatnonzero(reason == "")
    if todo.size:
        G = gram(m[todo])
        # scale columns so the check does not depend on the time unit
        d = np.sqrt(np.maximum(np.diagonal(G, axis1=1, axis2=2), 1e-300))
        full_rank = countglm.positive_definite(G / d[:, :, None] / d[:, None, :])
        deficient = todo[~full_rank]
        reason[deficient] = (
            "rank-deficient design on the observed times (a calendar month never observed, "
            "or a single time point)"
        )
    if spec.seasonality == "month":
        todo = np.flatnonzero(reason == "")
        in_month = (y[todo] * m[todo]) @ X[:, 2:]  # counts per month Feb..Dec
        jan = np.sum(y[todo] * m[todo], axis=1) - in_month.sum(axis=1)
        totals = np.column_stack([jan, in_month])
        for i in np.flatnonzero((totals == 0).any(axis=1)):
            empty = ", ".join(_MONTHS[k] for k in np.flatnonzero(totals[i] == 0))
            reason[todo[i]] = f"no counts in {empty}: the month effect is minus infinity"
    return reason


# a quasi-Poisson dispersion below this is an exact fit (rounding noise of a zero Pearson
# statistic), as in ``countglm.fit_count_glm``
_EXACT_FIT = 1e-10


def _poisson(y, off, mask, X, gram, spec):
    """Poisson maximum likelihood by IRLS; SEs from the Fisher information.

    McCullagh, P. and Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., ch. 2 and 6.
    """
    fit = countglm.fit_poisson_batch(y, off, X, maxiter=spec.maxiter, tol=spec.tol, gram=gram)
    return fit, np.ones(y.shape[0]), np.zeros(y.shape[0], dtype=bool)


def _quasi_poisson(y, off, mask, X, gram, spec):
    """Poisson coefficients; variances times the Pearson scale chi2 / (n - p).

    Wedderburn, R. W. M. (1974). Quasi-likelihood functions, generalized linear models, and
    the Gauss-Newton method. Biometrika 61(3), 439-447; McCullagh and Nelder (1989), ch. 9.
    """
    fit, _, note = _poisson(y, off, mask, X, gram, spec)
    mu = np.exp(fit.beta @ X.T + off)
    seen = mask > 0
    pearson = np.where(seen, (y - mu) ** 2 / np.where(seen, mu, 1.0), 0.0)
    scale = pearson.sum(axis=1) / (mask.sum(axis=1) - X.shape[1])
    fit.var = fit.var * scale[:, None]
    return fit, scale, note


def _negbin(y, off, mask, X, gram, spec):
    """NB2 (variance mu + alpha mu^2), beta and alpha jointly by maximum likelihood.

    Lawless, J. F. (1987). Negative binomial and mixed Poisson regression. Canadian Journal of
    Statistics 15(3), 209-225; Cameron, A. C. and Trivedi, P. K. (2013). Regression Analysis
    of Count Data, 2nd ed., Cambridge University Press, ch. 3.
    """
    # the Poisson fit only starts NB2's Newton iterations: a loose one will do
    fit = countglm.fit_poisson_batch(
        y,
        off,
        X,
        maxiter=spec.maxiter,
        tol=max(spec.tol, _NB_START_TOL),
        variances=False,
        gram=gram,
    )
    alpha = np.full(y.shape[0], np.nan)
    note = np.zeros(y.shape[0], dtype=bool)
    good = np.flatnonzero(fit.converged)
    nb = countglm.fit_negbin_batch(
        y[good], off[good], X, fit.beta[good], maxiter=spec.maxiter, tol=spec.tol, gram=gram
    )
    fit.beta[good], fit.var[good] = nb.beta, nb.var
    fit.converged[good], fit.failed[good] = nb.converged, nb.failed
    fit.iterations[good] += nb.iterations
    alpha[good] = nb.alpha
    note[good] = nb.boundary & nb.converged
    return fit, alpha, note


_FAMILY_FITS = {"poisson": _poisson, "quasi-poisson": _quasi_poisson, "negbin": _negbin}


def _fit_chunk(panel: _Panel, spec: _Spec, gram: countglm.Gram) -> dict[str, np.ndarray]:
    """Screen and fit every series of one chunk; per-series arrays for the output table."""
    y, off, m, X = panel.y, panel.off, panel.mask, panel.X
    S, p = y.shape[0], X.shape[1]
    reason = _screen(panel, spec, gram)
    beta = np.full((S, p), np.nan)
    se = np.full((S, p), np.nan)
    disp = np.full(S, np.nan)
    conv = np.zeros(S, dtype=bool)
    iters = np.zeros(S, dtype=int)
    ok = np.flatnonzero(reason == "")
    if ok.size:
        fit, scale, note = _FAMILY_FITS[spec.family](y[ok], off[ok], m[ok], X, gram, spec)
        beta[ok], se[ok], disp[ok] = fit.beta, np.sqrt(fit.var), scale
        conv[ok], iters[ok] = fit.converged, fit.iterations
        reason[ok[note]] = "alpha estimate is 0 (no overdispersion): Poisson fit reported"
        reason[ok[fit.failed]] = "numerical failure: singular information matrix or overflow"
        reason[ok[~fit.converged & ~fit.failed]] = (
            f"did not converge in {spec.maxiter} iterations (the maximum-likelihood estimate "
            "may not exist: fitted means tending to 0 or dispersion without bound)"
        )
        if spec.family == "quasi-poisson":
            # the counts fitted exactly: phi 0 would make every standard error 0
            exact = fit.converged & ~(scale > _EXACT_FIT)
            reason[ok[exact]] = (
                "counts fitted exactly (Pearson dispersion 0): quasi-Poisson standard errors "
                "are undefined"
            )
            conv[ok[exact]] = False
    bad = ~conv
    beta[bad], se[bad], disp[bad] = np.nan, np.nan, np.nan
    return {
        "beta": beta,
        "se": se,
        "dispersion": disp,
        "converged": conv,
        "iterations": iters,
        "n_obs": m.sum(axis=1).astype(int),
        "reason": reason,
    }


def _empty_table(spec: _Spec, series_dtype: Any) -> pd.DataFrame:
    return _table(pd.Index([], dtype=series_dtype), [], spec)


def _table(labels: pd.Index, parts: list[dict[str, np.ndarray]], spec: _Spec) -> pd.DataFrame:
    """Per-series arrays to the tidy (series x term) table."""
    terms = spec.terms
    p = len(terms)
    if parts:
        cat = {k: np.concatenate([c[k] for c in parts]) for k in parts[0]}
    else:
        cat = {
            "beta": np.empty((0, p)),
            "se": np.empty((0, p)),
            "dispersion": np.empty(0),
            "converged": np.empty(0, bool),
            "iterations": np.empty(0, int),
            "n_obs": np.empty(0, int),
            "reason": np.empty(0, object),
        }
    S = len(labels)
    est, se = cat["beta"].reshape(-1), cat["se"].reshape(-1)
    if spec.family == "quasi-poisson":
        df_resid = np.repeat(cat["n_obs"] - p, p).astype(float)
        q = t_quantile(spec.confidence, np.maximum(df_resid, 1))
        with np.errstate(invalid="ignore"):
            pval = t_pvalue(est / se, np.maximum(df_resid, 1))
        method = "wald-t"
    else:
        q = z_quantile(spec.confidence)
        with np.errstate(invalid="ignore"):
            pval = normal_pvalue(est / se)
        method = "wald-z"
    out = pd.DataFrame(
        {
            spec.series: labels.repeat(p),
            "term": np.tile(np.asarray(terms, dtype=object), S),
            "estimate": est,
            "se": se,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
            "pvalue": pval,
            "confidence": np.full(S * p, spec.confidence),
            "family": spec.family,
            "method": method,
            "dispersion": np.repeat(cat["dispersion"], p),
            "n_obs": np.repeat(cat["n_obs"], p),
            "converged": np.repeat(cat["converged"], p),
            "iterations": np.repeat(cat["iterations"], p),
            "reason": np.repeat(np.asarray(cat["reason"], dtype=object), p),
        }
    )
    out["term"] = out["term"].astype(str)
    out["reason"] = out["reason"].astype(str)
    return out


def _chunks(n: int, size: int) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def _fit_frame(df: pd.DataFrame, spec: _Spec, *, progress: bool | None = False) -> pd.DataFrame:
    """The whole fit of one pandas frame (the numpy engine, and one Dask partition)."""
    if len(df) == 0:
        return _empty_table(spec, df[spec.series].dtype)
    if spec.missing == "zero":
        df = _fill_zeros(df, spec)
    panel = _to_arrays(df, spec)
    S, T = panel.y.shape
    size = spec.chunk_size or max(1, _CELLS_PER_CHUNK // max(T, 1))
    pieces = _chunks(S, size)
    if progress is None:
        progress = sys.stderr.isatty()
    if progress and len(pieces) > 0:
        from tqdm import tqdm

        pieces = tqdm(pieces, desc="fit_trends", unit="chunk", disable=False)
    parts = []
    gram = countglm.Gram(panel.X)
    for sl in pieces:
        chunk = _Panel(panel.labels[sl], panel.y[sl], panel.off[sl], panel.mask[sl], panel.X)
        parts.append(_fit_chunk(chunk, spec, gram))
    return _table(panel.labels, parts, spec)


# -- dask --------------------------------------------------------------------------------------
def _fit_dask(df: Any, spec_kw: dict[str, Any], *, npartitions: int | None, compute: bool) -> Any:
    """The Dask engine: group each series into one partition, then fit partition by partition."""
    import dask.dataframe as dd

    names = {
        k: spec_kw[k] for k in ("series", "time", "count", "exposure") if spec_kw[k] is not None
    }
    label_dtype = None
    if isinstance(df, pd.DataFrame):
        _check_columns(df.columns, names)
        label_dtype = df[spec_kw["series"]].dtype
        if npartitions is None:
            import os

            npartitions = os.cpu_count() or 1
        n_series = max(1, df[spec_kw["series"]].nunique())
        ddf = dd.from_pandas(df, npartitions=max(1, min(npartitions, n_series)), sort=False)
        npartitions = ddf.npartitions
    elif isinstance(df, dd.DataFrame):
        ddf = df
        _check_columns(ddf.columns, names)
    else:
        raise InputError(
            f"df must be a pandas or Dask DataFrame for engine='dask', got {type(df).__name__}"
        )
    timing = _time_origin(
        ddf[spec_kw["time"]], spec_kw["time"], spec_kw["seasonality"], spec_kw["missing"]
    )
    spec = _Spec(**timing, **spec_kw)
    # every row of a series in one partition, so each partition fits whole series
    grouped = ddf.shuffle(on=spec.series, npartitions=npartitions or ddf.npartitions)
    meta = _empty_table(spec, ddf[spec.series].dtype)
    out = grouped.map_partitions(_fit_frame, spec, meta=meta, enforce_metadata=False)
    if not compute:
        return out
    res = out.compute()
    order = pd.Categorical(res["term"], categories=spec.terms, ordered=True)
    res = res.assign(_t=order.codes).sort_values([spec.series, "_t"], kind="stable")
    res = res.drop(columns="_t").reset_index(drop=True)
    # Dask may store strings as its own string type; give back the caller's types
    for col in ("term", "family", "method", "reason"):
        res[col] = res[col].astype(str)
    if label_dtype is not None:
        res[spec.series] = res[spec.series].astype(label_dtype)
    elif pd.api.types.is_string_dtype(res[spec.series].dtype):
        res[spec.series] = res[spec.series].astype(str)
    return res
