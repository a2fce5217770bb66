"""The HTML report: one page per analysis, built from the analyses, their outputs and the
manifest.

:func:`write_report` writes ``figures/index.html`` (the contents: every analysis with its
question) and ``figures/report/<analysis>.html`` for each analysis script named in
``figures/MANIFEST.json``: the script's module docstring as the story, each figure (the SVG,
linked, with its caption as alternative text) and each table (the ``.html`` table file, with
its caption) in the order the script mentions them, and the provenance (the script and its
sha256, every input file with its sha256, every output with its sha256, the versions).

The pages are outputs like the figures: byte-identical on every rerun (no dates, everything
sorted or in script order), readable offline (one file each, styles inline, no scripts, no
fonts or images from elsewhere), accessible (``lang``, landmarks, headings, a contents list,
alternative text) and printable (a print stylesheet). ``conflictstats run`` rebuilds them after
the analyses and records them in the manifest, so ``conflictstats check`` verifies them with
everything else; ``conflictstats report`` rebuilds them alone from the outputs already there.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .repro import (
    FIGURE_FORMATS,
    MANIFEST,
    TABLE_FORMATS,
    ReproError,
    _write_manifest,
    output_dir,
    project_root,
    read_manifest,
    sha256,
    write_text_atomic,
)

__all__ = ["write_report", "build_pages", "render_docstring", "REPORT_DIR", "INDEX"]

REPORT_DIR = "report"
INDEX = "index.html"
GENERATOR = "conflictstats report"
_FORMAT_NAMES = {
    "svg": "SVG",
    "png": "PNG",
    "pdf": "PDF",
    "html": "HTML",
    "md": "Markdown",
    "tex": "LaTeX",
    "csv": "CSV",
}


# ---------------------------------------------------------------------------------------------
# The docstring as the story
# ---------------------------------------------------------------------------------------------

_INLINE = re.compile(r"``(.+?)``|`([^`]+?)`|\*\*(.+?)\*\*|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")
_ITEM = re.compile(r"^(\d+\.|[-*])\s+")
_LEAD = re.compile(r"^((?:\w[\w'-]*\s?){1,3}\.)\s")


def _inline(text: str, anchors: Mapping[str, str]) -> Markup:
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        code = m.group(1) or m.group(2)
        if code is not None:
            tag = Markup("<code>{}</code>").format(code)
            target = anchors.get(code)
            out.append(Markup('<a href="{}">{}</a>').format(target, tag) if target else tag)
        elif m.group(3) is not None:
            out.append(Markup("<strong>{}</strong>").format(m.group(3)))
        else:
            out.append(Markup("<em>{}</em>").format(m.group(4)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def render_docstring(text: str, anchors: Mapping[str, str] | None = None) -> Markup:
    """Render the body of an analysis docstring as HTML paragraphs and lists.

    Blank lines separate paragraphs; lines starting ``1.``, ``-`` or ``*`` make ordered or
    unordered lists (indented lines continue an item); ````code````, ```code```, ``**bold**``
    and ``*emphasis*`` are marked up; a paragraph's one- to three-word lead sentence
    ("Question.", "Data.") is set in bold. Code that names an output links to it through
    ``anchors`` (name to URL). Everything else is escaped.

    Examples
    --------
    >>> print(render_docstring("Data. Counts in ``x.csv``.\\n\\n1. one\\n   more\\n2. two"))
    <p><strong>Data.</strong> Counts in <code>x.csv</code>.</p>
    <ol>
    <li>one more</li>
    <li>two</li>
    </ol>
    """
    anchors = anchors or {}
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    out = []
    for block in blocks:
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if _ITEM.match(lines[0].lstrip()):
            ordered = lines[0].lstrip()[0].isdigit()
            items: list[str] = []
            for line in lines:
                m = _ITEM.match(line.lstrip())
                if m and (line[:1] not in " \t" or not items):
                    items.append(line.lstrip()[m.end() :])
                else:
                    items[-1] += " " + line.strip()
            tag = "ol" if ordered else "ul"
            body = "\n".join(f"<li>{_inline(i, anchors)}</li>" for i in items)
            out.append(f"<{tag}>\n{body}\n</{tag}>")
            continue
        para = " ".join(line.strip() for line in lines)
        lead = _LEAD.match(para)
        if lead:
            text_html = Markup("<strong>{}</strong> ").format(lead.group(1)) + _inline(
                para[lead.end() :], anchors
            )
        else:
            text_html = _inline(para, anchors)
        out.append(f"<p>{text_html}</p>")
    return Markup("\n".join(out))


def _docstring(path: Path) -> tuple[str, str]:
    """The summary line and the body of a script's module docstring ('' when absent)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return "", ""
    doc = ast.get_docstring(tree) or ""
    first, _, rest = doc.partition("\n\n")
    return " ".join(first.split()), rest


# ---------------------------------------------------------------------------------------------
# What an analysis produced
# ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One named output of an analysis: a figure, a table, or both under one name."""

    name: str
    heading: str
    order: tuple[int, str]
    figure: str | None = None
    figure_caption: str = ""
    figure_size: tuple[int, int] | None = None
    figure_files: list[tuple[str, str]] = field(default_factory=list)
    table: Markup | None = None
    table_caption: str = ""
    table_captioned: bool = False
    table_files: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Analysis:
    script: str
    name: str
    title: str
    story: Markup
    items: list[_Item]
    script_sha256: str
    inputs: list[tuple[str, str]]
    outputs: list[tuple[str, str]]
    versions: list[tuple[str, str]]

    @property
    def page(self) -> str:
        return f"{REPORT_DIR}/{self.name}.html"

    @property
    def n_figures(self) -> int:
        return sum(item.figure is not None for item in self.items)

    @property
    def n_tables(self) -> int:
        return sum(item.table is not None for item in self.items)


def _svg_size(path: Path) -> tuple[int, int] | None:
    # The width and height attributes of the root element, in CSS pixels (1 pt = 4/3 px).
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return None
    m = re.search(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"', head)
    if not m:
        return None
    scale = 4 / 3 if m.group(2) == "pt" else 1.0
    return round(float(m.group(1)) * scale), round(float(m.group(3)) * scale)


def _heading(name: str, analysis: str) -> str:
    short = name[len(analysis) + 1 :] if name.startswith(analysis + "_") else name
    words = short.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def _items(name: str, outputs: Mapping[str, Any], source: str, outdir: Path) -> list[_Item]:
    items: dict[str, _Item] = {}
    for rel in sorted(outputs):
        path = PurePosixPath(rel)
        fmt = path.suffix.lstrip(".")
        is_table = path.parts[0] == "tables" and len(path.parts) > 1 and fmt in TABLE_FORMATS
        if not is_table and fmt not in FIGURE_FORMATS:
            continue
        stem = str(PurePosixPath(*path.parts[1:]) if is_table else path).rsplit(".", 1)[0]
        if stem not in items:
            pos = source.find(PurePosixPath(stem).name)
            order = (pos if pos >= 0 else len(source), stem)
            items[stem] = _Item(stem, _heading(PurePosixPath(stem).name, name), order)
        item = items[stem]
        href = "../" + rel
        caption = outputs[rel].get("caption", "")
        if is_table:
            item.table_files.append((_FORMAT_NAMES.get(fmt, fmt), href))
            item.table_caption = item.table_caption or caption
            if fmt == "html" and (outdir / rel).is_file():
                item.table = Markup((outdir / rel).read_text(encoding="utf-8").strip())
                # A table file that carries its own <caption> is not captioned twice.
                item.table_captioned = "<caption" in item.table
        else:
            item.figure_files.append((_FORMAT_NAMES.get(fmt, fmt), href))
            item.figure_caption = item.figure_caption or caption
    for item in items.values():
        files = dict(item.figure_files)
        shown = files.get("SVG") or files.get("PNG")
        if shown:
            item.figure = shown
            if shown.endswith(".svg"):
                item.figure_size = _svg_size(outdir / shown[3:])
        order = [_FORMAT_NAMES[f] for f in (*FIGURE_FORMATS, *TABLE_FORMATS)]
        item.figure_files.sort(key=lambda f: order.index(f[0]) if f[0] in order else 99)
        item.table_files.sort(key=lambda f: order.index(f[0]) if f[0] in order else 99)
    return sorted(items.values(), key=lambda item: item.order)


def _analyses(manifest: Mapping[str, Any], root: Path, outdir: Path) -> list[_Analysis]:
    by_script: dict[str, dict[str, Any]] = {}
    for rel, entry in manifest.get("outputs", {}).items():
        if entry.get("made_by") == GENERATOR or not entry.get("script"):
            continue
        by_script.setdefault(entry["script"], {})[rel] = entry
    versions = sorted(manifest.get("versions", {}).items())
    analyses = []
    for script in sorted(by_script):
        outputs = by_script[script]
        path = root / script
        name = PurePosixPath(script).stem
        title, body = _docstring(path)
        source = path.read_text(encoding="utf-8") if path.is_file() else ""
        items = _items(name, outputs, source, outdir)
        anchors = {item.name: f"#{_anchor(item.name)}" for item in items}
        inputs: dict[str, str] = {}
        for entry in outputs.values():
            inputs.update(entry.get("inputs", {}))
        analyses.append(
            _Analysis(
                script=script,
                name=name,
                title=title or name.replace("_", " "),
                story=render_docstring(body, anchors),
                items=items,
                script_sha256=sha256(path) if path.is_file() else "(script not found)",
                inputs=sorted(inputs.items()),
                outputs=sorted((rel, e["sha256"]) for rel, e in outputs.items()),
                versions=versions,
            )
        )
    return analyses


_PAGE_IDS = {
    "main",
    "contents",
    "story",
    "outputs",
    "provenance",
    "inputs",
    "output-files",
    "versions",
}


def _anchor(name: str) -> str:
    anchor = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
    return f"output-{anchor}" if anchor in _PAGE_IDS else anchor


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; --ink: #1d1d1d; --muted: #555; --rule: #ccc; --link: #0b5394; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0 auto; max-width: 52rem; padding: 1rem 1.25rem 3rem; color: var(--ink);
  background: #fff; font: 1rem/1.55 Georgia, "DejaVu Serif", "Times New Roman", serif; }
h1, h2, h3 { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; line-height: 1.25; }
h1 { font-size: 1.6rem; margin: 1.5rem 0 0.5rem; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 0.5rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
a { color: var(--link); }
a:focus { outline: 2px solid var(--link); outline-offset: 2px; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em;
  overflow-wrap: anywhere; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 0.5rem; background: #fff; padding: 0.25rem 0.5rem; }
.crumbs, .muted, figcaption, .files { color: var(--muted); font-size: 0.9rem; }
nav.toc ol { padding-left: 1.5rem; }
nav.toc li { margin: 0.15rem 0; }
figure { margin: 1rem 0 1.5rem; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { margin: 0.4rem 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0;
  font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #e2e2e2; text-align: right;
  vertical-align: top; }
td { white-space: nowrap; }
th { border-bottom: 2px solid var(--rule); vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; }
table.provenance td, table.provenance th { text-align: left; white-space: normal; }
table.provenance td:last-child { overflow-wrap: anywhere; }
.pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem;
  border-top: 1px solid var(--rule); padding-top: 0.75rem; font-size: 0.9rem; }
@media print {
  @page { margin: 16mm 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .skip, .pager, .files, .crumbs { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr { break-inside: avoid; page-break-inside: avoid; }
  figure img { border: 0; max-height: 20cm; width: auto; }
  .table-wrap { overflow: visible; }
  table { font-size: 8pt; }
  td { white-space: normal; }
  section.provenance { break-before: page; page-break-before: always; }
}
"""

_BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="conflictstats report">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
{% block body %}{% endblock %}
</body>
</html>
"""

_INDEX = """{% extends "base" %}
{% block body %}
<header>
<h1>conflictstats: analyses and their outputs</h1>
<p>Each page below is one script in <code>analyses/</code>: the question it answers and its
reasoning (the script's own docstring), its figures and tables in the order it discusses them,
and where every number came from (the script, each input file and each output with its
sha256, the versions of Python and of the libraries). The files are regenerated by
<code>conflictstats run</code> and verified byte for byte by <code>conflictstats check</code>;
the manifest of all outputs is <a href="{{ manifest }}">{{ manifest }}</a>.</p>
</header>
<main id="main">
<nav class="toc" aria-label="Contents">
<h2 id="contents">Contents</h2>
<ol>
{% for a in analyses %}
<li><a href="{{ a.page }}">{{ a.title }}</a> <span class="muted">(<code>{{ a.script }}</code>;
{{ a.n_figures }} figure{{ "" if a.n_figures == 1 else "s" }},
{{ a.n_tables }} table{{ "" if a.n_tables == 1 else "s" }})</span></li>
{% endfor %}
</ol>
</nav>
<h2 id="versions">Versions</h2>
<p>The versions that made the outputs, from the manifest.</p>
{{ versions_table }}
</main>
{% endblock %}
"""

_PAGE = """{% extends "base" %}
{% block body %}
<header>
<p class="crumbs"><a href="../{{ index }}">All analyses</a> &rsaquo; <code>{{ a.script }}</code></p>
<h1>{{ a.title }}</h1>
</header>
<nav class="toc" aria-label="Contents">
<h2 id="contents">Contents</h2>
<ol>
<li><a href="#story">The question and the reasoning</a></li>
{% for item in a.items %}
<li><a href="#{{ anchor(item.name) }}">{{ item.heading }}</a></li>
{% endfor %}
<li><a href="#provenance">Provenance</a></li>
</ol>
</nav>
<main id="main">
<section aria-labelledby="story">
<h2 id="story">The question and the reasoning</h2>
{{ a.story }}
</section>
<section aria-labelledby="outputs">
<h2 id="outputs">Figures and tables</h2>
{% for item in a.items %}
<section aria-labelledby="{{ anchor(item.name) }}">
<h3 id="{{ anchor(item.name) }}">{{ item.heading }}</h3>
{% if item.figure %}
<figure>
<img src="{{ item.figure }}" alt="{{ item.figure_caption or item.heading }}"
{%- if item.figure_size %} width="{{ item.figure_size[0] }}" height="{{ item.figure_size[1] }}"{% endif %}>
<figcaption>Figure <code>{{ item.name }}</code>{% if item.figure_caption %}: {{ item.figure_caption }}{% endif %}
{{ " " }}<span class="files">({% for label, href in item.figure_files %}<a href="{{ href }}">{{ label }}</a>{{ ", " if not loop.last }}{% endfor %})</span></figcaption>
</figure>
{% endif %}
{% if item.table is not none or item.table_files %}
<figure>
<figcaption>Table <code>{{ item.name }}</code>{% if item.table_caption and not item.table_captioned %}: {{ item.table_caption }}{% endif %}
{{ " " }}<span class="files">({% for label, href in item.table_files %}<a href="{{ href }}">{{ label }}</a>{{ ", " if not loop.last }}{% endfor %})</span></figcaption>
{% if item.table is not none %}
<div class="table-wrap" role="region" tabindex="0" aria-label="Table {{ item.name }}">
{{ item.table }}
</div>
{% endif %}
</figure>
{% endif %}
</section>
{% endfor %}
</section>
<section class="provenance" aria-labelledby="provenance">
<h2 id="provenance">Provenance</h2>
<p>Script <code>{{ a.script }}</code>, sha256 <code>{{ a.script_sha256 }}</code>. Rerun it
with <code>conflictstats run {{ a.script }}</code>; <code>conflictstats check</code> reruns
every analysis and compares each output byte for byte.</p>
<h3 id="inputs">Input files</h3>
{% if a.inputs %}
<table class="provenance">
<thead><tr><th scope="col">file</th><th scope="col">sha256</th></tr></thead>
<tbody>
{% for path, digest in a.inputs %}
<tr><td><code>{{ path }}</code></td><td><code>{{ digest }}</code></td></tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>The script read no file under <code>data/</code>.</p>
{% endif %}
<h3 id="output-files">Output files</h3>
<table class="provenance">
<thead><tr><th scope="col">file</th><th scope="col">sha256</th></tr></thead>
<tbody>
{% for path, digest in a.outputs %}
<tr><td><a href="../{{ path }}"><code>{{ path }}</code></a></td><td><code>{{ digest }}</code></td></tr>
{% endfor %}
</tbody>
</table>
<h3 id="versions">Versions</h3>
{{ versions_table }}
</section>
<nav class="pager" aria-label="Other analyses">
<span>{% if prev %}&lsaquo; <a href="{{ prev.name }}.html">{{ prev.title }}</a>{% endif %}</span>
<span>{% if next %}<a href="{{ next.name }}.html">{{ next.title }}</a> &rsaquo;{% endif %}</span>
</nav>
</main>
{% endblock %}
"""

_VERSIONS = """<table class="provenance">
<thead><tr><th scope="col">package</th><th scope="col">version</th></tr></thead>
<tbody>
{% for name, version in versions %}
<tr><td>{{ name }}</td><td>{{ version }}</td></tr>
{% endfor %}
</tbody>
</table>"""


def _environment() -> Environment:
    env = Environment(
        loader=DictLoader({"base": _BASE, "index": _INDEX, "page": _PAGE, "versions": _VERSIONS}),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(css=Markup(_CSS.strip("\n")), index=INDEX, anchor=_anchor)
    return env


def build_pages(
    manifest: Mapping[str, Any], *, root: str | os.PathLike, outdir: str | os.PathLike
) -> dict[str, str]:
    """The report pages as ``{path relative to outdir: html text}``, index first.

    Parameters
    ----------
    manifest : mapping
        The run manifest (``figures/MANIFEST.json`` as read by :mod:`json`).
    root : path-like
        The project root: analysis scripts are read from here.
    outdir : path-like
        The output folder: table HTML files and SVG sizes are read from here.
    """
    root, outdir = Path(root), Path(outdir)
    analyses = _analyses(manifest, root, outdir)
    env = _environment()
    versions = env.get_template("versions").render(
        versions=sorted(manifest.get("versions", {}).items())
    )
    pages = {
        INDEX: env.get_template("index").render(
            title="conflictstats report",
            analyses=analyses,
            manifest=MANIFEST,
            versions_table=Markup(versions),
        )
    }
    page = env.get_template("page")
    for k, a in enumerate(analyses):
        pages[a.page] = page.render(
            title=f"{a.title} — conflictstats report",
            a=a,
            prev=analyses[k - 1] if k > 0 else None,
            next=analyses[k + 1] if k + 1 < len(analyses) else None,
            versions_table=Markup(versions),
        )
    return {rel: _tidy(text) for rel, text in pages.items()}


def _tidy(text: str) -> str:
    # One trailing newline, no trailing spaces: the same bytes whatever the template layout.
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def write_report(
    outdir: str | os.PathLike | None = None, *, root: str | os.PathLike | None = None
) -> list[Path]:
    """Write the HTML report into the output folder and record its pages in the manifest.

    Parameters
    ----------
    outdir : path-like, optional
        The output folder holding ``MANIFEST.json``; ``figures/`` (or
        ``$CONFLICTSTATS_OUTPUT_DIR``) by default.
    root : path-like, optional
        The project root; found from the working directory by default.

    Returns
    -------
    list of pathlib.Path
        The pages written: ``index.html`` and ``report/<analysis>.html``. Pages in
        ``report/`` of analyses no longer in the manifest are removed. Each page is written
        to a temporary file and renamed into place, so a page is never left half-written.

    Raises
    ------
    conflictstats.repro.ManifestError
        ``MANIFEST.json`` is not valid JSON or not a manifest (the message names it and says
        how to rebuild it).
    conflictstats.repro.ReproError
        A page or the manifest cannot be written (a read-only folder, a full disk).

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from conflictstats.report import write_report
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "MANIFEST.json").write_text(json.dumps({"outputs": {}, "versions": {}}))
    ...     [p.name for p in write_report(d, root=d)]
    ['index.html']
    """
    root = Path(root).resolve() if root else project_root()
    outdir = Path(outdir).resolve() if outdir else output_dir()
    manifest = read_manifest(outdir)
    outputs = {k: v for k, v in manifest["outputs"].items() if v.get("made_by") != GENERATOR}
    pages = build_pages({**manifest, "outputs": outputs}, root=root, outdir=outdir)
    written = []
    try:
        for rel, text in pages.items():
            path = outdir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                write_text_atomic(path, text)
            written.append(path)
            outputs[rel] = {
                "sha256": sha256(path),
                "script": None,
                "inputs": {},
                "made_by": GENERATOR,
            }
        report_dir = outdir / REPORT_DIR
        if report_dir.is_dir():
            for stale in sorted(report_dir.glob("*.html")):
                if f"{REPORT_DIR}/{stale.name}" not in pages:
                    stale.unlink()
    except OSError as exc:
        where = exc.filename or outdir
        raise ReproError(f"cannot write the report into {where}: {exc.strerror or exc}") from None
    manifest["outputs"] = outputs
    _write_manifest(outdir, manifest)
    return written
