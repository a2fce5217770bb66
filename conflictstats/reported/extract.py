"""Reported figures, from whole texts: every number or vague amount in an article, read.

:func:`extract_figures` finds each figure phrase in a text (a qualifier, a number or vague
amount, a second number of a range, a postfix such as "or more", and a rate such as "a
month"), reads it with :func:`conflictstats.reported.parse_figure`, and adds what the text says
around it: the counted noun (subject), the sentence, and the source the sentence attributes it
to ("according to X", "X said"). Dates, years, ages, times, ordinals and numbers in names
("Route 47") are not figures: they are left out, or listed apart with ``nonfigures=True``.

The extractor is rule-based (regular expressions and the phrase reader, no model): it reads
what the phrase reader reads, and its rules for what is not a figure are listed in
:data:`NONFIGURE_RULES`.
"""

from __future__ import annotations

import bisect
import heapq
import re
from typing import Any

import pandas as pd

from ._numbers import _read_number, _Reader
from ._vocab import (
    _FRACTIONS,
    _POSTFIX_RE,
    _PREFIX_OF,
    _RANGE_AND,
    _RANGE_SEP,
    _SMALL,
    _TENS,
    _TIME_UNITS,
    _VAGUE,
)
from .rules import ReportedFigureError

__all__ = ["extract_figures", "NONFIGURE_RULES", "EXTRACT_COLUMNS"]

#: Columns of the table :func:`extract_figures` returns, in order.
EXTRACT_COLUMNS = (
    "start",
    "end",
    "text",
    "qualifier",
    "value",
    "low",
    "high",
    "unit",
    "per",
    "subject",
    "source",
    "sentence",
    "stated",
    "stated_high",
    "kind",
    "figure",
)

#: What is not a figure, and how it is recognised.
NONFIGURE_RULES = {
    "year": "a four-digit number from 1900 to 2100 without a thousands separator or qualifier",
    "date": "a day number next to a month name ('Dec 5', '24 November')",
    "age": "'aged 25', '25-year-old', '25 years old'",
    "time": "'10:30', '3 pm', '3 p.m.'",
    "ordinal": "'24th', '1st'",
    "name": "a number inside a name ('F-16', 'Route 47', 'Resolution 2254', 'COVID-19')",
    "compound": "a number joined to a word by a hyphen ('a 24-hour curfew', '3-day standoff')",
    "slash": "numbers joined by slashes ('9/11', '12/05/2018', '24/7')",
}

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_MONTH = r"(?:" + "|".join(m.capitalize() for m in _MONTHS) + r")\.?"
_NAME_WORDS = (
    "route highway road resolution article section chapter division brigade battalion regiment "
    "flight unit no number level phase camp gate block sector zone district province room "
    "grade page paragraph item model version covid mig"
).split()
_NUMBER_WORDS = sorted(set(_SMALL) - {"zero"} | set(_TENS) | {"hundred", "dozen"})
_VAGUE_ANCHORS = sorted(set(_VAGUE) | {"a couple"})
_TIME_OR_DISTANCE = sorted(
    set(_TIME_UNITS) | {"decade", "kilometre", "kilometer", "km", "mile", "square kilometre"}
)
# Anchors: numerals, and (on the lower-cased text) number words, vague words, fractions and
# "a"/"an" before a unit. Both patterns start with a literal character class, which lets the
# regex engine skip ahead; word boundaries before them are checked in Python.
_NUM_ANCHOR = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?")
_A_ANCHOR = (
    r"an? (?:" + "|".join(_TIME_OR_DISTANCE) + r")s?"
    r"|an? (?:dozen|hundred|thousand|million|billion)"
)
# one flat alternation of literals (no groups), which the regex engine scans fastest
_WORD_ANCHOR = re.compile(
    r"(?:"
    + "|".join(
        re.escape(w)
        for w in sorted(set(_NUMBER_WORDS) | set(_VAGUE_ANCHORS) | set(_FRACTIONS), key=len)[::-1]
    )
    + "|"
    + _A_ANCHOR
    + r")(?![a-z])"
)
_KIND_OF = {
    **dict.fromkeys(_NUMBER_WORDS, "words"),
    **dict.fromkeys(_FRACTIONS, "frac"),
    **dict.fromkeys(_VAGUE_ANCHORS, "vague"),
}


def _anchors(flat: str):
    """(start, end, kind) of every anchor, in text order."""
    nums = (
        (m.start(), m.end(), "num")
        for m in _NUM_ANCHOR.finditer(flat)
        if not (m.start() and (flat[m.start() - 1].isalnum() or flat[m.start() - 1] in "_.,:/"))
    )
    lowered = flat.lower()
    words = (
        (m.start(), m.end(), _KIND_OF.get(m.group(0), "a"))
        for m in _WORD_ANCHOR.finditer(lowered)
        if not (m.start() and (lowered[m.start() - 1].isalnum() or lowered[m.start() - 1] == "_"))
    )
    return heapq.merge(nums, words)


_RATE = re.compile(
    r" ?(?:(?:a|an|per|each|every|in a|in an|in one|a single) (?:"
    + "|".join(_TIME_UNITS)
    + r")s?\b|/(?:"
    + "|".join(_TIME_UNITS)
    + r")\b|(?:hourly|daily|weekly|monthly|yearly|annually)\b)",
    re.I,
)
_WORD = re.compile(r" ?([A-Za-z][\w'\u2019\-]*)")
_STOP = set(
    (
        "a an the and or but nor so yet of in on at into onto from to by for with without since "
        "after before during until within across against among between over under near "
        "who whom whose which that this these those there here as than versus vs "
        "is are was were be been being has have had do does did will would can could may might "
        "must shall should said says say told according reported estimated allegedly "
        "killed wounded injured captured died fled arrived left moved remain remained "
        "it its their his her them they he she we you i our your also still only just "
        "each every per last next this "
        "more most less fewer about around nearly almost some up least"
    ).split()
)
_OF_DETERMINERS = re.compile(r" of (?:the |its |their |his |her |our |those |these |them )?", re.I)
_PRONOUNS = {"he", "she", "they", "it", "we", "officials"}
_SAY = r"(?:said|says|say|told|estimated|estimates|reported|reports|wrote|claimed|claims|announced|stated|added|warned|confirmed)"
_ACCORDING = re.compile(r"\baccording to (.+?)(?= - |[,.;:\"\u201d]|$)", re.I)
_SAID = re.compile(
    rf"(?:^|[,;:\"\u201c\u201d]\s*|\b(?:and|but|although|though|while|however|which|as)\s+)"
    rf"(?P<src>(?:[A-Za-z][\w'\u2019.\-]*\s+){{0,5}}?[A-Za-z][\w'\u2019.\-]*),?\s+{_SAY}\b"
)
_SAID_AFTER = re.compile(rf"\b{_SAY}\s+(?P<src>(?:[A-Z][\w'\u2019.\-]*\s*){{1,4}})")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n",
    "approx", "c", "est", "rep", "sen", "gov", "prof", "inc", "ltd", "co",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]*[A-Z0-9])|\n\s*\n|\n")


_ABBREV_BEFORE = re.compile(r"([\w.]+)\.$")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split after . ! ? before a capital or digit (not after an
    abbreviation such as "Mr." or "Dec."), and at line breaks."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0)[0] == ".":
            before = _ABBREV_BEFORE.search(text, max(start, m.start() - 12), m.start() + 1)
            if before and (before.group(1).lower() in _ABBREVIATIONS or len(before.group(1)) == 1):
                continue
        end = m.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.I)
_TIME = re.compile(r":\d|\s?(?:a\.m\.|p\.m\.|am\b|pm\b)", re.I)
_AGE_AFTER = re.compile(r"-year-old|\s?years? old\b", re.I)
_AGE_BEFORE = re.compile(r"\baged\s$", re.I)
_NAME_BEFORE = re.compile(r"[A-Za-z]-?$")
_NAME_AFTER = re.compile(r"-[A-Za-z]")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s$")
_MONTH_BEFORE = re.compile(rf"\b{_MONTH}\s$")
_MONTH_AFTER = re.compile(rf"\s{_MONTH}(?!\w)")
_HALF_PERIOD = re.compile(r"\b(?:first|second|latter|former) $", re.I)
_BASE = re.compile(r" of (\d[\d,]*)(?![\d,]*\d)")


def _nonfigure(text: str, start: int, end: int, digits: str, qualified: bool) -> str | None:
    """The kind of non-figure a numeral is, or None when it is a figure."""
    after = text[end : end + 12]
    before = text[max(0, start - 24) : start]
    if _ORDINAL.match(after):
        return "ordinal"
    if _TIME.match(after):
        return "time"
    if _AGE_AFTER.match(after) or _AGE_BEFORE.search(before):
        return "age"
    if _NAME_BEFORE.search(before):
        return "name"
    if _NAME_AFTER.match(after):
        return "compound"
    if after[:1] == "/" and after[1:2].isdigit():
        return "slash"
    word = _WORD_BEFORE.search(before)
    if word and word.group(1).lower() in _NAME_WORDS:
        return "name"
    plain = digits.isdigit()
    if plain and 1 <= int(digits) <= 31:
        if _MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after):
            return "date"
    if plain and len(digits) == 4 and 1900 <= int(digits) <= 2100 and not qualified:
        return "year"
    return None


_SAY_WORD = re.compile(rf"\b{_SAY}\b")


def _source(sentence: str, last: str | None) -> str | None:
    sentence = sentence.strip()
    if not _SAY_WORD.search(sentence) and "ccording to" not in sentence:
        return None
    m = _ACCORDING.search(sentence)
    if m:
        return " ".join(m.group(1).split())
    m = _SAID.search(sentence)
    if m:
        words = m.group("src").split()
        while words and words[0].lower() in ("the", "and", "but", "a") and len(words) > 1:
            if words[0].lower() != "the":
                words = words[1:]
            else:
                break
        src = " ".join(words)
        if src.lower() in _PRONOUNS:
            return last
        return src
    m = _SAID_AFTER.search(sentence)
    if m:
        return " ".join(m.group("src").split())
    return None


def _subject(text: str, pos: int, end: int) -> tuple[str | None, int]:
    """The counted noun after a figure: up to four words, skipping "of the", stopping at
    punctuation and at function words. Returns the words and where they end."""
    m = _OF_DETERMINERS.match(text, pos)
    if m and m.end() < end:
        pos = m.end()
    words, last = [], pos
    while len(words) < 4:
        w = _WORD.match(text, last)
        if not w or w.group(1).lower() in _STOP:
            break
        if words and w.group(1).islower() and w.group(1).endswith(("ing", "ed")):
            break  # "75 trucks carrying ...": a verb
        words.append(w.group(1))
        last = w.end()
    return (" ".join(words) or None), last


def extract_figures(text: str, *, rules: Any = None, nonfigures: bool = False) -> pd.DataFrame:
    """Find every reported figure in a text and read it.

    Parameters
    ----------
    text : str
        An article, a report, a paragraph.
    rules : None, str or mapping, optional
        The qualifier → interval rules (see :func:`conflictstats.reported.get_rules`).
    nonfigures : bool
        Also list the numbers that are not figures (dates, years, ages, times, ordinals,
        numbers in names), with ``kind`` saying which and the parsed columns empty.

    Returns
    -------
    pandas.DataFrame
        One row per figure, in text order, with the columns of :data:`EXTRACT_COLUMNS`:
        ``start`` and ``end`` (character offsets of the phrase in ``text``), ``text`` (the
        phrase, ``text[start:end]``), ``qualifier`` (the rule applied), ``value`` (the central
        value), ``low`` and ``high``, ``unit`` and ``per`` (as
        :func:`~conflictstats.reported.parse_figure` reads them), ``subject`` (the counted noun
        after the figure), ``source`` (who the sentence attributes it to, if anyone),
        ``sentence``, ``stated`` and ``stated_high`` (the numbers as written), ``kind``
        ("figure") and ``figure`` (the :class:`~conflictstats.reported.ReportedFigure`). A text
        without figures gives an empty table with these columns.

    Raises
    ------
    ReportedFigureError
        ``text`` is not a string.

    Notes
    -----
    Candidates are found by one regular expression (numerals, number words, vague words,
    fractions, "a/an" before a unit of time or distance); each is extended left over a
    qualifier ("nearly", "at least", "between") and right by the phrase reader over a range,
    a postfix ("or more") and a rate ("a month", possibly after the counted noun). "one" and
    fractions ("half", "all", "most") count only with a qualifier or before "of" ("most of
    the deaths"); numbers that are not figures follow :data:`NONFIGURE_RULES`. A source is
    the object of "according to", the subject of a verb of saying or estimating ("the
    Observatory said"), or after the verb ("said Col Ryan"); a pronoun ("he said") takes the
    last named source before it.

    Examples
    --------
    >>> from conflictstats.reported import extract_figures
    >>> t = ("At least 30 fighters were captured on Nov 24, 2018, the Observatory said. "
    ...      "Up to 75 attacks a month were recorded, according to CSIS.")
    >>> extract_figures(t)[["text", "qualifier", "low", "high", "per", "source"]]
                           text qualifier   low  high    per           source
    0      At least 30 fighters  at least  30.0   inf    NaN  the Observatory
    1  Up to 75 attacks a month     up to   0.0  75.0  month             CSIS
    """
    from . import parse_figure

    if not isinstance(text, str):
        raise ReportedFigureError(f"text must be a string, got {type(text).__name__}")
    # one space for every line break or tab, so offsets stay those of the text
    flat = text.translate(_FLATTEN)
    sentences = _sentences(text)
    starts = [s for s, _ in sentences]
    sources = _Sources(flat, sentences)
    rows: list[dict[str, Any]] = []
    consumed = 0
    for anchor in _anchors(flat):
        if anchor[0] < consumed:
            continue
        row = _read_at(flat, anchor, rules, parse_figure)
        if row is None:
            continue
        if row["kind"] != "figure" and not nonfigures:
            consumed = max(consumed, row["end"])
            continue
        k = bisect.bisect_right(starts, row["start"]) - 1
        s, e = sentences[k] if k >= 0 else (0, len(text))
        row["sentence"] = " ".join(text[s:e].split())
        row["source"] = sources[k] if k >= 0 and row["kind"] == "figure" else None
        row["text"] = text[row["start"] : row["end"]]
        rows.append(row)
        consumed = max(consumed, row["end"])
    columns = {c: [row[c] for row in rows] for c in EXTRACT_COLUMNS}
    frame = pd.DataFrame(columns, columns=list(EXTRACT_COLUMNS))
    for c in ("start", "end"):
        frame[c] = frame[c].astype("int64")
    for c in ("value", "low", "high", "stated", "stated_high"):
        frame[c] = frame[c].astype("float64")
    return frame


class _Sources:
    """The source of each sentence, worked out on demand (a pronoun needs the sources of the
    sentences before it, back to the last named one)."""

    def __init__(self, flat: str, sentences: list[tuple[int, int]]) -> None:
        self.flat, self.sentences = flat, sentences
        self.cache: dict[int, str | None] = {}

    def named_before(self, k: int) -> str | None:
        for j in range(k - 1, -1, -1):
            src = self[j]
            if src and src.lower() not in _PRONOUNS:
                return src
        return None

    def __getitem__(self, k: int) -> str | None:
        if k not in self.cache:
            s, e = self.sentences[k]
            src = _source(self.flat[s:e], None)
            if (
                src is None
                and _SAY_WORD.search(self.flat, s, e)
                and _PRONOUN_SAID.search(self.flat, s, e)
            ):
                src = self.named_before(k)
            self.cache[k] = src
        return self.cache[k]


_PRONOUN_SAID = re.compile(rf"\b(?:he|she|they|it|we)\s+{_SAY}\b", re.I)
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u2013": "-", "\u2014": "-"})
_WINDOW = 240  # characters from an anchor that the phrase reader sees
_QUALIFIED_ONLY = {"one", "all", "half", "a half", "one half", "most"}


def _read_at(
    flat: str, anchor: tuple[int, int, str], rules: Any, parse_figure: Any
) -> dict[str, Any] | None:
    start, anchor_end, kind = anchor
    is_a = kind == "a"
    before = flat[max(0, start - 40) : start]
    qlen = _prefix_before(before)
    q = qlen > 0
    rp = 0 if q else _range_prefix_before(before)
    qstart = start - qlen - rp
    if kind == "num":
        nonfigure = _nonfigure(flat, start, anchor_end, flat[start:anchor_end], bool(q))
        if nonfigure:
            return _nonfigure_row(start, anchor_end, nonfigure)
    word = flat[start:anchor_end].lower()
    if word in _QUALIFIED_ONLY or word in _FRACTIONS:
        of_follows = flat.startswith(" of ", anchor_end)
        if not q and not (of_follows and word in ("most", "half", "a third", "a quarter")):
            return None
        if word == "most" and q:
            return None  # "the most", "at most": not "most of"
    if word == "most" and not flat.startswith(" of ", anchor_end):
        return None
    if word == "half" and _HALF_PERIOD.search(before):
        return None  # "the first half of the year": a period, not a share
    # the phrase reader works on a window, so that its error messages (which quote the rest
    # of their text) never copy the whole article
    r = _Reader(flat[start : start + _WINDOW])
    try:
        first = _read_number(r)
    except ReportedFigureError:
        return None
    if first is None:
        return None
    if is_a:
        r.pos = max(r.pos, anchor_end - start)
    core_end = start + r.pos
    if first.vague is None:
        save = r.pos
        sep = r.match(_RANGE_AND) if rp else r.match(_RANGE_SEP)
        second = None
        if sep:
            try:
                second = _read_number(r)
            except ReportedFigureError:
                second = None
        if second is not None and second.vague is None:
            core_end = start + r.pos
        else:
            r.pos = save
            if rp:
                qstart = start  # "from 5 fighters": not a range
        post = r.match(_POSTFIX_RE)
        if post:
            core_end = start + r.pos
    if first.share and flat.startswith(" of ", core_end):
        b = _BASE.match(flat, core_end)
        if b:
            core_end = b.end()
    end = core_end
    rate = _RATE.match(flat, end)
    if is_a:
        subject, subject_end = None, end  # "a year earlier": the unit is the anchor's
    else:
        subject, subject_end = _subject(flat, end, len(flat))
    candidates = []
    if rate:
        candidates.append(rate.end())
    elif subject:
        after = _RATE.match(flat, subject_end)
        if after:
            candidates.append(after.end())
        candidates.append(subject_end)
    candidates.append(end)
    phrase = flat[qstart:end]
    fig = None
    for stop in candidates:
        phrase = flat[qstart:stop]
        try:
            fig = parse_figure(phrase, rules=rules)
        except ReportedFigureError:
            continue
        end = stop
        break
    if fig is None:
        return None
    if rate and end > core_end and not is_a:
        subject, _ = _subject(flat, end, len(flat))
    return {
        "start": qstart,
        "end": end,
        "text": phrase,
        "qualifier": fig.qualifier,
        "value": fig.value,
        "low": fig.low,
        "high": fig.high,
        "unit": fig.unit,
        "per": fig.per,
        "subject": subject,
        "source": None,
        "sentence": None,
        "stated": fig.stated,
        "stated_high": fig.stated_high,
        "kind": "figure",
        "figure": fig,
    }


_PREFIX_KEYS = {w.lower() for w in _PREFIX_OF}
_PREFIX_WORDS = max(len(w.split()) for w in _PREFIX_KEYS)


_PREFIX_LAST = {w.split(" ")[-1] for w in _PREFIX_KEYS}


def _prefix_before(before: str) -> int:
    """Length of the qualifier ("at least ", "~") that ends ``before``, or 0."""
    if before.endswith("~"):
        return 1
    if not before.endswith(" "):
        return 0
    if before[:-1].rsplit(" ", 1)[-1].lower() not in _PREFIX_LAST:
        return 0
    words = before[:-1].split(" ")
    for k in range(min(_PREFIX_WORDS, len(words)), 0, -1):
        phrase = " ".join(words[-k:])
        if phrase.lower() in _PREFIX_KEYS and (k < len(words) or len(before) < 40):
            return len(phrase) + 1
    return 0


def _range_prefix_before(before: str) -> int:
    """Length of "between " or "from " ending ``before`` (as a whole word), or 0."""
    tail = before[-8:].lower()
    for word in ("between ", "from "):
        if tail.endswith(word):
            k = len(before) - len(word)
            if k == 0 or not before[k - 1].isalnum():
                return len(word)
    return 0


def _nonfigure_row(start: int, end: int, kind: str) -> dict[str, Any]:
    row = dict.fromkeys(EXTRACT_COLUMNS)
    row.update(start=start, end=end, kind=kind)
    return row
