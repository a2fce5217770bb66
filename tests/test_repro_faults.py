"""The report pipeline under faults: killed runs, broken manifests, read-only and guarded folders."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conflictstats import repro

FIXTURE = Path(__file__).parent / "fixtures" / "project"

# An analysis that saves a first figure whole, then blocks in the middle of writing a second
# one (a drawn artist that waits) when FAULT_MARKERS names a folder: it writes its pid there
# first, so the test knows the write has begun. Without FAULT_MARKERS it runs to the end.
_BLOCKING = """
import os, time
from pathlib import Path
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from conflictstats import repro

n = Path("data/fault/n.txt").read_text().strip()
markers = os.environ.get("FAULT_MARKERS")

class Blocker(Artist):
    def draw(self, renderer):
        if markers:
            Path(markers, "{name}").write_text(str(os.getpid()))
            time.sleep(600)

def figure(title):
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [1, int(n), 3])
    ax.set_title(title)
    return fig

{early}
fig = figure("{name} slow, n = " + n)
fig.add_artist(Blocker())
repro.save_figure(fig, "{name}_slow", formats=("svg",), check=False)
"""


def cli(project: Path, *args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conflictstats.cli", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        **kw,
    )


def _fault_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "analyses").mkdir(parents=True)
    (project / "data" / "fault").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "fault"\n')
    (project / "data" / "fault" / "n.txt").write_text("1\n")
    (project / "analyses" / "a_first.py").write_text(
        textwrap.dedent(
            """
            import pandas as pd
            from pathlib import Path
            from conflictstats import repro
            n = int(Path("data/fault/n.txt").read_text())
            repro.save_table(pd.DataFrame({"n": [n]}), "a_first", formats=("csv",))
            """
        )
    )
    early = 'repro.save_figure(figure("early, n = " + n), "b_early", formats=("svg",), check=False)'
    (project / "analyses" / "b_block.py").write_text(_BLOCKING.format(name="b", early=early))
    (project / "analyses" / "c_block.py").write_text(_BLOCKING.format(name="c", early=""))
    return project


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead but not yet reaped
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_killed_run_leaves_whole_files_a_valid_manifest_and_check_names_the_stale(tmp_path, jobs):
    project = _fault_project(tmp_path)
    first = cli(project, "run", "--jobs", str(jobs))
    assert first.returncode == 0, first.stderr
    figures = project / "figures"
    before = {p: p.read_bytes() for p in figures.rglob("*") if p.is_file()}

    # new data, so every output changes; the second run is killed while b (and, with two
    # jobs, c) is in the middle of writing its slow figure
    (project / "data" / "fault" / "n.txt").write_text("2\n")
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {**os.environ, "FAULT_MARKERS": str(markers)}
    expect = {"b"} if jobs == 1 else {"b", "c"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "conflictstats.cli", "run", "--jobs", str(jobs)],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while {p.name for p in markers.iterdir()} != expect:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the analyses never reached the blocking write"
            time.sleep(0.05)
        time.sleep(0.2)  # the marker is written before the pid: let it land
        pids = [int(p.read_text()) for p in markers.iterdir()]
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        leftovers = [pid for pid in pids if _alive(pid)]
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
    assert not leftovers, f"analysis processes still running after the run ended: {leftovers}"
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by SIGTERM" in err

    # no partial and no temporary file: every SVG parses, the slow figure is the old one
    files = [p for p in figures.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".")], files
    for svg in figures.rglob("*.svg"):
        ET.parse(svg)
    assert (figures / "b_slow.svg").read_bytes() == before[figures / "b_slow.svg"]
    assert (figures / "b_early.svg").read_bytes() != before[figures / "b_early.svg"]
    manifest = json.loads((figures / "MANIFEST.json").read_text())
    # a_first finished before the kill: recorded with its new hash
    assert manifest["outputs"]["tables/a_first.csv"]["sha256"] == repro.sha256(
        figures / "tables" / "a_first.csv"
    )

    check = cli(project, "check", "--jobs", str(jobs))
    assert check.returncode == 1
    named = sorted(line for line in check.stdout.splitlines() if line.startswith("figures/"))
    # b_early was rewritten but its script did not finish, so the manifest still holds the old
    # hash; b_slow and c_slow are the old figures; the report pages were not rebuilt (the run
    # stopped before) and show the old hashes. a_first's table is fresh and recorded.
    differs = "differs from what the analyses produce now (stale or not reproducible)"
    assert named == sorted(
        [
            "figures/b_early.svg: is missing from MANIFEST.json or has the wrong hash there",
            f"figures/b_slow.svg: {differs}",
            f"figures/c_slow.svg: {differs}",
            f"figures/report/a_first.html: {differs}",
            f"figures/report/b_block.html: {differs}",
            f"figures/report/c_block.html: {differs}",
        ]
    ), check.stdout


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux")
@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkilled_run_takes_its_analyses_with_it(tmp_path, jobs):
    # issue 17: SIGKILL cannot be forwarded, and left the analysis running and writing into
    # figures/; the analyses now end themselves (as on SIGTERM) when `run` dies
    project = _fault_project(tmp_path)
    assert cli(project, "run", "--jobs", str(jobs)).returncode == 0
    figures = project / "figures"
    before = {p: p.read_bytes() for p in figures.rglob("*") if p.is_file()}
    (project / "data" / "fault" / "n.txt").write_text("2\n")
    markers = tmp_path / "markers"
    markers.mkdir()
    expect = {"b"} if jobs == 1 else {"b", "c"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "conflictstats.cli", "run", "--jobs", str(jobs)],
        cwd=project,
        env={**os.environ, "FAULT_MARKERS": str(markers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while {p.name for p in markers.iterdir()} != expect:
            assert proc.poll() is None, "run ended before the analyses blocked"
            assert time.monotonic() < deadline, "the analyses never reached the blocking write"
            time.sleep(0.05)
        time.sleep(0.2)  # the marker is written before the pid: let it land
        pids = [int(p.read_text()) for p in markers.iterdir()]
        assert all(_alive(pid) for pid in pids)
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [pid for pid in pids if _alive(pid)]
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert not survivors, f"analyses still running after `run` was SIGKILLed: {survivors}"
    # nothing is written into figures/ afterwards, and what is there is whole
    settled = _snapshot(figures)
    time.sleep(2)
    assert _snapshot(figures) == settled
    assert not [p for p in settled if Path(p).name.startswith(".")], settled
    for svg in figures.rglob("*.svg"):
        ET.parse(svg)
    assert (figures / "b_slow.svg").read_bytes() == before[figures / "b_slow.svg"]


def test_atomic_path_keeps_the_old_file_when_the_write_fails(tmp_path):
    target = tmp_path / "fig.svg"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with repro.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["fig.svg"]


def test_save_figure_interrupted_mid_write_leaves_no_partial_file(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.artist import Artist

    class Interrupt(Artist):
        def draw(self, renderer):
            raise KeyboardInterrupt

    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    repro.save_figure(fig, tmp_path / "f", formats=("svg",), close=False, check=False)
    old = (tmp_path / "f.svg").read_bytes()
    fig.add_artist(Interrupt())
    with pytest.raises(KeyboardInterrupt):
        repro.save_figure(fig, tmp_path / "f", formats=("svg",), check=False)
    assert (tmp_path / "f.svg").read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.svg"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.mark.slow  # several seconds: make test-slow
@pytest.mark.parametrize("broken", ['{"outputs": {"demo_counts.svg": {"sha2', "", "[1, 2]"])
def test_broken_manifest_is_named_and_rebuilt_by_run(project, broken):
    figures = project / "figures"
    figures.mkdir()
    (figures / "MANIFEST.json").write_text(broken)
    out = cli(project, "run")
    assert out.returncode == 0, out.stderr
    assert "MANIFEST.json is broken" in out.stdout and "rebuilding it" in out.stdout
    assert "Traceback" not in out.stderr
    manifest = json.loads((figures / "MANIFEST.json").read_text())
    assert "demo_counts.svg" in manifest["outputs"]


@pytest.mark.slow  # several seconds: make test-slow
def test_broken_manifest_is_named_by_check_and_report(project, tmp_path):
    assert cli(project, "run").returncode == 0
    path = project / "figures" / "MANIFEST.json"
    path.write_text(path.read_text()[:100])
    check = cli(project, "check", "--jobs", "1")
    assert check.returncode == 1 and "Traceback" not in check.stderr
    lines = [line for line in check.stdout.splitlines() if line.startswith("figures/")]
    assert len(lines) == 1, check.stdout
    assert lines[0].startswith("figures/MANIFEST.json: not valid JSON: ")
    assert lines[0].endswith("; `conflictstats run` rebuilds it")
    report = cli(project, "report")
    assert report.returncode == 2 and "Traceback" not in report.stderr
    assert "MANIFEST.json is broken (not valid JSON" in report.stderr
    assert "`conflictstats run`" in report.stderr


def test_read_only_figures_gives_one_clear_message(project):
    figures = project / "figures"
    (figures / "tables").mkdir(parents=True)
    folders = [figures / "tables", figures]
    if os.geteuid() == 0:
        # root writes into read-only folders; an immutable folder refuses even root
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", *map(str, folders)]).returncode:
            pytest.skip("running as root, and chattr +i is not available here")
        undo = [chattr, "-i", *map(str, folders)]
    else:
        for p in folders:
            os.chmod(p, 0o555)
        undo = None
    try:
        out = cli(project, "run")
    finally:
        if undo:
            subprocess.run(undo, check=True)
        for p in folders:
            os.chmod(p, 0o755)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1, out.stderr
    assert "cannot write into" in out.stderr and "no analysis was run" in out.stderr
    assert "Traceback" not in out.stderr


_ATTEMPTS = r"""
import os, shutil, tempfile
from pathlib import Path
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

data = Path("data/demo/counts.csv")
Path("figures").mkdir(exist_ok=True)
Path("figures/x.csv").write_text("x\n")
os.symlink(data.resolve(), "figures/link.csv")
os.symlink(Path("data").resolve(), "figures/datalink")
fig, ax = plt.subplots()
attempts = {
    "open append": lambda: open(data, "a"),
    "open r+": lambda: open(data, "r+"),
    "os.open": lambda: os.open(data, os.O_WRONLY),
    "pathlib write": lambda: data.write_text("gone"),
    "pathlib touch": lambda: Path("data/demo/new").touch(),
    "os.replace onto": lambda: os.replace("figures/x.csv", data),
    "os.rename away": lambda: os.rename(data, "figures/moved.csv"),
    "os.remove": lambda: os.remove(data),
    "os.unlink": lambda: os.unlink(data),
    "pathlib unlink": lambda: data.unlink(),
    "os.mkdir": lambda: os.mkdir("data/new"),
    "os.rmdir": lambda: os.rmdir("data/demo"),
    "os.truncate": lambda: os.truncate(data, 0),
    "os.chmod": lambda: os.chmod(data, 0o777),
    "os.utime": lambda: os.utime(data, (0, 0)),
    "os.link out": lambda: os.link(data, "figures/hard.csv"),
    "os.symlink in": lambda: os.symlink("/etc/hostname", "data/demo/sym"),
    "shutil.copy": lambda: shutil.copy("figures/x.csv", data),
    "shutil.copyfile": lambda: shutil.copyfile("figures/x.csv", data),
    "shutil.move": lambda: shutil.move(str(data), "figures/moved.csv"),
    "shutil.rmtree": lambda: shutil.rmtree("data"),
    "rename data": lambda: os.rename("data", "data_old"),
    "tempfile": lambda: tempfile.mkstemp(dir="data/demo"),
    "symlink write": lambda: open("figures/link.csv", "w"),
    "symlinked folder": lambda: open("figures/datalink/demo/new.csv", "w"),
    "pandas": lambda: pd.DataFrame({"a": [1]}).to_csv("data/demo/new.csv"),
    "numpy save": lambda: np.save("data/demo/new.npy", np.zeros(2)),
    "numpy savetxt": lambda: np.savetxt("data/demo/new.txt", np.zeros(2)),
    "matplotlib": lambda: fig.savefig("data/demo/new.png"),
    "dotdot": lambda: open("figures/../data/demo/counts.csv", "w"),
}
allowed = []
for name, attempt in attempts.items():
    try:
        attempt()
    except PermissionError as exc:
        assert "must not write into data/" in str(exc), (name, exc)
    else:
        allowed.append(name)
print("ALLOWED", allowed)
print("READ", len(pd.read_csv("figures/link.csv")))
"""


@pytest.mark.slow  # several seconds: make test-slow
def test_data_guard_refuses_every_kind_of_write(project):
    (project / "analyses" / "attempts.py").write_text(_ATTEMPTS)
    data = project / "data"
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    out = cli(project, "run", "analyses/attempts.py")
    assert out.returncode == 0, out.stderr
    assert "ALLOWED []" in out.stdout, out.stdout
    assert "READ 3" in out.stdout
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in data.rglob("*")) == ["counts.csv", "demo"]
