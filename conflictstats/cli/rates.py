"""``conflictstats rates``: compare two Poisson counts from the shell.

Example::

    conflictstats rates 75/11 60/12                 # counts over exposures (e.g. months)
    conflictstats rates 900/12 720/12 --method score --compare difference
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "main"]


def _count_over_exposure(text: str) -> tuple[float, float]:
    """Parse ``COUNT[/EXPOSURE]``; the exposure defaults to 1."""
    parts = text.split("/")
    if len(parts) > 2 or not parts[0]:
        raise argparse.ArgumentTypeError(f"expected COUNT or COUNT/EXPOSURE, got {text!r}")
    try:
        count = float(parts[0])
        exposure = float(parts[1]) if len(parts) == 2 else 1.0
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected COUNT or COUNT/EXPOSURE with numbers, got {text!r}"
        ) from None
    return count, exposure


def _run(args: argparse.Namespace) -> int:
    from .. import rates
    from .._format import format_frame
    from .._validation import InputError

    (x1, t1), (x2, t2) = args.group1, args.group2
    method = args.method or ("exact-cond" if args.compare == "ratio" else "score")
    try:
        cmp = rates.compare_rates(
            x1,
            t1,
            x2,
            t2,
            compare=args.compare,
            method=method,
            alternative=args.alternative,
            confidence=args.confidence,
        )
        one = rates.rate_ci([x1, x2], [t1, t2], confidence=args.confidence)
    except InputError as exc:
        print(f"conflictstats rates: {exc}", file=sys.stderr)
        return 2
    print(
        f"{x1:g} events over {t1:g} against {x2:g} over {t2:g}: {cmp!r}"
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
    return 0


def register(subparsers) -> None:
    """Add the ``rates`` sub-command."""
    from ..rates import DIFFERENCE_METHODS, RATIO_METHODS

    p = subparsers.add_parser(
        "rates",
        help="compare two Poisson counts: conflictstats rates 75/11 60/12",
        description="Compare two counts over their exposures (COUNT/EXPOSURE, exposure 1 if "
        "left out): prints the comparison as a sentence and a table of the two rates and "
        "their ratio or difference.",
    )
    p.add_argument("group1", type=_count_over_exposure, metavar="COUNT1[/EXPOSURE1]")
    p.add_argument("group2", type=_count_over_exposure, metavar="COUNT2[/EXPOSURE2]")
    p.add_argument(
        "--compare", choices=("ratio", "difference"), default="ratio", help="default: ratio"
    )
    p.add_argument(
        "--method",
        choices=sorted(set(RATIO_METHODS) | set(DIFFERENCE_METHODS)),
        help="default: exact-cond for a ratio, score for a difference",
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
