"""Run one analysis script in this process, recording which data files it reads.

Used by ``conflictstats run`` and ``conflictstats check`` as ``python -m conflictstats._runner
SCRIPT``. An audit hook records every file opened for reading under ``data/`` (for the
manifest's input hashes) and refuses any write there, so an analysis can never alter its inputs.
The list of inputs is written as JSON to the path in ``CONFLICTSTATS_INPUT_LOG``.
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import sys
from pathlib import Path

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _install_hook(data_dir: Path, reads: set[str]) -> None:
    data_prefix = str(data_dir.resolve()) + os.sep

    def hook(event: str, args: tuple) -> None:
        if event != "open":
            return
        path, mode, flags = args
        if not isinstance(path, (str, bytes, os.PathLike)):
            return
        try:
            full = os.path.abspath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if not full.startswith(data_prefix):
            return
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writing:
            raise PermissionError(f"analyses must not write into data/: refused to open {full!r}")
        if os.path.isfile(full):
            reads.add(full)

    sys.addaudithook(hook)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python -m conflictstats._runner SCRIPT")
    script = Path(argv[0]).resolve()
    root = Path.cwd()
    reads: set[str] = set()
    _install_hook(root / "data", reads)
    log = os.environ.get("CONFLICTSTATS_INPUT_LOG")

    def dump() -> None:
        if log:
            rel = sorted(os.path.relpath(p, root) for p in reads)
            Path(log).write_text(json.dumps(rel))

    atexit.register(dump)
    sys.argv = [str(script)]
    sys.path.insert(0, str(script.parent))
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main()
