"""Per-event fatality models: the protocol, the built-in models and the registry.

A fatality model describes, for every event of a data set at once, what the true number of
deaths may be given what was reported. It is a :class:`FatalityModel`: per-event parameter
arrays plus ``cdf``, ``quantile``, ``mean``, ``median`` and ``sample``. The built-in models are
``"uncertain-ucdp"`` (the reported-value inflated Gumbel mixture of Vesco et al.) and
``"range"`` (a modified PERT distribution on each event's own low/best/high). A researcher adds
a model with :func:`register_model`; every function of :mod:`conflictstats.fatalities` takes
any registered model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from .._numeric import pandas_aligned
from .._validation import InputError, as_probability, as_rng

__all__ = [
    "FatalityInputError",
    "FatalityModel",
    "UncertainUCDP",
    "RangePERT",
    "fatality_model",
    "register_model",
    "available_models",
    "violence_codes",
]

EULER_GAMMA = 0.57721566490153286061

# ---------------------------------------------------------------------------------------------
# errors and validation
# ---------------------------------------------------------------------------------------------


class FatalityInputError(InputError):
    """Bad per-event fatality input: names the argument and the first bad row.

    Attributes
    ----------
    argument : str
        The argument that holds the bad value (``"best"``, ``"low"``, ``"violence"`` ...).
    row : int or None
        Position (0-based) of the first bad event, ``None`` when the error is not per event.
    label : object
        The index label of that row when the input was a pandas Series, else the position.
    """

    def __init__(self, message: str, *, argument: str, row: int | None = None, label=None):
        super().__init__(message)
        self.argument = argument
        self.row = row
        self.label = row if label is None else label


def _labels(value: Any) -> Any:
    """The pandas index of a Series/DataFrame argument (to name rows by label), else None."""
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.index
    return None


def _label_at(labels: Any, row: int) -> Any:
    if labels is None or len(labels) <= row:
        return row
    label = labels[row]
    return label.item() if isinstance(label, np.generic) else label


def _row_text(row: int, labels: Any) -> str:
    label = _label_at(labels, row)
    if isinstance(label, (int, np.integer)) and label == row:
        return f"row {row}"
    return f"row {row} (index {label!r})"


def _value_at(values: Any, row: int) -> Any:
    if isinstance(values, tuple):
        return [_value_at(v, row) for v in values]
    value = values[row]
    return value.item() if isinstance(value, np.generic) else value


def _fail(argument: str, bad: np.ndarray, values: Any, what: str, labels: Any = None):
    row = int(np.flatnonzero(bad)[0])
    raise FatalityInputError(
        f"{argument} {what}: {_value_at(values, row)!r} at {_row_text(row, labels)}"
        f" ({int(bad.sum())} bad row{'s' if bad.sum() > 1 else ''} in all)",
        argument=argument,
        row=row,
        label=_label_at(labels, row),
    )


def as_event_counts(value: Any, name: str, n: int | None = None) -> np.ndarray:
    """Per-event fatality counts as a 1-D float array of whole numbers >= 0.

    Errors name the argument and the first bad row. A scalar broadcasts to ``n`` events.
    """
    labels = _labels(value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise FatalityInputError(
            f"{name} must be numeric per-event counts", argument=name
        ) from None
    if arr.ndim == 0:
        arr = np.full(1 if n is None else n, float(arr))
        labels = None
    if arr.ndim != 1:
        raise FatalityInputError(
            f"{name} must be one value per event (1-D), got shape {arr.shape}", argument=name
        )
    if n is not None and arr.size != n:
        raise FatalityInputError(
            f"{name} has {arr.size} values but best has {n} events", argument=name
        )
    _check(~np.isfinite(arr), name, arr, "must be finite (no NaN or missing values)", labels)
    _check(arr < 0, name, arr, "must be a non-negative count", labels)
    _check(arr != np.floor(arr), name, arr, "must be a whole-number count", labels)
    return arr


def _check(bad, name, values, what, labels):
    if bad.any():
        _fail(name, bad, values, what, labels)


# ---------------------------------------------------------------------------------------------
# types of violence
# ---------------------------------------------------------------------------------------------
_VIOLENCE = {
    1: "sb",
    2: "ns",
    3: "os",
    4: "any",
    "1": "sb",
    "2": "ns",
    "3": "os",
    "4": "any",
    "sb": "sb",
    "ns": "ns",
    "os": "os",
    "any": "any",
    "state-based": "sb",
    "non-state": "ns",
    "one-sided": "os",
}


def violence_codes(violence: Any, n: int, name: str = "violence") -> np.ndarray:
    """Map types of violence to the codes ``"sb"``, ``"ns"``, ``"os"``, ``"any"``, per event.

    Accepts UCDP's ``type_of_violence`` 1/2/3 (and 4 for the pooled ``"any"``), the codes
    ``"sb"``/``"ns"``/``"os"``/``"any"`` and ``"state-based"``/``"non-state"``/``"one-sided"``
    (case-insensitive), as one value for all events or one per event.

    Examples
    --------
    >>> from conflictstats.fatalities import violence_codes
    >>> violence_codes([1, "ns", "One-sided"], 3).tolist()
    ['sb', 'ns', 'os']
    """
    labels = _labels(violence)
    arr = np.asarray(violence, dtype=object)
    if arr.ndim == 0:
        arr = np.full(n, arr.item(), dtype=object)
        labels = None
    if arr.ndim != 1 or arr.size != n:
        raise FatalityInputError(
            f"{name} must be one value or one per event ({n}), got shape {arr.shape}",
            argument=name,
        )

    def key(v: Any) -> Any:
        if isinstance(v, str):
            return v.strip().lower()
        if isinstance(v, (bool, np.bool_)):
            return None
        if isinstance(v, (int, np.integer)):
            return int(v)
        if isinstance(v, (float, np.floating)) and np.isfinite(v) and v == int(v):
            return int(v)
        return None

    inverse, uniques = pd.factorize(pd.Series(arr), use_na_sentinel=False)
    mapped = np.array([_VIOLENCE.get(key(v), "") for v in uniques] + [""], dtype=object)
    out = mapped[:-1][inverse]
    bad = out == ""
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise FatalityInputError(
            f"unknown type of violence {arr[row]!r} in {name} at {_row_text(row, labels)}; use "
            "1/2/3, 'sb'/'ns'/'os', 'state-based'/'non-state'/'one-sided' or 'any'",
            argument=name,
            row=row,
            label=_label_at(labels, row),
        )
    return out.astype(str)


# ---------------------------------------------------------------------------------------------
# the protocol
# ---------------------------------------------------------------------------------------------
class FatalityModel:
    """Base class (the protocol) of per-event fatality models.

    A model holds one array per parameter, each with one value per event (``params``), and the
    reported ``best`` values. Subclasses implement ``_cdf(x)``, ``_quantile(p)`` and ``_mean()``
    on those arrays (with ``x``/``p`` broadcast against the events) and may override
    ``_sample(u)`` or :meth:`sample`; everything else (subsetting, chunking, the public methods'
    validation) is inherited. To make a model available by name, give a factory to
    :func:`register_model`.

    Parameters
    ----------
    best : array_like
        Reported best values, one per event.
    **params : array_like
        Per-event parameter arrays (each of the length of ``best``).

    Notes
    -----
    Draws come from :meth:`sample` as an array of shape ``(n_events, n)``, one row per event.
    The default sampler inverts the CDF at uniform numbers (``_quantile``), one uniform per draw
    taken row by row, so the draws of the first k events do not depend on how many events
    follow; a subclass may use a faster sampler.

    Examples
    --------
    A model whose true count is the reported count times a log-normal factor:

    >>> import numpy as np
    >>> from scipy import stats
    >>> from conflictstats.fatalities import FatalityModel, register_model, fatality_model
    >>> class LogNormalError(FatalityModel):
    ...     name = "lognormal-error"
    ...     def _cdf(self, x):
    ...         return stats.lognorm.cdf(x, self.params["sigma"], scale=self.best)
    ...     def _quantile(self, p):
    ...         return stats.lognorm.ppf(p, self.params["sigma"], scale=self.best)
    ...     def _mean(self):
    ...         return self.best * np.exp(self.params["sigma"] ** 2 / 2)
    >>> register_model("lognormal-error",
    ...                lambda best, low, high, violence: LogNormalError(best, sigma=0.3))
    >>> m = fatality_model([10, 100], model="lognormal-error")
    >>> m.median().tolist()
    [10.0, 100.0]
    """

    #: The name the model is registered under (for result labels).
    name: ClassVar[str] = "custom"

    def __init__(self, best: Any, **params: Any) -> None:
        self.best = np.asarray(best, dtype=float).reshape(-1)
        n = self.best.size
        self.params: dict[str, np.ndarray] = {}
        for key, value in params.items():
            arr = np.asarray(value)
            if arr.ndim == 0:
                arr = np.full(n, arr.item())
            if arr.shape != (n,):
                raise InputError(f"model parameter {key!r} has shape {arr.shape}, expected ({n},)")
            self.params[key] = arr

    # -- sizes and subsets ----------------------------------------------------------------
    def __len__(self) -> int:
        return self.best.size

    @property
    def n_events(self) -> int:
        """Number of events."""
        return self.best.size

    def subset(self, index: Any) -> FatalityModel:
        """The same model for a subset of the events (an index array, mask or slice)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.best = self.best[index]
        new.params = {k: v[index] for k, v in self.params.items()}
        return new

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.n_events} events)"

    # -- to be implemented ----------------------------------------------------------------
    def _cdf(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _quantile(self, p: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _mean(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sample(self, u: np.ndarray) -> np.ndarray:
        """Draws from uniforms ``u`` of shape ``(n_events, n)`` (inverse CDF by default)."""
        return np.asarray(self._quantile(u.T), dtype=float).T  # (n, events) broadcasts

    # -- public face ----------------------------------------------------------------------
    def cdf(self, x: Any) -> np.ndarray:
        """P(true deaths <= x) per event; ``x`` broadcasts against the events.

        A 2-D ``x`` of shape ``(n_events, k)`` gives k values per event; a model of one
        event takes any 1-D ``x``.
        """
        x = np.asarray(x, dtype=float)
        if np.isnan(x).any():
            raise InputError("x must not contain NaN")
        return self._per_event(self._cdf, x)

    def quantile(self, p: Any) -> np.ndarray:
        """Quantile function per event; ``p`` (in [0, 1]) broadcasts against the events."""
        p = as_probability(p, "p")
        return self._per_event(self._quantile, p)

    def mean(self) -> np.ndarray:
        """Expected true deaths per event."""
        return np.asarray(self._mean(), dtype=float)

    def median(self) -> np.ndarray:
        """Median true deaths per event (``quantile(0.5)``)."""
        return self.quantile(0.5)

    def interval(self, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Central interval per event: the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
        quantiles."""
        return self.quantile((1 - confidence) / 2), self.quantile((1 + confidence) / 2)

    def sample(self, n: int, *, rng: Any) -> np.ndarray:
        """``n`` draws of the true deaths of every event: an array ``(n_events, n)``.

        Parameters
        ----------
        n : int
            Number of draws per event.
        rng : numpy.random.Generator or int
            Source of randomness (required: results must be reproducible).
        """
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
            raise InputError(f"n must be a positive whole number of draws, got {n!r}")
        gen = as_rng(rng)
        return self._draw(int(n), gen)

    def _draw(self, n: int, gen: np.random.Generator) -> np.ndarray:
        return self._sample(gen.random((self.n_events, n)))

    def _per_event(self, fn: Callable, arg: np.ndarray) -> np.ndarray:
        if self.n_events == 1 and arg.ndim <= 1:
            return np.asarray(fn(arg), dtype=float)  # one event at many values
        if arg.ndim == 2 and arg.shape[0] == self.n_events:
            return np.asarray(fn(arg.T), dtype=float).T
        if arg.ndim > 1:
            raise InputError(
                f"values must be a scalar, one per event, or (n_events, k); got shape {arg.shape}"
            )
        if arg.ndim == 1 and arg.size != self.n_events:
            raise InputError(
                f"values must be a scalar or one per event ({self.n_events}), got {arg.size}"
            )
        return np.asarray(fn(np.broadcast_to(arg, self.best.shape)), dtype=float)


# ---------------------------------------------------------------------------------------------
# uncertainUCDP: reported-value inflated Gumbel mixture
# ---------------------------------------------------------------------------------------------
_COEFFICIENTS: dict | None = None
_INFLATED = (2, 3, 13, 20, 24, 40, 101, 200, 1001, 2000)


def _coefficients() -> dict:
    global _COEFFICIENTS
    if _COEFFICIENTS is None:
        text = resources.files(__package__).joinpath("uncertain_ucdp.json").read_text("utf-8")
        _COEFFICIENTS = json.loads(text)
    return _COEFFICIENTS


def _linear_predictor(best: np.ndarray, block: dict) -> np.ndarray:
    eta = block["(Intercept)"] + block["logfatlev"] * np.log1p(best)
    for value in _INFLATED:
        eta = eta + block[f"fl_{value}"] * (best == value)
    return eta


def ucdp_parameters(best: np.ndarray, codes: np.ndarray) -> dict[str, np.ndarray]:
    """Location, scale and point-mass weight of the mixture for each event.

    ``best`` are whole numbers >= 0 and ``codes`` the types of violence as ``"sb"``, ``"ns"``,
    ``"os"`` or ``"any"`` (see :func:`violence_codes`).
    """
    coefs = _coefficients()
    loc = np.empty_like(best)
    scale = np.empty_like(best)
    w = np.empty_like(best)
    for code in np.unique(codes):
        mask = codes == code
        blocks = coefs[str(code)]
        b = best[mask]
        loc[mask] = np.expm1(_linear_predictor(b, blocks["loc_transformed"]))
        scale[mask] = np.exp(_linear_predictor(b, blocks["log_scale"]))
        w[mask] = special.expit(_linear_predictor(b, blocks["logit_w"]))
    return {"loc": loc, "scale": scale, "w": w}


def _gumbel_cdf(x, loc, scale):
    return np.exp(-np.exp(-(x - loc) / scale))


def _gumbel_ppf(p, loc, scale):
    with np.errstate(divide="ignore"):
        return loc - scale * np.log(-np.log(p))


class UncertainUCDP(FatalityModel):
    """The reported-value inflated Gumbel mixture of Vesco et al., as in R uncertainUCDP 0.7.6.

    With probability ``w`` the true count equals the reported ``best``; otherwise it is
    Gumbel(``loc``, ``scale``). The three parameters come from regressions on ``log(1 + best)``
    and indicators of the values coders favour (2, 3, 13, 20, 24, 40, 101, 200, 1001, 2000),
    separately by type of violence. Build it with :func:`fatality_model`.

    Notes
    -----
    ``F(y) = (1 - w) G(y) + w 1[y >= best]`` with ``G(y) = exp(-exp(-(y - loc) / scale))``;
    mean ``(1 - w)(loc + gamma scale) + w best`` (gamma: Euler's constant). The quantile
    inverts ``F`` piecewise, as ``quncertainUCDP`` does. Draws are continuous and, as in the R
    package, not truncated at zero: for the smallest events a few draws fall below 0.
    Sampling inverts ``F`` at one uniform number per draw (R draws a Gumbel and a Bernoulli);
    the distribution is the same.

    References
    ----------
    Vesco, P. et al. (2024). The underreported death toll of wars: a probabilistic
    reassessment from a structured expert elicitation. arXiv preprint; Journal of Conflict
    Resolution (2026), doi:10.1177/00220027261423826.
    Randahl, D. (2026). uncertainUCDP: Parametric Mixture Models for Uncertainty Estimation of
    Fatalities in UCDP Conflict Data. R package version 0.7.6, CRAN.
    """

    name = "uncertain-ucdp"

    @property
    def violence(self) -> np.ndarray:
        """Type-of-violence code per event (``"sb"``, ``"ns"``, ``"os"``, ``"any"``)."""
        return self.params["violence"]

    def _inflection(self) -> np.ndarray:
        p = self.params
        return _gumbel_cdf(self.best, p["loc"], p["scale"]) * (1 - p["w"])

    def _cdf(self, x):
        p = self.params
        return _gumbel_cdf(x, p["loc"], p["scale"]) * (1 - p["w"]) + p["w"] * (x >= self.best)

    def _quantile(self, u):
        p = self.params
        w, loc, scale = p["w"], p["loc"], p["scale"]
        lower = self._inflection()
        below = u < lower
        at = ~below & (u <= lower + w)
        v = np.where(below, u, u - w) / (1 - w)
        v = np.clip(v, 0.0, 1.0)
        return np.where(at, self.best, _gumbel_ppf(v, loc, scale))

    def _mean(self):
        p = self.params
        return (p["loc"] + p["scale"] * EULER_GAMMA) * (1 - p["w"]) + self.best * p["w"]

    def _draw(self, n, gen):
        u = gen.random((self.n_events, n))
        p = {k: v[:, None] for k, v in self.params.items() if k != "violence"}
        w, loc, scale = p["w"], p["loc"], p["scale"]
        best = self.best[:, None]
        lower = _gumbel_cdf(best, loc, scale) * (1 - w)
        below = u < lower
        at = ~below & (u <= lower + w)
        v = np.where(below, u, u - w) / (1 - w)
        with np.errstate(divide="ignore"):
            out = loc - scale * np.log(-np.log(np.clip(v, 1e-300, 1.0)))
        np.copyto(out, np.broadcast_to(best, out.shape), where=at)
        return out


# ---------------------------------------------------------------------------------------------
# range: modified PERT on [low, high] with mode best
# ---------------------------------------------------------------------------------------------
class RangePERT(FatalityModel):
    """An event's own low/best/high as a (modified) PERT distribution.

    The true count is ``low + (high - low) X`` with ``X ~ Beta(a, b)``,
    ``a = 1 + shape (best - low) / (high - low)``, ``b = 1 + shape (high - best) / (high - low)``:
    mode ``best``, support ``[low, high]``, mean ``(low + shape best + high) / (shape + 2)``.
    ``shape = 4`` is the classical PERT; smaller values spread the mass towards the ends
    (Vose's modified PERT). An event with ``low == high`` is a point mass at ``best``.
    Build it with :func:`fatality_model` (``model="range"``).

    References
    ----------
    Malcolm, D. G., Roseboom, J. H., Clark, C. E. & Fazar, W. (1959). Application of a
    technique for research and development program evaluation. Operations Research 7(5),
    646-669.
    Vose, D. (2008). Risk Analysis: A Quantitative Guide, 3rd ed. Wiley (modified PERT).
    """

    name = "range"

    def _ab(self):
        p = self.params
        width = p["high"] - p["low"]
        point = width == 0
        safe = np.where(point, 1.0, width)
        a = 1 + p["shape"] * (self.best - p["low"]) / safe
        b = 1 + p["shape"] * (p["high"] - self.best) / safe
        return a, b, safe, point

    def _cdf(self, x):
        p = self.params
        a, b, width, point = self._ab()
        z = np.clip((x - p["low"]) / width, 0.0, 1.0)
        return np.where(point, (x >= self.best).astype(float), special.betainc(a, b, z))

    def _quantile(self, u):
        p = self.params
        a, b, width, point = self._ab()
        return np.where(point, self.best, p["low"] + width * special.betaincinv(a, b, u))

    def _mean(self):
        p = self.params
        return (p["low"] + p["shape"] * self.best + p["high"]) / (p["shape"] + 2)

    def _draw(self, n, gen):
        p = self.params
        a, b, width, point = self._ab()
        x = gen.beta(a[:, None], b[:, None], size=(self.n_events, n))
        out = p["low"][:, None] + width[:, None] * x
        np.copyto(out, np.broadcast_to(self.best[:, None], out.shape), where=point[:, None])
        return out


# ---------------------------------------------------------------------------------------------
# registry and constructor
# ---------------------------------------------------------------------------------------------
Factory = Callable[..., FatalityModel]


def _ucdp_factory(best, low, high, violence):
    if violence is None:
        raise FatalityInputError(
            "model='uncertain-ucdp' needs violence= (UCDP type_of_violence 1/2/3, "
            "'sb'/'ns'/'os', or 'any' for the pooled coefficients)",
            argument="violence",
        )
    codes = violence_codes(violence, best.size)
    model = UncertainUCDP(best, violence=codes, **ucdp_parameters(best, codes))
    return model


def _range_factory(best, low, high, violence, *, shape: float = 4.0):
    if low is None or high is None:
        raise FatalityInputError(
            "model='range' needs low= and high= (the event's own bounds)",
            argument="low" if low is None else "high",
        )
    return RangePERT(best, low=low, high=high, shape=float(shape))


_REGISTRY: dict[str, Factory] = {"uncertain-ucdp": _ucdp_factory, "range": _range_factory}


def register_model(name: str, factory: Factory, *, replace: bool = False) -> None:
    """Make a fatality model available by name to every function of this package.

    Parameters
    ----------
    name : str
        The name to pass as ``model=``.
    factory : callable
        ``factory(best, low, high, violence, **options) -> FatalityModel``. It receives the
        validated per-event arrays (``best``, and ``low``/``high`` when given, else ``None``;
        ``violence`` as passed) and any extra keyword options of :func:`fatality_model`.
    replace : bool
        Allow replacing a registered model (the built-in ones included).

    Raises
    ------
    InputError
        A name already taken (unless ``replace``), or a factory that is not callable.

    Examples
    --------
    >>> from conflictstats.fatalities import RangePERT, register_model, available_models
    >>> register_model("flat-pert", lambda best, low, high, violence:
    ...                RangePERT(best, low=low, high=high, shape=2.0), replace=True)
    >>> "flat-pert" in available_models()
    True
    """
    if not isinstance(name, str) or not name:
        raise InputError(f"model name must be a non-empty string, got {name!r}")
    if not callable(factory):
        raise InputError(f"factory must be callable, got {factory!r}")
    if name in _REGISTRY and not replace:
        raise InputError(f"a fatality model named {name!r} exists; pass replace=True")
    _REGISTRY[name] = factory


def available_models() -> tuple[str, ...]:
    """Names of the registered fatality models."""
    return tuple(_REGISTRY)


@pandas_aligned("best", "low", "high", "violence", check_only=True)
def fatality_model(
    best: Any,
    *,
    low: Any = None,
    high: Any = None,
    violence: Any = None,
    model: str = "uncertain-ucdp",
    **options: Any,
) -> FatalityModel:
    """A per-event model of the true number of deaths given what was reported.

    Parameters
    ----------
    best : array_like of int
        Reported best estimate per event (UCDP GED ``best``): whole numbers >= 0.
    low, high : array_like of int, optional
        Reported lower and upper bounds per event (needed by ``model="range"``; checked against
        ``low <= best <= high`` whenever given).
    violence : int, str or array_like, optional
        Type of violence, one for all events or one per event: UCDP's ``type_of_violence``
        1/2/3, ``"sb"``/``"ns"``/``"os"``, ``"state-based"``/``"non-state"``/``"one-sided"``,
        or ``"any"`` (the pooled, experimental coefficients). Needed by ``"uncertain-ucdp"``.
    model : str
        ``"uncertain-ucdp"`` (default), ``"range"`` or a name given to :func:`register_model`.
    **options
        Passed to the model's factory; ``model="range"`` takes ``shape`` (default 4, the
        classical PERT).

    Returns
    -------
    FatalityModel
        Vectorised over the events: ``cdf(x)``, ``quantile(p)``, ``mean()``, ``median()``,
        ``interval()``, ``sample(n, rng=)``.

    Raises
    ------
    FatalityInputError
        (a ``ValueError``) for negative, fractional or missing counts, ``low > best`` or
        ``best > high``, an unknown type of violence or an unknown model; the message and the
        ``argument``/``row`` attributes name the argument and the first bad row.

    Notes
    -----
    ``"uncertain-ucdp"`` is the model that Vesco et al. (2024) fitted to a survey of UCDP's
    coders (see :class:`UncertainUCDP`); it reproduces R uncertainUCDP 0.7.6's
    ``quncertainUCDP``, ``puncertainUCDP`` and ``mean_uncertainUCDP``. Its distribution is
    skewed upwards: UCDP's best undercounts. ``"range"`` (:class:`RangePERT`) uses only the
    event's own bounds, for any source that reports low/best/high.

    References
    ----------
    Vesco, P. et al. (2024). The underreported death toll of wars: a probabilistic
    reassessment from a structured expert elicitation. arXiv preprint; Journal of Conflict
    Resolution (2026), doi:10.1177/00220027261423826.
    Randahl, D. (2026). uncertainUCDP, R package version 0.7.6, CRAN.

    Examples
    --------
    >>> from conflictstats.fatalities import fatality_model
    >>> m = fatality_model([100, 20], violence="sb")
    >>> m.mean().round(2).tolist()
    [131.38, 21.06]
    >>> m.quantile(0.975).round(1).tolist()
    [237.7, 28.6]
    >>> r = fatality_model([10], low=[5], high=[30], model="range")
    >>> r.mean().round(3).tolist()
    [12.5]
    """
    if not isinstance(model, str) or model not in _REGISTRY:
        raise FatalityInputError(
            f"unknown fatality model {model!r}; choose one of: "
            + ", ".join(repr(k) for k in _REGISTRY),
            argument="model",
        )
    b = as_event_counts(best, "best")
    lo = None if low is None else as_event_counts(low, "low", b.size)
    hi = None if high is None else as_event_counts(high, "high", b.size)
    labels = _labels(best)
    if lo is not None:
        _check(lo > b, "low", (lo, b), "is above best ([low, best])", labels)
    if hi is not None:
        _check(b > hi, "high", (b, hi), "is below best ([best, high])", labels)
    return _REGISTRY[model](b, lo, hi, violence, **options)
