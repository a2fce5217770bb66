"""Stratified multiple systems estimation: one estimate per stratum, posteriors summed."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import signal

from .._validation import InputError, as_confidence
from ..results import aux_field, result
from .bma import BMAEstimate, _posterior_summary, bma
from .histories import capture_histories

STRATIFIED_METHODS = ("bma", "lcmcr")


@result
class StratifiedEstimate(BMAEstimate):
    """The total over strata: the posterior of the sum of independent per-stratum totals.

    As :class:`BMAEstimate` (median, equal-tailed interval, mean, HPD ends, ``posterior`` on
    the grid when the strata give grids), with ``draws`` (summed posterior draws, when the
    strata give draws), ``strata`` (one row per stratum: observed, median, interval, mean) and
    ``fits`` (the per-stratum results, by stratum name).
    """

    draws: Any = aux_field()
    strata: Any = aux_field()
    fits: Any = aux_field()


def _split(strata: Any, by: Any, count_column: str) -> dict[str, Any]:
    """Stratum name -> histories, from a mapping or a DataFrame with stratum column(s)."""
    if isinstance(strata, pd.DataFrame):
        if by is None:
            raise InputError("by: name the stratum column(s) of the DataFrame, e.g. by='region'")
        cols = [by] if isinstance(by, str) else list(by)
        missing = [c for c in cols if c not in strata.columns]
        if missing:
            raise InputError(
                f"by: column(s) {missing} not in the DataFrame; columns are {list(strata.columns)}"
            )
        if strata[cols].isna().any().any():
            raise InputError(f"by: the stratum column(s) {cols} have missing values")
        out = {}
        for key, part in strata.groupby(cols, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            name = " / ".join(str(k) for k in key) if len(cols) > 1 else str(key[0])
            out[name] = part.drop(columns=cols)
        return out
    if isinstance(strata, Mapping):
        if by is not None:
            raise InputError("by: only for a DataFrame of strata; a mapping is already split")
        if not strata:
            raise InputError("strata: no stratum given")
        return {str(k): v for k, v in strata.items()}
    raise InputError(
        "strata must be a mapping {stratum: histories} or a DataFrame with a stratum column, "
        f"got {type(strata).__name__}"
    )


def check_strata(
    strata: Any, *, by: Any = None, min_records: int = 10, count_column: str = "count"
) -> pd.DataFrame:
    """Whether each stratum's lists overlap enough for multiple systems estimation.

    Parameters
    ----------
    strata : mapping or DataFrame
        ``{stratum: histories}`` (each as accepted by :func:`capture_histories`), or one
        DataFrame of list columns, a ``count_column`` and stratum column(s) named by ``by``.
    by : str or list of str, optional
        Stratum column(s) of a DataFrame.
    min_records : int
        A list with fewer records than this in a stratum is flagged (default 10, as dga).
    count_column : str
        Count column of a pattern DataFrame.

    Returns
    -------
    pandas.DataFrame
        One row per stratum: ``stratum``, ``observed``, ``lists``, ``smallest_list``,
        ``empty_lists``, ``small_lists``, ``isolated_lists`` (lists sharing no record with
        any other), ``ok`` (no empty or isolated list and some overlap) and ``problem`` (a
        sentence, empty when there is none; small lists are a caution, not a failure).

    Notes
    -----
    The checks of dga's ``check.strata`` (Lum, Johndrow and Ball): fewer than three lists, a
    list that is empty in a stratum, lists with few records, and lists that intersect no other
    list; a stratum with no record on two lists or more fails as well.

    References
    ----------
    Johndrow, J., Lum, K. and Ball, P. (2015). dga: capture-recapture estimation using
    Bayesian model averaging. R package (``check.strata``).

    Examples
    --------
    >>> from conflictstats.mse import check_strata
    >>> report = check_strata({
    ...     "north": {"100": 40, "010": 30, "001": 25, "110": 12, "101": 9, "011": 7, "111": 3},
    ...     "south": {"100": 5, "010": 4, "110": 2, "001": 3},
    ... })
    >>> report[["stratum", "ok"]].to_string(index=False)
    'stratum    ok\\n  north  True\\n  south False'
    >>> report["problem"].iloc[1]
    "list(s) 'C' share no record with any other list; list(s) 'A', 'B', 'C' have fewer than 10 records"
    """
    parts = _split(strata, by, count_column)
    rows = []
    for name, histories in parts.items():
        table = capture_histories(histories, count_column=count_column)
        names = table.attrs["lists"]
        bits = np.array([[c == "1" for c in key] for key in table.index])
        y = table.to_numpy()
        per_list = (bits * y[:, None]).sum(axis=0)
        multi = bits.sum(axis=1) >= 2
        shared = ((bits & multi[:, None]) * y[:, None]).sum(axis=0)
        empty = [names[i] for i in np.flatnonzero(per_list == 0)]
        isolated = [names[i] for i in np.flatnonzero((shared == 0) & (per_list > 0))]
        small = [names[i] for i in np.flatnonzero(per_list < min_records)]
        problems = []
        if len(names) < 3:
            problems.append(f"only {len(names)} lists (three or more are needed)")
        if empty:
            problems.append("list(s) " + ", ".join(map(repr, empty)) + " record nobody")
        if y[multi].sum() == 0:
            problems.append("no record is on two lists or more")
        elif isolated:
            problems.append(
                "list(s) " + ", ".join(map(repr, isolated)) + " share no record with any other list"
            )
        ok = not problems
        if small:
            problems.append(
                "list(s) " + ", ".join(map(repr, small)) + f" have fewer than {min_records} records"
            )
        rows.append(
            {
                "stratum": name,
                "observed": float(y.sum()),
                "lists": len(names),
                "smallest_list": float(per_list.min()),
                "empty_lists": ", ".join(empty),
                "small_lists": ", ".join(small),
                "isolated_lists": ", ".join(isolated),
                "ok": ok,
                "problem": "; ".join(problems),
            }
        )
    return pd.DataFrame(rows)


def _convolve(grids: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Distribution of a sum of independent integer variables given on contiguous grids."""
    start, prob = 0, np.array([1.0])
    for N, p in grids:
        step = np.diff(N)
        if len(N) > 1 and not np.all(step == 1):
            raise InputError("strata: a posterior grid must be the consecutive integers N")
        # drop a far tail below 1e-15 in all: it cannot move the sum's summaries
        keep = len(p) - int(np.searchsorted(np.cumsum(p[::-1]), 1e-15, side="right"))
        p = p[: max(keep, 1)]
        if len(prob) * len(p) > 4_000_000:
            prob = np.clip(signal.fftconvolve(prob, p), 0.0, None)
        else:
            prob = np.convolve(prob, p)
        prob /= prob.sum()
        start += int(N[0])
    return start + np.arange(len(prob)), prob


def _draw_summary(draws: np.ndarray, confidence: float) -> dict[str, float]:
    tail = (1 - confidence) / 2
    s = np.sort(draws)
    m = len(s)
    width = int(np.ceil(confidence * m))
    spans = s[width - 1 :] - s[: m - width + 1]
    i = int(np.argmin(spans))
    med, lo, hi = np.quantile(s, [0.5, tail, 1 - tail])
    return {
        "estimate": float(med),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "mean": float(s.mean()),
        "hpd_low": float(s[i]),
        "hpd_high": float(s[i + width - 1]),
    }


def _resolve(method: Any) -> tuple[Callable[..., Any], str]:
    if callable(method):
        return method, getattr(method, "__name__", "custom")
    if method == "bma":
        return bma, "bma"
    if method == "lcmcr":
        # the latent-class sampler lives in mse/lcmcr.py; import the module itself, since the
        # package's attribute of that name is the function once it is exported
        try:
            module = importlib.import_module(__package__ + ".lcmcr")
        except ModuleNotFoundError:
            raise InputError(
                "method 'lcmcr' needs conflictstats.mse.lcmcr, which this version does not have"
            ) from None
        return module.lcmcr, "lcmcr"
    raise InputError(
        f"method must be one of {', '.join(STRATIFIED_METHODS)} or a callable, got {method!r}"
    )


def stratified(
    strata: Any,
    *,
    by: Any = None,
    method: Any = "bma",
    confidence: float = 0.95,
    min_records: int = 10,
    count_column: str = "count",
    **options: Any,
) -> StratifiedEstimate:
    """Population size summed over strata (place × period, as in HRDAG's analyses).

    Each stratum is estimated on its own; the strata are independent, so the posterior of the
    total is the convolution of the per-stratum posteriors of N (grids, as from :func:`bma`)
    or, for samplers, the sum of their draws taken in order.

    Parameters
    ----------
    strata : mapping or DataFrame
        ``{stratum: histories}``, or one DataFrame with list columns, a ``count_column`` and
        stratum column(s) named by ``by``.
    by : str or list of str, optional
        Stratum column(s) of a DataFrame.
    method : {"bma", "lcmcr"} or callable
        Estimator for each stratum: a callable ``f(histories, **options)`` returning a result
        with ``posterior`` (DataFrame ``N``, ``probability``) or ``draws`` (1-d array).
    confidence : float
        Credibility of the intervals, default 0.95.
    min_records : int
        Threshold for the small-list caution of :func:`check_strata`.
    count_column : str
        Count column of a pattern DataFrame.
    **options
        Passed to the estimator (``delta=``, ``n_max=``, ...; for samplers ``rng=``: give
        each stratum's draws the same length).

    Returns
    -------
    StratifiedEstimate
        The total's posterior median, equal-tailed interval, mean and HPD ends; ``posterior``
        or ``draws``; ``strata`` (per-stratum table) and ``fits``.

    Raises
    ------
    InputError
        A stratum that fails :func:`check_strata` (the message lists them and why), unequal
        numbers of draws, an unknown method, or bad strata.

    Warns
    -----
    UserWarning
        Strata with a list of fewer than ``min_records`` records.

    References
    ----------
    Lum, K., Price, M. E. and Banks, D. (2013). Applications of multiple systems estimation in
    human rights research. The American Statistician 67, 191-200.

    Examples
    --------
    >>> from conflictstats.mse import stratified
    >>> r = stratified({
    ...     "north": {"100": 40, "010": 30, "001": 25, "110": 12, "101": 9, "011": 7, "111": 3},
    ...     "south": {"100": 30, "010": 26, "001": 20, "110": 10, "101": 8, "011": 6, "111": 2},
    ... }, delta=1)
    >>> r.strata[["stratum", "observed", "estimate"]].to_string(index=False)
    'stratum  observed  estimate\\n  north     126.0     205.0\\n  south     102.0     161.0'
    >>> r.estimate, r.ci_low, r.ci_high, r.observed
    (368.0, 303.0, 441.0, 228.0)
    """
    confidence = as_confidence(confidence)
    fn, name = _resolve(method)
    report = check_strata(strata, by=by, min_records=min_records, count_column=count_column)
    bad = report[~report["ok"]]
    if len(bad):
        lines = "; ".join(f"{s}: {p}" for s, p in zip(bad["stratum"], bad["problem"], strict=True))
        raise InputError(
            f"strata: {len(bad)} of {len(report)} strata cannot be estimated ({lines}); merge "
            "them with neighbouring strata or drop the empty lists"
        )
    small = report[report["small_lists"] != ""]
    if len(small):
        warnings.warn(
            "strata: lists with fewer than "
            f"{min_records} records in {', '.join(small['stratum'])}; their estimates lean on "
            "the prior and the model",
            UserWarning,
            stacklevel=2,
        )
    parts = _split(strata, by, count_column)
    fits = {}
    for key, histories in parts.items():
        kwargs = dict(options)
        if name in ("bma", "lcmcr"):
            kwargs.setdefault("confidence", confidence)
        fits[key] = fn(histories, **kwargs)
    first = next(iter(fits.values()))
    grids = all(getattr(f, "posterior", None) is not None for f in fits.values())
    draws = None
    posterior = None
    if grids:
        N, prob = _convolve(
            [
                (f.posterior["N"].to_numpy(np.int64), f.posterior["probability"].to_numpy(float))
                for f in fits.values()
            ]
        )
        summary = _posterior_summary(N.astype(float), prob, confidence)
        posterior = pd.DataFrame({"N": N, "probability": prob})
    elif all(getattr(f, "draws", None) is not None for f in fits.values()):
        arrays = [np.asarray(f.draws, dtype=float) for f in fits.values()]
        if len({len(a) for a in arrays}) != 1:
            sizes = {k: len(a) for k, a in zip(fits, arrays, strict=True)}
            raise InputError(f"strata: draws must have one length to be summed, got {sizes}")
        draws = np.sum(arrays, axis=0)
        summary = _draw_summary(draws, confidence)
    else:
        raise InputError(
            f"method {name!r} returns neither a posterior grid nor draws; strata are summed "
            "through one or the other"
        )
    table = pd.DataFrame(
        {
            "stratum": list(fits),
            "observed": [float(f.observed) for f in fits.values()],
            "estimate": [f.estimate for f in fits.values()],
            "ci_low": [f.ci_low for f in fits.values()],
            "ci_high": [f.ci_high for f in fits.values()],
            "mean": [getattr(f, "mean", np.nan) for f in fits.values()],
        }
    )
    return StratifiedEstimate(
        confidence=confidence,
        method=f"{len(fits)} strata, {name} per stratum: {first.method}"
        + ("; posteriors convolved" if grids else "; draws summed"),
        quantity="population size",
        observed=float(table["observed"].sum()),
        delta=getattr(first, "delta", None),
        prior=getattr(first, "prior", None),
        posterior=posterior,
        draws=draws,
        strata=table,
        fits=fits,
        lists=getattr(first, "lists", None),
        **summary,
    )
