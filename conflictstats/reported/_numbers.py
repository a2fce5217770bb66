"""Reported figures, the phrase reader's numbers: the cursor, numerals, number words, shares.

:class:`_Reader` is a cursor over the white-space normalised phrase that reports where reading
failed; :class:`_Number` a number as read (value, rounding unit and kind); :class:`Phrase` what
a whole phrase says before a rule is applied. The readers here read one number at the cursor:
numerals with separators, decimals, scale words, suffixes and percentages; number words
("three hundred and eight", "a dozen", "half a million", "a couple of dozen"); fractions and
vague words ("half", "dozens", "tens of thousands"). The granularity model that gives a round
number its rounding unit (:func:`granularity`) lives here, because it depends on how the number
was written.
"""

from __future__ import annotations

import math
import re

from ._vocab import (
    _A_SCALES,
    _A_UNITS,
    _ALL_ROUNDING,
    _COUPLE,
    _EXPONENT,
    _FRACTION_RE,
    _FRACTIONS,
    _HALF_A,
    _HYPHEN_UNIT,
    _NUMERAL,
    _PERCENT,
    _SCALES,
    _SHARE_ROUNDING,
    _SMALL,
    _SUFFIX_RE,
    _SUFFIXES,
    _TENS,
    _VAGUE,
    _VAGUE_RE,
    _VAGUE_SCALE_RE,
    _WORD,
    MAX_NUMBER,
)
from .rules import ReportedFigureError


class _Number:
    """A number as read: its value, rounding unit and what kind of number it is."""

    __slots__ = ("value", "rounding", "scaled", "share", "vague", "dozen", "approx")

    def __init__(
        self,
        value: float,
        rounding: float,
        scaled: bool = False,
        share: bool = False,
        vague: str | None = None,
        dozen: bool = False,
        approx: bool = False,
    ) -> None:
        self.value = value
        self.rounding = rounding
        self.scaled = scaled  # carries its own scale word ("2 million")
        self.share = share
        self.vague = vague  # vague word key ("dozens")
        self.dozen = dozen
        self.approx = approx  # the words themselves say "about" ("a couple")

    def __repr__(self) -> str:
        return f"_Number({self.value!r}, {self.rounding!r}, vague={self.vague!r})"


class _Reader:
    """A cursor over the (white-space normalised) phrase that reports where reading failed."""

    __slots__ = ("text", "original", "pos")

    def __init__(self, text: str, original: str | None = None) -> None:
        self.text = text
        self.original = text if original is None else original
        self.pos = 0

    def fail(self, what: str, hint: str = "") -> ReportedFigureError:
        rest = self.text[self.pos :].strip() or "(end of text)"
        message = (
            f"cannot read reported figure {self.original!r}: {what} at {rest!r} "
            f"(character {self.pos + 1})"
        )
        return ReportedFigureError(message + (f"; {hint}" if hint else ""))

    def skip_space(self) -> None:
        if self.text.startswith(" ", self.pos):
            self.pos += 1

    def match(self, regex: re.Pattern) -> re.Match | None:
        """Consume what ``regex`` matches at the cursor (after one space), if anything."""
        self.skip_space()
        m = regex.match(self.text, self.pos)
        if m:
            self.pos = m.end()
        return m

    def peek_word(self) -> str:
        self.skip_space()
        m = _WORD.match(self.text, self.pos)
        return m.group(0).lower() if m else ""

    def take_word(self, word: str) -> None:
        """Consume ``word``, which :meth:`peek_word` just returned."""
        self.skip_space()
        self.pos += len(word)


class Phrase:
    """What a phrase says, before any rule is applied: read by :func:`read_phrase`.

    ``key`` is the rule table row it asks for (a qualifier such as ``"about"``, a vague word
    such as ``"dozens"``, ``"range"`` or ``"about range"``); ``first`` and ``second`` the
    numbers as written (``second`` for a range); ``base`` the base of a share ("of 308");
    ``unit`` and ``per`` the unit words and the rate's time unit; ``rounding`` a unit stated
    as "(rounded to N)". ``reader`` keeps the position for error messages; the one-pass reader
    leaves it None and keeps the normalised text (``norm``), from which :meth:`fail` makes one.
    """

    __slots__ = (
        "text", "key", "first", "second", "base", "unit", "per", "rounding", "reader", "norm"
    )  # fmt: skip

    def __init__(self, text, key, first, second, base, unit, per, rounding, reader, norm=None):
        self.text = text
        self.key = key
        self.first = first
        self.second = second
        self.base = base
        self.unit = unit
        self.per = per
        self.rounding = rounding
        self.reader = reader
        self.norm = norm

    def fail(self, what: str) -> ReportedFigureError:
        reader = self.reader
        if reader is None:
            reader = _Reader(self.norm, self.text)
        return reader.fail(what)


# ---------------------------------------------------------------------------------------------
# Granularity: the rounding unit of a number as written
# ---------------------------------------------------------------------------------------------
def _trailing_unit(digits: str) -> float:
    """Rounding unit implied by how a numeral is written: 7,000 -> 1,000; 2.5 -> 0.1."""
    digits = digits.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    if not stripped:
        return 1.0
    return 10.0 ** (len(digits) - len(stripped))


def _unit_of_value(value: float) -> float:
    """Rounding unit of a whole number written in words: thirty -> 10, 2,500 -> 100."""
    v = int(round(value))
    if v == 0 or v != value:
        return 1.0
    k = 0
    while v % 10 == 0:
        v //= 10
        k += 1
    return 10.0**k


def granularity(value: float, unit: float) -> float:
    """The rounding unit of a round number: the granularity model of the qualifier rules.

    ``unit`` is the unit of the number's last significant digit (1,000 for "7,000"). A number
    is read on the coarsest step of the 1-2-2.5-5 series (1, 2, 2.5 and 5 times a power of
    ten) that divides it and is at most a quarter of it, never coarser than ``unit``. Only
    numbers with one significant digit of 1, 2 or 3 are affected: 100 has granularity 25,
    200 and 300 have 50, 1,000 has 250, 30,000 has 5,000; 120, 400 and 7,000 keep 10, 100
    and 1,000. Numbers without trailing zeros (``unit`` below 10) keep their unit.

    Examples
    --------
    >>> granularity(100, 100), granularity(30_000, 10_000), granularity(7_000, 1_000)
    (25.0, 5000.0, 1000.0)
    """
    if unit < 10 or value <= 0:
        return float(unit)
    lead = round(value / unit)
    if lead == 1:
        return unit / 4
    if lead in (2, 3):
        return unit / 2
    return float(unit)


# ---------------------------------------------------------------------------------------------
# Readers of the parts
# ---------------------------------------------------------------------------------------------
def _check_size(r: _Reader, value: float, start: int) -> None:
    if not math.isfinite(value) or value >= MAX_NUMBER:
        r.pos = start
        raise r.fail(
            "number too large",
            f"a reported figure is read up to {MAX_NUMBER:,.0f} (15 digits); beyond that a "
            "float does not hold every whole number",
        )


def _read_numeral(r: _Reader) -> _Number | None:
    r.skip_space()
    start = r.pos
    m = _NUMERAL.match(r.text, start)
    if not m:
        return None
    digits = m.group(0)
    r.pos = m.end()
    if _EXPONENT.match(r.text, r.pos):
        r.pos = start
        raise r.fail(
            "scientific notation",
            "write the number out ('1,000,000') or with a scale word ('1 million'): reports "
            "do not use it, and it says nothing about how the number was rounded",
        )
    value = float(digits.replace(",", ""))
    unit = _trailing_unit(digits)
    scaled = False
    s = _SUFFIX_RE.match(r.text, r.pos)
    if s:
        word = s.group("scale")
        scale = _SCALES[word.lower()] if word else _SUFFIXES[(s.group(1) or s.group(2)).lower()]
        value, unit, scaled = value * scale, unit * scale, True
        r.pos = s.end()
    _check_size(r, value, start)
    p = _PERCENT.match(r.text, r.pos)
    u = granularity(value, unit)
    if p:
        r.pos = p.end()
        return _Number(value / 100, u / 100, share=True)
    return _Number(value, u, scaled=scaled)


def _read_words(r: _Reader) -> _Number | None:
    """Number words: "thirty", "two thousand", "a dozen", "three hundred and eight"."""
    r.skip_space()
    start = r.pos
    m = _HALF_A.match(r.text, start)
    if m:  # "half a dozen", "half a million"
        r.pos = m.end()
        scale = _A_SCALES[m.group(1).lower()]
        if scale == 12.0:
            return _Number(6.0, 6.0, dozen=True)
        return _Number(scale / 2, scale / 10, scaled=scale >= 1e3)
    m = _COUPLE.match(r.text, start)
    if m:  # "a couple", "a couple of dozen": about two (dozen)
        r.pos = m.end()
        if not m.group(1):
            return _Number(2.0, 1.0, approx=True)
        scale = _A_SCALES[m.group(1).lower()]
        if scale == 12.0:
            return _Number(24.0, 6.0, dozen=True, approx=True)
        return _Number(2 * scale, granularity(2 * scale, scale), scaled=scale >= 1e3, approx=True)
    total, current, seen, dozen, scaled = 0.0, 0.0, False, False, False
    while True:
        save = r.pos
        w = r.peek_word()
        if w == "a" or w == "an":
            if seen:
                break
            r.take_word(w)
            after_a = r.pos
            nxt = r.peek_word()
            if nxt in _A_SCALES:
                current = 1.0
                seen = True
                continue
            if nxt in _A_UNITS or nxt.rstrip("s") in _A_UNITS:
                r.pos = after_a
                return _Number(1.0, 1.0)  # "a kilometre", "a year"
            r.pos = start
            return None  # "a lot", "a handful of": not the number one
        if w == "and" and seen:
            r.take_word("and")
            nxt = r.peek_word()
            if nxt in _SMALL or nxt in _TENS:
                continue
            r.pos = save
            break
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
            r.take_word(w)
            m = _HYPHEN_UNIT.match(r.text, r.pos)
            if m and m.group(1).lower() in _SMALL and 0 < _SMALL[m.group(1).lower()] < 10:
                current += _SMALL[m.group(1).lower()]
                r.pos = m.end()
            seen = True
            continue
        elif w == "dozen" and seen:
            current *= 12
            dozen = True
        elif w == "hundred" and seen:
            current *= 100
        elif w in _SCALES and seen and current:
            total += current * _SCALES[w]
            current, scaled = 0.0, True
        else:
            r.pos = save
            break
        r.take_word(w)
        seen = True
    if not seen:
        r.pos = start
        return None
    value = total + current
    _check_size(r, value, start)
    if dozen:
        return _Number(value, 6.0, scaled=scaled, dozen=True)
    return _Number(value, granularity(value, _unit_of_value(value)), scaled=scaled)


def _read_share_or_vague(r: _Reader) -> _Number | None:
    r.skip_space()
    start = r.pos
    if _HALF_A.match(r.text, start):
        return None  # a number, read by _read_words
    m = _FRACTION_RE.match(r.text, start)
    if m:
        r.pos = m.end()
        value = _FRACTIONS[m.group(0).lower()]
        return _Number(value, _ALL_ROUNDING if value == 1.0 else _SHARE_ROUNDING, share=True)
    m = _VAGUE_RE.match(r.text, start)
    if m:
        r.pos = m.end()
        key = _VAGUE[m.group(0).lower()]
        scale = 1.0
        if key != "most":
            s = _VAGUE_SCALE_RE.match(r.text, r.pos)
            if s:
                scale = {"h": 100.0, "t": 1e3, "m": 1e6}[s.group(1)[0].lower()]
                r.pos = s.end()
        return _Number(scale, 1.0, vague=key, share=key == "most")
    return None


def _read_number(r: _Reader) -> _Number | None:
    number = _read_numeral(r) or _read_share_or_vague(r)
    if number is not None:
        return number
    number = _read_words(r)
    if number is not None:
        p = _PERCENT.match(r.text, r.pos)
        if p:  # "seventy per cent"
            r.pos = p.end()
            return _Number(number.value / 100, number.rounding / 100, share=True)
    return number


def _unscaled(n: _Number) -> float:
    """The number before its scale word ("3 million" -> 3)."""
    for scale in (1e12, 1e9, 1e6, 1e3):
        if n.value >= scale:
            return n.value / scale
    return n.value
