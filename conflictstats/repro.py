"""Deterministic saving of figures and tables, and the run manifest.

Every output of an analysis goes through :func:`save_figure` or :func:`save_table`, which write
byte-identical files on every rerun and in every process: no dates in metadata, a fixed SVG hash
salt, one bundled style with fonts that ship with matplotlib, fixed number formatting. The
:func:`run_scripts` runner executes ``analyses/*.py`` in their own processes and writes
``figures/MANIFEST.json``: for each output its sha256, the script that made it, the sha256 of
each file under ``data/`` the script read, and the versions of Python and of the dependencies.

Where outputs go: ``figures/`` (tables in ``figures/tables/``) under the project root, or the
folder named by the ``CONFLICTSTATS_OUTPUT_DIR`` environment variable (``conflictstats check``
sets it to a temporary folder).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "project_root",
    "output_dir",
    "save_figure",
    "save_table",
    "describe_figure",
    "sha256",
    "run_scripts",
    "compare_outputs",
    "read_manifest",
    "atomic_path",
    "write_text_atomic",
    "LayoutError",
    "ManifestError",
    "RunInterrupted",
    "FIGURE_FORMATS",
    "TABLE_FORMATS",
]

FIGURE_FORMATS = ("svg", "png", "pdf")
TABLE_FORMATS = ("md", "tex", "csv", "html")
MANIFEST = "MANIFEST.json"
_OUTPUT_ENV = "CONFLICTSTATS_OUTPUT_DIR"
_LOG_ENV = "CONFLICTSTATS_OUTPUT_LOG"
_INPUT_ENV = "CONFLICTSTATS_INPUT_LOG"
_DEPENDENCIES = ("numpy", "scipy", "statsmodels", "pandas", "matplotlib", "tabulate", "jinja2")
_SVG_SALT = "conflictstats"


class ReproError(RuntimeError):
    """An analysis failed, or outputs could not be written reproducibly."""


class LayoutError(ReproError):
    """A saved figure fails the layout check (legend on data, text off the canvas or on text)."""


class ManifestError(ReproError):
    """``MANIFEST.json`` is not valid JSON or not a manifest: names the file and the fault."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(
            f"{path} is broken ({reason}); `conflictstats run` (every analysis) rebuilds it"
        )


class RunInterrupted(ReproError):
    """:func:`run_scripts` was stopped by SIGINT or SIGTERM.

    The signal was passed on to the running analyses and they were waited for; the manifest
    holds every script that finished before, and ``runs`` lists them.
    """

    def __init__(self, signum: int, runs: list[ScriptRun], unfinished: list[str]):
        self.signum, self.runs, self.unfinished = signum, runs, unfinished
        name = signal.Signals(signum).name
        done = ", ".join(r.script for r in runs) or "none"
        stopped = ", ".join(unfinished) or "none"
        super().__init__(
            f"interrupted by {name}: finished and recorded in the manifest: {done}; stopped "
            f"before the end: {stopped} (their outputs may be stale: `conflictstats check` "
            "names them, `conflictstats run` rewrites them)"
        )


# Temporary files sit beside their target as ".<name>.<random>.conflictstats-tmp" until they
# are renamed onto it, so a killed write never leaves a partial output under the real name.
_TMP_SUFFIX = ".conflictstats-tmp"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` when the block ends.

    The file appears under its name whole or not at all: a write interrupted by an exception,
    SIGINT or SIGTERM (see :func:`run_scripts`) removes the temporary file and leaves any
    earlier ``path`` untouched. Only a process killed outright (SIGKILL, power loss) leaves a
    hidden ``.NAME.*.conflictstats-tmp`` behind, which the next :func:`run_scripts` removes.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with atomic_path(Path(d, "out.txt")) as tmp:
    ...         _ = tmp.write_text("whole")
    ...     sorted(p.name for p in Path(d).iterdir()), Path(d, "out.txt").read_text()
    (['out.txt'], 'whole')
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    # created here (mode 0666 less the umask, like any new file) so that the name is ours
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def _sweep_temporaries(outdir: Path) -> None:
    # left by a process killed outright in the middle of a write
    for stale in outdir.rglob(f".*{_TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory) that holds
    ``pyproject.toml``: the project whose ``analyses/`` are run and whose ``figures/`` receive
    the outputs.

    Raises
    ------
    ReproError
        When no such folder exists.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise ReproError(f"no project (a folder with pyproject.toml) at or above {here}")


def output_dir() -> Path:
    """Where outputs are written: ``$CONFLICTSTATS_OUTPUT_DIR`` or ``<project>/figures``."""
    env = os.environ.get(_OUTPUT_ENV)
    return Path(env) if env else project_root() / "figures"


def sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _target(name: str | os.PathLike, subdir: str, formats: Sequence[str], allowed: Sequence[str]):
    bad = [f for f in formats if f not in allowed]
    if bad:
        raise ValueError(f"unknown format(s) {bad}; choose from {list(allowed)}")
    path = Path(name)
    if path.suffix.lstrip(".") in allowed:
        path = path.with_suffix("")
    if not path.is_absolute():
        path = output_dir() / subdir / path
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _one_line(text: str | None) -> str:
    return " ".join(str(text or "").split())


def _record(paths: Iterable[Path], caption: str | None = None) -> None:
    # One line per output: its path, then a tab and its caption (for the manifest and report).
    log = os.environ.get(_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            for p in paths:
                fh.write(f"{Path(p).resolve()}\t{_one_line(caption)}\n")


def describe_figure(fig: Any) -> str:
    """A plain-text description of a matplotlib figure from its titles and axis labels: the
    alternative text of a figure saved without a caption.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set(title="Attacks a month", xlabel="month", ylabel="attacks")
    >>> describe_figure(fig)
    'Attacks a month (x: month; y: attacks)'
    >>> plt.close(fig)
    """
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        parts.append(_one_line(suptitle.get_text()))
    panels = []
    for ax in fig.get_axes():
        titles = [ax.get_title(loc) for loc in ("left", "center", "right")]
        title = _one_line(" ".join(t for t in titles if t.strip()))
        axes = [
            f"{k}: {_one_line(v)}"
            for k, v in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
            if v.strip()
        ]
        text = " ".join(p for p in (title, f"({'; '.join(axes)})" if axes else "") if p)
        if text:
            panels.append(text)
    if len(panels) > 1:
        panels = [f"Panel {k}: {p}" for k, p in enumerate(panels, 1)]
    parts.extend(panels)
    return ". ".join(parts) if parts else "Figure without titles or axis labels"


def save_figure(
    fig: Any,
    name: str | os.PathLike,
    *,
    formats: Sequence[str] = FIGURE_FORMATS,
    close: bool = True,
    dpi: float = 150,
    caption: str | None = None,
    check: bool = True,
) -> list[Path]:
    """Write a matplotlib figure as SVG, PNG and PDF, byte-identical on every rerun.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (for an Axes ``ax`` returned by a plot function, pass ``ax.figure``).
    name : str or path-like
        File stem, relative to the output folder (``figures/``) unless absolute; an extension
        among the formats is dropped.
    formats : sequence of str
        Any of ``"svg"``, ``"png"``, ``"pdf"``.
    close : bool
        Close the figure after saving (frees memory in long analyses).
    dpi : float
        Resolution of the PNG (and of rasterised parts of SVG/PDF).
    caption : str, optional
        What the figure shows, in a sentence: stored in the manifest and used by the HTML
        report as caption and alternative text. By default a description built from the
        figure's titles and axis labels (:func:`describe_figure`).
    check : bool
        Run :func:`conflictstats.plots.check_layout` on the figure after writing it and raise
        :class:`LayoutError` if it finds a problem (a legend on data, text outside the canvas,
        texts over one another). On by default, so every figure an analysis saves is checked.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    LayoutError
        When ``check`` is on and the figure has layout problems; the files are written
        first, so that they can be looked at, and the message names the figure and the
        overlapping artists.

    Notes
    -----
    Each file is written to a hidden temporary file beside it and renamed onto its name
    (:func:`atomic_path`), so an interrupted save leaves the earlier file, never a partial one.

    Determinism comes from: the bundled style that plot functions draw with (DejaVu fonts
    shipped with matplotlib; colours named ``"C0"``, ``"C1"``... are drawn from the style's
    colour cycle, wherever the artist was made), a fixed DPI, ``svg.hashsalt`` fixed, SVG text as paths, TrueType (Type 42) fonts in PDF, and
    metadata without dates, software versions or creators that vary between runs.

    Examples
    --------
    >>> import tempfile, matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from conflictstats.repro import save_figure, sha256
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = save_figure(fig, f"{d}/line", close=False)
    ...     first = [sha256(p) for p in paths]
    ...     paths = save_figure(fig, f"{d}/line")
    ...     first == [sha256(p) for p in paths]
    True
    """
    import matplotlib as mpl

    from .plots import check_layout

    stem = _target(name, "", formats, FIGURE_FORMATS)
    metadata_by_format = {
        "svg": {"Date": None, "Creator": "conflictstats"},
        "png": {"Software": None},
        "pdf": {
            "CreationDate": None,
            "ModDate": None,
            "Creator": "conflictstats",
            "Producer": "conflictstats",
        },
    }
    if caption is None:
        caption = describe_figure(fig)
    written = []
    problems = []
    rc = {
        "svg.hashsalt": _SVG_SALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        # colours named "C0", "C1"... are looked up when drawn: take the bundled style's cycle
        "axes.prop_cycle": _style_cycle(),
    }
    with mpl.rc_context(rc):
        for fmt in formats:
            path = stem.with_suffix("." + fmt)
            with atomic_path(path) as tmp:
                fig.savefig(
                    tmp, format=fmt, dpi=dpi, facecolor="white", metadata=metadata_by_format[fmt]
                )
            written.append(path)
        if check:
            # the PNG is drawn at ``dpi``, SVG and PDF at 72: a "best" legend can move between
            problems = check_layout(fig, dpi=dpi)
            if {"svg", "pdf"} & set(formats):
                seen = {str(p) for p in problems}
                problems += [p for p in check_layout(fig, dpi=72) if str(p) not in seen]
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    _record(written, caption)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise LayoutError(
            f"figure {stem.name!r} ({stem}.*) has {len(problems)} layout problem(s):\n{listed}"
        )
    return written


def _style_cycle() -> Any:
    """The colour cycle of the bundled plot style."""
    from matplotlib import rc_params_from_file

    from .plots import STYLE_FILE

    return rc_params_from_file(str(STYLE_FILE), use_default_template=False)["axes.prop_cycle"]


def save_table(
    df: Any,
    name: str | os.PathLike,
    *,
    formats: Sequence[str] = TABLE_FORMATS,
    digits: int = 3,
    caption: str | None = None,
    interval_label: str | None = None,
) -> list[Path]:
    """Write a DataFrame as Markdown, LaTeX, CSV and HTML, deterministically.

    Parameters
    ----------
    df : pandas.DataFrame or a result object
        The table; a member of the result family is converted with ``to_frame()``.
    name : str or path-like
        File stem, relative to ``figures/tables/`` unless absolute.
    formats : sequence of str
        Any of ``"md"``, ``"tex"``, ``"csv"``, ``"html"``.
    digits : int
        Significant digits for numbers in the Markdown, LaTeX and HTML files.
    caption : str, optional
        What the table shows, with its units, source and method. Written into every format
        meant for reading: ``\\caption{}`` in LaTeX, ``<caption>`` in HTML, and in Markdown a
        ``Table: ...`` line above the table (Pandoc's caption syntax; other renderers show it
        as a paragraph); also stored in the manifest for the HTML report. The CSV carries no
        caption (see Notes).
    interval_label : str, optional
        Name of the interval in the ``ci_low``/``ci_high`` column header (default ``"CI"``, or
        the ``interval_label`` a result put in ``df.attrs``), e.g. ``"prediction interval"``.

    Returns
    -------
    list of pathlib.Path

    Notes
    -----
    Each file is written through :func:`atomic_path` (a temporary file renamed into place).
    Markdown, LaTeX and HTML are formatted for reading by :func:`conflictstats.tables.
    format_frame`: ``ci_low``/``ci_high`` become one ``95% CI`` column written
    ``"1.13 to 1.38"``, p-values read ``"< 0.001"`` or ``"0.042"``, an absent value or interval
    is a blank cell. The CSV keeps the raw numbers (6 significant digits) and nothing but the
    header and the rows, so that any CSV reader takes it as it is: no caption line or comment
    (a ``#`` line breaks readers that do not expect it); the caption of a CSV is in the
    Markdown, HTML and LaTeX files of the same name. LaTeX text is escaped (``%``, ``_``,
    ``<`` ...), so the ``.tex`` file compiles as it is.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from conflictstats.repro import save_table
    >>> df = pd.DataFrame({"estimate": [1.25], "ci_low": [1.13], "ci_high": [1.38],
    ...                    "confidence": [0.95], "pvalue": [0.0001]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = save_table(df, f"{d}/ratio", caption="2018 vs 2016 attack rate ratio")
    ...     print(open(paths[0]).read())
    Table: 2018 vs 2016 attack rate ratio
    <BLANKLINE>
    |   estimate | 95% CI       | pvalue   |
    |-----------:|:-------------|:---------|
    |       1.25 | 1.13 to 1.38 | < 0.001  |
    <BLANKLINE>
    """
    from .tables import format_frame, to_frame

    frame = to_frame(df)
    stem = _target(name, "tables", formats, TABLE_FORMATS)
    shown = format_frame(frame, digits=digits, interval_label=interval_label)
    written = []
    for fmt in formats:
        path = stem.with_suffix("." + fmt)
        if fmt == "md":
            text = shown.to_markdown(index=False) + "\n"
            if caption:
                text = f"Table: {_one_line(caption)}\n\n{text}"
        elif fmt == "tex":
            escaped = shown.apply(lambda col: col.map(_latex_escape))
            escaped.columns = [_latex_escape(str(c)) for c in shown.columns]
            text = escaped.to_latex(
                index=False, escape=False, caption=_latex_escape(caption) if caption else None
            )
        elif fmt == "html":
            text = _html_caption(shown.to_html(index=False, border=0), caption) + "\n"
        else:
            text = frame.to_csv(index=False, float_format="%.6g", lineterminator="\n")
        write_text_atomic(path, text)
        written.append(path)
    _record(written, caption)
    return written


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _html_caption(table_html: str, caption: str | None) -> str:
    """Put ``<caption>`` first inside the ``<table>`` element, as HTML requires."""
    if not caption:
        return table_html
    import html

    end = table_html.index(">", table_html.index("<table")) + 1
    return (
        f"{table_html[:end]}\n  <caption>{html.escape(_one_line(caption))}</caption>"
        f"{table_html[end:]}"
    )


# ---------------------------------------------------------------------------------------------
# Running analyses and the manifest
# ---------------------------------------------------------------------------------------------


@dataclass
class ScriptRun:
    """What one analysis script did: its outputs, its inputs and how long it took."""

    script: str
    returncode: int
    seconds: float
    outputs: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    captions: dict[str, str] = field(default_factory=dict)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("conflictstats", *_DEPENDENCIES):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


class _Children:
    """The analysis processes of one :func:`run_scripts`, and the signal that stops them.

    Workers start children through :meth:`spawn`; the signal handler (main thread) calls
    :meth:`forward`. The re-entrant lock makes the two exclusive, so no child starts unsignalled
    after a stop, and a second signal arriving inside the handler cannot deadlock it.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.procs: set[subprocess.Popen] = set()
        self.signum: int | None = None
        self.deferring = False

    def spawn(self, args: list[str], **kwargs: Any) -> subprocess.Popen | None:
        with self.lock:
            if self.signum is not None:
                return None
            proc = subprocess.Popen(args, **kwargs)
            self.procs.add(proc)
            return proc

    def wait(self, proc: subprocess.Popen) -> int:
        code = proc.wait()
        with self.lock:
            self.procs.discard(proc)
        return code

    def forward(self, signum: int) -> bool:
        """Pass ``signum`` to every child (SIGKILL on a repeated signal); True the first time."""
        with self.lock:
            first = self.signum is None
            if first:
                self.signum = signum
            procs = list(self.procs)
        for proc in procs:
            with contextlib.suppress(OSError):
                proc.send_signal(signum if first else signal.SIGKILL)
        return first


class _Stop(BaseException):
    """Raised in the main thread by the signal handler of :func:`run_scripts`."""


_STOP_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s)


@contextlib.contextmanager
def _forwarding_signals(children: _Children) -> Iterator[None]:
    """SIGINT and SIGTERM go to the analysis children; the first one raises :class:`_Stop`
    in the main thread, at once or, inside :func:`_signals_deferred`, at the end of it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: Any) -> None:
        if children.forward(signum) and not children.deferring:
            raise _Stop(signum)

    previous = {s: signal.signal(s, handler) for s in _STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextlib.contextmanager
def _signals_deferred(children: _Children) -> Iterator[None]:
    """Let the manifest be brought up to date whole before a signal stops the run."""
    children.deferring = True
    try:
        yield
    finally:
        children.deferring = False
    if children.signum is not None:
        raise _Stop(children.signum)


def _run_one(script: Path, root: Path, outdir: Path, children: _Children) -> ScriptRun | None:
    rel_script = os.path.relpath(script, root)
    with tempfile.TemporaryDirectory() as tmp:
        out_log = Path(tmp) / "outputs.txt"
        in_log = Path(tmp) / "inputs.json"
        env = dict(os.environ)
        env.update(
            {
                _OUTPUT_ENV: str(outdir),
                _LOG_ENV: str(out_log),
                _INPUT_ENV: str(in_log),
                "MPLBACKEND": "Agg",
                "PYTHONHASHSEED": "0",
                "SOURCE_DATE_EPOCH": "0",
                # the child ends itself when this process dies, even by SIGKILL (_runner)
                "CONFLICTSTATS_PARENT_PID": str(os.getpid()),
            }
        )
        start = time.perf_counter()
        proc = children.spawn(
            [sys.executable, "-m", "conflictstats._runner", str(script)], cwd=root, env=env
        )
        if proc is None:  # stopped before it could start
            return None
        returncode = children.wait(proc)
        seconds = time.perf_counter() - start
        outputs, captions = [], {}
        if out_log.exists():
            for line in out_log.read_text(encoding="utf-8").splitlines():
                path, _, caption = line.partition("\t")
                rel = os.path.relpath(path, outdir)
                if rel not in outputs:
                    outputs.append(rel)
                if caption:
                    captions[rel] = caption
        try:
            inputs = json.loads(in_log.read_text()) if in_log.exists() else []
        except ValueError:  # the child was killed while writing it
            inputs = []
    return ScriptRun(rel_script, returncode, seconds, sorted(outputs), inputs, captions)


def _manifest_entry(run: ScriptRun, output: str, root: Path, outdir: Path) -> dict[str, Any]:
    entry = {
        "sha256": sha256(outdir / output),
        "script": run.script,
        "inputs": {p: sha256(root / p) for p in run.inputs},
    }
    if output in run.captions:
        entry["caption"] = run.captions[output]
    return entry


def read_manifest(outdir: str | os.PathLike) -> dict[str, Any]:
    """The manifest ``MANIFEST.json`` of an output folder (an empty one if there is none).

    Raises
    ------
    ManifestError
        The file is not UTF-8 JSON (e.g. cut short by a killed write in an older version, or
        by a merge conflict), or not a manifest (an object whose ``outputs`` maps each output
        to an object with its ``sha256``); the message names the file, the fault and the fix.
    """
    path = Path(outdir) / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"outputs": {}}
    except UnicodeDecodeError as exc:
        raise ManifestError(path, f"not UTF-8 text: {exc.reason}") from None
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        reason = getattr(exc, "msg", str(exc))
        where = f" at line {exc.lineno}, column {exc.colno}" if hasattr(exc, "lineno") else ""
        raise ManifestError(path, f"not valid JSON: {reason}{where}") from None
    outputs = manifest.get("outputs", {}) if isinstance(manifest, dict) else None
    if not isinstance(outputs, dict):
        raise ManifestError(path, "not a manifest: expected an object with 'outputs'")
    for key, entry in outputs.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise ManifestError(path, f"not a manifest: output {key!r} has no sha256")
    manifest.setdefault("outputs", outputs)
    return manifest


def _read_manifest(outdir: Path) -> dict[str, Any]:
    return read_manifest(outdir)


def _write_manifest(outdir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    try:
        write_text_atomic(outdir / MANIFEST, text)
    except OSError as exc:
        raise ReproError(f"cannot write {outdir / MANIFEST}: {exc.strerror or exc}") from None


def _check_writable(outdir: Path) -> None:
    """Fail before any analysis runs if the output folders cannot take new files."""
    for folder in (outdir, outdir / "tables"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe", suffix=_TMP_SUFFIX)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise ReproError(
                f"cannot write into {folder} ({exc.strerror or exc}); no analysis was run. "
                f"Make it writable (e.g. `chmod -R u+w {outdir}`) and run again"
            ) from None


def _record_run(manifest: dict[str, Any], run: ScriptRun, root: Path, outdir: Path) -> None:
    # the new outputs dict is built whole, then put in place in one step
    outputs = {k: v for k, v in manifest["outputs"].items() if v.get("script") != run.script}
    for out in run.outputs:
        outputs[out] = _manifest_entry(run, out, root, outdir)
    manifest["outputs"] = outputs
    _write_manifest(outdir, manifest)


def _start_order(paths: Sequence[Path], root: Path, jobs: int) -> list[int]:
    """The order in which to start the scripts ``paths`` (their indices). With several jobs,
    the scripts with the most outputs in the committed manifest (``<root>/figures``, a proxy
    for how long they run) start first, so that the longest does not start last and run on
    alone; ties, scripts the manifest does not know, and a single job keep script order."""
    order = list(range(len(paths)))
    if jobs == 1:
        return order
    try:
        outputs = read_manifest(root / "figures")["outputs"]
    except ManifestError:
        return order
    counts: dict[str, int] = {}
    for entry in outputs.values():
        script = entry.get("script")
        if isinstance(script, str):
            counts[script] = counts.get(script, 0) + 1
    rel = [Path(os.path.relpath(p, root)).as_posix() for p in paths]
    return sorted(order, key=lambda i: -counts.get(rel[i], 0))


def run_scripts(
    scripts: Sequence[str | os.PathLike] | None = None,
    *,
    root: str | os.PathLike | None = None,
    outdir: str | os.PathLike | None = None,
    echo: Any = print,
    report: bool = True,
    jobs: int = 1,
) -> list[ScriptRun]:
    """Run analysis scripts, each in its own process from the project root, and update the
    manifest.

    Parameters
    ----------
    scripts : sequence of paths, optional
        Scripts to run; all ``analyses/*.py`` (sorted) by default.
    root : path-like, optional
        Project root; found from the working directory by default.
    outdir : path-like, optional
        Output folder; ``<root>/figures`` by default.
    echo : callable
        Receives one progress line per script.
    jobs : int, default 1
        How many scripts run at once (each in its own process). With several, the scripts
        with the most outputs in the committed manifest start first (the longest should not
        start last); results are taken in script order whatever the order they start and
        finish in; after a failure no further script starts.
    report : bool
        Rebuild the HTML report (``index.html`` and ``report/*.html``, see
        :func:`conflictstats.report.write_report`) from the manifest afterwards, so that the
        pages are outputs like any other, in the manifest and verified by ``check``.

    Returns
    -------
    list of ScriptRun
        One per script run. The run stops at the first failing script (its traceback is
        printed by the child process); outputs of the scripts that succeeded, and their
        manifest entries, are kept.

    Raises
    ------
    RunInterrupted
        On SIGINT or SIGTERM (when called from the main thread): the signal is passed on to
        every running analysis, which stops without leaving a partial file, and is waited for;
        no further script starts, and the manifest keeps every script that finished. A
        second signal kills the analyses outright (SIGKILL).
    ReproError
        A missing script, ``jobs`` not a whole number >= 1, an output folder that cannot be
        written (before any script runs), or a broken manifest (:class:`ManifestError`,
        after the scripts ran: the manifest is then rebuilt from them alone).

    Notes
    -----
    Every output, the manifest and the report pages are written to a temporary file beside
    their target and renamed onto it (:func:`atomic_path`), so a file in the output folder is
    always whole. The manifest is rewritten after each script that finishes, so a run stopped
    half-way leaves it true for every script that finished.
    """
    root = Path(root).resolve() if root else project_root()
    outdir = Path(outdir).resolve() if outdir else root / "figures"
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ReproError(f"jobs must be a whole number >= 1, got {jobs!r}")
    if scripts is None:
        paths = sorted((root / "analyses").glob("*.py"))
    else:
        paths = [Path(s).resolve() for s in scripts]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ReproError(f"no such analysis script: {', '.join(missing)}")
    _check_writable(outdir)
    _sweep_temporaries(outdir)
    try:
        manifest = read_manifest(outdir)
        broken = None
    except ManifestError as exc:
        manifest, broken = {"outputs": {}}, exc
        echo(
            f"{exc.path} is broken ({exc.reason}): rebuilding it from the scripts run now"
            + ("" if scripts is None else "; run every analysis to record all outputs")
        )
    manifest["versions"] = _versions()
    if broken is not None:
        _write_manifest(outdir, manifest)
    children = _Children()
    runs: list[ScriptRun] = []
    recorded: set[str] = set()
    pool = ThreadPoolExecutor(max_workers=jobs)

    def start(k: int, script: Path) -> ScriptRun | None:
        if children.signum is None:
            echo(f"[{k}/{len(paths)}] {os.path.relpath(script, root)} ...")
        return _run_one(script, root, outdir, children)

    futures: list[Any] = [None] * len(paths)
    with _forwarding_signals(children):
        try:
            for i in _start_order(paths, root, jobs):
                futures[i] = pool.submit(start, i + 1, paths[i])
            for k, (script, future) in enumerate(zip(paths, futures), 1):
                rel = os.path.relpath(script, root)
                run = future.result()
                if run is None:  # not started: a signal came (its _Stop is on its way)
                    raise _Stop(children.signum)
                runs.append(run)
                if run.returncode != 0:
                    for other in futures:
                        other.cancel()  # those not started yet
                    echo(f"[{k}/{len(paths)}] {rel} FAILED (exit {run.returncode})")
                    break
                with _signals_deferred(children):
                    _record_run(manifest, run, root, outdir)
                    recorded.add(run.script)
                n = len(run.outputs)
                echo(f"[{k}/{len(paths)}] {rel} ok: {n} outputs in {run.seconds:.1f} s")
            pool.shutdown(wait=True, cancel_futures=True)
            if report:
                from .report import write_report

                write_report(outdir, root=root)
        except _Stop as stop:
            signum = stop.args[0]
            # the children have the signal; wait for them (a second signal kills them)
            pool.shutdown(wait=True, cancel_futures=True)
            finished, unfinished = [], []
            children.deferring = True  # from here on a signal only escalates to SIGKILL
            for future in futures:
                run = None
                if future is None:  # the signal came before it was submitted
                    continue
                if future.done() and not future.cancelled() and future.exception() is None:
                    run = future.result()
                if run is not None and run.returncode == 0:
                    finished.append(run)
                    if run.script not in recorded:
                        _record_run(manifest, run, root, outdir)
                elif run is not None:
                    unfinished.append(run.script)
            raise RunInterrupted(signum, finished, unfinished) from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    return runs


def _tree(folder: Path) -> dict[str, Path]:
    return {
        os.path.relpath(p, folder): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def compare_outputs(committed: str | os.PathLike, fresh: str | os.PathLike) -> dict[str, list]:
    """Compare a committed output folder with a freshly generated one, byte for byte.

    Returns
    -------
    dict
        ``{"differ": [...], "not_produced": [...], "not_committed": [...],
        "manifest": [...]}``: outputs whose bytes differ, committed outputs no script produced,
        produced outputs that are not committed, and committed outputs whose manifest hash is
        missing or wrong. All empty means everything matches. A committed manifest that
        cannot be read (see :func:`read_manifest`) is not compared here: ``conflictstats
        check`` reports it on a line of its own.
    """
    committed, fresh = Path(committed), Path(fresh)
    old, new = _tree(committed), _tree(fresh)
    differ = [k for k in sorted(old.keys() & new.keys()) if sha256(old[k]) != sha256(new[k])]
    try:
        manifest = read_manifest(committed)["outputs"]
        bad_manifest = [
            k for k in sorted(old) if k not in manifest or manifest[k]["sha256"] != sha256(old[k])
        ]
    except ManifestError:
        bad_manifest = []
    return {
        "differ": differ,
        "not_produced": sorted(old.keys() - new.keys()),
        "not_committed": sorted(new.keys() - old.keys()),
        "manifest": bad_manifest,
    }
