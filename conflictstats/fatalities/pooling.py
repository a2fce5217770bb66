"""Rubin's rules for combining estimates from m imputed (or simulated) data sets."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._numeric import align, label, t_quantile
from .._validation import InputError, as_confidence, as_finite
from ..results import Estimate, result

__all__ = ["PooledEstimate", "rubin_pool"]

#: Floor of the fraction of missing information in the degrees of freedom, as in R's mice.
LAMBDA_FLOOR = 1e-4


@result
class PooledEstimate(Estimate):
    """An estimate pooled over m imputations by Rubin's rules.

    ``estimate`` is the mean of the m estimates; ``se`` the square root of the total
    variance ``total = within + (1 + 1/m) between``; ``df`` the Barnard-Rubin degrees of
    freedom of the t reference; ``riv`` the relative increase in variance due to the missing
    (uncertain) information, ``(1 + 1/m) between / within``; ``lambda_`` the proportion of the
    total variance due to it, ``(1 + 1/m) between / total``; ``fmi`` the fraction of missing
    information ``(riv + 2 / (df + 3)) / (riv + 1)``. ``term`` names each element when the
    estimates are coefficients.
    """

    term: Any = None
    se: Any = None
    df: Any = None
    within: Any = None
    between: Any = None
    total: Any = None
    riv: Any = None
    lambda_: Any = None
    fmi: Any = None
    m: int = 0

    column_order: ClassVar[tuple[str, ...]] = (
        "term",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "df",
        "fmi",
        "confidence",
        "method",
        "quantity",
    )

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        text = super()._sentence(index)
        if self.term is not None and self.shape != ():
            return f"{self._element('term', index)}: {text}"
        return text


def _pool_arrays(q: np.ndarray, u: np.ndarray, dfcom: Any):
    """Rubin's rules along axis 0; returns the pieces as arrays."""
    m = q.shape[0]
    qbar = q.mean(axis=0)
    ubar = u.mean(axis=0)
    b = q.var(axis=0, ddof=1)
    t = ubar + (1 + 1 / m) * b
    with np.errstate(divide="ignore", invalid="ignore"):
        # no within-imputation variance: all the variance is between imputations (riv
        # infinite, every bit of information missing), or there is none at all (riv 0)
        riv = np.where(ubar > 0, (1 + 1 / m) * b / ubar, np.where(b > 0, np.inf, 0.0))
        lam = np.where(t > 0, (1 + 1 / m) * b / t, 0.0)
    lam_df = np.maximum(lam, LAMBDA_FLOOR)
    df_old = (m - 1) / lam_df**2
    dfcom = np.asarray(dfcom, dtype=float)
    if np.all(np.isinf(dfcom)):
        df = df_old
    else:
        df_obs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lam_df)
        df = df_old * df_obs / (df_old + df_obs)
    with np.errstate(invalid="ignore"):
        fmi = np.where(np.isinf(riv), 1.0, (riv + 2 / (df + 3)) / (riv + 1))
    return qbar, ubar, b, t, df, riv, lam, fmi


def rubin_pool(
    estimates: Any,
    variances: Any,
    *,
    dfcom: Any = np.inf,
    confidence: float = 0.95,
    term: Any = None,
    quantity: str = "pooled estimate",
) -> PooledEstimate:
    """Pool m estimates and their variances with Rubin's rules.

    Parameters
    ----------
    estimates, variances : array_like
        Shape ``(m,)`` for one quantity or ``(m, k)`` for k quantities (e.g. coefficients):
        one row per imputation, the estimate and its squared standard error.
    dfcom : float or array_like
        Degrees of freedom of the complete-data analysis (e.g. ``n - p`` of a regression);
        ``inf`` (default) gives Rubin's (1987) large-sample degrees of freedom.
    confidence : float
        Level of the t interval.
    term : array_like of str, optional
        Names of the k quantities.
    quantity : str
        What is estimated.

    Returns
    -------
    PooledEstimate

    Raises
    ------
    InputError
        Fewer than 2 imputations, shapes that differ, non-finite values or negative variances.

    Notes
    -----
    With m estimates ``Q_j`` and variances ``U_j``: ``Qbar = mean Q_j``, within-imputation
    variance ``Ubar = mean U_j``, between-imputation variance ``B = sum (Q_j - Qbar)^2 /
    (m - 1)``, total ``T = Ubar + (1 + 1/m) B``. The interval is ``Qbar +- t_df sqrt(T)`` with
    the Barnard-Rubin (1999) degrees of freedom ``df = df_old df_obs / (df_old + df_obs)``,
    ``df_old = (m - 1) / lambda^2``, ``df_obs = (dfcom + 1) / (dfcom + 3) dfcom (1 -
    lambda)``, ``lambda = (1 + 1/m) B / T`` (floored at 1e-4 in the df, as R's ``mice`` does,
    so that imputations that agree exactly give a finite df). This is what
    ``mice::pool`` and ``mice::pool.scalar`` compute.

    References
    ----------
    Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley, ch. 3.
    Barnard, J. & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple
    imputation. Biometrika 86(4), 948-955.
    van Buuren, S. & Groothuis-Oudshoorn, K. (2011). mice: Multivariate Imputation by Chained
    Equations in R. Journal of Statistical Software 45(3).

    Examples
    --------
    >>> from conflictstats.fatalities import rubin_pool
    >>> r = rubin_pool([2.1, 2.6, 1.9, 2.4, 2.2, 2.8, 2.0],
    ...                [0.30, 0.28, 0.35, 0.31, 0.29, 0.33, 0.30], dfcom=37)
    >>> round(r.estimate, 4), round(r.se, 4), round(r.df, 2)
    (2.2857, 0.6573, 18.7)
    """
    conf = as_confidence(confidence)
    # pandas in, pandas out: (m, k) frames are matched on their columns (the quantities),
    # which then name and index the pooled elements
    frames = [v for v in (estimates, variances) if isinstance(v, pd.DataFrame)]
    labels = frames[0].columns if frames else None
    if term is None and labels is not None:
        term = [str(c) for c in labels]
    aligned = align(estimates=estimates, variances=variances)[1]
    estimates, variances = aligned["estimates"], aligned["variances"]
    q = as_finite(estimates, "estimates")
    u = as_finite(variances, "variances")
    if q.shape != u.shape:
        raise InputError(f"estimates {q.shape} and variances {u.shape} must have one shape")
    if q.ndim not in (1, 2) or q.shape[0] < 2:
        raise InputError(
            f"estimates must be (m,) or (m, k) with m >= 2 imputations, got shape {q.shape}"
        )
    if (u < 0).any():
        raise InputError("variances must be >= 0")
    d = np.asarray(dfcom, dtype=float)
    if np.isnan(d).any() or (d <= 0).any():
        raise InputError(f"dfcom must be positive (or inf), got {dfcom!r}")
    qbar, ubar, b, t, df, riv, lam, fmi = _pool_arrays(q, u, d)
    se = np.sqrt(t)
    crit = t_quantile(conf, df)
    out = PooledEstimate(
        qbar,
        qbar - crit * se,
        qbar + crit * se,
        confidence=conf,
        method=f"Rubin's rules, m = {q.shape[0]}, Barnard-Rubin df",
        quantity=quantity,
        term=term,
        se=se,
        df=df,
        within=ubar,
        between=b,
        total=t,
        riv=riv,
        lambda_=lam,
        fmi=fmi,
        m=int(q.shape[0]),
    )
    return label(out, labels)
