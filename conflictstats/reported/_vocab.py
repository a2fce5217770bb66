"""Reported figures, the phrase reader's vocabulary: the words it knows and their patterns.

Qualifier prefixes (from :data:`~conflictstats.reported.SYNONYMS`), number words and scales,
fractions, vague amounts (read and refused), units and rate words, and the precompiled regular
expressions of the general reader (:mod:`conflictstats.reported.phrase`), which match at a
cursor with ``re.I``.
"""

from __future__ import annotations

import re

from .rules import SYNONYMS

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
_PER_WORDS = ("a", "an", "per", "each", "every", "in a", "in an", "in one", "a single")
_PER_RE = re.compile(
    rf"(?:^| |/) ?(?:(?:{'|'.join(_PER_WORDS)}) )?({_UNITS_ALT})s?$"
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
