"""``conflictstats figures``: read qualified phrases from the shell, or print the rule table.

Examples (shell)::

    conflictstats figures "about 7,000" "up to 75 a month" "at least 30"
    conflictstats figures --rules
    conflictstats figures --rules --rule-set acled
"""

from __future__ import annotations

import argparse
import math
import sys

__all__ = ["register"]


def _number(x: float | None) -> str:
    if x is None:
        return ""
    if math.isinf(x):
        return "inf"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}"


def _cmd_figures(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from ..reported import ReportedFigureError, parse_figure, rules_table

    if args.rules:
        rows = rules_table(args.rule_set)
        print(f"qualifier -> interval rules ({args.rule_set}): x = the number as written,")
        print("u = its rounding unit, a and b = the ends of a range; [ ] closed, ( ) open\n")
        print(tabulate(rows, headers="keys", tablefmt="github"))
        if not args.phrases:
            return 0
        print()
    if not args.phrases:
        print("conflictstats figures: give phrases to read, or --rules", file=sys.stderr)
        return 2
    rows = []
    for text in args.phrases:
        try:
            f = parse_figure(text, unit=args.unit, per=args.per, rules=args.rule_set)
        except ReportedFigureError as exc:
            print(f"conflictstats figures: {exc}", file=sys.stderr)
            return 2
        left = "[" if f.closed in ("both", "left") else "("
        right = "]" if f.closed in ("both", "right") else ")"
        rows.append(
            {
                "text": text,
                "qualifier": f.qualifier,
                "value": _number(f.value),
                "interval": f"{left}{_number(f.low)}, {_number(f.high)}{right}",
                "rounding": _number(f.rounding),
                "unit": f.unit or "",
                "per": f.per or "",
                "model": f.model,
                "cap": _number(f.cap),
            }
        )
    print(tabulate(rows, headers="keys", tablefmt="github", disable_numparse=True))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``figures`` sub-command."""
    p = subparsers.add_parser(
        "figures",
        help="read qualified phrases ('about 7,000') into intervals; --rules prints the rules",
        description="Read each phrase into a reported figure and print its qualifier, value, "
        "interval, rounding unit, unit, rate and default sampling model. --rules prints the "
        "qualifier -> interval rule table.",
    )
    p.add_argument("phrases", nargs="*", metavar="PHRASE", help="phrases such as 'about 7,000'")
    p.add_argument("--rules", action="store_true", help="print the qualifier -> interval rules")
    p.add_argument(
        "--rule-set",
        default="default",
        choices=("default", "narrow", "wide", "acled"),
        help="rule set to print or apply (default: %(default)s)",
    )
    p.add_argument("--unit", default=None, help="unit for every phrase (overrides the phrase)")
    p.add_argument("--per", default=None, help="rate time unit for every phrase")
    p.set_defaults(func=_cmd_figures)
