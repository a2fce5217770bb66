"""The log-linear model behind ``fit_trend``: design matrix, term names and GLM fitters.

The design has an intercept, a linear trend in years, month-of-year effects and a level and
slope change per break; the same columns extend past the series for forecasts. The fitters
(Poisson, quasi-Poisson, NB2) run the count-model core, :mod:`conflictstats.countglm`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import InputError, as_exposure
from ..countglm import ALPHA_MIN, fit_count_glm
from .series import _days

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------------------------------------
# the design matrix, its terms, and its continuation past the series
# ---------------------------------------------------------------------------------------------
def _design(k: np.ndarray, spec: dict) -> np.ndarray:
    """Design matrix for month positions ``k`` (0 = first month of the series)."""
    cols = [np.ones(k.size)]
    if spec["trend"] == "linear":
        cols.append(k / 12.0)
    if spec["seasonality"] == "month":
        moy = (spec["start_month"] - 1 + k) % 12  # 0 = January
        cols.append(moy[:, None] == np.arange(1, 12))
    for b in spec["breaks"]:
        cols.append((k >= b).astype(float))
        if spec["trend"] == "linear":
            cols.append(np.maximum(k - b, 0) / 12.0)
    return np.column_stack(cols).astype(float)


def _terms(spec: dict) -> list[str]:
    terms = ["intercept"]
    if spec["trend"] == "linear":
        terms.append("trend")
    if spec["seasonality"] == "month":
        terms += [f"month[{m}]" for m in _MONTHS[1:]]
    for label in spec["break_labels"]:
        terms.append(f"level[{label}]")
        if spec["trend"] == "linear":
            terms.append(f"slope[{label}]")
    return terms


def _future_periods(spec: dict, k: np.ndarray):
    if spec["start"] is None:
        return np.asarray(k, dtype=float)
    start = pd.Period(spec["start"], freq="M")
    return np.array([str(start + int(i)) for i in k])


def _future_offset(spec: dict, k: np.ndarray, exposure: Any, h: int) -> np.ndarray:
    if spec["exposure"] == "days":
        start = pd.Period(spec["start"], freq="M")
        return np.log(_days(pd.period_range(start + int(k[0]), periods=h, freq="M")))
    if spec["exposure"] == "array":
        if exposure is None:
            raise InputError("exposure for the forecast months is needed (the fit used one)")
        e = np.broadcast_to(as_exposure(exposure, "exposure"), (h,))
        return np.log(e)
    if exposure is not None:
        raise InputError("exposure given for the forecast but the fit used none")
    return np.zeros(h)


# ---------------------------------------------------------------------------------------------
# fitting (the count-model core underneath)
# ---------------------------------------------------------------------------------------------
def _fit_poisson(y, X, offset):
    """Poisson GLM by IRLS; Fisher-information covariance as R's glm."""
    fit = _checked(fit_count_glm(y, X, family="poisson", offset=offset))
    return fit.coef, fit.cov, 1.0, None, fit.loglik, fit


def _fit_quasi_poisson(y, X, offset):
    """Quasi-Poisson (Wedderburn 1974; McCullagh & Nelder 1989, sec. 9.2): Poisson estimating
    equations, dispersion phi = Pearson chi-square / residual df, covariance scaled by phi."""
    fit = _checked(fit_count_glm(y, X, family="quasi-poisson", offset=offset))
    return fit.coef, fit.cov, fit.dispersion, None, float("nan"), fit


def _fit_negbin(y, X, offset):
    """NB2 with alpha by maximum likelihood (Lawless 1987; Hilbe 2011, ch. 8).

    The joint maximum of (beta, alpha) by Newton's method; the coefficient covariance is the
    inverse expected information at that alpha, as R's MASS::glm.nb reports it, and alpha's
    standard error comes from the observed information in (beta, alpha). Without
    overdispersion the maximum is at alpha = 0, the Poisson fit: alpha is then reported as
    ``ALPHA_MIN`` (1e-8, the Poisson limit to ~1e-8) with no standard error.
    """
    fit = _checked(fit_count_glm(y, X, family="negbin", offset=offset, information="expected"))
    alpha = ALPHA_MIN if fit.boundary else fit.dispersion
    return fit.coef, fit.cov, alpha, fit.alpha_se, fit.loglik, fit


def _checked(fit):
    if not fit.converged:
        raise InputError(
            f"the {fit.family} fit did not converge in 100 iterations (the maximum likelihood "
            "estimate may not exist)"
        )
    return fit


_FITTERS = {"poisson": _fit_poisson, "quasi-poisson": _fit_quasi_poisson, "negbin": _fit_negbin}
