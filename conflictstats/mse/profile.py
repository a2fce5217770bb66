"""Profile-likelihood intervals of the total N for many log-linear models in one batch.

For a fixed total N the multinomial log-likelihood is maximised over a model's parameters by
fitting the model to the complete table with N - n in the unobserved cell (Cormack 1992); the
maximiser of that profile over N is the conditional (multinomial) maximum-likelihood
estimate, and the interval is where the profile lies within chi2_1 / 2 of its maximum.

The fast path (:func:`_joint_intervals`) never fits the model at a fixed N to convergence:
it takes Newton steps in N (on log(N - n)) and the parameters b together. The unobserved
cell's design row is the intercept alone, so the joint log-likelihood G(N, b) has closed-form
derivatives in N (digamma and trigamma terms) and a cross derivative e_0; maximising its
second-order model over b gives the profile's local quadratic in N, whose root at the target
(or vertex, for the maximum) is the next N, and the matching Newton step in b (Venzon and
Moolgavkar 1988). All models, and both ends of each, are rows of one batched pass: designs
padded to a common number of cells and parameters (padded cells have mean 0, padded
parameters a unit Hessian diagonal and never move). Brackets, a trust region on the step in
b and a bracketed search for rows that fail (:func:`_bracketed_intervals`) keep it safe.
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


def _bracketed_intervals(jobs: list[ProfileJob], n: float, confidence: float):
    """The safe path of :func:`profile_intervals`: (nhat, low, high) arrays.

    Per model: N = n and 9 points in log(N - n) around the estimate (grown upwards while the
    upper end lies beyond it) brackets the maximum and the two ends; the maximum is the root of
    the derivative (regula falsi, Illinois variant) and each end is found by Newton's method on
    the profile log-likelihood, kept inside its bracket, to 1e-10 relative. Every step is one
    batched pass over all models, each fit warm-started from the model's last one.
    """
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
    nhat = grid[idx, k].copy()

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
        nhat[active] = x
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
    return nhat, low, high


def profile_intervals(
    jobs: list[ProfileJob], n: float, confidence: float
) -> list[tuple[float, float, float]]:
    """Multinomial MLE and profile-likelihood interval {N : 2[l(N^) - l(N)] <= chi2_1} of N
    for every job, as (nhat, low, high).

    l is Cormack's (1992) profile multinomial log-likelihood; its maximiser nhat is the
    conditional (multinomial) maximum-likelihood estimate of N (continuous in N, as Rcapture's
    closedpCI). All models and both ends are solved together by joint Newton steps in
    (log(N - n), b) on the complete table, from the Poisson fit (see :class:`_Joint`); a
    model whose joint iteration fails is redone by the bracketed search
    (:func:`_bracketed_intervals`: a grid, regula falsi for the maximum, Newton kept inside
    brackets for the ends).
    """
    if not jobs:
        return []
    with np.errstate(all="ignore"):
        nhat, low, high, ok = _joint_intervals(jobs, n, confidence)
    redo = np.flatnonzero(~ok)
    if len(redo):
        with np.errstate(all="ignore"):
            r_nhat, r_low, r_high = _bracketed_intervals([jobs[i] for i in redo], n, confidence)
        nhat[redo], low[redo], high[redo] = r_nhat, r_low, r_high
    return list(zip(nhat.tolist(), low.tolist(), high.tolist(), strict=True))


# -- joint Newton: the profile maximum and both ends as one system in (N, beta) -------------
class _Joint:
    """Per-row evaluation of the joint log-likelihood G(N, beta) on the complete table.

    G(N, b) = lgamma(N+1) - lgamma(N-n+1) - N log N + sum_c y_c eta_c - sum_c mu_c + N, with
    y_0 = N - n in the unobserved cell (design row e_0). Maximised over b it is the profile
    multinomial log-likelihood (Cormack 1992). Its gradient in b is X'(y - mu), its Hessian
    -X'WX = -A; dG/dN = psi(N+1) - psi(N-n+1) - log N + b_0, d2G/dN2 = psi'(N+1) -
    psi'(N-n+1) - 1/N and d2G/dN db = e_0. Maximising the second-order model over b gives the
    profile's local quadratic model in N: value G + g'A^-1 g / 2, slope dG/dN + (A^-1 g)_0 and
    curvature d2G/dN2 + (A^-1)_00; the Newton step in b that goes with a step dN is
    A^-1 (g + e_0 dN).
    """

    def __init__(self, batch: _Batch):
        self.b = batch
        self.free = np.abs(batch.X).sum(axis=1) > 0
        self.ridge = np.where(self.free, 1e-10, 1.0)
        # padded cells: log-mean offset -inf (their mean is 0; their X rows and counts are 0)
        self.off = np.where(batch.mask, 0.0, -np.inf)
        self.diag = np.arange(batch.X.shape[2])

    def eval(self, job, N, beta):
        """Profile model at (N, beta) rows; beta's intercept is first set so that the fitted
        total equals N (the intercept's own maximum, in closed form). Call under
        ``np.errstate(all="ignore")``."""
        b = self.b
        X = b.X[job]
        eta = np.einsum("bcp,bp->bc", X, beta)
        eta_m = eta + self.off[job]
        top = eta_m.max(axis=1)
        shift = np.log(N) - top - np.log(np.exp(eta_m - top[:, None]).sum(axis=1))
        beta = beta.copy()
        beta[:, 0] += shift
        eta += shift[:, None]
        mu = np.exp(eta_m + shift[:, None])
        Y = b.Y[job]
        f = N - b.n
        Y[:, 0] = f
        g = np.einsum("bc,bcp->bp", Y - mu, X)
        A = np.matmul(X.transpose(0, 2, 1) * mu[:, None, :], X)
        A[:, self.diag, self.diag] += self.ridge[job]
        rhs = np.zeros((len(N), A.shape[1], 2))
        rhs[:, :, 0] = g
        rhs[:, 0, 1] = 1.0
        sol = _solve_rows(A, rhs)
        v, w = sol[:, :, 0], sol[:, :, 1]
        # the terms -sum(mu) + N cancel: the intercept's shift made sum(mu) = N
        G = (
            special.gammaln(N + 1)
            - special.gammaln(f + 1)
            - N * np.log(N)
            + np.einsum("bc,bc->b", Y, eta)
        )
        dG = special.digamma(N + 1) - special.digamma(f + 1) - np.log(N) + beta[:, 0]
        d2G = special.zeta(2, N + 1) - special.zeta(2, f + 1) - 1.0 / N
        gap = 0.5 * np.einsum("bp,bp->b", g, v)
        return G + gap, dG + v[:, 0], d2G + w[:, 0], gap, beta, v, w


def _damped(joint: _Joint, job: np.ndarray, step: np.ndarray, limit: float = 3.0) -> np.ndarray:
    """The Newton step in b, shrunk where it would change a cell's log mean by more than
    ``limit`` (a trust region that keeps exp() finite far from the solution)."""
    d_eta = np.abs(np.einsum("bcp,bp->bc", joint.b.X[job], step)).max(axis=1)
    scale = np.where(d_eta > limit, limit / d_eta, 1.0)
    return step * scale[:, None]


def _solve_rows(A: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve A[i] x = rhs[i] for every row; a row whose A is numerically singular (a cell
    whose mean has vanished) gets the minimum-norm least-squares solution instead of failing
    the batch."""
    try:
        return np.linalg.solve(A, rhs)
    except np.linalg.LinAlgError:
        pass
    with np.errstate(all="ignore"):
        sign, _ = np.linalg.slogdet(np.where(np.isfinite(A), A, 0.0))
    bad = ~(sign > 0)
    A = A.copy()
    sub = np.where(np.isfinite(A[bad]), A[bad], 0.0)
    A[bad] = np.eye(A.shape[1])
    with np.errstate(all="ignore"):
        sol = np.linalg.solve(A, rhs)
        sol[bad] = np.linalg.pinv(sub, rcond=1e-12, hermitian=True) @ rhs[bad]
    return sol


def _quadratic_root(c0, c1, c2, upper):
    """The root of c0 + c1 d + c2 d^2 / 2 on the chosen side of the vertex (c2 < 0): the
    larger root when ``upper``; nan when there is none."""
    disc = c1 * c1 - 2 * c2 * c0
    sq = np.sqrt(disc)
    # stable forms of (-c1 -/+ sq) / c2
    big = np.where(c1 >= 0, -c1 - sq, -c1 + sq)
    r1, r2 = big / c2, 2 * c0 / big
    out = np.where(upper, np.maximum(r1, r2), np.minimum(r1, r2))
    lin = -c0 / c1  # a straight line where the curvature vanishes or the roots are lost
    return np.where((disc >= 0) & (c2 < 0), out, lin)


def _joint_intervals(jobs: list[ProfileJob], n: float, confidence: float, max_iter: int = 60):
    """Multinomial MLE and profile ends of every job by joint Newton steps in (log(N - n), b).

    Returns arrays (nhat, low, high, ok); rows with ok False did not converge here. Call under
    ``np.errstate(all="ignore")``."""
    batch = _Batch(jobs, n)
    joint = _Joint(batch)
    q = special.chdtri(1, 1 - confidence)  # the chi-square(1) quantile
    M = len(jobs)
    tiny = 1e-9 * max(n, 1.0)
    f0 = np.array([max(j.f0, 1e-6) for j in jobs])
    spread = np.clip([j.se_log for j in jobs], 0.05, 3.0)
    u_cap = np.log(f0) + 4 * spread + 12.0  # beyond this the upper end is declared infinite

    # 1. the maximum: Newton on the profile in u = log(N - n), b stepped jointly
    N = n + f0
    beta = batch.beta.copy()
    nhat, lmax = np.full(M, np.nan), np.full(M, np.nan)
    curv_at = np.full(M, np.nan)
    w_at = np.zeros_like(beta)
    active = np.arange(M)
    for _ in range(max_iter):
        if len(active) == 0:
            break
        val, s1, s2, gap, b, v, w = joint.eval(active, N[active], beta[active])
        f = N[active] - n
        su, cu = s1 * f, s2 * f * f + s1 * f
        du = np.where(cu < 0, -su / cu, np.sign(su))
        du = np.clip(np.where(np.isfinite(du), du, 0.0), -2.0, 2.0)
        N_new = n + f * np.exp(du)
        # Newton converges quadratically: a step below 1e-6 leaves an error near 1e-12, so
        # the step is taken and the model's maximum is the profile's
        done = (np.abs(du) * f <= 1e-6 * N[active]) & (gap <= 1e-8)
        bad = ~np.isfinite(val) | (N_new - n < tiny)
        lmax[active], nhat[active], curv_at[active] = val + 0.5 * su * du, N_new, cu
        w_at[active] = w
        beta[active] = b + _damped(joint, active, v + w * (N_new - N[active])[:, None])
        N[active] = N_new
        stop = done | bad
        nhat[active[bad]] = np.nan
        active = active[~stop]
    ok = np.isfinite(nhat) & (curv_at < 0)
    ok[active] = False
    target = lmax - q / 2

    # 2. both ends at once, from the quadratic approximation at the maximum
    which = np.concatenate([np.arange(M), np.arange(M)])[np.concatenate([ok, ok])]
    upper = np.concatenate([np.zeros(M, bool), np.ones(M, bool)])[np.concatenate([ok, ok])]
    R = len(which)
    fhat = nhat[which] - n
    d0 = np.sqrt(q / -curv_at[which])
    uN = np.log(fhat) + np.where(upper, d0, -d0)
    uN = np.minimum(uN, u_cap[which])
    Nr = n + np.exp(uN)
    beta_r = beta[which] + w_at[which] * (Nr - nhat[which])[:, None]
    # the bracket: the end lies between N_in (profile above the target) and N_out (below);
    # N_out = n (low) or inf (high) while unknown
    N_in = nhat[which].copy()
    N_out = np.where(upper, math.inf, float(n))
    out_known = np.zeros(R, bool)
    result = np.full(R, np.nan)
    active = np.arange(R)
    at_n = np.zeros(R, bool)
    beta_hat = beta[which].copy()
    for _ in range(max_iter):
        if len(active) == 0:
            break
        Na = Nr[active]
        val, s1, s2, gap, b, v, w = joint.eval(which[active], Na, beta_r[active])
        t = target[which[active]]
        up = upper[active]
        g0 = val - t
        finite = np.isfinite(val + s1 + s2)  # val holds g'v: nan when any of v is
        # bracket updates (the value is trusted once b is nearly profiled)
        trusted = finite & (gap < 1e-3)
        inside = trusted & (g0 >= 0)
        outside = trusted & (g0 < 0)
        N_in[active] = np.where(inside, Na, N_in[active])
        N_out[active] = np.where(outside, Na, N_out[active])
        out_known[active] |= outside
        f = Na - n
        su, cu = s1 * f, s2 * f * f + s1 * f
        du = _quadratic_root(g0, su, cu, up)
        clipped = ~(np.abs(du) <= 1.0)  # nan too
        N_q = n + f * np.exp(np.clip(du, -1.0, 1.0))
        lo_b = np.minimum(N_in[active], N_out[active])
        hi_b = np.maximum(N_in[active], N_out[active])
        fine = finite & np.isfinite(N_q) & (N_q >= lo_b) & (N_q <= hi_b) & (N_q > n) & (f > 0)
        # as for the maximum: a full step below 1e-6 relative leaves an error near 1e-12
        converged = fine & ~clipped & (np.abs(N_q - Na) <= 1e-6 * Na) & (gap <= 1e-8)
        res = np.where(converged, N_q, np.nan)
        # a lower end at n: the profile at N = n itself is above the target
        res = np.where(at_n[active] & inside & ~up, float(n), res)
        # an upper end beyond the cap: infinite
        cap = n + np.exp(u_cap[which[active]])
        res = np.where(up & inside & (Na >= cap * (1 - 1e-12)), math.inf, res)
        # safeguard: bisect the bracket, in log(N - n) while both ends are above n, and
        # outwards by e^2 while an upper end's outer bound is unknown
        f_in, f_out = N_in[active] - n, N_out[active] - n
        geo = n + np.sqrt(f_in * f_out)
        half = np.where(f_out > 0, geo, 0.5 * (N_in[active] + N_out[active]))
        half = np.where(up & ~out_known[active], n + f_in * math.e**2, half)
        N_new = np.where(fine, N_q, half)
        # far from the profile (b is not near its maximum at this N): a step in b alone
        N_new = np.where(finite & (gap > 0.1), Na, N_new)
        # a lower end heading for n (a long step down, or below n): try n itself
        near_n = (
            ~up
            & ~out_known[active]
            & ~at_n[active]
            & finite
            & (gap <= 0.1)
            & ((N_new - n < tiny) | (clipped & (du < 0)))
        )
        N_new = np.where(near_n, float(n), N_new)
        at_n[active] = near_n
        # an upper end heading for infinity: try the cap itself
        far = up & ~out_known[active] & finite & (gap <= 0.1) & clipped & (du > 0)
        N_new = np.where(far & (n + f_in * math.e**2 >= cap), cap, N_new)
        N_new = np.where(up, np.minimum(N_new, cap), N_new)
        stop = ~np.isnan(res)
        result[active] = np.where(stop, res, result[active])
        step = _damped(joint, which[active], v + w * (N_new - Na)[:, None])
        beta_r[active] = np.where(finite[:, None], b + step, beta_hat[active])
        Nr[active] = N_new
        active = active[~stop]
    low, high = np.full(M, np.nan), np.full(M, np.nan)
    low[which[~upper]] = result[~upper]
    high[which[upper]] = result[upper]
    ok &= ~np.isnan(low) & ~np.isnan(high)
    return nhat, low, high, ok
