"""Batched maximum-likelihood fits of log-linear count models, one row per series.

The private engine of the count-model core :mod:`conflictstats.countglm` (and through it of
``panel``, ``trends`` and ``rates``). Every series of a chunk shares one time grid,
so the design is one ``(T, p)`` matrix ``X``; a cell a series did not observe has count 0 and
offset ``-inf`` (fitted mean exactly 0), so it drops out of every sum without a mask. The
weighted cross-products of all series are then one matrix product ``W @ XX`` with
``XX[t] = outer(X[t], X[t])`` flattened (its distinct columns only, see :class:`Gram`), and
each iteration solves the ``S`` small ``p``-by-``p`` systems at once with a Cholesky
factorisation vectorised over the series axis. Series leave the active set as soon as they
converge, so a few slow series never cost a whole-panel iteration.

A single series is a batch of one: ``Gram(X, lapack=True)`` then hands its few small systems
to LAPACK, which is faster than the vectorised factorisation when there are few of them.

Nothing here validates input or knows about data frames; :mod:`conflictstats.countglm` (one
series) and :mod:`conflictstats.panel` (many) do both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["PanelFit", "Gram", "cholesky", "fit_poisson", "fit_negbin", "trigamma"]

#: Lower bound on the NB2 dispersion: below it the fit is the Poisson fit to ~1e-8.
ALPHA_MIN = 1e-8
_MAX_HALVINGS = 40
# a Hessian taken before a last step smaller than this (relative) serves as the end point's
_HESS_STEP = 1e-9


@dataclass
class PanelFit:
    """Per-series arrays from a batched fit (``S`` series, ``p`` coefficients)."""

    beta: np.ndarray  # (S, p)
    var: np.ndarray  # (S, p): diagonal of the inverse information (unscaled)
    converged: np.ndarray  # (S,) bool
    iterations: np.ndarray  # (S,) int
    failed: np.ndarray  # (S,) bool: numerically singular or non-finite, no estimate
    alpha: np.ndarray | None = None  # (S,) NB2 dispersion
    boundary: np.ndarray | None = None  # (S,) bool: alpha at its lower bound (Poisson fit)
    cov: np.ndarray | None = None  # (S, p, p) full covariance, when asked for
    alpha_var: np.ndarray | None = None  # (S,) NB2: variance of alpha (observed information)


def outer_rows(X: np.ndarray) -> np.ndarray:
    """``XX[t] = outer(X[t], X[t]).ravel()``: one row per time point, ``p*p`` columns."""
    T, p = X.shape
    return (X[:, :, None] * X[:, None, :]).reshape(T, p * p)


class Gram:
    """Weighted cross-products ``X' diag(w[s]) X`` for every row ``s`` of ``w`` at once, and
    the linear algebra of the fits on them.

    ``outer(X[t], X[t])`` has many repeated or zero entries (symmetry; products of 0/1
    month indicators), so only its distinct columns are multiplied by the weights and the
    ``p * p`` entries are gathered from them: for a trend plus 11 months, 26 columns instead
    of 169. The systems are solved by the Cholesky factorisation vectorised over the series
    (:func:`cholesky`).

    With ``lapack=True`` (a single series or a handful) the products are plain matrix
    products and the systems go to ``numpy.linalg`` (one LAPACK call per matrix), which is
    faster when there are few matrices; the positive-definiteness test is the same, with
    pivots down to ``1e-15`` of their diagonal entry accepted (a single fit whose means tend
    to 0 then runs until R's deviance rule ends it, as R's does).
    """

    def __init__(self, X: np.ndarray, *, lapack: bool = False):
        self.X = X
        self.p = X.shape[1]
        self.lapack = lapack
        self._basis = self._index = None

    def _build(self) -> None:
        cols, inverse = np.unique(outer_rows(self.X).T, axis=0, return_inverse=True)
        self._basis = np.ascontiguousarray(cols.T)
        self._index = np.asarray(inverse).ravel()

    @property
    def basis(self) -> np.ndarray:
        if self._basis is None:
            self._build()
        return self._basis

    @property
    def index(self) -> np.ndarray:
        if self._index is None:
            self._build()
        return self._index

    def __call__(self, w: np.ndarray) -> np.ndarray:
        if self.lapack:
            if w.shape[0] == 1:
                return ((self.X.T * w[0]) @ self.X)[None]
            return np.matmul(self.X.T * w[:, None, :], self.X)
        return (w @ self.basis)[:, self.index].reshape(-1, self.p, self.p)

    def solve(self, A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_solve`, or its LAPACK form."""
        if not self.lapack:
            return _solve(A, b)
        A, ok = _lapack_checked(A, _LAPACK_PIVOT)
        with np.errstate(all="ignore"):
            x = np.linalg.solve(A, np.where(ok[:, None], b, 0.0)[..., None])[..., 0]
        ok &= np.all(np.isfinite(x), axis=1)
        return x, ok

    def inverse(self, A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inverses ``(S, p, p)`` of stacked symmetric matrices; ``ok`` as in :func:`_solve`
        (the inverse is NaN where ``ok`` is False)."""
        if self.lapack:
            A, ok = _lapack_checked(A, _LAPACK_PIVOT)
            with np.errstate(all="ignore"):
                inv = np.linalg.inv(A)
        else:
            L, ok = cholesky(A)
            Z = _inverse_factor(L)
            inv = np.einsum("ijs,iks->sjk", Z, Z)
        diag = np.diagonal(inv, axis1=1, axis2=2)
        ok &= np.all(np.isfinite(inv), axis=(1, 2)) & np.all(diag > 0, axis=1)
        inv[~ok] = np.nan
        return inv, ok

    def inverse_diagonal(self, A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:func:`_inverse_diagonal`, or its LAPACK form."""
        if not self.lapack:
            return _inverse_diagonal(A)
        inv, ok = self.inverse(A)
        return np.diagonal(inv, axis1=1, axis2=2).copy(), ok


_LAPACK_PIVOT = 1e-15


def _lapack_checked(A: np.ndarray, pivot: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """``A`` with the matrices that are not numerically positive definite (the test of
    :func:`cholesky`: a Cholesky pivot below ``pivot`` of its diagonal entry, or a value
    that is not finite) replaced by the identity, and the mask of those that are."""
    try:
        # the common case: every matrix positive definite, nothing to replace
        L = np.linalg.cholesky(A)
        dL = np.diagonal(L, axis1=1, axis2=2)
        ok = np.all(dL * dL > pivot * np.abs(np.diagonal(A, axis1=1, axis2=2)), axis=1)
        if ok.all():
            return A, ok
    except np.linalg.LinAlgError:
        pass
    A = np.array(A, dtype=float)
    p = A.shape[1]
    ok = np.all(np.isfinite(A), axis=(1, 2))
    A[~ok] = np.eye(p)
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        # one of them is not positive definite: factor them one by one
        L = np.empty_like(A)
        for s in range(A.shape[0]):
            try:
                L[s] = np.linalg.cholesky(A[s])
            except np.linalg.LinAlgError:
                L[s] = 0.0
    pivots = np.diagonal(L, axis1=1, axis2=2) ** 2
    ok &= np.all(pivots > pivot * np.abs(np.diagonal(A, axis1=1, axis2=2)), axis=1)
    A[~ok] = np.eye(p)
    return A, ok


def cholesky(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factors of stacked matrices, series axis last: ``A`` is ``(S, p, p)``,
    the factor ``L`` is returned as ``(p, p, S)``.

    A loop over the ``p`` columns, each step one numpy operation over all series, beats
    ``numpy.linalg`` on thousands of 13-by-13 matrices (which calls LAPACK once per
    matrix). ``ok`` is False where ``A[s]`` is not numerically positive definite (a pivot
    below ``1e-12`` of its diagonal entry, or not finite); those factors are the identity.
    """
    S, p, _ = A.shape
    At = np.ascontiguousarray(A.transpose(1, 2, 0))
    ok = np.all(np.isfinite(At), axis=(0, 1))
    At[:, :, ~ok] = np.eye(p)[:, :, None]
    L = np.zeros_like(At)
    for j in range(p):
        Lj = L[j, :j]
        d = At[j, j] - (Lj * Lj).sum(axis=0)
        good = d > 1e-12 * np.abs(At[j, j])
        ok &= good
        d = np.sqrt(np.where(good, d, 1.0))
        L[j, j] = d
        if j + 1 < p:
            L[j + 1 :, j] = (At[j + 1 :, j] - (L[j + 1 :, :j] * Lj).sum(axis=1)) / d
    L[:, :, ~ok] = np.eye(p)[:, :, None]
    return L, ok


def _cho_apply(L: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``L L' x = b`` with ``L`` from :func:`_cholesky` and ``b`` of shape ``(p, ..., S)``."""
    p = L.shape[0]
    extra = (slice(None),) + (None,) * (b.ndim - 2)
    z = np.empty_like(b)
    for j in range(p):
        z[j] = (b[j] - (L[j, :j][extra] * z[:j]).sum(axis=0)) / L[j, j]
    x = np.empty_like(b)
    for j in reversed(range(p)):
        x[j] = (z[j] - (L[j + 1 :, j][extra] * x[j + 1 :]).sum(axis=0)) / L[j, j]
    return x


def _solve(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``A[s] x[s] = b[s]`` for symmetric positive definite ``A[s]`` (Cholesky).

    ``ok`` is False where ``A[s]`` is not positive definite or the solution is not finite.
    """
    L, ok = cholesky(A)
    bt = np.ascontiguousarray(np.where(ok[:, None], b, 0.0).T)
    with np.errstate(all="ignore"):
        x = _cho_apply(L, bt).T
    ok &= np.all(np.isfinite(x), axis=1)
    return x, ok


def _inverse_factor(L: np.ndarray) -> np.ndarray:
    """Rows of ``L^-1`` for the stacked factors ``L`` ``(p, p, S)`` of :func:`cholesky`."""
    p = L.shape[0]
    Z = np.zeros_like(L)
    for j in range(p):
        rhs = -(L[j, :j, None, :] * Z[:j]).sum(axis=0)
        rhs[j] += 1.0
        Z[j] = rhs / L[j, j]
    return Z


def _inverse_diagonal(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Diagonals ``(S, p)`` of the inverses of stacked symmetric matrices (Cholesky).

    ``diag(A^-1)_j = sum_i (L^-1)_ij^2``; ``ok`` is False (and the row NaN) where ``A[s]`` is
    not positive definite.
    """
    L, ok = cholesky(A)
    Z = _inverse_factor(L)
    var = (Z * Z).sum(axis=0).T
    ok &= np.all(np.isfinite(var), axis=1) & np.all(var > 0, axis=1)
    var[~ok] = np.nan
    return var, ok


def _rel_change(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    return np.max(np.abs(new - old) / (np.abs(old) + 0.1), axis=1)


def fit_poisson(
    y: np.ndarray,
    off: np.ndarray,
    X: np.ndarray,
    *,
    maxiter: int,
    tol: float,
    variances: bool = True,
    gram: Gram | None = None,
    dev_tol: float | None = None,
    full_cov: bool = False,
) -> PanelFit:
    """Poisson log-linear fits of every row of ``y`` by IRLS (Fisher scoring = Newton here).

    ``y`` and ``off`` (log exposure) are ``(S, T)``; ``off`` is ``-inf`` (and ``y`` 0) in the
    cells a series did not observe, which makes their fitted mean exactly 0 so that they drop
    out of every sum without a mask. ``X`` is ``(T, p)``. The start is R's
    ``mustart = y + 0.1``. A series has converged when no coefficient moves by more than
    ``tol * (|beta| + 0.1)`` in one step; as the log link is canonical the iteration is
    Newton's method, so the next step would be of order ``tol**2``. With ``dev_tol`` a series
    has also converged when its deviance changes by less than ``dev_tol * (|dev| + 0.1)``
    (R's ``glm.fit`` rule), which stops a fit whose means tend to 0 (separation) where R
    stops it. ``full_cov`` adds the whole inverse Fisher information (``cov``).
    """
    S, T = y.shape
    p = X.shape[1]
    gram = Gram(X) if gram is None else gram
    beta = np.full((S, p), np.nan)
    converged = np.zeros(S, dtype=bool)
    failed = np.zeros(S, dtype=bool)
    iterations = np.zeros(S, dtype=int)

    act = np.arange(S)
    ya, oa = y, off
    seen = np.isfinite(off)
    mu = np.where(seen, y + 0.1, 0.0)
    lin = np.where(seen, np.log(mu, where=seen, out=np.zeros_like(mu)) - np.where(seen, off, 0), 0)
    if dev_tol is not None:
        # deviance = 2 (sum(y log y - y - y off) - yX beta + sum(mu)); cells with y > 0 are seen
        pos = ya > 0
        logy = np.log(ya, where=pos, out=np.zeros_like(ya))
        dconst = np.sum(np.where(pos, ya * (logy - 1.0 - np.where(pos, oa, 0.0)), 0.0), axis=1)
        yXa = ya @ X
        dev = 2.0 * np.sum(
            np.where(pos, ya * (logy - np.log(mu, where=pos, out=np.ones_like(mu))), 0.0) - ya + mu,
            axis=1,
        )
    old = None
    for it in range(1, maxiter + 1):
        # IRLS: X'WX beta = X'W z with W = mu and z = X beta + (y - mu) / mu
        new, ok = gram.solve(gram(mu), (mu * lin + ya - mu) @ X)
        if old is not None:
            done = ok & (_rel_change(new, old) < tol)
        else:
            done = np.zeros(act.size, dtype=bool)
        lin = new @ X.T
        with np.errstate(over="ignore"):
            mu = np.exp(lin + oa)
        ok &= np.all(np.isfinite(mu), axis=1)
        if dev_tol is not None:
            new_dev = 2.0 * (dconst - np.sum(yXa * new, axis=1) + mu.sum(axis=1))
            done |= ok & (np.abs(new_dev - dev) < dev_tol * (np.abs(new_dev) + 0.1))
            dev = new_dev
        failed[act[~ok]] = True
        iterations[act] = it
        beta[act[done]] = new[done]
        converged[act[done]] = True
        keep = ok & ~done
        if not keep.all():
            act, ya, oa = act[keep], ya[keep], oa[keep]
            mu, lin, new = mu[keep], lin[keep], new[keep]
            if dev_tol is not None:
                dconst, yXa, dev = dconst[keep], yXa[keep], dev[keep]
        old = new
        if act.size == 0:
            break
    if act.size:
        beta[act] = old  # the last iterate, reported as not converged

    var = np.full((S, p), np.nan)
    cov = np.full((S, p, p), np.nan) if full_cov else None
    good = ~failed & np.all(np.isfinite(beta), axis=1)
    if (variances or full_cov) and good.any():
        info = gram(np.exp(beta[good] @ X.T + off[good]))
        if full_cov:
            c, ok = gram.inverse(info)
            cov[good] = c
            v = np.diagonal(c, axis1=1, axis2=2)
        else:
            v, ok = gram.inverse_diagonal(info)
        var[good] = v
        failed[np.flatnonzero(good)[~ok]] = True
    return PanelFit(beta, var, converged & ~failed, iterations, failed, cov=cov)


_SMALL = 256


def trigamma(x: np.ndarray) -> np.ndarray:
    """Trigamma function for ``x > 0``: six recurrence steps, then the asymptotic series
    (below 256 values, ``scipy.special.zeta(2, x)``, which is faster there).

    About ten times faster than ``scipy.special.polygamma(1, x)`` and within ~1e-13
    relative of it for every ``x > 0`` (the truncation error at ``x + 6 >= 6`` is below
    ``B_16 / 6**17``); tested against scipy.
    """
    x = np.asarray(x, dtype=float)
    if x.size < _SMALL:
        # few values (one series): one call of the Hurwitz zeta, zeta(2, x) = trigamma(x),
        # costs less than the dozen array operations below
        return special.zeta(2.0, x)
    acc = np.zeros_like(x)
    for i in range(6):
        acc += 1.0 / (x + i) ** 2
    z = x + 6.0
    iz = 1.0 / z
    iz2 = iz * iz
    # Bernoulli numbers B2..B14: 1/6, -1/30, 1/42, -1/30, 5/66, -691/2730, 7/6
    series = iz2 * (
        1 / 6
        + iz2
        * (
            -1 / 30
            + iz2 * (1 / 42 + iz2 * (-1 / 30 + iz2 * (5 / 66 + iz2 * (-691 / 2730 + iz2 * 7 / 6))))
        )
    )
    return acc + iz * (1.0 + 0.5 * iz + series)


def _count_pairs(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct positive counts of each row: ``(row, value, multiplicity)``.

    The NB2 terms that involve special functions of ``y + 1/alpha`` depend on a series' counts
    only through this histogram, and zeros contribute nothing to them, so they are evaluated
    once per distinct (series, count) pair instead of once per cell.
    """
    S, T = y.shape
    ys = np.sort(y, axis=1).ravel()
    row = np.repeat(np.arange(S), T)
    new = np.ones(ys.size, dtype=bool)
    new[1:] = (ys[1:] != ys[:-1]) | (row[1:] != row[:-1])
    starts = np.flatnonzero(new)
    mult = np.diff(np.append(starts, ys.size)).astype(float)
    vals, rows = ys[starts], row[starts]
    pos = vals > 0
    return rows[pos], vals[pos], mult[pos]


# Above this r = 1/alpha, differences f(y + r) - f(r) of log-gamma and digamma come from
# their asymptotic series written as differences (log1p and 1/x - 1/z terms): subtracting two
# nearly equal values of f would lose ~log10(r) digits, which at small alpha is the noise
# floor of the gradient in alpha and keeps Newton's method from converging.
_R_ASYMPTOTIC = 50.0


def _lgamma_diff(y, x):
    """``lgamma(x + y) - lgamma(x)`` for counts ``y > 0``."""
    out = special.gammaln(y + x) - special.gammaln(x)
    big = x > _R_ASYMPTOTIC
    if big.any():
        yb, xb = y[big], x[big]
        z = xb + yb
        # Stirling: lgamma(x) = (x - 1/2) log x - x + log(2 pi)/2 + 1/(12x) - 1/(360x^3) + ...
        out[big] = (
            (z - 0.5) * np.log1p(yb / xb)
            + yb * (np.log(xb) - 1.0)
            + (1.0 / z - 1.0 / xb) / 12.0
            - (1.0 / z**3 - 1.0 / xb**3) / 360.0
            + (1.0 / z**5 - 1.0 / xb**5) / 1260.0
        )
    return out


def _digamma_diff(y, x):
    """``digamma(x + y) - digamma(x)`` for counts ``y > 0``."""
    out = special.digamma(y + x) - special.digamma(x)
    big = x > _R_ASYMPTOTIC
    if big.any():
        yb, xb = y[big], x[big]
        z = xb + yb
        # digamma(x) = log x - 1/(2x) - 1/(12x^2) + 1/(120x^4) - 1/(252x^6) + ...
        out[big] = (
            np.log1p(yb / xb)
            - 0.5 * (1.0 / z - 1.0 / xb)
            - (1.0 / z**2 - 1.0 / xb**2) / 12.0
            + (1.0 / z**4 - 1.0 / xb**4) / 120.0
            - (1.0 / z**6 - 1.0 / xb**6) / 252.0
        )
    return out


def _trigamma_diff(y, x):
    """``trigamma(x + y) - trigamma(x)`` for counts ``y > 0``."""
    out = trigamma(y + x) - trigamma(x)
    big = x > _R_ASYMPTOTIC
    if big.any():
        yb, xb = y[big], x[big]
        z = xb + yb
        # trigamma(x) = 1/x + 1/(2x^2) + 1/(6x^3) - 1/(30x^5) + 1/(42x^7) - ...
        out[big] = (
            -yb / (xb * z)
            + 0.5 * (1.0 / z**2 - 1.0 / xb**2)
            + (1.0 / z**3 - 1.0 / xb**3) / 6.0
            - (1.0 / z**5 - 1.0 / xb**5) / 30.0
            + (1.0 / z**7 - 1.0 / xb**7) / 42.0
        )
    return out


class _NB2:
    """Log-likelihood and derivatives of NB2 in ``(beta, theta = log alpha)`` for many series.

    Unobserved cells have ``y = 0`` and ``off = -inf`` (see :func:`fit_poisson`).
    """

    def __init__(self, y, off, X, gram, _parts=None):
        self.y, self.off, self.X, self.gram = y, off, X, gram
        if _parts is None:
            pairs = _count_pairs(y)
            # sufficient statistics of the terms linear in y
            yX = y @ X
            yoff = np.sum(y * np.where(y > 0, off, 0.0), axis=1)
            ysum = y.sum(axis=1)
            _parts = (pairs, yX, yoff, ysum)
        self.pairs, self.yX, self.yoff, self.ysum = _parts

    def take(self, keep):
        keep = np.asarray(keep)
        if keep.dtype == bool:
            keep = np.flatnonzero(keep)
        renum = np.full(self.y.shape[0], -1)
        renum[keep] = np.arange(keep.size)
        rows, vals, mult = self.pairs
        sel = renum[rows] >= 0
        pairs = (renum[rows[sel]], vals[sel], mult[sel])
        parts = (pairs, self.yX[keep], self.yoff[keep], self.ysum[keep])
        return _NB2(self.y[keep], self.off[keep], self.X, self.gram, parts)

    def _pair_sum(self, diff, r):
        """``sum over positive cells of f(y + r) - f(r)`` per series, ``diff(y, r)`` giving
        the differences for the distinct (series, count) pairs."""
        rows, vals, mult = self.pairs
        return np.bincount(rows, weights=mult * diff(vals, r[rows]), minlength=r.size)

    def loglik(self, beta, theta):
        """Log-likelihood without the constant ``-sum log(y!)``."""
        a = np.exp(theta)
        r = 1.0 / a
        lg = self._pair_sum(_lgamma_diff, r)
        amu = np.exp(beta @ self.X.T + (self.off + theta[:, None]))
        tail = np.sum((self.y + r[:, None]) * np.log1p(amu), axis=1)
        return lg - tail + self.ysum * theta + np.sum(self.yX * beta, axis=1) + self.yoff

    def derivatives(self, beta, theta):
        """Gradient ``(S, p+1)``, observed Hessian ``(S, p+1, p+1)`` and the Fisher weights
        ``mu / (1 + alpha mu)`` (the expected information in beta is ``X' diag(w) X``).
        """
        a = np.exp(theta)
        r = 1.0 / a
        dig = self._pair_sum(_digamma_diff, r)
        tri = self._pair_sum(_trigamma_diff, r)
        amu = np.exp(beta @ self.X.T + (self.off + theta[:, None]))  # alpha * mu
        return nb2_derivatives(self.y, self.X, amu, a, dig, tri, self.gram)


def nb2_derivatives(y, X, amu, a, dig, tri, gram):
    """Gradient ``(S, p+1)``, observed Hessian ``(S, p+1, p+1)`` and Fisher weights
    ``mu / (1 + alpha mu)`` of the NB2 log-likelihood in ``(beta, theta = log alpha)``.

    ``y`` and ``amu`` (alpha times the fitted means) are ``(S, T)``, ``a`` (alpha) is ``(S,)``;
    ``dig`` and ``tri`` are the sums over the counts of ``digamma(y + 1/a) - digamma(1/a)``
    and of the same difference of trigamma; ``gram(w)`` gives ``X' diag(w[s]) X``. The
    expected information in beta is ``gram(weights)``.
    """
    S = y.shape[0]
    p = X.shape[1]
    r = 1.0 / a
    inv1 = 1.0 / (1.0 + amu)
    resid = (y * a[:, None] - amu) * inv1  # alpha (y - mu) / (1 + alpha mu)
    q = resid * inv1
    fisher = amu * inv1  # alpha mu / (1 + alpha mu)
    SL = np.sum(np.log1p(amu), axis=1) - dig
    g_theta = r * SL + resid.sum(axis=1) * r
    g = np.empty((S, p + 1))
    g[:, :p] = (resid @ X) * r[:, None]
    g[:, p] = g_theta
    H = np.empty((S, p + 1, p + 1))
    # d2l/deta2 = -mu (1 + alpha y) / (1 + alpha mu)^2 = -(fisher + q alpha mu) / alpha
    qa = q * amu
    H[:, :p, :p] = -gram((fisher + qa) * r[:, None])
    cross = -(qa @ X) * r[:, None]  # d2l / (d beta d theta)
    H[:, :p, p] = cross
    H[:, p, :p] = cross
    # d2l/dalpha2, then the chain rule to theta = log(alpha)
    d2a = (
        -2.0 * r**3 * SL
        + r**3 * fisher.sum(axis=1)
        + r**4 * tri
        - (q.sum(axis=1) + 2.0 * qa.sum(axis=1)) * r**3
    )
    H[:, p, p] = d2a * a**2 + g_theta
    return g, H, fisher * r[:, None]


def fit_negbin(
    y: np.ndarray,
    off: np.ndarray,
    X: np.ndarray,
    start: np.ndarray,
    *,
    maxiter: int,
    tol: float,
    gram: Gram | None = None,
    ll_tol: float | None = None,
    information: str = "observed",
    full_cov: bool = False,
) -> PanelFit:
    """NB2 fits (mean ``mu``, variance ``mu + alpha mu^2``) by joint Newton on (beta, log alpha).

    ``y``, ``off`` and ``X`` are as in :func:`fit_poisson`; ``start`` holds Poisson
    coefficients (a loose fit will do). A series whose overdispersion score
    ``sum((y - mu)^2 - y)`` at the Poisson fit is not positive has its likelihood maximised at
    ``alpha = 0`` (Cameron and Trivedi's score for overdispersion; the profile likelihood
    decreases from 0): it is reported as the Poisson fit with ``boundary`` True, as is any
    series whose alpha falls below :data:`ALPHA_MIN` while iterating. Otherwise alpha starts
    at the moment estimate (at least 0.05) and each step is Newton's with the observed
    Hessian, or Fisher scoring in beta plus a Newton step in log alpha where that is not an
    ascent direction, with step halving until the log-likelihood does not fall. With
    ``ll_tol`` a series has also converged when a step raises its log-likelihood by less than
    ``ll_tol * (|loglik| + 0.1)`` (as :func:`fit_poisson`'s ``dev_tol``).

    ``information="observed"``: the covariance is the inverse of the negative observed
    Hessian in (beta, alpha) including alpha (as statsmodels' ``NegativeBinomial`` reports
    it), whose beta block does not depend on whether alpha or log alpha is the parameter; it
    is taken at the last iterate but one, which differs from the last by less than ``tol``
    (relative) in every parameter. ``information="expected"``: the inverse of the expected
    information in beta at the fitted alpha, ``X' diag(mu / (1 + alpha mu)) X`` (the
    covariance of R's ``MASS::glm.nb``, which holds alpha fixed). ``full_cov`` adds the
    whole covariance matrix of beta (``cov``) and the variance of alpha from the observed
    information (``alpha_var``), both taken at the end point (or before a last step of less
    than 1e-9, relative).
    """
    S, T = y.shape
    p = X.shape[1]
    gram = Gram(X) if gram is None else gram
    beta = start.copy()
    alpha = np.zeros(S)
    converged = np.zeros(S, dtype=bool)
    failed = np.zeros(S, dtype=bool)
    iterations = np.zeros(S, dtype=int)

    mu = np.exp(start @ X.T + off)
    seen = np.isfinite(off)
    n_obs = seen.sum(axis=1)
    over = np.sum((y - mu) ** 2 - y, axis=1)
    boundary = ~(over > 0)
    safe = np.where(seen, mu, 1.0)
    moment = np.sum(np.where(seen, ((y - mu) ** 2 / safe - 1.0) / safe, 0.0), axis=1)
    moment /= np.maximum(n_obs - p, 1)
    theta = np.log(np.maximum(moment, 0.05))
    theta_min = np.log(ALPHA_MIN)

    hess = np.full((S, p + 1, p + 1), np.nan)
    last_step = np.full(S, np.inf)  # relative size of the step after ``hess``
    act = np.flatnonzero(~boundary)
    model = _NB2(y[act], off[act], X, gram)
    first = (act, model)
    b, th = beta[act], theta[act]
    ll = model.loglik(b, th)
    for it in range(1, maxiter + 1):
        if act.size == 0:
            break
        g, H, fisher = model.derivatives(b, th)
        d, ok = gram.solve(-H, g)
        ascent = ok & (np.sum(d * g, axis=1) > 0)
        if not ascent.all():
            # Fisher scoring in beta and a Newton (or unit) step in log alpha: an ascent
            # direction wherever the full Newton step is not
            idx = np.flatnonzero(~ascent)
            db, okb = gram.solve(gram(fisher[idx]), g[idx, :p])
            hth, gth = H[idx, p, p], g[idx, p]
            dth = np.where(hth < 0, -gth / np.where(hth < 0, hth, 1.0), np.sign(gth))
            d[idx, :p] = np.where(okb[:, None], db, 0.0)
            d[idx, p] = dth
        # keep one step within a factor e^3 in alpha and e^5 in the mean
        scale = np.minimum(
            1.0,
            np.minimum(
                3.0 / np.maximum(np.abs(d[:, p]), 1e-300),
                5.0 / np.maximum(np.max(np.abs(d[:, :p]), axis=1), 1e-300),
            ),
        )
        d *= scale[:, None]
        step = np.ones(act.size)
        new_ll = model.loglik(b + d[:, :p], th + d[:, p])
        slack = 1e-12 * (np.abs(ll) + 1.0)
        bad = ~(new_ll >= ll - slack)
        for _ in range(_MAX_HALVINGS):
            if not bad.any():
                break
            idx = np.flatnonzero(bad)
            step[idx] *= 0.5
            s = step[idx, None]
            trial = model.take(idx).loglik(b[idx] + s * d[idx, :p], th[idx] + s[:, 0] * d[idx, p])
            new_ll[idx] = trial
            bad[idx] = ~(trial >= ll[idx] - slack[idx])
        stuck = bad  # no acceptable step: converged to the precision of the likelihood
        step[stuck] = 0.0
        dd = step[:, None] * d
        nb = b + dd[:, :p]
        nth = th + dd[:, p]
        change = np.maximum(_rel_change(nb, b), np.abs(dd[:, p]))
        done = (change < tol) | stuck
        if ll_tol is not None:
            done |= np.abs(new_ll - ll) < ll_tol * (np.abs(new_ll) + 0.1)
        low = nth < theta_min
        b, th = nb, nth
        ll = np.where(stuck, ll, new_ll)
        iterations[act] = it
        fin = np.isfinite(ll) & np.all(np.isfinite(b), axis=1)
        failed[act[~fin]] = True
        boundary[act[low & fin]] = True
        finished = done & fin & ~low
        beta[act[finished]] = b[finished]
        theta[act[finished]] = th[finished]
        converged[act[finished]] = True
        # the Hessian before the last step, which moved no parameter by more than ``tol``
        hess[act[finished]] = H[finished]
        last_step[act[finished]] = change[finished]
        keep = ~(finished | low | ~fin)
        if not keep.all():
            act = act[keep]
            model = model.take(keep)
            b, th, ll = b[keep], th[keep], ll[keep]
    if act.size:
        beta[act] = b
        theta[act] = th

    var = np.full((S, p), np.nan)
    cov = np.full((S, p, p), np.nan) if full_cov else None
    alpha_var = np.full(S, np.nan) if full_cov else None
    inner = ~boundary & ~failed
    if inner.any():
        idx = np.flatnonzero(inner)
        alpha[idx] = np.exp(theta[idx])
        if full_cov:
            # the observed information at the end point itself where the last step (with
            # ``ll_tol`` it may exceed ``tol``) could have moved it by more than 1e-9
            redo = idx[~(last_step[idx] < _HESS_STEP)]
            if redo.size:
                act0, model0 = first
                if not np.array_equal(redo, act0):
                    model0 = _NB2(y[redo], off[redo], X, gram)
                _, H, _ = model0.derivatives(beta[redo], theta[redo])
                hess[redo] = H
        if information == "expected":
            mu = np.exp(beta[idx] @ X.T + off[idx])
            w = mu / (1.0 + alpha[idx, None] * mu)
            c, ok = gram.inverse(gram(w))
            var[idx] = np.diagonal(c, axis1=1, axis2=2)
            if full_cov:
                cov[idx] = c
                full, ok_obs = gram.inverse(-hess[idx])
                alpha_var[idx] = np.where(ok_obs, full[:, p, p], np.nan) * alpha[idx] ** 2
        else:
            if full_cov:
                full, ok = gram.inverse(-hess[idx])
                v = np.diagonal(full, axis1=1, axis2=2)
            else:
                v, ok = gram.inverse_diagonal(-hess[idx])
                full = None
            if not ok.all():
                # not converged, or the last step was not Newton's: the Hessian at the end point
                redo = idx[~ok]
                _, H, _ = _NB2(y[redo], off[redo], X, gram).derivatives(beta[redo], theta[redo])
                if full_cov:
                    full[~ok], ok[~ok] = gram.inverse(-H)
                    v = np.diagonal(full, axis1=1, axis2=2)
                else:
                    v[~ok], ok[~ok] = gram.inverse_diagonal(-H)
            var[idx] = v[:, :p]
            if full_cov:
                cov[idx] = full[:, :p, :p]
                alpha_var[idx] = full[:, p, p] * alpha[idx] ** 2
        failed[idx[~ok]] = True
    if boundary.any():
        # alpha = 0: the Poisson fit is the maximum; its covariance is the Poisson one
        # (refitted to full precision: ``start`` may come from a loosely converged fit)
        idx = np.flatnonzero(boundary & ~failed)
        pois = fit_poisson(
            y[idx],
            off[idx],
            X,
            maxiter=maxiter,
            tol=tol,
            gram=gram,
            dev_tol=ll_tol,
            full_cov=full_cov,
        )
        beta[idx], var[idx] = pois.beta, pois.var
        if full_cov:
            cov[idx] = pois.cov
            alpha_var[idx] = np.nan
        converged[idx] = pois.converged
        failed[idx] |= pois.failed
        alpha[idx] = 0.0
        iterations[idx] += pois.iterations
    converged &= ~failed
    return PanelFit(
        beta,
        var,
        converged,
        iterations,
        failed,
        alpha=alpha,
        boundary=boundary,
        cov=cov,
        alpha_var=alpha_var,
    )
