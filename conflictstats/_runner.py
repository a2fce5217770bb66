"""Run one analysis script in this process, recording which data files it reads.

Used by ``conflictstats run`` and ``conflictstats check`` as ``python -m conflictstats._runner
SCRIPT``. An audit hook (:func:`sys.addaudithook`) records every file opened for reading under
``data/`` (for the manifest's input hashes) and refuses every change there that Python code
makes through the interpreter's audited calls (see :func:`_install_hook` for the list), so an
analysis cannot alter its inputs by accident. The list of inputs is written as JSON to the
path in ``CONFLICTSTATS_INPUT_LOG``.

SIGINT and SIGTERM end the analysis with ``SystemExit`` (exit status 128 + the signal), so
``finally`` blocks run and a figure or table being written is dropped whole rather than left
half-written (see :func:`conflictstats.repro.atomic_path`).

The analysis also ends (as on SIGTERM) when the ``conflictstats run`` or ``check`` that
started it dies, even by SIGKILL, which cannot be forwarded: see :func:`_die_with_parent`.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import runpy
import signal
import sys
import threading
import time
from pathlib import Path

#: Environment variable holding the pid of the ``conflictstats`` process that started us.
PARENT_ENV = "CONFLICTSTATS_PARENT_PID"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_POLL_SECONDS = 0.5

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

# Audit events that change the file system, and how each path argument (by position) is
# checked: "entry" (the entry named is in data/: its folder resolved, its own name not, so a
# symlink in data/ counts), "tree" (an entry in data/, data/ itself or a folder holding it),
# "content" (followed through symlinks, what it leads to must not be in data/).
_CHANGES: dict[str, tuple[tuple[int, str], ...]] = {
    "os.rename": ((0, "tree"), (1, "entry")),  # also os.replace, Path.rename/replace
    "os.remove": ((0, "entry"),),  # also os.unlink, Path.unlink
    "os.rmdir": ((0, "tree"),),
    "os.mkdir": ((0, "entry"),),
    "os.symlink": ((1, "entry"),),
    "os.link": ((0, "content"), (1, "entry")),  # a hard link to a data file writes into it
    "os.truncate": ((0, "content"),),
    "os.chmod": ((0, "content"),),
    "os.chown": ((0, "content"),),
    "os.chflags": ((0, "content"),),
    "os.lchmod": ((0, "entry"),),
    "os.lchown": ((0, "entry"),),
    "os.lchflags": ((0, "entry"),),
    "os.utime": ((0, "content"),),
    "os.setxattr": ((0, "content"),),
    "os.removexattr": ((0, "content"),),
    "shutil.rmtree": ((0, "tree"),),
    "shutil.copyfile": ((1, "content"),),
    "shutil.copymode": ((1, "content"),),
    "shutil.copystat": ((1, "content"),),
    "shutil.copytree": ((1, "entry"),),
    "shutil.move": ((0, "tree"), (1, "entry")),
    "shutil.unpack_archive": ((1, "entry"),),
}


def _as_path(arg: object) -> str | None:
    if isinstance(arg, (str, bytes, os.PathLike)):
        try:
            return os.path.abspath(os.fsdecode(arg))
        except (TypeError, ValueError):
            return None
    return None  # a file descriptor, or None


def _install_hook(data_dir: Path, reads: set[str]) -> None:
    """Refuse changes to ``data_dir`` and record the files read in it.

    Refused with :class:`PermissionError`, whatever the way the path is spelt (relative,
    through ``..`` or through a symbolic link that resolves into ``data/``):

    * opening a file there for writing, appending or updating (``open``, ``os.open``,
      ``pathlib`` writes, and every library that writes through them: pandas ``to_csv`` and
      the like, numpy ``save``/``savetxt``/``memmap``, matplotlib ``savefig``, ``tempfile``);
    * renaming, replacing, removing, unlinking there, making or removing a folder, making a
      link there (or a hard link to a file there), truncating, changing mode, owner, times
      or extended attributes; ``shutil`` copies, moves, tree removals and unpacking into it;
    * any of these on ``data/`` itself or on a folder that holds it (renaming or removing
      the project).

    Not covered (the interpreter does not audit them): programs an analysis starts
    (``subprocess``, ``os.system``), C extensions that open files themselves (HDF5, Arrow,
    SQLite databases), calls through ``ctypes``, paths given relative to a folder descriptor
    (``dir_fd=``), and hard links made before the run.
    """
    data_abs = os.path.abspath(data_dir)
    data_real = os.path.realpath(data_dir)
    roots = {data_abs, data_real}

    def inside(path: str) -> bool:
        return any(path == r or path.startswith(r + os.sep) for r in roots)

    def changes_data(path: str, how: str) -> bool:
        if how == "content":
            return inside(path) or inside(os.path.realpath(path))
        folder = os.path.realpath(os.path.dirname(path))
        entries = (path, os.path.join(folder, os.path.basename(path)))
        if any(inside(p) for p in entries):
            return True
        return how == "tree" and any(r.startswith(p + os.sep) for p in entries for r in roots)

    def refuse(what: str, path: str) -> None:
        raise PermissionError(f"analyses must not write into data/: refused to {what} {path!r}")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path = _as_path(args[0])
            if path is None:
                return
            real = os.path.realpath(path)
            if not (inside(path) or inside(real)):
                return
            mode, flags = args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS
            )
            if writing:
                refuse("open", path)
            if os.path.isfile(real):
                if not inside(path):  # reached through a link from outside data/
                    path = os.path.join(data_abs, os.path.relpath(real, data_real))
                reads.add(path)
            return
        for i, how in _CHANGES.get(event, ()):
            path = _as_path(args[i]) if i < len(args) else None
            if path is not None and changes_data(path, how):
                refuse(event.split(".", 1)[1], path)

    sys.addaudithook(hook)


def _stop_on_signals() -> None:
    """SIGINT/SIGTERM raise SystemExit once (so cleanup runs); repeats are ignored."""

    def handler(signum: int, frame: object) -> None:
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)
        print(f"\nanalysis stopped by {signal.Signals(signum).name}", file=sys.stderr)
        raise SystemExit(128 + signum)

    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, handler)


def _die_with_parent() -> None:
    """Get SIGTERM when the process named in ``CONFLICTSTATS_PARENT_PID`` dies.

    On Linux the kernel sends it (``prctl(PR_SET_PDEATHSIG, SIGTERM)``, set here in the child;
    ``subprocess``'s ``preexec_fn`` is not safe with the runner's worker threads). It is sent
    when the *thread* that started us ends, and ``run``'s workers wait for their child in
    the thread that started it. On other POSIX systems a daemon thread polls ``getppid()``
    every half second. Either way, a parent that died before this was set up (we were
    re-parented already) ends the analysis at once. Not on Windows, where a killed ``run``
    can still leave its analysis running (end it with the task manager).
    """
    parent = os.environ.get(PARENT_ENV)
    if not parent or not hasattr(os, "getppid") or sys.platform == "win32":
        return
    parent_pid = int(parent)
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:  # the parent died before the death signal was set
        os.kill(os.getpid(), signal.SIGTERM)
        return
    if not armed:

        def watch() -> None:
            while os.getppid() == parent_pid:
                time.sleep(_POLL_SECONDS)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python -m conflictstats._runner SCRIPT")
    script = Path(argv[0]).resolve()
    root = Path.cwd()
    reads: set[str] = set()
    _stop_on_signals()
    _die_with_parent()
    log = os.environ.get("CONFLICTSTATS_INPUT_LOG")

    def dump() -> None:
        if log:
            rel = sorted(os.path.relpath(p, root) for p in reads)
            Path(log).write_text(json.dumps(rel))

    atexit.register(dump)
    _install_hook(root / "data", reads)
    sys.argv = [str(script)]
    sys.path.insert(0, str(script.parent))
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main()
