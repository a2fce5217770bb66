"""The HTML report: pages per analysis, byte-identical reruns, offline, links that resolve."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conflictstats import cli
from conflictstats.report import INDEX, REPORT_DIR, render_docstring, write_report
from conflictstats.repro import compare_outputs, run_scripts, sha256

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "project"

STORY = '''"""Is the <b>story</b> escaped & told?

Question. Does ``story_counts`` link to its section?

1. a first point with **bold** and *emphasis*,
   continued on a second line;
2. a second point.

- an item
- another item
"""

import matplotlib.pyplot as plt
import pandas as pd

from conflictstats import repro

counts = pd.read_csv("data/demo/counts.csv")
fig, ax = plt.subplots()
ax.bar(counts["month"], counts["count"])
repro.save_figure(fig, "story_counts", caption="Events per month, <fixture> & co")
fig, axes = plt.subplots(1, 2)
axes[0].set(title="Three points", xlabel="month", ylabel="events")
axes[1].set(title="Right")
repro.save_figure(fig, "story_titled")
repro.save_figure(plt.figure(), "story_blank")
frame = pd.DataFrame({"estimate": [1.5], "ci_low": [1.0], "ci_high": [2.0]})
repro.save_table(frame, "story_counts", caption="A table's caption")
'''


class _Links(HTMLParser):
    """Collects every src/href, every img (with its alt) and the tags used."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.images: list[dict] = []
        self.tags: set[str] = set()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.refs += [attrs[k] for k in ("src", "href") if k in attrs]
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.images.append(attrs)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _pages(outdir: Path) -> list[Path]:
    return [outdir / INDEX, *sorted((outdir / REPORT_DIR).glob("*.html"))]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("report") / "project"
    shutil.copytree(FIXTURE, dest)
    (dest / "analyses" / "demo.py").unlink()  # one analysis process keeps the test quick
    (dest / "analyses" / "story.py").write_text(STORY, encoding="utf-8")
    runs = run_scripts(None, root=dest, echo=lambda line: None)
    assert [r.returncode for r in runs] == [0]
    return dest


@pytest.fixture(scope="module")
def real_report(tmp_path_factory) -> Path:
    """The report built from the project's committed outputs, in a temporary copy."""
    outdir = tmp_path_factory.mktemp("figures")
    shutil.copytree(ROOT / "figures", outdir, dirs_exist_ok=True)
    write_report(outdir, root=ROOT)
    return outdir


def test_run_writes_one_page_per_analysis_and_records_them(project):
    figures = project / "figures"
    assert [p.relative_to(figures).as_posix() for p in _pages(figures)] == [
        "index.html",
        "report/story.html",
    ]
    manifest = json.loads((figures / "MANIFEST.json").read_text())
    for page in ("index.html", "report/story.html"):
        entry = manifest["outputs"][page]
        assert entry["sha256"] == sha256(figures / page)
        assert entry["made_by"] == "conflictstats report"


def test_captions_reach_the_manifest(project):
    outputs = json.loads((project / "figures" / "MANIFEST.json").read_text())["outputs"]
    for fmt in ("svg", "png", "pdf"):
        assert outputs[f"story_counts.{fmt}"]["caption"] == "Events per month, <fixture> & co"
    assert outputs["story_blank.svg"]["caption"] == "Figure without titles or axis labels"
    for fmt in ("md", "tex", "csv", "html"):
        assert outputs[f"tables/story_counts.{fmt}"]["caption"] == "A table's caption"
    assert outputs["story_titled.png"]["caption"] == (
        "Panel 1: Three points (x: month; y: events). Panel 2: Right"
    )


def test_page_tells_the_story_with_figures_tables_and_provenance(project):
    figures = project / "figures"
    text = (figures / "report" / "story.html").read_text(encoding="utf-8")
    assert (
        "<title>Is the &lt;b&gt;story&lt;/b&gt; escaped &amp; told? — conflictstats report" in text
    )
    assert "<h1>Is the &lt;b&gt;story&lt;/b&gt; escaped &amp; told?</h1>" in text
    assert '<p><strong>Question.</strong> Does <a href="#story_counts"><code>story_counts' in text
    assert "<li>a first point with <strong>bold</strong> and <em>emphasis</em>, continued" in text
    assert "<ul>\n<li>an item</li>\n<li>another item</li>\n</ul>" in text
    assert 'alt="Events per month, &lt;fixture&gt; &amp; co"' in text
    # the apostrophe is escaped (by the report or by the table file's own <caption>)
    assert "A table&#39;s caption" in text or "A table&#x27;s caption" in text
    assert "<td>1.50</td>" in text  # the table's own HTML file, embedded
    data = "data/demo/counts.csv"
    assert f"<code>{data}</code></td><td><code>{sha256(project / data)}</code>" in text
    assert f"<code>{sha256(project / 'analyses' / 'story.py')}</code>" in text
    assert "<td>numpy</td>" in text
    assert text.index('id="story_counts"') < text.index('id="story_titled"')
    index = (figures / INDEX).read_text(encoding="utf-8")
    assert '<a href="report/story.html">Is the &lt;b&gt;story&lt;/b&gt; escaped' in index


def test_rebuilt_pages_are_byte_identical_and_in_the_manifest(project, tmp_path):
    fresh = tmp_path / "fresh"
    shutil.copytree(project / "figures", fresh)
    for page in _pages(fresh):
        page.unlink()
    write_report(fresh, root=project)
    write_report(fresh, root=project)
    assert compare_outputs(project / "figures", fresh) == {
        "differ": [],
        "not_produced": [],
        "not_committed": [],
        "manifest": [],
    }


def test_report_command_rebuilds_and_drops_stale_pages(project, monkeypatch, capsys):
    figures = project / "figures"
    (figures / "report" / "gone.html").write_text("<p>an analysis that was removed</p>")
    (figures / INDEX).unlink()
    monkeypatch.chdir(project)
    assert cli.main(["report"]) == 0
    assert "2 report pages" in capsys.readouterr().out
    assert (figures / INDEX).is_file() and not (figures / "report" / "gone.html").exists()


def test_a_table_with_its_own_caption_is_not_captioned_twice(project, tmp_path):
    fresh = tmp_path / "fresh"
    shutil.copytree(project / "figures", fresh)
    table = fresh / "tables" / "story_counts.html"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(">\n", "><caption>Own caption</caption>\n", 1))
    write_report(fresh, root=project)
    page = (fresh / "report" / "story.html").read_text(encoding="utf-8")
    assert "<caption>Own caption</caption>" in page and "A table&#39;s caption" not in page


def test_report_command_without_a_manifest_says_so(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'empty'\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report"]) == 2
    assert "run `conflictstats run` first" in capsys.readouterr().err


@pytest.mark.parametrize("which", ["project", "real_report"])
def test_pages_are_offline_accessible_and_every_link_resolves(which, request):
    outdir = request.getfixturevalue(which)
    outdir = outdir / "figures" if which == "project" else outdir
    for page in _pages(outdir):
        links = _parse(page)
        text = page.read_text(encoding="utf-8")
        assert not {"script", "link", "iframe", "object", "embed"} & links.tags, page
        assert not re.search(r"@import|url\(", text), page
        assert text.startswith('<!DOCTYPE html>\n<html lang="en">'), page
        assert {"h1", "nav", "main"} <= links.tags, page
        assert len(links.ids) == len(set(links.ids)), page
        for ref in links.refs:
            assert not re.match(r"[a-z][a-z0-9+.-]*:", ref, re.I), (page, ref)
            target, _, fragment = ref.partition("#")
            if target:
                assert (page.parent / target).resolve().is_file(), (page, ref)
            else:
                assert fragment in links.ids, (page, ref)
        for img in links.images:
            assert img.get("alt", "").strip(), (page, img)
            assert (page.parent / img["src"]).is_file()
    figures = {p.name for p in outdir.glob("*.svg")}
    shown = {Path(img["src"]).name for page in _pages(outdir) for img in _parse(page).images}
    assert shown == figures


def test_render_docstring_escapes_and_marks_up():
    out = render_docstring("A <tag> & ``<code>`` `x`\n\n- one\n- two", {"x": "#x"})
    assert out == (
        "<p>A &lt;tag&gt; &amp; <code>&lt;code&gt;</code> "
        '<a href="#x"><code>x</code></a></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>'
    )
    assert render_docstring("") == ""
    assert render_docstring("2 * 3 * 4 and a*b*c") == "<p>2 * 3 * 4 and a*b*c</p>"
