"""Reported figures, the one-pass reader: the common shapes of phrase in one regex match.

Most phrases have one of two shapes. A number: [qualifier | "between" | "from"] number ["to" |
"-" | "and" number] ["or more" | "+" | "or so"] ["of them" | "of 308"] [unit words and rate],
where a number is a numeral (separators, decimals, a scale word or suffix, a percent sign) or
number words ("two thousand", "a dozen", "half a million", "a couple of dozen", "a" before a
unit). Or a fraction or vague amount: [qualifier] ("about half", "dozens", "tens of thousands",
"most") ["or more"] ["of them" | "of 308"] [unit words and rate]. No number starts with a
fraction or vague word, so the two are alternatives of one expression.

:func:`_fast_read` reads both in one match of that compiled expression on the lower-cased
phrase (ASCII only, so that lower-casing keeps every offset), plain unit words and a rate
included ("fighters a month"; other unit words go to the unit reader), then a few dictionary
look-ups. It reads a phrase as the general reader
(:func:`conflictstats.reported.phrase.read_phrase`) does, or returns None and leaves it to the
general reader: anything unusual, and anything the general reader refuses, so that every error
message comes from one place. Property tests check the agreement.

The general reader reads each part greedily and never gives it back. The expression here may
backtrack, but only into readings that come to None: the qualifiers are prefix-free and never
start a number; a shorter numeral leaves a digit, comma or point that nothing after a number
matches; a suffix, scale word or percent sign is either taken or not there (``(?!...)``); a
run of number words is matched atomically (``(?=(?P<w>...))(?P=w)``: a lookahead does not
backtrack); what else could be left for the unit words ("or more", "of them") the unit reader
refuses. Word ends are tested as the general reader tests them.
"""

from __future__ import annotations

import re

from ._numbers import _Number, _unit_of_value, _unscaled, granularity
from ._units import _PER_LAST, _SUSPECT_WORDS, _UNIT_NAMES, _read_tail
from ._vocab import (
    _A_SCALES,
    _A_UNITS,
    _ADVERBS,
    _ALL_ROUNDING,
    _FRACTIONS,
    _PER_WORDS,
    _PREFIX_OF,
    _SCALES,
    _SHARE_ROUNDING,
    _SMALL,
    _SUFFIXES,
    _TENS,
    _TIME_UNITS,
    _VAGUE,
    MAX_NUMBER,
)

_B = r"(?![a-z0-9])"  # the end of a word, as the general reader's patterns test it
_BW = r"(?![a-z])"  # the end of a word as its word-by-word reader takes words (letters)
_SCALE_WORDS = ("dozen", "hundred", "thousand", "million", "billion", "trillion")


def _alt(words, end: str = _B) -> str:
    """Alternation of ``words`` (lower case, longest first), each ending a word.

    The words are grouped by their first letter ("a(?:bout|round)|n(?:early)"): the engine
    tries the alternatives of a group in the same order, but skips a group whose letter is not
    there in one test instead of one test a word (a phrase that starts with no qualifier tried
    forty)."""
    groups: dict[str, list[str]] = {}
    for w in sorted(set(words), key=len, reverse=True):
        groups.setdefault(w[0], []).append(re.escape(w[1:]) + (end if w[-1].isalnum() else ""))
    return "|".join(
        re.escape(first) + (rests[0] if len(rests) == 1 else f"(?:{'|'.join(rests)})")
        for first, rests in groups.items()
    )


_Q = _alt(_PREFIX_OF)
_RP = rf"(?:between|from){_B}"
# a numeral ends where the general reader's does, or the phrase is not read here ("1,00")
_NUMERAL = r"(?:(?=\d{1,3},)\d{1,3}(?:,\d\d\d)+|\d+)(?:\.\d+|)(?![\d,])"
# the general reader's scale words and suffixes; their case is checked on the original text
_SC = rf"(?:[kmb]|mn|mln|bn|tn| (?:bn|mn|mln|tn)| ?(?:thousand|million|billion|trillion)s?){_B}"
_PC = rf" ?(?:%|per ?cent{_B})"
_HALF_A = rf"half an? (?:{'|'.join(_SCALE_WORDS)}){_B}"
_COUPLE = rf"a couple(?: of)?(?: (?:dozen|hundred|thousand|million|billion){_B})?{_B}"
# fractions and vague words come before number words in the general reader ("one third",
# "a few"): a number never starts with one (its own end test, as the general reader's)
_FRACTION_OR_VAGUE = _alt(list(_FRACTIONS) + list(_VAGUE))
_A_UNIT = rf"an?(?= (?:{_alt(_A_UNITS, end='')})s*(?![a-z]))"
_W1 = (
    rf"(?:(?:{_alt(_TENS, end='')}){_BW}"
    rf"(?:-(?:{_alt([w for w in _SMALL if 0 < _SMALL[w] < 10], end='')}){_BW})?"
    rf"|(?:{_alt(_SMALL, end='')}){_BW})"
)
_SCALE_W = rf"(?:{'|'.join(_SCALE_WORDS)}){_BW}"
_WORDS = rf"(?:an?(?= {_SCALE_W})|{_W1})(?: (?:and )?{_W1}| {_SCALE_W})*"


def _taken(name: str, x: str, first: str) -> str:
    """``x`` taken as group ``name`` if it is there, else not there (``(?!x)``: never given
    back); ``first`` holds every character ``x`` can start with, so that both are tried only
    where one of them is next."""
    return rf"(?:(?=[{first}])(?:(?P<{name}>{x})|(?!{x}))|(?![{first}]))"


_SC_FIRST, _PC_FIRST = "kmbt ", " %p"


def _number(i: int) -> str:
    """The i-th number of a phrase: a numeral, or number words."""
    sc, pc, wpc = (
        _taken(f"s{i}", _SC, _SC_FIRST),
        _taken(f"p{i}", _PC, _PC_FIRST),
        _taken(f"wp{i}", _PC, _PC_FIRST),
    )
    return (
        rf"(?:(?P<n{i}>{_NUMERAL}){sc}{pc}"
        rf"|(?=[a-z])(?:(?P<h{i}>{_HALF_A})|(?!{_FRACTION_OR_VAGUE})(?:(?=(?P<c{i}>{_COUPLE}))(?P=c{i})"
        rf"|(?P<a{i}>{_A_UNIT})|(?=(?P<w{i}>{_WORDS}))(?P=w{i}))){wpc})"
    )


# optional parts are written "(?:X|)", not "(?:X)?", and led by a look at the next character:
# the regular expression engine runs these several times faster
_LEAD = rf"(?:(?=[a-z~])(?:(?P<q>{_Q}) ?|(?P<rp>between|from){_B} ?)|)"
_RANGE = rf"(?:(?=[ -])(?P<sep> ?- ?| to | and ){_number(2)}|)"
# a fraction or a vague amount ("about half", "tens of thousands"): no number starts with one
_VS = "(?:hundreds|hundred|thousands|thousand|millions|million)"
_FRACTION_VAGUE = (
    rf"(?P<f>{_alt(_FRACTIONS)})|(?P<v>{_alt(_VAGUE)})"
    rf"(?:(?P<vs>(?: of)? {_VS}{_B})|(?!(?: of)? {_VS}{_B}))"
)
_POST = rf"(?: (?P<post>or more|or fewer|or less|or so){_B}| ?(?P<plus>\+)|)"
_OF = (
    rf"(?: of (?:(?P<pron>them|those|these){_B}|(?P<bn>{_NUMERAL}){_taken('bs', _SC, _SC_FIRST)})|)"
)

#: Last characters of unit words that the general reader's normalisation strips or reads
_UNPLAIN_END = frozenset(" ,;:.)")
_POST_OF = {"or so": "about", "or fewer": "up to", "or less": "up to", "or more": "at least"}
_VAGUE_SCALE = {"h": 100.0, "t": 1e3, "m": 1e6}
_CASED_SUFFIX = {"k", "K", "M", "B"}  # single-letter suffixes as the general reader takes them
_OF_WORD = re.compile(r"of ([a-z]+)")
_NOT_AFTER_OF = set(_SMALL) | set(_TENS) | {"a", "an", "half", "them", "those", "these"}

# The unit words most phrases end in, read in one match: plain words (lower-case letters,
# single spaces; "of fighters" reads "fighters") and an optional rate after them ("a month",
# "in a week", "daily"). A plain word is none of the words that send a tail through the unit
# reader's checks one by one (_units._SUSPECT_WORDS), no word that starts or ends a rate, no
# word the general reader reads after "of" (_NOT_AFTER_OF) and holds no scale word: then the
# only rate the unit reader can find is the one matched here, right after the unit words, and
# the unit words pass all its checks. Whatever else (a trailing mark, "three months", "attacks
# /month") does not match and goes to the unit reader; a property test checks that every tail
# matched reads as the unit reader reads it.
_PLAIN_EXCLUDED = (
    set(_SUSPECT_WORDS)
    | set(_PER_LAST)
    | set(_NOT_AFTER_OF)
    | {w for p in _PER_WORDS for w in p.split(" ")}
    | {"of"}
)
_PLAIN_WORD = rf"(?!(?:{_alt(_PLAIN_EXCLUDED, end='')})(?![a-z]))[a-z]+"
_PLAIN_TAIL = re.compile(
    rf"(?!.*(?:thousand|illion))(?:(?:of )?(?P<uw>{_PLAIN_WORD}(?: {_PLAIN_WORD})*)(?: (?=[a-z])|$)|)"
    rf"(?:(?:{_alt(_PER_WORDS, end=' ')})(?P<pu>{_alt(_TIME_UNITS, end='')})s?"
    rf"|(?P<adv>{_alt([a for a in _ADVERBS if ' ' not in a], end='')})|)"
)

# the unit words: plain (read in the match) or any other (read by the unit reader)
_TAIL = rf"(?: ?(?=[a-z])(?:{_PLAIN_TAIL.pattern}|(?P<tail>[^\d]*))|)"

_FAST = re.compile(rf"{_LEAD}(?:{_number(1)}{_RANGE}|{_FRACTION_VAGUE}){_POST}{_OF}{_TAIL}")
_FAST_GROUPS = (
    "q rp n1 s1 p1 h1 c1 a1 w1 wp1 sep n2 s2 p2 h2 c2 a2 w2 wp2 f v vs post plus pron bn bs"
    " uw pu adv tail"
).split()
assert list(_FAST.groupindex) == _FAST_GROUPS  # the order _fast_read unpacks them in


def _scale(written: str) -> float | None:
    """The scale of a suffix or scale word as written; None where the general reader does not
    take it as one ("5m" is five metres, "2 BN" a unit)."""
    word = written.lstrip(" ")
    if len(word) == 1:
        return _SUFFIXES[word.lower()] if word in _CASED_SUFFIX else None
    if len(word) <= 3:
        return _SUFFIXES[word] if word.islower() else None
    return _SCALES[word.lower().rstrip("s")]


_POW10 = {k: 10.0**k for k in range(-30, 31)}  # 10.0 ** k, the same floats, looked up


def _numeral(digits: str, suffix: str | None, percent: str | None) -> _Number | None:
    """A numeral as :func:`conflictstats.reported._numbers._read_numeral` reads it, with its
    scale word or suffix as written (None if none); None where the general reader would read
    it otherwise."""
    scale = None
    if suffix is not None:
        scale = _scale(suffix)
        if scale is None:
            return None
    if "," in digits:
        digits = digits.replace(",", "")
    value = float(digits)
    # the unit of the last significant digit, as _trailing_unit gives it
    if "." in digits:
        k = digits.find(".") + 1 - len(digits)
        unit = _POW10.get(k) or 10.0**k
    else:
        stripped = digits.rstrip("0")
        k = len(digits) - len(stripped)
        unit = (_POW10.get(k) or 10.0**k) if stripped else 1.0
    if scale is not None:
        value, unit = value * scale, unit * scale
    if not value < MAX_NUMBER:
        return None  # too large: the general reader says so
    u = unit
    # granularity(value, unit), inline: only a number whose significant digits are 1, 2 or 3
    # is coarser than its unit, and value / unit is then below 3.5
    if unit >= 10 and value > 0 and value < 3.5 * unit:
        lead = round(value / unit)
        if lead == 1:
            u = unit / 4
        elif lead == 2 or lead == 3:
            u = unit / 2
    if percent:
        return _Number(value / 100, u / 100, False, True)
    return _Number(value, u, scale is not None)


def _words(half_a, couple, a_unit, words, percent) -> _Number | None:
    """Number words as :func:`conflictstats.reported._numbers._read_words` reads them."""
    if half_a:
        scale = _A_SCALES[half_a.rsplit(" ", 1)[1]]
        if scale == 12.0:
            n = _Number(6.0, 6.0, dozen=True)
        else:
            n = _Number(scale / 2, scale / 10, scale >= 1e3)
    elif couple:
        last = couple.rsplit(" ", 1)[1]
        if last not in _A_SCALES:
            n = _Number(2.0, 1.0, approx=True)
        elif last == "dozen":
            n = _Number(24.0, 6.0, dozen=True, approx=True)
        else:
            scale = _A_SCALES[last]
            n = _Number(2 * scale, granularity(2 * scale, scale), scale >= 1e3, approx=True)
    elif a_unit:
        return _Number(1.0, 1.0)
    elif words in _ONE_WORD:
        n = _ONE_WORD[words]
    else:
        total = current = 0.0
        dozen = scaled = False
        for w in words.split(" "):
            v = _SMALL.get(w)
            if v is not None:
                current += v
            elif w in _TENS:
                current += _TENS[w]
            elif w == "and":
                pass
            elif w == "a" or w == "an":
                current = 1.0
            elif w == "dozen":
                current *= 12
                dozen = True
            elif w == "hundred":
                current *= 100
            elif w in _SCALES:
                if not current:
                    return None  # "two thousand thousand": the general reader stops there
                total += current * _SCALES[w]
                current, scaled = 0.0, True
            else:  # "twenty-five"
                tens, unit = w.split("-")
                current += _TENS[tens]
                current += _SMALL[unit]
        value = total + current
        if not value < MAX_NUMBER:
            return None
        if dozen:
            n = _Number(value, 6.0, scaled, dozen=True)
        else:
            n = _Number(value, granularity(value, _unit_of_value(value)), scaled)
    if percent:
        return _Number(n.value / 100, n.rounding / 100, False, True)
    return n


#: The reading of each single number word ("thirty", "twenty-five"), made once by _words
#: itself; most number words in reports are one word. The numbers are never changed once read.
_ONE_WORD: dict[str, _Number] = {}
_ONE_WORD.update(
    (w, _words(None, None, None, w, None))
    for w in [*_SMALL, *_TENS, *(f"{t}-{u}" for t in _TENS for u in _SMALL if 0 < _SMALL[u] < 10)]
)


def _of_words_read(low: str, at: int) -> bool:
    """Whether the general reader would read the "of ..." at ``at`` as a base or a pronoun
    (which the one-pass reader leaves to it)."""
    m = _OF_WORD.match(low, at)
    return m is not None and m.group(1) in _NOT_AFTER_OF


def _fast_read(text: str, low: str) -> tuple | None:
    """Read a phrase in one regular-expression pass into its parts ``(key, first, second,
    base, unit, per)``, deciding the rule as the general reader does, or return None where the
    general reader would read it otherwise or refuse it. ``text`` is ASCII and ``low`` is
    ``text.lower()``. ``text`` need not be normalised as the general reader normalises it:
    where normalising would change it (white space other than single spaces, a trailing mark),
    the expression does not match, or the unit words are refused here."""
    m = _FAST.fullmatch(low)
    if m is None:
        return None
    (q, rp, n1, s1, p1, h1, c1, a1, w1, wp1, sep, n2, s2, p2, h2, c2, a2, w2, wp2,
     f, v, vs, post, plus, pron, bn, bs, uw, pu, adv, tail) = m.groups()  # fmt: skip
    # the first number
    if n1 is not None:
        first = _numeral(n1, None if s1 is None else text[m.start("s1") : m.end("s1")], p1)
    elif f is not None:
        value = _FRACTIONS[f]
        first = _Number(value, _ALL_ROUNDING if value == 1.0 else _SHARE_ROUNDING, False, True)
    elif v is not None:
        key = _VAGUE[v]
        if key == "most":
            if vs:
                return None  # "most hundreds": the general reader refuses the scale word
            first = _Number(1.0, 1.0, False, True, key)
        else:
            first = _Number(_VAGUE_SCALE[vs.rsplit(" ", 1)[1][0]] if vs else 1.0, 1.0, vague=key)
    else:
        first = _words(h1, c1, a1, w1, wp1)
    if first is None:
        return None
    # the qualifier, the second number of a range and the words that qualify after it
    qualifier = _PREFIX_OF[q] if q else "exact"
    if first.approx and qualifier == "exact":
        qualifier = "about"
    second = None
    if sep is not None:
        if sep.strip(" ") not in (("to", "and") if rp else ("to", "-")):
            return None
        if n2 is not None:
            second = _numeral(n2, None if s2 is None else text[m.start("s2") : m.end("s2")], p2)
        else:
            second = _words(h2, c2, a2, w2, wp2)
        if second is None:
            return None
    elif rp:
        return None
    if post or plus:
        if second is not None or first.vague is not None or qualifier != "exact":
            return None
        qualifier = _POST_OF[post] if post else "at least"
    # the base ("of 308") and the unit words
    base = None
    if bn is not None:
        if not first.share:
            return None
        b = _numeral(bn, None if bs is None else text[m.start("bs") : m.end("bs")], None)
        if b is None:
            return None
        base = b.value
    unit = per = None
    if uw is not None:
        unit = _UNIT_NAMES.get(uw) or text[m.start("uw") : m.end("uw")]
    if pu is not None:
        per = pu
    elif adv is not None:
        per = _ADVERBS[adv]
    elif tail is not None:
        tail_at = m.start("tail")
        tail = text[tail_at:]
        if tail[-1] in _UNPLAIN_END or "  " in tail or not tail.isprintable():
            return None  # the general reader normalises these first
        if bn is None and low.startswith("of ", tail_at) and _of_words_read(low, tail_at):
            return None
        unit, per, error = _read_tail(tail)
        if error is not None:
            return None
    # the rule
    if first.vague is not None:
        if qualifier != "exact":
            return None
        key = first.vague
    elif second is not None:
        if qualifier != "exact" and qualifier != "about":
            return None
        if second.share and not first.share and not first.scaled:
            first = _Number(first.value / 100, first.rounding / 100, False, True)  # "10-20%"
        if second.share != first.share:
            return None
        if second.scaled and not first.scaled and first.value < second.value:
            scale = second.value / _unscaled(second)
            first = _Number(first.value * scale, first.rounding * scale, False, first.share)
        if second.value < first.value:
            return None
        key = "range" if qualifier == "exact" else "about range"
    else:
        key = qualifier
    return key, first, second, base, unit, per
