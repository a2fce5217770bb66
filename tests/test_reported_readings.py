"""Readings required by issues 16 and 17: words read as numbers, the granularity model of round
numbers, and the phrases the reader must refuse.

Every expected interval is worked out by hand from the rule table (README, "Reported
figures") and the granularity model (``reported.phrase.granularity``: a number with trailing
zeros is read on the coarsest step of the 1-2-2.5-5 series that divides it and is at most a
quarter of it; Jansen & Pollmann 2001, Krifka 2009), never by running the parser.
"""

from __future__ import annotations

import math
import time

import pytest

from conflictstats.reported import ReportedFigureError, parse_figure

INF = math.inf

# text, qualifier, value, low, high, unit, per  (worked by hand, see the module docstring)
READINGS = [
    # round numbers: granularity 25 for 100, 250 for 1,000, 5,000 for 30,000
    ("about 100", "about", 100, 87.5, 112.5, None, None),
    ("about 1,000", "about", 1000, 875, 1125, None, None),
    ("nearly 100", "nearly", 100, 87.5, 100, None, None),
    ("nearly 30,000 airstrikes", "nearly", 30000, 27500, 30000, "airstrikes", None),
    ("just over 100", "just over", 100, 100, 112.5, None, None),
    ("about 120", "about", 120, 115, 125, None, None),  # unchanged: 120 is not a 1-digit number
    ("about 7,000", "about", 7000, 6500, 7500, None, None),  # unchanged
    ("about 50 sq km", "about", 50, 45, 55, "km2", None),  # unchanged
    ("about 400", "about", 400, 350, 450, None, None),  # unchanged: 100 <= 400/4
    ("about 300", "about", 300, 275, 325, None, None),  # 50: 100 > 300/4, 50 divides 300
    ("about 2 million", "about", 2e6, 1.75e6, 2.25e6, None, None),
    ("about 20,000 to 30,000", "about range", 25000, 17500, 32500, None, None),
    ("about 2,000 to 2,500", "about range", 2250, 1950, 2550, None, None),  # unchanged
    ("about 10%", "about", 0.1, 0.0875, 0.1125, "share", None),
    # numbers in words and with scale suffixes
    ("three thousand", "exact", 3000, 3000, 3000, None, None),
    ("two dozen", "exact", 24, 24, 24, None, None),
    ("half a million", "exact", 5e5, 5e5, 5e5, None, None),
    ("about half a million", "about", 5e5, 4.5e5, 5.5e5, None, None),
    ("1.2 million", "exact", 1.2e6, 1.2e6, 1.2e6, None, None),
    ("3k", "exact", 3000, 3000, 3000, None, None),
    ("2K fighters", "exact", 2000, 2000, 2000, "fighters", None),
    ("2bn", "exact", 2e9, 2e9, 2e9, None, None),
    ("$2.5bn", None, None, None, None, None, None),  # refused: a currency sign before it
    ("2 bn dollars", "exact", 2e9, 2e9, 2e9, "dollars", None),
    ("about 3k", "about", 3000, 2750, 3250, None, None),
    ("tens of thousands", "tens", 45000, 20000, 99999, None, None),
    ("a hundred", "exact", 100, 100, 100, None, None),
    # vague amounts read by a documented rule
    ("a handful of fighters", "a few", 3, 2, 5, "fighters", None),
    ("a couple of dozen", "about", 24, 21, 27, None, None),
    ("a couple of fighters", "about", 2, 1.5, 2.5, "fighters", None),
    ("a couple of hundred", "about", 200, 175, 225, None, None),
    ("dozens", "dozens", 50, 24, 99, None, None),
    ("scores", "scores", 90, 40, 199, None, None),
    # "a" is one before a unit of time or distance, or a number scale
    ("a kilometre a day", "exact", 1, 1, 1, "km", "day"),
    ("a year", "exact", 1, 1, 1, "year", None),
    ("an hour", "exact", 1, 1, 1, "hour", None),
]


@pytest.mark.parametrize("text,qualifier,value,low,high,unit,per", READINGS)
def test_required_readings(text, qualifier, value, low, high, unit, per):
    if qualifier is None:
        with pytest.raises(ReportedFigureError):
            parse_figure(text)
        return
    f = parse_figure(text)
    assert f.qualifier == qualifier
    assert f.value == pytest.approx(value, rel=1e-12)
    assert (f.low, f.high) == pytest.approx((low, high), rel=1e-12)
    assert (f.unit, f.per) == (unit, per)


def test_issue_bounds_hold():
    """The bounds the issue states, checked as inequalities."""
    nearly = parse_figure("nearly 100")
    assert 85 <= nearly.low and nearly.high <= 100 and nearly.closed == "left"
    assert parse_figure("nearly 30,000").low >= 25_000
    for x in (100, 1000):
        f = parse_figure(f"about {x:,}")
        assert x * 0.75 <= f.low <= x * 0.9 and x * 1.1 <= f.high <= x * 1.25
    over = parse_figure("just over 100")
    assert over.low == 100 and over.high <= 115 and over.closed == "right"
    assert parse_figure("nearly 100").interval() != parse_figure("fewer than 100").interval()


@pytest.mark.parametrize(
    "x", ["100", "120", "1,000", "7,000", "30,000", "50", "480", "2,500", "3", "2 million"]
)
def test_readings_are_nested(x):
    """exact within about; nearly and just over within about (half a unit of x)."""
    exact, about = parse_figure(x), parse_figure(f"about {x}")
    nearly, over = parse_figure(f"nearly {x}"), parse_figure(f"just over {x}")
    assert about.low <= exact.low <= exact.high <= about.high
    assert about.low <= nearly.low < nearly.high <= about.high
    assert about.low <= over.low < over.high <= about.high
    u = about.rounding
    assert nearly.high - nearly.low <= u and over.high - over.low <= u


def test_acled_several_hundred_not_above_default():
    default = parse_figure("several hundred")
    acled = parse_figure("several hundred", rules="acled")
    assert acled.high <= default.high and acled.value <= default.high
    assert parse_figure("several", rules="acled").value == 10  # ACLED's own code


@pytest.mark.parametrize(
    "text,where",
    [
        # vague amounts with no reading: the same error as "many"
        ("a lot of fighters", "expected a number at 'a lot of fighters'"),
        ("a large number of civilians", "expected a number at 'a large number of civilians'"),
        ("an unknown number", "expected a number at 'an unknown number'"),
        ("many fighters", "expected a number at 'many fighters'"),
        ("numerous casualties", "expected a number"),
        ("lots", "expected a number"),
        # issue 17, item 8
        ("10e5", "scientific notation"),
        ("1E6 fighters", "scientific notation"),
        ("several at least", "unexpected words after the figure"),
        ("5 per month per year", "two rates"),
        ("5 a month a year", "two rates"),
        ("1" * 400, "number too large"),
        ("9" * 16, "number too large"),
        ("two million billion", "unexpected words after the figure"),
        ("9,000 billion billion", "unexpected words after the figure"),
    ],
)
def test_refused(text, where):
    with pytest.raises(ReportedFigureError) as info:
        parse_figure(text)
    assert where in str(info.value) and repr(text) in str(info.value)


def test_vague_refusal_names_the_word():
    with pytest.raises(ReportedFigureError, match="'a lot' is a vague amount"):
        parse_figure("a lot of fighters")


def test_whitespace_padding_is_linear():
    """Issue 17: 32 KB of padding took 1.4 s (quadratic); it must be read in linear time."""
    pad = " " * 32_000
    f = parse_figure(pad + "about" + pad + "7,000" + pad + "fighters" + pad + "a" + pad + "month")
    assert (f.low, f.high, f.unit, f.per) == (6500, 7500, "fighters", "month")
    with pytest.raises(ReportedFigureError):
        parse_figure(pad + "30" + pad + "to" + pad)

    def best(pad):
        times = []
        for _ in range(3):
            start = time.process_time()
            parse_figure(pad + "about 7,000" + pad)
            times.append(time.process_time() - start)
        return min(times)

    small, big = best(" " * 64_000), best(" " * 640_000)
    assert big < 40 * max(small, 1e-3)  # ten times the text: linear 10x, quadratic 100x


# -- the one-pass reader and the general reader agree -------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_reported_fast import _slow  # noqa: E402  (the general reader alone)

from conflictstats.reported import phrase as _phrase  # noqa: E402

_PIECES = st.sampled_from(
    ["about", "nearly", "at least", "up to", "over", "some", "~", "between", "from"]
    + ["30", "1,000", "2.5", "7,000", "100", "2", "120", "30,000", "0"]
    + ["to", "-", "and", "or more", "+", "or so", "or fewer", "of", "%", "percent", "k", "bn"]
    + ["fighters", "a month", "per week", "sq km", "km", "civilians killed", "thousand"]
    + ["dozen", "a", "half", "them", "three", "e5", "dozens", "hundreds", "several", "a few"]
    + ["tens", "most", "thousands", "scores", "those", "km", "30km", "12th", "x", "30%", "5 %"]
    + ["million", "2K", "3k", "bn", "5m", "2M", "1.5 million", "thousands", "billion", "B"]
)


def _summary(p):
    def num(n):
        return None if n is None else (n.value, n.rounding, n.share, n.vague)

    return (p.key, num(p.first), num(p.second), p.base, p.unit, p.per, p.rounding)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=6).map(" ".join))
def test_one_pass_reader_agrees_with_the_general_reader(text):
    try:
        slow = _summary(_slow(text))
    except ReportedFigureError:
        slow = "error"
    try:
        fast = _summary(_phrase.read_phrase(text))
    except ReportedFigureError:
        fast = "error"
    assert fast == slow


@pytest.mark.parametrize(
    "text,formatted",
    [
        ("a handful of fighters", "a few fighters"),
        ("a couple of dozen", "about 24 (rounded to 6)"),
        ("2K fighters", "2,000 fighters"),
        ("half a million", "500,000"),
        ("about 3k", "about 3,000"),
    ],
)
def test_new_readings_format_and_read_back(text, formatted):
    f = parse_figure(text)
    assert f.format() == formatted
    g = parse_figure(formatted)
    assert (g.qualifier, g.low, g.high, g.unit) == (f.qualifier, f.low, f.high, f.unit)


def test_rules_table_and_cli_show_the_granularity(capsys):
    from conflictstats.cli import main

    assert main(["figures", "--rules", "--rule-set", "wide"]) == 0
    out = capsys.readouterr().out
    assert "granularity" in out and "x - u" in out
    assert main(["figures", "about 100", "nearly 30,000"]) == 0
    out = capsys.readouterr().out
    assert "87.5" in out and "27,500" in out


def test_rule_sensitivity_plot_refuses_other_results():
    import matplotlib

    matplotlib.use("Agg")
    from conflictstats.plots import rule_sensitivity
    from conflictstats.propagate import monte_carlo

    r = monte_carlo(lambda x: x, rng=1, n=100, x=parse_figure("about 100"))
    with pytest.raises(ValueError, match="needs a sensitivity"):
        rule_sensitivity(r)


@pytest.mark.parametrize(
    "text",
    [
        "1.5 million", "about 1.5 million", "2 to 3 million", "2K fighters", "2bn", "3k",
        "about 3k", "2 million to 3", "10-20%", "about 30%", "30 per cent", "5 %", "30%+",
        "dozens of fighters", "several thousand", "tens of thousands of fighters", "480km",
        "close to 480km", "5m", "2M", "2 B", "1 to 2 bn dollars", "dozens of them", "30% of them",
    ],
)  # fmt: skip
def test_one_pass_reader_agrees_on_each_shape(text):
    try:
        slow = _summary(_slow(text))
    except ReportedFigureError:
        slow = "error"
    try:
        fast = _summary(_phrase.read_phrase(text))
    except ReportedFigureError:
        fast = "error"
    assert fast == slow
