"""Reported figures: qualified phrases to intervals and sampling models.

A number reported from a war comes with words around it — "about 7,000", "up to 75 a month",
"at least 30", "20,000 to 30,000", "dozens", "about half of 308". :func:`parse_figure` reads such
a phrase into a :class:`ReportedFigure`: the number as stated, the interval the qualifier
implies, the rounding unit, the unit and the time unit of a rate, and the source, date and
quote it came from. The qualifier → interval rules are one table (:data:`DEFAULT_RULES`),
printed by ``conflictstats figures --rules`` and overridable per call with ``rules=``; a named
set, ``rules="acled"``, reproduces the ACLED coding conventions for vague words.

A figure's :meth:`ReportedFigure.sample` draws from a sampling model on its interval
(uniform, triangular, log-uniform or Beta-PERT), which :func:`conflictstats.propagate.monte_carlo`
carries into derived quantities.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import InputError, as_rng, check_choice

__all__ = [
    "ReportedFigure",
    "ReportedFigureError",
    "Rule",
    "DEFAULT_RULES",
    "RULE_SETS",
    "SYNONYMS",
    "MODELS",
    "parse_figure",
    "get_rules",
    "rules_table",
]

MODELS = ("uniform", "triangular", "loguniform", "pert")


class ReportedFigureError(InputError):
    """A phrase could not be read as a reported figure, or a figure cannot do what was asked."""


# ---------------------------------------------------------------------------------------------
# The rule table
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One row of the qualifier → interval table.

    ``value``, ``low``, ``high`` and ``cap`` are small arithmetic expressions in the symbols
    ``x`` (the number as written; for vague words the scale, 1 or 1,000 in "tens of
    thousands"), ``u`` (the rounding unit), ``a`` and ``b`` (the ends of a written range) and
    ``inf``, combined with ``+``, ``-``, ``*`` and ``/`` (no parentheses), e.g. ``"x - u/2"``.

    Parameters
    ----------
    value, low, high : str
        The figure's central value and the ends of its interval.
    closed : {"both", "left", "right", "neither"}
        Which ends belong to the interval (pandas' convention).
    cap : str, optional
        Default upper cap used when sampling an open-ended interval (``high = inf``).
    model : str
        Default sampling model: one of ``"uniform"``, ``"triangular"``, ``"loguniform"``,
        ``"pert"``.
    note : str
        Why the rule reads the phrase this way.
    """

    value: str = "x"
    low: str = "x"
    high: str = "x"
    closed: str = "both"
    cap: str | None = None
    model: str = "uniform"
    note: str = ""


def _rule(value: str, low: str, high: str, closed: str = "both", **kw: Any) -> Rule:
    return Rule(value=value, low=low, high=high, closed=closed, **kw)


_VAGUE_NOTE = "value is the rounded geometric midpoint of the interval"

#: The default qualifier → interval rules (see the README's table).
DEFAULT_RULES: dict[str, Rule] = {
    "exact": _rule("x", "x", "x", note="a count as stated: no interval"),
    "about": _rule(
        "x", "x - u/2", "x + u/2", model="triangular", note="rounding interval of the stated number"
    ),
    "nearly": _rule("x", "x - u", "x", "left", note="below the stated number, within one unit"),
    "just over": _rule("x", "x", "x + u", "right", note="above the stated number, within one unit"),
    "at least": _rule("x", "x", "inf", "left", cap="2*x", note="open above: cap defaults to 2x"),
    "more than": _rule("x", "x", "inf", "neither", cap="2*x", note="open above: cap 2x"),
    "up to": _rule("x", "0", "x", note="a maximum, not a mean: bounds the busiest period"),
    "fewer than": _rule("x", "0", "x", "left", note="below the stated number"),
    "range": _rule("a/2 + b/2", "a", "b", note="the stated range"),
    "about range": _rule(
        "a/2 + b/2", "a - u/2", "b + u/2", note="the range widened by half the finer rounding unit"
    ),
    "a few": _rule("3*x", "2*x", "5*x", model="loguniform", note=_VAGUE_NOTE),
    "several": _rule("5*x", "3*x", "10*x - 1", model="loguniform", note=_VAGUE_NOTE),
    "tens": _rule("45*x", "20*x", "100*x - 1", model="loguniform", note=_VAGUE_NOTE),
    "dozens": _rule("50*x", "24*x", "100*x - 1", model="loguniform", note=_VAGUE_NOTE),
    "scores": _rule("90*x", "40*x", "200*x - 1", model="loguniform", note=_VAGUE_NOTE),
    "hundreds": _rule("450*x", "200*x", "1000*x - 1", model="loguniform", note=_VAGUE_NOTE),
    "thousands": _rule("4500*x", "2000*x", "10000*x - 1", model="loguniform", note=_VAGUE_NOTE),
    "millions": _rule(
        "4500000*x", "2000000*x", "10000000*x - 1", model="loguniform", note=_VAGUE_NOTE
    ),
    "most": _rule("0.75*x", "0.5*x", "x", "right", note="a share: more than half"),
}

_ACLED_NOTE = "ACLED codebook, reported fatalities: vague words coded as this lower bound"

#: Named rule sets: ``"default"`` and ``"acled"``.
RULE_SETS: dict[str, dict[str, Rule]] = {
    "default": DEFAULT_RULES,
    "acled": {
        **DEFAULT_RULES,
        "several": _rule("10*x", "10*x", "10*x", note=_ACLED_NOTE),
        "tens": _rule("10*x", "10*x", "10*x", note=_ACLED_NOTE),
        "dozens": _rule("12*x", "12*x", "12*x", note=_ACLED_NOTE),
        "hundreds": _rule("100*x", "100*x", "100*x", note=_ACLED_NOTE),
        "thousands": _rule("1000*x", "1000*x", "1000*x", note=_ACLED_NOTE + " (by analogy)"),
    },
}

#: Words that introduce each qualifier (prefixes), longest first when matched.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "about": (
        "about",
        "around",
        "approximately",
        "approx.",
        "some",
        "roughly",
        "an estimated",
        "estimated",
        "circa",
        "c.",
        "~",
        "or so (after)",
    ),
    "nearly": ("nearly", "almost", "close to", "just under", "not quite"),
    "just over": ("just over", "just above", "slightly more than"),
    "at least": (
        "at least",
        "no fewer than",
        "no less than",
        "not less than",
        "a minimum of",
        "or more (after)",
        "+ (after)",
    ),
    "more than": ("more than", "over", "upwards of", "in excess of", "above", "greater than"),
    "up to": (
        "up to",
        "as many as",
        "as much as",
        "a maximum of",
        "at most",
        "no more than",
        "or fewer (after)",
        "or less (after)",
    ),
    "fewer than": ("fewer than", "less than", "under", "below"),
    "range": ("X to Y", "between X and Y", "from X to Y", "X-Y", "X–Y"),
    "about range": ("about X to Y (any 'about' word)",),
}

_VAGUE_PHRASES = {
    "a few": "a few, a few hundred (x = 100)",
    "several": "several, several thousand (x = 1,000)",
    "tens": "tens, tens of thousands (x = 1,000)",
    "dozens": "dozens, dozens of fighters",
    "scores": "scores",
    "hundreds": "hundreds, hundreds of thousands (x = 1,000)",
    "thousands": "thousands, thousands of fighters",
    "millions": "millions",
    "most": "most, the majority, a majority, the bulk (a share: x = 1)",
}

_PREFIXES = sorted(
    ((w, q) for q, ws in SYNONYMS.items() for w in ws if "(" not in w and "X" not in w),
    key=lambda t: -len(t[0]),
)
_RANGE_PREFIXES = ("between", "from")


def get_rules(rules: Any = None) -> dict[str, Rule]:
    """The rule table for ``rules=``: None (default), a set name, or a mapping of overrides.

    A mapping is laid over the default table: its keys are qualifiers (rows of the table) and
    its values :class:`Rule` objects or dicts of Rule fields.

    Examples
    --------
    >>> get_rules("acled")["dozens"].low
    '12*x'
    """
    if rules is None:
        return dict(DEFAULT_RULES)
    if isinstance(rules, str):
        check_choice(rules, RULE_SETS, "rules")
        return dict(RULE_SETS[rules])
    if not isinstance(rules, Mapping):
        raise InputError(f"rules must be None, a rule-set name or a mapping, got {rules!r}")
    table = dict(DEFAULT_RULES)
    for key, rule in rules.items():
        if isinstance(rule, Mapping):
            rule = Rule(**rule)
        if not isinstance(rule, Rule):
            raise InputError(f"rules[{key!r}] must be a Rule or a dict of its fields, got {rule!r}")
        check_choice(rule.closed, ("both", "left", "right", "neither"), f"rules[{key!r}].closed")
        check_choice(rule.model, MODELS, f"rules[{key!r}].model")
        for part in ("value", "low", "high", "cap"):
            expr = getattr(rule, part)
            if expr is not None:
                _evaluate(expr, {"x": 1.0, "u": 1.0, "a": 1.0, "b": 1.0}, f"rules[{key!r}].{part}")
        table[key] = rule
    return table


def rules_table(rules: Any = None) -> list[dict[str, str]]:
    """The rule table as rows (qualifier, phrases, value, interval, cap, model, note).

    Examples
    --------
    >>> row = rules_table()[1]
    >>> row["qualifier"], row["interval"]
    ('about', '[x - u/2, x + u/2]')
    """
    rows = []
    for key, rule in get_rules(rules).items():
        left = "[" if rule.closed in ("both", "left") else "("
        right = "]" if rule.closed in ("both", "right") else ")"
        rows.append(
            {
                "qualifier": key,
                "phrases": _phrases_of(key),
                "value": rule.value,
                "interval": f"{left}{rule.low}, {rule.high}{right}",
                "cap": rule.cap or "",
                "model": rule.model,
                "note": rule.note,
            }
        )
    return rows


def _phrases_of(key: str) -> str:
    if key == "exact":
        return "827 (a number without qualifier)"
    if key in SYNONYMS:
        return ", ".join(SYNONYMS[key])
    return _VAGUE_PHRASES.get(key, key)


_TOKEN = re.compile(r"\s*([+-])?\s*([^+\-\s]+)")


def _evaluate(expr: str, env: Mapping[str, float], name: str = "rule") -> float:
    """Evaluate a rule expression: sums of products/quotients of numbers and symbols."""
    env = {**env, "inf": math.inf}
    total, pos, first = 0.0, 0, True
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or (m.group(1) is None and not first):
            raise InputError(f"{name}: cannot read rule expression {expr!r}")
        sign = -1.0 if m.group(1) == "-" else 1.0
        term = None
        for i, factor in enumerate(re.split(r"([*/])", m.group(2))):
            if i % 2:
                op = factor
                continue
            if factor in env:
                v = env[factor]
            else:
                try:
                    v = float(factor)
                except ValueError:
                    raise InputError(
                        f"{name}: unknown symbol {factor!r} in {expr!r}; use x, u, a, b, inf"
                    ) from None
            term = v if term is None else (term * v if op == "*" else term / v)
        total += sign * term
        pos, first = m.end(), False
    return total


# ---------------------------------------------------------------------------------------------
# The phrase reader
# ---------------------------------------------------------------------------------------------
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


def _normalise_unit(words: str) -> str | None:
    words = " ".join(words.split())
    if not words:
        return None
    for pattern, name in _UNITS:
        if pattern.match(words):
            return name
    return words


# ---------------------------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportedFigure:
    """A reported number with its qualifier, interval, unit, source, date and quote.

    Build one with :func:`parse_figure`. ``low <= value <= high`` always holds; ``high`` is
    ``inf`` for open-ended figures ("at least 30"), whose sampling needs a cap.

    Attributes
    ----------
    value : float
        Central value (the number as written; the midpoint of a range; for a share of a base,
        the count it implies).
    low, high : float
        The interval the qualifier implies.
    qualifier : str
        The row of the rule table that was applied ("exact", "about", "range", "dozens", …).
    rounding : float or None
        Rounding unit used (from trailing zeros unless given).
    unit, per : str or None
        What is counted or measured, and the time unit of a rate ("month" in "75 a month").
    source, date, quote : str or None
        Who reported it, when (or the period it refers to), and the words it came from.
    text : str
        The phrase that was read.
    stated, stated_high : float or None
        The number(s) as written ("20,000 to 30,000" gives 20,000 and 30,000); for a share,
        the share; None for vague words.
    base : float or None
        The base of a share ("about half of 308" has base 308).
    closed : str
        Which ends belong to the interval: "both", "left", "right" or "neither".
    cap : float or None
        Default upper cap for sampling an open-ended interval (from the rule).
    model : str
        Default sampling model (from the rule).
    rules : str
        Name of the rule set ("default", "acled" or "custom").
    scale : float
        For vague words, the scale they apply to (1,000 in "tens of thousands"); else 1.
    share : bool
        True when the phrase states a share ("about half", "30%"); with a base the value and
        interval are counts of the base.
    """

    value: float
    low: float
    high: float
    qualifier: str
    rounding: float | None = None
    unit: str | None = None
    per: str | None = None
    source: str | None = None
    date: str | None = None
    quote: str | None = None
    text: str = ""
    stated: float | None = None
    stated_high: float | None = None
    base: float | None = None
    closed: str = "both"
    cap: float | None = None
    model: str = "uniform"
    rules: str = "default"
    scale: float = 1.0
    share: bool = False

    # -- interval ---------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """True when the interval has no upper end ("at least 30", "more than 50")."""
        return math.isinf(self.high)

    @property
    def is_share(self) -> bool:
        """True for a share ("about half", "30%"); with a base, value/low/high are counts."""
        return self.share

    def interval(self, *, cap: float | None = None) -> tuple[float, float]:
        """The interval ``(low, high)``; an open upper end becomes ``cap`` when one is given.

        Examples
        --------
        >>> parse_figure("about 7,000").interval()
        (6500.0, 7500.0)
        >>> parse_figure("at least 30").interval(cap=100)
        (30.0, 100.0)
        """
        high = self.high
        if self.is_open and cap is not None:
            high = self._check_cap(cap)
        return (self.low, high)

    def _check_cap(self, cap: Any) -> float:
        if np.ndim(cap) != 0 or not np.isfinite(cap) or cap <= self.low:
            raise ReportedFigureError(
                f"cap must be a finite number above the lower end {self.low:g} of "
                f"{self.text!r}, got {cap!r}"
            )
        return float(cap)

    def sampling_bounds(self, *, cap: float | None = None) -> tuple[float, float, str]:
        """The finite ``(low, high)`` that sampling uses, and where an upper cap came from."""
        if not self.is_open:
            return self.low, self.high, ""
        if cap is not None:
            return self.low, self._check_cap(cap), f"cap {cap:g} (given)"
        if self.cap is None:
            raise ReportedFigureError(
                f"{self.text!r} is open-ended ({self.low:g} to infinity): pass cap= to sample it"
            )
        return self.low, self.cap, f"cap {self.cap:g} (default: rule {self.qualifier!r})"

    def describe_model(self, model: str | None = None, *, cap: float | None = None) -> str:
        """One line naming the sampling model and its bounds, e.g. for a propagated result."""
        model = self.model if model is None else model
        low, high, capped = self.sampling_bounds(cap=cap)
        if low == high:
            return f"{self.text or self.format()}: fixed at {self.value:g}"
        text = f"{self.text or self.format()}: {model} on [{low:g}, {high:g}]"
        return text + (f", {capped}" if capped else "")

    # -- sampling -----------------------------------------------------------------------------
    def sample(
        self, n: int, *, rng: Any, model: str | None = None, cap: float | None = None
    ) -> np.ndarray:
        """Draw ``n`` values from a sampling model on the figure's interval.

        Parameters
        ----------
        n : int
            Number of draws.
        rng : numpy.random.Generator or int
            Source of randomness (a seed makes the draws reproducible).
        model : {"uniform", "triangular", "loguniform", "pert"}, optional
            Sampling model; the rule's default when None. Triangular and PERT peak at
            ``value``; log-uniform needs a positive lower end.
        cap : float, optional
            Upper end for an open-ended figure; the rule's default cap (e.g. twice the stated
            number for "at least") when None.

        Returns
        -------
        numpy.ndarray
            ``n`` draws, all within the interval (within ``[low, cap]`` when open-ended).

        Raises
        ------
        ReportedFigureError
            Open-ended figure without a cap; log-uniform with a lower end of 0.
        InputError
            Unknown model, bad ``n`` or ``rng``.

        Notes
        -----
        PERT is the Beta-PERT distribution of Malcolm et al. (1959): ``low + (high - low) B``
        with ``B ~ Beta(1 + 4 (m - low)/(high - low), 1 + 4 (high - m)/(high - low))`` and mode
        ``m = value``, so its mean is ``(low + 4 m + high) / 6``.

        References
        ----------
        Malcolm, D. G., Roseboom, J. H., Clark, C. E. and Fazar, W. (1959). Application of a
        technique for research and development program evaluation. Operations Research 7(5),
        646-669.

        Examples
        --------
        >>> d = parse_figure("about 7,000").sample(1000, rng=1)
        >>> bool(d.min() >= 6500 and d.max() <= 7500)
        True
        """
        rng = as_rng(rng)
        model = check_choice(self.model if model is None else model, MODELS, "model")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InputError(f"n must be a positive integer, got {n!r}")
        low, high, _ = self.sampling_bounds(cap=cap)
        if low == high:
            return np.full(int(n), low)
        mode = min(max(self.value, low), high)
        if model == "uniform":
            draws = rng.uniform(low, high, n)
        elif model == "triangular":
            draws = rng.triangular(low, mode, high, n)
        elif model == "loguniform":
            if low <= 0:
                raise ReportedFigureError(
                    f"model 'loguniform' needs a positive lower end; {self.text!r} starts at "
                    f"{low:g} (use 'uniform' or 'pert')"
                )
            draws = np.exp(rng.uniform(np.log(low), np.log(high), n))
        else:
            width = high - low
            alpha = 1 + 4 * (mode - low) / width
            beta = 1 + 4 * (high - mode) / width
            draws = low + width * rng.beta(alpha, beta, n)
        return np.clip(draws, low, high)

    # -- conversion ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """All fields as a plain dict."""
        return dataclasses.asdict(self)

    def format(self) -> str:
        """A canonical phrase for the figure, which :func:`parse_figure` reads back to it.

        Examples
        --------
        >>> parse_figure("30 or more", unit="fighters").format()
        'at least 30 fighters'
        """
        q = self.qualifier
        if self.stated is None:  # vague word
            scale = self.scale
            words = q
            if scale != 1:
                name = {100.0: "hundred", 1e3: "thousand", 1e6: "million"}[scale]
                words = f"{q} {name}" if q in ("several", "a few") else f"{q} of {name}s"
            number = words
        elif self.stated_high is not None:
            w = _write_share if self.is_share else _write
            number = f"{w(self.stated)} to {w(self.stated_high)}"
            if q == "about range":
                number = f"about {number}"
        else:
            number = _write_share(self.stated) if self.is_share else _write(self.stated)
            if q != "exact" and q in SYNONYMS:
                number = f"{q} {number}"
        parts = [number]
        if self.base is not None:
            parts.append(f"of {_write(self.base)}")
        if self.unit and self.unit != "share":
            vague = self.stated is None and self.scale == 1 and q != "most"
            parts.append(f"of {self.unit}" if vague else self.unit)
        if self.per:
            parts.append(f"a {self.per}")
        text = " ".join(parts)
        if self.rounding is not None and self.stated is not None:
            implied = _implied_rounding(self)
            if not math.isclose(implied, self.rounding, rel_tol=1e-9):
                text += f" (rounded to {_write(self.rounding)})"
        return text

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        parts = [
            f"{self.text or self.format()!r}",
            f"{self.qualifier} {_show(self.value)} in "
            f"{left}{_show(self.low)}, {_show(self.high)}{right}",
        ]
        for name in ("unit", "per", "source", "date"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"ReportedFigure({', '.join(parts)})"


def _show(x: float) -> str:
    if math.isinf(x):
        return "inf"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}"


def _write(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    text = np.format_float_positional(float(x), trim="-")
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}.{frac}" if frac else f"{int(whole):,}"


def _write_share(share: float) -> str:
    for frac, word in _FRACTION_WORDS.items():
        if math.isclose(share, frac, rel_tol=1e-12):
            return word
    pct = np.format_float_positional(share * 100, precision=10, trim="-")
    return f"{pct}%"


def _implied_rounding(fig: ReportedFigure) -> float:
    """The rounding unit parse_figure would infer from the canonical phrase."""
    probe = dataclasses.replace(fig, rounding=None)
    rules = fig.rules if fig.rules in RULE_SETS else None
    implied = parse_figure(probe.format(), rules=rules).rounding
    return fig.rounding if implied is None else implied


# ---------------------------------------------------------------------------------------------
# parse_figure
# ---------------------------------------------------------------------------------------------
def parse_figure(
    text: str,
    *,
    unit: str | None = None,
    per: str | None = None,
    source: str | None = None,
    date: str | None = None,
    quote: str | None = None,
    rules: Any = None,
    rounding: float | None = None,
) -> ReportedFigure:
    """Read a qualified phrase ("about 7,000", "up to 75 a month") into a reported figure.

    Parameters
    ----------
    text : str
        The phrase: an optional qualifier, a number (numerals with thousands separators and
        decimals, number words up to billions, "a dozen", fractions, percentages, vague
        words such as "dozens"), an optional second number for a range, an optional base
        ("of 308"), unit words and an optional rate ("a month", "per day", "in a week").
    unit, per : str, optional
        Unit and rate time unit; they override what the phrase says.
    source, date, quote : str, optional
        Who reported it, when, and the quote it came from (kept on the figure).
    rules : None, str or mapping, optional
        The qualifier → interval table: the default (None), a named set (``"acled"``) or a
        mapping of rows laid over the default (see :func:`get_rules`).
    rounding : float, optional
        Rounding unit; by default from the trailing zeros of the number as written ("about
        7,000" has 1,000; "about 2.5" has 0.1; fractions such as "half" have 0.1; numbers
        counted in dozens have 6, so "about a dozen" is [9, 15]).
        A phrase may also end in "(rounded to N)".

    Returns
    -------
    ReportedFigure

    Raises
    ------
    ReportedFigureError
        When the phrase cannot be read; the message quotes the phrase and the part that failed.

    Notes
    -----
    The qualifier selects one row of the rule table, whose expressions give the value and the
    interval from the stated number ``x``, the rounding unit ``u`` and the range ends ``a``,
    ``b``. A share with a base ("about half of 308") is read as a share and then multiplied by
    the base, so its value and interval are counts; shares are clipped to [0, 1].

    References
    ----------
    ACLED (2019). Armed Conflict Location & Event Data Project (ACLED) Codebook, section
    "Reported fatalities" (the ``"acled"`` rule set: vague plurals coded as fixed numbers).

    Examples
    --------
    >>> parse_figure("about 7,000", unit="civilians", source="United Nations")
    ReportedFigure('about 7,000', about 7,000 in [6,500, 7,500], unit='civilians',
                   source='United Nations')
    >>> f = parse_figure("up to 75 a month", unit="attacks")
    >>> f.qualifier, f.interval(), f.unit, f.per
    ('up to', (0.0, 75.0), 'attacks', 'month')
    >>> parse_figure("dozens", rules="acled").interval()
    (12.0, 12.0)
    """
    if not isinstance(text, str):
        raise ReportedFigureError(f"text must be a string, got {text!r}")
    table = get_rules(rules)
    rules_name = rules if isinstance(rules, str) else ("default" if rules is None else "custom")
    original = text
    m = _ROUNDED.search(text)
    if m:
        r0 = _Reader(m.group(1))
        num = _read_numeral(r0)
        r0.skip_space()
        if num is None or r0.pos < len(r0.text) or num.value <= 0:
            raise ReportedFigureError(
                f"cannot read reported figure {original!r}: bad rounding unit {m.group(1)!r}"
            )
        if rounding is None:
            rounding = num.value
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
    first_word = unit_words.split()[0].lower() if unit_words.split() else ""
    bad_unit = unit_words and (
        not re.fullmatch(r"[A-Za-z][\w\s'\u2019\-/.²]*", unit_words)
        or first_word in _NOT_UNITS
        or any(
            w in _SMALL or w in _TENS or w.rstrip("s") in _SCALES
            for w in unit_words.lower().split()
        )
    )
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
    if key not in table:
        raise r.fail(f"no rule for qualifier {key!r} in the rule table")
    rule = table[key]

    u = rounding if rounding is not None else min(first.rounding, (second or first).rounding)
    if rounding is not None and (not np.isfinite(rounding) or rounding <= 0):
        raise InputError(f"rounding must be a positive number, got {rounding!r}")
    a = first.value
    b_ = second.value if second is not None else a
    if second is not None and b_ < a:
        raise r.fail(f"a range from {a:g} down to {b_:g}")
    env = {"x": a, "u": u, "a": a, "b": b_}
    where = f"rule {key!r}"
    value = _evaluate(rule.value, env, where)
    low = _evaluate(rule.low, env, where)
    high = _evaluate(rule.high, env, where)
    cap = _evaluate(rule.cap, env, where) if rule.cap else None
    share = first.share
    if share:
        low, high = max(low, 0.0), min(high, 1.0)
        value = min(max(value, low), high)
    if not (low <= value <= high):
        raise ReportedFigureError(
            f"rule {key!r} gives value {value:g} outside its interval [{low:g}, {high:g}] "
            f"for {original!r}"
        )
    if base is not None:
        value, low, high = value * base, low * base, high * base
        u = u * base
    uses_u = "u" in (rule.low + rule.high + rule.value)
    stated = None if first.vague else first.value
    out_unit = (
        unit if unit is not None else (parsed_unit or ("share" if share and base is None else None))
    )
    return ReportedFigure(
        value=float(value),
        low=float(low),
        high=float(high),
        qualifier=key,
        rounding=float(u) if uses_u else None,
        unit=out_unit,
        per=per if per is not None else per_words,
        source=source,
        date=date,
        quote=quote,
        text=original,
        stated=stated,
        stated_high=second.value if second is not None else None,
        base=base,
        closed=rule.closed,
        cap=cap,
        model=rule.model,
        rules=rules_name,
        scale=first.value if first.vague else 1.0,
        share=bool(share),
    )


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
