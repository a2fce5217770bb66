"""reported.split_claim: a comparison claim into the phrases of its two figures."""

import pytest

from conflictstats.reported import (
    ClaimPhrases,
    ReportedFigureError,
    parse_figure,
    split_claim,
)

CASES = [
    # text, first, first_when, second, second_when, connector
    (
        "up to 75 attacks a month this year versus 60 in 2016",
        "up to 75 attacks a month",
        "this year",
        "60",
        "in 2016",
        "versus",
    ),
    (
        "ISIS attacks in Iraq were more frequent this year than in 2016, up to 75 a month "
        "versus 60",
        "up to 75 a month",
        None,
        "60",
        None,
        "versus",
    ),
    (
        "about 7,000 fighters, up from 5,000 a year earlier",
        "about 7,000 fighters",
        None,
        "5,000",
        "a year earlier",
        "up from",
    ),
    ("75 vs. 60", "75", None, "60", None, "vs."),
    ("75 v. 60", "75", None, "60", None, "v."),
    (
        "20 a week last month compared with 12 a week the month before",
        "20 a week",
        "last month",
        "12 a week",
        "the month before",
        "compared with",
    ),
    (
        "300 civilians killed in 2017 against 120 in 2016, the UN said.",
        "300 civilians killed",
        "in 2017",
        "120",
        "in 2016",
        "against",
    ),
    (
        "between 2,000 and 2,500 fighters in early 2018 versus 1,500 in late 2017",
        "between 2,000 and 2,500 fighters",
        "in early 2018",
        "1,500",
        "in late 2017",
        "versus",
    ),
    (
        "we counted 12,500 a year in 2015-16 vs 9,000 in 2014",
        "12,500 a year",
        "in 2015-16",
        "9,000",
        "in 2014",
        "vs",
    ),
    (
        "Dozens of attacks a day so far this year, DOWN FROM hundreds last year",
        "Dozens of attacks a day",
        "so far this year",
        "hundreds",
        "last year",
        "down from",
    ),
    (
        "40 a month in the first half of 2018 compared to 25 during 2017",
        "40 a month",
        "in the first half of 2018",
        "25",
        "during 2017",
        "compared to",
    ),
]


@pytest.mark.parametrize(("text", "first", "first_when", "second", "second_when", "conn"), CASES)
def test_split_claim(text, first, first_when, second, second_when, conn):
    c = split_claim(text)
    assert isinstance(c, ClaimPhrases)
    assert (c.first, c.first_when, c.second, c.second_when, c.connector) == (
        first,
        first_when,
        second,
        second_when,
        conn,
    )
    assert c.text == text
    # both phrases are readable figures
    parse_figure(c.first)
    parse_figure(c.second)


def test_split_claim_keeps_words_that_are_not_a_period():
    # "in Iraq" is not a period: it stays with the figure (and parse_figure decides)
    c = split_claim("75 attacks in Iraq versus 60")
    assert c.first == "75 attacks in Iraq" and c.first_when is None


def test_split_claim_never_drops_a_number_to_read_the_rest():
    # "a month" alone reads as 1 a month: the leading "-5" must stay for the caller to reject
    assert split_claim("-5 a month versus 3").first == "-5 a month"
    assert split_claim("from 2 to 75 a month versus 60").first == "from 2 to 75 a month"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("75 60", "no 'versus'"),
        ("75 and 60", "no 'versus'"),
        ("versus 60", "the first figure is empty"),
        ("75 versus", "the second figure is empty"),
        ("75 versus 60 versus 50", "more than one connector"),
        (75, "must be a string"),
    ],
)
def test_split_claim_errors(text, message):
    with pytest.raises(ReportedFigureError, match=message):
        split_claim(text)
    assert issubclass(ReportedFigureError, ValueError)
