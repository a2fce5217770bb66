"""Loaders never read a broken cell as something else: dates, huge counts, extra fields, rows."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from conflictstats.datasets import DataError, read_acled, read_figures, read_ucdp_ged
from conflictstats.datasets._csv import read_csv_strict

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "data" / "ucdp_ged" / "ucdp_ged231_random_sample_1000.csv"
ACLED = HERE / "fixtures" / "acled_sample.csv"


def _ged(tmp_path: Path, edit=None, n: int = 4, text_edit=None) -> Path:
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(n)
    if edit:
        edit(sample)
    path = tmp_path / "ged.csv"
    text = sample.to_csv(index=False, lineterminator="\n")
    if text_edit:
        text = text_edit(text)
    path.write_text(text, encoding="utf-8")
    return path


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_ucdp_ged(path, on_inconsistent="warn", **kw)


def test_date_typo_is_not_truncated_to_a_valid_date(tmp_path):
    path = _ged(tmp_path, lambda s: s.loc.__setitem__((2, "date_start"), "2013-01-035"))
    with pytest.raises(DataError, match="unparseable date '2013-01-035'") as err:
        _read(path)
    assert (err.value.row, err.value.column) == (4, "date_start")


@pytest.mark.parametrize("cell", ["2013-01-03 00:00:00", "2013-01-03T00:00:00.000", "2013-01-03"])
def test_a_time_of_day_after_the_date_is_still_dropped(tmp_path, cell):
    path = _ged(tmp_path, lambda s: s.loc.__setitem__((2, "date_start"), cell))
    ged = _read(path)
    assert ged["date_start"].iloc[2] == pd.Timestamp("2013-01-03")


def test_acled_date_typo_is_an_error(tmp_path):
    text = ACLED.read_text(encoding="utf-8")
    first = pd.read_csv(ACLED, dtype=str, keep_default_na=False)["event_date"].iloc[0]
    path = tmp_path / "acled.csv"
    path.write_text(text.replace(first, first + "5", 1), encoding="utf-8")
    with pytest.raises(DataError, match="unparseable date") as err:
        read_acled(path)
    assert (err.value.row, err.value.column) == (2, "event_date")


@pytest.mark.parametrize(
    "cell, message",
    [
        ("12345678901234567890", "too large for a count"),
        ("9223372036854775808", "too large for a count"),
        ("1e30", "expected a whole number"),
        ("inf", "expected a whole number"),
    ],
)
def test_a_count_beyond_int64_is_an_error_not_a_negative(tmp_path, cell, message):
    path = _ged(tmp_path, lambda s: s.loc.__setitem__((1, "deaths_a"), cell))
    with pytest.raises(DataError, match=message) as err:
        _read(path)
    assert (err.value.row, err.value.column) == (3, "deaths_a")


def test_the_largest_int64_count_is_read_exactly(tmp_path):
    big = "9223372036854775807"
    path = _ged(tmp_path, lambda s: s.loc.__setitem__((1, "deaths_a"), "+000" + big))
    ged = _read(path)
    assert ged["deaths_a"].iloc[1] == 9223372036854775807
    assert ged["deaths_a"].dtype == "int64"
    assert (ged["deaths_a"] >= 0).all()


def test_decimal_coordinates_must_be_finite(tmp_path):
    path = _ged(tmp_path, lambda s: s.loc.__setitem__((3, "latitude"), "1e400"))
    with pytest.raises(DataError, match="expected a finite number, got '1e400'") as err:
        _read(path)
    assert (err.value.row, err.value.column) == (5, "latitude")


def test_row_numbers_are_file_lines_after_a_blank_line(tmp_path):
    def blank_then_bad(text: str) -> str:
        lines = text.split("\n")
        lines.insert(2, "")  # a blank line after the first event
        return "\n".join(lines)

    path = _ged(
        tmp_path,
        lambda s: s.loc.__setitem__((1, "deaths_a"), "-3"),
        text_edit=blank_then_bad,
    )
    # header line 1, event 0 line 2, blank line 3, event 1 (the bad one) line 4
    with pytest.raises(DataError, match="expected a whole number") as err:
        _read(path)
    assert (err.value.row, err.value.column) == (4, "deaths_a")


def test_row_numbers_count_the_lines_of_a_quoted_multi_line_cell(tmp_path):
    def edit(s):
        s.loc[0, "where_description"] = "first line\nsecond line"
        s.loc[1, "best"] = "x"

    path = _ged(tmp_path, edit)
    with pytest.raises(DataError, match="expected a whole number") as err:
        _read(path)
    assert (err.value.row, err.value.column) == (4, "best")


def test_ged_row_with_an_extra_field_is_an_error(tmp_path):
    path = _ged(
        tmp_path, text_edit=lambda t: t.replace("\n", ",extra\n", 2).replace(",extra\n", "\n", 1)
    )
    with pytest.raises(DataError, match="fields where the header has") as err:
        _read(path)
    assert err.value.row == 2


def _figures(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_figures_unquoted_comma_is_an_error_naming_the_row(tmp_path):
    path = _figures(tmp_path, "id,text\na,about 7,000\n")
    with pytest.raises(DataError, match="3 fields where the header has 2") as err:
        read_figures(path)
    assert err.value.row == 2
    assert "'about 7', '000'" in str(err.value)


def test_read_figures_extra_field_in_a_later_row(tmp_path):
    path = _figures(tmp_path, 'id,text\na,"about 7,000"\n\nb,some 30,000 fighters\n')
    with pytest.raises(DataError, match="3 fields") as err:
        read_figures(path)
    assert err.value.row == 4


def test_read_figures_short_row_names_the_missing_column(tmp_path):
    path = _figures(tmp_path, "id,text,source\na,827,news\nb,30\n")
    with pytest.raises(DataError, match="no value for the columns") as err:
        read_figures(path)
    assert (err.value.row, err.value.column) == (3, "source")


def test_read_figures_row_numbers_after_a_blank_line(tmp_path):
    path = _figures(tmp_path, "id,text\na,827\n\na,30\n")
    with pytest.raises(DataError, match="duplicate id 'a'") as err:
        read_figures(path)
    assert err.value.row == 4


def test_read_figures_quoted_comma_still_reads(tmp_path):
    df = read_figures(_figures(tmp_path, '\ufeffid,text\na,"about 7,000"\n'))
    assert df["id"].tolist() == ["a"]
    assert (df["low"].iloc[0], df["high"].iloc[0]) == (6500, 7500)


def test_read_csv_strict_lines_and_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x\ny"\n\n2,z\n', encoding="utf-8")
    frame, lines = read_csv_strict(path)
    assert frame.to_dict("list") == {"a": ["1", "2"], "b": ["x\ny", "z"]}
    assert lines.tolist() == [2, 5]
    path.write_text("a,a\n1,2\n")
    with pytest.raises(DataError, match="duplicated column names"):
        read_csv_strict(path)
    path.write_text('a,b\n1,"open\n')
    with pytest.raises(DataError, match="malformed CSV"):
        read_csv_strict(path)


def test_monthly_totals_past_int64_are_an_error_not_a_wrapped_negative():
    from conflictstats.datasets import monthly_counts

    events = pd.DataFrame(
        {
            "date_start": pd.to_datetime(["2018-01-05", "2018-01-20"]),
            "best": [2**62, 2**62],
        }
    )
    with pytest.raises(DataError, match="too large for a count"):
        monthly_counts(events, measure="best")
    events["best"] = [1.5, 2.0]
    with pytest.raises(DataError, match="whole numbers"):
        monthly_counts(events, measure="best")
    events["best"] = [1, 2]
    assert monthly_counts(events, measure="best")["best"].tolist() == [3]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"end": "2018"}, "end='2018' is not a month"),
        ({"start": "Sept 2018"}, "start='Sept 2018' is not a month"),
        ({"start": "2018/09"}, "start='2018/09' is not a month"),
        ({"end": "2018-13"}, "end='2018-13' is not a valid date"),
        ({"end": 2018}, "end=2018 is not a month"),
        ({"start": pd.Period("2018Q3", freq="Q")}, "is not a monthly period"),
    ],
)
def test_monthly_counts_refuses_a_loose_month(kw, message):
    # pandas reads "2018" as January 2018: end="2018" would silently cut the year to one month
    from conflictstats.datasets import monthly_counts

    events = pd.DataFrame(
        {"event_date": pd.to_datetime(["2018-01-05", "2018-06-01"]), "fatalities": [1, 2]}
    )
    events.attrs["source"] = "acled"
    with pytest.raises(DataError, match=message):
        monthly_counts(events, **kw)


def test_monthly_counts_accepts_months_dates_and_periods():
    import datetime

    from conflictstats.datasets import monthly_counts

    events = pd.DataFrame(
        {"event_date": pd.to_datetime(["2018-01-05", "2018-06-01"]), "fatalities": [1, 2]}
    )
    events.attrs["source"] = "acled"
    for start, end in [
        ("2018-01", "2018-12"),
        ("2018-01-31", "2018-12-01"),
        (datetime.date(2018, 1, 9), pd.Timestamp("2018-12-31")),
        (pd.Period("2018-01", freq="M"), pd.Period("2018-12", freq="M")),
    ]:
        out = monthly_counts(events, start=start, end=end)
        assert len(out) == 12
