"""Reproducible outputs: byte-identical reruns, the manifest, `run` and `check`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conflictstats import repro
from conflictstats.repro import compare_outputs, save_table, sha256

FIXTURE = Path(__file__).parent / "fixtures" / "project"
EXPECTED = [
    "demo_counts.pdf",
    "demo_counts.png",
    "demo_counts.svg",
    "index.html",
    "report/demo.html",
    "tables/demo_counts.csv",
    "tables/demo_counts.html",
    "tables/demo_counts.md",
    "tables/demo_counts.tex",
]


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conflictstats.cli", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the fixture project, not yet run."""
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture(scope="module")
def _ran_once(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("ran") / "project"
    shutil.copytree(FIXTURE, dest)
    out = cli(dest, "run")
    assert out.returncode == 0, out.stderr
    return dest


@pytest.fixture
def ran_project(_ran_once: Path, tmp_path: Path) -> Path:
    """A copy of the fixture project after one `run` (the run itself is shared by the module)."""
    dest = tmp_path / "project"
    shutil.copytree(_ran_once, dest)
    return dest


def hashes(folder: Path) -> dict[str, str]:
    return {name: sha256(folder / name) for name in EXPECTED}


@pytest.mark.slow
def test_fixture_analysis_is_byte_identical_across_processes(ran_project):
    project = ran_project
    h1 = hashes(project / "figures")
    shutil.rmtree(project / "figures")
    second = cli(project, "run")
    assert second.returncode == 0, second.stderr
    assert hashes(project / "figures") == h1
    assert len(set(h1.values())) == len(EXPECTED)


def test_manifest_records_outputs_inputs_and_versions(ran_project):
    project = ran_project
    manifest = json.loads((project / "figures" / "MANIFEST.json").read_text())
    assert sorted(manifest["outputs"]) == EXPECTED
    entry = manifest["outputs"]["demo_counts.svg"]
    assert entry["script"] == "analyses/demo.py"
    data = project / "data" / "demo" / "counts.csv"
    assert entry["inputs"] == {"data/demo/counts.csv": sha256(data)}
    assert entry["sha256"] == sha256(project / "figures" / "demo_counts.svg")
    for key in ("python", "numpy", "scipy", "statsmodels", "pandas", "matplotlib"):
        assert key in manifest["versions"]


@pytest.mark.slow
def test_check_passes_then_fails_on_one_changed_byte(ran_project):
    project = ran_project
    ok = cli(project, "check")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    target = project / "figures" / "tables" / "demo_counts.md"
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    bad = cli(project, "check")
    assert bad.returncode == 1
    assert "figures/tables/demo_counts.md: differs" in bad.stdout


@pytest.mark.slow  # several seconds: make test-slow
def test_check_lists_orphans_and_uncommitted(ran_project):
    project = ran_project
    (project / "figures" / "old.svg").write_text("<svg/>")
    (project / "figures" / "demo_counts.png").unlink()
    out = cli(project, "check")
    assert out.returncode == 1
    assert "figures/old.svg: is committed but no analysis produces it" in out.stdout
    assert "figures/demo_counts.png: is produced but not committed" in out.stdout


@pytest.mark.slow  # several seconds: make test-slow
def test_failing_analysis_stops_run_and_keeps_earlier_outputs(project):
    (project / "analyses" / "zz_broken.py").write_text("raise RuntimeError('boom')\n")
    out = cli(project, "run")
    assert out.returncode == 1
    assert "RuntimeError: boom" in out.stderr
    assert (project / "figures" / "demo_counts.svg").exists()
    manifest = json.loads((project / "figures" / "MANIFEST.json").read_text())
    assert "demo_counts.svg" in manifest["outputs"]


@pytest.mark.slow  # a whole run of the fixture project (`make test-slow`, in CI)
def test_analysis_cannot_write_into_data(project):
    (project / "analyses" / "writer.py").write_text(
        "open('data/demo/counts.csv', 'a').write('x')\n"
    )
    before = (project / "data" / "demo" / "counts.csv").read_bytes()
    out = cli(project, "run", "analyses/writer.py")
    assert out.returncode == 1 and "must not write into data/" in out.stderr
    assert (project / "data" / "demo" / "counts.csv").read_bytes() == before


def test_run_unknown_script_is_an_error(project):
    out = cli(project, "run", "analyses/nope.py")
    assert out.returncode == 2 and "no such analysis script" in out.stderr


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["check", "--help"]])
def test_help_on_every_command(args, capsys):
    from conflictstats.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_console_script_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "conflictstats.cli", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("conflictstats ")


def test_save_table_formats_and_raw_csv(tmp_path):
    df = pd.DataFrame(
        {
            "quantity": ["rate ratio"],
            "estimate": [1.2534],
            "ci_low": [1.1311],
            "ci_high": [1.3822],
            "confidence": [0.95],
            "pvalue": [2e-5],
        }
    )
    paths = save_table(df, tmp_path / "t")
    assert [p.suffix for p in paths] == [".md", ".tex", ".csv", ".html"]
    md = (tmp_path / "t.md").read_text()
    assert "1.13 to 1.38" in md and "< 0.001" in md and "95% CI" in md
    csv = pd.read_csv(tmp_path / "t.csv")
    assert csv.loc[0, "ci_low"] == pytest.approx(1.1311)
    assert "\\begin{tabular}" in (tmp_path / "t.tex").read_text()


def test_save_figure_rejects_unknown_format(tmp_path):
    import matplotlib.pyplot as plt

    fig = plt.figure()
    with pytest.raises(ValueError, match="unknown format"):
        repro.save_figure(fig, tmp_path / "x", formats=("jpg",))


def test_compare_outputs_on_identical_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "x.csv").write_text("1\n")
    (a / "MANIFEST.json").write_text(
        json.dumps({"outputs": {"x.csv": {"sha256": sha256(a / "x.csv")}}})
    )
    assert compare_outputs(a, b) == {
        "differ": [],
        "not_produced": [],
        "not_committed": [],
        "manifest": [],
    }


def test_run_scripts_refuses_bad_jobs(tmp_path):
    with pytest.raises(repro.ReproError, match="jobs must be a whole number >= 1"):
        repro.run_scripts([], root=tmp_path, jobs=0)


def test_scripts_with_most_outputs_start_first_with_several_jobs(tmp_path):
    from conflictstats.repro import _start_order

    (tmp_path / "figures").mkdir()
    outputs = {f"a{i}.svg": {"sha256": "0", "script": "analyses/a.py"} for i in range(2)}
    outputs.update({f"c{i}.svg": {"sha256": "0", "script": "analyses/c.py"} for i in range(5)})
    outputs["index.html"] = {"sha256": "0"}  # report pages have no script
    manifest = tmp_path / "figures" / "MANIFEST.json"
    manifest.write_text(json.dumps({"outputs": outputs}))
    paths = [tmp_path / "analyses" / f"{name}.py" for name in "abcd"]
    assert _start_order(paths, tmp_path, 2) == [2, 0, 1, 3]  # c, a, then b and d as listed
    assert _start_order(paths, tmp_path, 1) == [0, 1, 2, 3]
    manifest.write_text("{not json")
    assert _start_order(paths, tmp_path, 2) == [0, 1, 2, 3]
