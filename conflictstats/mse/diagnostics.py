"""Convergence diagnostics for Markov chains: rank-normalised split R-hat and effective sample size.

The diagnostics of Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021): chains are split in
halves (so that a drift within a chain shows as disagreement between its halves), the draws are
replaced by the normal scores of their ranks over all chains (so that heavy tails and discrete
draws, such as a population size, do no harm), and R-hat compares the between- and
within-chain variances of those scores, of the folded draws ``|x - median|`` too (a difference
in spread). The bulk effective sample size is that of the rank-normalised split chains; the
tail effective sample size is the smaller of those of the indicators ``x <= q05`` and
``x <= q95``. Autocorrelations are estimated from all chains at once and summed with Geyer's
initial monotone sequence.

Every function takes draws shaped ``(chains, draws)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special, stats

from .._validation import InputError

__all__ = ["ConvergenceWarning", "split_rhat", "ess_bulk", "ess_tail"]


class ConvergenceWarning(UserWarning):
    """Markov chains that have not mixed: R-hat above 1.01 or too few effective draws."""


def _as_chains(draws: Any, name: str = "draws") -> np.ndarray:
    arr = np.asarray(draws, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise InputError(f"{name} must be shaped (chains, draws), got shape {arr.shape}")
    if arr.shape[1] < 6:
        raise InputError(f"{name} needs at least 6 draws per chain, got {arr.shape[1]}")
    if not np.isfinite(arr).all():
        raise InputError(f"{name} must be finite")
    return arr


def _split(x: np.ndarray) -> np.ndarray:
    """Each chain cut into its first and second half (the middle draw dropped when odd)."""
    n = x.shape[1]
    half = n // 2
    return np.concatenate([x[:, :half], x[:, n - half :]], axis=0)


def _z_scale(x: np.ndarray) -> np.ndarray:
    """Normal scores of the pooled ranks (ties averaged), Blom's offset 3/8."""
    ranks = stats.rankdata(x, method="average").reshape(x.shape)
    return special.ndtri((ranks - 0.375) / (x.size + 0.25))


def _rhat(x: np.ndarray) -> float:
    """Potential scale reduction of chains in the rows of ``x`` (Gelman et al. 2013, ch. 11)."""
    n = x.shape[1]
    within = x.var(axis=1, ddof=1).mean()
    between = n * x.mean(axis=1).var(ddof=1)
    if within == 0.0:
        return 1.0 if between == 0.0 else float("inf")
    return float(np.sqrt((between / within + n - 1) / n))


def _autocovariance(x: np.ndarray) -> np.ndarray:
    """Biased autocovariances of each row at lags 0..n-1, by zero-padded FFT."""
    n = x.shape[1]
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(centred, size, axis=1)
    return np.fft.irfft(f * np.conj(f), size, axis=1)[:, :n] / n


def _ess(x: np.ndarray) -> float:
    """Effective sample size of the chains in the rows of ``x`` (Geyer's monotone sequence)."""
    m, n = x.shape
    total = m * n
    acov = _autocovariance(x).mean(axis=0)
    within = acov[0] * n / (n - 1)
    var_plus = within * (n - 1) / n + (x.mean(axis=1).var(ddof=1) if m > 1 else 0.0)
    if var_plus == 0.0:
        return float(total)  # constant draws: no Monte Carlo error at all
    rho = 1.0 - (within - acov) / var_plus
    rho[0] = 1.0
    # Autocorrelations are summed in pairs (2i, 2i + 1) up to the first pair whose sum is not
    # positive, or up to three lags before the end of the chains; the pair sums kept are made
    # non-increasing (Geyer's initial monotone sequence), and the even term of the stopping
    # pair is added when positive (or when its pair sum is not negative).
    pairs = rho[0 : 2 * (n // 2) : 2] + rho[1 : 2 * (n // 2) : 2]
    reach = max(0, -(-(n - 5) // 2))
    stops = np.flatnonzero(pairs[:reach] <= 0)
    stop = int(stops[0]) if stops.size else reach
    if stop == 0:
        tau = 2.0
    else:
        last = rho[2 * stop]
        if pairs[stop] < 0:
            last = max(last, 0.0)
        tau = -1.0 + 2.0 * np.minimum.accumulate(pairs[:stop]).sum() + last
    tau = max(tau, 1.0 / np.log10(total))
    return float(total / tau)


def split_rhat(draws: Any) -> float:
    """Rank-normalised split R-hat (the larger of the bulk and the folded-tail values).

    Parameters
    ----------
    draws : array_like, shape (chains, draws)
        Draws of one scalar quantity; a 1-d array is one chain.

    Returns
    -------
    float
        R-hat; 1 when every draw is the same, ``inf`` when each chain is constant at a
        different value. Values above 1.01 say that the chains have not mixed.

    References
    ----------
    Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. and Bürkner, P.-C. (2021).
    Rank-normalization, folding, and localization: an improved R-hat for assessing
    convergence of MCMC. *Bayesian Analysis* 16(2), 667–718.

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.mse.diagnostics import split_rhat
    >>> rng = np.random.default_rng(1)
    >>> round(split_rhat(rng.normal(size=(4, 1000))), 2)
    1.0
    >>> split_rhat(rng.normal(size=(4, 1000)) + np.arange(4)[:, None]) > 1.01
    True
    """
    x = _split(_as_chains(draws))
    if np.ptp(x) == 0.0:
        return 1.0
    bulk = _rhat(_z_scale(x))
    folded = np.abs(x - np.median(x))
    tail = _rhat(_z_scale(folded)) if np.ptp(folded) > 0 else 1.0
    return max(bulk, tail)


def ess_bulk(draws: Any) -> float:
    """Bulk effective sample size: ESS of the rank-normalised split chains.

    Parameters
    ----------
    draws : array_like, shape (chains, draws)
        Draws of one scalar quantity; a 1-d array is one chain.

    Returns
    -------
    float
        Effective number of independent draws for the centre of the distribution (all the
        draws when they are all equal).

    References
    ----------
    Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. and Bürkner, P.-C. (2021).
    *Bayesian Analysis* 16(2), 667–718. Geyer, C. J. (1992). Practical Markov chain Monte
    Carlo. *Statistical Science* 7(4), 473–483.

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.mse.diagnostics import ess_bulk
    >>> ess_bulk(np.random.default_rng(1).normal(size=(4, 500))) > 1500
    True
    """
    x = _split(_as_chains(draws))
    if np.ptp(x) == 0.0:
        return float(x.size)
    return _ess(_z_scale(x))


def ess_tail(draws: Any) -> float:
    """Tail effective sample size: the smaller ESS of the indicators of the 5% and 95% quantiles.

    Parameters
    ----------
    draws : array_like, shape (chains, draws)
        Draws of one scalar quantity; a 1-d array is one chain.

    Returns
    -------
    float
        Effective number of independent draws for the 5% and 95% quantiles (an indicator
        that is constant counts as all the draws).

    References
    ----------
    Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. and Bürkner, P.-C. (2021).
    *Bayesian Analysis* 16(2), 667–718.

    Examples
    --------
    >>> import numpy as np
    >>> from conflictstats.mse.diagnostics import ess_tail
    >>> ess_tail(np.random.default_rng(1).normal(size=(4, 500))) > 1000
    True
    """
    x = _as_chains(draws)
    out = []
    for p in (0.05, 0.95):
        indicator = (x <= np.quantile(x, p)).astype(float)
        out.append(_ess(_split(indicator)))
    return min(out)
