"""The shared result family: construction, repr, to_frame, to_dict, HTML."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from conflictstats.results import Estimate, HypothesisTest, aux_field


def test_scalar_repr_reads_as_sentence():
    r = Estimate(1.2534, 1.1311, 1.3822, method="exact-cond", quantity="rate ratio", pvalue=2e-5)
    assert repr(r) == "rate ratio 1.25 (95% CI 1.13 to 1.38), p < 0.001 [exact-cond]"


def test_scalar_repr_with_ordinary_pvalue_and_other_level():
    r = Estimate(12.0, 6.2, 21.0, confidence=0.9, method="exact", quantity="rate", pvalue=0.0412)
    assert repr(r) == "rate 12.0 (90% CI 6.20 to 21.0), p = 0.041 [exact]"


def test_scalar_fields_are_plain_floats():
    r = Estimate(np.float64(1.0), np.array(0.5), 2, quantity="x")
    assert isinstance(r.estimate, float) and isinstance(r.ci_low, float)
    assert r.shape == () and r.size == 1


def test_scalar_to_frame_has_one_row_and_fixed_columns():
    r = Estimate(1.25, 1.13, 1.38, method="wald", quantity="rate ratio", pvalue=0.01)
    df = r.to_frame()
    assert list(df.columns) == [
        "quantity",
        "estimate",
        "ci_low",
        "ci_high",
        "confidence",
        "method",
        "pvalue",
    ]
    assert df.shape == (1, 7)
    assert df.loc[0, "estimate"] == 1.25


def test_optional_pvalue_left_out_of_frame():
    df = Estimate(1.0, 0.5, 2.0).to_frame()
    assert "pvalue" not in df.columns


def test_vectorised_result_frame_and_repr():
    est = np.array([1.0, 2.0, 3.0])
    r = Estimate(
        est, est - 0.5, est + 0.5, method="score", quantity="rate", pvalue=[0.5, 0.01, 1e-9]
    )
    df = r.to_frame()
    assert len(df) == 3
    np.testing.assert_array_equal(df["ci_high"], [1.5, 2.5, 3.5])
    assert (df["method"] == "score").all()
    text = repr(r)
    assert text.splitlines()[0] == "Estimate: 3 × rate (95% CI) [score]"
    assert "[2] 3.00 (95% CI 2.50 to 3.50), p < 0.001" in text


def test_long_vectorised_repr_is_truncated():
    x = np.arange(100.0)
    text = repr(Estimate(x, x - 1, x + 1, quantity="rate"))
    assert "(95 more)" in text and len(text.splitlines()) == 7


def test_two_dimensional_result_gets_multiindex():
    x = np.arange(6.0).reshape(2, 3)
    df = Estimate(x, x - 1, x + 1).to_frame()
    assert df.index.names == ["i0", "i1"]
    assert df.loc[(1, 2), "estimate"] == 5.0


def test_mismatched_shapes_rejected():
    with pytest.raises(ValueError, match="share one shape"):
        Estimate([1.0, 2.0], [0.0, 1.0, 2.0], [2.0, 3.0])


def test_result_is_frozen_and_arrays_read_only():
    r = Estimate([1.0, 2.0], [0.0, 1.0], [2.0, 3.0])
    with pytest.raises(AttributeError):
        r.estimate = 3  # type: ignore[misc]
    with pytest.raises(ValueError):
        r.estimate[0] = 5.0


def test_to_dict_is_plain_python():
    r = Estimate([1.0, 2.0], [0.0, 1.0], [2.0, 3.0], quantity="rate")
    d = r.to_dict()
    assert d["estimate"] == [1.0, 2.0] and d["quantity"] == "rate" and d["pvalue"] is None


def test_html_repr_scalar_and_vector():
    r = Estimate(1.25, 1.13, 1.38, quantity="rate ratio", method="exact-cond", pvalue=0.2)
    html = r._repr_html_()
    assert "<table" in html and "1.13 to 1.38" in html and "rate ratio 1.25" in html
    v = Estimate([1.0, 2.0], [0.5, 1.5], [1.5, 2.5], quantity="rate", method="exact")
    html = v._repr_html_()
    assert "Estimate: 2 × rate" in html and "1.50 to 2.50" in html


def test_subclass_adds_fields_and_aux_fields_stay_out_of_frame():
    @dataclass(frozen=True, repr=False, eq=False, kw_only=True)
    class RateLike(Estimate):
        count: object = None
        draws: object = aux_field()

    r = RateLike(
        estimate=[2.0, 3.0],
        ci_low=[1.0, 2.0],
        ci_high=[3.0, 4.0],
        count=[2, 3],
        draws=np.zeros((2, 1000)),
        quantity="rate",
    )
    df = r.to_frame()
    assert list(df.columns)[-1] == "count" and "draws" not in df.columns
    assert r.to_dict()["draws"][0][:2] == [0.0, 0.0]


def test_to_dict_converts_pandas_fields():
    @dataclass(frozen=True, repr=False, eq=False, kw_only=True)
    class WithTables(Estimate):
        table: object = aux_field()
        counts: object = aux_field()

    r = WithTables(
        estimate=1.0,
        ci_low=0.5,
        ci_high=2.0,
        table=pd.DataFrame({"a": [1, 2]}),
        counts=pd.Series({"110": 12, "101": 7}),
    )
    d = r.to_dict()
    assert d["table"] == {"a": [1, 2]} and d["counts"] == {"110": 12, "101": 7}


def test_hypothesis_test_repr_and_frame():
    t = HypothesisTest(7.8123, 0.0201, method="pearson", quantity="chi-square", df=2)
    assert repr(t) == "chi-square 7.81 on 2 df, p = 0.020 [pearson]"
    df = t.to_frame()
    assert list(df.columns) == ["quantity", "statistic", "df", "pvalue", "alternative", "method"]
    v = HypothesisTest([1.0, 2.0], [0.3, 0.0001], quantity="z")
    assert "p < 0.001" in repr(v)
    assert isinstance(v.to_frame(), pd.DataFrame)


def test_interval_label_reaches_table_header():
    from conflictstats._format import format_frame

    @dataclass(frozen=True, repr=False, eq=False, kw_only=True)
    class Forecast(Estimate):
        interval_label = "prediction interval"

    r = Forecast(estimate=[10.0, 12.0], ci_low=[4.0, 5.0], ci_high=[18.0, 21.0], quantity="count")
    shown = format_frame(r.to_frame())
    assert "95% prediction interval" in shown.columns
    assert "[0] 10.0 (95% prediction interval 4.00 to 18.0)" in repr(r)
    plain = format_frame(Estimate(1.0, 0.5, 2.0).to_frame(), interval_label="credible interval")
    assert "95% credible interval" in plain.columns
