"""Number formatting shared by result reprs and tables.

One place decides how an estimate, an interval and a p-value are written, so that a repr in a
notebook and a table in a report agree to the digit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "format_number",
    "format_ci",
    "format_pvalue",
    "format_confidence",
    "format_frame",
    "MISSING",
]

_PVALUE_COLUMNS = ("pvalue", "p_value", "pvalue_adjusted")

#: How a sentence writes a value that is absent (an interval that could not be computed).
MISSING = "\u2014"


def _is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _is_pvalue_column(name: str) -> bool:
    return (
        name in _PVALUE_COLUMNS
        or name.startswith(("pvalue", "p_value"))
        or name.endswith(("_pvalue", "_p_value"))
    )


def format_number(x: float, digits: int = 3) -> str:
    """Format a number to ``digits`` significant digits, without exponent for everyday sizes.

    Whole numbers of 1,000 or more are written with thousands separators and no decimals;
    very small or very large numbers fall back to scientific notation.
    """
    if x is None:
        return ""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e9 or ax < 1e-4:
        return f"{x:.{digits - 1}e}"
    if ax >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    decimals = digits - 1 - int(math.floor(math.log10(ax)))
    out = f"{x:.{decimals}f}"
    if float(out) != 0 and abs(float(out)) >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    return out


def _format_end(x: object, digits: int) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, (np.datetime64, pd.Timestamp, pd.Period)):
        return str(x)
    return format_number(x, digits)


def format_ci(low: object, high: object, digits: int = 3) -> str:
    """Format an interval as ``"1.13 to 1.38"``.

    An end that is absent (None or NaN) is written ``"\u2014"``, and an interval with both ends
    absent is just ``"\u2014"``, never ``"NaN to NaN"``. Ends that are not numbers (months such
    as ``"2017-05"``) are written as they are.

    Examples
    --------
    >>> from conflictstats._format import format_ci
    >>> format_ci(1.1311, 1.3822), format_ci(float("nan"), float("nan")), format_ci(2, None)
    ('1.13 to 1.38', '\u2014', '2.00 to \u2014')
    >>> format_ci("2017-05", "2017-07")
    '2017-05 to 2017-07'
    """
    if _is_missing(low) and _is_missing(high):
        return MISSING
    a = MISSING if _is_missing(low) else _format_end(low, digits)
    b = MISSING if _is_missing(high) else _format_end(high, digits)
    return f"{a} to {b}"


def format_pvalue(p: float) -> str:
    """Format a p-value: ``"< 0.001"`` below one in a thousand, else three decimals."""
    if _is_missing(p):
        return ""
    p = float(p)
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


def _tiny_formatter(values: pd.Series, digits: int):
    """A function that writes numbers below ``10**-digits`` as ``"< 0.001"`` when the column's
    numbers reach that size (so that ``6.66e-15`` next to ``24.4`` reads as the zero it is);
    other values pass through unchanged."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    finite = np.abs(numbers[np.isfinite(numbers)])
    threshold = 10.0**-digits
    if finite.size == 0 or finite.max() < threshold:
        return lambda v: v
    bound = f"{threshold:.{digits}f}"

    def small(v):
        if isinstance(v, str) or _is_missing(v):
            return v
        x = float(v)
        if x != 0 and abs(x) < threshold:
            return f"< {bound}" if x > 0 else f"> -{bound}"
        return v

    return small


def format_confidence(level: float) -> str:
    """Format a confidence level as a percentage label: ``0.95 -> "95%"``."""
    pct = 100 * float(np.asarray(level))
    return f"{pct:g}%"


def format_frame(
    df: pd.DataFrame, *, digits: int = 3, interval_label: str | None = None
) -> pd.DataFrame:
    """Format a table's numbers as reports print them; every cell becomes a string.

    * ``ci_low`` and ``ci_high`` become one column written ``"1.13 to 1.38"``, headed
      ``"95% CI"`` when a ``confidence`` column holds one level (which is then dropped),
      else ``"CI"``. The word ``CI`` is replaced by ``interval_label`` when given, else by
      ``df.attrs["interval_label"]`` (set by a result's ``to_frame()``, e.g.
      ``"prediction interval"``). Other ``<name>_low``/``<name>_high`` pairs are joined the same
      way, under the header ``<name>`` (``"<name> 95% CI"`` when a ``<name>`` column is
      also there); their ends may be numbers or labels such as months (``"2017-05"``).
    * p-value columns (``pvalue``, ``p_value``, ``pvalue_*``, ``*_pvalue``) read ``"< 0.001"``
      or three decimals.
    * other floats get ``digits`` significant digits. In a column whose numbers reach
      ``10**-digits`` (0.001 by default), a smaller non-zero number is written ``"< 0.001"``
      (``"> -0.001"`` if negative), as p-values are, instead of ``6.66e-15``; a column whose
      numbers are all that small keeps them, in scientific notation, so nothing is lost.
    * an absent value (None, NaN) is a blank cell, an absent interval too (never ``"NaN to
      NaN"``); integers and strings are unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> from conflictstats.tables import format_frame
    >>> df = pd.DataFrame({"estimate": [1.2534], "ci_low": [1.1311], "ci_high": [1.3822],
    ...                    "confidence": [0.95], "pvalue": [0.0412]})
    >>> format_frame(df).iloc[0].tolist()
    ['1.25', '1.13 to 1.38', '0.041']
    """
    df = df.copy()
    out = pd.DataFrame(index=df.index)
    label = interval_label or df.attrs.get("interval_label") or "CI"
    ci_header = label
    if "confidence" in df and df["confidence"].nunique() == 1 and "ci_low" in df:
        ci_header = f"{format_confidence(df['confidence'].iloc[0])} {label}"
        df = df.drop(columns="confidence")
    skip: set[str] = set()
    for col in df.columns:
        if col in skip:
            continue
        name = str(col)
        values = df[col]
        if name.endswith("_low") and name[:-4] + "_high" in df.columns:
            high = name[:-4] + "_high"
            if name == "ci_low":
                header = ci_header
            elif name[:-4] in df.columns:
                header = f"{name[:-4]} {ci_header}"
            else:
                header = name[:-4]
            small = _tiny_formatter(pd.concat([values, df[high]]), digits)
            out[header] = [
                "" if _is_missing(a) and _is_missing(b) else format_ci(small(a), small(b), digits)
                for a, b in zip(values, df[high])
            ]
            skip.add(high)
        elif _is_pvalue_column(name):
            out[name] = [format_pvalue(p) for p in values]
        elif name == "confidence":
            out[name] = [format_confidence(c) for c in values]
        elif values.dtype.kind == "f":
            small = _tiny_formatter(values, digits)
            out[name] = ["" if _is_missing(v) else _format_end(small(v), digits) for v in values]
        elif values.dtype.kind in "iub":
            out[name] = [str(v) for v in values]
        else:
            out[name] = [
                "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                for v in values
            ]
    return out
