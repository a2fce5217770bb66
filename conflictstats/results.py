"""The result-object family shared by every conflictstats module.

Two frozen dataclasses carry every answer the toolkit gives:

* :class:`Estimate` — a point estimate with its interval, confidence level, method and what it
  is an estimate of (``quantity``), optionally with a p-value;
* :class:`HypothesisTest` — a test statistic with its p-value (and degrees of freedom) where
  there is no single interval to report.

Fields are scalars or numpy arrays of one common shape (vectorised results: one call, many
answers). Modules add fields by subclassing, never by inventing a new shape. Every member has
``to_frame()`` (a tidy DataFrame, one row per element), ``to_dict()``, a sentence-like
``repr`` and ``_repr_html_`` for notebooks.

A result carries the inputs it was computed from under the names of the arguments they were
passed as (``rate_ci(count, exposure)`` gives ``count`` and ``exposure``; ``compare_rates``
``count1`` ... ``exposure2``; ``proportion_ci(successes, trials)``; ``two_list(n1, n2, m)``),
so that ``to_frame()`` of any result names its columns as the call did; ``null`` and
``alternative`` are declared once, on :class:`Result`.

pandas in, pandas out: when a vectorised function is given pandas Series (or DataFrame
columns), it aligns them on their index and the result carries that ``index``
(:class:`pandas.Index`, ``None`` otherwise) for its first axis. The array fields stay numpy
arrays, in the index's order; ``to_frame()`` is indexed by the labels and ``series(name)``
gives one field as a :class:`pandas.Series` with them.

A subclass field that is not one value per element (Monte Carlo draws, a coefficient table)
is declared with ``field(metadata={"frame": False})``: it is kept on the object and in
``to_dict()`` but left out of the shape check and of ``to_frame()``.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._format import format_ci, format_confidence, format_frame, format_number, format_pvalue

__all__ = ["Result", "Estimate", "HypothesisTest", "aux_field", "result"]

_REPR_ROWS = 6


def aux_field(default: Any = None) -> Any:
    """A dataclass field kept out of the per-element table (draws, nested tables, options)."""
    return field(default=default, metadata={"frame": False})


def result(cls: type) -> type:
    """Class decorator for a member of the result family.

    A frozen dataclass without generated ``repr`` or ``eq`` (the family's own are used) whose
    fields are keyword-only, so a subclass adds fields after the base's without reordering
    them.

    Examples
    --------
    >>> from conflictstats.results import Estimate, result
    >>> @result
    ... class Share(Estimate):
    ...     total: float = None
    >>> Share(0.28, 0.13, 0.53, quantity="civilian share", total=9573.0).total
    9573.0
    """
    return dataclass(frozen=True, repr=False, eq=False, kw_only=True)(cls)


@result
class Result:
    """Behaviour shared by every result: table, dict, repr and HTML repr.

    Not instantiated directly; see :class:`Estimate` and :class:`HypothesisTest`. Declares the
    two fields every test shares, keyword-only: ``null`` (the value under the null hypothesis)
    and ``alternative`` (``"two-sided"``, ``"larger"`` or ``"smaller"``); both are ``None``
    where a result has no test.
    """

    null: Any = None
    alternative: Any = None
    #: Labels of the first axis, from the pandas input the result was computed from.
    index: Any = aux_field()

    #: Columns that come first in ``to_frame()``, in this order; other fields follow.
    column_order: ClassVar[tuple[str, ...]] = ()

    #: Name of the interval in sentences ("CI", "credible interval", "prediction interval").
    interval_label: ClassVar[str] = "CI"

    # -- construction -------------------------------------------------------------------
    def __post_init__(self) -> None:
        shape: tuple[int, ...] | None = None
        shape_from = ""
        for f in dataclasses.fields(self):
            if not f.metadata.get("frame", True):
                continue
            value = getattr(self, f.name)
            if isinstance(value, (list, tuple, np.ndarray)) and not isinstance(value, str):
                arr = np.asarray(value)
                if arr.dtype.kind in "biuf":
                    arr = arr.astype(float) if arr.dtype.kind in "iu" else arr
                if arr.ndim == 0:
                    object.__setattr__(self, f.name, arr.item())
                    continue
                arr = np.array(arr, copy=True)
                arr.setflags(write=False)
                object.__setattr__(self, f.name, arr)
                if shape is None:
                    shape, shape_from = arr.shape, f.name
                elif arr.shape != shape:
                    raise ValueError(
                        f"{type(self).__name__}: field {f.name!r} has shape {arr.shape} but "
                        f"{shape_from!r} has shape {shape}; vectorised fields must share one shape"
                    )
            elif isinstance(value, np.generic):
                object.__setattr__(self, f.name, value.item())
        if self.index is not None:
            index = pd.Index(self.index)
            if shape is None or shape[0] != len(index):
                raise ValueError(
                    f"{type(self).__name__}: index has {len(index)} labels but the first axis "
                    f"has {0 if shape is None else shape[0]} elements"
                )
            object.__setattr__(self, "index", index)

    # -- shape ----------------------------------------------------------------------------
    def _with_index(self, index: Any) -> Result:
        """This result labelled with ``index`` along its first axis (in place: the result is
        new and not yet shared). A result whose first axis is not as long as ``index``, e.g. a
        scalar, is returned unlabelled."""
        shape = self.shape
        if index is None or not shape or shape[0] != len(index):
            return self
        object.__setattr__(self, "index", pd.Index(index))
        return self

    def _row_index(self) -> pd.Index:
        shape = self.shape
        if len(shape) > 1:
            levels = [range(k) for k in shape]
            names = [f"i{k}" for k in range(len(shape))]
            if self.index is not None:
                levels[0] = self.index
                names[0] = self.index.name if self.index.name is not None else names[0]
            return pd.MultiIndex.from_product(levels, names=names)
        if self.index is not None:
            return self.index
        return pd.RangeIndex(self.size)

    def series(self, name: str = "estimate") -> pd.Series:
        """One vectorised field as a :class:`pandas.Series`, indexed like ``to_frame()``
        (the input's labels when the call was given pandas objects, else positions).

        Examples
        --------
        >>> import pandas as pd
        >>> from conflictstats.rates import rate_ci
        >>> rate_ci(pd.Series([3, 12], index=["Hajin", "Susah"])).series("ci_high").round(2)
        Hajin     8.77
        Susah    20.96
        Name: ci_high, dtype: float64
        """
        if name not in self._frame_fields():
            raise KeyError(f"{type(self).__name__} has no vectorised field {name!r}")
        value = getattr(self, name)
        if isinstance(value, np.ndarray):
            value = value.reshape(-1)
        else:
            value = [value] * self.size
        return pd.Series(value, index=self._row_index(), name=name)

    def _frame_fields(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self) if f.metadata.get("frame", True)]

    @property
    def shape(self) -> tuple[int, ...]:
        """Common shape of the vectorised fields; ``()`` for a scalar result."""
        for name in self._frame_fields():
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                return value.shape
        return ()

    @property
    def size(self) -> int:
        """Number of elements (1 for a scalar result)."""
        return int(np.prod(self.shape, dtype=int))

    def __len__(self) -> int:
        if self.shape == ():
            raise TypeError(f"len() of a scalar {type(self).__name__}")
        return self.shape[0]

    # -- conversion -----------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per element, one column per field.

        Columns come in a fixed order (the class's ``column_order``, e.g. ``quantity,
        estimate, ci_low, ci_high, confidence, method, pvalue``, then the subclass's own
        fields). Optional fields that
        are ``None`` are left out. The rows are indexed by the labels of the pandas input
        (``index``) where there was one, else by position; a multi-dimensional result gets a
        MultiIndex (labels or positions for the first axis, positions for the others).
        ``attrs["interval_label"]`` carries the interval's name ("CI", "prediction
        interval", ...) for table headers.
        """
        n = self.size
        names = self._frame_fields()
        first = [c for c in self.column_order if c in names]
        ordered = first + [c for c in names if c not in first]
        columns: dict[str, Any] = {}
        for name in ordered:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, np.ndarray):
                columns[name] = value.reshape(-1)
            else:
                columns[name] = [value] * n
        index = self._row_index()
        frame = pd.DataFrame(columns, index=index)
        frame.attrs["interval_label"] = self.interval_label
        return frame

    def to_dict(self) -> dict[str, Any]:
        """All fields as plain Python objects (arrays become nested lists)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value = value.tolist()
            elif isinstance(value, pd.DataFrame):
                value = value.to_dict(orient="list")
            elif isinstance(value, pd.Series):
                value = value.to_dict()
            elif isinstance(value, pd.Index):
                value = value.tolist()
            elif isinstance(value, Result):
                value = value.to_dict()
            out[f.name] = value
        return out

    # -- display --------------------------------------------------------------------------
    def _element(self, name: str, index: tuple[int, ...]) -> Any:
        value = getattr(self, name)
        if isinstance(value, np.ndarray):
            return value[index]
        return value

    def _sentence(self, index: tuple[int, ...] = ()) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _header(self) -> str:
        return f"{type(self).__name__}: {self.size} × {getattr(self, 'quantity', 'result')}"

    def __repr__(self) -> str:
        if self.shape == ():
            return self._sentence(())
        lines = [self._header()]
        positions = list(np.ndindex(*self.shape))
        shown = positions if len(positions) <= _REPR_ROWS else positions[: _REPR_ROWS - 1]
        for pos in shown:
            parts = [str(i) for i in pos]
            if self.index is not None:
                parts[0] = str(self.index[pos[0]])
            label = ",".join(parts)
            lines.append(f"  [{label}] {self._sentence(pos)}")
        if len(shown) < len(positions):
            lines.append(f"  ... ({len(positions) - len(shown)} more)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        caption = html.escape(self._sentence(()) if self.shape == () else self._header())
        table = format_frame(self.to_frame()).to_html(border=0, escape=True)
        return f"<div><p><b>{caption}</b></p>{table}</div>"


@dataclass(frozen=True, repr=False, eq=False)
class Estimate(Result):
    """A point estimate with its interval: the base of the result family.

    Parameters
    ----------
    estimate, ci_low, ci_high : float or array_like
        The estimate and the lower and upper ends of its interval.
    confidence : float
        Confidence (or credibility) level of the interval, e.g. 0.95.
    method : str
        The method string that produced the interval (as passed to ``method=``).
    quantity : str
        What the estimate is of, e.g. ``"rate ratio"``.
    pvalue : float or array_like, optional
        p-value of the accompanying test, where the method defines one.

    Examples
    --------
    >>> from conflictstats.results import Estimate
    >>> Estimate(1.25, 1.13, 1.38, method="exact-cond", quantity="rate ratio", pvalue=2e-5)
    rate ratio 1.25 (95% CI 1.13 to 1.38), p < 0.001 [exact-cond]
    >>> r = Estimate([1.0, 2.0], [0.5, 1.5], [1.5, 2.5], quantity="rate")
    >>> r.to_frame()[["estimate", "ci_low", "ci_high"]]
       estimate  ci_low  ci_high
    0       1.0     0.5      1.5
    1       2.0     1.5      2.5
    """

    estimate: Any
    ci_low: Any
    ci_high: Any
    confidence: float = 0.95
    method: str = ""
    quantity: str = "estimate"
    pvalue: Any = None

    column_order: ClassVar[tuple[str, ...]] = (
        "quantity",
        "estimate",
        "ci_low",
        "ci_high",
        "confidence",
        "method",
        "pvalue",
    )

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        est = self._element("estimate", index)
        lo = self._element("ci_low", index)
        hi = self._element("ci_high", index)
        conf = format_confidence(self._element("confidence", index))
        text = f"{format_number(est)} ({conf} {self.interval_label} {format_ci(lo, hi)})"
        if self.shape == ():
            text = f"{self.quantity} {text}"
        if self.pvalue is not None:
            p = format_pvalue(self._element("pvalue", index))
            text += f", p {p}" if p.startswith("<") else f", p = {p}"
        if self.shape == () and self.method:
            text += f" [{self.method}]"
        return text

    def _header(self) -> str:
        conf = format_confidence(self.confidence) if np.ndim(self.confidence) == 0 else ""
        return (
            f"{type(self).__name__}: {self.size} × {self.quantity}"
            f" ({conf} {self.interval_label}) [{self.method}]"
        )


@dataclass(frozen=True, repr=False, eq=False)
class HypothesisTest(Result):
    """A test statistic and its p-value, for tests that report no single interval.

    Parameters
    ----------
    statistic : float or array_like
        The test statistic.
    pvalue : float or array_like
        Its p-value.
    method : str
        The test, as passed to ``method=`` (or its name).
    quantity : str
        Name of the statistic, e.g. ``"chi-square"``.
    df : float or array_like, optional
        Degrees of freedom, where the reference distribution has them.
    alternative : str, optional
        ``"two-sided"``, ``"larger"`` or ``"smaller"`` (declared on :class:`Result`).

    Examples
    --------
    >>> from conflictstats.results import HypothesisTest
    >>> HypothesisTest(7.81, 0.0201, method="pearson", quantity="chi-square", df=2)
    chi-square 7.81 on 2 df, p = 0.020 [pearson]
    """

    statistic: Any
    pvalue: Any
    method: str = ""
    quantity: str = "statistic"
    df: Any = None

    column_order: ClassVar[tuple[str, ...]] = (
        "quantity",
        "statistic",
        "df",
        "pvalue",
        "alternative",
        "method",
    )

    def __post_init__(self) -> None:
        if self.alternative is None:  # a test without a stated alternative is two-sided
            object.__setattr__(self, "alternative", "two-sided")
        super().__post_init__()

    def _sentence(self, index: tuple[int, ...] = ()) -> str:
        stat = format_number(self._element("statistic", index))
        text = f"{self.quantity} {stat}" if self.shape == () else stat
        if self.df is not None:
            df = float(self._element("df", index))
            text += f" on {int(df) if df.is_integer() else format_number(df)} df"
        p = format_pvalue(self._element("pvalue", index))
        text += f", p {p}" if p.startswith("<") else f", p = {p}"
        if self.shape == () and self.method:
            text += f" [{self.method}]"
        return text

    def _header(self) -> str:
        return f"{type(self).__name__}: {self.size} × {self.quantity} [{self.method}]"
