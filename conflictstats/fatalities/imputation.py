"""Trends of monthly deaths fitted on series imputed from a fatality model, pooled by Rubin."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._numeric import t_quantile
from .._validation import InputError, as_confidence, as_rng
from ..results import Estimate, aux_field, result
from .aggregate import _group_codes, _simulate_totals
from .models import FatalityInputError, FatalityModel
from .pooling import PooledEstimate, rubin_pool

__all__ = ["ImputedTrend", "ImputedTrends", "fit_trend_imputed", "fit_trends_imputed"]


@result
class ImputedTrend(PooledEstimate):
    """Trend coefficients pooled over m series imputed from a fatality model.

    One element per coefficient (``term``: ``intercept``, ``trend``, ...), with the pooled
    estimate, standard error, Barnard-Rubin ``df``, interval and fraction of missing
    information ``fmi``. ``period`` lists the months; ``series`` holds the imputed monthly
    totals (``n_months x m``), ``reported`` the monthly sums of the reported best values and
    ``reported_fit`` the trend fitted on them; ``fits`` the m individual fits.
    """

    period: Any = aux_field()
    series: Any = aux_field()
    reported: Any = aux_field()
    reported_fit: Any = aux_field()
    fits: Any = aux_field()
    family: str = aux_field("negbin")

    def annual_change(self, *, confidence: float | None = None) -> Estimate:
        """Pooled percent change of the expected monthly count per year.

        ``100 (exp(b) - 1)`` of the pooled trend coefficient, with its pooled t interval
        mapped through the same transform.

        Examples
        --------
        >>> from conflictstats.fatalities import fatality_model, fit_trend_imputed
        >>> months = ["2017-01", "2017-02", "2017-03", "2017-04", "2017-05", "2017-06"] * 3
        >>> best = [10, 12, 15, 13, 18, 20, 1, 2, 2, 3, 2, 3, 5, 4, 6, 8, 7, 9]
        >>> fit = fit_trend_imputed(fatality_model(best, violence="sb"), months,
        ...                         family="poisson", m=10, rng=1)
        >>> fit.annual_change().quantity
        'annual change (%)'
        """
        conf = self.confidence if confidence is None else as_confidence(confidence)
        terms = list(self.term)
        if "trend" not in terms:
            raise InputError("annual_change needs a model with trend='linear'")
        i = terms.index("trend")
        b, se, df = self.estimate[i], self.se[i], self.df[i]
        crit = t_quantile(conf, df)
        return Estimate(
            float(100 * np.expm1(b)),
            float(100 * np.expm1(b - crit * se)),
            float(100 * np.expm1(b + crit * se)),
            confidence=conf,
            method=self.method,
            quantity="annual change (%)",
        )


def _month_codes(months: Any, n: int, start: Any, end: Any):
    try:
        per = pd.PeriodIndex(pd.to_datetime(pd.Series(np.asarray(months, dtype=object))), freq="M")
    except (TypeError, ValueError) as exc:
        raise FatalityInputError(
            f"months could not be read as dates: {exc}", argument="months"
        ) from None
    if len(per) != n:
        raise FatalityInputError(
            f"months has {len(per)} values but the model has {n} events", argument="months"
        )
    if per.isna().any():
        row = int(np.flatnonzero(per.isna())[0])
        raise FatalityInputError(f"months is missing at row {row}", argument="months", row=row)
    first = per.min() if start is None else pd.Period(start, freq="M")
    last = per.max() if end is None else pd.Period(end, freq="M")
    if last < first:
        raise InputError(f"end {last} is before start {first}")
    # month ordinals (months since 1970-01) differ by whole months
    codes = (per.asi8 - first.ordinal).astype(np.intp)
    n_months = (last - first).n + 1
    bad = (codes < 0) | (codes >= n_months)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise FatalityInputError(
            f"months {per[row]} at row {row} lies outside {first} to {last}",
            argument="months",
            row=row,
        )
    periods = pd.period_range(first, last, freq="M")
    return codes, periods


def fit_trend_imputed(
    model: FatalityModel,
    months: Any,
    *,
    m: int = 20,
    rng: Any,
    start: Any = None,
    end: Any = None,
    confidence: float = 0.95,
    fitter: Any = None,
    **trend_options: Any,
) -> ImputedTrend:
    """Fit a trend to monthly deaths m times, on series drawn from a fatality model, and pool.

    Parameters
    ----------
    model : FatalityModel
        Per-event fatality model (see :func:`fatality_model`).
    months : array_like
        The month (or any date in it) of every event, e.g. GED's ``date_start``.
    m : int
        Number of imputed series (at least 2; 20 to 100 is usual).
    rng : numpy.random.Generator or int
        Source of randomness.
    start, end : str or Period, optional
        First and last month of the series (default: the first and last month with events).
        Months without events count as 0 deaths: in event data an absent month is a month
        with no recorded deaths.
    confidence : float
        Level of the pooled intervals.
    fitter : callable, optional
        ``fitter(counts, dates=first_month, confidence=..., **trend_options)`` returning a
        :class:`~conflictstats.trends.TrendFit`; default :func:`conflictstats.trends.fit_trend`.
    **trend_options
        Passed to the fitter: ``family``, ``exposure``, ``seasonality``, ``breaks``, ``trend``.

    Returns
    -------
    ImputedTrend
        Pooled coefficients (one element per term) with ``df``, ``fmi`` and
        ``annual_change()``.

    Raises
    ------
    FatalityInputError
        Months that cannot be read, are missing or fall outside ``start``-``end``.
    InputError
        ``m < 2``; whatever the fitter raises (e.g. an imputed series of zeros).

    Notes
    -----
    Each imputation draws every event's true deaths from the model, independently across
    events, sums them by month, and rounds the monthly totals to whole numbers (the count
    models need whole counts; draws below 0, possible for the smallest events under the
    continuous Gumbel, count as 0). The trend model is fitted to each series, and each
    coefficient is pooled with Rubin's rules: ``W`` the mean squared standard error, ``B`` the
    variance of the m estimates (divisor m - 1), ``T = W + (1 + 1/m) B``, Barnard-Rubin degrees
    of freedom with the complete-data df of the fit's own intervals (the residual df for
    quasi-Poisson, whose intervals use t; infinite, i.e. Rubin's (1987) df, for the Poisson
    and NB2 fits, whose intervals are normal). ``fmi`` says how much of the
    uncertainty of a coefficient is due to the uncertainty of the death counts.

    References
    ----------
    Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley.
    Barnard, J. & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple
    imputation. Biometrika 86(4), 948-955.
    Vesco, P. et al. (2024). The underreported death toll of wars: a probabilistic
    reassessment from a structured expert elicitation. arXiv preprint; Journal of Conflict
    Resolution (2026).

    Examples
    --------
    >>> from conflictstats.fatalities import fatality_model, fit_trend_imputed
    >>> months = ["2017-01", "2017-02", "2017-03", "2017-04", "2017-05", "2017-06"] * 3
    >>> best = [10, 12, 15, 13, 18, 20, 1, 2, 2, 3, 2, 3, 5, 4, 6, 8, 7, 9]
    >>> fit = fit_trend_imputed(fatality_model(best, violence="sb"), months,
    ...                         family="poisson", m=10, rng=1)
    >>> fit.term.tolist()
    ['intercept', 'trend']
    >>> bool(0 < fit.fmi[1] < 1)
    True
    """
    if not isinstance(model, FatalityModel):
        raise InputError(f"model must be a FatalityModel (see fatality_model), got {model!r}")
    if not isinstance(m, (int, np.integer)) or isinstance(m, bool) or m < 2:
        raise InputError(f"m must be a whole number of imputations >= 2, got {m!r}")
    conf = as_confidence(confidence)
    gen = as_rng(rng)
    if fitter is None:
        from ..trends import fit_trend as fitter
    codes, periods = _month_codes(months, model.n_events, start, end)
    n_months = periods.size
    totals = _simulate_totals(model, codes, n_months, int(m), gen)
    series = np.rint(np.maximum(totals, 0.0))
    reported = np.bincount(codes, weights=model.best, minlength=n_months)
    first = str(periods[0])
    fits = [fitter(series[:, j], dates=first, confidence=conf, **trend_options) for j in range(m)]
    coefs = [f.coefficients for f in fits]
    q = np.stack([np.asarray(c.estimate, float) for c in coefs])
    u = np.stack([np.asarray(c.se, float) ** 2 for c in coefs])
    # complete-data df: the fit's own reference distribution (t on the residual df for
    # quasi-Poisson, normal otherwise)
    family = getattr(fits[0], "family", "")
    dfcom = float(fits[0].df_resid) if family == "quasi-poisson" else np.inf
    pooled = rubin_pool(
        q,
        u,
        dfcom=dfcom,
        confidence=conf,
        term=np.asarray(coefs[0].term),
        quantity="log-scale coefficient",
    )
    reported_fit = fitter(reported, dates=first, confidence=conf, **trend_options)
    fields = {f.name: getattr(pooled, f.name) for f in dataclasses.fields(pooled) if f.init}
    fields["method"] = f"{fits[0].method} on {m} series imputed from {model.name}; Rubin's rules"
    return ImputedTrend(
        **fields,
        period=[str(p) for p in periods],
        series=series,
        reported=reported,
        reported_fit=reported_fit,
        fits=fits,
        family=family,
    )


@result
class ImputedTrends(PooledEstimate):
    """Trend coefficients of many series, each pooled over m imputed panels.

    One element per series and coefficient (``group`` names the series, ``term`` the
    coefficient), with the pooled estimate, standard error, Barnard-Rubin ``df``, interval
    and ``fmi``. ``reason`` is empty where all m fits succeeded, else it says in how many
    imputations the panel fit flagged the series (and why); such elements are NaN.
    ``counts`` holds the imputed monthly totals, shape ``(n_series, n_months, m)``.
    """

    group: Any = None
    reason: Any = None
    period: Any = aux_field()
    counts: Any = aux_field()
    family: str = aux_field("poisson")

    column_order: ClassVar[tuple[str, ...]] = ("group", *PooledEstimate.column_order)

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        text = super()._sentence(index)
        if self.shape != ():
            return f"{self._element('group', index)} {text}"
        return text


def fit_trends_imputed(
    model: FatalityModel,
    months: Any,
    groups: Any,
    *,
    m: int = 20,
    rng: Any,
    start: Any = None,
    end: Any = None,
    exposure: str | None = None,
    family: str = "poisson",
    confidence: float = 0.95,
    **panel_options: Any,
) -> ImputedTrends:
    """Trends of many monthly death series (provinces, countries), pooled over m imputations.

    The panel version of :func:`fit_trend_imputed`: the events' true deaths are drawn m times
    from ``model``, summed per group and month, and every series is fitted at once by
    :func:`conflictstats.panel.fit_trends`; each coefficient of each series is pooled with
    Rubin's rules.

    Parameters
    ----------
    model : FatalityModel
        Per-event fatality model.
    months : array_like
        The month (or a date in it) of every event.
    groups : array_like
        The series (province, country, ...) of every event.
    m : int
        Number of imputed panels (at least 2).
    rng : numpy.random.Generator or int
        Source of randomness.
    start, end : str or Period, optional
        First and last month (default: those with events). Every series gets every month of
        this span; months without events count as 0 deaths.
    exposure : {None, "days"}
        ``"days"``: the days in each month as the exposure (rates per day).
    family : {"poisson", "quasi-poisson", "negbin"}
        Passed to :func:`~conflictstats.panel.fit_trends`, as are ``panel_options``
        (``seasonality``, ``chunk_size``, ...).
    confidence : float
        Level of the pooled intervals.

    Returns
    -------
    ImputedTrends
        One element per series and coefficient, series sorted.

    Notes
    -----
    As in :func:`fit_trend_imputed`: independent draws across events, monthly totals rounded
    to whole numbers (draws below 0 count as 0), Rubin's rules with Barnard-Rubin degrees of
    freedom; the complete-data df is ``n_obs - p`` for quasi-Poisson (t intervals) and
    infinite for Poisson and NB2 (normal intervals). Filling absent months with 0 is right
    for event data (no event, no recorded death), not for series that were not observed.

    References
    ----------
    Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley.
    Barnard, J. & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple
    imputation. Biometrika 86(4), 948-955.

    Examples
    --------
    >>> from conflictstats.fatalities import fatality_model, fit_trends_imputed
    >>> months = ["2017-01", "2017-02", "2017-03", "2017-04", "2017-05", "2017-06"] * 2
    >>> where = ["north"] * 6 + ["south"] * 6
    >>> best = [10, 12, 15, 13, 18, 20, 9, 7, 8, 6, 5, 4]
    >>> fits = fit_trends_imputed(fatality_model(best, violence="sb"), months, where,
    ...                           m=10, rng=1)
    >>> fits.group.tolist(), fits.term.tolist()
    (['north', 'north', 'south', 'south'], ['intercept', 'trend', 'intercept', 'trend'])
    """
    from ..panel import fit_trends

    if not isinstance(model, FatalityModel):
        raise InputError(f"model must be a FatalityModel (see fatality_model), got {model!r}")
    if not isinstance(m, (int, np.integer)) or isinstance(m, bool) or m < 2:
        raise InputError(f"m must be a whole number of imputations >= 2, got {m!r}")
    if exposure is not None and exposure != "days":
        raise InputError(f"exposure must be None or 'days', got {exposure!r}")
    conf = as_confidence(confidence)
    gen = as_rng(rng)
    month_codes, periods = _month_codes(months, model.n_events, start, end)
    group_codes, labels = _group_codes(groups, model.n_events)
    n_months, n_series = periods.size, labels.size
    codes = group_codes * n_months + month_codes
    totals = _simulate_totals(model, codes, n_series * n_months, int(m), gen)
    counts = np.rint(np.maximum(totals, 0.0)).reshape(n_series, n_months, int(m))
    frame = pd.DataFrame(
        {
            "series": np.repeat(np.arange(n_series), n_months),
            "month": np.tile(periods.to_timestamp(), n_series),
        }
    )
    if exposure == "days":
        frame["days"] = np.tile(periods.days_in_month.to_numpy().astype(float), n_series)
    tables = []
    for j in range(int(m)):
        frame["deaths"] = counts[:, :, j].reshape(-1)
        tables.append(
            fit_trends(
                frame,
                series="series",
                time="month",
                count="deaths",
                exposure="days" if exposure == "days" else None,
                family=family,
                confidence=conf,
                progress=False,
                **panel_options,
            )
        )
    first = tables[0]
    q = np.stack([t["estimate"].to_numpy(float) for t in tables])
    u = np.stack([t["se"].to_numpy(float) ** 2 for t in tables])
    failed = np.isnan(q).any(axis=0) | np.isnan(u).any(axis=0)
    n_params = first.groupby("series")["term"].transform("size").to_numpy()
    dfcom = first["n_obs"].to_numpy(float) - n_params if family == "quasi-poisson" else np.inf
    q_ok, u_ok = np.where(failed, 0.0, q), np.where(failed, 0.0, u)
    pooled = rubin_pool(q_ok, u_ok, dfcom=dfcom, confidence=conf)
    reasons = np.full(q.shape[1], "", dtype=object)
    for i in np.flatnonzero(failed):
        bad = [t["reason"].iloc[i] for t in tables if np.isnan(t["estimate"].iloc[i])]
        reasons[i] = f"failed in {len(bad)} of {m} imputations: {bad[0] if bad else 'NaN'}"
    fields = {f.name: getattr(pooled, f.name) for f in dataclasses.fields(pooled) if f.init}
    for name in (
        "estimate",
        "ci_low",
        "ci_high",
        "se",
        "df",
        "within",
        "between",
        "total",
        "riv",
        "lambda_",
        "fmi",
    ):
        fields[name] = np.where(failed, np.nan, fields[name])
    fields["term"] = first["term"].to_numpy()
    fields["quantity"] = "log-scale coefficient"
    fields["method"] = f"panel {family} fits on {m} panels imputed from {model.name}; Rubin's rules"
    return ImputedTrends(
        **fields,
        group=labels[first["series"].to_numpy()],
        reason=reasons,
        period=[str(p) for p in periods],
        counts=counts,
        family=family,
    )
