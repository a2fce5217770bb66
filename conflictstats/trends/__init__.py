"""One monthly count series: GLM trends, seasonality, breaks, changepoints and forecasts.

:func:`fit_trend` fits a log-linear count model (Poisson, quasi-Poisson or NB2 negative binomial)
with the count-model core :mod:`conflictstats.countglm`: a linear trend in years, optional month-of-year effects, level and slope changes
at known dates (an interrupted time series) and an exposure offset. The fit is a
:class:`TrendFit` — an :class:`~conflictstats.results.Estimate` of the fitted monthly mean with its
confidence band — whose methods give the coefficients, the annual percent change, the effects of
the breaks and simulated forecasts with prediction intervals. :func:`find_changepoints` searches
all segmentations exactly by dynamic programming; :func:`mann_kendall` and :func:`sen_slope` are
the distribution-free trend checks; :func:`evaluate_forecast` scores a forecast against the
months that followed (CRPS, interval score, coverage).

The implementation is split by concern: series input in ``trends.series``, the design matrix
and GLM fitters in ``trends.glm``, the changepoint search in ``trends.changepoints`` and the
Mann-Kendall test and Sen's slope in ``trends.nonparametric``; every public name is importable
from here.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .._format import format_confidence
from .._numeric import align, normal_pvalue, t_pvalue, t_quantile, z_quantile
from .._validation import (
    InputError,
    as_confidence,
    as_counts,
    as_exposure,
    as_finite,
    as_rng,
    check_choice,
    check_method,
)
from ..results import Estimate, aux_field, result
from .boundary import find_boundary
from .changepoints import Changepoints, find_changepoints
from .glm import _FITTERS, _design, _future_offset, _future_periods, _terms
from .nonparametric import MannKendall, SenSlope, mann_kendall, sen_slope
from .series import (
    _TIME_INDEX,
    _as_series,
    _break_positions,
    _days,
    _ordered,
    _text_times,
)

__all__ = [
    "TrendFit",
    "TrendCoefficients",
    "AnnualChange",
    "BreakEffects",
    "TrendForecast",
    "Changepoints",
    "MannKendall",
    "SenSlope",
    "ForecastScore",
    "fit_trend",
    "find_changepoints",
    "mann_kendall",
    "sen_slope",
    "evaluate_forecast",
]

FAMILIES = ("poisson", "quasi-poisson", "negbin")



# ---------------------------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------------------------
@result
class TrendCoefficients(Estimate):
    """Coefficients of a trend model on the log scale, with Wald intervals.

    ``term`` names each coefficient: ``intercept``, ``trend`` (per year), ``month[Feb]`` …,
    ``level[2018-09]`` and ``slope[2018-09]`` (per year) for a break. ``boundary`` flags a
    coefficient whose maximum likelihood estimate does not exist (some months' counts are
    all 0 and it can send their means to 0): its estimate is ``-inf`` or ``inf`` (the
    direction in which the likelihood keeps rising) or NaN (not identified at all), its
    interval the profile-likelihood interval (open on that side), with no standard error
    and no p-value.
    """

    term: Any = None
    se: Any = None
    boundary: Any = None

    column_order: ClassVar[tuple[str, ...]] = (
        "term",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence",
        "pvalue",
        "boundary",
        "method",
        "quantity",
    )

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        return f"{self._element('term', index)}: {super()._sentence(index)}"


@result
class AnnualChange(Estimate):
    """Percent change of the expected monthly count per year, with its interval."""


@result
class BreakEffects(Estimate):
    """Level and slope changes at each break, as percent changes with intervals.

    ``effect == "level"``: percent change of the expected count at the break;
    ``effect == "slope"``: percent change of the annual growth factor after the break.
    """

    break_date: Any = None
    effect: Any = None

    column_order: ClassVar[tuple[str, ...]] = ("break_date", "effect", *Estimate.column_order)

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        head = f"{self._element('break_date', index)} {self._element('effect', index)}"
        return f"{head}: {super()._sentence(index)}"


@result
class TrendForecast(Estimate):
    """Forecast monthly counts: expected count and a simulated prediction interval.

    ``estimate`` is the expected count at the estimated parameters, ``ci_low``/``ci_high`` the
    prediction interval for the count (parameter and count uncertainty), ``mean_ci_low`` and
    ``mean_ci_high`` the confidence interval of the expected count. ``draws`` holds the
    simulated counts, shape ``(h, n_draws)``.
    """

    period: Any = None
    mean_ci_low: Any = None
    mean_ci_high: Any = None
    draws: Any = aux_field()

    interval_label: ClassVar[str] = "prediction interval"
    column_order: ClassVar[tuple[str, ...]] = ("period", *Estimate.column_order)


@result
class ForecastScore(Estimate):
    """A forecast held against what happened: CRPS, interval score and coverage per month.

    ``estimate`` and ``ci_low``/``ci_high`` are the forecast's mean and prediction interval;
    ``observed`` the counts that followed. The summaries are :attr:`mean_crps`,
    :attr:`mean_interval_score` and :attr:`coverage`.
    """

    observed: Any = None
    crps: Any = None
    interval_score: Any = None
    covered: Any = None

    interval_label: ClassVar[str] = "prediction interval"

    @property
    def mean_crps(self) -> float:
        """Mean continuous ranked probability score over the months (lower is better)."""
        return float(np.mean(self.crps))

    @property
    def mean_interval_score(self) -> float:
        """Mean interval score over the months (lower is better)."""
        return float(np.mean(self.interval_score))

    @property
    def coverage(self) -> float:
        """Share of months whose count fell inside the prediction interval."""
        return float(np.mean(self.covered))


@result
class TrendFit(Estimate):
    """A fitted trend model: the fitted monthly mean with its confidence band.

    The per-month fields (``estimate``, ``ci_low``, ``ci_high``, ``period``, ``observed``,
    ``exposure``) make ``to_frame()`` a month-by-month table, indexed by the input Series's
    labels (``index``) when there was one. The model is described by
    ``family``, ``dispersion`` (quasi-Poisson phi, or NB2 alpha; 1 for Poisson),
    ``coefficients`` (a :class:`TrendCoefficients`), ``loglik``, ``aic`` and ``bic`` (NaN for
    quasi-Poisson, which has no likelihood) and ``n_params``. ``limit_coefficients`` are the
    coefficients where the iterations stopped: the estimates, except for coefficients at the
    boundary (``coefficients.boundary``), whose estimates do not exist; the fitted means of
    the months they send to 0 are 0, with no upper bound.
    """

    period: Any = None
    observed: Any = None
    exposure: Any = None
    family: str = aux_field("negbin")
    dispersion: float = aux_field(1.0)
    dispersion_se: float = aux_field(None)
    coefficients: TrendCoefficients = aux_field()
    cov: Any = aux_field()
    loglik: float = aux_field(float("nan"))
    aic: float = aux_field(float("nan"))
    bic: float = aux_field(float("nan"))
    n_params: int = aux_field(0)
    df_resid: float = aux_field(0.0)
    spec: dict = aux_field()
    limit_coefficients: Any = aux_field()

    column_order: ClassVar[tuple[str, ...]] = ("period", "observed", *Estimate.column_order)

    def _header(self) -> str:
        name = {"poisson": "", "quasi-poisson": ", phi ", "negbin": ", alpha "}[self.family]
        disp = f"{name}{self.dispersion:.3g}" if name else ""
        conf = format_confidence(self.confidence)
        return (
            f"TrendFit: {self.size} months{disp}; fitted monthly mean ({conf} CI) [{self.method}]"
        )

    # -- derived quantities ---------------------------------------------------------------
    def _z(self, confidence: float) -> float:
        if self.family == "quasi-poisson":
            return t_quantile(confidence, self.df_resid)
        return z_quantile(confidence)

    def _percent_change(self, cls, idx, conf: float, *, quantity: str, **fields):
        """Coefficients ``idx`` as percent changes ``100 (exp(b) - 1)``, as a ``cls`` result.

        The interval maps the Wald interval of each coefficient through the same transform.
        """
        coefs = self.coefficients
        b, se = coefs.estimate[idx], coefs.se[idx]
        z = self._z(conf)
        low, high = b - z * se, b + z * se
        edge = np.asarray(coefs.boundary[idx], dtype=bool)
        if edge.any():
            # at the boundary: the profile interval (at this confidence)
            plow, phigh = self._profile_bounds(conf)
            low = np.where(edge, plow[idx], low)
            high = np.where(edge, phigh[idx], high)
        return cls(
            100 * np.expm1(b),
            100 * np.expm1(low),
            100 * np.expm1(high),
            confidence=conf,
            method=self.method,
            quantity=quantity,
            pvalue=coefs.pvalue[idx],
            **fields,
        )

    def _design_and_offset(self) -> tuple[np.ndarray, np.ndarray]:
        return _design(np.arange(int(self.spec["n"])), self.spec), np.log(self.exposure)

    def _profile_bounds(self, conf: float) -> tuple[np.ndarray, np.ndarray]:
        """Profile-likelihood bounds of the coefficients at the boundary (NaN elsewhere)."""
        coefs = self.coefficients
        if conf == coefs.confidence:
            return coefs.ci_low, coefs.ci_high
        X, offset = self._design_and_offset()
        # the limit fit: the coefficients at the boundary far out in their direction
        edge = find_boundary(
            self.observed,
            X,
            offset,
            np.asarray(self.estimate, float),
            self.limit_coefficients,
            family=self.family,
            loglik=self.loglik,
            dispersion=self.dispersion,
            confidence=conf,
        )
        return edge.ci_low, edge.ci_high

    def annual_change(self, *, confidence: float | None = None) -> AnnualChange:
        """Percent change of the expected count per year: ``100 (exp(b_trend) - 1)``.

        The interval transforms the Wald interval of the trend coefficient.

        Examples
        --------
        >>> from conflictstats.trends import fit_trend
        >>> fit = fit_trend([20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32], dates="2017-01",
        ...                 family="poisson")
        >>> round(float(fit.annual_change().estimate))
        71
        """
        conf = self.confidence if confidence is None else as_confidence(confidence)
        terms = list(self.coefficients.term)
        if "trend" not in terms:
            raise InputError("annual_change needs a model with trend='linear'")
        return self._percent_change(
            AnnualChange, terms.index("trend"), conf, quantity="annual change (%)"
        )

    def break_effects(self, *, confidence: float | None = None) -> BreakEffects:
        """Level and slope changes at each break, as percent changes with intervals.

        Level: ``100 (exp(b_level) - 1)``, the jump of the expected count at the break.
        Slope: ``100 (exp(b_slope) - 1)``, the change of the annual growth factor after it.
        """
        conf = self.confidence if confidence is None else as_confidence(confidence)
        terms = list(self.coefficients.term)
        rows = [(i, t) for i, t in enumerate(terms) if t.startswith(("level[", "slope["))]
        if not rows:
            raise InputError("break_effects needs a model fitted with breaks=[...]")
        return self._percent_change(
            BreakEffects,
            np.array([i for i, _ in rows]),
            conf,
            quantity="change (%)",
            break_date=[t[6:-1] for _, t in rows],
            effect=[t[:5] for _, t in rows],
        )

    def forecast(
        self,
        h: int,
        *,
        rng: Any,
        exposure: Any = None,
        n_draws: int = 4000,
        confidence: float | None = None,
    ) -> TrendForecast:
        """Forecast the next ``h`` months with simulated prediction intervals.

        Parameters
        ----------
        h : int
            Number of months ahead.
        rng : numpy.random.Generator or int
            Source of randomness (a seed makes the forecast reproducible).
        exposure : array_like or pandas.Series, optional
            Exposure of the future months; needed only when the model was fitted with an
            exposure array (``exposure="days"`` is computed from the calendar). A Series
            indexed by months or dates is matched to the forecast months (refused, naming
            ``forecast`` and ``exposure``, when its months differ), one with other labels to
            the forecast's ``index``; otherwise it is taken in its order.
        n_draws : int
            Number of simulated paths.
        confidence : float, optional
            Level of the intervals (default: the fit's).

        Returns
        -------
        TrendForecast
            ``index``: when the fit was labelled (a Series in), the labels of the months
            ahead, of the same kind (Periods; dates on the last label's day of the month, or
            month ends; text months; whole numbers counting on).

        Notes
        -----
        Each draw takes the coefficients from their asymptotic normal distribution (and, for
        NB2, alpha from its normal approximation, cut at the Poisson limit 0), then a count
        from the family: Poisson;
        NB2 with the drawn alpha; for quasi-Poisson a gamma-Poisson mixture with variance
        ``phi * mu`` (Poisson when phi <= 1). The prediction interval is the central quantile
        range of the simulated counts, so it carries both parameter and count uncertainty.

        Examples
        --------
        >>> from conflictstats.trends import fit_trend
        >>> fit = fit_trend([20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32], dates="2017-01",
        ...                 family="poisson")
        >>> fc = fit.forecast(3, rng=1)
        >>> fc.period.tolist()
        ['2018-01', '2018-02', '2018-03']
        >>> bool((fc.ci_low < fc.estimate).all() and (fc.estimate < fc.ci_high).all())
        True
        """
        if not isinstance(h, (int, np.integer)) or isinstance(h, bool) or h < 1:
            raise InputError(f"h must be a positive whole number of months, got {h!r}")
        if not isinstance(n_draws, (int, np.integer)) or n_draws < 100:
            raise InputError(f"n_draws must be an integer of at least 100, got {n_draws!r}")
        gen = as_rng(rng)
        conf = self.confidence if confidence is None else as_confidence(confidence)
        edge = np.asarray(self.coefficients.boundary, dtype=bool)
        if edge.any():
            terms = ", ".join(np.asarray(self.coefficients.term)[edge])
            raise InputError(
                f"cannot forecast: the coefficients {terms} are at the boundary (their maximum "
                "likelihood estimates do not exist), so the coefficient distribution the "
                "simulation draws from is undefined; refit without the terms (e.g. end the "
                "series before the months that are all 0)"
            )
        spec = self.spec
        n = int(spec["n"])
        k = np.arange(n, n + h)
        X = _design(k, spec)
        periods = _future_periods(spec, k)
        future = _future_index(self.index, spec, n, h)
        if isinstance(exposure, pd.Series):
            exposure = _to_months(exposure, "exposure", periods, future)[0]
        offset = _future_offset(spec, k, exposure, h)
        beta = np.asarray(self.coefficients.estimate, float)
        eta = X @ beta + offset
        se_eta = np.sqrt(np.einsum("ij,jk,ik->i", X, self.cov, X))
        zc = z_quantile(conf)
        betas = gen.multivariate_normal(beta, self.cov, size=n_draws, method="cholesky")
        mu = np.exp(X @ betas.T + offset[:, None])  # (h, n_draws)
        if self.family == "poisson":
            y = gen.poisson(mu)
        elif self.family == "negbin":
            alpha = np.full(n_draws, self.dispersion)
            if self.dispersion_se is not None and np.isfinite(self.dispersion_se):
                alpha = alpha + self.dispersion_se * gen.standard_normal(n_draws)
            # alpha at or below zero is the Poisson limit
            alpha = np.maximum(alpha, 1e-12)
            lam = gen.gamma(1.0 / alpha, mu * alpha)
            y = gen.poisson(lam)
        else:
            phi = self.dispersion
            if phi > 1:
                lam = gen.gamma(mu / (phi - 1), phi - 1)
                y = gen.poisson(lam)
            else:
                y = gen.poisson(mu)
        q = np.quantile(y, [0.5 - conf / 2, 0.5 + conf / 2], axis=1)
        return TrendForecast(
            np.exp(eta),
            q[0],
            q[1],
            confidence=conf,
            method=f"{self.method}; simulated, {n_draws} draws",
            quantity="forecast count",
            period=periods,
            mean_ci_low=np.exp(eta - zc * se_eta),
            mean_ci_high=np.exp(eta + zc * se_eta),
            draws=y.astype(float),
            index=future,
        )

    def prediction_band(self, *, confidence: float | None = None) -> TrendForecast:
        """Pointwise prediction interval for the counts of the fitted months.

        The central quantiles of the count distribution at the fitted mean (Poisson; NB2 with
        the fitted alpha; for quasi-Poisson a negative binomial with variance ``phi * mu``).
        Parameter uncertainty is left out (small within the fitted months; :meth:`forecast`
        includes it).

        Examples
        --------
        >>> from conflictstats.trends import fit_trend
        >>> fit = fit_trend([20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32], family="poisson")
        >>> band = fit.prediction_band()
        >>> band.interval_label, bool((band.ci_low <= fit.observed).all())
        ('prediction interval', True)
        """
        conf = self.confidence if confidence is None else as_confidence(confidence)
        mu = np.asarray(self.estimate, float)
        qs = (0.5 - conf / 2, 0.5 + conf / 2)
        if self.family == "negbin":
            r = 1.0 / self.dispersion
            lo, hi = (stats.nbinom.ppf(q, r, r / (r + mu)) for q in qs)
        elif self.family == "quasi-poisson" and self.dispersion > 1:
            phi = self.dispersion
            lo, hi = (stats.nbinom.ppf(q, mu / (phi - 1), 1 / phi) for q in qs)
        else:
            lo, hi = (stats.poisson.ppf(q, mu) for q in qs)
        return TrendForecast(
            mu,
            lo,
            hi,
            confidence=conf,
            method=f"{self.method}; plug-in count quantiles",
            quantity="count",
            period=self.period,
            mean_ci_low=self.ci_low,
            mean_ci_high=self.ci_high,
            index=self.index,
        )

    def summary(self) -> pd.DataFrame:
        """The coefficient table, plus the dispersion and fit statistics as extra rows."""
        table = self.coefficients.to_frame()
        label = {"poisson": None, "quasi-poisson": "dispersion (phi)", "negbin": "alpha (NB2)"}
        extra = []
        if label[self.family]:
            extra.append({"term": label[self.family], "estimate": self.dispersion})
        if self.family == "negbin":
            extra.append({"term": "theta (1/alpha)", "estimate": 1.0 / self.dispersion})
        extra += [
            {"term": "log-likelihood", "estimate": self.loglik},
            {"term": "AIC", "estimate": self.aic},
            {"term": "BIC", "estimate": self.bic},
            {"term": "months", "estimate": float(self.size)},
        ]
        return pd.concat([table, pd.DataFrame(extra)], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# fitting
# ---------------------------------------------------------------------------------------------
def fit_trend(
    counts: Any,
    *,
    dates: Any = None,
    exposure: Any = None,
    family: str = "negbin",
    trend: str = "linear",
    seasonality: str | None = None,
    breaks: Any = (),
    confidence: float = 0.95,
) -> TrendFit:
    """Fit a log-linear trend to a monthly count series.

    Parameters
    ----------
    counts : pandas.Series or array_like
        Monthly counts (whole numbers >= 0), one per consecutive month; a Series indexed by
        months (PeriodIndex, DatetimeIndex or text such as ``"2018-09"``) brings its own
        dates. Aligned by label: a Series indexed by times (or numbers) is put in the order
        of its index first, so rows in any order give the same fit; a repeated or missing
        time point is refused. The fit's per-month fields are in that order and carry the
        Series's labels as ``index`` (``to_frame()``, ``series()``).
    dates : str or array_like, optional
        The months of ``counts``: a first month (``"2014-01"``) or one date per count. Next
        to a Series indexed by times they must give the same months (else an
        ``AlignmentError`` naming ``counts`` and ``dates``).
    exposure : {None, "days"}, array_like or pandas.Series
        ``"days"`` uses the days in each month as the exposure (a rate per day); an array gives
        the exposure of each month. It enters as ``log(exposure)`` offset. A Series is
        aligned on ``counts``'s labels when ``counts`` is a Series (refused, naming both,
        when their labels differ); next to plain counts it is taken in its order and its
        labels index the fit.
    family : {"negbin", "poisson", "quasi-poisson"}
        ``"negbin"`` is NB2 (variance ``mu + alpha mu^2``, alpha by maximum likelihood);
        ``"quasi-poisson"`` has variance ``phi mu`` with phi from the Pearson statistic.
    trend : {"linear", "none"}
        A linear trend in years on the log scale, or none (level only).
    seasonality : {None, "month"}
        ``"month"`` adds month-of-year effects (January is the reference).
    breaks : sequence of dates or positions
        Known break dates: each adds a level change from the month containing the date on, and
        (with a linear trend) a change of slope (an interrupted time series).
    confidence : float
        Level of every interval.

    Returns
    -------
    TrendFit
        ``index``: the labels of the pandas input (``None`` for plain arrays).

    Raises
    ------
    InputError
        Counts that are negative, fractional or NaN; dates that are not consecutive months
        (or labels that repeat a month); ``counts`` and ``exposure`` (or ``dates``) labelled
        differently (``AlignmentError``);
        breaks outside the series; an unknown family, trend or seasonality; a model with more
        terms than the series can identify (rank-deficient design, or too few months).

    Notes
    -----
    ``log E[y_k] = log(exposure_k) + b0 + b1 k/12 + season(k) + sum_j [c_j 1(k >= k_j) +
    d_j (k - k_j)^+ / 12]``, fitted by :func:`conflictstats.countglm.fit_count_glm` (IRLS;
    NB2 by Newton's method in the coefficients and alpha jointly, with the coefficient
    covariance of the expected information at the fitted alpha, as ``MASS::glm.nb``; alpha at
    the Poisson limit is reported as 1e-8). Intervals are Wald intervals
    (normal quantiles; t quantiles on the residual df for quasi-Poisson, whose p-values R's
    ``summary.glm`` also takes from t). Checked against R's ``glm`` and ``MASS::glm.nb``.

    References
    ----------
    McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall.
    Lawless, J. F. (1987). Negative binomial and mixed Poisson regression. Canadian Journal of
    Statistics 15(3), 209-225.
    Bernal, J. L., Cummins, S. & Gasparrini, A. (2017). Interrupted time series regression for
    the evaluation of public health interventions. International Journal of Epidemiology 46(1).

    Examples
    --------
    >>> from conflictstats.trends import fit_trend
    >>> fit = fit_trend([20, 22, 21, 25, 24, 27, 26, 30, 29, 31, 33, 32], dates="2017-01",
    ...                 family="poisson")
    >>> fit.coefficients.term.tolist()
    ['intercept', 'trend']
    >>> round(float(fit.estimate[0]), 1)
    20.6
    """
    family = check_method(family, FAMILIES, "family")
    trend = check_choice(trend, ("linear", "none"), "trend")
    if seasonality is not None:
        check_choice(seasonality, ("month",), "seasonality")
    conf = as_confidence(confidence)
    counts, index = _ordered(counts, text=True)
    if isinstance(exposure, (pd.Series, pd.DataFrame)):
        index, aligned = align(counts=counts, exposure=exposure)
        exposure = aligned["exposure"]
    y, periods = _as_series(counts, dates)
    n = y.size
    if not y.any():
        raise InputError("counts are all zero: there is no trend to fit")
    if seasonality == "month" and periods is None:
        raise InputError("seasonality='month' needs dates for the counts")
    if isinstance(breaks, (str, int)):
        breaks = [breaks]
    positions = _break_positions(list(breaks), periods, n)
    if isinstance(exposure, str):
        check_choice(exposure, ("days",), "exposure")
        if periods is None:
            raise InputError("exposure='days' needs dates for the counts")
        expo = _days(periods)
        expo_kind = "days"
    elif exposure is None:
        expo, expo_kind = np.ones(n), None
    else:
        expo = np.broadcast_to(as_exposure(exposure, "exposure"), (n,)).astype(float)
        expo_kind = "array"
    spec = {
        "n": n,
        "trend": trend,
        "seasonality": seasonality,
        "breaks": positions,
        "break_labels": [str(periods[b]) if periods is not None else str(b) for b in positions],
        "start": str(periods[0]) if periods is not None else None,
        "start_month": int(periods[0].month) if periods is not None else 1,
        "exposure": expo_kind,
    }
    k = np.arange(n)
    X = _design(k, spec)
    offset = np.log(expo)  # the fitter checks the rank of X
    params, cov, disp, disp_se, llf, res = _FITTERS[family](y, X, offset)
    params, cov = np.asarray(params, float), np.asarray(cov, float)
    se = np.sqrt(np.diag(cov))
    df_resid = float(n - X.shape[1])
    if family == "quasi-poisson":
        q = t_quantile(conf, df_resid)
        pval = t_pvalue(params / se, df_resid)
    else:
        q = z_quantile(conf)
        pval = normal_pvalue(params / se)
    method = {"poisson": "Poisson GLM", "quasi-poisson": "quasi-Poisson GLM", "negbin": "NB2 GLM"}
    low, high = params - q * se, params + q * se
    edge = (
        find_boundary(
            y,
            X,
            offset,
            res.fitted,
            params,
            family=family,
            loglik=llf,
            dispersion=disp,
            confidence=conf,
        )
        if res.separation
        else None
    )
    flags = np.zeros(params.size, dtype=bool) if edge is None else edge.coefficients
    shown = params
    if flags.any():
        shown = np.where(flags, np.where(edge.direction < 0, -np.inf, np.inf), params)
        shown = np.where(flags & (edge.direction == 0), np.nan, shown)
        se = np.where(flags, np.nan, se)
        pval = np.where(flags, np.nan, pval)
        low = np.where(flags, edge.ci_low, low)
        high = np.where(flags, edge.ci_high, high)
    coefs = TrendCoefficients(
        shown,
        low,
        high,
        confidence=conf,
        method=method[family],
        quantity="log-scale coefficient",
        pvalue=pval,
        term=_terms(spec),
        se=se,
        boundary=flags,
    )
    eta = X @ params + offset
    with np.errstate(over="ignore"):
        se_eta = np.sqrt(np.sum((X @ cov) * X, axis=1))
    n_params = X.shape[1] + (1 if family == "negbin" else 0)
    aic = -2 * llf + 2 * n_params
    bic = -2 * llf + np.log(n) * n_params
    with np.errstate(over="ignore", under="ignore"):
        fitted = np.exp(eta)
        fit_low, fit_high = np.exp(eta - q * se_eta), np.exp(eta + q * se_eta)
    if edge is not None and edge.months.any():
        # separated months: the fitted mean is 0 in the limit, and the Wald band means nothing
        fitted = np.where(edge.months, 0.0, fitted)
        fit_low = np.where(edge.months, 0.0, fit_low)
        fit_high = np.where(edge.months, np.nan, fit_high)
    return TrendFit(
        fitted,
        fit_low,
        fit_high,
        confidence=conf,
        method=method[family],
        quantity="fitted monthly mean",
        period=_labels(periods) if periods is not None else np.arange(n, dtype=float),
        observed=y,
        exposure=expo,
        family=family,
        dispersion=float(disp),
        dispersion_se=disp_se,
        coefficients=coefs,
        cov=cov,
        loglik=llf,
        aic=float(aic),
        bic=float(bic),
        n_params=int(n_params),
        df_resid=df_resid,
        spec=spec,
        limit_coefficients=params,
        index=index,
    )


def _future_index(index: pd.Index | None, spec: dict, n: int, h: int) -> pd.Index | None:
    """Labels of the ``h`` months after a fit labelled ``index``, of the same kind: months
    (a PeriodIndex in the input's frequency), dates (month ends, else
    the last label's day of the month), text months, or whole numbers counting on; ``None`` for other labels."""
    if index is None:
        return None
    months = None
    if spec["start"] is not None:
        months = pd.period_range(pd.Period(spec["start"], freq="M") + n, periods=h, freq="M")
    if isinstance(index, pd.PeriodIndex) and months is not None:
        return months if index.freqstr == months.freqstr else months.asfreq(index.freq, "start")
    if isinstance(index, pd.DatetimeIndex) and months is not None:
        # the day of the month (and time of day) of the last label, as far as each month has it
        last = index[-1].tz_localize(None) if index.tz is not None else index[-1]
        if index.is_month_end.all():
            stamps = months.to_timestamp(how="end").normalize()
        else:
            day = np.minimum(last.day, months.days_in_month) - 1
            stamps = months.to_timestamp(how="start") + pd.to_timedelta(day, unit="D")
        stamps = stamps + (last - last.normalize())
        if index.tz is None:
            return stamps
        return stamps.tz_localize(
            index.tz, ambiguous=np.zeros(h, bool), nonexistent="shift_forward"
        )
    if months is not None and _text_times(index) is not None:
        return pd.Index(_labels(months))
    if pd.api.types.is_integer_dtype(index.dtype):
        return pd.Index(index[-1] + np.arange(1, h + 1))
    return None


# the labels of the months 1900-01 to 2099-12, made once: a series' labels are then one
# indexing operation
_FIRST_LABELLED = (1900 - 1970) * 12


@functools.lru_cache(maxsize=1)
def _label_table() -> np.ndarray:
    k = np.arange(_FIRST_LABELLED, (2100 - 1970) * 12)
    return np.array([f"{1970 + i // 12:04d}-{i % 12 + 1:02d}" for i in k.tolist()])


def _labels(periods) -> np.ndarray:
    """``[str(p) for p in periods]`` for consecutive months ("2018-09"), without boxing each
    Period (months since 1970-01 to year and month)."""
    k = periods.asi8 - _FIRST_LABELLED
    table = _label_table()
    if k.size and (k.min() < 0 or k.max() >= table.size):
        return np.array([f"{1970 + i // 12:04d}-{i % 12 + 1:02d}" for i in periods.asi8.tolist()])
    return table[k]


# ---------------------------------------------------------------------------------------------
# forecast evaluation
# ---------------------------------------------------------------------------------------------
def _crps_sample(draws: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CRPS from a sample: ``E|X - y| - E|X - X'| / 2``, rows vectorised (sorted-sample form)."""
    m = draws.shape[1]
    xs = np.sort(draws, axis=1)
    term1 = np.mean(np.abs(xs - y[:, None]), axis=1)
    weights = 2 * np.arange(1, m + 1) - m - 1
    term2 = 2 * (xs @ weights) / m**2
    return term1 - term2 / 2


def evaluate_forecast(
    observed: Any,
    forecast: Any,
    *,
    confidence: float | None = None,
    rng: Any = None,
) -> ForecastScore:
    """Score a forecast against the counts that followed: CRPS, interval score, coverage.

    Parameters
    ----------
    observed : array_like or pandas.Series
        The counts observed in the forecast months: non-negative when the forecast is of
        counts (a fit, a forecast, or draws that are all non-negative whole numbers); any
        finite numbers against a generic sample of draws. Aligned by label: a Series indexed
        by months or dates is matched to the forecast's months (in any order, as months:
        a PeriodIndex meets a forecast from a fit indexed by dates), other labels to the
        forecast's ``index``; months or labels found in only one of the two are refused
        (an ``AlignmentError`` naming ``forecast`` and ``observed``). Next to unlabelled
        draws it pairs by position. The score carries the Series's labels as ``index``
        (else the forecast's).
    forecast : TrendForecast, TrendFit, array_like or pandas.DataFrame
        A forecast (its simulated draws are used), a fit (forecast here for
        ``len(observed)`` months with ``rng``), or simulated draws of shape
        ``(months, n_draws)``; a DataFrame of draws (one row per month) is aligned with a
        Series ``observed`` on its index.
    confidence : float, optional
        Level of the central prediction interval (default: the forecast's, else 0.95).
    rng : numpy.random.Generator or int, optional
        Needed only when ``forecast`` is a TrendFit.

    Returns
    -------
    ForecastScore
        Per month the forecast mean and interval, the observed count, CRPS, interval score and
        whether the interval covered it; ``mean_crps``, ``mean_interval_score`` and
        ``coverage`` summarise.

    Notes
    -----
    CRPS from the sample (Gneiting & Raftery 2007, eq. 21): ``E|X - y| - E|X - X'| / 2``.
    Interval score for the central ``(1 - a)`` interval ``[l, u]`` (their eq. 43):
    ``(u - l) + (2/a)(l - y) 1{y < l} + (2/a)(y - u) 1{y > u}``. Both are proper scores; lower
    is better. The ViEWS forecasting competition scores conflict forecasts with CRPS too
    (Vesco et al. 2022).

    References
    ----------
    Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
    estimation. Journal of the American Statistical Association 102(477), 359-378.
    Vesco, P. et al. (2022). United they stand: Findings from an escalation prediction
    competition. International Interactions 48(4), 860-896.

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.trends import evaluate_forecast
    >>> draws = np.random.default_rng(0).poisson(20, size=(3, 2000))
    >>> score = evaluate_forecast([18, 25, 40], draws)
    >>> score.covered.tolist()
    [1.0, 1.0, 0.0]
    """
    if isinstance(forecast, TrendFit):
        if rng is None:
            raise InputError("rng is needed to forecast from a TrendFit")
        y = as_counts(observed, "observed")
        forecast = forecast.forecast(int(np.size(y)), rng=rng, confidence=confidence)
    observed, forecast, index = _align_forecast(observed, forecast)
    if isinstance(forecast, TrendForecast):
        draws = np.asarray(forecast.draws, float)
        conf = forecast.confidence if confidence is None else as_confidence(confidence)
        label = forecast.method
    else:
        draws = as_finite(forecast, "forecast")
        conf = 0.95 if confidence is None else as_confidence(confidence)
        label = "sample"
    if draws.ndim == 1:
        draws = draws[None, :]
    if draws.ndim != 2 or draws.shape[1] < 2:
        raise InputError(f"forecast draws must have shape (months, n_draws), got {draws.shape}")
    y = np.atleast_1d(as_finite(observed, "observed"))
    counts_forecast = label != "sample" or ((draws >= 0) & (draws == np.floor(draws))).all()
    if counts_forecast and (y < 0).any():
        raise InputError(
            f"observed must be non-negative counts for a forecast of counts, got {y[y < 0][0]!r}"
        )
    if y.shape != (draws.shape[0],):
        raise InputError(f"observed has {y.size} months but the forecast has {draws.shape[0]}")
    a = 1 - conf
    lo, hi = np.quantile(draws, [a / 2, 1 - a / 2], axis=1)
    interval = (hi - lo) + (2 / a) * (lo - y) * (y < lo) + (2 / a) * (y - hi) * (y > hi)
    return ForecastScore(
        draws.mean(axis=1),
        lo,
        hi,
        confidence=conf,
        method=f"CRPS and interval score from draws ({label})",
        quantity="forecast",
        observed=y,
        crps=_crps_sample(draws, y),
        interval_score=interval,
        covered=((lo <= y) & (y <= hi)).astype(float),
        index=index if index is not None and len(index) == y.size else None,
    )


def _months_of(index: pd.Index | None) -> pd.PeriodIndex | None:
    """The months a time index stands for (``None`` when it holds no times)."""
    if index is None:
        return None
    if not isinstance(index, _TIME_INDEX):
        index = _text_times(index)
        if index is None:
            return None
    if isinstance(index, pd.DatetimeIndex):
        return index.tz_localize(None).to_period("M")
    return index.asfreq("M")


def _align_forecast(observed: Any, forecast: Any) -> tuple[Any, Any, pd.Index | None]:
    """Pair the observed counts with the forecast months by label where both have labels.

    Months are matched as months (a PeriodIndex against a forecast from a fit indexed by
    dates); other labels as labels; a Series next to unlabelled draws pairs by position.
    Returns the observed values (in the forecast's order), the forecast, and the labels of
    the score (the observed Series's, else the forecast's).
    """
    if isinstance(forecast, pd.DataFrame) or isinstance(observed, pd.DataFrame):
        index, aligned = align(forecast=forecast, observed=observed)
        return aligned["observed"], aligned["forecast"], index
    if not isinstance(forecast, TrendForecast):
        return observed, forecast, observed.index if isinstance(observed, pd.Series) else None
    if not isinstance(observed, pd.Series):
        return observed, forecast, forecast.index
    values, labels = _to_months(observed, "observed", forecast.period, forecast.index)
    return values, forecast, labels


def _to_months(series: pd.Series, name: str, period: Any, index: pd.Index | None):
    """``series`` put in the order of a forecast's months ``period`` (as months, when both
    hold times) or of its labels ``index``; by position when the forecast has neither.
    Returns the values and ``series``'s labels in that order."""
    own = _months_of(series.index)
    if own is not None and period is not None and np.asarray(period).dtype.kind in "OU":
        theirs = pd.PeriodIndex(list(period), freq="M")
    elif index is not None:
        own, theirs = series.index, index
    else:
        return series.to_numpy(), series.index
    slots = pd.Series(np.arange(len(theirs)), index=theirs)
    _, aligned = align(forecast=slots, **{name: series.set_axis(own)})
    return aligned[name], series.index[pd.Index(own).get_indexer(theirs)]
