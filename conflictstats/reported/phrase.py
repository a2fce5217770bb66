"""Reported figures, the phrase reader: the tokenizer for qualified numbers and number words.

A cursor (``_Reader``) over the phrase and the readers of its parts: qualifier prefixes;
numerals with thousands separators, decimals, scale words and suffixes ("2K", "2bn") and
percentages; number words ("three hundred and eight", "a dozen", "half a million", "a couple
of dozen"); fractions and vague words ("half", "dozens", "a handful", "tens of thousands");
and the unit and rate words after the number ("fighters a month").
:func:`conflictstats.reported.parse_figure` puts these parts together into a figure.

Every part is read by one precompiled regular expression anchored at the cursor, and runs
of white space are collapsed to one space before reading, so reading is linear in the length
of the phrase. The granularity model that gives a round number its rounding unit
(:func:`granularity`) lives here too, because it depends on how the number was written.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .rules import SYNONYMS, ReportedFigureError

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------
_PREFIX_OF = {w: q for q, ws in SYNONYMS.items() for w in ws if "(" not in w and "X" not in w}
_PREFIXES = sorted(_PREFIX_OF.items(), key=lambda t: -len(t[0]))

_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SUFFIXES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_FRACTIONS = {
    "half": 0.5,
    "a half": 0.5,
    "one half": 0.5,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "two thirds": 2 / 3,
    "two-thirds": 2 / 3,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "three quarters": 0.75,
    "three-quarters": 0.75,
    "all": 1.0,
}
_FRACTION_WORDS = {0.5: "half", 1 / 3: "a third", 2 / 3: "two thirds", 0.25: "a quarter"}
_FRACTION_WORDS.update({0.75: "three quarters", 1.0: "all"})
_VAGUE = {
    "a few": "a few",
    "a handful": "a few",
    "several": "several",
    "tens": "tens",
    "dozens": "dozens",
    "scores": "scores",
    "hundreds": "hundreds",
    "thousands": "thousands",
    "millions": "millions",
    "most": "most",
    "the majority": "most",
    "a majority": "most",
    "the bulk": "most",
}
#: Vague amounts with no documented reading: refused, never read as a number.
UNREAD_VAGUE = (
    "a lot",
    "lots",
    "many",
    "a great many",
    "a good many",
    "numerous",
    "countless",
    "a large number",
    "a small number",
    "a number",
    "an unknown number",
    "an undisclosed number",
    "an unspecified number",
    "plenty",
    "a host",
    "a slew",
)
_SHARE_ROUNDING = 0.1  # "about half" -> [0.45, 0.55]
_ALL_ROUNDING = 0.25  # "all" is 100%, a power of ten: granularity 25% ("nearly all" [87.5%, 100%))
_TIME_UNITS = ("hour", "day", "week", "fortnight", "month", "year")
_ADVERBS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"}
_ADVERBS.update({"yearly": "year", "annually": "year", "a year": "year"})
# words after which "a"/"an" means one: units of time, distance and area, and number scales
_A_UNITS = set(_TIME_UNITS) | {"decade", "century", "kilometre", "kilometer", "km", "mile"}
_A_UNITS |= {"metre", "meter", "square", "sq", "hectare", "acre", "single"}
_A_SCALES = {"dozen": 12.0, "hundred": 100.0, **_SCALES}
_UNITS = [
    (re.compile(r"^(sq\.? ?km|square (kilometres|kilometers|km)|km2|km²)$", re.I), "km2"),
    (re.compile(r"^(km|kms|kilometres?|kilometers?)$", re.I), "km"),
    (re.compile(r"^(sq\.? ?mi(les?)?|square miles?|mi2)$", re.I), "mi2"),
    (re.compile(r"^(mi|miles?)$", re.I), "mi"),
]
_NOT_UNITS = {"to", "or", "and", "of", "from", "between", "hundred", "hundreds", "dozen", "dozens"}
_SHARE_WORDS = {"half", "all", "most", "majority", "third", "thirds", "quarter", "quarters"}
_DANGLING = {"a", "an", "the", "per", "each", "every"}
#: Largest number read: beyond it a float no longer holds every whole number.
MAX_NUMBER = 1e15


def _alternation(words, *, flags=re.I) -> re.Pattern:
    """One regex matching any of ``words`` as whole words at the cursor, longest first."""
    parts = []
    for w in sorted(words, key=len, reverse=True):
        p = re.escape(w).replace(r"\ ", " ")
        if w[-1].isalnum():
            p += r"(?![^\W_])"
        parts.append(p)
    return re.compile("(?:" + "|".join(parts) + ")", flags)


_PREFIX_RE = _alternation(_PREFIX_OF)
_RANGE_PREFIX_RE = _alternation(("between", "from"))
_NUMERAL = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)")
_EXPONENT = re.compile(r"[eE][+-]?\d")
_SUFFIX_RE = re.compile(
    r"(?:(?P<suffix>[kKMB]|mn|mln|bn|tn)|(?: ?)(?P<spaced>bn|mn|mln|tn)"
    r"|(?: ?)(?P<scale>(?i:thousand|million|billion|trillion))s?)(?![^\W_])"
)
_PERCENT = re.compile(r" ?(?:%|per ?cent(?![^\W_]))", re.I)
_WORD = re.compile(r"[A-Za-z]+")
_HYPHEN_UNIT = re.compile(r"-([A-Za-z]+)")
_HALF_A = re.compile(r"half an? (dozen|hundred|thousand|million|billion|trillion)(?![^\W_])", re.I)
_COUPLE = re.compile(
    r"a couple(?: of)?(?: (dozen|hundred|thousand|million|billion)(?![^\W_]))?(?![^\W_])", re.I
)
_FRACTION_RE = _alternation(_FRACTIONS)
_VAGUE_RE = _alternation(_VAGUE)
_VAGUE_SCALE_RE = re.compile(
    r"(?: of)? (hundreds|hundred|thousands|thousand|millions|million)(?![^\W_])", re.I
)
_UNREAD_RE = _alternation(UNREAD_VAGUE)
_RANGE_SEP = re.compile(r"(?:to(?![^\W_])|-)", re.I)
_RANGE_AND = _alternation(("to", "and"))
_POSTFIX_RE = _alternation(("or more", "+", "or fewer", "or less", "or so"))
_OF_RE = re.compile(r"of(?![^\W_])", re.I)
_OF_PRONOUN = re.compile(r" ?(?:them|those|these)(?![^\W_])", re.I)
_ROUNDED = re.compile(r" ?\(rounded to ([^)]*)\)$", re.I)
_UNITS_ALT = "|".join(_TIME_UNITS)
_PER_RE = re.compile(
    rf"(?:^| |/) ?(?:(?:a|an|per|each|every|in a|in an|in one|a single) )?({_UNITS_ALT})s?$"
    rf"|(?:^| )({'|'.join(_ADVERBS)})$",
    re.I,
)
_PER_ARTICLE = re.compile(r"(?:a|an|per|each|every|one|single) \w+$", re.I)
_RATE_INSIDE = re.compile(rf"\b(?:a|an|per|each|every) (?:{_UNITS_ALT})s?\b")
_UNIT_CHARS = re.compile(r"[A-Za-z][\w\s'\u2019\-/.\u00b2]*")
_PREFIX_WORDS = max(len(p.split(" ")) for p in _PREFIX_OF)
_TOKEN_SPLIT = re.compile(r"[\s\-]+")
_DIGIT_WORD = re.compile(r"(?:^|\s)\d")
_POSTFIX_WORDS = re.compile(r"\bor (?:more|fewer|less|so)\b", re.I)


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


@lru_cache(maxsize=4096)
def _read_tail(tail: str) -> tuple[str | None, str | None, str | None]:
    """Read the words after the figure into (unit, per, error); a pure function of the words.

    ``error`` names what is wrong with them (None when they read), for the caller to raise
    with the phrase and the position.
    """
    unit_words, per = _read_per(tail)
    unit_words = unit_words.strip()
    if unit_words[:3].lower() == "of ":
        unit_words = unit_words[3:].lstrip()
    if _DIGIT_WORD.search(unit_words):
        return unit_words, per, "unexpected number after the figure"
    if per is not None and _RATE_INSIDE.search(unit_words.lower()):
        return unit_words, per, "two rates"
    if _is_bad_unit(unit_words) or _POSTFIX_WORDS.search(unit_words):
        return unit_words, per, "unexpected words after the figure"
    return _normalise_unit(unit_words), per, None


def _read_per(tail: str) -> tuple[str, str | None]:
    """Split the words after the number into (unit words, per)."""
    m = _PER_RE.search(tail)
    if not m:
        return tail, None
    head = tail[: m.start()]
    if m.group(1) and not _PER_ARTICLE.search(m.group(0)) and not m.group(0).startswith("/"):
        return tail, None  # "three months": a unit, not a rate
    per = m.group(1).lower() if m.group(1) else _ADVERBS[m.group(2).lower()]
    return head, per


def _is_bad_unit(words: str) -> bool:
    """Whether the words read as a unit are really stray parts of a figure.

    A unit is refused when it holds a number or share word ("twenty-five", hyphens split too), starts
    or ends with a connective, a vague word or an article, starts or ends with a qualifier ("dozens about"), or
    holds a rate that is not at its end ("a month about": a rate comes last).
    """
    if not words:
        return False
    if not _UNIT_CHARS.fullmatch(words):
        return True
    lowered = words.lower().rstrip(" .,;:")
    if not lowered:
        return False
    tokens = _TOKEN_SPLIT.split(lowered)
    if tokens[0] in _NOT_UNITS or tokens[0] in _DANGLING:
        return True
    if tokens[-1] in _NOT_UNITS or tokens[-1] in _DANGLING:
        return True
    for w in tokens:
        if w in _SMALL or w in _TENS or w.rstrip("s") in _SCALES or w in _SHARE_WORDS:
            return True
    words = lowered.split(" ")
    for k in range(1, min(_PREFIX_WORDS, len(words)) + 1):
        if " ".join(words[:k]) in _PREFIX_OF or " ".join(words[-k:]) in _PREFIX_OF:
            return True
    return _RATE_INSIDE.search(lowered) is not None


def _normalise_unit(words: str) -> str | None:
    if not words:
        return None
    if words[0] not in "sSkKmM":
        return words  # every unit with a canonical name starts with s, k or m
    for pattern, name in _UNITS:
        if pattern.match(words):
            return name
    return words


def _unscaled(n: _Number) -> float:
    """The number before its scale word ("3 million" -> 3)."""
    for scale in (1e12, 1e9, 1e6, 1e3):
        if n.value >= scale:
            return n.value / scale
    return n.value


class Phrase:
    """What a phrase says, before any rule is applied: read by :func:`read_phrase`.

    ``key`` is the rule table row it asks for (a qualifier such as ``"about"``, a vague word
    such as ``"dozens"``, ``"range"`` or ``"about range"``); ``first`` and ``second`` the
    numbers as written (``second`` for a range); ``base`` the base of a share ("of 308");
    ``unit`` and ``per`` the unit words and the rate's time unit; ``rounding`` a unit stated
    as "(rounded to N)". ``reader`` keeps the position for error messages.
    """

    __slots__ = ("text", "key", "first", "second", "base", "unit", "per", "rounding", "reader")

    def __init__(self, text, key, first, second, base, unit, per, rounding, reader) -> None:
        self.text = text
        self.key = key
        self.first = first
        self.second = second
        self.base = base
        self.unit = unit
        self.per = per
        self.rounding = rounding
        self.reader = reader

    def fail(self, what: str) -> ReportedFigureError:
        return self.reader.fail(what)


def _stated_rounding(text: str, original: str) -> tuple[str, float | None]:
    m = _ROUNDED.search(text) if text.endswith(")") else None
    if not m:
        return text, None
    r0 = _Reader(m.group(1).strip())
    try:
        num = _read_numeral(r0)
    except ReportedFigureError:
        num = None
    r0.skip_space()
    if num is None or r0.pos < len(r0.text) or num.value <= 0:
        raise ReportedFigureError(
            f"cannot read reported figure {original!r}: bad rounding unit {m.group(1)!r}"
        )
    return text[: m.start()], num.value


_FAST_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: The common shape in one pass: [qualifier] numeral [to|- numeral] [or more|+|or so]
#: [unit words and rate]. Anything else, and anything this shape reads but a rule refuses,
#: goes to the general reader, which reads (or refuses) it the same way.
# no scale word, suffix or percent sign after a numeral (those are the general reader's)
_NO_SCALE = (
    r"(?!(?:[kKMB]|mn|mln|bn|tn)(?![^\W_])"
    r"| ?(?:bn|mn|mln|tn|thousand|million|billion|trillion)s?(?![^\W_])| ?(?:%|per ?cent))"
)
_FAST_PERCENT = r" ?(?:%|per ?cent(?![^\W_]))"
# the scale words and suffixes of _SUFFIX_RE, with its case rules inside a re.I pattern
_FAST_SCALE = (
    r"(?:(?-i:[kKMB]|mn|mln|bn|tn)|(?-i: ?(?:bn|mn|mln|tn))"
    r"| ?(?:thousand|million|billion|trillion)s?)(?![^\W_])"
)
_FAST = re.compile(
    r"(?:(?P<q>" + _PREFIX_RE.pattern[3:-1] + r") ?)?"
    rf"(?P<n1>{_FAST_NUMERAL})(?P<s1>{_FAST_SCALE})?(?P<p1>{_FAST_PERCENT})?{_NO_SCALE}"
    rf"(?:(?: ?- ?| (?i:to) )(?P<n2>{_FAST_NUMERAL})(?P<s2>{_FAST_SCALE})?"
    rf"(?P<p2>{_FAST_PERCENT})?{_NO_SCALE})?"
    r"(?: (?P<post>(?i:or more|or fewer|or less|or so))|(?P<plus>\+))?"
    r"(?: ?(?P<tail>[A-Za-z][^\d]*))?$",
    re.I,
)
_POST_OF = {"or so": "about", "or fewer": "up to", "or less": "up to", "or more": "at least"}
#: A vague count ("dozens", "several thousand", "tens of thousands of fighters"); shares
#: ("most") and anything after "of" that could be a base or a pronoun go to the general reader.
_FAST_VAGUE = re.compile(
    r"(?P<v>a few|a handful|several|tens|dozens|scores|hundreds|thousands|millions)"
    r"(?:(?: of)? (?P<s>hundreds|hundred|thousands|thousand|millions|million)(?![^\W_]))?"
    r"(?! of (?:them|those|these|an?|half|\d)(?![^\W_]))"
    r"(?: (?P<tail>[A-Za-z][^\d]*))?$",
    re.I,
)
_SCALE_OF = {"h": 100.0, "t": 1e3, "m": 1e6}


def _fast_vague(text: str, original: str) -> Phrase | None:
    m = _FAST_VAGUE.match(text)
    if m is None:
        return None
    v, scale_word, tail = m.group("v", "s", "tail")
    if tail and tail[:3].lower() == "of ":
        nxt = tail[3:].split(" ", 1)[0].lower()
        if nxt in _SMALL or nxt in _TENS or nxt in _SCALES or nxt in ("hundred", "dozen"):
            return None
    scale = _SCALE_OF[scale_word[0].lower()] if scale_word else 1.0
    unit = per = None
    if tail:
        unit, per, error = _read_tail(tail)
        if error is not None:
            return None
    first = _Number(scale, 1.0, vague=_VAGUE[v.lower()])
    return Phrase(
        original, first.vague, first, None, None, unit, per, None, _Reader(text, original)
    )


def _scale_of(token: str) -> float:
    word = token.strip()
    if word[:1].isupper() and len(word) == 1:
        return _SUFFIXES[word.lower()]
    word = word.lower()
    return _SCALES[word.rstrip("s")] if word.rstrip("s") in _SCALES else _SUFFIXES[word]


def _fast_read(text: str, original: str) -> Phrase | None:
    """Read the common shape of phrase in one regular-expression pass, or return None."""
    m = _FAST.match(text)
    if m is None:
        return None
    q, n1, n2, post, tail = m.group("q", "n1", "n2", "post", "tail")
    qualifier = _PREFIX_OF[q.lower()] if q else "exact"
    if post or m.group("plus"):
        if qualifier != "exact" or n2:
            return None
        qualifier = _POST_OF[post.lower()] if post else "at least"
    p1, p2, s1, s2 = m.group("p1", "p2", "s1", "s2")
    if (p1 or p2) and tail and tail[:3].lower() == "of ":
        return None  # "30% of them": the general reader
    if (s1 and p1) or (s2 and p2):
        return None  # "2 million %": the general reader
    value, u = float(n1.replace(",", "")), _trailing_unit(n1)
    if s1:
        scale = _scale_of(s1)
        value, u = value * scale, u * scale
    if value >= MAX_NUMBER:
        return None
    u = granularity(value, u)
    if p1:
        first = _Number(value / 100, u / 100, share=True)
    else:
        first = _Number(value, u, scaled=bool(s1))
    second = None
    key = qualifier
    if n2:
        if qualifier != "exact" and qualifier != "about":
            return None
        if p1 and not p2:
            return None  # a share and a count: refused by the general reader
        value2, u2 = float(n2.replace(",", "")), _trailing_unit(n2)
        if s2:
            scale2 = _scale_of(s2)
            value2, u2 = value2 * scale2, u2 * scale2
        if value2 >= MAX_NUMBER:
            return None
        u2 = granularity(value2, u2)
        if p2:
            second = _Number(value2 / 100, u2 / 100, share=True)
            if not p1 and not s1:  # "10-20%"
                first = _Number(value / 100, u / 100, share=True)
        else:
            second = _Number(value2, u2, scaled=bool(s2))
        if second.share != first.share:
            return None
        if s2 and not s1 and first.value < second.value:  # "2 to 3 million"
            scale2 = second.value / _unscaled(second)
            first = _Number(first.value * scale2, first.rounding * scale2, share=first.share)
        if second.value < first.value:
            return None
        key = "range" if qualifier == "exact" else "about range"
    unit = per = None
    if tail:
        if tail[:3].lower() == "of ":
            return None
        unit, per, error = _read_tail(tail)
        if error is not None:
            return None
    return Phrase(original, key, first, second, None, unit, per, None, _Reader(text, original))


def read_phrase(text: str) -> Phrase:
    """Read a qualified phrase into its parts, refusing what it cannot read.

    Raises
    ------
    ReportedFigureError
        Quoting the phrase and the part that failed.
    """
    if not isinstance(text, str):
        raise ReportedFigureError(f"text must be a string, got {text!r}")
    original = text
    text = " ".join(text.split())  # linear; every reader below sees single spaces
    if "\u2013" in text or "\u2014" in text:
        text = text.replace("\u2013", "-").replace("\u2014", "-")
    text, stated_rounding = _stated_rounding(text, original)
    text = text.strip().rstrip(",;:.").strip()
    if stated_rounding is None and text[:1].isalnum():
        fast = _fast_read(text, original) or _fast_vague(text, original)
        if fast is not None:
            return fast
    r = _Reader(text, original)
    if not text:
        raise ReportedFigureError(f"cannot read reported figure {original!r}: empty text")

    qualifier = "exact"
    m = r.match(_PREFIX_RE)
    if m:
        qualifier = _PREFIX_OF[m.group(0).lower()]
    is_range_prefix = qualifier == "exact" and r.match(_RANGE_PREFIX_RE) is not None

    first = _read_number(r)
    if first is None:
        r.skip_space()
        unread = _UNREAD_RE.match(r.text, r.pos)
        hint = ""
        if unread:
            hint = (
                f"{unread.group(0).lower()!r} is a vague amount with no documented reading "
                "(the rule table reads a few, a handful, a couple, several, dozens, scores, "
                "tens/hundreds/thousands of, most)"
            )
        raise r.fail("expected a number", hint)
    if first.approx and qualifier == "exact":
        qualifier = "about"
    second = None
    save = r.pos
    if first.vague is None and (r.match(_RANGE_AND) if is_range_prefix else r.match(_RANGE_SEP)):
        second = _read_number(r)
        if second is None or second.vague is not None:
            raise r.fail("expected the second number of a range")
    elif is_range_prefix:
        raise r.fail("expected 'to' or 'and' and a second number")
    else:
        r.pos = save

    # postfix qualifiers
    if second is None and first.vague is None:
        post = r.match(_POSTFIX_RE)
        if post:
            word = post.group(0).lower()
            if qualifier != "exact":
                raise r.fail(f"two qualifiers ({qualifier!r} and {word!r})")
            qualifier = {"or so": "about", "or fewer": "up to", "or less": "up to"}.get(
                word, "at least"
            )

    base = None
    save = r.pos
    if r.match(_OF_RE) and not r.match(_OF_PRONOUN):
        b = _read_numeral(r) or _read_words(r)
        if b is None:
            r.pos = save  # "dozens of fighters": the words are the unit
        elif not first.share:
            raise r.fail("a base ('of 308') needs a share before it ('half of 308')")
        else:
            base = b.value

    tail = r.text[r.pos :].strip()
    parsed_unit, per_words, error = _read_tail(tail) if tail else (None, None, None)
    if error is not None:
        where = r.text.find(parsed_unit, r.pos) if parsed_unit else -1
        r.pos = where if where >= 0 else r.pos
        if error == "two rates":
            raise r.fail("two rates", f"{parsed_unit!r} before the rate per {per_words!r}")
        raise r.fail(error)

    # decide the rule
    if first.vague is not None:
        if qualifier != "exact":
            raise r.fail(f"a qualifier ({qualifier!r}) before a vague word ({first.vague!r})")
        key = first.vague
    elif second is not None:
        if qualifier not in ("exact", "about"):
            raise r.fail(f"qualifier {qualifier!r} before a range")
        if second.share and not first.share and not first.scaled:
            first = _Number(first.value / 100, first.rounding / 100, share=True)  # "10-20%"
        if second.share != first.share:
            raise r.fail("a range mixing a share and a count")
        if second.scaled and not first.scaled and first.value < second.value:
            scale = second.value / _unscaled(second)
            first = _Number(first.value * scale, first.rounding * scale, share=first.share)
        key = "range" if qualifier == "exact" else "about range"
    else:
        key = qualifier
    if second is not None and second.value < first.value:
        raise r.fail(f"a range from {first.value:g} down to {second.value:g}")
    return Phrase(original, key, first, second, base, parsed_unit, per_words, stated_rounding, r)
