"""``conflictstats run`` and ``conflictstats check``: regenerate and verify ``figures/``."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path


def _cmd_run(args: argparse.Namespace) -> int:
    from ..repro import ReproError, RunInterrupted, project_root, run_scripts

    try:
        root = project_root()
        runs = run_scripts(args.scripts or None, root=root, jobs=args.jobs)
    except RunInterrupted as exc:
        print(f"conflictstats run: {exc}", file=sys.stderr)
        return 128 + exc.signum
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
    from ..repro import (
        ManifestError,
        ReproError,
        RunInterrupted,
        compare_outputs,
        project_root,
        read_manifest,
        run_scripts,
    )

    try:
        root = project_root()
    except ReproError as exc:
        print(f"conflictstats check: {exc}", file=sys.stderr)
        return 2
    committed = root / "figures"
    broken = None
    try:
        read_manifest(committed)
    except ManifestError as exc:
        broken = exc
    tmp = Path(tempfile.mkdtemp(prefix="conflictstats-check-"))
    try:
        runs = run_scripts(None, root=root, outdir=tmp, echo=print, jobs=args.jobs)
        failed = [r for r in runs if r.returncode != 0]
        if failed:
            print(f"conflictstats check: {failed[0].script} failed", file=sys.stderr)
            return 1
        report = compare_outputs(committed, tmp)
    except RunInterrupted as exc:
        name = signal.Signals(exc.signum).name
        print(f"conflictstats check: interrupted by {name}; analyses stopped", file=sys.stderr)
        return 128 + exc.signum
    except ReproError as exc:
        print(f"conflictstats check: {exc}", file=sys.stderr)
        return 2
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
    if broken is not None:
        problems.append(("broken", broken.path.name))
        print(f"figures/{broken.path.name}: {broken.reason}; `conflictstats run` rebuilds it")
    for kind, name in problems:
        if kind != "broken":
            print(f"figures/{name}: {labels[kind]}")
    if problems:
        print(f"conflictstats check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"conflictstats check: all outputs of {len(runs)} analyses match figures/")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` and ``check`` sub-commands."""
    p = sub.add_parser(
        "run",
        help="run analyses/*.py and rewrite figures/ and its MANIFEST.json",
        description="Run each analysis script (all of analyses/*.py by default, sorted) in its "
        "own process from the project root, writing outputs to figures/ and the manifest. "
        "A failing script stops the run with its traceback and a non-zero exit; outputs of "
        "the scripts before it stay. Every file is written whole (a temporary file renamed "
        "into place) and the manifest is updated after each script, so Ctrl-C or kill "
        "(passed on to the running analyses, which are waited for) leaves figures/ whole and "
        "the manifest true for every script that finished; `conflictstats check` then names "
        "the stale outputs.",
    )
    p.add_argument("scripts", nargs="*", metavar="SCRIPT", help="analysis scripts to run")
    p.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="run N scripts at once (default 1)"
    )
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "check",
        help="rerun every analysis into a temporary folder and compare with figures/",
        description="Rerun every analysis into a temporary folder and compare each output "
        "byte for byte with the committed figures/. Exits 1 listing every output that "
        "differs, is committed but not produced, or is produced but not committed.",
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary outputs")
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="run N scripts at once (default: 2, or 1 on a one-core machine)",
    )
    p.set_defaults(func=_cmd_check)
