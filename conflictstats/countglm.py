"""The one count-model core: Poisson, quasi-Poisson and NB2 log-linear models.

Every count regression of the toolkit runs here: the trend of one series
(:func:`conflictstats.trends.fit_trend`), the two-period comparison
(:func:`conflictstats.rates.compare_series`) and the batched fits of a whole panel
(:func:`conflictstats.panel.fit_trends`). They share one engine, the iteratively reweighted
least squares and joint NB2 Newton iterations of the private module ``_irls`` (start, step
safeguards, convergence rules, and the NB2 likelihood derivatives). A single series runs the
same iterations on 1-d arrays, without the bookkeeping of a batch (active sets, per-series
step halving), which for one series costs more than the arithmetic; its small linear
systems go to LAPACK.

* :func:`fit_count_glm` -- one series: coefficients, covariance, log-likelihood, deviance,
  Pearson statistic, dispersion and the flags of its edge cases, as a :class:`CountFit`.
* :func:`fit_poisson_batch`, :func:`fit_negbin_batch` -- many series on one design at once
  (the engine itself; ``panel`` adds the data handling, screening and tables).

This module imports numpy and scipy only; the statistical modules import it, never the
reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special
from scipy.linalg import lapack

from . import _irls
from ._irls import ALPHA_MIN, Gram, PanelFit
from ._validation import InputError, as_counts, as_finite, check_choice

__all__ = [
    "FAMILIES",
    "count_loglik",
    "INFORMATION",
    "ALPHA_MIN",
    "CountFit",
    "fit_count_glm",
    "fit_poisson_batch",
    "fit_negbin_batch",
    "positive_definite",
    "BatchFit",
    "Gram",
]

#: The likelihoods, as accepted by ``family=``.
FAMILIES = ("poisson", "quasi-poisson", "negbin")
#: The two NB2 covariances, as accepted by ``information=``.
INFORMATION = ("expected", "observed")

#: Per-series arrays of a batched fit (the engine's result type).
BatchFit = PanelFit

# R's glm.fit rule on the relative change of the deviance, at the precision the reference
# fixtures were computed with (glm.control(epsilon = 1e-12)); it ends a separated fit where R
# ends it. The coefficient rule (tol) ends every regular fit first, to near machine precision.
_DEV_TOL = 1e-12
# the Poisson fit that only starts NB2's Newton iterations need not be precise
_NB_START_TOL = 1e-2
_FAILED = (
    "the fit failed: the information matrix became numerically singular (fitted means "
    "tending to 0 where the counts are 0, so that the maximum likelihood estimate does not "
    "exist) or the fitted means overflowed"
)
# a fitted mean below this share of the mean count, at a zero count: the estimate is the
# limit of a sequence whose means tend to 0 (separation), not a finite maximum
_SEPARATION = 1e-8


def fit_poisson_batch(y, off, X, *, maxiter=100, tol=1e-8, **options) -> BatchFit:
    """Poisson IRLS fits of every row of ``y`` (``(S, T)``) on the design ``X`` (``(T, p)``).

    ``off`` is the log exposure (``-inf`` with ``y`` 0 in cells a series did not observe).
    The engine of :func:`conflictstats.panel.fit_trends`; see :func:`fit_count_glm` for one
    series with checked input. Options: ``gram`` (a :class:`Gram` of ``X`` to reuse),
    ``variances``, ``dev_tol``, ``full_cov``.

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.countglm import fit_poisson_batch
    >>> X = np.column_stack([np.ones(4), np.arange(4.0)])
    >>> fit = fit_poisson_batch(np.array([[2.0, 4, 8, 16], [5, 5, 5, 5]]), np.zeros((2, 4)), X)
    >>> fit.beta.round(4).tolist(), fit.converged.tolist()  # log 2, log 2; log 5, 0
    ([[0.6931, 0.6931], [1.6094, 0.0]], [True, True])
    """
    return _irls.fit_poisson(y, off, X, maxiter=maxiter, tol=tol, **options)


def fit_negbin_batch(y, off, X, start, *, maxiter=100, tol=1e-8, **options) -> BatchFit:
    """NB2 fits of every row of ``y`` by joint Newton in (beta, log alpha) from ``start``.

    ``start`` holds Poisson coefficients (``(S, p)``, e.g. from :func:`fit_poisson_batch`).
    Series without overdispersion are reported at the boundary alpha = 0 (the Poisson fit,
    ``boundary`` True). Options: ``gram``, ``ll_tol``, ``information`` ("observed", the
    default, or "expected"), ``full_cov``.

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.countglm import fit_negbin_batch, fit_poisson_batch
    >>> X = np.ones((8, 1))
    >>> y = np.array([[1.0, 9, 2, 14, 0, 6, 3, 21], [4, 5, 4, 5, 4, 5, 4, 5]])
    >>> start = fit_poisson_batch(y, np.zeros_like(y), X).beta
    >>> nb = fit_negbin_batch(y, np.zeros_like(y), X, start)
    >>> nb.alpha.round(4).tolist(), nb.boundary.tolist()  # statsmodels: alpha 1.04395673
    ([1.044, 0.0], [False, True])
    """
    return _irls.fit_negbin(y, off, X, start, maxiter=maxiter, tol=tol, **options)


def positive_definite(A: np.ndarray) -> np.ndarray:
    """Which of the stacked symmetric matrices ``A`` (``(S, p, p)``) are numerically positive
    definite: every Cholesky pivot above ``1e-12`` of its diagonal entry, all entries finite
    (the test the batched fits apply to their information matrices).

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.countglm import positive_definite
    >>> positive_definite(np.array([np.eye(2), [[1.0, 1.0], [1.0, 1.0]]])).tolist()
    [True, False]
    """
    return _irls.cholesky(np.asarray(A, dtype=float))[1]


@dataclass(frozen=True, repr=False)
class CountFit:
    """One fitted log-linear count model (:func:`fit_count_glm`).

    Attributes
    ----------
    family : str
        ``"poisson"``, ``"quasi-poisson"`` or ``"negbin"``.
    coef, se : ndarray (p,)
        Coefficients and their standard errors.
    cov : ndarray (p, p)
        Covariance of the coefficients (quasi-Poisson: scaled by ``dispersion``).
    fitted : ndarray (n,)
        Fitted means.
    loglik : float
        Log-likelihood at the estimate (NaN for quasi-Poisson, which has none).
    deviance, pearson_chi2 : float
        Residual deviance and Pearson chi-square of the family (quasi-Poisson: the Poisson
        ones).
    n_obs, df_resid : int
        Number of counts, and of counts minus coefficients.
    dispersion : float
        1 (Poisson), phi = Pearson chi-square / df_resid (quasi-Poisson) or alpha (NB2:
        variance ``mu + alpha mu^2``; 0 at the boundary).
    alpha_se : float or None
        NB2: standard error of alpha from the observed information in (beta, alpha);
        None otherwise and at the boundary.
    converged : bool
        Whether the iterations met their convergence rule within ``maxiter``.
    iterations : int
        Iterations used (the Poisson start included for NB2).
    boundary : bool
        NB2 only: no overdispersion, the likelihood is largest at alpha = 0 and the Poisson
        fit is reported.
    separation : bool
        Some fitted means at zero counts are numerically 0: the maximum likelihood estimate
        does not exist (some coefficients tend to minus infinity) and the reported one is
        where the deviance stopped changing, as R's ``glm`` reports it, with huge standard
        errors.
    information : str
        The information whose inverse is ``cov`` ("expected" or "observed").
    """

    family: str
    coef: np.ndarray
    se: np.ndarray
    cov: np.ndarray
    fitted: np.ndarray
    loglik: float
    deviance: float
    pearson_chi2: float
    n_obs: int
    df_resid: int
    dispersion: float
    alpha_se: float | None
    converged: bool
    iterations: int
    boundary: bool
    separation: bool
    information: str

    def __repr__(self) -> str:
        flags = [f for f in ("boundary", "separation") if getattr(self, f)]
        if not self.converged:
            flags.append("not converged")
        note = f"; {', '.join(flags)}" if flags else ""
        return (
            f"CountFit({self.family}: {self.coef.size} coefficients, {self.n_obs} counts, "
            f"dispersion {self.dispersion:.4g}, loglik {self.loglik:.6g}{note})"
        )


def _as_design(X: Any, n: int) -> np.ndarray:
    X = as_finite(X, "X").astype(float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] != n or X.shape[1] == 0:
        raise InputError(f"X must be a 2-d design with one row per count ({n}), got {X.shape}")
    return X


def _full_rank(X: np.ndarray) -> bool:
    """Columns linearly independent (scaled cross-product numerically positive definite)."""
    G = X.T @ X
    d = np.sqrt(np.maximum(np.diag(G), 1e-300))
    return _positive_definite(G / np.outer(d, d), 1e-12)


def count_loglik(y: Any, mu: Any, alpha: float = 0.0) -> float:
    """Log-likelihood of counts ``y`` at means ``mu``: Poisson (``alpha`` 0) or NB2 (variance
    ``mu + alpha mu^2``), constants included. A mean of 0 at a zero count contributes 0 (the
    limit of a separated fit).

    Examples
    --------
    >>> from conflictstats.countglm import count_loglik
    >>> round(count_loglik([0, 2], [0.0, 2.0]), 6)  # log(e^-2 2^2 / 2!)
    -1.306853
    """
    y = np.asarray(y, dtype=float)
    mu = np.asarray(mu, dtype=float)
    if alpha > 0:
        return _negbin_stats(y, mu, alpha)[0]
    pos = y > 0
    return float(np.sum(y[pos] * np.log(mu[pos])) - np.sum(mu) - np.sum(special.gammaln(y + 1)))


def _poisson_stats(y, mu):
    pos = y > 0
    ylogy = np.where(pos, y * np.log(np.where(pos, y, 1.0)), 0.0)
    ylogmu = np.where(pos, y * np.log(np.where(pos, mu, 1.0)), 0.0)
    loglik = count_loglik(y, mu)
    deviance = float(2 * np.sum(ylogy - ylogmu - (y - mu)))
    pearson = float(np.sum((y - mu) ** 2 / mu))
    return loglik, deviance, pearson


def _negbin_stats(y, mu, alpha):
    r = 1.0 / alpha
    mu = np.maximum(mu, 1e-300)  # a separated mean of 0 at a zero count
    pos = y > 0
    amu = alpha * mu
    lg = _irls._lgamma_diff(y[pos], np.full(int(pos.sum()), r))
    terms = (
        np.where(pos, y * (np.log(amu) - np.log1p(amu)), 0.0)
        - r * np.log1p(amu)
        - special.gammaln(y + 1)
    )
    loglik = float(lg.sum() + terms.sum())
    ylog = np.where(pos, y * np.log(np.where(pos, y, 1.0) / mu), 0.0)
    deviance = float(2 * np.sum(ylog - (y + r) * np.log((y + r) / (mu + r))))
    pearson = float(np.sum((y - mu) ** 2 / (mu + alpha * mu**2)))
    return loglik, deviance, pearson


def _positive_definite(A: np.ndarray, pivot: float = _irls._LAPACK_PIVOT) -> bool:
    """The test of :func:`_irls.cholesky` for one matrix (by default at the single-fit
    pivot bound)."""
    return _spd_solve(A, np.zeros(A.shape[0]), pivot) is not None


def _spd_solve(A: np.ndarray, b: np.ndarray, pivot: float = _irls._LAPACK_PIVOT):
    """``A^-1 b`` for a symmetric ``A`` that is numerically positive definite (every Cholesky
    pivot above ``pivot`` of its diagonal entry, the test of :func:`_irls.cholesky`), else
    None: one LAPACK call (``dposv``) factors, tests and solves."""
    c, x, info = lapack.dposv(A, b, lower=1)
    if info != 0:
        return None
    d = np.diagonal(c)
    if not (np.all(d * d > pivot * np.abs(np.diagonal(A))) and np.all(np.isfinite(x))):
        return None
    return x


def _poisson_irls(y, X, off, *, tol, maxiter, cov=True):
    """IRLS for one series: :func:`_irls.fit_poisson`'s iteration (R's start ``y + 0.1``, its
    coefficient rule and R's deviance rule) on 1-d arrays, without the bookkeeping of a
    batch, which costs more than the arithmetic when there is one series.

    Returns ``(beta, cov, converged, iterations)`` (``cov`` None unless asked for); ``beta``
    is None when the information matrix is numerically singular or the means overflow.
    """
    pos = y > 0
    ylogy = np.where(pos, y * np.log(np.where(pos, y, 1.0)), 0.0)
    const = float(np.sum(ylogy - y - np.where(pos, y * off, 0.0)))
    yX = y @ X
    Xt = X.T
    mu = y + 0.1
    lin = np.log(mu) - off
    dev = 2.0 * float(np.sum(ylogy - y * np.log(mu) + mu) - y.sum())
    old = None
    it = 0
    converged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while it < maxiter:
            it += 1
            A = (Xt * mu) @ X
            new = _spd_solve(A, Xt @ (mu * lin + y - mu))
            if new is None:
                return None, None, False, it
            lin = X @ new
            mu = np.exp(lin + off)
            new_dev = 2.0 * (const - float(yX @ new) + float(mu.sum()))
            if not np.isfinite(new_dev):
                return None, None, False, it
            if old is not None and np.max(np.abs(new - old) / (np.abs(old) + 0.1)) < tol:
                converged = True
            if abs(new_dev - dev) < _DEV_TOL * (abs(new_dev) + 0.1):
                converged = True
            old, dev = new, new_dev
            if converged:
                break
        if not cov:
            return old, None, converged, it
        A = (Xt * mu) @ X
        cov = _inverse(A)
        if cov is None:
            return None, None, False, it
        return old, cov, converged, it


def _negbin_newton(y, X, off, beta, *, tol, maxiter, ll_tol, information):
    """NB2 by joint Newton in ``(b, log alpha)`` for one series from the Poisson coefficients
    ``beta``: :func:`_irls.fit_negbin`'s iteration (its start, overdispersion score, ascent
    safeguard, step bounds, step halving and convergence rules) on 1-d arrays, without the
    bookkeeping of a batch, which costs more than the arithmetic for one series.

    Returns ``(beta, alpha, cov, alpha_var, converged, iterations)``; ``beta`` is None when
    the fit failed, ``alpha`` 0 (and ``cov`` None) at the boundary alpha = 0, where the caller
    reports the Poisson fit. ``cov`` is the inverse expected information in ``b`` at the
    fitted alpha (``information="expected"``) or the ``b`` block of the inverse observed
    information in ``(b, alpha)``; ``alpha_var`` comes from the observed information, both
    at the end point.
    """
    n, p = X.shape
    Xt = X.T
    mu = np.exp(X @ beta + off)
    dev = y - mu
    if not float(dev @ dev - y.sum()) > 0:
        return beta, 0.0, None, float("nan"), True, 0
    moment = float(np.sum((dev * dev / mu - 1.0) / mu)) / max(n - p, 1)
    th = float(np.log(max(moment, 0.05)))
    pos = y > 0
    vals, mult = np.unique(y[pos], return_counts=True)
    mult = mult.astype(float)
    yX = y @ X
    ysum = float(y.sum())
    yoff = float(y[pos] @ off[pos])
    theta_min = np.log(ALPHA_MIN)

    def loglik(b, th):
        r = np.exp(-th)
        lg = mult @ _irls._lgamma_diff(vals, np.full(vals.size, r))
        amu = np.exp(X @ b + off + th)
        return float(lg - (y + r) @ np.log1p(amu) + ysum * th + yX @ b + yoff)

    gram = Gram(X, lapack=True)

    msum = float(mult.sum())

    def derivatives(b, th):
        a = np.exp(th)
        r = 1.0 / a
        if r > _irls._R_ASYMPTOTIC:
            rv = np.full(vals.size, r)
            dig = mult @ _irls._digamma_diff(vals, rv)
            tri = mult @ _irls._trigamma_diff(vals, rv)
        else:
            # f(y + r) - f(r) summed over the counts, f(r) evaluated once
            dig = mult @ special.digamma(vals + r) - msum * special.digamma(r)
            tri = mult @ special.zeta(2.0, vals + r) - msum * special.zeta(2.0, r)
        amu = np.exp(X @ b + off + th)
        g, H, w = _irls.nb2_derivatives(
            y[None], X, amu[None], np.array([a]), np.array([dig]), np.array([tri]), gram
        )
        return g[0], H[0], w[0]

    b = beta
    ll = loglik(b, th)
    converged = False
    it = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while it < maxiter:
            it += 1
            g, H, fisher = derivatives(b, th)
            # Newton's direction where -H is positive definite and it is one of ascent
            d = _spd_solve(-H, g)
            if d is None or not float(d @ g) > 0:
                # Fisher scoring in b and a Newton (or unit) step in log alpha
                db = _spd_solve((Xt * fisher) @ X, g[:p])
                hth, gth = H[p, p], g[p]
                d = np.empty(p + 1)
                d[:p] = 0.0 if db is None else db
                d[p] = -gth / hth if hth < 0 else np.sign(gth)
            big = max(abs(d[p]) / 3.0, float(np.max(np.abs(d[:p]))) / 5.0)
            if big > 1.0:
                d = d / big
            slack = 1e-12 * (abs(ll) + 1.0)
            step = 1.0
            new_ll = loglik(b + d[:p], th + d[p])
            halvings = 0
            while not new_ll >= ll - slack and halvings < _irls._MAX_HALVINGS:
                step *= 0.5
                halvings += 1
                new_ll = loglik(b + step * d[:p], th + step * d[p])
            stuck = not new_ll >= ll - slack
            if stuck:
                step = 0.0
            nb = b + step * d[:p]
            nth = th + step * d[p]
            change = max(float(np.max(np.abs(nb - b) / (np.abs(b) + 0.1))), abs(step * d[p]))
            done = change < tol or stuck
            if ll_tol is not None:
                done = done or abs(new_ll - ll) < ll_tol * (abs(new_ll) + 0.1)
            b, th = nb, nth
            if not stuck:
                ll = new_ll
            if not (np.isfinite(ll) and np.all(np.isfinite(b))):
                return None, 0.0, None, float("nan"), False, it
            if th < theta_min:
                return beta, 0.0, None, float("nan"), True, it
            if done:
                converged = True
                break
        alpha = float(np.exp(th))
        if not (converged and change < _irls._HESS_STEP):
            # the information at the end point (else the last one, which is within 1e-9)
            _, H, fisher = derivatives(b, th)
        if information == "expected":
            cov = _inverse((Xt * fisher) @ X)
            # var(log alpha): the inverse of the Schur complement of the b block of -H
            inner = _spd_solve(-H[:p, :p], H[:p, p])
            schur = np.nan if inner is None else float(-H[p, p] - H[:p, p] @ inner)
            alpha_var = alpha * alpha / schur if schur > 0 else float("nan")
        else:
            full = _inverse(-H)
            cov = None if full is None else full[:p, :p]
            alpha_var = float("nan") if full is None else float(full[p, p]) * alpha * alpha
        if cov is None:
            return None, 0.0, None, float("nan"), False, it
    return b, alpha, cov, alpha_var, converged, it


def _inverse(A: np.ndarray) -> np.ndarray | None:
    """Inverse of a symmetric matrix that is numerically positive definite (else None)."""
    inv = _spd_solve(A, np.eye(A.shape[0]))
    if inv is None or not np.all(np.diag(inv) > 0):
        return None
    return inv


def fit_count_glm(
    y: Any,
    X: Any,
    *,
    family: str = "poisson",
    offset: Any = None,
    information: str = "expected",
    tol: float = 1e-10,
    maxiter: int = 100,
) -> CountFit:
    """Fit a log-linear count model to one series: ``log E[y] = offset + X b``.

    Parameters
    ----------
    y : array_like of int, 1-d
        Counts (whole numbers >= 0), not all zero.
    X : array_like, 2-d
        Design matrix, one row per count, full column rank (include the intercept column).
    family : {"poisson", "quasi-poisson", "negbin"}
        Poisson; quasi-Poisson (Poisson estimating equations, variance ``phi mu`` with phi
        from the Pearson statistic); NB2 (variance ``mu + alpha mu^2``, alpha by maximum
        likelihood jointly with b).
    offset : array_like, optional
        Known log exposure of each count (default 0).
    information : {"expected", "observed"}
        NB2 covariance: the inverse expected information in b at the fitted alpha (R's
        ``MASS::glm.nb``), or the b block of the inverse observed information in (b, alpha)
        (statsmodels' ``NegativeBinomial``). Poisson models have one information.
    tol : float
        Convergence: no coefficient (nor log alpha) moves by more than ``tol (|b| + 0.1)``,
        or the deviance changes by less than 1e-12 of itself (R's rule).
    maxiter : int
        Most iterations (of each stage for NB2).

    Returns
    -------
    CountFit

    Raises
    ------
    InputError
        Counts that are not whole numbers >= 0, or all zero; a design with the wrong shape,
        non-finite entries or linearly dependent columns; too few counts (more than the
        coefficients for quasi-Poisson and NB2); quasi-Poisson counts fitted exactly (phi 0);
        a fit whose information matrix becomes singular (no maximum likelihood estimate).

    Notes
    -----
    Poisson models are fitted by IRLS (Newton's method for the canonical log link) from R's
    start ``mu = y + 0.1``; NB2 by Newton's method in (b, log alpha) with step halving from
    the Poisson fit, after the score test for overdispersion at the Poisson fit (when
    ``sum((y - mu)^2 - y) <= 0`` the likelihood is largest at alpha = 0: ``boundary``). The
    iterations are those of the batched panel fits, run on 1-d arrays.

    References
    ----------
    McCullagh, P. and Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman and
    Hall. (IRLS; quasi-likelihood and the Pearson dispersion, ch. 9.)
    Lawless, J. F. (1987). Negative binomial and mixed Poisson regression. Canadian Journal
    of Statistics 15(3), 209-225.
    Cameron, A. C. and Trivedi, P. K. (2013). Regression Analysis of Count Data, 2nd ed.
    Cambridge University Press. (NB2; score test for overdispersion.)

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.countglm import fit_count_glm
    >>> y = [53, 92, 67, 80, 98, 37, 25, 74, 109, 92, 37, 79,
    ...      64, 53, 52, 32, 47, 74, 72, 67, 43, 45, 45, 58]
    >>> X = np.column_stack([np.ones(24), np.repeat([1.0, 0.0], 12)])
    >>> fit = fit_count_glm(y, X, family="negbin")
    >>> # MASS::glm.nb(y ~ period1): exp(b1) 1.29294479, theta 10.7168610
    >>> round(float(np.exp(fit.coef[1])), 8), round(1 / fit.dispersion, 7), fit.boundary
    (1.29294479, 10.716861, False)
    """
    family = check_choice(family, FAMILIES, "family")
    information = check_choice(information, INFORMATION, "information")
    yv = as_counts(y, "y").astype(float)
    if yv.ndim != 1 or yv.size == 0:
        raise InputError(f"y must be a non-empty 1-d sequence of counts, got shape {yv.shape}")
    n = yv.size
    X = _as_design(X, n)
    p = X.shape[1]
    if offset is None:
        off = np.zeros(n)
    else:
        off = as_finite(offset, "offset").astype(float)
        try:
            off = np.broadcast_to(off, (n,))
        except ValueError:
            raise InputError(
                f"offset must be a number or have one value per count, got shape {off.shape}"
            ) from None
    if not yv.any():
        raise InputError("y: the counts are all zero; no log-linear coefficients exist")
    need = p if family == "poisson" else p + 1
    if n < need:
        raise InputError(f"y has {n} counts for {p} coefficients; {family} needs at least {need}")
    if not _full_rank(X):
        raise InputError(
            "X is rank-deficient: the model has more terms than the counts can identify"
        )
    tol = float(tol)
    nb = family == "negbin"
    beta, cov, converged, iterations = _poisson_irls(
        yv, X, off, tol=max(tol, _NB_START_TOL) if nb else tol, maxiter=maxiter, cov=not nb
    )
    if beta is None:
        raise InputError(_FAILED)
    boundary = False
    alpha = 0.0
    alpha_var = float("nan")
    if family == "negbin":
        nb_beta, alpha, nb_cov, alpha_var, converged, nb_it = _negbin_newton(
            yv, X, off, beta, tol=tol, maxiter=maxiter, ll_tol=_DEV_TOL, information=information
        )
        iterations += nb_it
        if nb_beta is None:
            raise InputError(_FAILED)
        if nb_cov is None:
            # alpha = 0: the Poisson fit is the maximum, refitted to full precision (the start
            # was a loose fit)
            boundary = True
            beta, cov, converged, more = _poisson_irls(yv, X, off, tol=tol, maxiter=maxiter)
            iterations += more
            if beta is None:
                raise InputError(_FAILED)
        else:
            beta, cov = nb_beta, nb_cov
    coef = beta
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(cov))):
        raise InputError(_FAILED)
    mu = np.exp(X @ coef + off)
    if family == "negbin" and not boundary:
        loglik, deviance, pearson = _negbin_stats(yv, mu, alpha)
    else:
        loglik, deviance, pearson = _poisson_stats(yv, mu)
    df_resid = n - p
    alpha_se = None
    if family == "poisson":
        dispersion = 1.0
    elif family == "quasi-poisson":
        dispersion = pearson / df_resid
        if not np.isfinite(dispersion) or dispersion < 1e-10:
            raise InputError(
                "counts are fitted exactly (Pearson dispersion 0): quasi-Poisson intervals are "
                "undefined; use family='poisson'"
            )
        cov = cov * dispersion
        loglik = float("nan")
    else:
        dispersion = alpha
        if not boundary and np.isfinite(alpha_var) and alpha_var > 0:
            alpha_se = float(np.sqrt(alpha_var))
    separation = bool(np.any((yv == 0) & (mu < _SEPARATION * yv.mean())))
    return CountFit(
        family=family,
        coef=coef,
        se=np.sqrt(np.diag(cov)),
        cov=cov,
        fitted=mu,
        loglik=loglik,
        deviance=deviance,
        pearson_chi2=pearson,
        n_obs=n,
        df_resid=df_resid,
        dispersion=float(dispersion),
        alpha_se=alpha_se,
        converged=bool(converged),
        iterations=int(iterations),
        boundary=boundary,
        separation=separation,
        information=information if family == "negbin" else "expected",
    )
