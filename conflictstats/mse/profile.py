"""Profile-likelihood intervals of the total N for many log-linear models in one batch.

For a fixed total N the multinomial log-likelihood is maximised over a model's parameters by
fitting the model to the complete table with N - n in the unobserved cell (Cormack 1992).
Every such fit, for every model and every trial N, is one row of a single batched Newton
iteration: the designs are padded to a common number of cells and parameters (padded cells
are masked out, padded parameters get a unit Hessian diagonal and never move), so the cost of
an interval is a handful of batched passes over all models instead of a Python loop of small
fits per model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

#: Rows (model x trial N) of one batched Newton pass; bounds memory at ~30 MB per pass.
_ROWS = 4096


@dataclass
class ProfileJob:
    """One model's profile problem: complete-table design (row 0 = the unobserved cell), the
    observed counts of its other rows, its MLE and the estimated unobserved count."""

    X: np.ndarray
    y_obs: np.ndarray
    beta: np.ndarray
    f0: float
    se_log: float


def _batched_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``A[i] x = b[i]`` for every i; a numerically singular system (a cell whose mean
    has vanished at a boundary) gets its minimum-norm least-squares step instead."""
    try:
        with np.errstate(all="ignore"):
            x = np.linalg.solve(A, b[..., None])[..., 0]
        if np.all(np.isfinite(x)):
            return x
    except np.linalg.LinAlgError:
        pass
    A = np.where(np.isfinite(A), A, 0.0)
    with np.errstate(all="ignore"):
        x = (np.linalg.pinv(A, rcond=1e-12, hermitian=True) @ b[..., None])[..., 0]
    return np.where(np.isfinite(x), x, 0.0)


def _newton(X, Y, mask, beta, max_iter=100):
    """Poisson ML fits of rows of Y on their own designs X[b] (B, C, P), cells masked."""
    P = X.shape[2]
    free = np.abs(X).sum(axis=1) > 0  # (B, P): padded parameters have all-zero columns
    ridge = np.where(free, 1e-10, 1.0)

    def loglik(b, rows):
        eta = np.einsum("bcp,bp->bc", X[rows], b)
        with np.errstate(over="ignore", invalid="ignore"):
            val = np.where(mask[rows], Y[rows] * eta - np.exp(eta), 0.0).sum(axis=1)
        return np.where(np.isfinite(val), val, -np.inf)

    every = np.arange(len(Y))
    ll = loglik(beta, every)
    active = every
    for _ in range(max_iter):
        if len(active) == 0:
            break
        Xa, b = X[active], beta[active]
        with np.errstate(over="ignore"):
            mu = np.where(mask[active], np.exp(np.einsum("bcp,bp->bc", Xa, b)), 0.0)
        grad = np.einsum("bc,bcp->bp", Y[active] - mu, Xa)
        hess = np.matmul(Xa.transpose(0, 2, 1) * mu[:, None, :], Xa)
        hess[:, np.arange(P), np.arange(P)] += ridge[active]
        step = _batched_solve(hess, grad)
        new = b + step
        ll_old = ll[active]
        ll_new = loglik(new, active)
        for _h in range(30):
            worse = ll_new < ll_old - 1e-12 * np.abs(ll_old)
            if not worse.any():
                break
            step[worse] /= 2
            new[worse] = b[worse] + step[worse]
            ll_new[worse] = loglik(new[worse], active[worse])
        done = np.abs(ll_new - ll_old) <= 1e-13 * np.maximum(np.abs(ll_old), 1.0)
        beta[active] = new
        ll[active] = ll_new
        active = active[~done]
    converged = np.ones(len(Y), dtype=bool)
    converged[active] = False
    with np.errstate(over="ignore"):
        mu = np.where(mask, np.exp(np.einsum("bcp,bp->bc", X, beta)), 0.0)
    return mu, beta, converged


def poisson_fits(problems: list[tuple[np.ndarray, np.ndarray]]) -> list[dict[str, Any]]:
    """Poisson GLMs (log link) of y on X for many (X, y), in one batched Newton pass.

    Each result has ``beta``, ``llf`` (with the log y! terms, as R's logLik), ``deviance``,
    ``cov`` (the inverse Fisher information, the coefficients' covariance as R's ``vcov``;
    nan when the information is singular), ``cov00`` (its intercept entry) and ``converged``.
    """
    if not problems:
        return []
    M = len(problems)
    C = max(X.shape[0] for X, _ in problems)
    P = max(X.shape[1] for X, _ in problems)
    Xp, Yp = np.zeros((M, C, P)), np.zeros((M, C))
    mask, beta0 = np.zeros((M, C), dtype=bool), np.zeros((M, P))
    for i, (X, y) in enumerate(problems):
        Xp[i, : X.shape[0], : X.shape[1]] = X
        Yp[i, : len(y)] = y
        mask[i, : len(y)] = True
        beta0[i, 0] = math.log(max(float(np.mean(y)), 1e-8))
    out = []
    for start in range(0, M, _ROWS // 4):
        sl = slice(start, start + _ROWS // 4)
        mu, beta, conv = _newton(Xp[sl], Yp[sl], mask[sl], beta0[sl])
        for j in range(mu.shape[0]):
            X, y = problems[start + j]
            m, b = mu[j, : len(y)], beta[j, : X.shape[1]]
            with np.errstate(divide="ignore", invalid="ignore"):
                llf = float(
                    np.sum(np.where(y > 0, y * np.log(m), 0.0) - m - special.gammaln(y + 1))
                )
                dev = float(2 * np.sum(np.where(y > 0, y * np.log(y / m), 0.0) - (y - m)))
            try:
                cov = np.linalg.inv((X.T * m) @ X)
            except np.linalg.LinAlgError:
                cov = np.full((X.shape[1], X.shape[1]), math.nan)
            cov00 = float(cov[0, 0])
            out.append(
                {
                    "beta": b,
                    "llf": llf,
                    "deviance": max(dev, 0.0),
                    "cov00": cov00,
                    "cov": cov,
                    "converged": bool(conv[j]) and bool(np.all(np.isfinite(b))),
                }
            )
    return out


class _Batch:
    """The padded designs of all jobs, and the profile log-likelihood of any (job, N) pairs."""

    def __init__(self, jobs: list[ProfileJob], n: float):
        self.n = n
        C = max(j.X.shape[0] for j in jobs)
        P = max(j.X.shape[1] for j in jobs)
        M = len(jobs)
        self.X = np.zeros((M, C, P))
        self.Y = np.zeros((M, C))
        self.mask = np.zeros((M, C), dtype=bool)
        self.beta = np.zeros((M, P))
        for i, j in enumerate(jobs):
            c, p = j.X.shape
            self.X[i, :c, :p] = j.X
            self.Y[i, 1:c] = j.y_obs
            self.mask[i, :c] = True
            self.beta[i, :p] = j.beta

    def eval(self, job: np.ndarray, N: np.ndarray, start: np.ndarray | None = None):
        """Profile log-likelihood at N[r] for model job[r] (Cormack 1992), its derivative in N
        and the fitted parameters, all rows at once; Newton starts from ``start`` rows (the
        model's MLE when None).

        By the envelope theorem the derivative is ψ(N+1) - ψ(N-n+1) - log N + log μ₀(N), μ₀
        the fitted unobserved cell (the fit's own score vanishes).
        """
        ll, dl = np.empty(len(N)), np.empty(len(N))
        beta = self.beta[job].copy() if start is None else np.array(start, dtype=float)
        for lo in range(0, len(N), _ROWS):
            sl = slice(lo, lo + _ROWS)
            jb, Nb = job[sl], N[sl]
            Y = self.Y[jb].copy()
            Y[:, 0] = Nb - self.n
            mu, beta[sl], _ = _newton(self.X[jb], Y, self.mask[jb], beta[sl])
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(Y > 0, Y * np.log(np.maximum(mu, 1e-300)), 0.0).sum(axis=1)
                ll[sl] = (
                    special.gammaln(Nb + 1)
                    - special.gammaln(Nb - self.n + 1)
                    - Nb * np.log(Nb)
                    + terms
                )
                dl[sl] = (
                    special.digamma(Nb + 1)
                    - special.digamma(Nb - self.n + 1)
                    - np.log(Nb)
                    + np.log(np.maximum(mu[:, 0], 1e-300))
                )
        return ll, dl, beta


def _illinois_step(a, b, fa, fb):
    with np.errstate(divide="ignore", invalid="ignore"):
        x = b - fb * (b - a) / (fb - fa)
    bad = ~np.isfinite(x) | (x <= np.minimum(a, b)) | (x >= np.maximum(a, b))
    return np.where(bad, 0.5 * (a + b), x)


def profile_intervals(
    jobs: list[ProfileJob], n: float, confidence: float
) -> list[tuple[float, float]]:
    """Profile-likelihood intervals {N : 2[l(N^) - l(N)] <= chi2_1} for every job.

    Per model: N = n and 9 points in log(N - n) around the estimate (grown upwards while the
    upper end lies beyond it) brackets the maximum and the two ends; the maximum is the root of
    the derivative (regula falsi, Illinois variant) and each end is found by Newton's method on
    the profile log-likelihood, kept inside its bracket, to 1e-10 relative. Every step is one
    batched pass over all models, each fit warm-started from the model's last one.
    """
    if not jobs:
        return []
    batch = _Batch(jobs, n)
    q = stats.chi2.ppf(confidence, 1)
    M = len(jobs)
    f0 = np.array([max(j.f0, 1e-3) for j in jobs])
    spread = np.clip([j.se_log for j in jobs], 0.05, 3.0)
    t = np.linspace(-4, 4, 9)
    grid = np.concatenate(
        [np.full((M, 1), float(n)), n + f0[:, None] * np.exp(spread[:, None] * t)], 1
    )
    rows = np.repeat(np.arange(M), grid.shape[1])
    ll, dl, B = batch.eval(rows, grid.ravel())
    G = grid.shape[1]
    ll, dl, B = ll.reshape(M, G), dl.reshape(M, G), B.reshape(M, G, -1)
    for _grow in range(6):  # the upper end lies beyond the grid: extend it
        need = np.flatnonzero(ll[:, -1] > ll.max(axis=1) - q / 2)
        if len(need) == 0:
            break
        ext = np.full((M, 16), np.nan)
        ext[need] = n + (grid[need, -1:] - n) * np.exp(np.linspace(0, 2.0, 17)[1:])
        e_ll, e_dl = np.full((M, 16), -np.inf), np.full((M, 16), np.nan)
        e_B = np.repeat(B[:, -1:, :], 16, axis=1)
        r = np.repeat(need, 16)
        v_ll, v_dl, v_B = batch.eval(r, ext[need].ravel(), np.repeat(B[need, -1, :], 16, axis=0))
        e_ll[need], e_dl[need] = v_ll.reshape(-1, 16), v_dl.reshape(-1, 16)
        e_B[need] = v_B.reshape(len(need), 16, -1)
        # models that needed no growth repeat their last point (never below the target)
        keep = np.setdiff1d(np.arange(M), need)
        ext[keep], e_ll[keep], e_dl[keep] = grid[keep, -1:], ll[keep, -1:], dl[keep, -1:]
        grid, ll, dl = np.hstack([grid, ext]), np.hstack([ll, e_ll]), np.hstack([dl, e_dl])
        B = np.concatenate([B, e_B], axis=1)
    G = grid.shape[1]
    idx = np.arange(M)
    k = np.argmax(ll, axis=1)
    ll_max = ll[idx, k].copy()

    # the maximum: a root of the derivative next to the grid's best point
    right = (dl[idx, k] > 0) & (k < G - 1)
    left = (dl[idx, k] < 0) & (k > 0)
    a_i = np.where(right, k, k - 1)
    active = np.flatnonzero(right | left)
    a, b = grid[active, a_i[active]], grid[active, a_i[active] + 1]
    fa, fb = dl[active, a_i[active]], dl[active, a_i[active] + 1]
    ok = (fa > 0) & (fb < 0) & np.isfinite(fa) & np.isfinite(fb)
    active, a, b, fa, fb = active[ok], a[ok], b[ok], fa[ok], fb[ok]
    start = B[active, k[active]]
    side = np.zeros(len(active))
    for _ in range(40):
        if len(active) == 0:
            break
        x = _illinois_step(a, b, fa, fb)
        v, d, start = batch.eval(active, x, start)
        ll_max[active] = np.maximum(ll_max[active], v)
        pos = d > 0
        # Illinois: halve the kept end's value when the same end is kept twice
        fb = np.where(pos & (side == 1), fb / 2, fb)
        fa = np.where(~pos & (side == -1), fa / 2, fa)
        a, fa = np.where(pos, x, a), np.where(pos, d, fa)
        b, fb = np.where(pos, b, x), np.where(pos, fb, d)
        side = np.where(pos, 1, -1)
        live = (np.abs(b - a) > 1e-11 * b) & (d != 0)
        active, a, b, fa, fb, start, side = (
            active[live],
            a[live],
            b[live],
            fa[live],
            fb[live],
            start[live],
            side[live],
        )
    target = ll_max - q / 2

    # the ends: bracket on the grid, then Newton kept inside the bracket
    low = np.full(M, float(n))
    high = np.full(M, math.inf)
    below = ll - target[:, None] < 0
    cols = np.arange(G)
    left_any = (below & (cols[None, :] <= k[:, None])).any(axis=1)
    li = np.where(left_any, np.max(np.where(below & (cols <= k[:, None]), cols, -1), axis=1), 0)
    right_any = (below & (cols[None, :] >= k[:, None])).any(axis=1)
    ri = np.where(right_any, np.min(np.where(below & (cols >= k[:, None]), cols, G), axis=1), 1)
    ends = [(m, li[m], li[m] + 1) for m in np.flatnonzero(left_any)]
    ends += [(m, ri[m] - 1, ri[m]) for m in np.flatnonzero(right_any)]
    which = np.array([e[0] for e in ends], dtype=int)
    is_low = np.arange(len(ends)) < int(left_any.sum())
    if len(ends):
        ia = np.array([e[1] for e in ends])
        ib = np.array([e[2] for e in ends])
        a, b = grid[which, ia], grid[which, ib]
        ga, gb = ll[which, ia] - target[which], ll[which, ib] - target[which]
        x = _illinois_step(a, b, ga, gb)
        start = np.where((np.abs(x - a) < np.abs(x - b))[:, None], B[which, ia], B[which, ib])
        active = np.arange(len(ends))
        result = x.copy()
        for _ in range(40):
            if len(active) == 0:
                break
            v, d, start = batch.eval(which[active], x, start)
            g = v - target[which[active]]
            # keep the bracket: the end with g of the same sign moves to x
            same_a = np.sign(g) == np.sign(ga[active])
            a[active] = np.where(same_a, x, a[active])
            ga[active] = np.where(same_a, g, ga[active])
            b[active] = np.where(same_a, b[active], x)
            gb[active] = np.where(same_a, gb[active], g)
            with np.errstate(divide="ignore", invalid="ignore"):
                newton = x - g / d
            aa, bb = a[active], b[active]
            inside = (
                np.isfinite(newton) & (newton > np.minimum(aa, bb)) & (newton < np.maximum(aa, bb))
            )
            nxt = np.where(inside, newton, _illinois_step(aa, bb, ga[active], gb[active]))
            result[active] = x
            live = (np.abs(nxt - x) > 1e-10 * x) & (g != 0)
            result[active[~live]] = np.where(g[~live] == 0, x[~live], nxt[~live])
            active, x, start = active[live], nxt[live], start[live]
        low[which[is_low]] = result[is_low]
        high[which[~is_low]] = result[~is_low]
    return list(zip(low.tolist(), high.tolist(), strict=True))
