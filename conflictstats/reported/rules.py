"""Reported figures, the rule table: qualifier → interval rules and their expressions.

Holds :class:`Rule`, the default and named rule sets (:data:`DEFAULT_RULES`, :data:`RULE_SETS`),
the qualifier synonyms, :func:`get_rules` and :func:`rules_table`, and the small evaluator of
rule expressions (``"x - u/2"``). Re-exported by :mod:`conflictstats.reported`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._validation import InputError, check_choice

__all__ = [
    "ReportedFigureError",
    "Rule",
    "DEFAULT_RULES",
    "RULE_SETS",
    "SYNONYMS",
    "MODELS",
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


@dataclass(frozen=True)
class AppliedRule:
    """A rule applied to a phrase: value and interval on the phrase's own scale (a share
    before its base multiplies it in), the cap, the rounding unit if the rule used one."""

    value: float
    low: float
    high: float
    cap: float | None
    rounding: float | None
    rule: Rule


def apply_rule(phrase: Any, table: Any, *, rounding: float | None = None) -> AppliedRule:
    """Evaluate the rule table's row ``phrase.key`` on the numbers of a read phrase.

    ``x`` is the first number, ``a`` and ``b`` the ends of a range, ``u`` the rounding unit
    (``rounding`` when given, else the finer of the numbers' own units). A share is clipped
    to [0, 1].

    Raises
    ------
    ReportedFigureError
        When the table has no row for the key, or the row gives a value outside its interval.
    """
    key = phrase.key
    if key not in table:
        raise phrase.fail(f"no rule for qualifier {key!r} in the rule table")
    rule = table[key]
    first, second = phrase.first, phrase.second
    u = rounding if rounding is not None else min(first.rounding, (second or first).rounding)
    a = first.value
    b = second.value if second is not None else a
    env = {"x": a, "u": u, "a": a, "b": b}
    where = f"rule {key!r}"
    value = _evaluate(rule.value, env, where)
    low = _evaluate(rule.low, env, where)
    high = _evaluate(rule.high, env, where)
    cap = _evaluate(rule.cap, env, where) if rule.cap else None
    if first.share:
        low, high = max(low, 0.0), min(high, 1.0)
        value = min(max(value, low), high)
    if not (low <= value <= high):
        raise ReportedFigureError(
            f"rule {key!r} gives value {value:g} outside its interval [{low:g}, {high:g}] "
            f"for {phrase.text!r}"
        )
    uses_u = "u" in (rule.low + rule.high + rule.value)
    return AppliedRule(value, low, high, cap, u if uses_u else None, rule)
