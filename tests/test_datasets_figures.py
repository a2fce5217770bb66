"""Tests for conflictstats.datasets.read_figures and the Hajin 2018 figure table."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from conflictstats.datasets import DataError, read_figures
from conflictstats.reported import ReportedFigure, parse_figure

ROOT = Path(__file__).resolve().parents[1]
HAJIN = ROOT / "data" / "hajin_2018" / "figures.csv"


@pytest.fixture(scope="module")
def hajin():
    return read_figures(HAJIN)


def test_hajin_has_every_figure(hajin):
    assert len(hajin) >= 35
    assert hajin["id"].is_unique
    for col in ("id", "text", "value", "qualifier", "subject", "unit", "per", "source"):
        assert col in hajin.columns
    for col in ("period", "place", "quote", "figure", "rule", "central", "low", "high"):
        assert col in hajin.columns
    assert all(isinstance(f, ReportedFigure) for f in hajin["figure"])
    assert (hajin["quote"].str.split().str.len() <= 20).all()
    assert (hajin["low"] <= hajin["central"]).all() and (hajin["central"] <= hajin["high"]).all()


@pytest.mark.parametrize(
    "text,rule,low,high",
    [
        ("up to 75 a month", "up to", 0, 75),
        ("60 a month", "exact", 60, 60),
        ("827", "exact", 827, 827),
        ("481", "exact", 481, 481),
        ("308 civilians", "exact", 308, 308),
        ("at least 30", "at least", 30, math.inf),
        ("30 or more", "at least", 30, math.inf),
        ("20,000 to 30,000", "range", 20_000, 30_000),
        ("about 2,000 to 2,500", "about range", 1_950, 2_550),
        ("about 50 sq km", "about", 45, 55),
        ("about 7,000", "about", 6_500, 7_500),
        ("15,000 fighters", "exact", 15_000, 15_000),
        ("75 trucks", "exact", 75, 75),
        ("151 targets in a week", "exact", 151, 151),
        ("nearly 30,000 airstrikes", "nearly", 27_500, 30_000),
        ("nearly 480km", "nearly", 475, 480),
        ("a kilometre a day", "exact", 1, 1),
        ("about half of 308", "about", 138.6, 169.4),
    ],
)
def test_seed_pairs_are_present(hajin, text, rule, low, high):
    row = hajin[hajin["text"] == text].iloc[0]
    assert row["rule"] == rule
    assert row["low"] == pytest.approx(low) and row["high"] == pytest.approx(high)


def test_sources_named(hajin):
    sources = " ".join(hajin["source"])
    for who in (
        "US-led coalition",
        "Syrian Observatory for Human Rights",
        "CSIS",
        "United Nations",
        "Iraqi army commander",
        "CIA (2014)",
    ):
        assert who in sources


def test_metadata_passed_to_the_figure(hajin):
    row = hajin[hajin["id"] == "hajin-23"].iloc[0]
    fig = row["figure"]
    assert fig.source == "United Nations" and fig.unit == "civilians"
    assert fig.date == row["period"] and fig.quote == row["quote"]
    rate = hajin[hajin["id"] == "hajin-10"].iloc[0]["figure"]
    assert (rate.unit, rate.per) == ("attacks", "month")


def test_every_row_formats_back(hajin):
    for fig in hajin["figure"]:
        again = parse_figure(fig.format())
        assert (again.qualifier, again.low, again.high) == (fig.qualifier, fig.low, fig.high)


def _write(tmp_path, text):
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_columns_kept_and_acled_rules(tmp_path):
    path = _write(tmp_path, "id,text,extra\na,dozens,keep me\nb,about 50,\n")
    df = read_figures(path, rules="acled")
    assert df["extra"].tolist() == ["keep me", ""]
    assert df["low"].tolist() == [12, 45]
    assert math.isnan(df["rounding"].iloc[0]) and df["rounding"].iloc[1] == 10


def test_missing_column(tmp_path):
    path = _write(tmp_path, "id,phrase\na,about 50\n")
    with pytest.raises(DataError, match=r"column 'text': missing required column\(s\) 'text'"):
        read_figures(path)


def test_bad_phrase_names_row_and_column(tmp_path):
    path = _write(tmp_path, "id,text\na,about 50\nb,lots of them\n")
    with pytest.raises(DataError) as info:
        read_figures(path)
    msg = str(info.value)
    assert "row 3" in msg and "column 'text'" in msg and "'lots of them'" in msg
    assert info.value.row == 3 and info.value.column == "text"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "body,row,column,match",
    [
        ("id,text,value\na,about 50,50\nb,about 60,70\n", 3, "value", "disagrees"),
        ("id,text,value\na,about 50,fifty\n", 2, "value", "not a number"),
        ("id,text,value\na,dozens,24\n", 2, "value", "states no number"),
        ("id,text,value\na,about 50,\n", 2, "value", "empty, but the phrase states 50"),
        ("id,text,value_high\na,20 to 30,40\n", 2, "value_high", "disagrees"),
        ("id,text\na,50\na,60\n", 3, "id", "duplicate id 'a'"),
        ("id,text\n,50\n", 2, "id", "empty id"),
        ("id,text,low\na,50,3\n", None, "low", "reserved"),
    ],
)
def test_bad_rows(tmp_path, body, row, column, match):
    path = _write(tmp_path, body)
    with pytest.raises(DataError, match=match) as info:
        read_figures(path)
    assert info.value.row == row and info.value.column == column


def test_malformed_and_missing_files(tmp_path):
    path = _write(tmp_path, 'id,text\na,"about 50\n')
    with pytest.raises(DataError, match="malformed CSV"):
        read_figures(path)
    with pytest.raises(DataError, match="file not found"):
        read_figures(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="malformed CSV"):
        read_figures(_write(tmp_path, ""))


def test_returns_a_dataframe(hajin):
    assert isinstance(hajin, pd.DataFrame)
    assert hajin["high"].dtype.kind == "f"
