"""Reported figures, the phrase reader's tail: the unit and rate words after the number.

:func:`_read_tail` splits the words after a figure into the unit ("fighters", normalised for
areas and distances: "sq km" -> "km2") and the time unit of a rate ("a month", "per day",
"weekly"), and refuses stray parts of a figure left there ("dozens about", "a month a week").
It is a pure function of the words, cached, because units repeat in a table of figures.
"""

from __future__ import annotations

from functools import lru_cache

from ._vocab import (
    _ADVERBS,
    _DANGLING,
    _DIGIT_WORD,
    _NOT_UNITS,
    _PER_ARTICLE,
    _PER_RE,
    _PER_WORDS,
    _POSTFIX_WORDS,
    _PREFIX_OF,
    _PREFIX_WORDS,
    _RATE_INSIDE,
    _SCALES,
    _SHARE_WORDS,
    _SMALL,
    _TENS,
    _TIME_UNITS,
    _TOKEN_SPLIT,
    _UNIT_CHARS,
    _UNITS,
)

#: The last word (after the last space or "/") of a tail with a rate (lower case): a time unit,
#: in the plural too, or an adverb ("a year" ends in "year"). _PER_RE matches no other tail.
_PER_LAST = frozenset(_TIME_UNITS) | {u + "s" for u in _TIME_UNITS} | set(_ADVERBS)
#: A rate _PER_RE matches starts at most this far before its last word ("/ a single ").
_PER_BEFORE_LAST = 2 + max(map(len, _PER_WORDS)) + 1


# Plain unit words (lower-cased ASCII letters and single spaces) pass every check
# of _read_tail unless one of them is a connective, an article, a word of a qualifier, a number
# or share word, a rate word ("a day", "per"), "or" ("or more") or a scale word: these send the
# words through the checks one by one. It finds more than the checks refuse ("people in
# camps"), never less.
_SUSPECT_WORDS = (
    _NOT_UNITS
    | _DANGLING
    | {w for q in _PREFIX_OF for w in q.split(" ")}
    | set(_SMALL)
    | set(_TENS)
    | _SHARE_WORDS
    | {"or"}
)


def _unit_names() -> dict[str, str]:
    """Every spelling of the units with a canonical name (lower case), from _UNITS."""
    sq = ["sq", "sq.", "sq ", "sq. "]
    forms = [f"{s}km" for s in sq] + [f"{s}mi{e}" for s in sq for e in ("", "le", "les")]
    forms += ["square kilometres", "square kilometers", "square km", "km2", "km\u00b2"]
    forms += ["km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"]
    forms += ["square mile", "square miles", "mi2", "mi", "mile", "miles"]
    names = {}
    for form in forms:
        for pattern, name in _UNITS:
            if pattern.match(form):
                names[form] = name
                break
    return names


_UNIT_NAMES = _unit_names()


@lru_cache(maxsize=4096)
def _read_tail(tail: str) -> tuple[str | None, str | None, str | None]:
    """Read the words after the figure into (unit, per, error); a pure function of the words.

    ``error`` names what is wrong with them (None when they read), for the caller to raise
    with the phrase and the position. Most tails are plain unit words ("fighters", "sq km"):
    a few string tests clear them (``_SUSPECT_WORDS``), and only a suspect tail goes through the
    checks one by one.
    """
    ascii_ = tail.isascii()
    if ascii_:
        lowered = tail.lower()
        last = max(lowered.rfind(" "), lowered.rfind("/")) + 1
        if lowered[last:] in _PER_LAST:
            unit_words, per = _read_per(tail, max(0, last - _PER_BEFORE_LAST))
        else:
            unit_words, per = tail, None  # no rate: _PER_RE needs one of these last words
    else:
        unit_words, per = _read_per(tail, 0)
    unit_words = unit_words.strip()
    if unit_words[:3].lower() == "of ":
        unit_words = unit_words[3:].lstrip()
    if not unit_words:
        return None, per, None
    if ascii_:
        lowered = unit_words.lower()
        if (
            lowered.replace(" ", "").isalpha()
            and "  " not in lowered
            and "thousand" not in lowered
            and "illion" not in lowered
            and _SUSPECT_WORDS.isdisjoint(lowered.split(" "))
        ):
            return _UNIT_NAMES.get(lowered, unit_words), per, None
    if _DIGIT_WORD.search(unit_words):
        return unit_words, per, "unexpected number after the figure"
    if per is not None and _RATE_INSIDE.search(unit_words.lower()):
        return unit_words, per, "two rates"
    if _is_bad_unit(unit_words) or _POSTFIX_WORDS.search(unit_words):
        return unit_words, per, "unexpected words after the figure"
    return _normalise_unit(unit_words), per, None


def _read_per(tail: str, start: int) -> tuple[str, str | None]:
    """Split the words after the number into (unit words, per); no rate starts before
    ``start``."""
    m = _PER_RE.search(tail, start)  # a rate ends the tail
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
