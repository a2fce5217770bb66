"""Reported figures, the phrase reader: the tokenizer for qualified numbers and number words.

A cursor (``_Reader``) over the phrase and the readers of its parts: qualifier prefixes;
numerals with thousands separators, decimals, scale words and percentages; number words ("three
hundred and eight", "a dozen"); fractions and vague words ("half", "dozens", "tens of
thousands"); and the unit and rate words after the number ("fighters a month").
:func:`conflictstats.reported.parse_figure` puts these parts together into a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import SYNONYMS, ReportedFigureError

# ---------------------------------------------------------------------------------------------
# The phrase reader
# ---------------------------------------------------------------------------------------------
_PREFIXES = sorted(
    ((w, q) for q, ws in SYNONYMS.items() for w in ws if "(" not in w and "X" not in w),
    key=lambda t: -len(t[0]),
)
_RANGE_PREFIXES = ("between", "from")

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
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
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
_SHARE_ROUNDING = 0.1  # "about half" -> [0.45, 0.55]
_TIME_UNITS = ("hour", "day", "week", "fortnight", "month", "year")
_ADVERBS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"}
_ADVERBS.update({"yearly": "year", "annually": "year", "a year": "year"})
_UNITS = [
    (re.compile(r"^(sq\.? ?km|square (kilometres|kilometers|km)|km2|km²)$", re.I), "km2"),
    (re.compile(r"^(km|kms|kilometres?|kilometers?)$", re.I), "km"),
    (re.compile(r"^(sq\.? ?mi(les?)?|square miles?|mi2)$", re.I), "mi2"),
    (re.compile(r"^(mi|miles?)$", re.I), "mi"),
]
_NUMERAL = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)")
_SCALE_AFTER = re.compile(r"\s*(thousand|million|billion)s?\b", re.I)
_PERCENT = re.compile(r"\s*(%|per ?cent\b)", re.I)
_NOT_UNITS = {"to", "or", "and", "of", "from", "between", "hundred", "hundreds", "dozen", "dozens"}
_ROUNDED = re.compile(r"\s*\(rounded to ([^)]*)\)\s*$", re.I)


@dataclass
class _Number:
    value: float
    rounding: float
    scaled: bool = False  # carries its own scale word ("2 million")
    share: bool = False
    vague: str | None = None  # vague word key ("dozens")
    dozen: bool = False


class _Reader:
    """A cursor over the phrase that reports where reading failed."""

    def __init__(self, text: str, original: str | None = None) -> None:
        self.text = text
        self.original = text if original is None else original
        self.pos = 0

    def fail(self, what: str) -> ReportedFigureError:
        rest = self.text[self.pos :].strip() or "(end of text)"
        return ReportedFigureError(
            f"cannot read reported figure {self.original!r}: {what} at {rest!r} "
            f"(character {self.pos + 1})"
        )

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def word(self, *options: str) -> str | None:
        """Consume one of ``options`` (whole words, case-insensitive) if it comes next."""
        self.skip_space()
        for opt in sorted(options, key=len, reverse=True):
            end = self.pos + len(opt)
            if self.text[self.pos : end].lower() == opt.lower():
                boundary = end >= len(self.text) or not (
                    self.text[end].isalnum() and opt[-1].isalnum()
                )
                if boundary:
                    self.pos = end
                    return opt.lower()
        return None

    def peek_word(self) -> str:
        self.skip_space()
        m = re.match(r"[A-Za-z]+", self.text[self.pos :])
        return m.group(0).lower() if m else ""


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


def _read_numeral(r: _Reader) -> _Number | None:
    r.skip_space()
    m = _NUMERAL.match(r.text, r.pos)
    if not m:
        return None
    digits = m.group(0)
    r.pos = m.end()
    value = float(digits.replace(",", ""))
    unit = _trailing_unit(digits)
    scaled = False
    s = _SCALE_AFTER.match(r.text, r.pos)
    if s:
        scale = _SCALES[s.group(1).lower()]
        value, unit, scaled = value * scale, unit * scale, True
        r.pos = s.end()
    p = _PERCENT.match(r.text, r.pos)
    if p:
        r.pos = p.end()
        return _Number(value / 100, unit / 100, share=True)
    return _Number(value, unit, scaled=scaled)


def _read_words(r: _Reader) -> _Number | None:
    """Number words: "thirty", "two thousand", "a dozen", "three hundred and eight"."""
    start = r.pos
    total, current, seen, dozen, scaled = 0.0, 0.0, False, False, False
    if r.word("half a dozen"):
        return _Number(6.0, 6.0, dozen=True)
    while True:
        save = r.pos
        w = r.peek_word()
        if w == "a" or w == "an":
            r.word(w)
            nxt = r.peek_word()
            if seen:
                r.pos = save
                break
            if nxt not in ("dozen", "hundred", "thousand", "million", "billion"):
                if not nxt:
                    r.pos = start
                    return None
                return _Number(1.0, 1.0)  # "a kilometre", "a year"
            current = 1.0
            seen = True
            continue
        if w == "and" and seen:
            r.word("and")
            if r.peek_word() in _SMALL or r.peek_word() in _TENS:
                continue
            r.pos = save
            break
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
            r.word(w)
            m = re.match(r"-([a-z]+)", r.text[r.pos :], re.I)
            if m and m.group(1).lower() in _SMALL and 0 < _SMALL[m.group(1).lower()] < 10:
                current += _SMALL[m.group(1).lower()]
                r.pos += m.end()
            seen = True
            continue
        elif w == "dozen" and seen:
            current *= 12
            dozen = True
        elif w == "hundred" and seen:
            current *= 100
        elif w in _SCALES and seen:
            total += current * _SCALES[w]
            current, scaled = 0.0, True
        else:
            break
        r.word(w)
        seen = True
    if not seen:
        r.pos = start
        return None
    value = total + current
    return _Number(value, 6.0 if dozen else _unit_of_value(value), scaled=scaled, dozen=dozen)


def _read_share_or_vague(r: _Reader) -> _Number | None:
    start = r.pos
    if r.word("half a dozen"):
        r.pos = start
        return None  # a number, read by _read_words
    w = r.word(*_FRACTIONS)
    if w:
        return _Number(_FRACTIONS[w], _SHARE_ROUNDING, share=True)
    w = r.word(*_VAGUE)
    if w:
        key = _VAGUE[w]
        scale = 1.0
        if key != "most":
            save = r.pos
            r.word("of")
            s = r.word("hundreds", "hundred", "thousands", "thousand", "millions", "million")
            if s:
                scale = {"h": 100.0, "t": 1e3, "m": 1e6}[s[0]]
            else:
                r.pos = save
        return _Number(scale, 1.0, vague=key, share=key == "most")
    r.pos = start
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


def _read_per(tail: str) -> tuple[str, str | None]:
    """Split the words after the number into (unit words, per)."""
    units = "|".join(_TIME_UNITS)
    m = re.search(
        rf"(?:^|\s+|/)\s*(?:(?:a|an|per|each|every|in a|in an|in one|a single)\s+)?({units})s?$"
        rf"|(?:^|\s+)({'|'.join(_ADVERBS)})$",
        tail,
        re.I,
    )
    if not m:
        return tail, None
    head = tail[: m.start()]
    has_article = re.search(r"(a|an|per|each|every|one|single)\s+\w+$", m.group(0), re.I)
    if m.group(1) and not has_article and not m.group(0).lstrip().startswith("/"):
        return tail, None  # "three months": a unit, not a rate
    per = m.group(1).lower() if m.group(1) else _ADVERBS[m.group(2).lower()]
    return head, per


_SHARE_WORDS = {"half", "all", "most", "majority", "third", "thirds", "quarter", "quarters"}
_DANGLING = {"a", "an", "the", "per", "each", "every"}


def _is_bad_unit(words: str) -> bool:
    """Whether the words read as a unit are really stray parts of a figure.

    A unit is refused when it holds a number or share word ("twenty-five", hyphens split too), starts
    or ends with a connective, a vague word or an article, starts or ends with a qualifier ("dozens about"), or
    holds a rate that is not at its end ("a month about": a rate comes last).
    """
    if not words:
        return False
    if not re.fullmatch(r"[A-Za-z][\w\s'\u2019\-/.\u00b2]*", words):
        return True
    lowered = " ".join(words.lower().split()).rstrip(" .,;:")
    if not lowered:
        return False
    tokens = re.split(r"[\s\-]+", lowered)
    if tokens[0] in _NOT_UNITS | _DANGLING or tokens[-1] in _NOT_UNITS | _DANGLING:
        return True
    if any(
        w in _SMALL or w in _TENS or w.rstrip("s") in _SCALES or w in _SHARE_WORDS for w in tokens
    ):
        return True
    if any(
        lowered == p or lowered.startswith(p + " ") or lowered.endswith(" " + p)
        for p, _ in _PREFIXES
    ):
        return True
    units = "|".join(_TIME_UNITS)
    return re.search(rf"\b(?:a|an|per|each|every)\s+(?:{units})s?\b", lowered) is not None


def _normalise_unit(words: str) -> str | None:
    words = " ".join(words.split())
    if not words:
        return None
    for pattern, name in _UNITS:
        if pattern.match(words):
            return name
    return words


def _unscaled(n: _Number) -> float:
    """The number before its scale word ("3 million" -> 3)."""
    for scale in (1e9, 1e6, 1e3):
        if n.value >= scale:
            return n.value / scale
    return n.value


def _dash(r: _Reader) -> bool:
    r.skip_space()
    if r.text[r.pos : r.pos + 1] == "-":
        r.pos += 1
        return True
    return False


@dataclass
class Phrase:
    """What a phrase says, before any rule is applied: read by :func:`read_phrase`.

    ``key`` is the rule table row it asks for (a qualifier such as ``"about"``, a vague word
    such as ``"dozens"``, ``"range"`` or ``"about range"``); ``first`` and ``second`` the
    numbers as written (``second`` for a range); ``base`` the base of a share ("of 308");
    ``unit`` and ``per`` the unit words and the rate's time unit; ``rounding`` a unit stated
    as "(rounded to N)". ``reader`` keeps the position for error messages.
    """

    text: str
    key: str
    first: _Number
    second: _Number | None
    base: float | None
    unit: str | None
    per: str | None
    rounding: float | None
    reader: _Reader

    def fail(self, what: str) -> ReportedFigureError:
        return self.reader.fail(what)


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
    stated_rounding = None
    m = _ROUNDED.search(text)
    if m:
        r0 = _Reader(m.group(1))
        num = _read_numeral(r0)
        r0.skip_space()
        if num is None or r0.pos < len(r0.text) or num.value <= 0:
            raise ReportedFigureError(
                f"cannot read reported figure {original!r}: bad rounding unit {m.group(1)!r}"
            )
        stated_rounding = num.value
        text = text[: m.start()]
    text = text.strip().rstrip(",;:.").strip()
    r = _Reader(text.replace("\u2013", "-").replace("\u2014", "-"), original)
    if not r.text:
        raise ReportedFigureError(f"cannot read reported figure {original!r}: empty text")

    qualifier = "exact"
    for word, q in _PREFIXES:
        if r.word(word):
            qualifier = q
            break
    is_range_prefix = False
    if qualifier == "exact" and r.word(*_RANGE_PREFIXES):
        is_range_prefix = True

    first = _read_number(r)
    if first is None:
        raise r.fail("expected a number")
    second = None
    save = r.pos
    r.skip_space()
    if first.vague is None and (
        r.word("to", "and") if is_range_prefix else (r.word("to") or _dash(r))
    ):
        second = _read_number(r)
        if second is None or second.vague is not None:
            raise r.fail("expected the second number of a range")
    elif is_range_prefix:
        raise r.fail("expected 'to' or 'and' and a second number")
    else:
        r.pos = save

    # postfix qualifiers
    if second is None and first.vague is None:
        post = r.word("or more", "+", "or fewer", "or less", "or so")
        if post:
            if qualifier != "exact":
                raise r.fail(f"two qualifiers ({qualifier!r} and {post!r})")
            qualifier = {"or so": "about", "or fewer": "up to", "or less": "up to"}.get(
                post, "at least"
            )

    base = None
    save = r.pos
    if r.word("of") and not r.word("them", "those", "these"):
        b = _read_numeral(r) or _read_words(r)
        if b is None:
            r.pos = save  # "dozens of fighters": the words are the unit
        elif not first.share:
            raise r.fail("a base ('of 308') needs a share before it ('half of 308')")
        else:
            base = b.value

    tail = r.text[r.pos :].strip()
    unit_words, per_words = _read_per(tail)
    unit_words = re.sub(r"^of\s+", "", unit_words.strip(), flags=re.I)
    if re.search(r"(^|\s)\d", unit_words):
        r.pos = r.text.find(unit_words.strip(), r.pos) if unit_words.strip() else r.pos
        raise r.fail("unexpected number after the figure")
    bad_unit = _is_bad_unit(unit_words)
    if bad_unit or re.search(r"\bor (?:more|fewer|less|so)\b", unit_words, re.I):
        r.pos = r.text.find(unit_words, r.pos)
        raise r.fail("unexpected words after the figure")
    parsed_unit = _normalise_unit(unit_words)

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
    return Phrase(
        text=original,
        key=key,
        first=first,
        second=second,
        base=base,
        unit=parsed_unit,
        per=per_words,
        rounding=stated_rounding,
        reader=r,
    )
