"""Monte Carlo propagation of reported-figure uncertainty into derived quantities.

:func:`monte_carlo` draws every input — a :class:`~conflictstats.reported.ReportedFigure`
through its sampling model, an array of draws as given, a number as a constant — evaluates a
vectorised function on the draws, and summarises the result by its median and a percentile
interval, in the shared result family (:class:`PropagatedEstimate`). :func:`sensitivity`
reruns the same propagation with the reported figures read under other rule sets
(``"narrow"``, ``"wide"``, ``"acled"`` or a mapping of rules), to show how much a conclusion
depends on how the qualifiers are read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from ._validation import InputError, as_confidence, as_finite, as_rng
from .results import Estimate, aux_field, result

__all__ = ["PropagatedEstimate", "RuleSensitivity", "monte_carlo", "sensitivity"]


@result
class PropagatedEstimate(Estimate):
    """A derived quantity propagated by Monte Carlo: median and percentile interval.

    Adds to :class:`~conflictstats.results.Estimate`:

    Attributes
    ----------
    n_draws : int
        Number of Monte Carlo draws.
    draws : numpy.ndarray or None
        The draws of the derived quantity (kept unless ``keep_draws=False``).
    inputs : dict
        For each input, how it was drawn (sampling model, bounds, cap and where it came from).
    """

    n_draws: int = 0
    draws: Any = aux_field()
    inputs: Any = aux_field()

    interval_label: ClassVar[str] = "percentile interval"


def _is_figure(value: Any) -> bool:
    """A reported figure, by duck typing (this module does not import ``reported``)."""
    return hasattr(value, "sample") and hasattr(value, "describe_model")


def _draw_input(
    name: str, value: Any, n: int, rng: np.random.Generator, model: Any, cap: Any
) -> tuple[Any, str]:
    if _is_figure(value):
        draws = value.sample(n, rng=rng, model=model, cap=cap)
        return draws, value.describe_model(model, cap=cap)
    if cap is not None:
        raise InputError(f"caps given for input {name!r}, which is not a reported figure")
    arr = as_finite(value, name)
    if arr.ndim == 0:
        return float(arr), f"constant {float(arr):g}"
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} must be a number, a ReportedFigure or a 1-d array of draws")
    if arr.size == n:
        return arr, f"{n} draws as given"
    return rng.choice(arr, size=n, replace=True), f"resampled from {arr.size} given draws"


def monte_carlo(
    func: Callable[..., Any],
    *,
    n: int = 100_000,
    rng: Any,
    confidence: float = 0.95,
    models: str | Mapping[str, str] | None = None,
    caps: Mapping[str, float] | None = None,
    quantity: str = "derived quantity",
    keep_draws: bool = True,
    **inputs: Any,
) -> PropagatedEstimate:
    """Propagate the uncertainty of reported figures through ``func`` by Monte Carlo.

    Parameters
    ----------
    func : callable
        Vectorised function of the inputs by keyword (``func(fighters=..., area=...)``),
        returning an array of ``n`` values (or a scalar, broadcast).
    n : int
        Number of draws.
    rng : numpy.random.Generator or int
        Source of randomness (a seed makes the result reproducible).
    confidence : float
        Level of the percentile interval.
    models : str or mapping, optional
        Sampling model for every reported-figure input (a string) or per input name
        (``{"fighters": "pert"}``); each figure's default model otherwise.
    caps : mapping, optional
        Upper caps for open-ended figures by input name (``{"captured": 100}``); each
        figure's default cap otherwise.
    quantity : str
        What the derived quantity is, for the result's repr and tables.
    keep_draws : bool
        Keep the draws of the derived quantity on the result.
    **inputs
        Each a :class:`~conflictstats.reported.ReportedFigure` (drawn from its sampling
        model), a 1-d array of draws (used as given if it has ``n`` values, else resampled
        with replacement) or a number (a constant).

    Returns
    -------
    PropagatedEstimate
        Median of the draws, the equal-tailed percentile interval, and per input the sampling
        model used (``inputs``).

    Raises
    ------
    InputError
        No inputs, an unknown model, a bad input, ``func`` returning the wrong shape or
        non-finite values (e.g. a division by a draw of zero).
    ReportedFigureError
        An open-ended figure without a cap usable for sampling.

    Notes
    -----
    The interval's ends are the ``(1 - confidence)/2`` and ``(1 + confidence)/2`` sample
    quantiles of the draws, by linear interpolation between order statistics (Hyndman and
    Fan's definition 7, R's default), which is the percentile method of Monte Carlo
    uncertainty analysis.

    References
    ----------
    Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. The
    American Statistician 50(4), 361-365.

    Morgan, M. G. and Henrion, M. (1990). Uncertainty: A Guide to Dealing with Uncertainty in
    Quantitative Risk and Policy Analysis. Cambridge University Press.

    Examples
    --------
    >>> from conflictstats.reported import parse_figure
    >>> from conflictstats.propagate import monte_carlo
    >>> r = monte_carlo(lambda fighters, area: fighters / area, rng=1,
    ...                 fighters=parse_figure("2,000 to 2,500"),
    ...                 area=parse_figure("about 50 sq km"),
    ...                 quantity="fighters per km2")
    >>> round(float(r.estimate))
    45
    """
    confidence = as_confidence(confidence)
    rng = as_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InputError(f"n must be an integer of at least 2, got {n!r}")
    if not callable(func):
        raise InputError(f"func must be callable, got {func!r}")
    if not inputs:
        raise InputError("monte_carlo needs at least one input (name=figure, array or number)")
    if isinstance(models, str) or models is None:
        model_of = dict.fromkeys(inputs, models)
    else:
        unknown = set(models) - set(inputs)
        if unknown:
            raise InputError(f"models names unknown input(s) {sorted(unknown)}")
        model_of = {k: models.get(k) for k in inputs}
        plain = [k for k in models if not _is_figure(inputs[k])]
        if plain:
            raise InputError(f"models given for input {plain[0]!r}, which is not a reported figure")
    for k, m in model_of.items():
        if m is not None and not isinstance(m, str):
            raise InputError(f"models[{k!r}] must be a model name, got {m!r}")
    caps = dict(caps or {})
    if set(caps) - set(inputs):
        raise InputError(f"caps names unknown input(s) {sorted(set(caps) - set(inputs))}")

    draws: dict[str, Any] = {}
    described: dict[str, str] = {}
    for name, value in inputs.items():
        model = model_of[name] if _is_figure(value) else None
        draws[name], described[name] = _draw_input(name, value, int(n), rng, model, caps.get(name))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result = np.asarray(func(**draws), dtype=float)
    try:
        out = np.broadcast_to(result, (int(n),))
    except ValueError:
        raise InputError(
            f"func must return {n} values (one per draw), got shape {result.shape}"
        ) from None
    bad = ~np.isfinite(out)
    if bad.any():
        raise InputError(
            f"func returned {int(bad.sum())} non-finite value(s) of {n} (first: {out[bad][0]!r});"
            " check for divisions by draws of zero"
        )
    tail = (1 - confidence) / 2
    lo, med, hi = np.quantile(out, [tail, 0.5, 1 - tail])
    return PropagatedEstimate(
        estimate=float(med),
        ci_low=float(lo),
        ci_high=float(hi),
        confidence=confidence,
        method="monte-carlo percentile",
        quantity=quantity,
        n_draws=int(n),
        draws=np.array(out) if keep_draws else None,
        inputs=described,
    )


@result
class RuleSensitivity(PropagatedEstimate):
    """A propagated quantity under several readings of its reported figures.

    One element per rule set: ``estimate``, ``ci_low`` and ``ci_high`` are arrays in the
    order of ``rule_set``.

    Attributes
    ----------
    rule_set : numpy.ndarray
        The name of each rule set ("default", "narrow", "wide", ...).
    inputs : dict
        For each rule set, how each input was drawn under it.
    """

    rule_set: Any = None

    interval_label: ClassVar[str] = "percentile interval"


def sensitivity(
    func: Callable[..., Any],
    *,
    rules: Any = ("default", "narrow", "wide"),
    n: int = 100_000,
    rng: Any,
    confidence: float = 0.95,
    models: str | Mapping[str, str] | None = None,
    caps: Mapping[str, float] | None = None,
    quantity: str = "derived quantity",
    **inputs: Any,
) -> RuleSensitivity:
    """Propagate reported figures through ``func`` once per rule set, to see how much the
    result depends on how the qualifiers are read.

    Parameters
    ----------
    func : callable
        As for :func:`monte_carlo`.
    rules : sequence of str, or mapping
        Rule-set names (``"default"``, ``"narrow"``, ``"wide"``, ``"acled"``), or a mapping
        of labels to anything ``parse_figure(rules=)`` accepts (a name or a mapping of rows).
    n, rng, confidence, models, caps, quantity
        As for :func:`monte_carlo`.
    **inputs
        As for :func:`monte_carlo`; each reported figure is re-read from its phrase under
        every rule set (``ReportedFigure.with_rules``), arrays and numbers are kept.

    Returns
    -------
    RuleSensitivity
        One median and percentile interval per rule set (``rule_set`` names them), and the
        sampling model of every input under each.

    Raises
    ------
    InputError
        No rule sets, or a bad argument for :func:`monte_carlo`.
    ReportedFigureError
        A figure that cannot be read under one of the rule sets.

    Notes
    -----
    Every rule set is run with the same random numbers (one seed drawn from ``rng`` and
    reused), so the differences between rows come from the readings, not from Monte Carlo
    noise. An input that is not a reported figure is the same under every rule set.

    References
    ----------
    Saltelli, A., Ratto, M., Andres, T., Campolongo, F., Cariboni, J., Gatelli, D., Saisana,
    M. and Tarantola, S. (2008). Global Sensitivity Analysis: The Primer. Wiley (one-factor
    scenario analysis of modelling choices).

    Examples
    --------
    >>> from conflictstats.reported import parse_figure
    >>> from conflictstats.propagate import sensitivity
    >>> s = sensitivity(lambda fighters, area: fighters / area, rng=1, n=20_000,
    ...                 fighters=parse_figure("about 2,000 to 2,500"),
    ...                 area=parse_figure("about 50 sq km"), quantity="fighters per km2")
    >>> list(s.rule_set), [round(float(h - lo)) for lo, h in zip(s.ci_low, s.ci_high)]
    (['default', 'narrow', 'wide'], [14, 11, 21])
    """
    if isinstance(rules, str) or rules is None:
        raise InputError(f"rules must be a sequence of rule sets or a mapping, got {rules!r}")
    labelled = dict(rules) if isinstance(rules, Mapping) else {str(r): r for r in rules}
    if not labelled:
        raise InputError("rules must name at least one rule set")
    rng = as_rng(rng)
    seed = int(rng.integers(2**63 - 1))
    results = {}
    for label, rule_set in labelled.items():
        reread = {
            k: (v.with_rules(rule_set) if _is_figure(v) and hasattr(v, "with_rules") else v)
            for k, v in inputs.items()
        }
        results[label] = monte_carlo(
            func,
            n=n,
            rng=np.random.default_rng(seed),
            confidence=confidence,
            models=models,
            caps=caps,
            quantity=quantity,
            keep_draws=False,
            **reread,
        )
    first = next(iter(results.values()))
    return RuleSensitivity(
        estimate=np.array([r.estimate for r in results.values()]),
        ci_low=np.array([r.ci_low for r in results.values()]),
        ci_high=np.array([r.ci_high for r in results.values()]),
        confidence=first.confidence,
        method="monte-carlo percentile",
        quantity=quantity,
        n_draws=first.n_draws,
        draws=None,
        inputs={label: r.inputs for label, r in results.items()},
        rule_set=np.array(list(results), dtype=object),
    )
