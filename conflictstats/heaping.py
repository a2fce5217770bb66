"""Round-number and digit-preference audits of reported counts.

Reported casualty and fighter counts cluster on round values (30, 50, 2,000, 7,000, 30,000).
Rounding is not wrong, but it says how precise a figure is, and a set of figures that is far
rounder than counting would make is estimated, not counted. Two audits:

* :func:`round_number_test` — the share of values that are multiples of a base (5, 10, 50,
  100, ...) against the share a smooth distribution of counts would give, with an exact
  one-sided binomial test per base;
* :func:`digit_preference` — a chi-square test of uniform last digits and a Whipple-type index
  (how over-represented final 0s and 5s are) with the usual interpretation bands.

Both are vectorised: ``values`` may be 2-D (one data set per row, the test along the last axis).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._numeric import label
from ._validation import InputError, as_confidence, as_counts
from .results import Estimate, HypothesisTest, aux_field, result

__all__ = [
    "RoundNumberTest",
    "DigitPreference",
    "round_number_test",
    "digit_preference",
    "DEFAULT_BASES",
    "WHIPPLE_BANDS",
]

#: Bases tried by ``round_number_test(values, base="ladder")``.
DEFAULT_BASES = (5, 10, 50, 100, 500, 1000, 5000, 10000)

#: Whipple-index bands (upper bound exclusive, label): United Nations convention as given by
#: Shryock and Siegel (1976) and used in DHS data-quality reports.
WHIPPLE_BANDS = (
    (105.0, "highly accurate"),
    (110.0, "fairly accurate"),
    (125.0, "approximate"),
    (175.0, "rough"),
    (np.inf, "very rough"),
)


@result
class RoundNumberTest(Estimate):
    """Share of values that are multiples of ``base`` against the smooth-null share.

    ``estimate`` is the observed share among eligible values (with a Clopper-Pearson
    interval), ``expected`` the share under the null (1/base), ``ratio`` their ratio (the
    heaping index: 1 = no excess), ``pvalue`` the exact one-sided binomial p-value for an
    excess.
    """

    base: Any = None
    n_eligible: Any = None
    n_round: Any = None
    expected: Any = None
    ratio: Any = None


@result
class DigitPreference(HypothesisTest):
    """Chi-square test of uniform last digits, with a Whipple-type index.

    ``statistic`` is Pearson's chi-square on 9 df over values ≥ 10, ``whipple`` is 100 × the
    share ending in 0 or 5 divided by 0.2 (100 = no preference, 500 = every value ends in 0
    or 5) and ``level`` its band (:data:`WHIPPLE_BANDS`). ``digit_counts`` (last axis: digits
    0-9) holds the counts tested.
    """

    n: Any = None
    whipple: Any = None
    level: Any = None
    digit_counts: Any = aux_field()


#: The largest float below which every whole number is exactly representable (2**53).
_EXACT_FLOAT = 2.0**53


def _residues(values: Any, x: np.ndarray, base: Any) -> np.ndarray:
    """``values mod base``, exactly, for validated counts ``x`` (floats) from ``values``.

    Integer input (numpy integers, or Python ints of any size) is reduced in integer
    arithmetic, so a count of 10**20 + 7 ends in 7; floats above 2**53 no longer hold their
    last digits (2**53 + 1 is stored as 2**53), so such a float is refused rather than
    counted with a digit it does not have.
    """
    raw = np.asarray(values)
    if raw.dtype.kind in "iu" or raw.dtype == object:
        if raw.dtype == object:
            big = np.vectorize(lambda v: not float(v).is_integer() or abs(v) >= _EXACT_FLOAT)(raw)
            if big.any() and not all(isinstance(v, (int, np.integer)) for v in raw[big].flat):
                raise InputError(
                    f"values above 2**53 must be given as integers, not floats, to keep their "
                    f"last digits; got {raw[big].flat[0]!r}"
                )
        b = np.asarray(base).astype(np.int64)
        return np.mod(raw, b).astype(float)
    big = x >= _EXACT_FLOAT
    if big.any():
        raise InputError(
            "values above 2**53 cannot carry their last digit as floats (a float there is a "
            f"multiple of 2 or more); pass them as integers, got {x[big].flat[0]:.17g}"
        )
    return np.mod(x, base)


def _bases(base: Any, values: np.ndarray) -> np.ndarray:
    if isinstance(base, str):
        if base != "ladder":
            raise InputError(
                f"base must be an integer ≥ 2, a list of them or 'ladder', got {base!r}"
            )
        top = values.max() if values.size else 0
        bases = [b for b in DEFAULT_BASES if b <= max(top, DEFAULT_BASES[0])]
        return np.asarray(bases, dtype=float)
    arr = as_counts(base, "base")
    if arr.ndim > 1 or (arr < 2).any():
        raise InputError(f"base must be an integer ≥ 2 or a list of them, got {base!r}")
    return arr


def round_number_test(values: Any, *, base: Any = 10, confidence: float = 0.95) -> RoundNumberTest:
    """Test whether reported counts are multiples of ``base`` more often than chance.

    Parameters
    ----------
    values : array_like of int, pandas.Series or pandas.DataFrame
        Non-negative whole-number counts; 1-D, or 2-D with one data set per row. A Series is
        one data set (its labels play no part: the test is over all its values). A DataFrame
        holds one data set per row: the result's first axis is labelled by its index
        (``to_frame()``, ``series()``); transpose a frame with one column per source first.
        Nothing is aligned, as there is one argument.
    base : int, sequence of int or "ladder"
        The base (10: multiples of 10), several bases, or ``"ladder"`` for 5, 10, 50, 100,
        500, ... up to the largest value (:data:`DEFAULT_BASES`).
    confidence : float
        Level of the Clopper-Pearson interval for the observed share, default 0.95.

    Returns
    -------
    RoundNumberTest
        One element per base (last axis; a scalar base gives one element per data set).

    Raises
    ------
    InputError
        For negative, fractional or non-finite values, a base below 2, or no eligible value
        for some base (every value below base/2).

    Notes
    -----
    Values are grouped into blocks of ``base`` consecutive integers centred on the multiples
    of the base: [kb - b/2, kb + b/2) for k ≥ 1, so a value is *eligible* when it is at least
    ceil(b/2). If the counts come from a distribution that is smooth (locally linear) on the
    scale of the base, the centre of each block has probability 1/b within its block, so the
    number of multiples among the n eligible values is Binomial(n, 1/b); the p-value is
    P(X ≥ observed), the exact one-sided binomial test (Clopper and Pearson 1934 for the
    interval). Values below b/2 (including zero) say nothing about rounding to b and are left
    out. The null is approximate when the density changes sharply within one block (e.g.
    multiples of 1,000 among values of a few thousand from a steep distribution), which makes
    the test slightly liberal there; use bases small relative to the values. Multiples of 10
    are also multiples of 5: the tests for nested bases are not independent.

    References
    ----------
    Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika 26, 404-413.
    Heitjan, D. F. and Rubin, D. B. (1990). Inference from coarse data via multiple
    imputation with application to age heaping. Journal of the American Statistical
    Association 85, 304-314.

    Examples
    --------
    >>> from conflictstats.heaping import round_number_test
    >>> r = round_number_test([827, 481, 308, 50, 79, 30, 7000, 2000, 30000, 75, 60], base=10)
    >>> r.n_round, r.n_eligible, round(r.estimate, 2), r.expected, round(r.pvalue, 4)
    (6.0, 11.0, 0.55, 0.1, 0.0003)
    """
    confidence = as_confidence(confidence)
    x = as_counts(values, "values")
    if x.ndim == 0 or x.ndim > 2:
        raise InputError(f"values must be 1-D or 2-D (one data set per row), got shape {x.shape}")
    bases = _bases(base, x)
    scalar = np.ndim(bases) == 0
    b = np.atleast_1d(bases)
    eligible = x[..., :, None] >= np.ceil(b / 2)
    multiple = eligible & (_residues(np.asarray(values)[..., :, None], x[..., :, None], b) == 0)
    n = eligible.sum(axis=-2).astype(float)
    k = multiple.sum(axis=-2).astype(float)
    if (n == 0).any():
        bad = b[np.nonzero(n == 0)[-1][0]]
        raise InputError(
            f"values: no value is at least {np.ceil(bad / 2):g}, so none can show rounding to "
            f"base {bad:g}; got values {x.tolist() if x.size <= 6 else 'all below it'}"
        )
    p0 = 1.0 / b
    pvalue = stats.binom.sf(k - 1, n, p0)
    alpha = 1 - confidence
    lo = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
    hi = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    share = k / n
    if scalar:
        share, lo, hi, pvalue, n, k = (a[..., 0] for a in (share, lo, hi, pvalue, n, k))
        p0 = p0[0]
    out = {
        "estimate": share,
        "ci_low": lo,
        "ci_high": hi,
        "pvalue": pvalue,
        "n_eligible": n,
        "n_round": k,
        "expected": np.broadcast_to(p0, np.shape(share)),
        "ratio": share / p0,
        "base": np.broadcast_to(bases if scalar else b, np.shape(share)),
    }
    out = {key: (v.item() if np.ndim(v) == 0 else np.asarray(v)) for key, v in out.items()}
    result = RoundNumberTest(
        confidence=confidence,
        method="exact binomial (one-sided), Clopper-Pearson CI",
        quantity="share of multiples",
        **out,
    )
    return label(result, values.index if isinstance(values, pd.DataFrame) else None)


def _whipple_level(w: np.ndarray) -> Any:
    edges = np.array([e for e, _ in WHIPPLE_BANDS[:-1]])
    labels = np.array([lab for _, lab in WHIPPLE_BANDS], dtype=object)
    out = labels[np.searchsorted(edges, w, side="right")]
    return str(out) if np.ndim(out) == 0 else out


def digit_preference(values: Any) -> DigitPreference:
    """Last-digit preference: chi-square test of uniform final digits and a Whipple index.

    Parameters
    ----------
    values : array_like of int, pandas.Series or pandas.DataFrame
        Non-negative whole-number counts; 1-D, or 2-D with one data set per row. Only values
        of 10 or more are used (a one-digit value's last digit is the value itself). A
        Series is one data set (one test, no labels); a DataFrame holds one data set per
        row and labels the result by its index (transpose a frame with one column per
        source first). Nothing is aligned, as there is one argument.

    Returns
    -------
    DigitPreference
        ``statistic`` (chi-square on 9 df), ``pvalue``, ``n`` (values used), ``whipple``
        and its ``level``; ``digit_counts`` the counts of final digits 0-9.

    Raises
    ------
    InputError
        For negative, fractional or non-finite values, or fewer than 10 values of 10 or more
        (too few for the chi-square approximation with 10 cells).

    Notes
    -----
    Under no preference each final digit has probability 1/10 (for counts spread over many
    tens); Pearson's X² = Σ (O - n/10)² / (n/10) is referred to χ² on 9 df. The Whipple-type
    index is 100 × (share of values ending in 0 or 5) / 0.2: Whipple's index for ages
    applied to counts. Bands (:data:`WHIPPLE_BANDS`): below 105 highly accurate, 105-110
    fairly accurate, 110-125 approximate, 125-175 rough, 175 and above very rough
    (United Nations convention, Shryock and Siegel 1976). The chi-square test needs expected
    counts of about 5 per digit, i.e. 50 values, to be accurate; with fewer it is only a
    rough guide.

    References
    ----------
    Shryock, H. S. and Siegel, J. S. (1976). The Methods and Materials of Demography
    (condensed edition by E. G. Stockwell). Academic Press, New York. Chapter 8.
    Pearson, K. (1900). On the criterion that a given system of deviations from the probable
    in the case of a correlated system of variables is such that it can be reasonably
    supposed to have arisen from random sampling. Philosophical Magazine 50, 157-175.

    Examples
    --------
    >>> from conflictstats.heaping import digit_preference
    >>> r = digit_preference([827, 481, 308, 50, 79, 30, 7000, 2000, 30000, 75, 60, 120])
    >>> round(r.statistic, 1), r.df, round(r.whipple), r.level
    (33.0, 9.0, 333, 'very rough')
    """
    x = as_counts(values, "values")
    if x.ndim == 0 or x.ndim > 2:
        raise InputError(f"values must be 1-D or 2-D (one data set per row), got shape {x.shape}")
    used = x >= 10
    digits = _residues(values, x, 10)
    counts = ((digits[..., :, None] == np.arange(10)) & used[..., :, None]).sum(axis=-2)
    n = counts.sum(axis=-1).astype(float)
    if (n < 10).any():
        raise InputError(
            f"values: need at least 10 values of 10 or more for a last-digit test, got "
            f"{int(n.min()) if np.ndim(n) else int(n)}"
        )
    expected = n[..., None] / 10
    chi2 = ((counts - expected) ** 2 / expected).sum(axis=-1)
    pvalue = stats.chi2.sf(chi2, 9)
    whipple = 100 * (counts[..., 0] + counts[..., 5]) / n / 0.2

    def out(v):
        return v.item() if np.ndim(v) == 0 else np.asarray(v, dtype=float)

    result = DigitPreference(
        statistic=out(chi2),
        pvalue=out(pvalue),
        df=9.0,
        method="pearson chi-square, last digit of values >= 10",
        quantity="chi-square",
        n=out(n),
        whipple=out(whipple),
        level=_whipple_level(whipple),
        digit_counts=counts.astype(float),
    )
    return label(result, values.index if isinstance(values, pd.DataFrame) else None)
