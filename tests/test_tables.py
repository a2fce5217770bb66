"""Tables that read right: captions in every human format, no "NaN to NaN", no "6.66e-15"."""

import html
import re

import numpy as np
import pandas as pd
import pytest

from conflictstats._format import MISSING, format_ci, format_pvalue
from conflictstats.repro import save_table
from conflictstats.results import Estimate
from conflictstats.tables import format_frame

CAPTION = "Attacks a month, 2018 vs 2016 (CSIS via the Hajin report); score test, 95% CI"


# ---------------------------------------------------------------------------------------------
# absent intervals
# ---------------------------------------------------------------------------------------------
def test_format_ci_absent_interval_is_a_dash_never_nan():
    assert format_ci(float("nan"), float("nan")) == MISSING == "\u2014"
    assert format_ci(None, None) == MISSING
    assert format_ci(1.5, float("nan")) == f"1.50 to {MISSING}"
    assert format_ci(float("nan"), 2.0) == f"{MISSING} to 2.00"
    assert format_ci(1.1311, 1.3822) == "1.13 to 1.38"


def test_format_frame_absent_interval_is_blank():
    df = pd.DataFrame(
        {
            "province": ["Aleppo", "Latakia"],
            "estimate": [0.277, np.nan],
            "ci_low": [0.219, np.nan],
            "ci_high": [0.350, np.nan],
            "confidence": [0.95, 0.95],
        }
    )
    shown = format_frame(df)
    assert shown["95% CI"].tolist() == ["0.219 to 0.350", ""]
    assert shown["estimate"].tolist() == ["0.277", ""]
    assert "NaN" not in shown.to_string()


def test_result_repr_with_absent_interval():
    text = repr(Estimate(1.0, float("nan"), float("nan"), quantity="rate"))
    assert "NaN to NaN" not in text and MISSING in text


def test_saved_tables_have_no_nan_text(tmp_path):
    df = pd.DataFrame(
        {"estimate": [1.0, np.nan], "ci_low": [0.5, np.nan], "ci_high": [2.0, np.nan]}
    )
    for path in save_table(df, tmp_path / "t", formats=("md", "tex", "html")):
        assert "NaN" not in path.read_text() and "nan" not in path.read_text()


# ---------------------------------------------------------------------------------------------
# tiny numbers: "< 0.001", never "6.66e-15"
# ---------------------------------------------------------------------------------------------
def test_tiny_numbers_next_to_ordinary_ones_read_below_one_thousandth():
    # the deviance of a saturated log-linear model and model weights (undercount_mse tables)
    df = pd.DataFrame(
        {"deviance": [6.66134e-15, 24.3568, 0.0], "weight": [0.94178, 9.99e-05, -2e-9]}
    )
    shown = format_frame(df)
    assert shown["deviance"].tolist() == ["< 0.001", "24.4", "0"]
    assert shown["weight"].tolist() == ["0.942", "< 0.001", "> -0.001"]
    assert not any("e-" in cell for cell in shown.to_numpy().ravel())


def test_tiny_numbers_follow_the_digits():
    shown = format_frame(pd.DataFrame({"x": [3e-5, 2.0]}), digits=4)
    assert shown["x"].tolist() == ["< 0.0001", "2.000"]


def test_a_column_of_tiny_numbers_keeps_them():
    # per-capita rates: all small, nothing to hide behind "< 0.001"
    shown = format_frame(pd.DataFrame({"rate_per_person": [2.5e-5, 7.1e-6]}))
    assert shown["rate_per_person"].tolist() == ["2.50e-05", "7.10e-06"]


def test_tiny_interval_end_and_pvalue_columns():
    df = pd.DataFrame(
        {
            "estimate": [0.5],
            "ci_low": [1e-12],
            "ci_high": [0.9],
            "pvalue": [6.66e-15],
            "pvalue_adjusted": [0.0412],
            "trend_pvalue": [3e-7],
        }
    )
    shown = format_frame(df).iloc[0].to_dict()
    assert shown["CI"] == "< 0.001 to 0.900"
    assert shown["pvalue"] == "< 0.001"
    assert shown["pvalue_adjusted"] == "0.041"
    assert shown["trend_pvalue"] == "< 0.001"
    assert format_pvalue(float("nan")) == ""


# ---------------------------------------------------------------------------------------------
# interval pairs of labels (dates)
# ---------------------------------------------------------------------------------------------
def test_date_interval_pairs_are_joined_as_labels():
    df = pd.DataFrame(
        {
            "date": ["2017-05", "2018-01"],
            "estimate": [4.0, 12.0],
            "ci_low": [4.0, 11.0],
            "ci_high": [6.0, 13.0],
            "confidence": [0.95, 0.95],
            "date_low": ["2017-05", "2017-12"],
            "date_high": ["2017-07", "2018-02"],
        }
    )
    shown = format_frame(df)
    assert shown["date"].tolist() == ["2017-05", "2018-01"]
    assert shown["date 95% CI"].tolist() == ["2017-05 to 2017-07", "2017-12 to 2018-02"]
    assert shown["95% CI"].tolist() == ["4.00 to 6.00", "11.0 to 13.0"]
    mean = pd.DataFrame({"mean_low": [53.0], "mean_high": [70.5]})
    assert format_frame(mean).columns.tolist() == ["mean"]


# ---------------------------------------------------------------------------------------------
# captions in every human format
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    df = pd.DataFrame(
        {
            "dispersion": [1.0, 10.0],
            "estimate": [1.25, 1.25],
            "ci_low": [1.13, 0.96],
            "ci_high": [1.38, 1.63],
            "confidence": [0.95, 0.95],
            "pvalue": [2e-5, 0.083],
            "observed_in": ["", "UCDP 2016 & 2018"],
        }
    )
    save_table(df, tmp_path / "claim", caption=CAPTION)
    return {fmt: (tmp_path / f"claim.{fmt}").read_text() for fmt in ("md", "tex", "csv", "html")}


def test_caption_in_markdown(saved):
    lines = saved["md"].splitlines()
    assert lines[0] == f"Table: {CAPTION}"
    assert lines[1] == "" and lines[2].startswith("|")


def test_caption_in_html(saved):
    text = saved["html"]
    match = re.search(r"<table[^>]*>\s*<caption>(.*?)</caption>", text, re.S)
    assert match and html.unescape(match.group(1)) == CAPTION
    assert text.index("<caption>") < text.index("<thead>")


def test_caption_in_latex_escaped(saved):
    text = saved["tex"]
    assert (
        "\\caption{Attacks a month, 2018 vs 2016 (CSIS via the Hajin report); score test, "
        "95\\% CI}" in text
    )
    assert "95\\% CI" in text.split("\\midrule")[0]  # the header
    assert "\\textless{} 0.001" in text
    assert "UCDP 2016 \\& 2018" in text


def test_csv_stays_plain_data(saved, tmp_path):
    text = saved["csv"]
    assert CAPTION not in text and not text.startswith("#")
    back = pd.read_csv(tmp_path / "claim.csv")
    assert back.columns[0] == "dispersion" and back.shape == (2, 7)
    assert back.loc[0, "pvalue"] == pytest.approx(2e-5)


def test_multiline_caption_stays_one_line(tmp_path):
    df = pd.DataFrame({"x": [1.0]})
    save_table(df, tmp_path / "t", formats=("md", "html"), caption="first\n  second")
    assert (tmp_path / "t.md").read_text().startswith("Table: first second\n\n|")
    assert "<caption>first second</caption>" in (tmp_path / "t.html").read_text()


def test_no_caption_no_caption_line(tmp_path):
    save_table(pd.DataFrame({"x": [1.0]}), tmp_path / "t", formats=("md", "html"))
    assert (tmp_path / "t.md").read_text().startswith("|")
    assert "<caption>" not in (tmp_path / "t.html").read_text()


def test_saved_tables_are_byte_identical(tmp_path):
    df = pd.DataFrame({"estimate": [1.0], "ci_low": [np.nan], "ci_high": [2.0]})
    first = [p.read_bytes() for p in save_table(df, tmp_path / "a", caption=CAPTION)]
    second = [p.read_bytes() for p in save_table(df, tmp_path / "a", caption=CAPTION)]
    assert first == second
