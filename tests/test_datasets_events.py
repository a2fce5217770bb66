"""Tests for the event-data loaders (UCDP GED, ACLED) and monthly_counts."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictstats.datasets import (
    DataError,
    DataWarning,
    involving,
    monthly_counts,
    read_acled,
    read_ucdp_ged,
)

ROOT = Path(__file__).resolve().parents[1]
GED = ROOT / "data" / "ucdp_ged"
IRAQ = GED / "ucdp_ged191_iraq_hdx_extract.csv"
SYRIA = GED / "ucdp_ged_syria_20160101_20191130.csv"
SAMPLE = GED / "ucdp_ged231_random_sample_1000.csv"
MONTHLY = GED / "ucdp_ged_iraq_syria_monthly_by_violence_type.csv"
FIX = ROOT / "tests" / "fixtures"
BAD = FIX / "events"


@pytest.fixture(scope="module")
def iraq():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return read_ucdp_ged(IRAQ, on_inconsistent="warn")


@pytest.fixture(scope="module")
def syria():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return read_ucdp_ged(SYRIA, on_inconsistent="warn")


# ---------------------------------------------------------------------------------------------
# layouts
# ---------------------------------------------------------------------------------------------
def _read_quietly(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return read_ucdp_ged(path, on_inconsistent="warn", **kwargs)


def test_current_layout_sample():
    with pytest.warns(DataWarning, match="13 row"):
        ged = read_ucdp_ged(SAMPLE, on_inconsistent="warn")
    assert ged.attrs["layout"] == "ged-current"
    assert len(ged) == 1000 and ged.shape[1] == 49
    assert ged.attrs["n_inconsistent"] == 13  # counted independently with pandas
    assert ged["best"].dtype == np.int64
    assert pd.api.types.is_datetime64_any_dtype(ged["date_start"])
    assert (ged["country"] == "Syria").sum() == 265  # PROVENANCE.md


def test_hdx_layout_skips_the_hxl_row(iraq):
    assert iraq.attrs["layout"] == "ged-hdx"
    assert len(iraq) == 7473  # events, without the HXL tag row
    assert iraq["id"].iloc[0] == 114064
    years = iraq["date_start"].dt.year
    assert ((years >= 2014) & (years <= 2018)).sum() == 3061  # PROVENANCE.md


def test_syria_release_layout(syria):
    assert syria.attrs["layout"] == "ged-syria"
    assert len(syria) == 16566
    counts = syria["date_start"].dt.year.value_counts()
    assert counts[2016] == 6170 and counts[2019] == 2044  # PROVENANCE.md


def test_ged191_global_layout():
    ged = read_ucdp_ged(BAD / "ged191_global_layout.csv")
    assert ged.attrs["layout"] == "ged-19.1"
    assert len(ged) == 5


def test_columns_are_mapped_by_name_not_position(tmp_path):
    """The same events with the columns in another order read the same."""
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(50)
    shuffled = sample[list(reversed(sample.columns))]
    path = tmp_path / "reversed.csv"
    shuffled.to_csv(path, index=False)
    a, b = _read_quietly(SAMPLE).head(50), _read_quietly(path)
    pd.testing.assert_frame_equal(a, b[a.columns], check_like=False)


# ---------------------------------------------------------------------------------------------
# low <= best <= high
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "n_bad"), [(IRAQ, 69), (SYRIA, 101)])
def test_inconsistent_rows_in_the_real_files(path, n_bad):
    with pytest.raises(DataError, match=rf"{n_bad} row\(s\) in all") as err:
        read_ucdp_ged(path)
    assert err.value.row is not None and err.value.column in ("low", "high")
    with pytest.warns(DataWarning, match=f"{n_bad} row"):
        dropped = read_ucdp_ged(path, on_inconsistent="drop")
    assert dropped.attrs["n_inconsistent"] == n_bad
    assert ((dropped["low"] <= dropped["best"]) & (dropped["best"] <= dropped["high"])).all()
    with pytest.warns(DataWarning, match="sorted"):
        fixed = read_ucdp_ged(path, on_inconsistent="sort")
    assert len(fixed) == len(dropped) + n_bad
    assert ((fixed["low"] <= fixed["best"]) & (fixed["best"] <= fixed["high"])).all()


def test_first_inconsistent_row_is_named_exactly(iraq):
    bad = (iraq["low"] > iraq["best"]) | (iraq["best"] > iraq["high"])
    pos = int(np.argmax(bad.to_numpy()))
    with pytest.raises(DataError) as err:
        read_ucdp_ged(IRAQ)
    assert err.value.row == pos + 3  # header row 1, HXL row 2
    assert iraq.attrs["inconsistent_ids"][0] == iraq["id"].iloc[pos]


def test_sort_reorders_the_three_values(tmp_path):
    text = (BAD / "ged_best_gt_high.csv").read_text(encoding="utf-8")
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    raw = pd.read_csv(path)
    with pytest.warns(DataWarning):
        fixed = read_ucdp_ged(path, on_inconsistent="sort")
    expected = np.sort(raw[["low", "best", "high"]].to_numpy(), axis=1)
    np.testing.assert_array_equal(fixed[["low", "best", "high"]].to_numpy(), expected)


# ---------------------------------------------------------------------------------------------
# bad files: errors name the row and the column
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "row", "column", "match"),
    [
        ("ged_missing_column.csv", 1, "best", "missing required column"),
        ("ged_best_gt_high.csv", 3, "high", "low <= best <= high"),
        ("ged_bad_date.csv", 4, "date_start", "unparseable date '2013-02-30'"),
        ("ged_fractional_deaths.csv", 2, "deaths_a", "whole number"),
        ("ged_hdx_bad_low.csv", 4, "low", "'seven'"),
    ],
)
def test_ged_bad_files(name, row, column, match):
    with pytest.raises(DataError, match=match) as err:
        read_ucdp_ged(BAD / name)
    assert err.value.row == row and err.value.column == column
    assert f"row {row}" in str(err.value) and repr(column) in str(err.value)
    assert name in str(err.value)


def test_ged_other_bad_input(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_ucdp_ged(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty"):
        read_ucdp_ged(empty)
    with pytest.raises(ValueError, match="on_inconsistent"):
        read_ucdp_ged(SAMPLE, on_inconsistent="ignore")
    backwards = tmp_path / "backwards.csv"
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(3)
    sample.loc[1, "date_end"] = "1980-01-01"
    sample.to_csv(backwards, index=False)
    with pytest.raises(DataError, match="before date_start") as err:
        read_ucdp_ged(backwards)
    assert err.value.row == 3 and err.value.column == "date_end"


# ---------------------------------------------------------------------------------------------
# ACLED
# ---------------------------------------------------------------------------------------------
def test_read_acled_sample():
    acled = read_acled(FIX / "acled_sample.csv")
    assert acled.attrs["layout"] == "acled-current" and acled.attrs["source"] == "acled"
    assert len(acled) == 7
    assert acled["fatalities"].tolist() == [4, 12, 10, 3, 0, 5, 23]
    assert acled["event_date"].iloc[0] == pd.Timestamp("2018-08-04")
    assert "quotes" in acled["notes"].iloc[-1]


def test_read_acled_old_date_format_and_legacy_layout(tmp_path):
    acled = pd.read_csv(FIX / "acled_sample.csv", dtype=str, keep_default_na=False)
    acled = acled.drop(columns=["disorder_type", "civilian_targeting", "tags"])
    acled["event_date"] = pd.to_datetime(acled["event_date"]).dt.strftime("%d %B %Y")
    path = tmp_path / "old.csv"
    acled.to_csv(path, index=False)
    old = read_acled(path)
    assert old.attrs["layout"] == "acled-legacy"
    assert old["event_date"].iloc[2] == pd.Timestamp("2018-10-10")


@pytest.mark.parametrize(
    ("name", "column", "match"),
    [
        ("acled_bad_fatalities.csv", "fatalities", "'many'"),
        ("acled_bad_date.csv", "event_date", "31 Septembre 2018"),
    ],
)
def test_acled_bad_files(name, column, match):
    with pytest.raises(DataError, match=match) as err:
        read_acled(BAD / name)
    assert err.value.row == 2 and err.value.column == column


def test_acled_missing_column(tmp_path):
    acled = pd.read_csv(FIX / "acled_sample.csv", dtype=str).drop(columns="fatalities")
    path = tmp_path / "nofat.csv"
    acled.to_csv(path, index=False)
    with pytest.raises(DataError, match="required column") as err:
        read_acled(path)
    assert err.value.column == "fatalities"


# ---------------------------------------------------------------------------------------------
# monthly counts
# ---------------------------------------------------------------------------------------------
def _reference_monthly(country, column):
    ref = pd.read_csv(MONTHLY)
    ref = ref[ref["country"] == country]
    table = ref.pivot(index="month", columns="type_of_violence", values=column)
    table.index = pd.PeriodIndex(table.index, freq="M")
    return table


@pytest.mark.parametrize("measure", ["events", "best", "low", "high"])
def test_monthly_counts_match_the_published_aggregate(iraq, syria, measure):
    """The independently derived monthly aggregate (PROVENANCE.md) is reproduced exactly."""
    for events, country, start, end in (
        (iraq, "Iraq", "2014-01", "2018-12"),
        (syria, "Syria", "2016-01", "2019-11"),
    ):
        kw = dict(by="type_of_violence", measure=measure, start=start, end=end)
        ours = monthly_counts(events, shape="wide", **kw)
        ref = _reference_monthly(country, measure).reindex(ours.index).fillna(0).astype("int64")
        np.testing.assert_array_equal(ours[ref.columns].to_numpy(), ref.to_numpy())
        assert ours.index[0] == pd.Period(start, freq="M") and ours.index[-1] == pd.Period(
            end, freq="M"
        )
        long = monthly_counts(events, **kw)  # the same numbers, one row per group and month
        back = long.pivot(index="month", columns="type_of_violence", values=measure)
        np.testing.assert_array_equal(back[ref.columns].to_numpy(), ref.to_numpy())


def test_monthly_counts_fill_empty_months_and_acled_measures():
    acled = read_acled(FIX / "acled_sample.csv")
    events = monthly_counts(acled, start="2018-07", end="2018-12", shape="wide")
    assert events.tolist() == [0, 2, 0, 3, 2, 0]
    assert str(events.index[0]) == "2018-07"
    deaths = monthly_counts(acled, measure="fatalities", shape="wide")
    assert deaths.tolist() == [16, 0, 13, 28]
    assert monthly_counts(acled, measure="best", shape="wide").tolist() == deaths.tolist()
    by = monthly_counts(acled, by="country", shape="wide")
    assert by["Iraq"].tolist() == [0, 0, 0, 2] and by["Syria"].sum() == 5
    long = monthly_counts(acled, measure="fatalities")
    assert long.columns.tolist() == ["month", "fatalities", "days"]
    assert long["fatalities"].tolist() == [16, 0, 13, 28]
    with pytest.raises(DataError, match="no low or high"):
        monthly_counts(acled, measure="low")
    with pytest.raises(DataError, match="no column"):
        monthly_counts(acled, by="province")
    with pytest.raises(ValueError, match="measure"):
        monthly_counts(acled, measure="deaths")
    with pytest.raises(DataError, match="before start"):
        monthly_counts(acled, start="2019-01", end="2018-01")


def test_ged_fatalities_is_best(iraq):
    a = monthly_counts(iraq, measure="fatalities", start="2016-01", end="2016-12")
    b = monthly_counts(iraq, measure="best", start="2016-01", end="2016-12")
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_bad_latitude_is_not_silently_lost(tmp_path):
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(4)
    sample.loc[2, "latitude"] = "35,76"
    path = tmp_path / "lat.csv"
    sample.to_csv(path, index=False)
    with pytest.raises(DataError, match="expected a number") as err:
        read_ucdp_ged(path)
    assert err.value.row == 4 and err.value.column == "latitude"


def test_monthly_counts_refuses_missing_dates():
    acled = read_acled(FIX / "acled_sample.csv")
    acled.loc[3, "event_date"] = pd.NaT
    with pytest.raises(DataError, match="missing date"):
        monthly_counts(acled)


# ---------------------------------------------------------------------------------------------
# blank text is missing, not ""
# ---------------------------------------------------------------------------------------------
def test_blank_province_is_missing_not_empty_string(iraq, syria):
    for events, path, skip in ((iraq, IRAQ, [0]), (syria, SYRIA, None)):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=[1] if skip else None)
        for col in ("adm_1", "adm_2"):
            blank = (raw[col].str.strip() == "").to_numpy()
            assert blank.any()
            np.testing.assert_array_equal(events[col].isna().to_numpy(), blank)
        text = events.select_dtypes(include=["object", "string"])
        assert not (text == "").any().any()
    # counted independently from the raw files (PROVENANCE-style): 413 and 339 blank adm_1
    assert int(iraq["adm_1"].isna().sum()) == 413 and int(syria["adm_1"].isna().sum()) == 339
    # a province grouping no longer makes a province called ""
    assert "" not in set(syria.groupby("adm_1").size().index)


def test_blank_required_text_is_an_error(tmp_path):
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(5)
    sample.loc[3, "country"] = "  "
    path = tmp_path / "nocountry.csv"
    sample.to_csv(path, index=False)
    with pytest.raises(DataError, match="empty cell") as err:
        read_ucdp_ged(path)
    assert err.value.row == 5 and err.value.column == "country"


def test_acled_blank_text_is_missing():
    acled = read_acled(FIX / "acled_sample.csv")
    assert acled["assoc_actor_1"].isna().all()
    assert acled["actor2"].isna().sum() == 1  # the row with no second actor


# ---------------------------------------------------------------------------------------------
# on_inconsistent="sort" flags the rows it changed
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [IRAQ, SYRIA, SAMPLE])
def test_sort_flags_rows_whose_best_changed(path):
    parts = ["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]
    raw = _read_quietly(path)  # "warn": values as in the file
    with pytest.warns(DataWarning):
        fixed = read_ucdp_ged(path, on_inconsistent="sort")
    assert fixed["bounds_sorted"].dtype == bool and fixed["best_resorted"].dtype == bool
    inconsistent = ((raw["low"] > raw["best"]) | (raw["best"] > raw["high"])).to_numpy()
    np.testing.assert_array_equal(fixed["bounds_sorted"].to_numpy(), inconsistent)
    changed = (fixed["best"] != raw["best"]).to_numpy()
    np.testing.assert_array_equal(fixed["best_resorted"].to_numpy(), changed)
    assert changed.any() and not (changed & ~inconsistent).any()
    # UCDP's best is the sum of the parties' deaths in every row, until sorting moves it
    total = fixed[parts].sum(axis=1).to_numpy()
    assert (total[~changed] == fixed["best"].to_numpy()[~changed]).all()
    assert (total[changed] != fixed["best"].to_numpy()[changed]).all()
    assert (raw[parts].sum(axis=1) == raw["best"]).all()
    # the flags exist only when "sort" was asked for
    assert "best_resorted" not in raw.columns


def test_sort_flag_counts_in_the_real_files():
    """Rows whose best moved when sorted, counted with pandas on the raw files."""
    for path, n_bad, n_best in ((IRAQ, 69, 21), (SYRIA, 101, 45), (SAMPLE, 13, 6)):
        skip = [1] if path == IRAQ else None
        raw = pd.read_csv(path, skiprows=skip, usecols=["low", "best", "high"])
        middle = np.median(raw.to_numpy(), axis=1)
        assert int(((raw["low"] > raw["best"]) | (raw["best"] > raw["high"])).sum()) == n_bad
        assert int((middle != raw["best"]).sum()) == n_best
        with pytest.warns(DataWarning):
            fixed = read_ucdp_ged(path, on_inconsistent="sort")
        assert int(fixed["bounds_sorted"].sum()) == n_bad
        assert int(fixed["best_resorted"].sum()) == n_best


# ---------------------------------------------------------------------------------------------
# involving
# ---------------------------------------------------------------------------------------------
def _ged_like(**columns):
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame(
        {
            "id": range(n),
            "date_start": pd.Timestamp("2018-01-01"),
            "best": 1,
            **columns,
        }
    )
    frame.attrs["source"] = "ucdp_ged"
    return frame


def test_involving_matches_the_plain_side_filter(iraq, syria):
    for events in (iraq, syria):
        plain = events[(events["side_a"] == "IS") | (events["side_b"] == "IS")]
        ours = involving(events, "IS")
        pd.testing.assert_index_equal(ours.index, plain.index)
        assert ours.attrs["involving"] == ["IS"] and ours.attrs["layout"] == events.attrs["layout"]
    assert len(involving(iraq, "IS")) == 6191 and len(involving(syria, "IS")) == 6472


def test_involving_exact_names_not_substrings():
    events = _ged_like(
        side_a=[
            "IS",
            "Government of Algeria",
            "ISIS",
            "Ahrar al-Sham, IS , HTS",
            "Government of Iraq",
        ],
        side_b=["Civilians", "AIS", "Civilians", "Government of Syria", pd.NA],
        dyad_name=[
            "IS - Civilians",
            "Government of Algeria - AIS",
            "ISIS - Civilians",
            "Ahrar al-Sham, IS , HTS - Government of Syria",
            "Government of Iraq - Kurds",
        ],
    )
    assert involving(events, "IS")["id"].tolist() == [0, 3]
    assert involving(events, "is")["id"].tolist() == [0, 3]  # case does not matter
    assert involving(events, "IS", "ISIS")["id"].tolist() == [0, 2, 3]
    assert involving(events, ["ISIS", "AIS"])["id"].tolist() == [1, 2]
    assert involving(events, "Kurds")["id"].tolist() == [4]  # found in the dyad only
    assert involving(events, "Government")["id"].tolist() == []  # names, not parts of names
    assert involving(events, "Government", match="word")["id"].tolist() == [1, 3, 4]
    assert involving(events, "IS", match="word")["id"].tolist() == [0, 3]  # not ISIS, not AIS


def test_involving_keeps_a_repeated_index():
    events = _ged_like(side_a=["IS", "X"], side_b=["Y", "Z"], dyad_name=["IS - Y", "X - Z"])
    events.index = [5, 5]
    assert involving(events, "IS")["side_a"].tolist() == ["IS"]


def test_involving_acled_word_match():
    acled = read_acled(FIX / "acled_sample.csv")
    assert len(involving(acled, "Islamic State (Syria)")) == 5
    assert len(involving(acled, "Islamic State")) == 0  # exact: ACLED adds the country
    assert len(involving(acled, "Islamic State", match="word")) == 7
    assert len(involving(acled, "civilians (iraq)")) == 1


def test_involving_bad_input(iraq):
    with pytest.raises(DataError, match="at least one actor"):
        involving(iraq)
    with pytest.raises(DataError, match="non-empty names"):
        involving(iraq, "")
    with pytest.raises(DataError, match="non-empty names"):
        involving(iraq, ["IS", 3])
    with pytest.raises(ValueError, match="match"):
        involving(iraq, "IS", match="fuzzy")
    with pytest.raises(DataError, match="no column") as err:
        involving(iraq.drop(columns="dyad_name"), "IS")
    assert err.value.column == "dyad_name"
    assert (
        len(involving(iraq.drop(columns="dyad_name"), "IS", columns=["side_a", "side_b"])) == 6191
    )


# ---------------------------------------------------------------------------------------------
# monthly_counts, long format
# ---------------------------------------------------------------------------------------------
def test_monthly_counts_long_is_complete_and_zero_filled(syria):
    events = involving(syria, "IS")
    events = events[events["adm_1"].notna()]
    long = monthly_counts(events, by="adm_1", start="2016-01", end="2019-11")
    assert long.columns.tolist() == ["adm_1", "month", "events", "days"]
    provinces = sorted(events["adm_1"].unique())
    assert len(long) == len(provinces) * 47
    assert long["adm_1"].unique().tolist() == provinces  # sorted by group, then month
    first = long[long["adm_1"] == provinces[0]]
    assert first["month"].tolist() == list(pd.period_range("2016-01", "2019-11", freq="M"))
    # days in the month, from the calendar
    assert long.loc[long["month"] == pd.Period("2016-02", freq="M"), "days"].unique().tolist() == [
        29
    ]
    assert long.loc[long["month"] == pd.Period("2018-02", freq="M"), "days"].unique().tolist() == [
        28
    ]
    assert long["events"].dtype == np.int64 and long["days"].dtype == np.int64
    # the non-zero cells are exactly a plain groupby of the events
    plain = events.groupby(["adm_1", events["date_start"].dt.to_period("M")]).size()
    nonzero = long[long["events"] > 0].set_index(["adm_1", "month"])["events"]
    assert int(long["events"].sum()) == len(events)
    np.testing.assert_array_equal(nonzero.sort_index().to_numpy(), plain.sort_index().to_numpy())
    assert (long["events"] == 0).sum() > 0
    assert long.attrs["measure"] == "events" and long.attrs["by"] == ["adm_1"]


def test_monthly_counts_long_several_keys_and_deaths(iraq):
    long = monthly_counts(
        iraq, by=["type_of_violence"], measure="best", start="2014-01", end="2018-12"
    )
    ref = _reference_monthly("Iraq", "best")
    back = long.pivot(index="month", columns="type_of_violence", values="best")
    np.testing.assert_array_equal(
        back[ref.columns].to_numpy(), ref.reindex(back.index).fillna(0).to_numpy()
    )
    two = monthly_counts(
        involving(iraq, "IS"), by=["type_of_violence", "side_b"], start="2017-01", end="2017-12"
    )
    combos = two[["type_of_violence", "side_b"]].drop_duplicates()
    assert len(two) == len(combos) * 12
    assert (two.groupby(["type_of_violence", "side_b"]).size() == 12).all()


def test_monthly_counts_refuses_missing_group_labels(syria):
    events = involving(syria, "IS")
    with pytest.raises(DataError, match=r"by='adm_1' is missing in 154 of the 6472") as err:
        monthly_counts(events, by="adm_1")
    assert err.value.column == "adm_1"
    with pytest.raises(ValueError, match="shape"):
        monthly_counts(events, shape="tall")


def test_monthly_counts_without_by_long():
    acled = read_acled(FIX / "acled_sample.csv")
    long = monthly_counts(acled, start="2018-07", end="2018-12")
    assert long["events"].tolist() == [0, 2, 0, 3, 2, 0]
    assert long["days"].tolist() == [31, 31, 30, 31, 30, 31]
    assert str(long["month"].iloc[0]) == "2018-07"


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(st.integers(0, 700), min_size=1, max_size=60),
    groups=st.data(),
)
def test_monthly_counts_long_equals_a_zero_filled_groupby(days, groups):
    labels = groups.draw(st.lists(st.sampled_from("abc"), min_size=len(days), max_size=len(days)))
    dates = pd.Timestamp("2016-01-01") + pd.to_timedelta(days, unit="D")
    events = _ged_like(side_a=labels, side_b=labels, dyad_name=labels)
    events["date_start"] = dates
    long = monthly_counts(events, by="side_a", start="2016-01", end="2017-12")
    months = pd.period_range("2016-01", "2017-12", freq="M")
    inside = events[dates <= pd.Timestamp("2017-12-31")]
    plain = inside.groupby(["side_a", inside["date_start"].dt.to_period("M")]).size()
    present = sorted(inside["side_a"].unique())
    full = pd.MultiIndex.from_product([present, months], names=["side_a", "month"])
    want = plain.rename_axis(["side_a", "month"]).reindex(full, fill_value=0)
    np.testing.assert_array_equal(long["events"].to_numpy(), want.to_numpy())
    assert (long["days"] == np.tile(months.days_in_month, len(present))).all()


def test_monthly_counts_long_goes_straight_into_fit_trends(syria):
    from conflictstats.panel import fit_trends

    events = involving(syria, "IS")
    panel = monthly_counts(events[events["adm_1"].notna()], by="adm_1")
    fits = fit_trends(panel, series="adm_1", time="month", count="events", exposure="days")
    assert set(fits["adm_1"]) == set(panel["adm_1"]) and fits["converged"].any()
