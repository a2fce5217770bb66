"""Every vectorised public function, table-driven: pandas in, pandas out (alignment on the
index), broadcasting errors that name the arguments, and property tests (never NaN for valid
input, low <= estimate <= high, a pandas input gives a result indexed like it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conflictstats import InputError, mse, proportions, rates
from conflictstats.fatalities import rubin_pool
from conflictstats.proportions import COMPARE_METHODS

MAX_COUNT = 10**9


# ---------------------------------------------------------------------------------------
# strategies: one row of valid arguments per element
# ---------------------------------------------------------------------------------------
def counts(lo: int = 0, hi: int = MAX_COUNT) -> st.SearchStrategy[int]:
    """Counts with zeros, small values and large ones (up to 1e9) all likely."""
    return st.one_of(
        st.integers(lo, min(hi, 20)),
        st.integers(lo, min(hi, 5000)),
        st.integers(max(lo, 10**6), hi) if hi >= 10**6 else st.integers(lo, hi),
    )


positive = st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False)


@st.composite
def rate_pair(draw, hi=MAX_COUNT):
    c1, c2 = draw(counts(hi=hi)), draw(counts(hi=hi))
    if c1 + c2 == 0:
        c1 = 1
    return c1, draw(positive), c2, draw(positive)


@st.composite
def x_of_n(draw, lo_n=1):
    n = draw(counts(lo=lo_n))
    x = draw(st.one_of(st.just(0), st.just(n), st.integers(0, n)))
    return x, n


@st.composite
def two_proportions(draw, ratio=False):
    x1, n1, x2, n2 = (*draw(x_of_n()), *draw(x_of_n()))
    if ratio and x1 + x2 == 0:  # two zero proportions have no ratio (refused by name)
        x1 = n1
    if ratio and x1 + x2 == n1 + n2:  # nor an odds ratio without a non-case
        x1 = 0
    return x1, n1, x2, n2


@st.composite
def two_lists(draw, lo_m=0):
    n1 = draw(counts(lo=1))
    n2 = draw(counts(lo=1))
    m = draw(st.one_of(st.just(lo_m), st.integers(lo_m, min(n1, n2))))
    return n1, n2, m


@st.composite
def subgroup_row(draw):
    total = draw(counts(lo=4))
    # a share range at least two people wide: a narrower one may hold no whole number for
    # "bounds", and ranges at 0 or 1 put a fractional "binomial" estimate outside its whole
    # number interval (both with the subgroup_count inversion fixed elsewhere; see the xfail
    # tests below)
    width = draw(st.floats(2 / total, 0.98))
    low = draw(st.floats(0.01, 0.99 - width))
    return low, low + width, total


@dataclass
class Case:
    """A vectorised public function and how to call it with n elements."""

    name: str
    fn: Callable[..., Any]
    args: tuple[str, ...]  # the arguments that are vectorised (and may be pandas)
    row: st.SearchStrategy  # one tuple of valid values for ``args``
    options: st.SearchStrategy = field(default_factory=lambda: st.just({}))
    interval: bool = True  # a result with estimate, ci_low, ci_high

    def call(self, columns: dict[str, Any], options: dict) -> Any:
        return self.fn(**columns, **options)


def _compare_options(compares):
    pairs = [(c, m) for c in compares for m in COMPARE_METHODS[c]]
    return st.sampled_from(pairs).map(lambda cm: {"compare": cm[0], "method": cm[1]})


def _rate_compare_options():
    # the log-scale and untransformed Wald and the log score need both counts positive
    positive = ("wald", "wald-log", "wald-untransformed", "score-log")
    ratio = [("ratio", m) for m in rates.RATIO_METHODS if m not in positive]
    diff = [("difference", m) for m in rates.DIFFERENCE_METHODS]
    return st.tuples(
        st.sampled_from(ratio + diff), st.sampled_from(["two-sided", "larger", "smaller"])
    ).map(lambda t: {"compare": t[0][0], "method": t[0][1], "alternative": t[1]})


CASES = [
    Case(
        "rate_ci",
        rates.rate_ci,
        ("count", "exposure"),
        st.tuples(counts(), positive),
        st.sampled_from(rates.RATE_METHODS).map(lambda m: {"method": m}),
    ),
    Case(
        "compare_rates",
        rates.compare_rates,
        ("count1", "exposure1", "count2", "exposure2"),
        # E-test sums and exact tails stay fast and exact up to about 1e6 per count
        rate_pair(hi=10**6),
        _rate_compare_options(),
    ),
    Case(
        "compare_rates (large counts)",
        rates.compare_rates,
        ("count1", "exposure1", "count2", "exposure2"),
        rate_pair(),
        st.sampled_from(["exact-cond", "score", "mid-p"]).map(lambda m: {"method": m}),
    ),
    Case(
        "power_compare_rates",
        rates.power_compare_rates,
        ("rate1", "ratio", "periods"),
        st.tuples(positive, st.floats(0.1, 10), st.floats(1, 120)),
        interval=False,
    ),
    Case(
        "periods_needed",
        rates.periods_needed,
        ("rate1", "ratio"),
        st.tuples(positive, st.floats(0.1, 10)),
        interval=False,
    ),
    Case(
        "maximum_cdf",
        rates.maximum_cdf,
        ("maximum", "periods", "mean"),
        st.tuples(counts(hi=10**5), st.integers(1, 240), st.floats(0.01, 1e5)),
        interval=False,
    ),
    Case(
        "mean_from_maximum",
        rates.mean_from_maximum,
        ("maximum", "periods"),
        st.tuples(counts(hi=10**6), st.integers(1, 240)),
    ),
    Case(
        "proportion_ci",
        proportions.proportion_ci,
        ("successes", "trials"),
        x_of_n(),
        st.sampled_from(proportions.PROPORTION_METHODS).map(lambda m: {"method": m}),
    ),
    Case(
        "count_ratio",
        proportions.count_ratio,
        ("count1", "count2"),
        rate_pair().map(lambda r: (r[0], r[2])),
        st.sampled_from(proportions.COUNT_RATIO_METHODS).map(lambda m: {"method": m}),
    ),
    Case(
        "compare_proportions",
        proportions.compare_proportions,
        ("x1", "n1", "x2", "n2"),
        two_proportions(),
        _compare_options(["difference"]),
    ),
    Case(
        "compare_proportions (ratios)",
        proportions.compare_proportions,
        ("x1", "n1", "x2", "n2"),
        two_proportions(ratio=True),
        _compare_options(["ratio", "odds-ratio"]),
    ),
    Case(
        "subgroup_count",
        lambda low, high, total, **kw: proportions.subgroup_count((low, high), total, **kw),
        ("low", "high", "total"),
        subgroup_row(),
        st.sampled_from(["bounds", "binomial"]).map(lambda m: {"method": m}),
    ),
    Case(
        "two_list",
        mse.two_list,
        ("n1", "n2", "m"),
        two_lists(),
        st.sampled_from(mse.TWO_LIST_INTERVALS).map(lambda i: {"interval": i}),
    ),
    Case(
        "two_list (lincoln-petersen)",  # needs a match: with m = 0 its estimate is infinite
        mse.two_list,
        ("n1", "n2", "m"),
        two_lists(lo_m=1),
        st.sampled_from(mse.TWO_LIST_INTERVALS).map(
            lambda i: {"method": "lincoln-petersen", "interval": i}
        ),
    ),
]

INTERVAL_FIELDS = ("estimate", "ci_low", "ci_high")


def _frame(rows: list[tuple], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    cols = list(zip(*rows))
    return {name: np.array(col) for name, col in zip(names, cols)}


def _check_values(case: Case, out: Any) -> None:
    if not case.interval:
        values = np.asarray(out, dtype=float)
        assert not np.isnan(values).any(), f"{case.name}: NaN in {values}"
        return
    est, lo, hi = (np.asarray(getattr(out, f), dtype=float) for f in INTERVAL_FIELDS)
    for name, v in zip(INTERVAL_FIELDS, (est, lo, hi)):
        assert not np.isnan(v).any(), f"{case.name}: NaN in {name}: {v}"
    if out.pvalue is not None:
        p = np.asarray(out.pvalue, dtype=float)
        assert not np.isnan(p).any() and ((p >= 0) & (p <= 1 + 1e-12)).all(), p
    slack = 1e-9 * np.where(np.isfinite(est), np.abs(est), 0) + 1e-12
    assert (lo <= est + slack).all(), f"{case.name}: ci_low {lo} above estimate {est}"
    assert (est <= hi + slack).all(), f"{case.name}: estimate {est} above ci_high {hi}"


def _check_result(out: Any) -> None:
    _check_values(Case(type(out).__name__, None, (), st.nothing()), out)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@settings(max_examples=40)
@given(data=st.data())
def test_valid_input_gives_finite_ordered_results_indexed_like_the_input(case, data):
    rows = data.draw(st.lists(case.row, min_size=1, max_size=4), label="rows")
    options = data.draw(case.options, label="options")
    if options.get("method") == "exact-cond" and options.get("compare") == "odds-ratio":
        # the exact odds ratio enumerates x1 given the margins and refuses, by name, past 2e7
        # values (tested in test_proportions); the property is for what it accepts
        assume(sum(r[1] + r[3] for r in rows) < 10**6)
    columns = _frame(rows, case.args)
    out = case.call(columns, options)
    _check_values(case, out)
    # pandas in, pandas out: each argument labelled, the later ones in another order
    n = len(rows)
    labels = [f"month {k}" for k in range(n)]
    order = data.draw(st.permutations(range(n)), label="order")
    series = {
        name: pd.Series(col, index=labels)
        if k == 0
        else pd.Series(col, index=labels).iloc[list(order)]
        for k, (name, col) in enumerate(columns.items())
    }
    labelled = case.call(series, options)
    if case.interval:
        assert labelled.index.equals(pd.Index(labels))
        frame = labelled.to_frame()
        assert list(frame.index) == labels
        for name in INTERVAL_FIELDS:
            np.testing.assert_array_equal(getattr(labelled, name), getattr(out, name))
            assert labelled.series(name).index.equals(pd.Index(labels))
    else:
        assert isinstance(labelled, pd.Series) and labelled.index.equals(pd.Index(labels))
        np.testing.assert_array_equal(labelled.to_numpy(), out)


@settings(max_examples=25)
@given(
    parts=st.lists(counts(), min_size=2, max_size=5).filter(lambda c: sum(c) > 0),
    method=st.sampled_from(proportions.MULTINOMIAL_METHODS),
)
def test_multinomial_ci_valid_input_gives_ordered_shares_indexed_by_category(parts, method):
    categories = [f"side {k}" for k in range(len(parts))]
    r = proportions.multinomial_ci(pd.Series(parts, index=categories), method=method)
    _check_result(r)
    assert r.index.equals(pd.Index(categories)) and r.categories == tuple(categories)


@settings(max_examples=25)
@given(
    parts=st.lists(counts(), min_size=2, max_size=5).filter(lambda c: sum(c) > 0),
    method=st.sampled_from(proportions.MULTINOMIAL_METHODS),
)
def test_multinomial_ci_large_totals(parts, method):
    # Sison-Glaz gave NaN or collapsed intervals above totals of about 16,000 (issue 17 item 1)
    _check_result(proportions.multinomial_ci(parts, method=method))


@pytest.mark.parametrize(
    "parts",
    [[1e5, 2e5, 3e5], [15000, 1], [0, 772], [2999, 1], [2495, 3, 2]],
    ids=["total 6e5", "total 15001", "0 of 772", "1 of 3000", "2 and 3 of 2500"],
)
def test_multinomial_ci_sison_glaz_is_finite_at_any_total(parts):
    # found by the property test: g = (conf - nu(c)) / (nu(c + 1) - nu(c)) is 0 / 0 when
    # nu(c + 1) == nu(c), already at totals of a few hundred when one part holds nearly all
    _check_result(proportions.multinomial_ci(parts))


@pytest.mark.parametrize(
    "share, total, method",
    [(0.3, 308, "bounds"), ((0.9991, 1.0), 2, "binomial"), ((0.9995, 1.0), 24, "binomial")],
)
def test_subgroup_count_interval_holds_its_estimate(share, total, method):
    # found by the property test for "binomial": estimate 1.998 with interval 2 to 2
    _check_result(proportions.subgroup_count(share, total, method=method))


def test_rubin_pool_without_within_variance_has_no_nan():
    # found by the property test: riv 0/0 and fmi inf/inf were NaN
    agree = rubin_pool([1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
    assert agree.riv == 0 and agree.lambda_ == 0 and 0 <= agree.fmi < 1e-6
    differ = rubin_pool([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert differ.riv == np.inf and differ.lambda_ == 1 and differ.fmi == 1


@settings(max_examples=25)
@given(
    est=st.lists(st.floats(-1e3, 1e3), min_size=6, max_size=6),
    var=st.lists(st.floats(0, 1e3), min_size=6, max_size=6),
)
def test_rubin_pool_frames_give_ordered_results_indexed_by_term(est, var):
    e = pd.DataFrame(np.reshape(est, (3, 2)), columns=["a", "b"])
    v = pd.DataFrame(np.reshape(var, (3, 2)), columns=["a", "b"])[["b", "a"]]
    r = rubin_pool(e, v)
    _check_result(r)
    for name in ("se", "df", "riv", "lambda_", "fmi"):
        assert not np.isnan(getattr(r, name)).any(), (name, getattr(r, name))
    assert r.index.equals(pd.Index(["a", "b"]))
    plain = rubin_pool(np.reshape(est, (3, 2)), np.reshape(var, (3, 2)))
    np.testing.assert_array_equal(r.estimate, plain.estimate)
    np.testing.assert_array_equal(r.ci_high, plain.ci_high)


def test_count_ratio_wald_log_interval_holds_a_zero_or_infinite_estimate():
    # found by the property test: the 0.5-corrected interval left the estimate outside it
    r = proportions.count_ratio([0, 1, 3], [1, 0, 5], method="wald-log")
    assert r.ci_low[0] == 0 and r.estimate[0] == 0
    assert r.ci_high[1] == np.inf and r.estimate[1] == np.inf
    # no zero count: the plain log-scale Wald interval, exp(log(3/5) +- z sqrt(1/3 + 1/5))
    half = 1.959963984540054 * np.sqrt(1 / 3 + 1 / 5)
    np.testing.assert_allclose([r.ci_low[2], r.ci_high[2]], 0.6 * np.exp([-half, half]), rtol=1e-12)


# ---------------------------------------------------------------------------------------
# alignment
# ---------------------------------------------------------------------------------------
def test_compare_rates_pairs_series_by_label_not_position():
    s1 = pd.Series([10, 20, 30], index=["Hajin", "Susah", "Baghuz"])
    s2 = pd.Series([3, 1, 2], index=["Baghuz", "Hajin", "Susah"])
    r = rates.compare_rates(s1, 1, s2, 1)
    assert list(r.to_frame().index) == ["Hajin", "Susah", "Baghuz"]
    assert r.series("count2").to_dict() == {"Hajin": 1, "Susah": 2, "Baghuz": 3}
    assert r.series("estimate").to_dict() == {"Hajin": 10, "Susah": 10, "Baghuz": 10}
    assert "[Hajin]" in repr(r)
    assert r.to_dict()["index"] == ["Hajin", "Susah", "Baghuz"]


def test_different_labels_raise_naming_arguments_and_labels():
    s1 = pd.Series([10, 20], index=["a", "b"])
    s2 = pd.Series([3, 1], index=["a", "c"])
    with pytest.raises(ValueError, match=r"count1 and count2 .*'b'.* only in count1.*'c'"):
        rates.compare_rates(s1, 1, s2, 1)
    with pytest.raises(InputError, match=r"successes and trials"):
        proportions.proportion_ci(s1, pd.Series([30, 30], index=["a", "z"]))


def test_repeated_labels_align_only_when_identical():
    s = pd.Series([1, 2], index=["a", "a"])
    r = proportions.proportion_ci(s, pd.Series([10, 10], index=["a", "a"]))
    assert list(r.to_frame().index) == ["a", "a"]
    with pytest.raises(InputError, match="repeats labels"):
        proportions.proportion_ci(s, pd.Series([10, 10], index=["a", "b"]))


def test_numpy_next_to_series_pairs_by_position_and_scalars_broadcast():
    s = pd.Series([5, 8], index=["x", "y"])
    r = rates.rate_ci(s, np.array([1.0, 2.0]))
    np.testing.assert_allclose(r.estimate, [5, 4])
    assert r.index.equals(pd.Index(["x", "y"]))
    r = rates.rate_ci(s, 2.0)
    assert r.series("estimate").to_dict() == {"x": 2.5, "y": 4.0}


def test_dataframe_columns_and_plain_arrays_are_returned_as_series():
    df = pd.DataFrame({"rate": [60.0, 30.0], "ratio": [1.25, 1.5]}, index=["north", "south"])
    p = rates.periods_needed(df["rate"], df["ratio"])
    assert isinstance(p, pd.Series) and list(p.index) == ["north", "south"]
    assert rates.rate_ci(df["rate"]).to_frame().index.tolist() == ["north", "south"]


def test_nullable_integer_column_with_missing_value_is_refused_by_name():
    s = pd.Series([3, None], dtype="Int64")
    with pytest.raises(InputError, match="count must be finite"):
        rates.rate_ci(s)


def test_scalar_results_and_plain_input_are_unchanged():
    assert rates.rate_ci(5).index is None
    assert rates.rate_ci([5, 6]).to_frame().index.equals(pd.RangeIndex(2))


# ---------------------------------------------------------------------------------------
# broadcasting errors name both arguments and their shapes (issue 15 item 4)
# ---------------------------------------------------------------------------------------
A3, A2 = [1, 2, 3], [10, 20]
MISMATCHED = [
    ("rate_ci", lambda: rates.rate_ci(A3, [1.0, 2.0]), ("count", "exposure")),
    ("compare_rates", lambda: rates.compare_rates(A3, 1, A2, 1), ("count1", "count2")),
    (
        "compare_rates null",
        lambda: rates.compare_rates(A3, 1, A3, 1, null=[1.0, 2.0]),
        ("count1", "null"),
    ),
    (
        "power_compare_rates",
        lambda: rates.power_compare_rates(A3, [1.5, 2.0], 12),
        ("rate1", "ratio"),
    ),
    ("periods_needed", lambda: rates.periods_needed(A3, [1.5, 2.0]), ("rate1", "ratio")),
    ("maximum_cdf", lambda: rates.maximum_cdf(A3, A2, 5.0), ("maximum", "periods")),
    ("mean_from_maximum", lambda: rates.mean_from_maximum(A3, A2), ("maximum", "periods")),
    ("proportion_ci", lambda: proportions.proportion_ci(A3, [10, 10]), ("successes", "trials")),
    ("count_ratio", lambda: proportions.count_ratio(A3, A2), ("count1", "count2")),
    (
        "compare_proportions",
        lambda: proportions.compare_proportions(A3, [10, 10], 1, 10),
        ("x1", "n1"),
    ),
    ("subgroup_count", lambda: proportions.subgroup_count([0.3, 0.4, 0.5], A2), ("share", "total")),
    ("two_list", lambda: mse.two_list([10, 20, 30], [10, 10], 5), ("n1", "n2")),
    (
        "rubin_pool",
        lambda: rubin_pool(np.ones((3, 2)), np.ones((3, 3))),
        ("estimates", "variances"),
    ),
]


@pytest.mark.parametrize("call, names", [m[1:] for m in MISMATCHED], ids=[m[0] for m in MISMATCHED])
def test_mismatched_shapes_name_both_arguments_and_shapes(call, names):
    with pytest.raises(InputError) as info:
        call()
    message = str(info.value)
    assert "shape mismatch" not in message
    for name in names:
        assert name in message
    assert "(3," in message and ("(2,)" in message or "(3, 3)" in message)


def test_per_event_fatality_columns_must_share_one_index():
    from conflictstats import fatalities as fat

    best = pd.Series([4, 2, 130, 3], index=["e1", "e2", "e3", "e4"])
    civilians = pd.Series([0, 0, 120, 1], index=best.index)
    share = fat.clustered_share(civilians, best)
    assert share.estimate == pytest.approx(121 / 139)
    with pytest.raises(
        InputError, match="numerator and denominator have indexes with another order"
    ):
        fat.clustered_share(civilians.iloc[::-1], best)
    with pytest.raises(InputError, match="a and b have indexes with different labels"):
        fat.clustered_ratio(civilians, best.set_axis(["e1", "e2", "e3", "e9"]))
    with pytest.raises(InputError, match="best and violence"):
        fat.fatality_model(best, violence=pd.Series([1, 1, 3, 1], index=["x", "e2", "e3", "e4"]))


def test_compare_series_counts_and_exposures_must_share_one_index():
    months = pd.period_range("2018-01", periods=4, freq="M")
    counts = pd.Series([5, 7, 9, 4], index=months)
    exposure = pd.Series([1.0, 1.0, 2.0, 1.0], index=months)
    r = rates.compare_series(counts, [3, 4, 5, 2], exposure1=exposure)
    assert r.estimate == pytest.approx((25 / 5) / (14 / 4))
    with pytest.raises(InputError, match="counts1 and exposure1"):
        rates.compare_series(counts, [3, 4, 5, 2], exposure1=exposure.iloc[::-1])


def test_result_index_must_fit_the_first_axis():
    from conflictstats.results import Estimate

    r = Estimate([1.0, 2.0], [0.5, 1.5], [1.5, 2.5], index=["a", "b"])
    assert r.index.equals(pd.Index(["a", "b"])) and r.series("ci_high")["b"] == 2.5
    with pytest.raises(ValueError, match="index has 3 labels"):
        Estimate([1.0, 2.0], [0.5, 1.5], [1.5, 2.5], index=["a", "b", "c"])
    grid = Estimate(np.ones((2, 3)), np.zeros((2, 3)), np.ones((2, 3)), index=["x", "y"])
    assert grid.to_frame().index[4] == ("y", 1)


def test_broadcast_aligns_pandas_arguments_and_keeps_the_first_index():
    from conflictstats._numeric import broadcast

    a = pd.Series([1.0, 2.0, 3.0], index=["p", "q", "r"])
    b = pd.Series([30.0, 10.0, 20.0], index=["r", "p", "q"])
    x, y, z = out = broadcast(a=a, b=b, c=2.0)
    np.testing.assert_array_equal(y, [10.0, 20.0, 30.0])
    assert z.shape == (3,) and out.index.equals(a.index)
    assert broadcast(a=[1, 2], b=3).index is None
