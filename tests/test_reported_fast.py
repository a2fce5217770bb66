"""The one-pass reader (reported._fast) and the plain-unit test of the unit reader
(reported._units) against the general reader they stand in for.

The one-pass reader must read every phrase exactly as the general reader does (every part of
every number, including the flags that decide how a range is read), or leave it to it; the
plain-unit test must clear only unit words that every check of the unit reader clears. Both are
checked on word salad built from the pieces that once made them disagree.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictstats.reported import ReportedFigureError, _fast, _units, _vocab
from conflictstats.reported import phrase as _phrase

_NUMBER_PIECES = (
    ["about", "nearly", "at least", "up to", "over", "~", "between", "from", "About", "c."]
    + ["30", "1,000", "2.5", "7,000", "0", "1234,567", "1,00", "1,000,", "12,345.67", "2K"]
    + ["three", "twenty", "twenty-five", "twenty-thirty", "ninety-nine", "one", "eleven", "a"]
    + ["an", "hundred", "dozen", "a dozen", "two dozen", "thousand", "million", "a couple"]
    + ["a couple of", "half a", "half", "a third", "two-thirds", "one third", "all", "most"]
    + ["dozens", "tens of", "several", "a few", "a handful", "the majority", "hundreds"]
    + ["to", "-", "and", "or more", "+", "or so", "of", "them", "%", "per cent", "percent"]
    + ["k", "bn", "BN", "m", "M", "year", "a year", "kilometre", "single", "square", "sq km"]
    + ["fighters", "a month", "per week", "daily", "ISIS", "_", "three_", "hundreds_", "x-"]
)


def _slow(text):
    original = _phrase._fast_read
    _phrase._fast_read = lambda *a: None
    try:
        return _phrase.read_phrase(text)
    finally:
        _phrase._fast_read = original


def _summary(p):
    def num(n):
        if n is None:
            return None
        return (n.value, n.rounding, n.share, n.vague, n.scaled, n.dozen, n.approx)

    return (p.key, num(p.first), num(p.second), p.base, p.unit, p.per, p.rounding, p.text)


def _both(text):
    out = []
    for read in (_slow, _phrase.read_phrase):
        try:
            out.append(_summary(read(text)))
        except ReportedFigureError as e:
            out.append(("error", str(e)))
    return out


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_NUMBER_PIECES), min_size=1, max_size=6),
    st.sampled_from([" ", " ", " ", "", "-"]),
)
def test_one_pass_reader_reads_every_part_as_the_general_reader(pieces, sep):
    slow, fast = _both(sep.join(pieces))
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "three hundred and eight", "a hundred and five", "two thousand thousand", "a dozen three_",
        "twenty-five fighters", "twenty-thirty", "between three and four", "from 20 and 30",
        "between 2-3", "a couple of dozen", "a couple dozen_", "half a million", "a kilometre a day",
        "over a year", "a km2", "about half of 308", "half of them", "30% of them", "30 of them",
        "dozens of them", "dozens hundreds_", "most hundreds", "nearly all", "more than half",
        "2.5mln_x", "5m", "2 BN", "2k-foo", "30,000 percent -x", "1,00", "1234,567 fighters",
        "seventy per cent", "about 7,000 (rounded to 100)", "2 to 3 million", "10-20%", "30+",
    ],
)  # fmt: skip
def test_one_pass_reader_agrees_on_each_shape(text):
    slow, fast = _both(text)
    assert fast == slow


@pytest.mark.parametrize(
    ("text", "key", "unit", "per"),
    [
        ("about 7,000", "about", None, None), ("827 ISIS fighters", "exact", "ISIS fighters", None),
        ("up to 75 a month", "up to", None, "month"), ("20,000 to 30,000", "range", None, None),
        ("between 2,000 and 2,500", "range", None, None), ("dozens of fighters", "dozens", "fighters", None),
        ("tens of thousands", "tens", None, None), ("about half", "about", None, None),
        ("about half of 308", "about", None, None), ("151 targets in a week", "exact", "targets", "week"),
        ("20 daily", "exact", None, "day"), ("50 sq km", "exact", "km2", None),
        ("three months", "exact", "months", None), ("30 or more", "at least", None, None),
    ],
)  # fmt: skip
def test_one_pass_reader_reads_the_common_shapes_itself(text, key, unit, per):
    """The common shapes are read in one pass (not left to the general reader), unit words
    and rates included."""
    parts = _fast._fast_read(text, text.lower())
    assert parts is not None
    got_key, _, _, _, got_unit, got_per = parts
    assert (got_key, got_unit, got_per) == (key, unit, per)


class _EverySuspect:
    def isdisjoint(self, words):
        return False


def _unit_checks(tail):
    """The unit reader's checks one by one (the plain-unit test switched off)."""
    saved = _units._SUSPECT_WORDS
    _units._SUSPECT_WORDS = _EverySuspect()
    try:
        return _units._read_tail.__wrapped__(tail)
    finally:
        _units._SUSPECT_WORDS = saved


_TAIL_WORDS = (
    ["fighters", "ISIS", "a", "the", "month", "months", "per", "week", "daily", "to", "or"]
    + ["and", "of", "hundred", "dozens", "three", "twenty-five", "thousandss", "half", "all"]
    + ["about", "at least", "c.", "~", "sq", "km", "sq km", "Square Miles", "kilometres", "KM"]
    + ["or more", ".", ",", "-", "/", "'", "in a", "annually", "3", "x3", "_", "\u2019s", "A"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TAIL_WORDS), min_size=1, max_size=5), st.sampled_from(" -/'"))
def test_plain_unit_test_clears_only_what_every_check_clears(words, sep):
    tail = " ".join(sep.join(words).split())
    if tail:
        assert _units._read_tail.__wrapped__(tail) == _unit_checks(tail)


_PLAIN_TAIL_WORDS = _TAIL_WORDS + (
    ["a single", "in one", "in an", "each", "every", "fortnight", "hours", "Monthly", "yearly"]
    + ["thousands", "millions", "billion", "them", "these", "one", "an", "single", "in"]
    + ["attacks", "people", "Men", "sq", "square", "kilometre", "mile", "of them", "of a"]
)


def _plain_tail_reading(tail):
    """The one-pass reader's reading of a tail (unit, per, None), or None when it leaves the
    tail to the unit reader."""
    low = "x " + tail.lower()  # matched from an offset, as in a phrase
    t = _fast._PLAIN_TAIL.fullmatch(low, 2)
    if t is None:
        return None
    uw, pu, adv = t.groups()
    original = "x " + tail
    unit = (
        None if uw is None else _units._UNIT_NAMES.get(uw) or original[t.start("uw") : t.end("uw")]
    )
    return unit, pu or _vocab._ADVERBS.get(adv), None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_TAIL_WORDS), min_size=1, max_size=5))
def test_plain_tail_match_reads_as_the_unit_reader(words):
    """A tail the one-pass reader reads in one match (plain unit words and a rate) reads as
    the unit reader reads it, and is none the general reader reads "of" in."""
    tail = " ".join(" ".join(words).split())
    got = _plain_tail_reading(tail)
    if got is not None:
        assert got == _units._read_tail.__wrapped__(tail), tail
        assert not _fast._of_words_read(tail.lower(), 0)


@pytest.mark.parametrize(
    ("tail", "reading"),
    [
        ("fighters", ("fighters", None, None)), ("ISIS fighters", ("ISIS fighters", None, None)),
        ("of fighters", ("fighters", None, None)), ("sq km", ("km2", None, None)),
        ("a month", (None, "month", None)), ("targets in a week", ("targets", "week", None)),
        ("attacks each week", ("attacks", "week", None)), ("daily", (None, "day", None)),
        ("fighters a single day", ("fighters", "day", None)), ("men per days", ("men", "day", None)),
        ("three months", None), ("months", None), ("of a month", None), ("of them", None),
        ("a kilometre a day", None), ("thousand fighters", None), ("fighters.", None),
        ("fighters a", None), ("attacks/month", None), ("al-Qaeda fighters", None),
    ],
)  # fmt: skip
def test_plain_tail_match_on_each_shape(tail, reading):
    assert _plain_tail_reading(tail) == reading
    if reading is not None:
        assert _units._read_tail.__wrapped__(tail) == reading


# -- parse_figure's one-pass path (reported._read on the one-pass readers) -------------------
def _figure_or_error(text, **kw):
    from conflictstats.reported import _clear_caches, parse_figure

    _clear_caches()
    try:
        f = parse_figure(text, **kw)
    except ReportedFigureError as e:
        return ("error", str(e))
    return (type(f), tuple((k, type(v), v) for k, v in f.__dict__.items()))


def _figure_general(text, **kw):
    """parse_figure with the one-pass path switched off: every phrase through read_phrase."""
    import conflictstats.reported as reported

    saved = reported._fast_read
    reported._fast_read = lambda *a: None
    try:
        return _figure_or_error(text, **kw)
    finally:
        reported._fast_read = saved


_EDGES = ["", " ", "  ", "\t", ".", ",", ";", ")", " (rounded to 100)", " (approx)", "\u2013"]
_RULE_OPTIONS = [
    {},
    {"rules": "acled"},
    {"rounding": 500},
    {"rules": {"about": {"value": "x", "low": "x + u", "high": "x + 2*u"}}},  # value outside
    {"rules": {"exact": {"value": "x", "low": "x - 1", "high": "x + 1"}}},
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_NUMBER_PIECES), min_size=1, max_size=5),
    st.sampled_from(_EDGES),
    st.sampled_from(_EDGES),
    st.sampled_from(_EDGES),
    st.sampled_from(range(len(_RULE_OPTIONS))),
)
def test_parse_figure_one_pass_path_gives_the_general_figure(pieces, lead, inner, end, option):
    """The figure, every field with its type, or the error message, is the same with and
    without the one-pass path, also where white space, marks or a stated rounding make the
    phrase need normalising, and where the rule refuses the phrase."""
    words = list(pieces)
    words.insert(len(words) // 2, inner.strip(" ") or " ")
    text = lead + " ".join(words) + end
    kw = _RULE_OPTIONS[option]
    assert _figure_or_error(text, **kw) == _figure_general(text, **kw)


@pytest.mark.parametrize(
    "text",
    [
        "about 7,000", "about 7,000 ", " about 7,000", "about  7,000", "about\t7,000",
        "7,000.", "7,000 fighters.", "7,000 fighters,", "7,000 fighters )", "7,000 fighters  a month",
        "7,000 fighters\ta month", "about 7,000 (rounded to 100)", "75 a month (rounded to 5)",
        "up to 75 a month", "dozens of fighters;", "half of them", "c. 300", "~300 men ",
    ],
)  # fmt: skip
def test_parse_figure_one_pass_path_on_each_edge(text):
    for kw in _RULE_OPTIONS:
        assert _figure_or_error(text, **kw) == _figure_general(text, **kw)


class _EveryWord:
    def __contains__(self, word):
        return True


def _rate_search_everywhere(tail):
    """The unit reader with the rate looked for in every tail, from its first character."""
    saved = _units._PER_LAST, _units._PER_BEFORE_LAST
    _units._PER_LAST, _units._PER_BEFORE_LAST = _EveryWord(), 10**9
    try:
        return _units._read_tail.__wrapped__(tail)
    finally:
        _units._PER_LAST, _units._PER_BEFORE_LAST = saved


_RATE_WORDS = _TAIL_WORDS + (
    ["a single", "in one", "in an", "each", "every", "fortnight", "fortnights", "hourly", "days"]
    + ["Month", "WEEKS", "a year", "yearly", "Monday", "today", "holiday", "per day", "x/day"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_RATE_WORDS), min_size=1, max_size=6), st.sampled_from(" /"))
def test_rate_is_looked_for_only_where_it_can_be(words, sep):
    """The unit reader looks for a rate only in a tail whose last word can end one, and only
    near its end; it reads every tail as a search of the whole tail does."""
    tail = " ".join(sep.join(words).split())
    if tail:
        assert _units._read_tail.__wrapped__(tail) == _rate_search_everywhere(tail)


@pytest.mark.parametrize(
    "tail",
    [
        "fighters a single week", "fighters / a single fortnights", "x in one month", "x/ in an hour",
        "a year", "monthly", "attacks/month", "attacks per week", "three months", "Monday",
        "fighters each day", "men in a week", "a single day", "/ a single day", "strikes yearly",
    ],
)  # fmt: skip
def test_rate_is_looked_for_only_where_it_can_be_on_each_shape(tail):
    assert _units._read_tail.__wrapped__(tail) == _rate_search_everywhere(tail)


@pytest.mark.parametrize("rounding", [None, 500, np.float64(0.5)])
@pytest.mark.parametrize("rules", [None, "acled", "wide", {"about": {"low": "x - u", "high": "u"}}])
def test_every_number_of_a_figure_is_a_python_float(rules, rounding):
    """The reader writes the numbers it computes as they are (no float() on each): they must
    be Python floats, whatever the rules and the rounding given."""
    from test_reported import PHRASES

    from conflictstats.reported import _clear_caches, parse_figure

    numbers = "value low high rounding stated stated_high base cap scale share_low share_high"
    for text, kwargs, *_ in PHRASES:
        _clear_caches()
        try:
            f = parse_figure(text, **{**kwargs, "rules": rules, "rounding": rounding})
        except ReportedFigureError:
            continue  # a custom rule that refuses the phrase
        for name in numbers.split():
            v = getattr(f, name)
            assert v is None or type(v) is float, (text, name, v)
