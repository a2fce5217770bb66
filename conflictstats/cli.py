"""The ``conflictstats`` command line.

``conflictstats run [SCRIPT ...]`` regenerates figures and tables from ``analyses/``;
``conflictstats check`` verifies that the committed ``figures/`` are exactly what the analyses
produce. Quick one-line statistics commands (``conflictstats rates``, ``conflictstats figures``,
…) live in ``conflictstats/_cli_<name>.py`` modules, each with a ``register(subparsers)``
function that adds its sub-command; they are discovered here, so adding a command touches no
other module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import shutil
import sys
import tempfile
from pathlib import Path

from . import __version__

__all__ = ["main", "build_parser"]


def _cmd_run(args: argparse.Namespace) -> int:
    from .repro import ReproError, project_root, run_scripts

    try:
        root = project_root()
        runs = run_scripts(args.scripts or None, root=root)
    except ReproError as exc:
        print(f"conflictstats run: {exc}", file=sys.stderr)
        return 2
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        print(
            f"conflictstats run: {failed[0].script} failed; outputs of the "
            f"{len(runs) - 1} script(s) before it were kept",
            file=sys.stderr,
        )
        return 1
    n_out = sum(len(r.outputs) for r in runs)
    print(f"{len(runs)} analyses, {n_out} outputs, manifest {root / 'figures' / 'MANIFEST.json'}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .repro import ReproError, compare_outputs, project_root, run_scripts

    try:
        root = project_root()
    except ReproError as exc:
        print(f"conflictstats check: {exc}", file=sys.stderr)
        return 2
    committed = root / "figures"
    tmp = Path(tempfile.mkdtemp(prefix="conflictstats-check-"))
    try:
        runs = run_scripts(None, root=root, outdir=tmp, echo=print)
        failed = [r for r in runs if r.returncode != 0]
        if failed:
            print(f"conflictstats check: {failed[0].script} failed", file=sys.stderr)
            return 1
        report = compare_outputs(committed, tmp)
    finally:
        if args.keep:
            print(f"fresh outputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    labels = {
        "differ": "differs from what the analyses produce now (stale or not reproducible)",
        "not_produced": "is committed but no analysis produces it",
        "not_committed": "is produced but not committed (run `make report` and commit)",
        "manifest": "is missing from MANIFEST.json or has the wrong hash there",
    }
    problems = [(k, f) for k in labels for f in report[k]]
    for kind, name in problems:
        print(f"figures/{name}: {labels[kind]}")
    if problems:
        print(f"conflictstats check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"conflictstats check: all outputs of {len(runs)} analyses match figures/")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report
    from .repro import ReproError, project_root

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


def _extra_command_modules() -> list[str]:
    package = Path(__file__).parent
    return sorted(
        m.name for m in pkgutil.iter_modules([str(package)]) if m.name.startswith("_cli_")
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="conflictstats",
        description="Estimates with honest uncertainty from the numbers reported from wars.",
    )
    parser.add_argument("--version", action="version", version=f"conflictstats {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "run",
        help="run analyses/*.py and rewrite figures/ and its MANIFEST.json",
        description="Run each analysis script (all of analyses/*.py by default, sorted) in its "
        "own process from the project root, writing outputs to figures/ and the manifest. "
        "A failing script stops the run with its traceback and a non-zero exit; outputs of "
        "the scripts before it stay.",
    )
    p.add_argument("scripts", nargs="*", metavar="SCRIPT", help="analysis scripts to run")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "check",
        help="rerun every analysis into a temporary folder and compare with figures/",
        description="Rerun every analysis into a temporary folder and compare each output "
        "byte for byte with the committed figures/. Exits 1 listing every output that "
        "differs, is committed but not produced, or is produced but not committed.",
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary outputs")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "report",
        help="rebuild the HTML report figures/index.html and figures/report/*.html",
        description="Rebuild the HTML report from figures/MANIFEST.json and the outputs "
        "already in figures/: figures/index.html lists the analyses, and "
        "figures/report/<analysis>.html shows each one's docstring, figures, tables and "
        "provenance. `conflictstats run` rebuilds it too, and `check` verifies it.",
    )
    p.set_defaults(func=_cmd_report)

    for name in _extra_command_modules():
        importlib.import_module(f".{name}", __package__).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``conflictstats`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
