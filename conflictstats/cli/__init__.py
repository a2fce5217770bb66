"""The ``conflictstats`` command line.

``conflictstats run [SCRIPT ...]`` regenerates figures and tables from ``analyses/``;
``conflictstats check`` verifies that the committed ``figures/`` are exactly what the analyses
produce (both in :mod:`conflictstats.cli.project`). Quick one-line statistics commands
(``conflictstats rates``, ``conflictstats figures``, ...) live in one module each in this
package, with a ``register(subparsers)`` function that adds the sub-command. Every command
module is listed once, in ``COMMANDS`` below, in the order ``--help`` shows them.
"""

from __future__ import annotations

import argparse

from .. import __version__
from . import claim, figures, project, rates, report

__all__ = ["main", "build_parser"]

# one entry per command module; its register(subparsers) adds its sub-command(s)
COMMANDS = (project, report, rates, claim, figures)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="conflictstats",
        description="Estimates with honest uncertainty from the numbers reported from wars.",
    )
    parser.add_argument("--version", action="version", version=f"conflictstats {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``conflictstats`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
