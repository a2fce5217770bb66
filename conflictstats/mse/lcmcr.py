"""Latent-class capture-recapture: the Dirichlet-process mixture of Manrique-Vallier (2016).

People differ in how likely each list is to record them, and the differences are shared
across lists (a death in a remote village is missed by every list). The model lets the
population consist of up to ``K`` latent classes, within each of which the lists record people
independently; the class weights have a stick-breaking (truncated Dirichlet-process) prior,
so the data decide how many classes are in use. A Gibbs sampler draws the class allocations,
the capture probabilities, the weights, the concentration ``alpha`` and the number missed.

The sampler works on the table of capture patterns: the people with one pattern are
allocated to the classes by one multinomial draw, so the cost of an iteration depends on the
number of patterns and classes, not on the number of people. Several chains advance together,
every state array carrying the chains on its first axis.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from .._validation import InputError, as_confidence, as_exposure, as_rng
from ..results import Estimate, aux_field, result
from .diagnostics import ConvergenceWarning, ess_bulk, ess_tail, split_rhat
from .histories import capture_histories

__all__ = ["LatentClassEstimate", "lcmcr"]

#: Chains have mixed when R-hat is at most this (Vehtari et al. 2021).
RHAT_MAX = 1.01
#: ... and when the bulk and tail effective sample sizes reach this many per chain.
ESS_PER_CHAIN = 100
#: The number missed is at most this multiple of the number observed (as in R's LCMCR).
_MISSED_CAP = 20


@result
class LatentClassEstimate(Estimate):
    """Posterior of the population size from the latent-class capture-recapture model.

    ``estimate`` is the posterior median of the total N, ``ci_low``/``ci_high`` the
    equal-tailed credible interval. ``draws`` holds the posterior draws of N (chains
    concatenated, after burn-in and thinning); ``traces`` the per-chain draws of ``N``,
    ``alpha`` and ``classes`` (number of occupied latent classes), each shaped
    ``(chains, draws)``; ``chains`` a table with one row per chain; ``mean`` the posterior
    mean of N. ``rhat``, ``ess`` and
    ``ess_tail`` are the rank-normalised split R-hat and the bulk and tail effective sample
    sizes of the draws of N.
    """

    observed: Any = None
    mean: Any = None
    rhat: Any = None
    ess: Any = None
    ess_tail: Any = None
    draws: Any = aux_field()
    traces: Any = aux_field()
    chains: Any = aux_field()
    settings: Any = aux_field()
    lists: Any = aux_field()
    histories: Any = aux_field()

    interval_label: ClassVar[str] = "credible interval"

    @property
    def converged(self) -> bool:
        """True when R-hat ≤ 1.01 and both effective sample sizes reach 100 per chain."""
        need = ESS_PER_CHAIN * self.settings["chains"]
        return bool(self.rhat <= RHAT_MAX and min(self.ess, self.ess_tail) >= need)


def _as_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def _pattern_table(histories: Any) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Observed patterns with a positive count: the 0/1 matrix (patterns × lists), the counts."""
    table = capture_histories(histories)
    lists = table.attrs["lists"]
    if len(lists) < 3:
        raise InputError(
            f"histories: the latent-class model needs at least 3 lists, got {len(lists)} "
            f"({', '.join(lists)}); with two lists use mse.two_list"
        )
    keys = [k for k, v in table.items() if v > 0]
    bits = np.array([[int(c) for c in k] for k in keys], dtype=float)
    counts = table[keys].to_numpy().astype(np.int64)
    on_list = bits.T @ counts
    for j, name in enumerate(lists):
        if on_list[j] == 0:
            raise InputError(
                f"histories: list {name!r} records nobody (every history has a 0 for it); "
                "drop the list or check the matching"
            )
    if bits.sum(axis=1).max() < 2:
        raise InputError(
            "histories: nobody is on more than one list, so the lists' overlap, from which "
            "the number missed is estimated, is empty"
        )
    return table, bits, counts


def _truncated_negative_binomial(
    rng: np.random.Generator, n0: np.ndarray, n: int, p0: np.ndarray, cap: int
) -> np.ndarray:
    """Redraw the numbers missed above ``cap`` from NB(n, 1 - p0) truncated to [0, cap].

    A few rounds of rejection; chains still above the cap (nearly everybody missed, so
    that the truncated distribution piles up near the cap) are drawn exactly by inverting
    the truncated distribution on the grid 0..cap.
    """
    for _ in range(20):
        over = n0 > cap
        if not over.any():
            return n0
        odds = p0[over] / (1.0 - p0[over])
        n0[over] = rng.poisson(rng.standard_gamma(n, size=odds.size) * odds)
    k = np.arange(cap + 1)
    base = special.gammaln(n + k) - special.gammaln(k + 1.0)
    for c in np.flatnonzero(n0 > cap):
        logw = base + k * np.log(min(p0[c], 1.0))
        cdf = np.cumsum(np.exp(logw - logw.max()))
        n0[c] = np.searchsorted(cdf, rng.random() * cdf[-1], side="right")
    return n0


def _stable_softmax(logits: np.ndarray) -> np.ndarray:
    w = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)


_BLOCK = 1024  # iterations of fixed-parameter random numbers drawn at a time
_SCALAR_POISSON = 16  # up to this many chains, Poisson draws one by one are faster


def _gibbs(
    bits: np.ndarray,
    counts: np.ndarray,
    *,
    K: int,
    a_alpha: float,
    b_alpha: float,
    n_iter: int,
    burn_in: int,
    thin: int,
    chains: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Run ``chains`` chains of the sampler at once; return the kept draws, each (chains, S).

    The state is packed so that an iteration is a few whole-array operations. ``Q`` (chains,
    2J + 3, K) holds, for each class k (last axis), log P(on list j) and log P(not on list j)
    in rows 2j and 2j + 1, the log stick fraction log V_k and log(1 - V_k) in rows 2J and
    2J + 1, and the log class weight log nu_k in the last row. The patterns are the rows of
    ``design`` (M + 1 rows, the last the unobserved all-zero pattern), so ``design @ Q`` is
    the log probability of each pattern and class; ``tally @ alloc`` turns the class counts
    of each pattern into the Beta parameters of every update at once.

    The scan starts at the number missed: (a) the number missed, given the parameters;
    (b) the classes of the people of every pattern, observed and missed, in one multinomial
    draw; (c) capture probabilities and stick fractions, from one batch of Gamma draws;
    (d) the concentration alpha. This is R's LCMCR order, read from its fourth step (alpha
    moves past the class draws, which do not involve it).
    """
    C = chains
    M, J = bits.shape
    n = int(counts.sum())
    cap = _MISSED_CAP * n
    n_keep = n_iter // thin
    R = 2 * (J + 1)  # rows of Q before log nu

    full = np.vstack([bits, np.zeros((1, J))])  # (M + 1, J), the last the missed
    design = np.zeros((M + 1, R + 1))
    design[:, 0 : 2 * J : 2] = full
    design[:, 1 : 2 * J : 2] = 1.0 - full
    design[:, R] = 1.0
    tally = np.zeros((R, M + 1))
    tally[0 : 2 * J : 2] = full.T  # people of class k on list j
    tally[1 : 2 * J : 2] = 1.0 - full.T  # ... not on list j
    tally[2 * J] = tally[2 * J + 1] = 1.0  # people of class k
    after = np.tril(np.ones((K, K)), -1)  # after[l, k] = 1 if l > k: people in later classes
    after[:, K - 1] = 0.0
    n_after = after.sum(axis=0)
    to_log_nu = np.zeros((2 * K, K))  # [log V, log(1 - V)] -> log nu
    to_log_nu[: K - 1, : K - 1] = np.eye(K - 1)  # log V_k, k < K (V_K is not used)
    to_log_nu[K : 2 * K - 1] = np.triu(np.ones((K - 1, K)), 1)  # log(1 - V_l), l < k

    Q = np.empty((C, R + 1, K))
    P = Q[:, :R].reshape(C, J + 1, 2, K)  # view: [..., 0, :] "on" / V, [..., 1, :] "off" / 1 - V
    sticks = P[:, J].reshape(C, 2 * K)
    log_nu = Q[:, R]

    # Start: capture probabilities near the lists' observed shares (jittered per chain and
    # class, so that chains start apart), uniform stick fractions, alpha = 1.
    share = np.clip(bits.T @ counts / n, 0.5 / n, 1.0 - 0.5 / n)
    logit = np.log(share) - np.log1p(-share)
    lam = 1.0 / (1.0 + np.exp(-(logit[None, :, None] + 0.5 * rng.standard_normal((C, J, K)))))
    v = rng.random((C, K))
    P[:, :J, 0], P[:, :J, 1] = np.log(lam), np.log1p(-lam)
    P[:, J, 0], P[:, J, 1] = np.log(v), np.log1p(-v)
    np.matmul(sticks, to_log_nu, out=log_nu)
    alpha = np.ones(C)
    alpha_shape = a_alpha + K - 1.0
    people = np.empty((C, M + 1), dtype=np.int64)
    people[:, :M] = counts
    shape = np.empty((C, J + 1, 2, K))
    flat_shape = shape.reshape(C, R, K)
    class_size, stick_b = shape[:, J, 0], shape[:, J, 1]  # n_k + 1 and the shape b of V_k
    g = np.empty_like(shape)
    g_b = g[:, J, 1]
    ones_k = np.ones((K, 1))

    kept_n = np.empty((C, n_keep), dtype=np.int64)
    kept_alpha = np.empty((C, n_keep))
    kept_classes = np.empty((C, n_keep), dtype=np.int64)
    keep = 0
    for it in range(burn_in + n_keep * thin):
        if it % _BLOCK == 0:
            gamma_n = rng.standard_gamma(n, size=(_BLOCK, C))
            gamma_alpha = rng.standard_gamma(alpha_shape, size=(_BLOCK, C))
            expo = rng.standard_exponential((_BLOCK, C, K))
        b = it % _BLOCK
        logits = design @ Q  # log P(pattern, class); all <= 0
        w = np.exp(logits)
        total = w @ ones_k
        w /= total
        # (a) n0 ~ NB(n, 1 - p0) as Poisson(G p0 / (1 - p0)) with G ~ Gamma(n, 1); p0 is the
        # total of the all-zero pattern's row
        p0 = np.minimum(total[:, M, 0], 1.0 - 1e-12)  # rounding may not push it to 1
        mean = gamma_n[b] * (p0 / (1.0 - p0))
        if C <= _SCALAR_POISSON:  # scalar calls skip numpy's per-call array checks
            n0 = np.array([rng.poisson(x) for x in mean.tolist()], dtype=np.int64)
        else:
            n0 = rng.poisson(mean)
        if n0.max() > cap:
            n0 = _truncated_negative_binomial(rng, n0, n, p0, cap)
        people[:, M] = n0
        # (b) classes of everybody, pattern by pattern
        try:
            alloc = rng.multinomial(people, w)  # (C, M + 1, K)
        except ValueError:  # a row underflowed in exp(): normalise it the careful way
            alloc = rng.multinomial(people, _stable_softmax(logits))
        # (c) Beta updates as pairs of Gamma draws: lambda_jk ~ Beta(1 + on, 1 + off);
        # V_k ~ Beta(1 + n_k, alpha + n_{>k}), the second drawn as G(b + 1) U^(1/b)
        np.add(tally @ alloc, 1.0, out=flat_shape)
        later = class_size @ after
        later += alpha[:, None] - n_after  # alpha + n_{>k}
        np.add(later, 1.0, out=stick_b)
        rng.standard_gamma(shape, out=g)
        np.log(g, out=g)
        g_b -= expo[b] / later
        np.subtract(g, np.logaddexp(g[:, :, 0], g[:, :, 1])[:, :, None], out=P)
        np.matmul(sticks, to_log_nu, out=log_nu)
        # (d) alpha ~ Gamma(a + K - 1, rate b - log nu_K)
        alpha = gamma_alpha[b] / (b_alpha - log_nu[:, K - 1])
        if it >= burn_in and (it - burn_in + 1) % thin == 0:
            kept_n[:, keep] = n + n0
            kept_alpha[:, keep] = alpha
            kept_classes[:, keep] = np.count_nonzero(alloc.sum(axis=1), axis=1)
            keep += 1
    return {"N": kept_n, "alpha": kept_alpha, "classes": kept_classes}


def lcmcr(
    histories: Any,
    *,
    K: int = 10,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    n_iter: int = 50_000,
    burn_in: int = 10_000,
    thin: int = 50,
    chains: int = 4,
    confidence: float = 0.95,
    rng: Any,
) -> LatentClassEstimate:
    """Population size from the non-parametric latent-class model of Manrique-Vallier (2016).

    Parameters
    ----------
    histories : mapping or DataFrame
        Capture histories, as for :func:`loglinear`: a mapping from pattern to count
        (``{"110": 12, ...}``) or a DataFrame with one 0/1 column per list (one row per
        person, or per pattern with a ``count`` column). At least three lists.
    K : int
        Number of latent classes at which the stick-breaking prior is truncated (an upper
        bound; the data decide how many are used). Default 10.
    a_alpha, b_alpha : float
        Shape and rate of the Gamma prior of the Dirichlet-process concentration ``alpha``.
        Default 0.25 and 0.25, as R's LCMCR.
    n_iter : int
        Gibbs iterations per chain after burn-in; ``n_iter // thin`` draws are kept per chain.
        Default 50,000: the sampler mixes slowly in N on some tables (as R's does), and
        R-hat ≤ 1.01 needs long chains.
    burn_in : int
        Iterations per chain discarded first. Default 10,000.
    thin : int
        Keep every ``thin``-th iteration. Default 50 (1,000 draws per chain).
    chains : int
        Number of chains, run together (one vectorised pass) from different starting points.
    confidence : float
        Probability of the equal-tailed credible interval. Default 0.95.
    rng : numpy.random.Generator or int
        Source of randomness (required: results are reproducible).

    Returns
    -------
    LatentClassEstimate
        Posterior median of the total N with the equal-tailed interval; ``draws`` (1-d
        array of draws of N), ``traces``, per-chain ``chains`` table, ``rhat``, ``ess`` (bulk)
        and ``ess_tail``, and ``observed`` (people on at least one list).

    Raises
    ------
    InputError
        Bad histories (negative or fractional counts, a count for the all-zero history,
        fewer than three lists, a list that records nobody, no overlap between lists), or
        bad sampler settings.

    Warns
    -----
    ConvergenceWarning
        When the chains have not mixed: rank-normalised split R-hat of N above 1.01, or a
        bulk or tail effective sample size below 100 per chain. Run longer (``n_iter``,
        ``burn_in``) or more chains; thinning alone does not help.

    Notes
    -----
    Each person belongs to latent class k with probability :math:`\\nu_k`, and within class
    k list j records them with probability :math:`\\lambda_{jk}`, independently of the
    other lists. :math:`\\nu` has a stick-breaking prior truncated at K, with
    :math:`V_k \\sim \\mathrm{Beta}(1, \\alpha)` and :math:`\\alpha \\sim
    \\mathrm{Gamma}(a_\\alpha, b_\\alpha)`; :math:`\\lambda_{jk} \\sim \\mathrm{Beta}(1, 1)`;
    N has the prior :math:`p(N) \\propto 1/N`, so that the number missed given the
    parameters is negative binomial (truncated, as in LCMCR, at 20 times the number
    observed). The Gibbs sampler cycles through the number missed (negative binomial,
    drawn as a Gamma-Poisson mixture), the class counts of every pattern, the missed
    included (one multinomial per pattern), the :math:`\\lambda` and the stick fractions
    (Beta, from one batch of Gamma draws), and :math:`\\alpha` (Gamma): R's LCMCR scan
    started at its number-missed step. Chains start from capture probabilities near the
    lists' observed shares, jittered per chain, with stick fractions uniform and
    :math:`\\alpha = 1`.

    References
    ----------
    Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet
    process mixtures. *Biometrics* 72(4), 1246–1254.
    Manrique-Vallier, D. (2023). LCMCR: Bayesian non-parametric latent-class
    capture-recapture. R package version 0.4.14.
    Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. and Bürkner, P.-C. (2021).
    Rank-normalization, folding, and localization: an improved R-hat for assessing
    convergence of MCMC. *Bayesian Analysis* 16(2), 667–718.

    Examples
    --------
    Hepatitis A in a college in Taiwan, 1995, three lists (Chao et al. 2001). A short run
    shows the interface, and the diagnostics say it is too short:

    >>> import warnings
    >>> from conflictstats.mse import lcmcr
    >>> hav = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     fit = lcmcr(hav, n_iter=2_000, burn_in=500, thin=2, rng=1)
    >>> fit.observed, fit.draws.shape, fit.traces["N"].shape
    (271, (4000,), (4, 1000))
    >>> 300 < fit.ci_low < fit.estimate < fit.ci_high < 1500
    True
    >>> fit.converged, caught[0].category.__name__
    (False, 'ConvergenceWarning')

    With the defaults (four chains of 60,000 iterations, a few seconds), ``lcmcr(hav,
    rng=1)`` agrees with R's LCMCR: a posterior median of about 513 people with a 95%
    interval of about 365 to 870, against 271 observed.
    """
    conf = as_confidence(confidence)
    K = _as_int(K, "K", 2)
    a_alpha = float(as_exposure(a_alpha, "a_alpha"))
    b_alpha = float(as_exposure(b_alpha, "b_alpha"))
    n_iter = _as_int(n_iter, "n_iter", 1)
    burn_in = _as_int(burn_in, "burn_in", 0)
    thin = _as_int(thin, "thin", 1)
    chains = _as_int(chains, "chains", 1)
    if n_iter // thin < 10:
        raise InputError(
            f"n_iter // thin must keep at least 10 draws per chain, got n_iter={n_iter}, "
            f"thin={thin}"
        )
    generator = as_rng(rng)
    table, bits, counts = _pattern_table(histories)

    settings = dict(
        K=K,
        a_alpha=a_alpha,
        b_alpha=b_alpha,
        n_iter=n_iter,
        burn_in=burn_in,
        thin=thin,
        chains=chains,
    )
    traces = _gibbs(bits, counts, **settings, rng=generator)
    return _summarise(table, traces, conf, settings=settings)


def _summarise(
    table: pd.Series, traces: dict[str, np.ndarray], conf: float, settings: dict
) -> LatentClassEstimate:
    chain_n = traces["N"]
    draws = chain_n.reshape(-1)
    tail = (1.0 - conf) / 2.0
    lo, med, hi = np.quantile(draws, [tail, 0.5, 1.0 - tail])
    rhat = split_rhat(chain_n)
    bulk = ess_bulk(chain_n)
    tail_ess = ess_tail(chain_n)
    per_chain = pd.DataFrame(
        {
            "chain": np.arange(chain_n.shape[0]),
            "median": np.median(chain_n, axis=1),
            "ci_low": np.quantile(chain_n, tail, axis=1),
            "ci_high": np.quantile(chain_n, 1.0 - tail, axis=1),
            "mean": chain_n.mean(axis=1),
            "alpha": traces["alpha"].mean(axis=1),
            "classes": traces["classes"].mean(axis=1),
        }
    )
    need = ESS_PER_CHAIN * settings["chains"]
    problems = []
    if rhat > RHAT_MAX:
        problems.append(f"R-hat of N is {rhat:.3f} > {RHAT_MAX}")
    if bulk < need:
        problems.append(f"bulk ESS {bulk:.0f} < {need}")
    if tail_ess < need:
        problems.append(f"tail ESS {tail_ess:.0f} < {need}")
    if problems:
        warnings.warn(
            "lcmcr: the chains have not mixed (" + "; ".join(problems) + "); the interval "
            "is not reliable: run longer chains (n_iter, burn_in) or more of them (chains)",
            ConvergenceWarning,
            stacklevel=3,
        )
    return LatentClassEstimate(
        estimate=float(med),
        ci_low=float(lo),
        ci_high=float(hi),
        confidence=conf,
        method="lcmcr",
        quantity="population size N",
        observed=int(table.sum()),
        mean=float(draws.mean()),
        rhat=rhat,
        ess=bulk,
        ess_tail=tail_ess,
        draws=draws,
        traces=traces,
        chains=per_chain,
        settings=settings,
        lists=list(table.attrs["lists"]),
        histories=table,
    )
