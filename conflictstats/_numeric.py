"""The one numerics layer shared by the statistical modules.

Broadcasting of named arguments (an :class:`~conflictstats._validation.InputError` that names
each argument and its shape when they do not fit together), the alignment of pandas arguments
on their index (:func:`align`, :func:`pandas_aligned`), the ``x <= n`` check, the normal
quantile of a confidence level, the normal p-value for each ``alternative=``, and the one
vectorised bracketed root finder. Statistical modules call these rather than writing their own.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from ._validation import InputError

__all__ = [
    "ALTERNATIVES",
    "REL_ERR",
    "AlignmentError",
    "Broadcast",
    "align",
    "pandas_aligned",
    "check_same_index",
    "label",
    "broadcast",
    "check_le",
    "z_quantile",
    "normal_pvalue",
    "t_quantile",
    "t_pvalue",
    "solve",
    "int_search",
    "binom_cdf",
    "binom_sf_ge",
    "binom_twosided_pvalue",
    "binom_logpmf",
    "pois_logpmf",
    "binom_midp_limits",
    "pois_midp_limits",
    "stirlerr",
    "bd0",
    "TSMETHODS",
    "exact_twosided_pvalue",
    "exact_matching_ci",
    "midp_pvalue",
    "clopper_pearson",
    "tail_pvalue",
]

#: R's tolerance for "as or less probable" in exact two-sided p-values (``binom.test``,
#: ``fisher.test``): outcomes within this factor of the observed one's probability count.
REL_ERR = 1 + 1e-7

#: The ``alternative=`` choices of every test.
ALTERNATIVES = ("two-sided", "larger", "smaller")


class AlignmentError(InputError):
    """pandas arguments whose index labels differ (or cannot be matched one to one)."""


class Broadcast(tuple):
    """The arrays :func:`broadcast` returns (a tuple, so it unpacks as one), with ``index``:
    the labels of the first pandas argument, or ``None`` when none was pandas."""

    index: pd.Index | None = None


_PANDAS = (pd.Series, pd.DataFrame)
_SHOWN_LABELS = 5


def _labels(values: Any) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:_SHOWN_LABELS])
    more = len(values) - _SHOWN_LABELS
    return f"[{shown}{f', ... ({more} more)' if more > 0 else ''}]"


def _to_numpy(value: pd.Series | pd.DataFrame) -> np.ndarray:
    """Values of a Series or DataFrame; a nullable numeric column's missing values become NaN
    (which the validators then refuse by name) rather than an object array."""
    if isinstance(value, pd.Series):
        if isinstance(
            value.dtype, pd.api.extensions.ExtensionDtype
        ) and pd.api.types.is_numeric_dtype(value.dtype):
            return value.to_numpy(dtype=float, na_value=np.nan)
        return value.to_numpy()
    if all(pd.api.types.is_numeric_dtype(t) for t in value.dtypes):
        return value.to_numpy(dtype=float, na_value=np.nan)
    return value.to_numpy()


def _match(axis: str, ref: pd.Index, ref_name: str, other: pd.Index, name: str) -> Any:
    """Positions that put ``other``'s labels in ``ref``'s order (``None``: already in order)."""
    if other.equals(ref):
        return None
    if ref.has_duplicates or other.has_duplicates:
        which = ref_name if ref.has_duplicates else name
        raise AlignmentError(
            f"{ref_name} and {name} have different {axis} labels and {which} repeats labels, "
            "so they cannot be matched one to one; give every argument the same labels in the "
            "same order (or pass numpy arrays to pair the values by position)"
        )
    only_ref = ref.difference(other, sort=False)
    only_other = other.difference(ref, sort=False)
    if len(only_ref) or len(only_other):
        parts = []
        if len(only_ref):
            parts.append(f"{_labels(only_ref)} only in {ref_name}")
        if len(only_other):
            parts.append(f"{_labels(only_other)} only in {name}")
        raise AlignmentError(
            f"{ref_name} and {name} must have the same {axis} labels to be aligned: "
            + "; ".join(parts)
        )
    return other.get_indexer(ref)


def align(**named: Any) -> tuple[pd.Index | None, dict[str, Any]]:
    """Align the pandas arguments among ``named`` on their labels.

    Every pandas Series (or DataFrame) argument must carry the same set of index labels as
    the first one (and a DataFrame the same column labels as the first DataFrame); each is put
    into the first one's order and returned as a numpy array, so that element ``i`` of every
    argument belongs to the same label; a tuple or list holding pandas objects (a ``(low,
    high)`` pair) has each of them aligned. Arguments that are not pandas objects (scalars, lists,
    numpy arrays) are returned unchanged and broadcast by position: a numpy array next to a
    Series of the same length is paired with it element by element, as numpy would.

    Returns
    -------
    index : pandas.Index or None
        The first pandas argument's index (``None`` when no argument is a pandas object).
    values : dict
        The arguments by name, pandas ones replaced by aligned numpy arrays.

    Raises
    ------
    AlignmentError
        When the label sets differ (naming both arguments and the labels found in only one of
        them), or differ in order while one repeats labels.
    """
    out = dict(named)
    flat: dict[str, Any] = {}
    for name, value in named.items():
        if isinstance(value, (tuple, list)) and any(isinstance(v, _PANDAS) for v in value):
            flat.update({f"{name}[{i}]": v for i, v in enumerate(value)})  # (low, high)
        else:
            flat[name] = value
    ref_name = ref_index = None
    col_name = ref_columns = None
    for name, value in flat.items():
        if not isinstance(value, _PANDAS):
            continue
        if ref_index is None:
            ref_name, ref_index = name, value.index
        rows = _match("index", ref_index, ref_name, value.index, name)
        arr = _to_numpy(value)
        if isinstance(value, pd.DataFrame):
            if ref_columns is None:
                col_name, ref_columns = name, value.columns
            cols = _match("column", ref_columns, col_name, value.columns, name)
            if cols is not None:
                arr = arr[:, cols]
        if rows is not None:
            arr = arr[rows]
        flat[name] = arr
    for name, value in named.items():
        if isinstance(value, (tuple, list)) and any(isinstance(v, _PANDAS) for v in value):
            out[name] = type(value)(flat[f"{name}[{i}]"] for i in range(len(value)))
        else:
            out[name] = flat[name]
    return ref_index, out


def check_same_index(**named: Any) -> None:
    """Refuse pandas arguments among ``named`` whose indexes differ (in labels or order).

    For functions that reduce over their elements (per-event columns summed by group), whose
    answer has no element per label to carry an index: the columns must simply belong
    together, e.g. as columns of one DataFrame.
    """
    ref_name = ref = None
    for name, value in named.items():
        if not isinstance(value, _PANDAS):
            continue
        if ref is None:
            ref_name, ref = name, value.index
        elif not value.index.equals(ref):
            differ = "different labels" if set(value.index) != set(ref) else "another order"
            raise AlignmentError(
                f"{ref_name} and {name} have indexes with {differ}: pass "
                "columns that belong together (e.g. of one DataFrame), or reindex one like "
                "the other"
            )


def pandas_aligned(*names: str, check_only: bool = False):
    """Decorator: pandas in, pandas out for a vectorised public function.

    The arguments ``names`` are aligned on their index with :func:`align` before the function
    sees them (so it works on numpy arrays only). The answer is then labelled with the first
    pandas argument's index: a member of the result family through its ``_with_index``
    method (``to_frame()`` and ``series()`` are then indexed like the input), a plain numpy
    array by becoming a :class:`pandas.Series`. Calls without a pandas argument pass straight
    through. With ``check_only=True`` (a function whose answer has no element per label: it
    sums or pools over its elements, or keeps them in a model) the arguments are only checked
    to share one index (:func:`check_same_index`) and passed on unchanged.
    """

    def decorate(fn):
        signature = inspect.signature(fn)
        unknown = [n for n in names if n not in signature.parameters]
        if unknown:  # pragma: no cover - a programming error, caught at import
            raise TypeError(f"{fn.__name__} has no arguments {unknown}")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not any(isinstance(v, _PANDAS) for v in (*args, *kwargs.values())):
                return fn(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            present = {n: bound.arguments[n] for n in names if n in bound.arguments}
            if check_only:
                check_same_index(**present)
                return fn(*args, **kwargs)
            index, aligned = align(**present)
            bound.arguments.update(aligned)
            return label(fn(*bound.args, **bound.kwargs), index)

        return wrapper

    return decorate


def label(out: Any, index: pd.Index | None) -> Any:
    """Attach ``index`` to a function's answer when its first axis has the index's length."""
    if index is None:
        return out
    if hasattr(out, "_with_index"):
        return out._with_index(index)
    if isinstance(out, np.ndarray) and out.ndim == 1 and len(out) == len(index):
        return pd.Series(out, index=index)
    return out


def broadcast(**arrays: Any) -> Broadcast:
    """Broadcast named arrays to one shape, in the order given.

    pandas arguments are first aligned on their index (:func:`align`); the result's ``index``
    is the first pandas argument's index (``None`` when there is none).

    Raises
    ------
    InputError
        When the shapes do not broadcast; the message names every argument with its shape.
    AlignmentError
        When pandas arguments carry different labels.
    """
    index, arrays = align(**arrays)
    values = [np.asarray(v) for v in arrays.values()]
    try:
        out = Broadcast(np.broadcast_arrays(*values))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in zip(arrays, values))
        raise InputError(
            f"{', '.join(arrays)} do not broadcast together: shapes {shapes}"
        ) from None
    out.index = index
    return out


def check_le(x: np.ndarray, n: np.ndarray, xname: str, nname: str) -> None:
    """Refuse any element with ``x > n`` (successes above trials, a part above its whole)."""
    x, n = np.broadcast_arrays(np.asarray(x), np.asarray(n))
    bad = x > n
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise InputError(
            f"{xname} must not exceed {nname}, got {xname}={x[i]:g} > {nname}={n[i]:g}"
            + (f" at index {tuple(int(k) for k in i)}" if x.ndim else "")
        )


def z_quantile(confidence: float, *, one_sided: bool = False) -> float:
    """Standard normal quantile for a two-sided (default) or one-sided interval.

    ``z_quantile(0.95)`` is 1.959964; ``z_quantile(0.95, one_sided=True)`` is 1.644854.
    """
    a = 1.0 - confidence
    return float(special.ndtri(1.0 - (a if one_sided else a / 2)))


def normal_pvalue(z: Any, alternative: str = "two-sided") -> np.ndarray:
    """p-value of a standard normal statistic: ``"larger"`` is the upper tail."""
    z = np.asarray(z, dtype=float)
    if alternative == "larger":
        return special.ndtr(-z)
    if alternative == "smaller":
        return special.ndtr(z)
    return np.minimum(1.0, 2 * special.ndtr(-np.abs(z)))


def t_quantile(confidence: float, df: Any) -> Any:
    """Student t quantile for a two-sided interval with ``df`` degrees of freedom (array or
    scalar; ``inf`` gives the normal quantile)."""
    q = special.stdtrit(np.asarray(df, dtype=float), 0.5 + confidence / 2)
    return float(q) if np.ndim(q) == 0 else q


def t_pvalue(t: Any, df: Any) -> np.ndarray:
    """Two-sided p-value of a Student t statistic with ``df`` degrees of freedom."""
    return 2 * special.stdtr(np.asarray(df, dtype=float), -np.abs(np.asarray(t, dtype=float)))


#: Elements per block of :func:`solve` (with ``args``): 2^15 doubles are 256 kB an array.
_SOLVE_BLOCK = 1 << 15


def solve(
    f,
    lo,
    hi,
    args: tuple = (),
    *,
    xatol: float = 1e-14,
    xrtol: float = 1e-13,
    maxiter: int = 200,
    f_lo: Any = None,
    f_hi: Any = None,
) -> np.ndarray:
    """Vectorised bracketed root of ``f`` between ``lo`` and ``hi``, element by element.

    Chandrupatla's (1997) method: inverse quadratic interpolation where it is safe, bisection
    where it is not, each element with its own bracket, leaving the computation once its
    bracket is narrower than ``2 (xrtol |x| + xatol)``.

    ``f`` is called as ``f(x, *args)``. With ``args``, each call gets only the elements still
    searching: ``x`` and every argument whose leading axes have the shape of ``lo`` are
    subset along them (so an argument may carry a trailing grid per element); other
    arguments pass unchanged. Without ``args`` (a closure over whole arrays) ``f`` gets the
    full array of current points every time, converged elements held at their roots.
    An element whose bracket holds no sign change ends at ``hi``; one where ``f`` is 0 at an
    end ends there. ``f_lo`` and ``f_hi``, when given, are ``f`` at the two ends (known to
    the caller, e.g. a score statistic that is 0 at the estimate), which saves those two
    evaluations; they broadcast against ``lo``.

    Every call of ``f`` after the first two evaluates only the elements still searching,
    so the cost falls as elements converge; pass per-element data through ``args`` (not a
    closure over whole arrays) to get that saving: a closure is called on the full array
    every time.

    References
    ----------
    Chandrupatla, T. R. (1997). A new hybrid quadratic/bisection algorithm for finding the
    zero of a nonlinear function without using derivatives. Advances in Engineering
    Software 28(3), 145-149.
    """
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    shape = lo.shape
    n = lo.size
    per_element = []
    for v in args:
        v = np.asarray(v)
        if v.ndim >= len(shape) and v.shape[: len(shape)] == shape and v.ndim > 0:
            per_element.append(v.reshape(n, *v.shape[len(shape) :]))
        else:
            per_element.append(None)
    if args and n > _SOLVE_BLOCK:
        # blocks small enough for the working arrays to stay in cache: about a third faster
        # at a million elements than one pass over the whole arrays
        lo_f, hi_f = lo.reshape(-1), hi.reshape(-1)
        ends = [None if v is None else np.broadcast_to(np.asarray(v, float), shape).reshape(-1)
                for v in (f_lo, f_hi)]  # fmt: skip
        out = np.empty(n)
        for start in range(0, n, _SOLVE_BLOCK):
            sl = slice(start, start + _SOLVE_BLOCK)
            sub = tuple(v if e is None else e[sl] for v, e in zip(args, per_element))
            out[sl] = solve(
                f, lo_f[sl], hi_f[sl], sub, xatol=xatol, xrtol=xrtol, maxiter=maxiter,
                f_lo=None if ends[0] is None else ends[0][sl],
                f_hi=None if ends[1] is None else ends[1][sl],
            )  # fmt: skip
        return out.reshape(shape)
    current = hi.ravel().copy()

    def F(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        if args:
            if idx.size == n:  # every element still searching, in order: no copies
                sub = [v if e is None else e for v, e in zip(args, per_element)]
            else:
                sub = [v if e is None else e[idx] for v, e in zip(args, per_element)]
            return np.asarray(f(x, *sub), dtype=float).reshape(-1)
        full = current.copy()
        full[idx] = x
        return np.asarray(f(full.reshape(shape)), dtype=float).reshape(-1)[idx]

    idx = np.arange(n)
    b = lo.ravel().copy()
    a = hi.ravel().copy()
    fb = F(b, idx) if f_lo is None else np.broadcast_to(np.asarray(f_lo, float), shape).ravel()
    fa = F(a, idx) if f_hi is None else np.broadcast_to(np.asarray(f_hi, float), shape).ravel()
    current[:] = a
    out = a.copy()
    at_b, at_a = fb == 0, fa == 0
    out[at_b] = b[at_b]
    bracketed = (np.sign(fa) != np.sign(fb)) & ~at_b & ~at_a
    keep = np.flatnonzero(bracketed)
    a, b, fa, fb, idx = a[keep], b[keep], fa[keep], fb[keep], idx[keep]
    c, fc = a.copy(), fa.copy()
    t = np.full(a.shape, 0.5)
    xm = a.copy()  # each element's best point so far (the hi end until it moves)
    for _ in range(maxiter):
        if idx.size == 0:
            break
        xt = a + t * (b - a)
        ft = F(xt, idx)
        same = np.sign(ft) == np.sign(fa)
        c, fc = np.where(same, a, b), np.where(same, fa, fb)
        b, fb = np.where(same, b, a), np.where(same, fb, fa)
        a, fa = xt, ft
        use_a = np.abs(fa) < np.abs(fb)
        xm, fm = np.where(use_a, a, b), np.where(use_a, fa, fb)
        if not args:  # the closure sees converged elements at their current best
            current[idx] = xm
        with np.errstate(divide="ignore", invalid="ignore"):
            tl = (2 * xrtol * np.abs(xm) + xatol) / np.abs(b - c)
            done = (fm == 0) | (tl > 0.5) | ~np.isfinite(tl)
            xi = (a - b) / (c - b)
            phi = (fa - fb) / (fc - fb)
            quad = (phi**2 < xi) & ((1 - phi) ** 2 < 1 - xi)
            tq = fa / (fb - fa) * fc / (fb - fc) + (c - a) / (b - a) * fa / (fc - fa) * fb / (
                fc - fb
            )
        t = np.where(quad & np.isfinite(tq), tq, 0.5)
        t = np.minimum(np.maximum(t, tl), 1 - tl)
        if done.any():
            out[idx[done]] = xm[done]
            live = ~done
            a, b, c, fa, fb, fc, t, idx = (v[live] for v in (a, b, c, fa, fb, fc, t, idx))
            xm = xm[live]
    out[idx] = xm if args else current[idx]
    return out.reshape(shape)


def int_search(pred, lo, hi) -> np.ndarray:
    """Smallest integer ``c`` in ``(lo, hi]`` with ``pred(c, i)`` true, element by element.

    ``pred(c, i)`` gets the candidates ``c`` of the elements ``i`` still searching and must be
    monotone in ``c``; ``pred(hi)`` is taken as true and ``pred(lo)`` as false (neither end
    is evaluated). Bisection on integers, dropping elements as their bracket closes.
    """
    lo = np.array(lo, dtype=float).reshape(-1)
    hi = np.array(hi, dtype=float).reshape(-1)
    active = np.flatnonzero(hi - lo > 1)
    while active.size:
        mid = np.floor(0.5 * (lo[active] + hi[active]))
        ok = np.asarray(pred(mid, active), dtype=bool)
        hi[active] = np.where(ok, mid, hi[active])
        lo[active] = np.where(ok, lo[active], mid)
        active = active[hi[active] - lo[active] > 1]
    return hi


def binom_cdf(k, n, p):
    """P(X <= k) for X ~ Bin(n, p), k integer-valued float (may be < 0 or >= n)."""
    kk = np.clip(k, 0, np.maximum(n - 1, 0))
    # I_{1-p}(n - k, k + 1): betainc is several times faster than betaincc here
    out = special.betainc(np.maximum(n - kk, 1e-300), kk + 1, 1 - p)
    return np.where(k < 0, 0.0, np.where(k >= n, 1.0, out))


def binom_sf_ge(k, n, p):
    """P(X >= k) for X ~ Bin(n, p)."""
    kk = np.clip(k, 1, np.maximum(n, 1))
    out = special.betainc(kk, np.maximum(n - kk + 1, 1e-300), p)
    return np.where(k <= 0, 1.0, np.where(k > n, 0.0, out))


def binom_twosided_pvalue(x, n, p):
    """Two-sided binomial p-value summing outcomes no more likely than ``x`` (R binom.test).

    Vectorised: the cut-off on the far side of the mode is found by an integer bisection on
    the log-pmf (:func:`binom_logpmf`, which keeps its digits at counts of 10^12 and more,
    where one built from ``gammaln`` misplaces the cut-off by thousands), using that the
    pmf is monotone on each side of ``n p``; the relative tolerance 1e-7 is R's.
    """
    x, n, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, n, p)))
    shape = x.shape
    x, n, p = x.reshape(-1), n.reshape(-1), p.reshape(-1)
    m = n * p
    flip = x > m
    xs = np.where(flip, n - x, x)
    ps = np.where(flip, 1 - p, p)
    ms = n * ps

    def lpmf(k):
        return binom_logpmf(k, n, ps)

    def lpmf_at(k, i):  # the log-pmf of elements i at k, k clipped to [0, n]
        return binom_logpmf(np.clip(k, 0, n[i]), n[i], ps[i])

    thr = lpmf(xs) + np.log(REL_ERR)
    # smallest j in [ceil(ms), n] with lpmf(j) <= thr (n + 1 when none). First a bracket of
    # width 6 around the skewness-corrected mirror image of xs, checked exactly; where the
    # check fails, a bisection over the whole range. Invariant: lpmf(lo) > thr >= lpmf(hi),
    # with lo = ceil(ms) - 1 and hi = n + 1 standing for the ends of the range.
    first, last = np.ceil(ms) - 1, n + 1
    z2 = (ms - xs) ** 2 / (ms * (1 - ps))
    guess = np.ceil(2 * ms - xs + (1 - 2 * ps) * z2 / 3)
    lo = np.clip(guess - 3, first, last)
    hi = np.clip(guess + 3, first, last)
    ok = (
        ((lo == first) | (lpmf(np.clip(lo, 0, n)) > thr))
        & ((hi == last) | (lpmf(np.clip(hi, 0, n)) <= thr))
        & (hi > lo)
    )

    hi = int_search(lambda k, i: lpmf_at(k, i) <= thr[i], lo, hi)
    bad = np.flatnonzero(~ok)
    if bad.size:
        hi[bad] = int_search(lambda k, i: lpmf_at(k, bad[i]) <= thr[bad[i]], first[bad], last[bad])
    pval = binom_cdf(xs, n, ps) + binom_sf_ge(hi, n, ps)
    return np.where(x == m, 1.0, np.minimum(1.0, pval)).reshape(shape)


# -- log-probabilities that keep their digits at counts of 10^12 and beyond --------------------
# log Γ(k + 1), k log λ and λ are each of order k log k: their difference, a log-probability of
# order log k, keeps only ~16 - log10(k log k) digits (a relative error of 1e-3 in the
# probability at k = 10^12). Loader's (2000) saddle-point form writes the log-pmf as terms that
# are each of the size of the result.
_STIRLERR_SERIES = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188)


def stirlerr(k):
    """log k! - log(sqrt(2 pi k) (k/e)^k), the error of Stirling's formula, for k > 0."""
    k = np.asarray(k, dtype=float)
    small = k <= 15
    kk = np.where(small, 15.0, k)
    inv2 = 1 / (kk * kk)
    series = sum(c * inv2**i for i, c in enumerate(_STIRLERR_SERIES)) / kk
    ks = np.where(small, np.maximum(k, 1e-300), 1.0)
    direct = special.gammaln(ks + 1) - (ks + 0.5) * np.log(ks) + ks - 0.5 * np.log(2 * np.pi)
    return np.where(small, direct, series)


def bd0(x, m):
    """The deviance term x log(x / m) + m - x of Loader (2000), for x >= 0, m > 0, without
    the cancellation of its three terms when x is near m."""
    x, m = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(m, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (x - m) / m
        direct = m * (special.xlog1py(1 + u, u) - u)
    # (1 + u) log(1 + u) - u = sum_{j >= 2} (-u)^j / (j (j - 1)) for |u| < 0.1 (to 1e-20)
    us = np.where(np.abs(u) < 0.1, u, 0.0)
    series = np.zeros_like(us)
    for j in range(22, 1, -1):
        series = (series + (-1) ** j / (j * (j - 1))) * (us if j > 2 else 1.0)
    series = series * us * us
    return np.where(np.abs(u) < 0.1, m * series, direct)


def binom_logpmf(k, n, p):
    """log P(X = k) for X ~ Bin(n, p), accurate to a few ulps of the result at any n.

    References
    ----------
    Loader, C. (2000). Fast and accurate computation of binomial probabilities. Manuscript,
    the algorithm of R's ``dbinom``.
    """
    k, n, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (k, n, p)))
    inside = (k > 0) & (k < n) & (p > 0) & (p < 1)
    ki = np.where(inside, k, 1.0)
    ni = np.where(inside, n, 2.0)
    pi = np.where(inside, p, 0.5)
    with np.errstate(divide="ignore"):
        mid = (
            stirlerr(ni)
            - stirlerr(ki)
            - stirlerr(ni - ki)
            - bd0(ki, ni * pi)
            - bd0(ni - ki, ni * (1 - pi))
            + 0.5 * np.log(ni / (2 * np.pi * ki * (ni - ki)))
        )
        at0 = special.xlog1py(n, -p)
        atn = special.xlogy(n, p)
    out = np.where(k == 0, np.where(n == 0, 0.0, at0), np.where(k == n, atn, mid))
    out = np.where((k < 0) | (k > n), -np.inf, out)
    out = np.where(~inside & (k > 0) & (k < n), -np.inf, out)
    return out


def pois_logpmf(k, lam):
    """log P(Y = k) for Y ~ Poisson(lam), accurate at any k and lam (Loader 2000)."""
    k, lam = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(lam, dtype=float))
    pos = (k > 0) & (lam > 0)
    kk = np.where(pos, k, 1.0)
    ll = np.where(pos, lam, 1.0)
    mid = -stirlerr(kk) - bd0(kk, ll) - 0.5 * np.log(2 * np.pi * kk)
    with np.errstate(divide="ignore"):
        out = np.where(k == 0, -lam, np.where(lam == 0, -np.inf, mid))
    return np.where(k < 0, -np.inf, out)


# ---------------------------------------------------------------------------------------
# mid-p limits of a binomial proportion (proportion_ci, count_ratio, compare_rates)
# ---------------------------------------------------------------------------------------
_BETAINC_EXACT_N = 1e5  # n up to which scipy's betainc keeps binomial tails to ~1e-12


def _newton_log(fun, u, width, args):
    """Newton's method for ``fun(u, *args) = (f, df/du)``, f monotone in u (a log or
    log-odds scale), all elements at once, each leaving after a step below 3e-8 of its
    ``width`` (the scale over which f changes by O(1): Newton's error squares in its units,
    so the next step would be below 1e-15 of it). Steps are capped at 2; elements still
    moving after 40 steps come back NaN (the callers then use :func:`solve`)."""
    out = np.full(u.shape, np.nan)
    act = np.flatnonzero(np.isfinite(u))
    u = u[act]
    for _ in range(40):
        if act.size == 0:
            break
        f, df = fun(u, *(v[act] for v in args))
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.clip(f / df, -2.0, 2.0)
        u = u - step
        done = np.abs(step) <= 3e-8 * width[act]
        out[act[done]] = u[done]
        keep = ~done & np.isfinite(u)
        act, u = act[keep], u[keep]
    return out


def _binom_midp_tail(u, k, n, a, upper_tail):
    """``P(X >= k) - P(X = k)/2 - a`` (``upper_tail``) or ``P(X <= k) - P(X = k)/2 - a`` at
    p = expit(u), X ~ Bin(n, p), and its derivative in u."""
    p = special.expit(u)
    # P(X >= k) = I_p(k, n - k + 1) and P(X <= k) = 1 - I_p(k + 1, n - k) (near a or above:
    # no cancellation). scipy's betainc loses up to 1e-8 at n near 1e9 for some k (against
    # R's pbinom), betaincc does not but is several times slower: it serves only the large n
    pmf = stats.binom.pmf(k, n, p)
    tail = special.betainc(k, n - k + 1, p) if upper_tail else 1 - special.betainc(k + 1, n - k, p)
    big = np.flatnonzero(n > _BETAINC_EXACT_N)
    if big.size:
        kb, nb, pb = k[big], n[big], p[big]
        if upper_tail:
            tail[big] = 1 - special.betaincc(kb, nb - kb + 1, pb)
        else:
            tail[big] = special.betaincc(kb + 1, nb - kb, pb)
    slope = 0.5 * pmf * (k * (1 - p) + (n - k) * p)  # d/du of the tail minus half the pmf
    return tail - 0.5 * pmf - a, slope if upper_tail else -slope


def _midp_root(k, n, a, upper_tail: bool):
    """p solving ``P(X >= k) - P(X = k)/2 = a`` (``upper_tail``: increasing in p) or
    ``P(X <= k) - P(X = k)/2 = a`` (decreasing), X ~ Bin(n, p), where the root is below
    about 1/2 (the callers mirror the rest), so that p and its tails keep their digits:
    Newton's method on the log-odds from Wilson's limit (:func:`_newton_log`; the
    derivative is free given the pmf), the bracketed :func:`solve` between the
    Clopper-Pearson limits at k and at the next count for the elements it leaves.
    """
    k, n = np.broadcast_arrays(np.asarray(k, float), np.asarray(n, float))
    k, n = k.ravel(), n.ravel()
    z = float(special.ndtri(1 - a))
    half = z * np.sqrt(k * (n - k) / n + z * z / 4)
    start = (k + z * z / 2 - (1.0 if upper_tail else -1.0) * half) / (n + z * z)  # Wilson
    with np.errstate(divide="ignore"):
        u0 = np.where((start > 0) & (start < 1), special.logit(start), np.nan)
    width = 1 / np.sqrt(1 + k * (n - k) / n)  # the tail's width in log-odds: 1 / sd

    def fun(u, k, n):
        return _binom_midp_tail(u, k, n, a, upper_tail)

    out = special.expit(_newton_log(fun, u0, width, (k, n)))
    rest = np.flatnonzero(np.isnan(out))
    if rest.size:
        kr, nr = k[rest], n[rest]
        if upper_tail:  # between the Clopper-Pearson lower limits at k and at k + 1
            lo = special.betaincinv(kr, nr - kr + 1, a)
            hi = np.where(kr >= nr, 1.0, special.betaincinv(kr + 1, np.maximum(nr - kr, 1e-300), a))
        else:  # between the Clopper-Pearson upper limits at k - 1 and at k
            lo = np.where(
                kr <= 0, 0.0, special.betaincinv(np.maximum(kr, 1e-300), nr - kr + 1, 1 - a)
            )
            hi = special.betaincinv(kr + 1, nr - kr, 1 - a)

        def f(p, k, n):
            return _binom_midp_tail(special.logit(p), k, n, a, upper_tail)[0]

        out[rest] = solve(f, lo, hi, (kr, nr))
    return out


def binom_midp_limits(x, n, a):
    """Mid-p limits for a binomial proportion, vectorised over ``x`` and ``n``.

    ``low`` solves ``P(X > x) + P(X = x)/2 = a`` (0 at ``x = 0``) and ``high`` solves
    ``P(X < x) + P(X = x)/2 = a`` (1 at ``x = n``), X ~ Bin(n, p) (Lancaster 1961); for a
    two-sided interval at level 1 - alpha, ``a = alpha / 2``. Each limit is found on the
    side of 1/2 where it lies small (a limit above 1/2 as one minus the mirrored limit of
    ``n - x``), to a relative 1e-14 in p, so tiny limits at counts of 10^12 keep their digits.

    References
    ----------
    Lancaster, H. O. (1961). Significance tests in discrete distributions. Journal of the
    American Statistical Association 56, 223-234.
    """
    x, n = np.broadcast_arrays(np.asarray(x, float), np.asarray(n, float))
    shape = x.shape
    x, n = x.ravel(), n.ravel()
    low = np.zeros(x.shape)
    high = np.ones(x.shape)
    # low: direct where x <= n/2, else 1 - (the upper-tail-type root for n - x)
    d = np.flatnonzero((x > 0) & (2 * x <= n))
    m = np.flatnonzero((x > 0) & (2 * x > n))
    low[d] = _midp_root(x[d], n[d], a, upper_tail=True)
    low[m] = 1 - _midp_root(n[m] - x[m], n[m], a, upper_tail=False)
    d = np.flatnonzero((x < n) & (2 * x < n))
    m = np.flatnonzero((x < n) & (2 * x >= n))
    high[d] = _midp_root(x[d], n[d], a, upper_tail=False)
    high[m] = 1 - _midp_root(n[m] - x[m], n[m], a, upper_tail=True)
    return low.reshape(shape), high.reshape(shape)


def pois_midp_limits(x, a):
    """Mid-p limits for a Poisson mean, vectorised over ``x``.

    ``low`` solves ``P(X > x) + P(X = x)/2 = a`` (0 at ``x = 0``) and ``high`` solves
    ``P(X < x) + P(X = x)/2 = a``, X ~ Poisson(mu) (Lancaster 1961): Newton's method on
    log mu from the score limits (:func:`_newton_log`), to a relative 1e-14 or better, the
    bracketed :func:`solve` between the exact (Garwood) limit and ``x`` for any element it
    leaves.
    """
    x = np.asarray(x, float)
    shape = x.shape
    x = x.ravel()
    z = float(special.ndtri(1 - a))
    half = z * np.sqrt(x + z * z / 4)
    width = 1 / np.sqrt(1 + x)

    def tail(v, x, upper_tail):
        mu = np.exp(v)
        pmf = stats.poisson.pmf(x, mu)
        # P(X >= x) = P(x, mu) (regularised lower gamma); P(X <= x) = Q(x + 1, mu)
        t = (
            special.gammainc(np.maximum(x, 1e-300), mu)
            if upper_tail
            else special.gammaincc(x + 1, mu)
        )
        slope = 0.5 * pmf * (x + mu)
        return t - 0.5 * pmf - a, slope if upper_tail else -slope

    out = []
    for upper_tail, sign in ((True, -1.0), (False, 1.0)):
        start = x + z * z / 2 + sign * half
        with np.errstate(divide="ignore"):
            v0 = np.where(start > 0, np.log(start), np.nan)
        pos = x > 0 if upper_tail else np.ones(x.shape, bool)
        v0 = np.where(pos, v0, np.nan)
        mu = np.exp(_newton_log(lambda v, x, t=upper_tail: tail(v, x, t), v0, width, (x,)))
        rest = np.flatnonzero(pos & np.isnan(mu))
        if rest.size:
            xr = x[rest]
            if upper_tail:
                lo, hi = special.gammaincinv(np.maximum(xr, 1e-300), a), xr
            else:
                lo, hi = np.maximum(xr, 1e-300), special.gammainccinv(xr + 1, a)

            def f(m, x, t=upper_tail):
                return tail(np.log(m), x, t)[0]

            mu[rest] = solve(f, lo, hi, (xr,))
        out.append(np.where(pos, mu, 0.0).reshape(shape))
    return out[0], out[1]


# -- exact two-sided tests with matching intervals (Fay 2010) ---------------------------------
# One discrete family at a time: Poisson(theta) (``n=None``) or Binomial(n, theta). The
# two-sided p-value of each ``tsmethod`` and the interval that inverts exactly that p-value.
TSMETHODS = ("central", "minlike", "blaker")


def _dcdf(k, theta, n):
    """P(X <= k): Poisson(theta) when ``n`` is None, else Bin(n, theta); 0 for k < 0."""
    if n is None:
        with np.errstate(invalid="ignore"):
            out = special.pdtr(np.maximum(k, 0), theta)
        return np.where(k < 0, 0.0, out)
    return binom_cdf(k, n, theta)


def _dsf(k, theta, n):
    """P(X >= k); 1 for k <= 0."""
    if n is None:
        out = special.gammainc(np.maximum(k, 1), theta)
        return np.where(k <= 0, 1.0, out)
    return binom_sf_ge(k, n, theta)


def _dlogpmf(k, theta, n):
    return pois_logpmf(k, theta) if n is None else binom_logpmf(k, n, theta)


def clopper_pearson(x, n, alpha, alternative="two-sided"):
    """Clopper-Pearson (1934) exact limits for a binomial proportion ``x / n`` from beta
    quantiles: ``alpha / 2`` in each tail for "two-sided", ``alpha`` in the one bounded tail
    for "larger" (upper limit 1) or "smaller" (lower limit 0); 0 at ``x = 0``, 1 at ``x = n``.

    Examples
    --------
    >>> from conflictstats._numeric import clopper_pearson
    >>> [round(float(v), 4) for v in clopper_pearson(3, 10, 0.05)]
    [0.0667, 0.6525]
    """
    x, n = np.broadcast_arrays(np.asarray(x, float), np.asarray(n, float))
    a = alpha / 2 if alternative == "two-sided" else alpha
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, special.betaincinv(np.maximum(x, 1e-300), n - x + 1, a), 0.0)
        high = np.where(x < n, special.betaincinv(x + 1, np.maximum(n - x, 1e-300), 1 - a), 1.0)
    if alternative == "larger":
        high = np.ones_like(high)
    elif alternative == "smaller":
        low = np.zeros_like(low)
    return low, high


def tail_pvalue(lower, upper, alternative):
    """A p-value from the two tail probabilities: ``upper`` for "larger", ``lower`` for
    "smaller", else twice the smaller tail capped at 1 (the central two-sided rule)."""
    if alternative == "larger":
        return upper
    if alternative == "smaller":
        return lower
    return np.minimum(1.0, 2 * np.minimum(lower, upper))


def midp_pvalue(x, theta, alternative="two-sided", *, n=None):
    """Mid-p value of ``x`` under Poisson(``theta``) (``n=None``) or Binomial(``n``,
    ``theta``): ``P(X < x) + P(X = x)/2`` ("smaller"), ``P(X > x) + P(X = x)/2`` ("larger"),
    two-sided twice the smaller, capped at 1 (Lancaster 1961; as exactci's ``midp = TRUE``).

    Examples
    --------
    >>> from conflictstats._numeric import midp_pvalue
    >>> round(float(midp_pvalue(10, 5.0)), 4), round(float(midp_pvalue(3, 0.5, n=10)), 4)
    (0.0455, 0.2266)
    """
    x = np.asarray(x, float)
    half = 0.5 * np.exp(_dlogpmf(x, theta, n))
    return tail_pvalue(_dcdf(x - 1, theta, n) + half, _dsf(x + 1, theta, n) + half, alternative)


def _sub(v, i):
    return v[i] if np.ndim(v) else v


def _far_bound(pred, start, x, n):
    """An integer ``k >= start`` with ``pred(k, i)`` true for every element (distance from
    ``x`` doubled until it is; for a binomial, ``n + 1`` at most, taken as true)."""
    hi = np.array(start, dtype=float)
    cap = np.inf if n is None else n + 1
    todo = np.flatnonzero(hi < cap)
    while todo.size:
        ok = np.asarray(pred(hi[todo], todo), dtype=bool)
        todo = todo[~ok]
        hi[todo] = np.minimum(x[todo] + 2 * (hi[todo] - x[todo]) + 1, _sub(cap, todo))
        todo = todo[hi[todo] < _sub(cap, todo)]
    return hi


def exact_twosided_pvalue(x, theta, tsmethod="minlike", *, n=None, rel_err=REL_ERR):
    """Two-sided exact p-value of ``x`` under Poisson(``theta``) (``n=None``) or
    Binomial(``n``, ``theta``), by one of Fay's (2010) three rules, element by element.

    ``"central"``: twice the smaller tail, capped at 1. ``"minlike"``: the probability of the
    outcomes no more likely than ``x`` (R's ``binom.test`` and ``poisson.test``).
    ``"blaker"``: the smaller tail plus the largest tail on the other side that is no
    larger (Blaker 2000). Probabilities equal to within the relative ``rel_err`` count as
    equal, as in R. Vectorised, with integer searches for the cut-off on the far side, so
    any count size costs the same.

    References
    ----------
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete
    data. The R Journal 2(1), 53-58.
    Blaker, H. (2000). Confidence curves and improved exact confidence intervals for
    discrete distributions. Canadian Journal of Statistics 28, 783-798.

    Examples
    --------
    >>> from conflictstats._numeric import exact_twosided_pvalue
    >>> [round(float(exact_twosided_pvalue(10, 5.0, m)), 4) for m in TSMETHODS]
    [0.0637, 0.0386, 0.0386]
    >>> round(float(exact_twosided_pvalue(3, 0.5, "blaker", n=10)), 4)
    0.3438
    """
    x, theta = np.broadcast_arrays(np.asarray(x, float), np.asarray(theta, float))
    shape = x.shape
    x, theta = x.reshape(-1), theta.reshape(-1)
    nn = None if n is None else np.broadcast_to(np.asarray(n, float), shape).reshape(-1)
    low, up = _dcdf(x, theta, nn), _dsf(x, theta, nn)
    if tsmethod == "central":
        return np.minimum(1.0, 2 * np.minimum(low, up)).reshape(shape)
    if tsmethod == "minlike" and nn is not None:
        return binom_twosided_pvalue(x, nn, theta).reshape(shape)
    pval = np.ones_like(x)
    if tsmethod == "minlike":  # Poisson: outcomes on the far side of the mean as unlikely
        thr = pois_logpmf(x, theta) + np.log(rel_err)
        below = x < theta  # cut-off above the mean: smallest k >= ceil(theta) at or under thr
        i = np.flatnonzero(below)
        if i.size:
            th, t = theta[i], thr[i]
            start = np.maximum(np.ceil(2 * th - x[i]), np.ceil(th))
            hi = _far_bound(lambda k, j: pois_logpmf(k, th[j]) <= t[j], start, x[i], None)
            k = int_search(lambda k, j: pois_logpmf(k, th[j]) <= t[j], np.ceil(th) - 1, hi)
            pval[i] = low[i] + _dsf(k, th, None)
        i = np.flatnonzero(x > theta)  # cut-off below: outcomes 0..c-1 at or under thr
        if i.size:
            th, t = theta[i], thr[i]
            c = int_search(
                lambda k, j: pois_logpmf(k, th[j]) > t[j], np.full_like(th, -1.0), np.floor(th) + 1
            )
            pval[i] = _dcdf(c - 1, th, None) + up[i]
        return np.minimum(1.0, pval).reshape(shape)
    if tsmethod != "blaker":
        raise ValueError(f"tsmethod must be one of {TSMETHODS}, got {tsmethod!r}")
    # Blaker: the smaller tail, plus the largest tail on the other side no larger than it
    i = np.flatnonzero(low <= up)  # other tail above: smallest k > x with P(X >= k) <= low
    if i.size:
        th, lw, xi = theta[i], low[i] * rel_err, x[i]
        ni = None if nn is None else nn[i]

        def pred(k, j):
            return _dsf(k, th[j], _sub(ni, j)) <= lw[j]

        hi = _far_bound(pred, 2 * xi + 1, xi, ni)
        k = int_search(pred, xi, hi)
        pval[i] = low[i] + _dsf(k, th, ni)
    i = np.flatnonzero(low > up)  # other tail below: largest l < x with P(X <= l) <= up
    if i.size:
        th, u, xi = theta[i], up[i] * rel_err, x[i]
        ni = None if nn is None else nn[i]
        c = int_search(lambda k, j: _dcdf(k, th[j], _sub(ni, j)) > u[j], np.full_like(xi, -1.0), xi)
        pval[i] = up[i] + _dcdf(c - 1, th, ni)
    return np.minimum(1.0, pval).reshape(shape)


def _minlike_jump(lo, hi, n):
    """The parameter at which outcomes ``lo < hi`` are equally likely (closed form)."""
    if n is None:
        return np.exp((special.gammaln(hi + 1) - special.gammaln(lo + 1)) / (hi - lo))
    log_ratio = (
        special.gammaln(hi + 1)
        - special.gammaln(lo + 1)
        + special.gammaln(n - hi + 1)
        - special.gammaln(n - lo + 1)
    )
    return special.expit(log_ratio / (hi - lo))


def _blaker_jump(lo, hi, n, scale):
    """The parameter at which P(X <= lo) = P(X >= hi) (the tails Blaker's rule compares)."""

    def f(th, lo, hi, nn):
        return _dsf(hi, th, nn) - _dcdf(lo, th, nn)

    return solve(f, lo / scale, hi / scale, (lo, hi, n))


def exact_matching_ci(x, a, tsmethod="minlike", *, n=None):
    """The confidence interval that matches :func:`exact_twosided_pvalue`, for the Poisson
    mean (``n=None``) or the binomial proportion, at level ``1 - a``.

    ``"central"``: the Clopper-Pearson (Garwood) interval. ``"minlike"`` and ``"blaker"``:
    the smallest interval holding every parameter value whose p-value exceeds ``a`` (Fay
    2010, as R's ``exactci``): the p-value, as a function of the parameter, is continuous
    between the points where an outcome enters or leaves the far tail ("jumps"); the ends are
    found by an integer search over those pieces, then a root search within the last one
    (or the end is a jump). Ends are in the interval (their p-value exceeds ``a``); nulls
    just beyond are rejected. The p-value of these rules is not monotone in the parameter,
    so on rare occasions a value inside the interval has a p-value at or below ``a``.

    References
    ----------
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete
    data. The R Journal 2(1), 53-58.

    Examples
    --------
    >>> from conflictstats._numeric import exact_matching_ci
    >>> [round(float(v), 4) for v in exact_matching_ci(10, 0.05, "blaker")]
    [5.1226, 18.0679]
    >>> [round(float(v), 4) for v in exact_matching_ci(18, 0.05, "minlike", n=99)]
    [0.1146, 0.2719]
    """
    x = np.asarray(x, float)
    shape = x.shape
    x = x.reshape(-1)
    nn = None if n is None else np.broadcast_to(np.asarray(n, float), shape).reshape(-1)
    if tsmethod == "central":
        if nn is None:
            low = np.where(x > 0, special.gammaincinv(np.maximum(x, 1e-300), a / 2), 0.0)
            high = special.gammainccinv(x + 1, a / 2)
        else:
            low, high = clopper_pearson(x, nn, a)
        return low.reshape(shape), high.reshape(shape)
    if tsmethod not in ("minlike", "blaker"):
        raise ValueError(f"tsmethod must be one of {TSMETHODS}, got {tsmethod!r}")
    scale = np.ones_like(x) if nn is None else nn
    est = x / scale
    low = np.zeros_like(x)
    high = np.full_like(x, np.inf) if nn is None else np.ones_like(x)

    def jump(lo, hi, i):
        """Jump between outcomes lo < hi of elements i; lo = -1: 0; hi = n + 1: 1."""
        ni = None if nn is None else nn[i]
        out = np.empty_like(lo)
        edge_lo = lo < 0
        edge_hi = np.zeros_like(edge_lo) if ni is None else hi > ni
        same = lo == hi  # jump(x, x): the pieces next to the estimate start there
        inner = ~(edge_lo | edge_hi | same)
        out[edge_lo] = 0.0
        out[edge_hi] = 1.0
        out[same] = est[i][same]
        if inner.any():
            nj = None if ni is None else ni[inner]
            if tsmethod == "minlike":
                out[inner] = _minlike_jump(lo[inner], hi[inner], nj)
            else:
                out[inner] = _blaker_jump(lo[inner], hi[inner], nj, scale[i][inner])
        return out

    # upper end: pieces K = x+1, x+2, ... (K the first outcome of the upper tail); on piece K
    # the p-value is P(X <= x) + P(X >= K), between jump(x, K-1) and jump(x, K)
    iu = np.flatnonzero(x < (np.inf if nn is None else nn))
    if iu.size:
        xu = x[iu]

        def p_up(th, K, j):
            nj = None if nn is None else nn[iu][j]
            return _dcdf(xu[j], th, nj) + _dsf(K, th, nj)

        def piece_max_up(K, j):
            left = jump(xu[j], K - 1, iu[j])
            right = jump(xu[j], K, iu[j])
            return np.maximum(p_up(left, K, j), p_up(right, K, j))

        def done(K, j):
            return piece_max_up(K, j) <= a

        z = float(special.ndtri(1 - a / 4))
        start = xu + 2 + np.ceil(2 * (z * np.sqrt(xu + 1) + z * z))
        if nn is not None:
            start = np.minimum(start, nn[iu] + 1)
        allj = np.arange(iu.size)
        hi = _far_bound(done, start, xu, None if nn is None else nn[iu])
        if nn is not None:
            hi = np.where(hi >= nn[iu] + 1, nn[iu] + 2, hi)  # n + 2: a virtual empty piece
        K = int_search(done, xu + 1, hi) - 1  # the last piece with p-values above a
        left, right = jump(xu, K - 1, iu), jump(xu, K, iu)
        at_jump = p_up(right, K, allj) > a
        out = right.copy()
        r = np.flatnonzero(~at_jump)
        if r.size:

            def f(th, K, j):
                return p_up(th, K, j) - a

            out[r] = solve(f, left[r], right[r], (K[r], r))
        high[iu] = out
    # lower end: pieces L = x-1, x-2, ..., -1 (L the last outcome of the lower tail); on
    # piece L the p-value is P(X <= L) + P(X >= x), between jump(L, x) and jump(L+1, x)
    il = np.flatnonzero(x > 0)
    if il.size:
        xl = x[il]

        def p_lo(th, L, j):
            nj = None if nn is None else nn[il][j]
            return _dcdf(L, th, nj) + _dsf(xl[j], th, nj)

        def piece_max_lo(L, j):
            left = jump(L, xl[j], il[j])
            right = jump(L + 1, xl[j], il[j])
            return np.maximum(p_lo(left, L, j), p_lo(right, L, j))

        L = int_search(lambda L, j: piece_max_lo(L, j) > a, np.full_like(xl, -2.0), xl - 1)
        allj = np.arange(il.size)
        left, right = jump(L, xl, il), jump(L + 1, xl, il)
        at_jump = p_lo(left, L, allj) > a
        out = left.copy()
        r = np.flatnonzero(~at_jump)
        if r.size:

            def g(th, L, j):
                return p_lo(th, L, j) - a

            out[r] = solve(g, left[r], right[r], (L[r], r))
        low[il] = out
    return low.reshape(shape), high.reshape(shape)
