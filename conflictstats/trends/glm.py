"""The log-linear model behind ``fit_trend``: design matrix, term names and GLM fitters.

The design has an intercept, a linear trend in years, month-of-year effects and a level and
slope change per break; the same columns extend past the series for forecasts. The fitters
(Poisson, quasi-Poisson, NB2) run statsmodels' GLM, imported lazily so that
``import conflictstats`` stays light.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from .._validation import InputError, as_exposure
from .series import _days

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FIT_TOL = 1e-12


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
        cols += [(moy == m).astype(float) for m in range(1, 12)]
    for b in spec["breaks"]:
        cols.append((k >= b).astype(float))
        if spec["trend"] == "linear":
            cols.append(np.maximum(k - b, 0) / 12.0)
    return np.column_stack(cols)


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
# fitting (statsmodels underneath)
# ---------------------------------------------------------------------------------------------
def _fit_poisson(y, X, offset):
    """Poisson GLM by IRLS (statsmodels); Fisher-information covariance as R's glm."""
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Perfect separation")
        res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(tol=_FIT_TOL)
    return res.params, res.cov_params(), 1.0, None, float(res.llf), res


def _fit_quasi_poisson(y, X, offset):
    """Quasi-Poisson (Wedderburn 1974; McCullagh & Nelder 1989, sec. 9.2): Poisson estimating
    equations, dispersion phi = Pearson chi-square / residual df, covariance scaled by phi."""
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Perfect separation")
        res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(
            tol=_FIT_TOL, scale="X2"
        )
    if not np.isfinite(res.scale) or res.scale < 1e-10:
        raise InputError(
            "counts are fitted exactly (Pearson dispersion 0): quasi-Poisson intervals are "
            "undefined; use family='poisson'"
        )
    return res.params, res.cov_params(), float(res.scale), None, float("nan"), res


def _fit_negbin(y, X, offset):
    """NB2 with alpha by maximum likelihood (Lawless 1987; Hilbe 2011, ch. 8).

    The joint maximum of (beta, alpha) comes from statsmodels' discrete NegativeBinomial by
    Newton's method; the coefficient covariance is then taken from the NB2 GLM at that alpha
    (expected information, as R's MASS::glm.nb reports it).
    """
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Perfect separation")
        pois = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(tol=_FIT_TOL)
    mu = pois.fittedvalues
    alpha0 = max(float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2)), 1e-3)
    alpha, alpha_se = None, None
    try:
        # convergence is checked below (with a fallback), so statsmodels' warnings are noise
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = NegativeBinomial(y, X, offset=offset, loglike_method="nb2").fit(
                start_params=np.append(pois.params, alpha0),
                method="newton",
                maxiter=200,
                tol=1e-14,
                disp=0,
            )
        a = float(nb.params[-1])
        if nb.mle_retvals.get("converged", False) and np.isfinite(a) and a > 1e-8:
            alpha = a
            se = float(nb.bse[-1])
            alpha_se = se if np.isfinite(se) else None
    except (np.linalg.LinAlgError, ValueError):
        alpha = None
    if alpha is None:
        alpha = _profile_alpha(y, X, offset)
    with warnings.catch_warnings():
        # statsmodels' separation check misfires at the Poisson limit (alpha near 0)
        warnings.filterwarnings("ignore", message="Perfect separation")
        res = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset).fit(
            tol=_FIT_TOL
        )
    return res.params, res.cov_params(), alpha, alpha_se, float(res.llf), res


def _profile_alpha(y, X, offset) -> float:
    """Fallback: maximise the NB2 profile likelihood over log alpha (bounded search)."""
    import statsmodels.api as sm

    def nll(log_alpha):
        fam = sm.families.NegativeBinomial(alpha=float(np.exp(log_alpha)))
        return -sm.GLM(y, X, family=fam, offset=offset).fit(tol=1e-10).llf

    # near the Poisson limit statsmodels warns about separation, which a count model cannot have
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = optimize.minimize_scalar(
            nll, bounds=(-18.0, 5.0), method="bounded", options={"xatol": 1e-9}
        )
    return float(np.exp(out.x))


_FITTERS = {"poisson": _fit_poisson, "quasi-poisson": _fit_quasi_poisson, "negbin": _fit_negbin}
