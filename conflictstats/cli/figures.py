"""``conflictstats figures``: read qualified phrases from the shell, or print the rule table.

Examples (shell)::

    conflictstats figures "about 7,000" "up to 75 a month" "at least 30"
    conflictstats figures --rules
    conflictstats figures --rules --rule-set acled
    conflictstats figures --extract article.txt --output figures.csv
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


#: Columns of the CSV ``--extract`` writes (``datasets.read_figures`` reads it back).
EXTRACT_CSV_COLUMNS = (
    "id", "text", "value", "value_high", "qualifier", "subject", "unit", "per", "source",
    "quote", "start", "end",
)  # fmt: skip


def _stated(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


def extract_table(text: str, *, rules: str | None = None):
    """The figures of ``text`` as the rows of a reported-figure CSV (a DataFrame)."""
    import pandas as pd

    from ..reported import extract_figures

    found = extract_figures(text, rules=rules)
    width = max(3, len(str(len(found))))
    rows = [
        {
            "id": f"fig-{i + 1:0{width}d}",
            "text": r.text,
            "value": _stated(r.stated),
            "value_high": _stated(r.stated_high),
            "qualifier": r.qualifier,
            "subject": r.subject or "",
            "unit": r.unit or "",
            "per": r.per or "",
            "source": r.source or "",
            "quote": r.sentence,
            "start": r.start,
            "end": r.end,
        }
        for i, r in enumerate(found.itertuples())
    ]
    return pd.DataFrame(rows, columns=list(EXTRACT_CSV_COLUMNS))


def _cmd_extract(args: argparse.Namespace) -> int:
    try:
        with open(args.extract, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"conflictstats figures: cannot read {args.extract}: {exc}", file=sys.stderr)
        return 2
    table = extract_table(text, rules=args.rule_set)
    if args.output:
        try:
            table.to_csv(args.output, index=False, lineterminator="\n")
        except OSError as exc:
            print(f"conflictstats figures: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
        print(f"{len(table)} figures from {args.extract} written to {args.output}")
    else:
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from ..reported import ReportedFigureError, parse_figure, rules_table

    if args.extract:
        if args.phrases or args.rules:
            print("conflictstats figures: --extract takes no phrases or --rules", file=sys.stderr)
            return 2
        return _cmd_extract(args)

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
        "qualifier -> interval rule table. --extract FILE finds every figure in a text and "
        "writes a reported-figure CSV (id, text, value, value_high, qualifier, subject, unit, "
        "per, source, quote, start, end).",
    )
    p.add_argument("phrases", nargs="*", metavar="PHRASE", help="phrases such as 'about 7,000'")
    p.add_argument("--rules", action="store_true", help="print the qualifier -> interval rules")
    p.add_argument(
        "--extract",
        metavar="FILE",
        default=None,
        help="find every figure in a text file and write them as a CSV that read_figures reads",
    )
    p.add_argument(
        "--output", "-o", metavar="CSV", default=None, help="where --extract writes (stdout)"
    )
    p.add_argument(
        "--rule-set",
        default="default",
        choices=("default", "narrow", "wide", "acled"),
        help="rule set to print or apply (default: %(default)s)",
    )
    p.add_argument("--unit", default=None, help="unit for every phrase (overrides the phrase)")
    p.add_argument("--per", default=None, help="rate time unit for every phrase")
    p.set_defaults(func=_cmd_figures)
