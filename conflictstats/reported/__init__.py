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

This module holds the figure and :func:`parse_figure`; the rule table lives in
``reported.rules`` and the phrase reader in ``reported.phrase`` (with its private parts:
``_vocab``, ``_numbers``, ``_units`` and the one-pass reader ``_fast``), and the public names of
both are importable from here.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import InputError, as_rng, check_choice
from ._fast import _fast_read
from ._units import _read_tail
from ._vocab import _FRACTION_WORDS
from .phrase import read_phrase
from .rules import (
    DEFAULT_RULES,
    MODELS,
    RULE_SETS,
    SYNONYMS,
    ReportedFigureError,
    Rule,
    _apply_parts,
    apply_rule,  # noqa: F401 (reported.apply_rule, as before)
    compile_rules,
    get_rules,
    rules_table,
)

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
    "ClaimPhrases",
    "split_claim",
    "extract_figures",
    "EXTRACT_COLUMNS",
    "NONFIGURE_RULES",
]


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
        Rounding unit used (the number's granularity unless given; see the Notes of
        :func:`parse_figure`).
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
    share_low, share_high : float or None
        For a share, the interval of the share itself (before any base multiplies it in):
        "about half of 308" has ``share_low = 0.45`` and ``share_high = 0.55``.
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
    share_low: float | None = None
    share_high: float | None = None

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

    def with_rules(self, rules: Any) -> ReportedFigure:
        """The same phrase read under another rule set (for sensitivity analyses).

        The unit, rate, source, date and quote are kept; a rounding unit passed to
        :func:`parse_figure` as ``rounding=`` is not (write it into the phrase as "(rounded
        to N)" to keep it).

        Examples
        --------
        >>> f = parse_figure("about 2,000 to 2,500", unit="fighters")
        >>> f.interval(), f.with_rules("wide").interval()
        ((1950.0, 2550.0), (1900.0, 2600.0))
        """
        if not self.text:
            raise ReportedFigureError("a figure without its phrase (text) cannot be re-read")
        return parse_figure(
            self.text,
            rules=rules,
            unit=self.unit,
            per=self.per,
            source=self.source,
            date=self.date,
            quote=self.quote,
        )

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
            vague = (
                self.stated is None and self.scale == 1 and q not in ("most", "a few", "several")
            )
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
        Rounding unit; by default the granularity of the number as written (see Notes:
        "about 7,000" has 1,000, "about 100" 25, "about 2.5" 0.1; fractions such as "half"
        have 0.1, "all" 0.25; numbers counted in dozens have 6, so "about a dozen" is [9, 15]).
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

    The granularity of a number (``u``) is the coarsest step of the 1-2-2.5-5 series (1, 2,
    2.5 and 5 times a power of ten) that divides it and is at most a quarter of it, never
    coarser than the unit of its last significant digit: 100 has 25, 30,000 has 5,000, 120
    keeps 10 and 7,000 keeps 1,000 (:func:`conflictstats.reported.phrase.granularity`).
    Round numbers are read on the coarsest scale they belong to (Krifka 2009) and the
    favoured round numbers are those of the 1-2-5 and 1-2.5-5 series (Jansen and Pollmann
    2001); the quarter bounds "about x" to ±12.5%.

    Vague amounts without a documented reading ("a lot of", "many", "an unknown number")
    and scientific notation ("10e5") are refused; "a"/"an" is one only before a unit of
    time or distance or a number scale.

    References
    ----------
    Jansen, C. J. M. and Pollmann, M. M. W. (2001). On round numbers: pragmatic aspects of
    numerical expressions. Journal of Quantitative Linguistics 8(3), 187-201.

    Krifka, M. (2009). Approximate interpretations of number words: a case for strategic
    communication. In Hinrichs, E. and Nerbonne, J. (eds.), Theory and Evidence in
    Semantics, CSLI Publications, 109-132.

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
    if rounding is not None:
        if (
            isinstance(rounding, bool)
            or not isinstance(rounding, (int, float, np.number))
            or not math.isfinite(rounding)
            or rounding <= 0
        ):
            raise InputError(f"rounding must be a positive number, got {rounding!r}")
        rounding = float(rounding)  # every number _read computes is then a float
    if not isinstance(text, str):
        raise ReportedFigureError(f"text must be a string, got {text!r}")
    if rules is None and rounding is None:
        key: Any = text  # the common call
    elif rules is None or isinstance(rules, str):
        key = (text, rules, rounding)
    else:
        key = None  # a custom table: compiled anew, not kept
    fig = None if key is None else _CACHE.get(key)
    if fig is None:
        fig = _read(text, rules, rounding)
        if key is not None:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.clear()
            _CACHE[key] = fig
    if unit is None and per is None and source is None and date is None and quote is None:
        return fig  # frozen: the figure a phrase reads to can be shared
    fields = dict(fig.__dict__)
    if unit is not None:
        fields["unit"] = unit
    if per is not None:
        fields["per"] = per
    fields["source"], fields["date"], fields["quote"] = source, date, quote
    return _new_figure(fields)


_DEFAULT_TABLE = compile_rules(None)[0]


def _read(text: str, rules: Any, rounding: float | None) -> ReportedFigure:
    """The figure a phrase and the rules give (no metadata)."""
    if rules is None:
        table, rules_name = _DEFAULT_TABLE, "default"
    else:
        table, rules_name = compile_rules(rules)
    # A phrase that read_phrase's normalisation would not change is read in one pass, into its
    # parts (key, first, second, base, unit, per) without a Phrase: the one-pass expression
    # matches single spaces only, never a leading space, a tab or a trailing mark (",", ".",
    # ")"), and the one-pass reader checks the unit words itself (_fast._fast_read).
    # Anything else, or anything the rule refuses (so that every message is made in one
    # place), goes through read_phrase.
    parts = None
    if text.isascii():
        low = text.lower()
        parts = _fast_read(text, low)
    if parts is not None:
        key, first, second, base, unit, per = parts
        applied = _apply_parts(key, first, second, table, rounding)
    if parts is None or applied is None:
        phrase = read_phrase(text)
        key, first, second, base, unit, per = (
            phrase.key, phrase.first, phrase.second, phrase.base, phrase.unit, phrase.per
        )  # fmt: skip
        if rounding is None:
            rounding = phrase.rounding
        applied = _apply_parts(key, first, second, table, rounding, phrase)
    value, low, high, cap, u, compiled = applied
    share = first.share
    # every number here is a Python float: the numbers read are, the rounding is made one,
    # and the rules' constants are floats (a test checks every field's type)
    if share:
        share_low, share_high = low, high
    if base is not None:
        value, low, high = value * base, low * base, high * base
        u = None if u is None else u * base
    fields = compiled.figure  # the fields the rule and its table decide
    if fields is None:
        fields = compiled.figure = _rule_fields(key, compiled.rule, rules_name)
    fields = fields.copy()  # what stays None (source, date, quote, ...) is not written
    fields["value"] = value
    fields["low"] = low
    fields["high"] = high
    if u is not None:
        fields["rounding"] = u
    if unit:
        fields["unit"] = unit
    elif share and base is None:
        fields["unit"] = "share"
    fields["per"] = per
    fields["text"] = text
    if first.vague is None:
        fields["stated"] = first.value
    else:
        fields["scale"] = first.value
    if second is not None:
        fields["stated_high"] = second.value
    if base is not None:
        fields["base"] = base
    if cap is not None:
        fields["cap"] = cap
    if share:
        fields["share"] = True
        fields["share_low"] = share_low
        fields["share_high"] = share_high
    fig = _object_new(ReportedFigure)
    _object_setattr(fig, "__dict__", fields)  # the copy is the figure's own
    return fig


_object_new, _object_setattr = object.__new__, object.__setattr__


def _rule_fields(key: str, rule: Rule, rules_name: str) -> dict[str, Any]:
    """Every field of a figure, with those that one row of a rule table decides (kept on the
    compiled row: a row belongs to one table, under one key)."""
    fields = _FIELDS.copy()
    fields["qualifier"] = key
    fields["closed"] = rule.closed
    fields["model"] = rule.model
    fields["rules"] = rules_name
    return fields


#: Every field of a ReportedFigure, with the values _read leaves alone (copying it is
#: cheaper than writing all 22).
_FIELDS = dict.fromkeys(f.name for f in dataclasses.fields(ReportedFigure))
_FIELDS.update(scale=1.0, rules="default", share=False)


#: Phrases repeat (a table of events says "dozens" a thousand times): the figure a phrase and
#: a named rule set read to is a pure function of them, and frozen, so it is kept for reuse,
#: under the phrase itself for the default rules without a rounding unit, else under (phrase,
#: rules, rounding). A plain dict, emptied when it reaches its size: a look-up in it costs a
#: quarter of one in lru_cache. ``benchmarks/bench_reported.py`` times parsing both with and
#: without it.
_CACHE_SIZE = 16_384
_CACHE: dict[Any, ReportedFigure] = {}


def _clear_caches() -> None:
    """Empty every cache of the phrase reader (for timing it cold)."""
    _CACHE.clear()
    _read_tail.cache_clear()


def _new_figure(fields: dict[str, Any]) -> ReportedFigure:
    """A ReportedFigure from a complete dict of its fields, without the frozen dataclass's
    per-field ``object.__setattr__`` (ten times the cost of the rest of parsing); the
    instance is the same as ``ReportedFigure(**fields)``."""
    fig = object.__new__(ReportedFigure)
    fig.__dict__.update(fields)
    return fig


# ---------------------------------------------------------------------------------------------
# claims: "X versus Y"
# ---------------------------------------------------------------------------------------------
_CONNECTORS = re.compile(
    r"(?:,\s*)?\b(?P<connector>versus|vs\.?|v\.|compared\s+(?:with|to)|as\s+against|against"
    r"|up\s+from|down\s+from|rising\s+from|falling\s+from)(?=\s|$)",
    re.I,
)
_PERIOD_WORDS = r"(?:year|month|week|quarter|period|season|summer|winter|spring|autumn|fall)"
_WHEN = re.compile(
    r"(?:,\s*|\s+)(?P<when>"
    rf"(?:(?:so\s+far|earlier|later)\s+)?(?:this|last|that|next|the\s+same|the\s+previous|"
    rf"the\s+following|the\s+whole\s+of)\s+{_PERIOD_WORDS}"
    rf"|(?:a|one|the)\s+{_PERIOD_WORDS}\s+(?:earlier|before|ago|later)"
    r"|(?:in|during|throughout|over|for|since|by|until|through)\s+[^\d,;]*?\d{4}"
    r"(?:\s*(?:-|\u2013|to|and)\s*\d{2,4})?"
    r")\s*[.,;:]?\s*$",
    re.I,
)


@dataclass(frozen=True)
class ClaimPhrases:
    """The two figures of a comparison claim, split by :func:`split_claim`.

    Attributes
    ----------
    first, second : str
        The phrases of the two figures, ready for :func:`parse_figure` ("up to 75 attacks a
        month", "60").
    first_when, second_when : str or None
        The period each figure refers to, as written ("this year", "in 2016").
    connector : str
        The word(s) that joined them ("versus", "up from", ...).
    text : str
        The claim as given.
    """

    first: str
    second: str
    first_when: str | None
    second_when: str | None
    connector: str
    text: str


def _strip_when(side: str) -> tuple[str, str | None]:
    m = _WHEN.search(side)
    if not m or not side[: m.start()].strip():
        return side.strip(), None
    return side[: m.start()].strip(), " ".join(m.group("when").split())


def _readable_tail(phrase: str) -> str:
    """The longest word-final part of ``phrase`` that :func:`parse_figure` reads ("we counted
    12,500 a year" -> "12,500 a year"), dropping only words without digits; the phrase itself
    when no such part reads."""
    words = phrase.split()
    for k in range(len(words)):
        if k and (re.search(r"\d", words[k - 1]) or words[k - 1][0] in "+-\u2212"):
            break  # never drop a number (or a sign) to make the rest readable
        tail = " ".join(words[k:])
        try:
            parse_figure(tail)
        except ReportedFigureError:
            continue
        return tail
    return phrase


def split_claim(text: str) -> ClaimPhrases:
    """Split a comparison claim ("up to 75 attacks a month this year versus 60 in 2016") into
    the phrases of its two figures and the periods they refer to.

    Parameters
    ----------
    text : str
        A claim with two figures joined by "versus", "vs", "v.", "compared with/to",
        "against", "as against", or "up/down/rising/falling from". Words before the first
        figure are dropped: up to the last comma, semicolon or colon before it ("attacks were
        more frequent, up to 75 a month versus 60"), then any leading words that
        :func:`parse_figure` cannot read ("we counted 12,500 ..."); words after the second
        figure are dropped from its first comma or semicolon on ("60 in 2016, the
        researcher said").

    Returns
    -------
    ClaimPhrases
        The two phrases (each to be read by :func:`parse_figure`), the period of each where
        the claim states one ("this year", "last month", "in 2016", "a year earlier"), and
        the connector.

    Raises
    ------
    ReportedFigureError
        When the text has no connector, more than one, or an empty side.

    Notes
    -----
    The split is lexical: it finds the connector, then peels a trailing period expression off
    each side. It does not decide what the periods mean: "this year" in a December report is
    eleven or twelve months, which the caller states (``conflictstats claim --periods``). The
    second figure often leaves its unit and rate implicit ("versus 60"); the caller carries
    them over from the first.

    Examples
    --------
    >>> from conflictstats.reported import split_claim
    >>> c = split_claim("up to 75 attacks a month this year versus 60 in 2016")
    >>> c.first, c.first_when, c.second, c.second_when
    ('up to 75 attacks a month', 'this year', '60', 'in 2016')
    >>> split_claim("about 7,000 fighters, up from 5,000 a year earlier").second_when
    'a year earlier'
    """
    if not isinstance(text, str):
        raise ReportedFigureError(f"text must be a string, got {text!r}")
    found = list(_CONNECTORS.finditer(text))
    if not found:
        raise ReportedFigureError(
            f"cannot split claim {text!r}: no 'versus', 'vs', 'compared with', 'against' or "
            "'up from' between two figures"
        )
    if len(found) > 1:
        words = ", ".join(repr(m.group("connector")) for m in found)
        raise ReportedFigureError(f"cannot split claim {text!r}: more than one connector ({words})")
    m = found[0]
    before, after = text[: m.start()], text[m.end() :]
    # clause breaks: semicolons, colons and commas that are not thousands separators
    head = re.split(r"[;:]|,(?!\d{3}\b)", before)
    first, first_when = _strip_when(head[-1] if head[-1].strip() else before)
    first = _readable_tail(first)
    second_text = re.split(r";|,(?!\d{3}\b)", after)[0]
    second, second_when = _strip_when(second_text.strip().rstrip(".").strip())
    for name, side in (("first", first), ("second", second)):
        if not side:
            raise ReportedFigureError(f"cannot split claim {text!r}: the {name} figure is empty")
    return ClaimPhrases(
        first=first,
        second=second,
        first_when=first_when,
        second_when=second_when,
        connector=" ".join(m.group("connector").lower().split()),
        text=text,
    )


from .extract import EXTRACT_COLUMNS, NONFIGURE_RULES, extract_figures  # noqa: E402
