"""Shares and ratios of deaths with events as clusters (primary sampling units)."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
from scipy import stats

from .._numeric import pandas_aligned, t_quantile, z_quantile
from .._validation import InputError, as_confidence, as_rng, check_method
from ..results import Estimate, aux_field, result
from .aggregate import CHUNK_CELLS, _group_codes
from .models import FatalityInputError, FatalityModel, _check, _labels
from .pooling import _pool_arrays

__all__ = ["ClusteredRatio", "clustered_ratio", "clustered_share"]

METHODS = ("linearised", "bootstrap")
INTERVALS = ("percentile", "bca")


@result
class ClusteredRatio(Estimate):
    """A ratio of sums over events (a share, a casualty ratio) with an event-clustered interval.

    ``estimate`` is ``sum(numerator) / sum(denominator)`` (with a fatality model: the mean of
    that ratio over the model's draws); ``reported`` the ratio of the reported columns;
    ``se`` the linearisation (or bootstrap) standard error; ``n_events`` the number of
    events; ``design_effect`` (shares only) the variance relative to the binomial variance
    ``p (1 - p) / sum(denominator)`` that treats every death as independent; ``df`` and
    ``fmi`` the Barnard-Rubin degrees of freedom and fraction of missing information when a
    fatality model's draws are pooled by Rubin's rules. ``replicates`` holds the bootstrap
    ratios.
    """

    group: Any = None
    reported: Any = None
    se: Any = None
    n_events: Any = None
    design_effect: Any = None
    df: Any = None
    fmi: Any = None
    replicates: Any = aux_field()

    column_order: ClassVar[tuple[str, ...]] = (
        "group",
        "quantity",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence",
        "method",
        "reported",
        "n_events",
        "design_effect",
    )

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        text = super()._sentence(index)
        if self.group is not None and self.shape != ():
            return f"{self._element('group', index)}: {text}"
        return text


# ---------------------------------------------------------------------------------------------
# input
# ---------------------------------------------------------------------------------------------
def _as_event_values(value: Any, name: str, n: int | None = None) -> np.ndarray:
    labels = _labels(value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise FatalityInputError(
            f"{name} must be numeric, one value per event", argument=name
        ) from None
    if arr.ndim != 1:
        raise FatalityInputError(
            f"{name} must be one value per event (1-D), got shape {arr.shape}", argument=name
        )
    if n is not None and arr.size != n:
        raise FatalityInputError(
            f"{name} has {arr.size} events but the other column has {n}", argument=name
        )
    _check(~np.isfinite(arr), name, arr, "must be finite (no NaN)", labels)
    _check(arr < 0, name, arr, "must be >= 0", labels)
    return arr


def _fatality_factors(fatalities, total, n, name_total):
    """Turn a model or a draws array into a per-event scaling: (sampler, total)."""
    if isinstance(fatalities, FatalityModel):
        if fatalities.n_events != n:
            raise InputError(
                f"fatalities models {fatalities.n_events} events but the columns have {n}"
            )
        ref = fatalities.best if total is None else total
        return fatalities, ref
    draws = np.asarray(fatalities, dtype=float)
    if draws.ndim != 2 or draws.shape[0] != n or draws.shape[1] < 2:
        raise InputError(
            "fatalities must be a FatalityModel or draws of shape (n_events, m >= 2), got "
            f"shape {draws.shape}"
        )
    if not np.isfinite(draws).all():
        raise InputError("fatalities draws must be finite")
    if total is None:
        raise InputError(f"fatalities given as draws need {name_total}= (what they are draws of)")
    return draws, total


def _draw_totals(source, cols, gen):
    """Draws of the event totals for draw columns ``cols``, below 0 set to 0: (n, len(cols))."""
    if isinstance(source, FatalityModel):
        t = source._draw(len(cols), gen)
    else:
        t = source[:, cols % source.shape[1]].copy()
    np.maximum(t, 0.0, out=t)
    return t


def _per_unit(x, ref):
    """``x / ref`` per event (0 where the total is 0): the component per death of the total."""
    return np.divide(x, ref, out=np.zeros_like(x), where=ref > 0)


# ---------------------------------------------------------------------------------------------
# estimators
# ---------------------------------------------------------------------------------------------
def _linearised(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Ratio of sums and its Taylor-linearisation SE with n/(n - 1), as survey::svyratio."""
    n = a.size
    sa, sb = a.sum(), b.sum()
    r = sa / sb
    z = (a - r * b) / sb
    z -= z.mean()
    return float(r), float(np.sqrt(n / (n - 1) * np.dot(z, z)))


def _linearised_draws(a, b, source, ref, m, gen):
    """Ratio and linearisation variance in each of m draws of the event totals."""
    n = a.size
    step = max(1, CHUNK_CELLS // m)
    acc = np.zeros((5, m))  # sum a, sum b, sum a^2, sum ab, sum b^2 (scaled)
    cols = np.arange(m)
    ca, cb = _per_unit(a, ref), _per_unit(b, ref)
    for start in range(0, n, step):
        sl = slice(start, min(n, start + step))
        src = source.subset(sl) if isinstance(source, FatalityModel) else source[sl]
        t = _draw_totals(src, cols, gen)
        af = ca[sl, None] * t
        bf = cb[sl, None] * t
        acc[0] += af.sum(0)
        acc[1] += bf.sum(0)
        acc[2] += (af * af).sum(0)
        acc[3] += (af * bf).sum(0)
        acc[4] += (bf * bf).sum(0)
    sa, sb = acc[0], acc[1]
    if (sb <= 0).any():
        raise InputError("a draw of the event totals leaves the denominator total at 0")
    r = sa / sb
    # sum (a - r b)^2 - n * mean(a - r b)^2; the mean is exactly 0 for the ratio of sums
    ss = acc[2] - 2 * r * acc[3] + r**2 * acc[4]
    var = n / (n - 1) * np.maximum(ss, 0.0) / sb**2
    return r, var


def _bootstrap(a, b, n_boot, gen, source=None, ref=None):
    """Event (cluster) bootstrap replicates of the ratio of sums; optional model draws."""
    n = a.size
    out = np.empty(n_boot)
    point = np.empty(n_boot) if source is not None else None
    if source is not None:
        ca, cb = _per_unit(a, ref), _per_unit(b, ref)
    step = max(1, CHUNK_CELLS // n)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = gen.integers(0, n, size=(stop - start, n))
        if source is None:
            sa = a[idx].sum(axis=1)
            sb = b[idx].sum(axis=1)
        else:
            # each replicate: resample the events, and take one fresh draw of their totals
            t = _draw_totals(source, np.arange(start, stop), gen)  # (n, c)
            point[start:stop] = (ca @ t) / (cb @ t)
            rows = idx.T
            drawn = np.take_along_axis(t, rows, axis=0)
            sa = np.einsum("ij,ij->j", ca[rows], drawn)
            sb = np.einsum("ij,ij->j", cb[rows], drawn)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start:stop] = sa / sb
    return out, point


def _bca_levels(theta, reps, jack, conf):
    """BCa percentile levels (Efron 1987) from the replicates and jackknife values."""
    below = np.mean(reps < theta) + 0.5 * np.mean(reps == theta)
    if below <= 0 or below >= 1:
        raise InputError(
            "BCa needs bootstrap replicates on both sides of the estimate; use "
            "interval='percentile'"
        )
    z0 = stats.norm.ppf(below)
    d = jack.mean() - jack
    denom = 6 * np.sum(d**2) ** 1.5
    acc = np.sum(d**3) / denom if denom > 0 else 0.0
    zs = stats.norm.ppf([(1 - conf) / 2, (1 + conf) / 2])
    levels = stats.norm.cdf(z0 + (z0 + zs) / (1 - acc * (z0 + zs)))
    return levels, float(z0), float(acc)


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------
@pandas_aligned("a", "b", "groups", "total", check_only=True)
def clustered_ratio(
    a: Any,
    b: Any,
    *,
    method: str = "linearised",
    confidence: float = 0.95,
    rng: Any = None,
    n_boot: int = 2000,
    interval: str = "percentile",
    fatalities: Any = None,
    total: Any = None,
    n_draws: int = 100,
    quantity: str = "ratio",
    groups: Any = None,
) -> ClusteredRatio:
    """Ratio of two per-event columns, ``sum(a) / sum(b)``, with events as clusters.

    Parameters
    ----------
    a, b : array_like
        Per-event values >= 0 (e.g. UCDP's ``deaths_a`` and ``deaths_b``), one per event.
    method : {"linearised", "bootstrap"}
        ``"linearised"``: the ratio estimator's Taylor-linearisation variance with events as
        primary sampling units and a normal interval (what R's ``survey::svyratio`` gives for
        ``svydesign(ids = ~1)``). ``"bootstrap"``: resample whole events with replacement.
    confidence : float
        Level of the interval.
    rng : numpy.random.Generator or int
        Needed by ``"bootstrap"`` and by ``fatalities=`` (draws).
    n_boot : int
        Bootstrap replicates (``"bootstrap"``).
    interval : {"percentile", "bca"}
        Bootstrap interval: percentile, or bias-corrected and accelerated (Efron 1987) with the
        acceleration from the event jackknife (not with ``fatalities=``).
    fatalities : FatalityModel or array_like, optional
        Uncertainty of each event's total deaths: a model (e.g. :func:`fatality_model` on
        ``best``) or draws of shape ``(n_events, m)``. See Notes.
    total : array_like, optional
        The per-event totals that ``fatalities`` describes (default: the model's ``best``;
        required with a draws array).
    n_draws : int
        Draws of the model with ``method="linearised"`` (the m of Rubin's rules).
    quantity : str
        Name of the quantity in the result.
    groups : array_like or pandas.DataFrame, optional
        A group label per event (e.g. the year): one estimate per group, sorted by label,
        each computed on its own events (one call, many answers; with ``rng`` the groups
        draw in turn from one generator).

    Returns
    -------
    ClusteredRatio

    Raises
    ------
    FatalityInputError
        Negative or non-finite values (naming the argument and row), columns of different
        lengths, fewer than 2 events, a zero denominator total.
    InputError
        Unknown ``method`` or ``interval``; ``rng`` missing when draws are needed.

    Notes
    -----
    Deaths come in events: a massacre adds hundreds of deaths that are all civilian, or all of
    one side, at once. The ratio ``R = sum a_i / sum b_i`` is therefore estimated with the
    events, not the deaths, as the independent units. Its linearised variance is
    ``n / (n - 1) sum_i z_i^2`` with ``z_i = (a_i - R b_i) / sum b`` (Binder 1983; Wolter 2007,
    ch. 6), and the interval ``R +- z SE``. The event bootstrap recomputes ``R`` on events
    drawn with replacement. The linearised interval is symmetric and, with few events, may
    reach below 0 or (for a share) above 1, as ``svyratio``'s does; the bootstrap intervals
    stay within the range of the replicates.

    With ``fatalities=``, only each event's total ``T_i`` is modelled; each draw scales all of
    the event's components by the same factor ``T_i* / total_i`` (so the split inside an event
    is kept, and an event with total 0 stays 0); draws below 0 count as 0. With
    ``"linearised"``, the ratio and its variance are computed in each of ``n_draws`` draws and
    pooled by Rubin's rules (t interval on Rubin's (1987) degrees of freedom ``(m - 1) /
    lambda^2``, the complete-data interval being normal as in ``svyratio``; ``fmi`` the
    fraction of missing information, i.e. of the variance due to the fatality uncertainty);
    with ``"bootstrap"`` every replicate resamples the events and takes a fresh draw of their
    totals, so the percentile interval carries both. Because the draws of different events
    are independent, their errors largely average out over many events: the fatality model
    mostly moves the estimate (big events are corrected less, in relative terms, than small
    ones) and adds little variance, while the clustering of deaths in events dominates. The draws of different events are independent (see
    :func:`aggregate_fatalities`).

    References
    ----------
    Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
    surveys. International Statistical Review 51(3), 279-292.
    Wolter, K. M. (2007). Introduction to Variance Estimation, 2nd ed. Springer.
    Lumley, T. (2004). Analysis of complex survey samples. Journal of Statistical Software
    9(8) (R package survey).
    Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American
    Statistical Association 82(397), 171-185.
    Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and their Application.
    Cambridge University Press (cluster resampling, section 3.8).
    Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley.

    Examples
    --------
    >>> from conflictstats.fatalities import clustered_ratio
    >>> a = [10, 0, 3, 40, 2, 5]
    >>> b = [5, 4, 1, 10, 2, 0]
    >>> r = clustered_ratio(a, b)
    >>> round(r.estimate, 3), round(r.se, 3)
    (2.727, 0.906)
    >>> clustered_ratio(a, b, method="bootstrap", rng=1, n_boot=500).method
    'bootstrap, events as clusters, percentile, 500 replicates'
    """
    method = check_method(method, METHODS)
    interval = check_method(interval, INTERVALS, "interval")
    conf = as_confidence(confidence)
    av = _as_event_values(a, "a")
    bv = _as_event_values(b, "b", av.size)
    args = (method, conf, rng, n_boot, interval, fatalities, total, n_draws, quantity)
    return _by_group(av, bv, groups, args, share=False)


@pandas_aligned("numerator", "denominator", "groups", "total", check_only=True)
def clustered_share(
    numerator: Any,
    denominator: Any,
    *,
    method: str = "linearised",
    confidence: float = 0.95,
    rng: Any = None,
    n_boot: int = 2000,
    interval: str = "percentile",
    fatalities: Any = None,
    total: Any = None,
    n_draws: int = 100,
    quantity: str = "share",
    groups: Any = None,
) -> ClusteredRatio:
    """Share of deaths, ``sum(numerator) / sum(denominator)``, with events as clusters.

    The civilians' share of all deaths is ``clustered_share(deaths_civilians, best)``. The
    arguments, methods and Notes are those of :func:`clustered_ratio`; in addition every
    event's numerator must not exceed its denominator, and ``design_effect`` compares the
    variance with the binomial one.

    With ``fatalities=`` and no ``total=``, the model describes the denominator (each event's
    total deaths), whose draws scale the event's numerator and denominator alike.

    Notes
    -----
    The binomial intervals of :func:`conflictstats.proportions.proportion_ci` treat each
    death as an independent trial; when deaths come in events of very different sizes the
    share's variance is that of the events, and the design effect
    ``var_clustered / (p (1 - p) / sum(denominator))`` says how much wider the honest
    interval is (squared).

    References
    ----------
    Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
    surveys. International Statistical Review 51(3), 279-292.
    Kish, L. (1965). Survey Sampling. Wiley (the design effect).
    Efron, B. (1987). Better bootstrap confidence intervals. JASA 82(397), 171-185.

    Examples
    --------
    >>> from conflictstats.fatalities import clustered_share
    >>> civilians = [0, 0, 120, 1, 0, 3, 0, 2]
    >>> deaths = [4, 2, 130, 3, 10, 3, 6, 2]
    >>> s = clustered_share(civilians, deaths)
    >>> round(s.estimate, 3), round(s.ci_low, 3), round(s.ci_high, 3)
    (0.787, 0.522, 1.053)
    >>> round(s.design_effect, 1)
    17.5
    >>> fat_by_year = clustered_share(civilians, deaths, groups=[2017] * 4 + [2018] * 4)
    >>> fat_by_year.group.tolist(), fat_by_year.estimate.round(3).tolist()
    ([2017, 2018], [0.871, 0.238])
    """
    method = check_method(method, METHODS)
    interval = check_method(interval, INTERVALS, "interval")
    conf = as_confidence(confidence)
    num = _as_event_values(numerator, "numerator")
    den = _as_event_values(denominator, "denominator", num.size)
    _check(
        num > den,
        "numerator",
        (num, den),
        "exceeds the denominator ([numerator, denominator])",
        _labels(numerator),
    )
    if fatalities is not None and total is None and not isinstance(fatalities, FatalityModel):
        total = den
    args = (method, conf, rng, n_boot, interval, fatalities, total, n_draws, quantity)
    return _by_group(num, den, groups, args, share=True)


def _by_group(a, b, groups, args, *, share):
    """One estimate, or one per group (each on its own events), as a ClusteredRatio."""
    if groups is None:
        return _ratio(a, b, *args, share=share)
    method, conf, rng, n_boot, interval, fatalities, total, n_draws, quantity = args
    codes, labels = _group_codes(groups, a.size)
    gen = None if rng is None else as_rng(rng)
    tot = None if total is None else np.asarray(total, dtype=float)
    draws = None
    if fatalities is not None and not isinstance(fatalities, FatalityModel):
        draws = np.asarray(fatalities, dtype=float)
    parts = []
    for k, label in enumerate(labels):
        rows = np.flatnonzero(codes == k)
        if draws is not None:
            fat_k = draws[rows] if draws.ndim == 2 else draws
        else:
            fat_k = None if fatalities is None else fatalities.subset(rows)
        tot_k = None if tot is None or tot.ndim != 1 or tot.size != a.size else tot[rows]
        if tot is not None and tot_k is None:
            tot_k = tot  # wrong shape: let _ratio report it
        try:
            parts.append(
                _ratio(
                    a[rows],
                    b[rows],
                    method,
                    conf,
                    gen,
                    n_boot,
                    interval,
                    fat_k,
                    tot_k,
                    n_draws,
                    quantity,
                    share=share,
                )
            )
        except FatalityInputError as exc:
            row = None if exc.row is None else int(rows[exc.row])
            raise FatalityInputError(
                f"in group {label!r}: {exc}", argument=exc.argument, row=row
            ) from None
        except InputError as exc:
            raise InputError(f"in group {label!r}: {exc}") from None

    def field(name):
        values = [getattr(r, name) for r in parts]
        if all(v is None for v in values):
            return None
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    return ClusteredRatio(
        field("estimate"),
        field("ci_low"),
        field("ci_high"),
        confidence=conf,
        method=parts[0].method,
        quantity=quantity,
        group=labels,
        reported=field("reported"),
        se=field("se"),
        n_events=field("n_events"),
        design_effect=field("design_effect"),
        df=field("df"),
        fmi=field("fmi"),
    )


def _ratio(
    a, b, method, conf, rng, n_boot, interval, fatalities, total, n_draws, quantity, *, share
):
    n = a.size
    if n < 2:
        raise FatalityInputError(f"need at least 2 events, got {n}", argument="a")
    if b.sum() <= 0:
        raise FatalityInputError(
            "the denominator total is 0: the ratio is undefined",
            argument="denominator" if share else "b",
        )
    if method == "linearised" and interval != "percentile":
        raise InputError("interval= applies to method='bootstrap' only")
    reported, se_reported = _linearised(a, b)
    z = z_quantile(conf)
    df = fmi = replicates = None
    if fatalities is not None:
        gen = as_rng(rng) if isinstance(fatalities, FatalityModel) else None
        ref = None if total is None else _as_event_values(total, "total", n)
        source, ref = _fatality_factors(fatalities, ref, n, "total")
        ref = np.asarray(ref, dtype=float)
        _check(
            (ref == 0) & ((a > 0) | (b > 0)),
            "total",
            ref,
            "is 0 where the event has deaths in a or b",
            None,
        )
    if method == "linearised":
        if fatalities is None:
            est, se = reported, se_reported
            lo, hi = est - z * se, est + z * se
            label = "linearised, events as PSUs"
        else:
            if not isinstance(n_draws, (int, np.integer)) or n_draws < 2:
                raise InputError(f"n_draws must be a whole number >= 2, got {n_draws!r}")
            r, var = _linearised_draws(a, b, source, ref, int(n_draws), gen)
            qbar, _, _, t, df_, _, _, fmi_ = _pool_arrays(r[:, None], var[:, None], np.inf)
            est, se = float(qbar[0]), float(np.sqrt(t[0]))
            df, fmi = float(df_[0]), float(fmi_[0])
            crit = t_quantile(conf, df)
            lo, hi = est - crit * se, est + crit * se
            label = (
                f"linearised, events as PSUs; {fatalities_name(fatalities)} draws pooled "
                f"by Rubin's rules, m = {n_draws}"
            )
    else:
        if not isinstance(n_boot, (int, np.integer)) or n_boot < 100:
            raise InputError(f"n_boot must be a whole number >= 100, got {n_boot!r}")
        gen = as_rng(rng)
        if fatalities is None:
            reps, _ = _bootstrap(a, b, int(n_boot), gen)
            est = reported
        else:
            if interval == "bca":
                raise InputError(
                    "interval='bca' is not available with fatalities=; use 'percentile'"
                )
            reps, point = _bootstrap(a, b, int(n_boot), gen, source, ref)
            est = float(np.mean(point))
        ok = np.isfinite(reps)
        if not ok.all():
            warnings.warn(
                f"{int((~ok).sum())} of {n_boot} bootstrap replicates drew no events with a "
                "positive denominator and were left out",
                RuntimeWarning,
                stacklevel=3,
            )
            reps = reps[ok]
        se = float(np.std(reps, ddof=1))
        if interval == "percentile":
            levels = np.array([(1 - conf) / 2, (1 + conf) / 2])
        else:
            sa, sb = a.sum(), b.sum()
            if np.any(sb - b <= 0):
                raise InputError(
                    "BCa needs the denominator to stay positive when any one "
                    "event is left out; use interval='percentile'"
                )
            jack = (sa - a) / (sb - b)
            levels, _, _ = _bca_levels(reported, reps, jack, conf)
        lo, hi = np.quantile(reps, levels)
        label = f"bootstrap, events as clusters, {interval}, {n_boot} replicates"
        if fatalities is not None:
            label += f"; {fatalities_name(fatalities)} draws"
        replicates = reps
    deff = None
    if share:
        p = est
        binom_var = p * (1 - p) / b.sum()
        deff = float(se**2 / binom_var) if binom_var > 0 else float("nan")
        if not np.isfinite(deff):
            deff = None
    return ClusteredRatio(
        float(est),
        float(lo),
        float(hi),
        confidence=conf,
        method=label,
        quantity=quantity,
        reported=reported,
        se=float(se),
        n_events=float(n),
        design_effect=deff,
        df=df,
        fmi=fmi,
        replicates=replicates,
    )


def fatalities_name(fatalities: Any) -> str:
    return fatalities.name if isinstance(fatalities, FatalityModel) else "given"
