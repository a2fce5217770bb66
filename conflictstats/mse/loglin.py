"""Three or more lists: hierarchical log-linear models, profile intervals, model averaging."""

import itertools
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import (
    InputError,
    as_confidence,
    check_choice,
)
from ..results import Estimate, aux_field, result
from .histories import _LETTERS, _MAX_LISTS, capture_histories, check_lists
from .profile import ProfileJob, poisson_fits, profile_intervals
from .twolist import _lognormal_interval

CRITERIA = ("bic", "aic")
#: Sample sizes for the BIC's log n: the number of people observed, or the number of cells.
BIC_N = ("observed", "cells")
#: Model spaces of graphical models: the interactions are the cliques of a graph on the lists.
GRAPH_SPACES = ("graphical", "decomposable", "stepwise")
_MAX_MODELS = 4096


@result
class LoglinearEstimate(Estimate):
    """Model-averaged population size from a log-linear fit of three or more lists.

    ``estimate``/``ci_low``/``ci_high`` are the information-criterion weighted average and its
    interval; ``models`` is the per-model table (one row per hierarchical model, best first);
    :meth:`coefficients` gives a model's coefficients as R's ``summary(glm(...))`` does;
    ``lists`` maps the model letters to the list names; ``histories`` the observed
    capture-history counts; ``bic_n`` the BIC's sample size (``"observed"`` or ``"cells"``).
    """

    observed: Any = None
    se: Any = None
    best_model: str = ""
    criterion: str = aux_field("bic")
    bic_n: str = aux_field("observed")
    models: Any = aux_field()
    lists: Any = aux_field()
    histories: Any = aux_field()
    fits: Any = aux_field()

    def model(self, name: str) -> pd.Series:
        """The row of :attr:`models` for the model called ``name`` (e.g. ``"[AB][C]"``)."""
        table = self.models.set_index("model")
        if name not in table.index:
            raise InputError(f"unknown model {name!r}; fitted: " + ", ".join(table.index))
        return table.loc[name]

    def coefficients(self, model: str | None = None) -> pd.DataFrame:
        """A model's coefficients as R's ``coef(summary(glm(...)))`` gives them.

        Parameters
        ----------
        model : str, optional
            A model of :attr:`models` in bracket notation (``"[AB][C]"``); default the best
            model (:attr:`best_model`). ``"all"`` stacks every fitted model, with a ``model``
            column.

        Returns
        -------
        pandas.DataFrame
            Indexed by R's term names (``"(Intercept)"``, the list names, ``"A:B"`` for
            interactions; see :func:`loglinear`), with columns ``estimate``, ``se``, ``z``,
            ``pvalue`` (two-sided, normal) and ``note``. A term whose cells are all zero has
            its estimate at ``-inf`` (R's glm stops at a large negative number with a huge
            standard error) and no se, z or p-value; its ``note`` says so.

        Raises
        ------
        InputError
            An unknown model, or one with no fit (not identifiable).

        Examples
        --------
        >>> from conflictstats.mse import loglinear
        >>> hav = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}
        >>> r = loglinear(hav, models=["[AB][C]"])
        >>> r.coefficients("[AB][C]").round(4)[["estimate", "se"]]
                     estimate      se
        term
        (Intercept)    4.9767  0.1966
        A             -0.8832  0.1964
        B             -1.0471  0.2016
        C             -0.8336  0.1509
        A:B            0.4846  0.2696
        """
        fits = self.fits or {}
        if model == "all":
            frames = [self.coefficients(m).reset_index() for m in self.models["model"] if m in fits]
            table = pd.concat(frames, keys=[m for m in self.models["model"] if m in fits])
            table = table.reset_index(level=0, names="model").reset_index(drop=True)
            return table[["model", "term", "estimate", "se", "z", "pvalue", "note"]]
        name = self.best_model if model is None else model
        if name not in fits:
            known = list(self.models["model"])
            if name not in known:
                raise InputError(f"model: unknown model {name!r}; fitted: " + ", ".join(known))
            raise InputError(
                f"model: {name!r} has no fit ({self.model(name)['note']}), so no coefficients"
            )
        return _coefficient_table(fits[name], list(self.lists.values()))


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

    def scores(candidates: list[frozenset]) -> list[float]:
        new, terms = [], []
        for edges in dict.fromkeys(candidates):
            if edges in fitted:
                continue
            graph = graph_from_cliques([tuple(e) for e in edges] + [(i,) for i in range(k)], k)
            if all(len(c) < k for c in graph.cliques):  # the saturated model: unidentified
                new.append(edges)
                terms.append(_closure(graph.cliques))
        for edges, row in zip(new, fit(terms), strict=True):  # one batch per step
            fitted[edges] = row
        out = []
        for edges in candidates:
            row = fitted.get(edges)
            ok = row is not None and row["status"] != "no estimate" and np.isfinite(row[criterion])
            out.append(row[criterion] if ok else math.inf)
        return out

    current: frozenset = frozenset()
    best = scores([current])[0]
    while True:
        moves = [current ^ {p} for p in pairs]
        values = scores(moves)
        j = int(np.argmin(values))
        if not values[j] < best - 1e-9:
            break
        current, best = moves[j], values[j]
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


_R_RESERVED = frozenset(
    "if else repeat while function for next break TRUE FALSE NULL Inf NaN NA NA_integer_ "
    "NA_real_ NA_character_ NA_complex_ in".split()
)


def _r_name(name: str) -> str:
    """A list name as R writes it in a formula's term labels: backquoted unless syntactic."""
    syntactic = re.fullmatch(r"(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*|\.", name) is not None
    return name if syntactic and name not in _R_RESERVED else f"`{name}`"


def _coefficient_table(fit: dict[str, Any], names) -> pd.DataFrame:
    """R's coef(summary(glm)) for one model: estimates, se, z and p-values by R term name."""
    r_names = [_r_name(str(m)) for m in names]
    terms = ["(Intercept)", *r_names]
    terms += [":".join(r_names[i] for i in t) for t in fit["order_terms"]]
    cols = fit["cols"]
    est = np.full(len(terms), -math.inf)
    se = np.full(len(terms), math.nan)
    est[cols] = fit["beta"]
    with np.errstate(invalid="ignore"):
        se[cols] = np.sqrt(np.diag(fit["cov"]))
        z = est / se
    p = 2 * stats.norm.sf(np.abs(z))
    note = np.where(
        cols,
        "",
        "zero margin: estimate at -inf (R's glm stops at a large negative value with a huge se)",
    )
    if not fit["converged"]:
        note = np.where(cols, "did not converge", note)
    frame = pd.DataFrame(
        {"estimate": est, "se": se, "z": z, "pvalue": p, "note": note},
        index=pd.Index(terms, name="term"),
    )
    return frame


def _design(patterns: np.ndarray, terms: Sequence[Term]) -> np.ndarray:
    """Intercept, main effects and interaction products (0/1 coding, as R's glm on 0/1)."""
    cols = [np.ones(len(patterns)), *patterns.T.astype(float)]
    cols += [np.prod(patterns[:, list(t)], axis=1).astype(float) for t in terms]
    return np.column_stack(cols)


def _fit_models(model_terms, patterns, y, n, X_full_fn, criterion_n):
    """Fit log-linear models, all in one batched Newton pass; return the per-model rows."""
    preps = [_prepare_model(t, patterns, y) for t in model_terms]
    todo = [p for p in preps if "X_fit" in p]
    with np.errstate(all="ignore"):
        fits = poisson_fits([(p["X_fit"], p["y_fit"]) for p in todo])
    for p, fit in zip(todo, fits, strict=True):
        _finish_model(p, fit, n, X_full_fn, criterion_n)
    return [p["row"] for p in preps]


def _prepare_model(terms, patterns, y):
    """Design and boundary handling of one model, before its fit."""
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
        return {"row": row}
    return {
        "row": row,
        "X_fit": X_fit,
        "y_fit": y_fit,
        "keep": keep,
        "cols": cols,
        "order_terms": order_terms,
        "note": note,
        "zero_margins": zero_margins,
    }


def _finish_model(prep, fit, n, X_full_fn, criterion_n):
    """The row of one fitted model: criteria, estimate, status; its profile job."""
    row, keep, cols, note = prep["row"], prep["keep"], prep["cols"], prep["note"]
    y_fit, zero_margins = prep["y_fit"], prep["zero_margins"]
    beta, cov00, converged = fit["beta"], fit["cov00"], fit["converged"]
    llf, deviance = fit["llf"], fit["deviance"]
    if beta is not None and np.all(np.isfinite(beta)):
        row["_coef"] = (prep, fit)
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
        return
    var = missing + missing**2 * cov00
    se = math.sqrt(var)
    X_full = X_full_fn(prep["order_terms"])[np.concatenate([[True], keep])][:, cols]
    row.update(
        missing=missing,
        estimate=n + missing,
        se=se,
        ci_low=np.nan,
        ci_high=np.nan,
        status="boundary" if zero_margins else "ok",
        note=note,
    )
    # the profile interval is computed later, for all models in one batch
    row["_job"] = ProfileJob(
        X_full, y_fit, np.asarray(beta, float), missing, se / max(missing, 1e-12)
    )


def _add_intervals(rows: list[dict[str, Any]], n: float, confidence: float) -> None:
    """Profile-likelihood intervals of every model with an estimate, in one batch."""
    todo = [r for r in rows if r.get("_job") is not None]
    try:
        with np.errstate(all="ignore"):
            intervals = profile_intervals([r["_job"] for r in todo], n, confidence)
    except (np.linalg.LinAlgError, FloatingPointError, ValueError, IndexError):
        # one bad model must not cost the others their intervals: fall back to one at a time
        intervals = []
        for r in todo:
            try:
                with np.errstate(all="ignore"):
                    intervals += profile_intervals([r["_job"]], n, confidence)
            except (np.linalg.LinAlgError, FloatingPointError, ValueError, IndexError):
                intervals.append((np.nan, np.nan, np.nan))
    for r, (nhat, low, high) in zip(todo, intervals, strict=True):
        r["estimate_multinomial"] = nhat if np.isfinite(nhat) else np.nan
        if np.isfinite(low) and (np.isfinite(high) or high == math.inf):
            r.update(ci_low=low, ci_high=high)
        else:
            r["note"] = (
                r["note"] + "; " if r["note"] else ""
            ) + "no profile interval (boundary fit)"
            r["status"] = "boundary"
    for r in rows:
        r.pop("_job", None)


def _check_bic_n(bic_n: Any) -> str:
    return check_choice(bic_n, BIC_N, "bic_n")


def loglinear(
    histories: Any,
    *,
    max_order: int | None = None,
    models: Any = "all",
    criterion: str = "bic",
    confidence: float = 0.95,
    bic_n: str = "observed",
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
    bic_n : {"observed", "cells"}
        The BIC's sample size: ``"observed"`` (default) takes log n, n the number of people
        observed, as Rcapture and the capture-recapture literature do; ``"cells"`` takes the
        log of the number of observed cells (2^k - 1, zero cells included), as R's ``BIC()``
        on the cell GLM does. The two rank models differently when n is large.
    count_column : str
        Count column of a pattern DataFrame.

    Returns
    -------
    LoglinearEstimate
        The weighted average total with its interval; ``models`` (DataFrame, best first): per
        model the interactions, parameters, deviance and its df and p-value, AIC, BIC, the
        estimated unobserved count ``missing``, the total ``estimate`` (Poisson maximum
        likelihood, R ``closedp``'s "abundance") with its ``se`` and profile-likelihood
        ``ci_low``/``ci_high``, the conditional multinomial maximum-likelihood total
        ``estimate_multinomial`` (Rcapture ``closedpCI.t``'s "abundance"), the ``weight``,
        ``status`` ("ok", "boundary" or "no estimate") and a ``note``. Each model's
        coefficients: ``result.coefficients("[AB][C]")`` (see
        :meth:`LoglinearEstimate.coefficients`).

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
    The coefficients are R's ``glm(count ~ A + B + C + A:B + ..., family = poisson)`` on the
    observed cells with 0/1 numeric list columns named as the lists: the same estimates,
    standard errors (inverse Fisher information), z and two-sided normal p-values, and R's
    term names (``"(Intercept)"``, the list names, interactions joined by ``:`` in the
    lists' order, ordered by degree, non-syntactic names in backquotes).

    The profile-likelihood interval is {N : 2[ℓ(N̂) - ℓ(N)] ≤ χ²₁}, ℓ the multinomial
    log-likelihood maximised over the model's parameters for a fixed N, found by fitting the
    model to the complete table with N - n in the unobserved cell (Cormack 1992); its
    maximiser (continuous in N) is the conditional multinomial maximum-likelihood estimate,
    ``estimate_multinomial``, a little below the Poisson one. Rcapture's ``closedpCI.t``
    reports the same maximiser, found by ``optimize`` to 1e-4 and with Stirling's formula for
    the factorials above N = 100: its value differs from this exact one by about 1e-5
    relative (Baillargeon and Rivest 2007). Restricted to whole numbers, the likelihood's
    maximiser (Sanathanan 1972) is, the profile being unimodal, one of the two integers
    around it. The maximum and both ends of every model are solved together by Newton steps
    in (log(N - n), β) jointly, whose quadratic model of the profile has closed-form slope
    and curvature in N (Venzon and Moolgavkar 1988), with a bracketed search as fallback.

    The BIC is -2ℓ + p log m with m = n, the number observed (``bic_n="observed"``), or the
    number of cells (``bic_n="cells"``). Weights are exp(-Δ/2) normalised over models with an
    estimate; the average's variance is [Σ w √(var + (N̂ - N̄)²)]² (Buckland et al. 1997)
    and its interval is log-normal on N̄ - n (Chao 1987). A model with a zero margin for
    one of its interactions has that parameter at -inf: it is fitted, flagged "boundary" and
    kept; a model whose unobserved cell has no finite estimate, or whose unobserved cell a
    zero cell forces to 0 (e.g. [AB][AC][BC] with nobody on all three lists), is flagged "no
    estimate" and gets no weight; a model whose profile interval cannot be computed keeps its
    estimate, is flagged "boundary" and has no interval. All models are fitted together by
    batched Newton passes, and so are their profile intervals (see ``mse.profile``).

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
    Sanathanan, L. (1972). Estimating the size of a multinomial population. Annals of
    Mathematical Statistics 43, 142-152.
    Baillargeon, S. and Rivest, L.-P. (2007). Rcapture: loglinear models for capture-recapture
    in R. Journal of Statistical Software 19(5), 1-31.
    Venzon, D. J. and Moolgavkar, S. H. (1988). A method for computing profile-likelihood-based
    confidence intervals. Applied Statistics 37, 87-94.

    Examples
    --------
    >>> from conflictstats.mse import loglinear
    >>> hav = {"001": 63, "010": 55, "011": 18, "100": 69, "101": 17, "110": 21, "111": 28}
    >>> r = loglinear(hav)                      # hepatitis A, Taiwan 1995: three lists
    >>> r.best_model, round(r.models["estimate"].iloc[0]), round(float(r.models["weight"].iloc[0]), 2)
    ('[AB][AC][BC]', 1313, 0.94)
    >>> round(r.estimate), r.observed
    (1262, 271.0)
    >>> row = r.model("[AB][AC][BC]")     # Poisson and conditional multinomial N-hat
    >>> print(round(row["estimate"], 1), round(row["estimate_multinomial"], 1))
    1312.8 1286.0
    >>> r.coefficients("[A][B][C]").round(3)
                 estimate     se       z  pvalue note
    term
    (Intercept)     4.766  0.159  30.058     0.0
    A              -0.630  0.136  -4.622     0.0
    B              -0.781  0.136  -5.746     0.0
    C              -0.734  0.136  -5.397     0.0
    >>> loglinear(hav, bic_n="cells").best_model  # log(7 cells), as R's BIC() on the cell glm
    '[AB][AC][BC]'
    """
    criterion = check_choice(criterion, CRITERIA, "criterion")
    bic_n = _check_bic_n(bic_n)
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

    # R's BIC() on the cell GLM takes log(nobs), nobs the number of cells (2^k - 1 with the
    # zero cells); Rcapture and the capture-recapture literature take log(n), n observed
    criterion_n = n if bic_n == "observed" else float(len(y))
    if isinstance(models, str) and models == "stepwise":
        rows = _stepwise(
            lambda terms: _fit_models(terms, patterns, y, n, full_design, criterion_n),
            k,
            criterion,
        )
    else:
        rows = _fit_models(model_terms, patterns, y, n, full_design, criterion_n)
    _add_intervals(rows, n, confidence)
    fits = {}
    for r in rows:
        coef = r.pop("_coef", None)
        if coef is not None:  # the tables are built when asked for
            prep, fit = coef
            fits[r["model"]] = {
                "order_terms": prep["order_terms"],
                "cols": prep["cols"],
                "beta": fit["beta"],
                "cov": fit["cov"],
                "converged": fit["converged"],
            }
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
        "estimate_multinomial",
        "status",
        "note",
    ]
    if "estimate_multinomial" not in frame:
        frame["estimate_multinomial"] = np.nan
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
        bic_n=bic_n,
        models=frame,
        lists=dict(zip(_LETTERS[:k], names, strict=True)),
        histories=table,
        fits=fits,
    )
