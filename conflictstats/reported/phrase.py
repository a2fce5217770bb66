"""Reported figures, the phrase reader: a qualified phrase into its parts.

:func:`read_phrase` reads "about 7,000 fighters a month" into a :class:`Phrase`: the rule
table row it asks for (the qualifier), the number(s) as written, the base of a share, the unit
and the rate. :func:`conflictstats.reported.parse_figure` applies the rule to it.

The common shapes are read in one pass of a compiled regular expression
(:mod:`~conflictstats.reported._fast`); anything else, and anything that pass would refuse,
goes to the general reader below, a cursor that reads the parts one after the other and says
where reading failed. Its parts live in private modules: the vocabulary and its patterns
(``_vocab``), the numbers, number words, shares and the granularity model (``_numbers``), and
the unit and rate words after the number (``_units``). Runs of white space are collapsed to
one space before reading, so reading is linear in the length of the phrase.
"""

from __future__ import annotations

from ._fast import _fast_read
from ._numbers import (
    Phrase,
    _Number,
    _read_number,
    _read_numeral,
    _read_words,
    _Reader,
    _unscaled,
    granularity,
)
from ._units import _read_tail
from ._vocab import (
    _OF_PRONOUN,
    _OF_RE,
    _POSTFIX_RE,
    _PREFIX_OF,
    _PREFIX_RE,
    _RANGE_AND,
    _RANGE_PREFIX_RE,
    _RANGE_SEP,
    _ROUNDED,
    _UNREAD_RE,
    MAX_NUMBER,
    UNREAD_VAGUE,
)
from .rules import ReportedFigureError

__all__ = ["Phrase", "read_phrase", "granularity", "MAX_NUMBER", "UNREAD_VAGUE"]


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
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())  # linear; every reader below sees single spaces
    # else it is already so: a printable string has no white space but the ASCII space
    if not text.isascii():
        text = text.replace("\u2013", "-").replace("\u2014", "-")
    stated_rounding = None
    if text[-1:] == ")":
        text, stated_rounding = _stated_rounding(text, original)
    last = text[-1:]
    if last in ",;:." or last.isspace():  # else both strips would leave it as it is
        text = text.rstrip(",;:.").rstrip()  # no space leads: split and join removed it
    if text.isascii():  # the one-pass readers read ASCII only, lower-cased
        low = text.lower()
        fast = _fast_read(text, low)
        if fast is not None:
            key, first, second, base, unit, per = fast
            return Phrase(original, key, first, second, base, unit, per, stated_rounding, None, text)
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
