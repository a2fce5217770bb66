"""Bayesian model averaging over decomposable graphical models (Madigan and York 1997)."""

from __future__ import annotations

import math
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from .._validation import InputError, as_confidence
from ..results import Estimate, aux_field, result
from .graphs import MAX_GRAPH_LISTS, Graph, clique_matrix, decomposable_graphs, graph_from_cliques
from .histories import _LETTERS, capture_histories, check_lists

PRIORS = ("1/N", "uniform")
#: Cells of the (models x grid) log-weight block computed at once (memory bound, ~64 MB).
_BLOCK = 1 << 23


@result
class BMAEstimate(Estimate):
    """Posterior of a population size: median, equal-tailed interval, mean and HPD interval.

    ``estimate`` is the posterior median of the total N and ``ci_low``/``ci_high`` the
    equal-tailed credible interval; ``mean``, ``hpd_low``/``hpd_high`` (the highest posterior
    density set's ends) and ``observed`` (people on at least one list) go with them.
    ``posterior`` is a DataFrame of the grid (``N``, ``probability``); ``models`` the model
    table, best first, where the estimator has one; ``lists`` maps letters to list names.
    """

    observed: Any = None
    mean: Any = None
    hpd_low: Any = None
    hpd_high: Any = None
    delta: Any = aux_field()
    prior: Any = aux_field()
    posterior: Any = aux_field()
    models: Any = aux_field()
    lists: Any = aux_field()
    histories: Any = aux_field()

    interval_label: ClassVar[str] = "credible interval"


def _posterior_summary(N: np.ndarray, prob: np.ndarray, confidence: float) -> dict[str, float]:
    """Median, equal-tailed quantiles, mean and HPD ends of a posterior on an integer grid.

    A quantile q is the smallest N whose cumulative probability reaches q; the HPD set takes
    grid points from the most probable down until it holds ``confidence``.
    """
    cdf = np.cumsum(prob)
    tail = (1 - confidence) / 2
    eps = 1e-12
    q = np.searchsorted(cdf, np.array([0.5, tail, 1 - tail]) - eps, side="left")
    q = np.minimum(q, len(N) - 1)
    order = np.argsort(-prob, kind="stable")
    count = int(np.searchsorted(np.cumsum(prob[order]), confidence - eps, side="left")) + 1
    chosen = N[order[:count]]
    return {
        "estimate": float(N[q[0]]),
        "ci_low": float(N[q[1]]),
        "ci_high": float(N[q[2]]),
        "mean": float(np.sum(N * prob)),
        "hpd_low": float(chosen.min()),
        "hpd_high": float(chosen.max()),
    }


def _subset_loglik(y: np.ndarray, k: int, delta: float, missing: np.ndarray) -> np.ndarray:
    """Dirichlet-multinomial log marginal likelihood of every marginal table, per grid point.

    Row s (a subset mask of the lists, 1 .. 2^k - 1) holds log p(marginal table of s) with
    Dirichlet parameter delta * 2^(k - |s|) on each of its 2^|s| cells (the hyper-Dirichlet
    that is consistent across cliques), without the Γ(Σα)/Γ(N + Σα) factor that every table
    shares; column j has ``missing[j]`` people in the unobserved cell.
    """
    patterns = np.arange(1 << k)
    size = np.array([bin(s).count("1") for s in patterns])
    out = np.zeros((1 << k, len(missing)))
    for s in range(1, 1 << k):
        alpha = delta * 2.0 ** (k - size[s])
        marg = np.bincount(patterns & s, weights=y, minlength=1 << k)
        cells = patterns[(patterns & ~s) == 0][1:]  # the non-empty cells of the margin
        const = special.gammaln(marg[cells] + alpha).sum() - (1 << size[s]) * special.gammaln(alpha)
        out[s] = const + special.gammaln(missing + marg[0] + alpha)
    return out


def _model_graphs(models: Any, k: int) -> tuple[Graph, ...]:
    if isinstance(models, str):
        if models != "decomposable":
            raise InputError(
                f"models must be 'decomposable' or a list of model strings, got {models!r}"
            )
        if k > MAX_GRAPH_LISTS:
            raise InputError(f"histories: BMA handles at most {MAX_GRAPH_LISTS} lists, got {k}")
        return decomposable_graphs(k)
    from .loglin import _parse_model  # bracket notation, shared with loglinear

    out: list[Graph] = []
    for spec in models:
        if isinstance(spec, str) and spec.replace(" ", "") == "[" + _LETTERS[:k] + "]":
            terms: list[tuple[int, ...]] = [tuple(range(k))]
        else:
            terms = [t for t in _parse_model(spec, k)] + [(i,) for i in range(k)]
        graph = graph_from_cliques(terms, k)
        if not graph.decomposable:
            raise InputError(
                f"models: {spec!r} is not decomposable (its graph has a chordless cycle)"
            )
        if graph.name not in _bracket_names(terms):
            raise InputError(
                f"models: {spec!r} is not graphical; BMA averages graphical models, here "
                f"{graph.name}"
            )
        if all(graph.name != g.name for g in out):
            out.append(graph)
    if not out:
        raise InputError("models: no model given")
    return tuple(out)


def _bracket_names(terms: list[tuple[int, ...]]) -> set[str]:
    maximal = [t for t in set(terms) if not any(set(t) < set(u) for u in terms)]
    return {"".join("[" + "".join(_LETTERS[i] for i in g) + "]" for g in sorted(maximal))}


def _log_prior(prior: Any, N: np.ndarray) -> tuple[np.ndarray, str]:
    if isinstance(prior, str):
        if prior == "1/N":
            return -np.log(N), "1/N"
        if prior == "uniform":
            return np.zeros(len(N)), "uniform"
        raise InputError(f"prior must be one of {', '.join(PRIORS)} or an array, got {prior!r}")
    w = np.asarray(prior, dtype=float)
    if w.shape != N.shape:
        raise InputError(
            f"prior: an array prior needs one weight per grid value N = {int(N[0])} .. "
            f"{int(N[-1])} ({len(N)} values), got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
        raise InputError("prior: weights must be finite, non-negative and not all zero")
    with np.errstate(divide="ignore"):
        return np.log(w), "user-supplied"


def bma(
    histories: Any,
    *,
    delta: float | None = None,
    prior: Any = "1/N",
    n_max: int | None = None,
    models: Any = "decomposable",
    confidence: float = 0.95,
    count_column: str = "count",
) -> BMAEstimate:
    """Population size by Bayesian model averaging over decomposable graphical models.

    Parameters
    ----------
    histories : mapping or DataFrame
        Capture-history counts of three to six lists, as for :func:`loglinear`.
    delta : float, optional
        Hyper-Dirichlet prior parameter: each of the 2^k cells of the complete table gets
        ``delta`` prior observations. Default ``2 ** -k`` (dga's suggestion).
    prior : {"1/N", "uniform"} or array_like
        Prior on the total N over the grid: ``"1/N"`` (default, as dga), ``"uniform"``, or
        non-negative weights, one per grid value ``N = n, ..., n_max``.
    n_max : int, optional
        Largest total on the grid; default ``21 * n`` (up to 20·n unobserved, n the number
        observed). A warning says when the posterior has mass near it.
    models : "decomposable" or sequence of str
        Average over every decomposable graph on the lists (8, 61, 822 or 18,154 for 3 to 6
        lists), or over the decomposable models given in bracket notation (``"[AB][BC]"``).
    confidence : float
        Credibility of the equal-tailed and HPD intervals, default 0.95.
    count_column : str
        Count column of a pattern DataFrame.

    Returns
    -------
    BMAEstimate
        ``estimate`` the posterior median of N, ``ci_low``/``ci_high`` the equal-tailed
        interval, ``mean``, ``hpd_low``/``hpd_high``; ``posterior`` (columns ``N``,
        ``probability``) and ``models`` (one row per graph, best first: ``cliques`` in
        bracket notation, ``graph`` as its edges, ``probability``, and the total's posterior
        ``mean``, ``median``, ``ci_low`` and ``ci_high`` within that model).

    Raises
    ------
    InputError
        Bad histories (negative or fractional counts, a count for the all-zero history), fewer
        than three or more than six lists, a list that records nobody, no record on two lists
        or more, a bad ``delta``, ``prior``, ``n_max`` or model.

    Warns
    -----
    UserWarning
        When more than 0.1% of the posterior lies in the top 5% of the grid (raise ``n_max``),
        or when a list shares no record with any other list (its coverage then rests on the
        prior).

    Notes
    -----
    For a decomposable graph g with cliques C and separators S, the complete table's
    probabilities get a hyper-Dirichlet prior and the marginal likelihood factorises as
    ∏_C p(y_C) / ∏_S p(y_S), each factor a Dirichlet-multinomial in closed form (Dawid and
    Lauritzen 1993). With the unobserved cell set to N - n, the joint posterior is
    p(g, N | y) ∝ p(y | g, N) · N! / ((N - n)! ∏ y!) · p(N), for every graph and every N on
    the grid, normalised over both (Madigan and York 1997). All in log space, no sampling;
    the graphs are enumerated by maximum cardinality search (Tarjan and Yannakakis 1984).
    Equals R's ``dga::bma.cr`` with the same grid, ``delta`` and prior.

    References
    ----------
    Madigan, D. and York, J. C. (1997). Bayesian methods for estimation of the size of a
    closed population. Biometrika 84, 19-31.
    Dawid, A. P. and Lauritzen, S. L. (1993). Hyper Markov laws in the statistical analysis of
    decomposable graphical models. Annals of Statistics 21, 1272-1317.
    Johndrow, J., Lum, K. and Ball, P. (2015). dga: capture-recapture estimation using
    Bayesian model averaging. R package.
    Tarjan, R. E. and Yannakakis, M. (1984). Simple linear-time algorithms to test chordality
    of graphs. SIAM Journal on Computing 13, 566-579.

    Examples
    --------
    >>> from conflictstats.mse import bma
    >>> hav = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}
    >>> r = bma(hav, delta=1)                   # hepatitis A, Taiwan 1995: three lists
    >>> r
    population size 299 (95% credible interval 271 to 464) [BMA over 8 decomposable graphs, delta = 1, prior 1/N]
    >>> round(r.mean, 1), r.hpd_low, r.hpd_high
    (316.8, 271.0, 420.0)
    >>> r.models[["cliques", "probability"]].head(2).round(3)
        cliques  probability
    0     [ABC]        0.994
    1  [AB][BC]        0.003
    """
    confidence = as_confidence(confidence)
    table = capture_histories(histories, count_column=count_column)
    names = table.attrs["lists"]
    k = len(names)
    if k < 3:
        raise InputError(f"histories: BMA needs at least three lists, got {k}: {names}")
    if k > MAX_GRAPH_LISTS:
        raise InputError(f"histories: BMA handles at most {MAX_GRAPH_LISTS} lists, got {k}")
    isolated = check_lists(table)
    if isolated:
        warnings.warn(
            "histories: list(s) "
            + ", ".join(repr(names[i]) for i in isolated)
            + " share no record with any other list; their coverage, and the estimate, rest "
            "on the prior",
            UserWarning,
            stacklevel=2,
        )
    if delta is None:
        delta = 2.0**-k
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.integer, np.floating)):
        raise InputError(f"delta must be a positive number, got {delta!r}")
    delta = float(delta)
    if not (math.isfinite(delta) and delta > 0):
        raise InputError(f"delta must be a positive number, got {delta!r}")
    y = np.concatenate([[0.0], table.to_numpy()])  # index = pattern read as binary
    n = int(y.sum())
    if n_max is None:
        n_max = 21 * n
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or n_max < n:
        raise InputError(f"n_max must be an integer at least the {n} observed, got {n_max!r}")
    missing = np.arange(int(n_max) - n + 1, dtype=float)
    N = n + missing
    log_prior, prior_name = _log_prior(prior, N)
    graphs = _model_graphs(models, k)

    comp = _subset_loglik(y, k, delta, missing)
    shared = special.gammaln((1 << k) * delta) - special.gammaln(N + (1 << k) * delta)
    common = (
        special.gammaln(N + 1)
        - special.gammaln(missing + 1)
        - special.gammaln(y[1:] + 1).sum()
        + log_prior
    )
    coef = clique_matrix(graphs, k)
    n_factors = coef[:, 1:].sum(axis=1)
    tail = (1 - confidence) / 2
    logw_rows, post_log, row_stats = _average(coef, n_factors, comp, shared, common, N, tail)

    prob_model = np.exp(logw_rows - special.logsumexp(logw_rows))
    posterior = np.exp(post_log - special.logsumexp(post_log))
    posterior /= posterior.sum()
    summary = _posterior_summary(N, posterior, confidence)
    top = np.searchsorted(N, n + 0.95 * (N[-1] - n))
    if posterior[top:].sum() > 1e-3:
        warnings.warn(
            f"bma: {posterior[top:].sum():.2%} of the posterior lies in the top 5% of the grid "
            f"(N up to {int(N[-1]):,}); raise n_max",
            UserWarning,
            stacklevel=2,
        )
    frame = pd.DataFrame(
        {
            "cliques": [g.name for g in graphs],
            "graph": [g.edge_text for g in graphs],
            "edges": [len(g.edges) for g in graphs],
            "probability": prob_model,
            **row_stats,
        }
    )
    frame = frame.sort_values("probability", ascending=False, kind="mergesort")
    frame = frame.reset_index(drop=True)
    return BMAEstimate(
        confidence=confidence,
        method=f"BMA over {len(graphs)} decomposable graphs, delta = {delta:g}, prior {prior_name}",
        quantity="population size",
        observed=float(n),
        delta=delta,
        prior=prior_name,
        posterior=pd.DataFrame({"N": N.astype(np.int64), "probability": posterior}),
        models=frame,
        lists=dict(zip(_LETTERS[:k], names, strict=True)),
        histories=table,
        **summary,
    )


def _average(coef, n_factors, comp, shared, common, N, tail):
    """Log weight per model, log posterior of N, and per-model summaries, in blocks of graphs."""
    G, M = coef.shape[0], comp.shape[1]
    rows = max(1, _BLOCK // max(M, 1))
    logw_rows = np.empty(G)
    post_log = np.full(M, -np.inf)
    stats = {key: np.empty(G) for key in ("mean", "median", "ci_low", "ci_high")}
    for start in range(0, G, rows):
        block = slice(start, min(start + rows, G))
        L = coef[block] @ comp + n_factors[block, None] * shared[None, :] + common[None, :]
        top = L.max(axis=1)
        P = np.exp(L - top[:, None])
        total = P.sum(axis=1)
        logw_rows[block] = top + np.log(total)
        bmax = top.max()
        with np.errstate(divide="ignore"):
            post_log = np.logaddexp(post_log, bmax + np.log(np.exp(top - bmax) @ P))
        P /= total[:, None]
        cdf = np.cumsum(P, axis=1)
        stats["mean"][block] = P @ N
        for key, q in (("median", 0.5), ("ci_low", tail), ("ci_high", 1 - tail)):
            idx = np.minimum((cdf < q - 1e-12).sum(axis=1), M - 1)
            stats[key][block] = N[idx]
    return logw_rows, post_log, stats
