"""Number formatting shared by result reprs and tables.

One place decides how an estimate, an interval and a p-value are written, so that a repr in a
notebook and a table in a report agree to the digit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["format_number", "format_ci", "format_pvalue", "format_confidence", "format_frame"]

_PVALUE_COLUMNS = ("pvalue", "p_value", "pvalue_adjusted")


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


def format_ci(low: float, high: float, digits: int = 3) -> str:
    """Format an interval as ``"1.13 to 1.38"``."""
    return f"{format_number(low, digits)} to {format_number(high, digits)}"


def format_pvalue(p: float) -> str:
    """Format a p-value: ``"< 0.001"`` below one in a thousand, else three decimals."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = float(p)
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


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
      ``"prediction interval"``). Other ``<name>_low``/``<name>_high`` pairs are joined the same way.
    * p-value columns read ``"< 0.001"`` or three decimals.
    * other floats get ``digits`` significant digits; integers and strings are unchanged.

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
            header = ci_header if name == "ci_low" else name[:-4]
            out[header] = [format_ci(a, b, digits) for a, b in zip(values, df[high])]
            skip.add(high)
        elif name in _PVALUE_COLUMNS:
            out[name] = [format_pvalue(p) if pd.notna(p) else "" for p in values]
        elif name == "confidence":
            out[name] = [format_confidence(c) for c in values]
        elif values.dtype.kind == "f":
            out[name] = [format_number(v, digits) if pd.notna(v) else "" for v in values]
        elif values.dtype.kind in "iub":
            out[name] = [str(v) for v in values]
        else:
            out[name] = [
                "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                for v in values
            ]
    return out
