"""Reported figures, the one-pass reader: the common shapes of phrase in one regex match."""

from __future__ import annotations

import re

from ._numbers import Phrase, _Number, _Reader, _trailing_unit, _unscaled, granularity
from ._units import _read_tail
from ._vocab import _PREFIX_OF, _PREFIX_RE, _SCALES, _SMALL, _SUFFIXES, _TENS, _VAGUE, MAX_NUMBER

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
