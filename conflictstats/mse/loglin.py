"""Three or more lists: hierarchical log-linear models, profile intervals, model averaging."""

import itertools
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from .._validation import (
    InputError,
    as_confidence,
    check_choice,
)
from ..results import Estimate, aux_field, result
from .histories import _LETTERS, _MAX_LISTS, capture_histories, check_lists
from .twolist import _lognormal_interval

CRITERIA = ("bic", "aic")
#: Model spaces of graphical models: the interactions are the cliques of a graph on the lists.
GRAPH_SPACES = ("graphical", "decomposable", "stepwise")
_MAX_MODELS = 4096


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
                            "hierarchical models; lower max_order, pass models=[...], or use "
                            "models='stepwise' (a search over graphical models) or mse.bma"
                        )
        models = extended
    return models


def _graph_models(k: int, space: str) -> list[frozenset[Term]]:
    """Every graphical (or decomposable) model on k lists but the saturated one."""
    from .graphs import all_graphs, decomposable_graphs

    pairs = k * (k - 1) // 2
    count = 2**pairs if space == "graphical" else {3: 8, 4: 61, 5: 822, 6: 18154}.get(k, 0)
    if count - 1 > _MAX_MODELS:
        raise InputError(
            f"models={space!r} with {k} lists gives {count - 1:,} models, more than "
            f"{_MAX_MODELS:,} to fit; use models='stepwise' (a search over graphical models), "
            "or mse.bma, which averages all 18,154 decomposable models of 6 lists in closed form"
        )
    graphs = all_graphs(k) if space == "graphical" else decomposable_graphs(k)
    return [_closure(g.cliques) for g in graphs if all(len(c) < k for c in g.cliques)]


def _stepwise(fit, k: int, criterion: str) -> list[dict[str, Any]]:
    """Greedy search over graphical models: from independence, add or drop the one edge that
    lowers the criterion most, until none does (Edwards and Havranek 1985). Returns the rows
    of every model visited, each fitted once."""
    from .graphs import graph_from_cliques

    pairs = list(itertools.combinations(range(k), 2))
    fitted: dict[frozenset, dict[str, Any]] = {}

    def score(edges: frozenset) -> float:
        if edges not in fitted:
            graph = graph_from_cliques([tuple(e) for e in edges] + [(i,) for i in range(k)], k)
            if any(len(c) == k for c in graph.cliques):
                return math.inf  # the saturated model leaves the unobserved cell unidentified
            fitted[edges] = fit(_closure(graph.cliques))
        row = fitted[edges]
        value = row[criterion]
        return value if row["status"] != "no estimate" and np.isfinite(value) else math.inf

    current: frozenset = frozenset()
    best = score(current)
    while True:
        moves = [current ^ {p} for p in pairs]
        scores = [score(m) for m in moves]
        j = int(np.argmin(scores))
        if not scores[j] < best - 1e-9:
            break
        current, best = moves[j], scores[j]
    for row in fitted.values():
        row["note"] = (row["note"] + "; " if row["note"] else "") + "stepwise"
    return list(fitted.values())


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
    with np.errstate(all="ignore"):
        return (np.linalg.pinv(A, rcond=1e-12, hermitian=True) @ b[..., None])[..., 0]


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
        step = _batched_solve(hess, grad)
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
    if ok and missing < 1e-6 * max(n, 1.0):
        # a zero cell forces the unobserved cell's estimate to 0 (e.g. [AB][AC][BC] with no
        # one on all three lists): the MLE is on the boundary and has no usable interval
        ok, zero_cell = False, True
    else:
        zero_cell = False
    if not ok:
        if zero_cell:
            why = "unobserved cell estimated at 0 (boundary: a zero cell forces it)"
        elif beta is not None and not converged:
            why = "did not converge"
        else:
            why = "unbounded estimate"
        row.update(
            missing=np.nan,
            estimate=np.nan,
            se=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            status="no estimate",
            note=(note + "; " if note else "") + why,
        )
        return row
    var = missing + missing**2 * cov00
    se = math.sqrt(var)
    X_full = X_full_fn(order_terms)[np.concatenate([[True], keep])][:, cols]
    try:
        with np.errstate(all="ignore"):
            low, high = _profile_interval(
                X_full, y_fit, n, beta, missing, se / max(missing, 1e-12), confidence
            )
    except (np.linalg.LinAlgError, FloatingPointError, ValueError, IndexError):
        low = high = np.nan
    if not (np.isfinite(low) and (np.isfinite(high) or high == math.inf)):
        low = high = np.nan
        note = (note + "; " if note else "") + "no profile interval (boundary fit)"
        zero_margins = zero_margins or ["profile"]
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
        ``lists - 1`` (the highest-order interaction is not identifiable). Not with the graph
        model spaces, whose interactions are the graphs' cliques.
    models : {"all", "graphical", "decomposable", "stepwise"} or sequence of str
        ``"all"`` fits every hierarchical model up to ``max_order``; ``"graphical"`` every
        graphical model (the interactions are the cliques of a graph on the lists; 1,023 for
        5 lists) and ``"decomposable"`` those with a chordal graph (821 for 5 lists), the
        saturated model left out; ``"stepwise"`` a greedy search over graphical models from
        independence, adding or dropping one edge at a time while the criterion falls (the
        average is then over the models visited): the way to 6 lists, whose spaces are too
        large to fit whole. Or a list of models in bracket notation, e.g. ``["[A][B][C]",
        "[AB][C]", "[AB][AC]"]`` (main effects are always included; "independence" is
        accepted).
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
        Bad histories (see :func:`capture_histories`), fewer than three lists, a list that
        records nobody, no record on two lists or more, a list that shares no record with
        any other, a bad ``max_order`` or model, an unknown criterion, or no model with an
        estimate.

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
    Edwards, D. and Havranek, T. (1985). A fast procedure for model search in multidimensional
    contingency tables. Biometrika 72, 339-351.

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
    isolated = check_lists(table)
    if isolated:
        raise InputError(
            "histories: list(s) "
            + ", ".join(repr(names[i]) for i in isolated)
            + " share no record with any other list, so nothing estimates what they miss "
            "(every log-linear estimate is unbounded); drop or merge the list(s)"
        )
    spaces = ("all", *GRAPH_SPACES)
    if isinstance(models, str) and models not in spaces:
        raise InputError(
            f"models must be one of {', '.join(map(repr, spaces))} or a list of model strings, "
            f"got {models!r}"
        )
    if isinstance(models, str) and models in GRAPH_SPACES:
        if max_order is not None:
            raise InputError(
                f"max_order: models={models!r} takes its interactions from the graphs' cliques; "
                "leave max_order out"
            )
        max_order = k - 1
    if max_order is None:
        max_order = 2
    if isinstance(max_order, bool) or not isinstance(max_order, (int, np.integer)):
        raise InputError(f"max_order must be an integer, got {max_order!r}")
    if not 1 <= max_order <= k - 1:
        raise InputError(f"max_order must be between 1 and {k - 1} for {k} lists, got {max_order}")
    model_terms: list[frozenset[Term]] = []
    if isinstance(models, str) and models == "all":
        model_terms = _all_models(k, int(max_order))
    elif isinstance(models, str) and models in ("graphical", "decomposable"):
        model_terms = _graph_models(k, models)
    elif not isinstance(models, str):
        model_terms = list(dict.fromkeys(_parse_model(m, k) for m in models))
        if not model_terms:
            raise InputError("models: no model given")

    patterns = np.array([[int(c) for c in key] for key in table.index])
    y = table.to_numpy()
    n = float(y.sum())
    full_patterns = np.vstack([np.zeros(k, dtype=int), patterns])

    def full_design(terms):
        return _design(full_patterns, terms)

    if isinstance(models, str) and models == "stepwise":
        rows = _stepwise(
            lambda t: _fit_model(t, patterns, y, n, full_design, confidence, n), k, criterion
        )
    else:
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
