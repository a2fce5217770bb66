"""Sen's slope by slope selection (issue 17, "Scale"): the same numbers as sorting every
pairwise slope, ties included, at any length up to SEN_MAX_N.

References: tests/reference/sen_slope.json (written by tests/reference/sen_slope.R, a direct
R computation over ``outer`` products) and, beyond what can be sorted, an independent count
of the slopes below a value from ``scipy.stats.kendalltau``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from conftest import load_reference
from scipy import stats

from conflictstats._validation import InputError
from conflictstats.trends import nonparametric as npm
from conflictstats.trends import sen_slope
from conflictstats.trends._slopes import slope_order_stats

R = load_reference("sen_slope")["cases"]


def _direct(x):
    """Every pairwise slope, sorted (the definition)."""
    i, j = np.triu_indices(x.size, 1)
    return np.sort((x[j] - x[i]) / (j - i))


def _gilbert_ranks(x, confidence=0.95):
    n, N = x.size, x.size * (x.size - 1) // 2
    _, t = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18
    c = stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(var)
    return int(np.round((N - c) / 2)), int(np.round((N + c) / 2)) + 1


@pytest.mark.parametrize("name", sorted(R))
def test_sen_slope_equals_r_direct_computation_exactly(name):
    case = R[name]
    x = np.array(case["x"], float)
    assert _gilbert_ranks(x) == (case["lo_rank"], case["hi_rank"])
    got = sen_slope(x)
    assert (got.estimate, got.ci_low, got.ci_high) == (
        case["slope"],
        case["ci_low"],
        case["ci_high"],
    ), case["source"]


def _random_series(rng, n):
    kind = rng.integers(5)
    if kind == 0:
        return rng.poisson(rng.choice([0.3, 1.0, 4.0, 40.0]), n).astype(float)
    if kind == 1:
        return rng.integers(0, 3, n).astype(float)  # three values: runs of tied slopes
    if kind == 2:  # a step and a trend in counts
        t = np.arange(n)
        return rng.poisson(5 + 3 * (t > n // 2) + 10 * t / n).astype(float)
    if kind == 3:
        return rng.poisson(2.0, n) * 0.25 - 100.0  # multiples of a power of two
    return rng.integers(-(10**9), 10**9, n).astype(float)  # large whole numbers


@pytest.mark.parametrize("small", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_order_statistics_equal_sorting_on_random_whole_number_series(monkeypatch, small):
    # with small search thresholds every series goes through several sampling rounds, runs
    # of ties and missed cuts; the answers must not change by a single bit
    if small:
        monkeypatch.setattr("conflictstats.trends._slopes._LIST_MIN", 8)
        monkeypatch.setattr("conflictstats.trends._slopes._LIST_PER_N", 0)
        monkeypatch.setattr("conflictstats.trends._slopes._SAMPLE_MIN", 16)
        monkeypatch.setattr("conflictstats.trends._slopes._SAMPLE_PER_N", 1)
    rng = np.random.default_rng(1989)
    for _ in range(80 if small else 150):
        n = int(rng.integers(3, 250 if small else 300))
        x = _random_series(rng, n)
        sl = _direct(x)
        N = sl.size
        ranks = sorted({1, N, (N + 1) // 2, N // 2 + 1, *rng.integers(1, N + 1, 3).tolist()})
        got = slope_order_stats(x, ranks, seed=int(rng.integers(1000)))
        assert [got[r] for r in ranks] == [sl[r - 1] for r in ranks], (n, x.tolist())


def test_sen_slope_equals_sorting_on_longer_series():
    # long enough that the default search samples before listing
    rng = np.random.default_rng(1992)
    for n in (2500, 3100):
        x = _random_series(rng, n)
        sl = _direct(x)
        N = sl.size
        lo, hi = _gilbert_ranks(x)
        got = sen_slope(x)
        median = 0.5 * (sl[N // 2 - 1] + sl[N // 2]) if N % 2 == 0 else sl[N // 2]
        assert (got.estimate, got.ci_low, got.ci_high) == (median, sl[lo - 1], sl[hi - 1])


def test_other_values_within_rounding_of_sorting():
    # values off any power-of-two grid are placed on a fine grid to choose the pair
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(3, 400))
        x = rng.poisson(5, n) + rng.choice([0.05, 0.1, 1 / 3]) * np.arange(n)
        sl = _direct(x)
        N = sl.size
        ranks = [1, (N + 1) // 2, N]
        got = slope_order_stats(x, ranks)
        np.testing.assert_allclose(
            [got[r] for r in ranks],
            [sl[r - 1] for r in ranks],
            rtol=0,
            atol=1e-12 * np.abs(x).max(),
        )


def _count_below(x, value):
    """(#slopes < value, #slopes <= value) from scipy's Kendall tau of time against
    L x - d t, with value = d / L: an independent O(n log n) count."""
    f = Fraction(value).limit_denominator(x.size)
    t = np.arange(x.size, dtype=float)
    z = f.denominator * x - f.numerator * t  # whole numbers, exact
    n0 = x.size * (x.size - 1) // 2
    _, k = np.unique(z, return_counts=True)
    tied = int(np.sum(k * (k - 1) // 2))
    tau = stats.kendalltau(t, z).statistic
    c_minus_d = int(round(tau * np.sqrt(float(n0) * (n0 - tied))))
    below = (n0 - tied - c_minus_d) // 2
    return below, below + tied


def test_sen_slope_beyond_the_old_limit_of_50000():
    # issue 17: 5.9 s at 10,000 values and a refusal beyond 50,000; now exact at any length
    # up to SEN_MAX_N. The ranks are checked by counting the slopes below each answer.
    rng = np.random.default_rng(2018)
    n = 50_001
    t = np.arange(n)
    x = rng.poisson(20 + 10 * t / n).astype(float)
    N = n * (n - 1) // 2
    lo, hi = _gilbert_ranks(x)
    ranks = [lo, N // 2, N // 2 + 1, hi]
    got = slope_order_stats(x, ranks)
    for r in ranks:
        below, upto = _count_below(x, got[r])
        assert below < r <= upto, (r, got[r], below, upto)
    sen = sen_slope(x)
    assert (sen.ci_low, sen.estimate, sen.ci_high) == (
        got[lo],
        0.5 * (got[N // 2] + got[N // 2 + 1]),
        got[hi],
    )


def test_sen_slope_limit_is_documented_and_enforced():
    assert npm.SEN_MAX_N == 2_000_000
    with pytest.raises(InputError, match="at most 2000000 values"):
        sen_slope(np.zeros(npm.SEN_MAX_N + 1))
