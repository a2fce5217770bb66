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

import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
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
    "LayoutError",
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
            fig.savefig(
                path, format=fmt, dpi=dpi, facecolor="white", metadata=metadata_by_format[fmt]
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
        path.write_text(text, encoding="utf-8", newline="\n")
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


def _run_one(script: Path, root: Path, outdir: Path) -> ScriptRun:
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
            }
        )
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "conflictstats._runner", str(script)], cwd=root, env=env
        )
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
        inputs = json.loads(in_log.read_text()) if in_log.exists() else []
    rel_script = os.path.relpath(script, root)
    return ScriptRun(rel_script, proc.returncode, seconds, sorted(outputs), inputs, captions)


def _manifest_entry(run: ScriptRun, output: str, root: Path, outdir: Path) -> dict[str, Any]:
    entry = {
        "sha256": sha256(outdir / output),
        "script": run.script,
        "inputs": {p: sha256(root / p) for p in run.inputs},
    }
    if output in run.captions:
        entry["caption"] = run.captions[output]
    return entry


def _read_manifest(outdir: Path) -> dict[str, Any]:
    path = outdir / MANIFEST
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"outputs": {}}


def _write_manifest(outdir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (outdir / MANIFEST).write_text(text, encoding="utf-8", newline="\n")


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
        How many scripts run at once (each in its own process). Results are taken in script
        order whatever the order they finish in; after a failure no further script starts.
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
    """
    root = Path(root).resolve() if root else project_root()
    outdir = Path(outdir).resolve() if outdir else root / "figures"
    (outdir / "tables").mkdir(parents=True, exist_ok=True)
    if scripts is None:
        paths = sorted((root / "analyses").glob("*.py"))
    else:
        paths = [Path(s).resolve() for s in scripts]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ReproError(f"no such analysis script: {', '.join(missing)}")
    manifest = _read_manifest(outdir)
    manifest["versions"] = _versions()
    outputs = manifest.setdefault("outputs", {})
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ReproError(f"jobs must be a whole number >= 1, got {jobs!r}")
    runs = []
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = []

    def start(k: int, script: Path) -> ScriptRun:
        echo(f"[{k}/{len(paths)}] {os.path.relpath(script, root)} ...")
        return _run_one(script, root, outdir)

    for k, script in enumerate(paths, 1):
        futures.append(pool.submit(start, k, script))
    for k, (script, future) in enumerate(zip(paths, futures), 1):
        rel = os.path.relpath(script, root)
        run = future.result()
        runs.append(run)
        if run.returncode != 0:
            for later in futures[k:]:
                later.cancel()
            echo(f"[{k}/{len(paths)}] {rel} FAILED (exit {run.returncode})")
            break
        for key in [k_ for k_, v in outputs.items() if v.get("script") == run.script]:
            del outputs[key]
        for out in run.outputs:
            outputs[out] = _manifest_entry(run, out, root, outdir)
        echo(f"[{k}/{len(paths)}] {rel} ok: {len(run.outputs)} outputs in {run.seconds:.1f} s")
    pool.shutdown(wait=True, cancel_futures=True)
    _write_manifest(outdir, manifest)
    if report:
        from .report import write_report

        write_report(outdir, root=root)
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
        missing or wrong. All empty means everything matches.
    """
    committed, fresh = Path(committed), Path(fresh)
    old, new = _tree(committed), _tree(fresh)
    differ = [k for k in sorted(old.keys() & new.keys()) if sha256(old[k]) != sha256(new[k])]
    manifest = _read_manifest(committed).get("outputs", {})
    bad_manifest = [
        k for k in sorted(old) if k not in manifest or manifest[k]["sha256"] != sha256(old[k])
    ]
    return {
        "differ": differ,
        "not_produced": sorted(old.keys() - new.keys()),
        "not_committed": sorted(new.keys() - old.keys()),
        "manifest": bad_manifest,
    }
