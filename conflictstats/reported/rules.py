"""Reported figures, the rule table: qualifier → interval rules and their expressions.

Holds :class:`Rule`, the default and named rule sets (:data:`DEFAULT_RULES`, :data:`RULE_SETS`),
the qualifier synonyms, :func:`get_rules` and :func:`rules_table`, and the small evaluator of
rule expressions (``"x - u/2"``). Re-exported by :mod:`conflictstats.reported`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

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
    ``inf``, combined with ``+``, ``-``, ``*``, ``/``, parentheses and ``min(.., ..)`` /
    ``max(.., ..)``, e.g. ``"x - u/2"`` or ``"max(10, 3*x)"``.

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
    "nearly": _rule(
        "x", "x - u/2", "x", "left", note="below the stated number, within half a rounding unit"
    ),
    "just over": _rule(
        "x", "x", "x + u/2", "right", note="above the stated number, within half a rounding unit"
    ),
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

_NARROW_NOTE = "narrow reading: half the default's spread (sensitivity analysis)"
_WIDE_NOTE = "wide reading: twice the default's spread (sensitivity analysis)"

#: Named rule sets: ``"default"``, ``"narrow"``, ``"wide"`` and ``"acled"``. ``"narrow"`` and
#: ``"wide"`` halve and double the spread of every qualifier the rounding unit or a cap sets
#: (vague words and shares as in the default), for sensitivity analyses
#: (:func:`conflictstats.propagate.sensitivity`).
RULE_SETS: dict[str, dict[str, Rule]] = {
    "default": DEFAULT_RULES,
    "narrow": {
        **DEFAULT_RULES,
        "about": _rule("x", "x - u/4", "x + u/4", model="triangular", note=_NARROW_NOTE),
        "nearly": _rule("x", "x - u/4", "x", "left", note=_NARROW_NOTE),
        "just over": _rule("x", "x", "x + u/4", "right", note=_NARROW_NOTE),
        "at least": _rule("x", "x", "inf", "left", cap="1.5*x", note=_NARROW_NOTE),
        "more than": _rule("x", "x", "inf", "neither", cap="1.5*x", note=_NARROW_NOTE),
        "up to": _rule("x", "x/2", "x", note=_NARROW_NOTE + ": the maximum is near the typical"),
        "fewer than": _rule("x", "x/2", "x", "left", note=_NARROW_NOTE),
        "about range": _rule("a/2 + b/2", "a - u/4", "b + u/4", note=_NARROW_NOTE),
    },
    "wide": {
        **DEFAULT_RULES,
        "about": _rule("x", "x - u", "x + u", model="triangular", note=_WIDE_NOTE),
        "nearly": _rule("x", "x - u", "x", "left", note=_WIDE_NOTE),
        "just over": _rule("x", "x", "x + u", "right", note=_WIDE_NOTE),
        "at least": _rule("x", "x", "inf", "left", cap="3*x", note=_WIDE_NOTE),
        "more than": _rule("x", "x", "inf", "neither", cap="3*x", note=_WIDE_NOTE),
        "about range": _rule("a/2 + b/2", "a - u", "b + u", note=_WIDE_NOTE),
    },
    "acled": {
        **DEFAULT_RULES,
        "several": _rule(
            "max(10, 3*x)",
            "max(10, 3*x)",
            "max(10, 3*x)",
            note=_ACLED_NOTE + "; 'several hundred' as the default's lower end, 3x",
        ),
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
    "a few": "a few, a handful, a few hundred (x = 100)",
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
                _ExprParser(expr, f"rules[{key!r}].{part}", {}).parse()  # raises if malformed
        table[key] = rule
    return table


_GRANULARITY = (
    "u = granularity of x: trailing zeros, but at most x/4 on the 1-2-2.5-5 series "
    "(100 -> 25, 30,000 -> 5,000, 7,000 -> 1,000); 6 for dozens; 0.1 for fractions"
)


def _uses_u(rule: Rule) -> bool:
    """Whether the rule's value or interval depends on the rounding unit ``u``."""
    return "u" in re.findall(r"[A-Za-z_]\w*", f"{rule.value} {rule.low} {rule.high}")


def _granularity_of(key: str, rule: Rule) -> str:
    if not _uses_u(rule):
        return ""
    if key == "about range":
        return "u = the finer granularity of a and b"
    return _GRANULARITY


def rules_table(rules: Any = None) -> list[dict[str, str]]:
    """The rule table as rows (qualifier, phrases, value, interval, granularity, cap, model,
    note).

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
                "granularity": _granularity_of(key, rule),
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


# ---------------------------------------------------------------------------------------------
# Rule expressions: parsed once into one Python function of (u, a, b) for each rule
# ---------------------------------------------------------------------------------------------
# An expression is parsed into the source of a Python expression (the operations and their
# order as written, so the results are the same to the bit as evaluating it step by step), and
# a rule's expressions compiled once into one function (CompiledRule.read): a rule is evaluated
# for every phrase read; get_rules parses them only to refuse a malformed one. Only the
# parser's own tokens reach the source; every number is a named constant.
_EXPR_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_]\w*)|(\S))")
_SYMBOLS = ("x", "u", "a", "b")


class _ExprParser:
    """Recursive descent over ``sum := [+-] term {(+|-) term}``, ``term := factor {(*|/)
    factor}``, ``factor := number | x | u | a | b | inf | min(sum, sum) | max(sum, sum) |
    (sum)``, into Python source; ``consts`` names the numbers, ``x`` is the name x is given."""

    def __init__(self, expr: str, name: str, consts: dict[str, float], x: str = "x") -> None:
        self.expr, self.name, self.consts, self.x = expr, name, consts, x
        self.tokens = []
        pos = 0
        while pos < len(expr):
            m = _EXPR_TOKEN.match(expr, pos)
            if not m:
                break  # trailing white space
            self.tokens.append(m.group(1) or m.group(2) or m.group(3))
            pos = m.end()
        self.i = 0

    def error(self) -> InputError:
        return InputError(f"{self.name}: cannot read rule expression {self.expr!r}")

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise self.error()
        self.i += 1
        return tok

    def const(self, c: float) -> str:
        name = f"_k{len(self.consts)}"
        self.consts[name] = c
        return name

    def parse(self) -> str:
        f = self.sum()
        if self.peek() is not None:
            raise self.error()
        return f

    def sum(self) -> str:
        sign = self.take() if self.peek() in ("+", "-") else "+"
        f = self.term()
        if sign == "-":
            f = f"({self.const(0.0)} - {f})"
        while self.peek() in ("+", "-"):
            op = self.take()
            f = f"({f} {op} {self.term()})"
        return f

    def term(self) -> str:
        f = self.factor()
        while self.peek() in ("*", "/"):
            op = self.take()
            f = f"({f} {op} {self.factor()})"
        return f

    def factor(self) -> str:
        tok = self.take()
        if tok[0].isdigit() or tok[0] == ".":
            return self.const(float(tok))
        if tok in _SYMBOLS:
            return self.x if tok == "x" else tok
        if tok == "inf":
            return self.const(math.inf)
        if tok in ("min", "max"):
            if self.take() != "(":
                raise self.error()
            f = self.sum()
            if self.take() != ",":
                raise self.error()
            g = self.sum()
            if self.take() != ")":
                raise self.error()
            return f"_{tok}({f}, {g})"
        if tok == "(":
            f = self.sum()
            if self.take() != ")":
                raise self.error()
            return f
        if tok[0].isalpha() or tok[0] == "_":
            raise InputError(
                f"{self.name}: unknown symbol {tok!r} in {self.expr!r}; use x, u, a, b, inf, "
                "min(.., ..), max(.., ..)"
            )
        raise self.error()


def _function(args: str, body: str, consts: dict[str, float]) -> Callable[..., Any]:
    """``lambda args: body`` compiled, with the named constants and min/max only."""
    namespace = {"__builtins__": {}, "_min": min, "_max": max, **consts}
    return eval(f"lambda {args}: {body}", namespace)  # noqa: S307 (source built by the parser)


class CompiledRule:
    """A rule with its expressions parsed: what :func:`apply_rule` evaluates.

    ``read(u, a, b)`` gives ``(value, low, high, cap)`` for ``x = a`` in one call (``cap`` None
    when the rule has none)."""

    __slots__ = ("rule", "uses_u", "read", "figure")

    def __init__(self, rule: Rule, name: str = "rule") -> None:
        self.rule = rule
        #: for the reader (conflictstats.reported): the fields of every figure this row of
        #: its table gives that do not depend on the phrase, made on first use
        self.figure: dict | None = None
        self.uses_u = _uses_u(rule)
        consts: dict[str, float] = {}
        parts = [
            _ExprParser(expr, f"{name}.{part}", consts, x="a").parse() if expr else "None"
            for part, expr in (
                ("value", rule.value), ("low", rule.low), ("high", rule.high), ("cap", rule.cap)
            )
        ]  # fmt: skip
        # x is a, the first number of the phrase
        self.read = _function("u, a, b", "(" + ", ".join(parts) + ")", consts)


def compile_rules(rules: Any = None) -> tuple[dict[str, CompiledRule], str]:
    """The compiled rule table for ``rules=`` and its name ("default", a set name or
    "custom"); the named sets are compiled once."""
    if rules is None:
        return _COMPILED["default"], "default"
    if isinstance(rules, str):
        check_choice(rules, RULE_SETS, "rules")
        return _COMPILED[rules], rules
    table = get_rules(rules)
    return {k: CompiledRule(r, f"rules[{k!r}]") for k, r in table.items()}, "custom"


_tuple_new = tuple.__new__  # builds an AppliedRule without its Python-level __new__


class AppliedRule(NamedTuple):
    """A rule applied to a phrase: value and interval on the phrase's own scale (a share
    before its base multiplies it in), the cap, the rounding unit if the rule used one."""

    value: float
    low: float
    high: float
    cap: float | None
    rounding: float | None
    rule: Rule


def apply_rule(
    phrase: Any, table: Mapping[str, CompiledRule], *, rounding: float | None = None
) -> AppliedRule:
    """Evaluate the compiled rule table's row ``phrase.key`` on the numbers of a read phrase.

    ``x`` is the first number, ``a`` and ``b`` the ends of a range, ``u`` the rounding unit
    (``rounding`` when given, else the finer of the numbers' own units). A share is clipped
    to [0, 1].

    Raises
    ------
    ReportedFigureError
        When the table has no row for the key, or the row gives a value outside its interval.
    """
    value, low, high, cap, u, compiled = _apply_parts(
        phrase.key, phrase.first, phrase.second, table, rounding, phrase
    )
    return _tuple_new(AppliedRule, (value, low, high, cap, u, compiled.rule))


def _apply_parts(
    key: str,
    first: Any,
    second: Any,
    table: Mapping[str, CompiledRule],
    rounding: float | None,
    phrase: Any = None,
) -> tuple | None:
    """:func:`apply_rule` on the parts of a phrase, as a plain tuple ``(value, low, high, cap,
    u, compiled)`` (what reading a phrase unpacks). Where the rule cannot be applied it raises,
    naming the phrase, or returns None when no ``phrase`` is given (the one-pass reader's
    figure then goes through the general reader, so that every message is made in one
    place)."""
    compiled = table.get(key)
    if compiled is None:
        if phrase is None:
            return None
        raise phrase.fail(f"no rule for qualifier {key!r} in the rule table")
    if rounding is not None:
        u = rounding
    elif second is None or first.rounding <= second.rounding:
        u = first.rounding
    else:
        u = second.rounding
    a = first.value
    value, low, high, cap = compiled.read(u, a, a if second is None else second.value)
    if first.share:
        low, high = max(low, 0.0), min(high, 1.0)
        value = min(max(value, low), high)
    if not (low <= value <= high):
        if phrase is None:
            return None
        raise ReportedFigureError(
            f"rule {key!r} gives value {value:g} outside its interval [{low:g}, {high:g}] "
            f"for {phrase.text!r}"
        )
    return value, low, high, cap, u if compiled.uses_u else None, compiled


_COMPILED: dict[str, dict[str, CompiledRule]] = {
    name: {k: CompiledRule(r, f"rule {k!r}") for k, r in table.items()}
    for name, table in RULE_SETS.items()
}
