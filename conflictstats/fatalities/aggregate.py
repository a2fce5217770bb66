"""Totals of deaths per group (country-month, province-year, ...) under a fatality model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import sparse

from .._validation import InputError, as_confidence, as_finite, as_rng
from ..results import Estimate, aux_field, result
from .models import FatalityInputError, FatalityModel

__all__ = ["FatalityTotals", "aggregate_fatalities"]

#: Draws held in memory at once (events x draws per chunk): 2**21 doubles = 16 MiB.
CHUNK_CELLS = 2**21


@result
class FatalityTotals(Estimate):
    """Total deaths per group under a fatality model, from Monte Carlo draws.

    ``estimate`` is the mean of the simulated totals (means add up across groups),
    ``median`` their median and ``ci_low``/``ci_high`` the central percentile interval.
    ``best`` is the sum of the reported best values and ``n_events`` the number of events in
    the group. ``draws`` (shape ``(n_groups, n_draws)``, or ``None`` with
    ``keep_draws=False``) holds the simulated totals.
    """

    group: Any = None
    median: Any = None
    best: Any = None
    n_events: Any = None
    draws: Any = aux_field()
    n_draws: int = aux_field(0)

    interval_label: ClassVar[str] = "percentile interval"
    column_order: ClassVar[tuple[str, ...]] = (
        "group",
        "n_events",
        "best",
        "estimate",
        "median",
        "ci_low",
        "ci_high",
        "confidence",
        "method",
        "quantity",
    )

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        text = super()._sentence(index)
        if self.shape != ():
            return f"{self._element('group', index)}: {text}"
        return text


def _group_codes(groups: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    if groups is None:
        return np.zeros(n, dtype=np.intp), np.array(["all"], dtype=object)
    if isinstance(groups, pd.DataFrame):
        keys = pd.MultiIndex.from_frame(groups)
        codes, uniques = pd.factorize(keys, sort=True)
        labels = np.empty(len(uniques), dtype=object)
        labels[:] = list(uniques)
    else:
        values = pd.Series(
            np.asarray(groups, dtype=object)
            if not isinstance(groups, pd.Series)
            else groups.to_numpy()
        )
        if values.ndim != 1 or len(values) != n:
            raise InputError(f"groups must give one label per event ({n}), got {len(values)}")
        codes, uniques = pd.factorize(values, sort=True)
        labels = np.asarray(uniques, dtype=object)
    if len(codes) != n:
        raise InputError(f"groups must give one label per event ({n}), got {len(codes)}")
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise FatalityInputError(
            f"groups has a missing label at row {row}", argument="groups", row=row
        )
    return codes.astype(np.intp), labels


def _source_factors(source, source_error, n, n_draws, gen):
    """Per-event multiplicative factors, one row per source: (n_sources, n_draws), codes."""
    codes, labels = _group_codes(source, n)
    if isinstance(source_error, Mapping):
        missing = [s for s in labels if s not in source_error]
        if missing:
            raise InputError(f"source_error has no value for source {missing[0]!r}")
        sigma = np.array([source_error[s] for s in labels], dtype=float)
    else:
        sigma = np.full(len(labels), float(as_finite(source_error, "source_error")))
    if (~np.isfinite(sigma)).any() or (sigma < 0).any():
        raise InputError(f"source_error must be finite and >= 0, got {sigma.tolist()}")
    z = gen.standard_normal((len(labels), n_draws))
    factors = np.exp(sigma[:, None] * z - sigma[:, None] ** 2 / 2)
    return factors, codes


def aggregate_fatalities(
    model: FatalityModel,
    groups: Any = None,
    *,
    n_draws: int = 1000,
    rng: Any,
    confidence: float = 0.95,
    source: Any = None,
    source_error: Any = None,
    keep_draws: bool = True,
) -> FatalityTotals:
    """Total deaths per group, as draws and as mean, median and percentile interval.

    Parameters
    ----------
    model : FatalityModel
        Per-event fatality model (from :func:`fatality_model`, any registered model).
    groups : array_like or pandas.DataFrame, optional
        A group label per event (e.g. ``"2017-03"`` or a DataFrame of key columns such as
        country and month, giving tuple labels); ``None`` for one overall total. Groups come
        out sorted by label; only groups that have events appear.
    n_draws : int
        Monte Carlo draws of every event.
    rng : numpy.random.Generator or int
        Source of randomness.
    confidence : float
        Level of the percentile interval.
    source : array_like, optional
        A source (reporting channel, coder team, ...) per event, for ``source_error``.
    source_error : float or mapping, optional
        Standard deviation of a log-normal multiplicative error shared by all events of one
        source (a mapping gives one per source), with mean 1: in each draw, every event of
        source s is multiplied by the same ``exp(sigma_s Z_s - sigma_s^2 / 2)``. This makes
        the events of one source move together (a correlated undercount).
    keep_draws : bool
        Keep the simulated totals (``draws``, ``n_groups x n_draws``) on the result.

    Returns
    -------
    FatalityTotals
        One element per group.

    Notes
    -----
    Without ``source_error`` the events are taken as independent given their reports: the
    total of a group is the sum of independent draws of its events. This is the assumption of
    Vesco et al. (2024) and ignores errors shared by events (one source's systematic
    undercount), which make the true interval wider; ``source_error`` adds such a shared
    error. Events are simulated in chunks of at most 2**21 event-draws, so memory is bounded
    by the chunk plus the ``n_groups x n_draws`` totals; for a given seed the draws do not
    depend on the number of groups. Draws of the ``"uncertain-ucdp"`` model are continuous
    and not truncated at zero, as in the R package.

    References
    ----------
    Vesco, P. et al. (2024). The underreported death toll of wars: a probabilistic
    reassessment from a structured expert elicitation. arXiv preprint; Journal of Conflict
    Resolution (2026).

    Examples
    --------
    >>> from conflictstats.fatalities import fatality_model, aggregate_fatalities
    >>> m = fatality_model([100, 20, 5, 3], violence=[1, 1, 3, 3])
    >>> t = aggregate_fatalities(m, ["2017-01", "2017-01", "2017-02", "2017-02"], rng=1)
    >>> t.group.tolist(), t.best.tolist()
    (['2017-01', '2017-02'], [120.0, 8.0])
    >>> bool((t.ci_low <= t.best).all() and (t.best < t.ci_high).all())
    True
    """
    if not isinstance(model, FatalityModel):
        raise InputError(f"model must be a FatalityModel (see fatality_model), got {model!r}")
    if not isinstance(n_draws, (int, np.integer)) or isinstance(n_draws, bool) or n_draws < 2:
        raise InputError(f"n_draws must be a whole number >= 2, got {n_draws!r}")
    conf = as_confidence(confidence)
    gen = as_rng(rng)
    n = model.n_events
    codes, labels = _group_codes(groups, n)
    n_groups = labels.size
    factors = src_codes = None
    if source_error is not None:
        if source is None:
            raise InputError("source_error needs source= (a source label per event)")
        factors, src_codes = _source_factors(source, source_error, n, n_draws, gen)
    elif source is not None:
        raise InputError("source= is used only with source_error=")
    totals = _simulate_totals(model, codes, n_groups, int(n_draws), gen, factors, src_codes)
    lo, med, hi = np.quantile(totals, [(1 - conf) / 2, 0.5, (1 + conf) / 2], axis=1)
    method = f"{model.name}; {n_draws} draws"
    if source_error is not None:
        method += "; shared error per source"
    best = np.bincount(codes, weights=model.best, minlength=n_groups)
    return FatalityTotals(
        totals.mean(axis=1),
        lo,
        hi,
        confidence=conf,
        method=method,
        quantity="total deaths",
        group=labels,
        median=med,
        best=best,
        n_events=np.bincount(codes, minlength=n_groups).astype(float),
        draws=totals if keep_draws else None,
        n_draws=int(n_draws),
    )


def _simulate_totals(model, codes, n_groups, n_draws, gen, factors=None, src_codes=None):
    """Sum per-event draws into group totals, chunk by chunk: (n_groups, n_draws)."""
    n = model.n_events
    totals = np.zeros((n_groups, n_draws))
    step = max(1, CHUNK_CELLS // n_draws)
    for start in range(0, n, step):
        stop = min(n, start + step)
        draws = model.subset(slice(start, stop))._draw(n_draws, gen)
        if factors is not None:
            draws *= factors[src_codes[start:stop]]
        c = codes[start:stop]
        if n_groups == 1:
            totals[0] += draws.sum(axis=0)
        else:
            indicator = sparse.csr_matrix(
                (np.ones(stop - start), (c, np.arange(stop - start))),
                shape=(n_groups, stop - start),
            )
            totals += indicator @ draws
    return totals


def event_draws(model: FatalityModel, n_draws: int, gen: np.random.Generator) -> np.ndarray:
    """All events' draws, ``(n_events, n_draws)``, generated in the same chunks as the totals."""
    n = model.n_events
    out = np.empty((n, n_draws))
    step = max(1, CHUNK_CELLS // n_draws)
    for start in range(0, n, step):
        stop = min(n, start + step)
        out[start:stop] = model.subset(slice(start, stop))._draw(n_draws, gen)
    return out
