"""``conflictstats report``: rebuild the HTML report from ``figures/``."""

from __future__ import annotations

import argparse
import sys


def _cmd_report(args: argparse.Namespace) -> int:
    from ..report import write_report
    from ..repro import ReproError, project_root

    try:
        root = project_root()
        if not (root / "figures" / "MANIFEST.json").is_file():
            raise ReproError("no figures/MANIFEST.json: run `conflictstats run` first")
        pages = write_report(root / "figures", root=root)
    except ReproError as exc:
        print(f"conflictstats report: {exc}", file=sys.stderr)
        return 2
    print(f"{len(pages)} report pages, open {pages[0]}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` sub-command."""
    p = sub.add_parser(
        "report",
        help="rebuild the HTML report figures/index.html and figures/report/*.html",
        description="Rebuild the HTML report from figures/MANIFEST.json and the outputs "
        "already in figures/: figures/index.html lists the analyses, and "
        "figures/report/<analysis>.html shows each one's docstring, figures, tables and "
        "provenance. `conflictstats run` rebuilds it too, and `check` verifies it.",
    )
    p.set_defaults(func=_cmd_report)
