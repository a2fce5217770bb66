"""Multiple systems estimation (capture-recapture) for undercounted totals.

Casualty lists miss people: each list (an NGO's count, exhumations, hospital records) sees part
of the total, and how much the lists overlap tells how much they all missed. Two tools:

* :func:`two_list` — two lists: the Lincoln-Petersen and Chapman estimators with Seber's
  variance and Chao's log-normal interval (vectorised over arrays of list sizes);
* :func:`loglinear` — three or more lists: every hierarchical log-linear model up to an
  interaction order (Poisson GLMs, statsmodels), the unobserved cell per model with a
  profile-likelihood interval, and an information-criterion weighted average.

Both assume a closed population (the same killings are the target of every list) and perfect
matching of records between lists. Two lists also assume that being on one list says nothing
about being on the other; three or more lists let the log-linear model estimate pairwise
dependence, but not dependence of the highest order, nor heterogeneity that the listed
interactions cannot mimic.
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from .._numeric import broadcast, check_le, z_quantile
from .._validation import (
    InputError,
    as_confidence,
    as_counts,
    check_choice,
    check_method,
)
from ..results import Estimate, aux_field, result

__all__ = [
    "TwoListEstimate",
    "LoglinearEstimate",
    "two_list",
    "loglinear",
    "capture_histories",
    "TWO_LIST_METHODS",
    "TWO_LIST_INTERVALS",
    "CRITERIA",
]

TWO_LIST_METHODS = ("chapman", "lincoln-petersen")
TWO_LIST_INTERVALS = ("log-normal", "wald")
CRITERIA = ("bic", "aic")
_LETTERS = "ABCDEFGH"
_MAX_LISTS = 6
_MAX_MODELS = 4096


# ---------------------------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------------------------
@result
class TwoListEstimate(Estimate):
    """Population size from two lists; adds the inputs, the number observed and the SE."""

    n1: Any = None
    n2: Any = None
    m: Any = None
    observed: Any = None
    se: Any = None


@result
class LoglinearEstimate(Estimate):
    """Model-averaged population size from a log-linear fit of three or more lists.

    ``estimate``/``ci_low``/``ci_high`` are the information-criterion weighted average and its
    interval; ``models`` is the per-model table (one row per hierarchical model, best first);
    ``lists`` maps the model letters to the list names; ``histories`` the observed
    capture-history counts.
    """

    observed: Any = None
    se: Any = None
    best_model: str = ""
    criterion: str = aux_field("bic")
    models: Any = aux_field()
    lists: Any = aux_field()
    histories: Any = aux_field()

    def model(self, name: str) -> pd.Series:
        """The row of :attr:`models` for the model called ``name`` (e.g. ``"[AB][C]"``)."""
        table = self.models.set_index("model")
        if name not in table.index:
            raise InputError(f"unknown model {name!r}; fitted: " + ", ".join(table.index))
        return table.loc[name]


# ---------------------------------------------------------------------------------------------
# two lists
# ---------------------------------------------------------------------------------------------
def _lincoln_petersen(n1, n2, m):
    """Lincoln-Petersen: N = n1 n2 / m; Seber (1982, eq. 3.2) variance."""
    est = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    return est, var


def _chapman(n1, n2, m):
    """Chapman (1951): N = (n1+1)(n2+1)/(m+1) - 1; Seber (1970) variance."""
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return est, var


def _lognormal_interval(observed, est, var, confidence):
    """Chao (1987): log(N - observed) normal; degenerate at N = observed when var = 0."""
    z = z_quantile(confidence)
    f0 = est - observed
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.exp(z * np.sqrt(np.log1p(var / f0**2)))
        lo = np.where(f0 > 0, observed + f0 / c, observed)
        hi = np.where(f0 > 0, observed + f0 * c, observed)
    return lo, hi


def _wald_interval(observed, est, var, confidence):
    z = z_quantile(confidence)
    se = np.sqrt(var)
    return np.maximum(est - z * se, observed), est + z * se


def two_list(
    n1: Any,
    n2: Any,
    m: Any,
    *,
    method: str = "chapman",
    interval: str = "log-normal",
    confidence: float = 0.95,
) -> TwoListEstimate:
    """Population size from two overlapping lists (dual-system estimation).

    Parameters
    ----------
    n1, n2 : int or array_like of int
        Number of distinct people on the first and on the second list.
    m : int or array_like of int
        Number on both lists (matched records). The three broadcast.
    method : {"chapman", "lincoln-petersen"}
        Estimator (see Notes).
    interval : {"log-normal", "wald"}
        Interval: Chao's log-normal interval (default) or estimate ± z·SE.
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    TwoListEstimate
        ``estimate`` the total, ``ci_low``/``ci_high`` its interval, ``se`` the square root
        of Seber's variance, ``observed`` = n1 + n2 - m.

    Raises
    ------
    InputError
        For negative, fractional or non-finite counts, ``m`` above ``n1`` or ``n2``, ``m = 0``
        with "lincoln-petersen" (the estimate is infinite), or an unknown method or interval.

    Notes
    -----
    Lincoln-Petersen: N = n1 n2 / m, variance n1 n2 (n1 - m)(n2 - m) / m³. Chapman:
    N = (n1 + 1)(n2 + 1)/(m + 1) - 1, nearly unbiased when n1 + n2 ≥ N, variance
    (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)²(m + 2)) (Seber 1970). The log-normal interval
    takes the unseen number f0 = N - observed as log-normal: with
    C = exp(z √log(1 + var/f0²)) it is [observed + f0/C, observed + f0·C], so its lower end
    never falls below the number observed (Chao 1987). When one list contains the other
    (f0 = 0) the interval is the single point ``observed``.

    References
    ----------
    Chapman, D. G. (1951). Some properties of the hypergeometric distribution with
    applications to zoological sample censuses. University of California Publications in
    Statistics 1, 131-160.
    Seber, G. A. F. (1970). The effects of trap response on tag recapture estimates.
    Biometrics 26, 13-22.
    Seber, G. A. F. (1982). The Estimation of Animal Abundance, 2nd ed. Griffin, London.
    Chao, A. (1987). Estimating the population size for capture-recapture data with unequal
    catchability. Biometrics 43, 783-791.

    Examples
    --------
    >>> from conflictstats.mse import two_list
    >>> r = two_list(135, 122, 49)      # hepatitis A: serum tests and quarantine records
    >>> round(r.estimate, 1), round(r.ci_low), round(r.ci_high)
    (333.6, 289, 403)
    >>> two_list([135, 135], [122, 122], [49, 49], method="lincoln-petersen").estimate.round(1)
    array([336.1, 336.1])
    """
    method = check_method(method, TWO_LIST_METHODS)
    interval = check_choice(interval, TWO_LIST_INTERVALS, "interval")
    confidence = as_confidence(confidence)
    a = as_counts(n1, "n1")
    b = as_counts(n2, "n2")
    both = as_counts(m, "m")
    a, b, both = broadcast(n1=a, n2=b, m=both)
    check_le(both, a, "m", "n1")
    check_le(both, b, "m", "n2")
    if method == "lincoln-petersen" and (both == 0).any():
        raise InputError(
            "m must be positive for method 'lincoln-petersen' (no matches: the estimate is "
            "infinite); use method='chapman'"
        )
    est, var = _chapman(a, b, both) if method == "chapman" else _lincoln_petersen(a, b, both)
    observed = a + b - both
    limits = _lognormal_interval if interval == "log-normal" else _wald_interval
    lo, hi = limits(observed, est, var, confidence)
    return TwoListEstimate(
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        confidence=confidence,
        method=f"{method}, {interval} CI",
        quantity="population size",
        n1=a,
        n2=b,
        m=both,
        observed=observed,
        se=np.sqrt(var),
    )


# ---------------------------------------------------------------------------------------------
# capture histories
# ---------------------------------------------------------------------------------------------
def _pattern_from_key(key: Any) -> tuple[int, ...]:
    if isinstance(key, str):
        text = key.strip()
        if not text or set(text) - {"0", "1"}:
            raise InputError(f"histories: a capture history must be a string of 0/1, got {key!r}")
        return tuple(int(c) for c in text)
    if isinstance(key, tuple) and all(v in (0, 1) for v in key):
        return tuple(int(v) for v in key)
    raise InputError(f"histories: a capture history must be a string of 0/1, got {key!r}")


def capture_histories(histories: Any, *, count_column: str = "count") -> pd.Series:
    """Capture-history counts as a Series indexed by 0/1 pattern strings.

    Parameters
    ----------
    histories : mapping or DataFrame
        Either a mapping from capture history to count (``{"110": 12, "101": 7, ...}``, one
        character per list, "1" = on the list; tuples of 0/1 also work), or a DataFrame with
        one boolean (or 0/1) column per list: one row per record, or one row per pattern
        with the number of records in ``count_column``.
    count_column : str
        Name of the count column of a pattern table; ignored when absent.

    Returns
    -------
    pandas.Series
        Counts (float) indexed by pattern strings in the lists' order, sorted; missing
        patterns are zero. ``attrs["lists"]`` holds the list names (the DataFrame's columns,
        or the letters A, B, C, ... for a mapping).

    Raises
    ------
    InputError
        Fewer than two lists, histories of unequal length, a history of all zeros (a record on
        no list cannot be observed), a repeated history, non-0/1 entries, or counts that are
        negative, fractional or not finite.

    Examples
    --------
    >>> from conflictstats.mse import capture_histories
    >>> h = capture_histories({"110": 12, "101": 7, "011": 3, "100": 20, "010": 9, "001": 4})
    >>> h["111"], h.attrs["lists"]
    (np.float64(0.0), ['A', 'B', 'C'])
    """
    if isinstance(histories, pd.DataFrame):
        frame = histories
        if count_column in frame.columns:
            counts = as_counts(frame[count_column].to_numpy(), f"histories[{count_column!r}]")
            frame = frame.drop(columns=count_column)
        else:
            counts = np.ones(len(frame))
        names = [str(c) for c in frame.columns]
        values = frame.to_numpy()
        try:
            bits = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise InputError("histories: list columns must be boolean or 0/1") from None
        bad = ~np.isin(bits, (0.0, 1.0))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise InputError(
                f"histories: column {names[c]!r} must be boolean or 0/1, got {values[r, c]!r} "
                f"in row {r}"
            )
        patterns = bits.astype(int)
        keys = ["".join(map(str, row)) for row in patterns]
        if len(names) < 2:
            raise InputError(f"histories: need at least two lists, got {len(names)}: {names}")
        table = pd.Series(counts, index=keys, dtype=float).groupby(level=0).sum()
    elif isinstance(histories, Mapping):
        if not histories:
            raise InputError("histories: no capture histories given")
        keys, counts_list = [], []
        length = None
        for key, value in histories.items():
            pattern = _pattern_from_key(key)
            if length is None:
                length, first = len(pattern), key
            elif len(pattern) != length:
                raise InputError(
                    f"histories: capture histories have unequal lengths: {first!r} has "
                    f"{length} lists but {key!r} has {len(pattern)}"
                )
            keys.append("".join(map(str, pattern)))
            counts_list.append(value)
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise InputError(f"histories: capture history {dup!r} given more than once")
        for key, value in zip(keys, counts_list, strict=True):
            as_counts(value, f"histories[{key!r}]")  # names the history with a bad count
        counts = as_counts(counts_list, "histories")
        names = list(_LETTERS[:length]) if length <= len(_LETTERS) else []
        if length < 2:
            raise InputError(f"histories: need at least two lists, got {length}")
        if length > len(_LETTERS):
            raise InputError(f"histories: at most {len(_LETTERS)} lists, got {length}")
        table = pd.Series(counts, index=keys, dtype=float)
    else:
        raise InputError(
            "histories must be a mapping {'110': count, ...} or a DataFrame with one column per "
            f"list, got {type(histories).__name__}"
        )
    k = len(names)
    zero = "0" * k
    if zero in table.index and table[zero] > 0:
        raise InputError(
            f"histories: the all-zero history {zero!r} (on no list) cannot be observed; "
            f"got count {table[zero]:g}"
        )
    full = ["".join(p) for p in itertools.product("01", repeat=k)][1:]
    table = table.reindex(full, fill_value=0.0).astype(float)
    if table.sum() == 0:
        raise InputError("histories: every count is zero; nothing was observed")
    table.attrs["lists"] = names
    return table


# ---------------------------------------------------------------------------------------------
# log-linear models
# ---------------------------------------------------------------------------------------------
Term = tuple[int, ...]


def _closure(generators: Sequence[Term]) -> frozenset[Term]:
    """All interaction terms (order ≥ 2) implied by the generators (hierarchy)."""
    terms: set[Term] = set()
    for g in generators:
        for r in range(2, len(g) + 1):
            terms.update(itertools.combinations(sorted(g), r))
    return frozenset(terms)


def _model_name(terms: frozenset[Term], k: int) -> str:
    """Generating class in bracket notation: [AB][C] (letters for lists in order)."""
    maximal = [t for t in terms if not any(set(t) < set(u) for u in terms)]
    covered = {i for t in terms for i in t}
    gens = sorted(maximal, key=lambda t: (t[0], -len(t), t)) + [
        (i,) for i in range(k) if i not in covered
    ]
    gens.sort(key=lambda t: t)
    return "".join("[" + "".join(_LETTERS[i] for i in g) + "]" for g in gens)


def _all_models(k: int, max_order: int) -> list[frozenset[Term]]:
    """Every hierarchical model with all main effects and interactions up to max_order."""
    models: list[frozenset[Term]] = [frozenset()]
    for order in range(2, max_order + 1):
        extended: list[frozenset[Term]] = []
        candidates = list(itertools.combinations(range(k), order))
        for base in models:
            eligible = (
                [
                    t
                    for t in candidates
                    if all(f in base for f in itertools.combinations(t, order - 1))
                ]
                if order > 2
                else candidates
            )
            for r in range(len(eligible) + 1):
                for chosen in itertools.combinations(eligible, r):
                    extended.append(base | frozenset(chosen))
                    if len(extended) > _MAX_MODELS:
                        raise InputError(
                            f"max_order={max_order} with {k} lists gives more than {_MAX_MODELS} "
                            "hierarchical models; lower max_order or pass models=[...]"
                        )
        models = extended
    return models


def _parse_model(spec: Any, k: int) -> frozenset[Term]:
    if not isinstance(spec, str):
        raise InputError(f"models: each model must be a string such as '[AB][C]', got {spec!r}")
    text = spec.strip()
    if text in ("", "independence"):
        return frozenset()
    gens = re.findall(r"[A-Za-z]+", text)
    if not gens or re.sub(r"[\[\]\s+,*A-Za-z]", "", text):
        raise InputError(f"models: cannot read model {spec!r}; write it like '[AB][AC][D]'")
    letters = _LETTERS[:k]
    out: list[Term] = []
    for g in gens:
        g = g.upper()
        bad = [c for c in g if c not in letters]
        if bad or len(set(g)) != len(g):
            raise InputError(
                f"models: model {spec!r} names list {g!r}; lists are {', '.join(letters)}"
            )
        if len(g) == k:
            raise InputError(
                f"models: model {spec!r} has the {k}-way interaction; with {k} lists it leaves "
                "the unobserved cell unidentified"
            )
        out.append(tuple(sorted(letters.index(c) for c in g)))
    return _closure(out)


def _design(patterns: np.ndarray, terms: Sequence[Term]) -> np.ndarray:
    """Intercept, main effects and interaction products (0/1 coding, as R's glm on 0/1)."""
    cols = [np.ones(len(patterns)), *patterns.T.astype(float)]
    cols += [np.prod(patterns[:, list(t)], axis=1).astype(float) for t in terms]
    return np.column_stack(cols)


def _fit_full_table(X, Y, beta, max_iter=200):
    """Poisson ML fits of one design to many complete tables (rows of Y) by Newton's method.

    The log-likelihood is concave, so Newton with step halving converges; a parameter whose
    margin is zero drifts to -inf, which only makes its cells' fitted values vanish.
    """
    B = Y.shape[0]
    beta = np.repeat(beta[None, :], B, axis=0)
    p = X.shape[1]

    def loglik(b, rows=slice(None)):
        eta = b @ X.T
        # a trial step that overshoots gives exp overflow -> -inf log-likelihood, which the
        # step halving below rejects; the warning would only be noise
        with np.errstate(over="ignore"):
            return (Y[rows] * eta - np.exp(eta)).sum(axis=1)

    ll = loglik(beta)
    eye = np.eye(p) * 1e-10
    for _ in range(max_iter):
        mu = np.exp(beta @ X.T)
        grad = (Y - mu) @ X
        hess = (X.T[None, :, :] * mu[:, None, :]) @ X + eye
        step = np.linalg.solve(hess, grad[..., None])[..., 0]
        new = beta + step
        ll_new = loglik(new)
        for _h in range(30):
            worse = ll_new < ll - 1e-12 * np.abs(ll)
            if not worse.any():
                break
            step[worse] /= 2
            new[worse] = beta[worse] + step[worse]
            ll_new[worse] = loglik(new[worse], worse)
        done = np.abs(ll_new - ll) <= 1e-13 * np.maximum(np.abs(ll), 1.0)
        beta, ll = new, ll_new
        if done.all():
            break
    return np.exp(beta @ X.T)


def _profile_loglik(X, y_obs, n, beta, N):
    """Multinomial profile log-likelihood of the total N (Cormack 1992), vectorised over N."""
    N = np.atleast_1d(np.asarray(N, dtype=float))
    Y = np.concatenate([(N - n)[:, None], np.repeat(y_obs[None, :], len(N), axis=0)], axis=1)
    mu = _fit_full_table(X, Y, beta)
    with np.errstate(divide="ignore"):
        terms = np.where(Y > 0, Y * np.log(np.maximum(mu, 1e-300)), 0.0)
    return special.gammaln(N + 1) - special.gammaln(N - n + 1) - N * np.log(N) + terms.sum(1)


def _profile_interval(X, y_obs, n, beta, f0, se_log, confidence):
    """Profile-likelihood interval for N: a vectorised grid search refined twice."""
    q = stats.chi2.ppf(confidence, 1)
    spread = min(max(se_log, 0.05), 3.0)
    f0 = max(f0, 1e-3)

    def grid(lo, hi, num=33):
        return np.linspace(lo, hi, num)

    # coarse grid in log(f0), wide enough to hold both ends in most cases
    t = np.linspace(-8 * spread, 8 * spread, 65)
    Ns = np.concatenate([[n], n + f0 * np.exp(t)])
    ll = _profile_loglik(X, y_obs, n, beta, Ns)
    grow = 0
    while ll[-1] > ll.max() - q / 2 and grow < 6:  # the upper end lies beyond the grid
        extra = n + (Ns[-1] - n) * np.exp(np.linspace(0, 2.0, 17)[1:])
        Ns = np.concatenate([Ns, extra])
        ll = np.concatenate([ll, _profile_loglik(X, y_obs, n, beta, extra)])
        grow += 1
    i = int(np.argmax(ll))
    lo_i, hi_i = max(i - 1, 0), min(i + 1, len(Ns) - 1)
    fine = grid(Ns[lo_i], Ns[hi_i], 65)
    ll_fine = _profile_loglik(X, y_obs, n, beta, fine)
    ll_max = max(ll.max(), ll_fine.max())
    j = int(np.clip(np.argmax(ll_fine), 1, len(fine) - 2))
    # the log-likelihood is flat at its maximum: finish with the vertex of a parabola
    x0, x1, x2 = fine[j - 1 : j + 2]
    y0, y1, y2 = ll_fine[j - 1 : j + 2]
    denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
    a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
    b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / denom
    if a < 0 and n <= -b / (2 * a):
        ll_max = max(ll_max, float(_profile_loglik(X, y_obs, n, beta, -b / (2 * a))[0]))
    target = ll_max - q / 2

    def crossing(a, b):
        # bracket [a, b] contains one crossing of target: refine twice, then interpolate
        for _ in range(2):
            xs = grid(a, b)
            vals = _profile_loglik(X, y_obs, n, beta, xs) - target
            sign = np.nonzero(np.diff(np.sign(vals)) != 0)[0]
            if len(sign) == 0:
                break
            j = sign[0]
            a, b = xs[j], xs[j + 1]
            va, vb = vals[j], vals[j + 1]
        return a + (b - a) * va / (va - vb)

    below = ll - target
    # lower end
    left = np.nonzero(below[: i + 1] < 0)[0]
    low = float(n) if len(left) == 0 else crossing(Ns[left[-1]], Ns[left[-1] + 1])
    right = np.nonzero(below[i:] < 0)[0]
    high = math.inf if len(right) == 0 else crossing(Ns[i + right[0] - 1], Ns[i + right[0]])
    return low, high


def _fit_model(terms, patterns, y, n, X_full_fn, confidence, criterion_n):
    """Fit one log-linear model; return a dict row of the per-model table."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    k = patterns.shape[1]
    order_terms = sorted(terms, key=lambda t: (len(t), t))
    X = _design(patterns, order_terms)
    p = X.shape[1]
    row: dict[str, Any] = {
        "model": _model_name(terms, k),
        "interactions": len(terms),
        "n_params": p,
    }
    # a term whose cells are all zero has its MLE at -inf (a boundary fit)
    zero_margins = [
        t for t in order_terms if y[np.all(patterns[:, list(t)] == 1, axis=1)].sum() == 0
    ]
    note = ""
    keep = np.ones(len(y), dtype=bool)
    cols = np.ones(p, dtype=bool)
    if zero_margins:
        note = "zero margin: " + ", ".join("".join(_LETTERS[i] for i in t) for t in zero_margins)
        # the MLE has those cells' means at 0: fit the rest with the term left out (the same
        # limit, with finite parameters and a usable covariance)
        for t in zero_margins:
            keep &= ~np.all(patterns[:, list(t)] == 1, axis=1)
            cols[1 + k + order_terms.index(t)] = False
    X_fit, y_fit = X[keep][:, cols], y[keep]
    if np.linalg.matrix_rank(X_fit) < X_fit.shape[1]:
        row.update(
            deviance=np.nan,
            df=int(keep.sum()) - int(cols.sum()),
            gof_pvalue=np.nan,
            aic=np.nan,
            bic=np.nan,
            missing=np.nan,
            estimate=np.nan,
            se=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            status="no estimate",
            note=(note + "; " if note else "") + "not identifiable",
        )
        return row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            res = sm.GLM(y_fit, X_fit, family=sm.families.Poisson()).fit(maxiter=200, tol=1e-12)
            beta = np.asarray(res.params)
            cov00 = float(np.asarray(res.cov_params())[0, 0])
            converged = bool(res.converged)
            llf = float(res.llf)
            deviance = float(res.deviance)
        except (np.linalg.LinAlgError, ValueError, OverflowError) as exc:  # pragma: no cover
            beta, converged, llf, deviance, cov00 = None, False, np.nan, np.nan, np.nan
            note = f"fit failed: {exc}"
    missing = math.exp(beta[0]) if beta is not None and beta[0] < 700 else math.inf
    ok = (
        beta is not None
        and converged
        and np.all(np.isfinite(beta))
        and math.isfinite(missing)
        and missing <= 1e4 * max(n, 1.0)
        and np.isfinite(cov00)
    )
    p = int(cols.sum())  # parameters at the boundary (-inf) are not counted
    row["n_params"] = p
    df_resid = int(keep.sum()) - p
    row.update(deviance=deviance, df=df_resid)
    row["gof_pvalue"] = float(stats.chi2.sf(deviance, df_resid)) if df_resid > 0 else np.nan
    row["aic"] = -2 * llf + 2 * p
    row["bic"] = -2 * llf + p * math.log(criterion_n)
    if not ok:
        row.update(
            missing=np.nan,
            estimate=np.nan,
            se=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            status="no estimate",
            note=(note + "; " if note else "")
            + ("did not converge" if beta is not None and not converged else "unbounded estimate"),
        )
        return row
    var = missing + missing**2 * cov00
    se = math.sqrt(var)
    X_full = X_full_fn(order_terms)[np.concatenate([[True], keep])][:, cols]
    low, high = _profile_interval(
        X_full, y_fit, n, beta, missing, se / max(missing, 1e-12), confidence
    )
    row.update(
        missing=missing,
        estimate=n + missing,
        se=se,
        ci_low=low,
        ci_high=high,
        status="boundary" if zero_margins else "ok",
        note=note,
    )
    return row


def loglinear(
    histories: Any,
    *,
    max_order: int | None = None,
    models: Any = "all",
    criterion: str = "bic",
    confidence: float = 0.95,
    count_column: str = "count",
) -> LoglinearEstimate:
    """Population size from three or more overlapping lists by log-linear models.

    Parameters
    ----------
    histories : mapping or DataFrame
        Capture-history counts (``{"110": 12, "101": 7, ...}``) or a DataFrame with one
        boolean column per list (records, or patterns with a ``count_column``); see
        :func:`capture_histories`. The lists are lettered A, B, C, ... in column order.
    max_order : int, optional
        Highest interaction order fitted; default 2 (pairwise dependence), at most
        ``lists - 1`` (the highest-order interaction is not identifiable).
    models : "all" or sequence of str
        ``"all"`` fits every hierarchical model up to ``max_order``; or a list of models in
        bracket notation, e.g. ``["[A][B][C]", "[AB][C]", "[AB][AC]"]`` (main effects are
        always included; "independence" is accepted).
    criterion : {"bic", "aic"}
        Information criterion for ranking and weighting the models.
    confidence : float
        Confidence level, default 0.95.
    count_column : str
        Count column of a pattern DataFrame.

    Returns
    -------
    LoglinearEstimate
        The weighted average total with its interval; ``models`` (DataFrame, best first): per
        model the interactions, parameters, deviance and its df and p-value, AIC, BIC, the
        estimated unobserved count ``missing``, the total ``estimate`` with its ``se`` and
        profile-likelihood ``ci_low``/``ci_high``, the ``weight``, ``status`` ("ok",
        "boundary" or "no estimate") and a ``note``.

    Raises
    ------
    InputError
        Bad histories (see :func:`capture_histories`), fewer than three lists, a bad
        ``max_order`` or model, an unknown criterion, or no model with an estimate.

    Notes
    -----
    Each model is a Poisson GLM for the observed cells, log μ = β0 + Σ βᵢxᵢ + Σ β_T ∏_{i∈T} xᵢ
    (x = 0/1 list membership); the unobserved cell (on no list) is exp(β0) and the total is
    n + exp(β0) (Fienberg 1972). Its variance is exp(β0) + exp(2β0)·var(β0) (Cormack 1989).
    The profile-likelihood interval is {N : 2[ℓ(N̂) - ℓ(N)] ≤ χ²₁}, ℓ the multinomial
    log-likelihood maximised over the model's parameters for a fixed N, found by fitting the
    model to the complete table with N - n in the unobserved cell (Cormack 1992). BIC uses
    log n, n the number observed. Weights are exp(-Δ/2) normalised over models with an
    estimate; the average's variance is [Σ w √(var + (N̂ - N̄)²)]² (Buckland et al. 1997)
    and its interval is log-normal on N̄ - n (Chao 1987). A model with a zero margin for
    one of its interactions has that parameter at -inf: it is fitted, flagged "boundary" and
    kept; a model whose unobserved cell has no finite estimate is flagged "no estimate" and
    gets no weight.

    References
    ----------
    Fienberg, S. E. (1972). The multiple recapture census for closed populations and
    incomplete 2^k contingency tables. Biometrika 59, 591-603.
    Cormack, R. M. (1989). Log-linear models for capture-recapture. Biometrics 45, 395-413.
    Cormack, R. M. (1992). Interval estimation for mark-recapture studies of closed
    populations. Biometrics 48, 567-576.
    Buckland, S. T., Burnham, K. P. and Augustin, N. H. (1997). Model selection: an integral
    part of inference. Biometrics 53, 603-618.
    Chao, A., Tsay, P. K., Lin, S. H., Shau, W. Y. and Chao, D. Y. (2001). The applications of
    capture-recapture models to epidemiological data. Statistics in Medicine 20, 3123-3157.

    Examples
    --------
    >>> from conflictstats.mse import loglinear
    >>> hav = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}
    >>> r = loglinear(hav)                      # hepatitis A, Taiwan 1995: three lists
    >>> r.best_model, round(r.models["estimate"].iloc[0]), round(float(r.models["weight"].iloc[0]), 2)
    ('[AB][AC][BC]', 1313, 0.94)
    >>> round(r.estimate), r.observed
    (1262, 271.0)
    """
    criterion = check_choice(criterion, CRITERIA, "criterion")
    confidence = as_confidence(confidence)
    table = capture_histories(histories, count_column=count_column)
    names = table.attrs["lists"]
    k = len(names)
    if k < 3:
        raise InputError(
            f"histories: log-linear models need at least three lists, got {k}; use two_list for two"
        )
    if k > _MAX_LISTS:
        raise InputError(f"histories: at most {_MAX_LISTS} lists are supported, got {k}")
    if max_order is None:
        max_order = 2
    if isinstance(max_order, bool) or not isinstance(max_order, (int, np.integer)):
        raise InputError(f"max_order must be an integer, got {max_order!r}")
    if not 1 <= max_order <= k - 1:
        raise InputError(f"max_order must be between 1 and {k - 1} for {k} lists, got {max_order}")
    if isinstance(models, str) and models == "all":
        model_terms = _all_models(k, int(max_order))
    elif isinstance(models, str):
        raise InputError(f"models must be 'all' or a list of model strings, got {models!r}")
    else:
        model_terms = list(dict.fromkeys(_parse_model(m, k) for m in models))
        if not model_terms:
            raise InputError("models: no model given")

    patterns = np.array([[int(c) for c in key] for key in table.index])
    y = table.to_numpy()
    n = float(y.sum())
    full_patterns = np.vstack([np.zeros(k, dtype=int), patterns])

    def full_design(terms):
        return _design(full_patterns, terms)

    rows = [_fit_model(t, patterns, y, n, full_design, confidence, n) for t in model_terms]
    frame = pd.DataFrame(rows)
    usable = frame["status"] != "no estimate"
    if not usable.any():
        raise InputError(
            "histories: no model gives a finite estimate of the unobserved cell "
            "(too many zero cells); try fewer interactions"
        )
    ic = frame[criterion].where(usable)
    delta = ic - ic.min()
    w = np.exp(-0.5 * delta)
    frame["weight"] = (w / w.sum()).fillna(0.0)
    frame = frame.sort_values([criterion, "interactions"], kind="mergesort", na_position="last")
    frame = frame.reset_index(drop=True)
    columns = [
        "model",
        "interactions",
        "n_params",
        "deviance",
        "df",
        "gof_pvalue",
        "aic",
        "bic",
        "weight",
        "missing",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "status",
        "note",
    ]
    frame = frame[columns]

    ok = frame[frame["weight"] > 0]
    wts = ok["weight"].to_numpy()
    est = float(np.sum(wts * ok["estimate"].to_numpy()))
    var_m = ok["se"].to_numpy() ** 2
    var = float(np.sum(wts * np.sqrt(var_m + (ok["estimate"].to_numpy() - est) ** 2)) ** 2)
    lo, hi = _lognormal_interval(np.asarray(n), np.asarray(est), np.asarray(var), confidence)
    return LoglinearEstimate(
        estimate=est,
        ci_low=float(lo),
        ci_high=float(hi),
        confidence=confidence,
        method=f"log-linear, {criterion.upper()}-weighted average, log-normal CI",
        quantity="population size",
        observed=n,
        se=math.sqrt(var),
        best_model=str(frame["model"].iloc[0]),
        criterion=criterion,
        models=frame,
        lists=dict(zip(_LETTERS[:k], names, strict=True)),
        histories=table,
    )
