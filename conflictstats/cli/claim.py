"""``conflictstats claim``: check a claim that compares two reported rates, as written.

Example (shell)::

    conflictstats claim "up to 75 attacks a month this year versus 60 in 2016" --periods 11 12

The claim is split into its two figures (:func:`conflictstats.reported.split_claim`), each read
with the qualifier rules (:func:`conflictstats.reported.parse_figure`), and compared by
:func:`conflictstats.rates.claim_check` over a grid of dispersions; then the command says what
each qualifier means for the check ("up to 75" bounds the busiest month, it is not a mean).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import re
import sys

__all__ = ["register"]

#: Periods a figure covers by default: a year of its rate's time unit.
DEFAULT_PERIODS = {"day": 365, "week": 52, "fortnight": 26, "month": 12, "quarter": 4, "year": 1}

_ALTERNATIVES = ("two-sided", "larger", "smaller")
_MAXIMA = ("up to", "fewer than")
_MINIMA = ("at least", "more than")


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf"
    return f"{x:,.4g}" if not float(x).is_integer() else f"{int(x):,}"


def _rate_words(fig) -> str:
    unit = f" {fig.unit}" if fig.unit else ""
    per = f" a {fig.per}" if fig.per else ""
    return f"{_fmt(fig.value)}{unit}{per}"


def _interval(fig) -> str:
    left = "[" if fig.closed in ("both", "left") else "("
    right = "]" if fig.closed in ("both", "right") else ")"
    return f"{left}{_fmt(fig.low)}, {_fmt(fig.high)}{right}"


def _pvalue(check_args: dict, which: int, mean: float, dispersion: float) -> float:
    from conflictstats.rates import claim_check

    args = dict(check_args)
    args["rate1" if which == 0 else "rate2"] = mean
    return float(claim_check(**args, dispersion=[dispersion]).pvalue[0])


def _mean_needed(
    check_args: dict, which: int, bound: float, grid, level: float, per: str
) -> list[str]:
    """For a figure that is a maximum above the other rate: the mean it must exceed for the
    difference to be significant, at each dispersion of the grid."""
    from scipy.optimize import brentq

    other = check_args["rate2" if which == 0 else "rate1"]
    cells = []
    for d in grid:
        if _pvalue(check_args, which, bound, d) >= level:
            cells.append(f"out of reach at dispersion {_fmt(d)}")
            continue
        m = brentq(lambda x, d=d: _pvalue(check_args, which, x, d) - level, other, bound, xtol=1e-6)
        cells.append(f"above {m:,.1f} a {per} at dispersion {_fmt(d)}")
    return cells


def _implied_mean(fig, periods: float, grid, per: str) -> list[str]:
    """The mean per period that a busiest period of ``fig.value`` implies (exact interval)."""
    from conflictstats._format import format_ci, format_number
    from conflictstats.rates import mean_from_maximum

    if not (float(fig.value).is_integer() and float(periods).is_integer()):
        return []
    grid = [d for d in grid if d >= 1]
    r = mean_from_maximum(fig.value, periods, dispersion=grid)
    cells = [
        f"{format_number(e)} ({format_ci(lo, hi)}) at dispersion {_fmt(d)}"
        for e, lo, hi, d in zip(r.estimate, r.ci_low, r.ci_high, grid)
    ]
    return [
        f"  read as the busiest of {_fmt(periods)} {per}s, {_fmt(fig.value)} implies a mean "
        f"per {per} (median-unbiased, 95% CI; rates.mean_from_maximum) of " + "; ".join(cells)
    ]


def _meaning(fig, which: int, label: str, check_args: dict, grid, level: float) -> list[str]:
    per = fig.per or "period"
    stated = f'"{fig.text}"'
    rule = f"{fig.qualifier}: {_interval(fig)}"
    other = check_args["rate2" if which == 0 else "rate1"]
    if fig.qualifier in _MAXIMA:
        head = (
            f"{label} {stated} ({rule}) is a maximum, not a mean: it bounds the busiest {per}. "
            f"The check uses {_fmt(fig.value)} as if it were the mean, the most the figure "
            "allows; the mean is lower"
        )
        if fig.value <= other:
            return [f"{head}, which only widens the gap: the check understates the difference."]
        cells = _mean_needed(check_args, which, fig.value, grid, level, per)
        unreachable = any(c.startswith("out of reach") for c in cells)
        return [
            f"{head}, so the check overstates the difference.",
            f"  for a difference significant at the {100 * level:g}% level the mean would "
            "have to be "
            + "; ".join(cells)
            + (" (out of reach: not significant even at the maximum)" if unreachable else ""),
            *_implied_mean(fig, check_args["periods1" if which == 0 else "periods2"], grid, per),
        ]
    if fig.qualifier in _MINIMA:
        effect = (
            "which only widens the gap: the check understates the difference"
            if fig.value >= other
            else "closer to the other figure: the check overstates the difference"
        )
        return [
            f"{label} {stated} ({rule}) is a minimum: the check uses {_fmt(fig.value)}, the "
            f"least the figure says; the true value may be higher, {effect}."
        ]
    if fig.qualifier == "exact":
        return [f"{label} {stated} is taken as stated: the mean rate over its periods."]
    ends = [
        (end, _pvalue(check_args, which, end, 1.0))
        for end in (fig.low, fig.high)
        if math.isfinite(end) and end >= 0
    ]
    at_ends = ", ".join(f"{_fmt(e)}: p {_p(p)}" for e, p in ends)
    return [
        f"{label} {stated} ({rule}) is not one number: the check uses {_fmt(fig.value)}; "
        f"at the ends of its interval (dispersion 1) {at_ends}."
    ]


def _p(p: float) -> str:
    from conflictstats._format import format_pvalue

    text = format_pvalue(p)
    return text if text.startswith("<") else f"= {text}"


def _cmd_claim(args: argparse.Namespace) -> int:
    from conflictstats._format import format_number
    from conflictstats.rates import claim_check
    from conflictstats.reported import ReportedFigureError, parse_figure, split_claim
    from conflictstats.tables import format_frame

    def fail(message: str) -> int:
        print(f"conflictstats claim: {message}", file=sys.stderr)
        return 2

    try:
        parts = split_claim(args.claim)
        for name, phrase in (("first", parts.first), ("second", parts.second)):
            if re.match(r"^\s*[-\u2212]\s*\d", phrase):
                return fail(
                    f"the {name} figure is negative ({phrase!r}): a count or a rate is 0 or more"
                )
        first = parse_figure(parts.first, date=parts.first_when, rules=args.rule_set)
        second = parse_figure(parts.second, date=parts.second_when, rules=args.rule_set)
    except ReportedFigureError as exc:
        return fail(str(exc))
    carried = []
    if second.unit is None and first.unit is not None:
        second = dataclasses.replace(second, unit=first.unit)
        carried.append("unit")
    if second.per is None and first.per is not None:
        second = dataclasses.replace(second, per=first.per)
        carried.append("rate")
    if first.per is None and second.per is not None:
        first = dataclasses.replace(first, per=second.per)
    if first.per != second.per:
        return fail(f"the figures are rates per different units ({first.per}, {second.per})")
    for fig in (first, second):
        if fig.share and fig.base is None:
            return fail(f"{fig.text!r} is a share, not a count or a rate")
    per = first.per
    if args.periods:
        periods = args.periods
        periods_note = "from --periods"
    else:
        n = DEFAULT_PERIODS.get(per, 1) if per else 1
        periods = [float(n), float(n)]
        periods_note = (
            f"default: a year of {per}s each; a part year such as 'this year' in a December "
            "report covers fewer: give --periods"
            if per in DEFAULT_PERIODS
            else "default: 1 each, the figures read as counts over equal periods; give --periods"
        )
    grid = args.dispersion or [1.0, 2.0, 5.0, 10.0, 20.0]
    check_args = {
        "rate1": first.value,
        "periods1": periods[0],
        "rate2": second.value,
        "periods2": periods[1],
        "method": args.method,
        "alternative": args.alternative,
        "confidence": args.confidence,
    }
    try:
        check = claim_check(**check_args, dispersion=grid)
    except ValueError as exc:
        return fail(str(exc))
    unit_name = per or "period"

    print(f"claim: {parts.text}")
    for label, fig, when in (
        ("first ", first, parts.first_when),
        ("second", second, parts.second_when),
    ):
        extra = f" ({when})" if when else ""
        if fig is second and carried:
            extra += f" [{' and '.join(carried)} carried over from the first]"
        print(
            f"  {label}: {fig.text!r}{extra} -> {fig.qualifier} {_fmt(fig.value)} in "
            f"{_interval(fig)}"
            + (f", {fig.unit}" if fig.unit else "")
            + (f" a {fig.per}" if fig.per else "")
        )
    print(f"  periods: {_fmt(periods[0])} and {_fmt(periods[1])} {unit_name}s ({periods_note})")
    print()
    side = "" if args.alternative == "two-sided" else f", one-sided ({args.alternative})"
    for fig in (first, second):
        if fig.qualifier in _MAXIMA:
            print(
                f"note: {_fmt(fig.value)} ({fig.text!r}) is a maximum, the busiest {unit_name}, "
                "not a mean; the check below uses it as the mean (see the end)"
            )
    print(
        f"{_rate_words(first)} over {_fmt(periods[0])} {unit_name}s "
        f"({_fmt(check.count1)}) against {_fmt(second.value)} over {_fmt(periods[1])} "
        f"({_fmt(check.count2)}): rate ratio by dispersion (variance / mean of a {unit_name}'s "
        f"count; 1 is Poisson), {check.method} test{side}"
    )
    table = check.to_frame()[["dispersion", "estimate", "ci_low", "ci_high", "confidence"]]
    table["pvalue"] = check.pvalue
    print(format_frame(table).to_string(index=False))
    level = 1 - args.confidence
    pct = f"{100 * level:g}%"
    if check.critical_dispersion < 1:
        print(f"not significant at the {pct} level even for Poisson counts (dispersion 1)")
    else:
        print(
            f"significant at the {pct} level while the dispersion is below "
            f"{format_number(check.critical_dispersion)}, not from it on"
        )
    print()
    print("what the figures mean for the check:")
    for which, (label, fig) in enumerate((("the first figure", first), ("the second", second))):
        for line in _meaning(fig, which, label, check_args, grid, level):
            print(f"- {line}" if not line.startswith("  ") else f"  {line}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``claim`` sub-command."""

    p = subparsers.add_parser(
        "claim",
        help='check a claim as written: "up to 75 attacks a month this year versus 60 in 2016"',
        description="Split a claim into its two figures ('X versus Y', 'X, up from Y', "
        "'X compared with Y'), read each with the qualifier rules (the second takes the unit "
        "and rate of the first when it states none), compare them as rates over their "
        "periods across a grid of dispersions (rates.claim_check), and say what each "
        "qualifier means for the check: 'up to 75' is a maximum (the busiest month), not a "
        "mean, so the command also gives the mean it would need for a significant "
        "difference. Periods default to a year of the rate's time unit each (12 months for "
        "'a month'); claims about part years need --periods.",
        epilog='example: conflictstats claim "up to 75 attacks a month this year versus 60 in '
        '2016" --periods 11 12',
    )
    # a claim starting with "-5" is a (bad) claim, not an option
    p._negative_number_matcher = re.compile(r"^-\.?\d")
    p.add_argument("claim", metavar="CLAIM", help="the claim, quoted")
    p.add_argument(
        "--periods",
        nargs=2,
        type=float,
        metavar=("P1", "P2"),
        help="periods each figure covers, in its rate's time unit (default: a year's worth "
        "each, e.g. 12 12 for rates a month; 1 1 for plain counts)",
    )
    p.add_argument(
        "--dispersion",
        nargs="+",
        type=float,
        metavar="D",
        help="dispersions to check (variance / mean of a period's count; default: 1 2 5 10 20)",
    )
    p.add_argument("--method", choices=("score", "wald"), default="score", help="default: score")
    p.add_argument(
        "--alternative", choices=_ALTERNATIVES, default="two-sided", help="default: two-sided"
    )
    p.add_argument("--confidence", type=float, default=0.95, help="default: 0.95")
    p.add_argument(
        "--rule-set",
        default="default",
        choices=("default", "narrow", "wide", "acled"),
        help="qualifier rules to read the figures with (default: %(default)s)",
    )
    p.set_defaults(func=_cmd_claim)
