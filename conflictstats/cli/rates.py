"""``conflictstats rates``: compare two Poisson counts, or two reported rates, from the shell.

Examples (shell)::

    # the claim "75 attacks a month in 2018 (11 months) versus 60 in 2016 (12 months)"
    conflictstats rates "75/month x 11" "60/month x 12"
    conflictstats rates 75 60 --rate --periods 11 12 --dispersion 1 2 5 10
    # counts over exposures: 825 events in 11 months against 720 in 12
    conflictstats rates 825/11 720/12
    conflictstats rates 900/12 720/12 --method score --compare difference
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass

__all__ = ["register", "main"]

_NUMBER = r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)"
_UNITS = "day|week|fortnight|month|quarter|year|period"
_GROUP = re.compile(
    rf"""^\s*(?P<value>{_NUMBER})\s*
    (?:/\s*(?:(?P<exposure>{_NUMBER})|(?P<unit>{_UNITS})s?)\s*)?
    (?:[x\u00d7*]\s*(?P<periods>{_NUMBER}))?\s*$""",
    re.X | re.I,
)
# argparse takes "-5/1" for an option; a word starting with "-" and a digit is a value here
_NEGATIVE_VALUE = re.compile(r"^-\.?\d")


@dataclass(frozen=True)
class _Group:
    """One side as typed: ``COUNT[/EXPOSURE]`` or ``RATE/UNIT[ x PERIODS]``."""

    text: str
    value: float
    exposure: float | None = None
    unit: str | None = None
    periods: float | None = None


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _group(text: str) -> _Group:
    """Read ``COUNT``, ``COUNT/EXPOSURE``, ``RATE/UNIT`` or ``RATE/UNIT x PERIODS``."""
    m = _GROUP.match(text)
    if not m:
        raise argparse.ArgumentTypeError(
            f"expected COUNT, COUNT/EXPOSURE or RATE/UNIT x PERIODS (e.g. 825/11 or "
            f"'75/month x 11'), got {text!r}"
        )
    unit = m["unit"].lower() if m["unit"] else None
    return _Group(
        text=text,
        value=_number(m["value"]),
        exposure=_number(m["exposure"]) if m["exposure"] else None,
        unit=unit,
        periods=_number(m["periods"]) if m["periods"] else None,
    )


def _fmt(x: float) -> str:
    return f"{x:,.6g}"


@dataclass(frozen=True)
class _Side:
    count: float
    exposure: float
    rate: float | None  # the rate as given, when the side was given as a rate
    unit: str | None


class _UsageError(ValueError):
    """The arguments do not describe two counts or two rates."""


def _resolve(groups: list[_Group], args: argparse.Namespace) -> list[_Side]:
    periods = args.periods
    sides = []
    for k, g in enumerate(groups):
        is_rate = args.rate or g.unit is not None or g.periods is not None
        if g.value < 0:
            what = "rate" if is_rate else "count"
            raise _UsageError(
                f"{what}{k + 1} is negative ({_fmt(g.value)} in {g.text!r}): a {what} of "
                "events is 0 or more"
            )
        if is_rate:
            if g.exposure is not None:
                raise _UsageError(
                    f"{g.text!r}: with --rate give the rate alone (75) or as '75/month x 11', "
                    "not COUNT/EXPOSURE"
                )
            if g.periods is not None and periods is not None:
                raise _UsageError(f"{g.text!r} states its periods; leave out --periods")
            n = g.periods if g.periods is not None else (periods[k] if periods else None)
            if n is None:
                unit = g.unit or "period"
                raise _UsageError(
                    f"how many {unit}s does {g.text!r} cover? Write "
                    f"'{_fmt(g.value)}/{unit} x 11' or give --periods"
                )
            count = g.value * n
            whole = float(math.floor(count + 0.5))
            if not math.isclose(count, whole, rel_tol=0, abs_tol=1e-9):
                print(
                    f"note: {_fmt(g.value)} a {g.unit or 'period'} over {_fmt(n)} is "
                    f"{_fmt(count)} events, rounded to {whole:.0f} for the exact tests",
                    file=sys.stderr,
                )
            count = whole
            sides.append(_Side(count, n, g.value, g.unit))
        else:
            if g.exposure is not None and periods is not None:
                raise _UsageError(f"{g.text!r} states its exposure; leave out --periods")
            exposure = g.exposure if g.exposure is not None else (periods[k] if periods else 1.0)
            sides.append(_Side(g.value, exposure, None, None))
    units = {s.unit for s in sides if s.unit}
    if len(units) > 1:
        raise _UsageError(
            f"the two rates are per different units ({', '.join(sorted(units))}); "
            "give both per the same unit"
        )
    unit = units.pop() if units else None
    return [
        _Side(s.count, s.exposure, s.rate, s.unit or (unit if s.rate is not None else None))
        for s in sides
    ]


def _describe(side: _Side) -> str:
    if side.rate is None:
        return f"{_fmt(side.count)} events over {_fmt(side.exposure)}"
    unit = side.unit or "period"
    return (
        f"{_fmt(side.rate)} a {unit} over {_fmt(side.exposure)} {unit}s ({_fmt(side.count)} events)"
    )


def _dispersion_lines(check, *, confidence: float, alternative: str, unit: str) -> list[str]:
    """The overdispersion check of :func:`conflictstats.rates.claim_check` as printed lines:
    a table (one row per dispersion) and a sentence on where significance ends."""
    from conflictstats.tables import format_frame

    table = check.to_frame()[["dispersion", "estimate", "ci_low", "ci_high", "confidence"]]
    table["pvalue"] = check.pvalue
    level = f"{100 * (1 - confidence):g}%"
    side = "" if alternative == "two-sided" else f", one-sided ({alternative})"
    lines = [
        f"if the counts of a {unit} vary more than Poisson counts (variance = dispersion x "
        "mean), "
        f"{check.method} test{side}:",
        format_frame(table).to_string(index=False),
    ]
    crit = check.critical_dispersion
    if crit < 1:
        lines.append(f"not significant at the {level} level even for Poisson counts (dispersion 1)")
    else:
        lines.append(
            f"significant at the {level} level while the dispersion is below {crit:.3g}, "
            "not from it on"
        )
    return lines


def _run(args: argparse.Namespace) -> int:
    from conflictstats import rates
    from conflictstats._validation import InputError
    from conflictstats.tables import format_frame

    try:
        side1, side2 = _resolve([args.group1, args.group2], args)
    except _UsageError as exc:
        print(f"conflictstats rates: {exc}", file=sys.stderr)
        return 2
    if args.dispersion and args.compare != "ratio":
        print("conflictstats rates: --dispersion checks a ratio; drop --compare", file=sys.stderr)
        return 2
    x1, t1, x2, t2 = side1.count, side1.exposure, side2.count, side2.exposure
    try:
        cmp = rates.compare_rates(
            x1,
            t1,
            x2,
            t2,
            compare=args.compare,
            method=args.method,  # None: compare_rates' default for the comparison
            alternative=args.alternative,
            confidence=args.confidence,
        )
        method = cmp.method
        one = rates.rate_ci([x1, x2], [t1, t2], confidence=args.confidence)
        check = None
        if args.dispersion:
            check = rates.claim_check(
                x1 / t1,
                t1,
                x2 / t2,
                t2,
                dispersion=args.dispersion,
                method=method if method in ("score", "wald") else "score",
                alternative=args.alternative,
                confidence=args.confidence,
            )
    except InputError as exc:
        print(f"conflictstats rates: {exc}", file=sys.stderr)
        return 2
    print(
        f"{_describe(side1)} against {_describe(side2)}: {cmp!r}"
        + ("" if args.alternative == "two-sided" else f" ({args.alternative})")
    )
    table = one.to_frame()[["estimate", "ci_low", "ci_high", "confidence", "count", "exposure"]]
    table.insert(0, "quantity", ["rate 1", "rate 2"])
    table.loc[2] = {
        "quantity": cmp.quantity,
        "estimate": cmp.estimate,
        "ci_low": cmp.ci_low,
        "ci_high": cmp.ci_high,
        "confidence": cmp.confidence,
        "count": float("nan"),
        "exposure": float("nan"),
    }
    table["method"] = ["exact", "exact", method]
    table["pvalue"] = [float("nan"), float("nan"), cmp.pvalue]
    print(format_frame(table).to_string(index=False))
    if check is not None:
        print()
        print(
            "\n".join(
                _dispersion_lines(
                    check,
                    confidence=args.confidence,
                    alternative=args.alternative,
                    unit=side1.unit or "period",
                )
            )
        )
    return 0


_DESCRIPTION = """\
Compare two counts over their exposures, or two reported rates over the periods they cover;
prints the comparison as a sentence and a table of the two rates and their ratio or
difference. Each side is one of

  COUNT/EXPOSURE          825/11: 825 events in 11 months (exposure 1 if left out)
  RATE/UNIT x PERIODS     '75/month x 11': 75 a month over 11 months, i.e. 825 events
                          (UNIT: day, week, fortnight, month, quarter, year or period;
                          'x' may be written '*')

The claim "75 attacks a month in 2018 (11 months) versus 60 in 2016 (12 months)" is
  conflictstats rates '75/month x 11' '60/month x 12'
or
  conflictstats rates 75 60 --rate --periods 11 12
(not 75/11 60/12, which is 75 events in 11 months against 60 in 12). --dispersion adds
the check of the ratio against overdispersed monthly counts."""


def register(subparsers) -> None:
    """Add the ``rates`` sub-command."""
    from conflictstats.rates import DIFFERENCE_METHODS, RATIO_METHODS

    p = subparsers.add_parser(
        "rates",
        help="compare two counts or rates: conflictstats rates '75/month x 11' '60/month x 12'",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # "-5/1" is a (negative) value here, not an option: the command reports it as such
    p._negative_number_matcher = _NEGATIVE_VALUE
    for k in (1, 2):
        p.add_argument(
            f"group{k}",
            type=_group,
            metavar=f"SIDE{k}",
            help=f"COUNT{k}[/EXPOSURE{k}] or RATE{k}/UNIT x PERIODS{k}",
        )
    p.add_argument(
        "--rate",
        action="store_true",
        help="the two numbers are rates per period (give the periods with --periods)",
    )
    p.add_argument(
        "--periods",
        nargs=2,
        type=float,
        metavar=("P1", "P2"),
        help="periods (e.g. months) each side covers: the exposures of plain counts, or with "
        "--rate the periods the rates are averaged over",
    )
    p.add_argument(
        "--dispersion",
        nargs="+",
        type=float,
        metavar="D",
        help="also check the ratio at these dispersions (variance / mean of a period's count; "
        "1 is Poisson), e.g. --dispersion 1 2 5 10",
    )
    p.add_argument(
        "--compare", choices=("ratio", "difference"), default="ratio", help="default: ratio"
    )
    p.add_argument(
        "--method",
        choices=sorted(set(RATIO_METHODS) | set(DIFFERENCE_METHODS)),
        help="default: exact-cond for a ratio, score for a difference; the --dispersion "
        "check uses score (or wald when chosen)",
    )
    p.add_argument("--alternative", choices=("two-sided", "larger", "smaller"), default="two-sided")
    p.add_argument("--confidence", type=float, default=0.95, help="default: 0.95")
    p.set_defaults(func=_run)


def main(argv: list[str] | None = None) -> int:
    """Run ``conflictstats rates`` with ``argv`` (for tests and ``python -m``)."""
    parser = argparse.ArgumentParser(prog="conflictstats")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["rates", *(argv or [])])
    return args.func(args)
