"""Every benchmark script runs (at tiny sizes): a rename in the library must not leave a
benchmark broken until someone next times it. Timing itself is never tested."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

# the smallest arguments that run every code path of each script
SMOKE = {
    "bench_mse.py": [],
    "bench_reported.py": ["--quick"],
    "bench_countglm.py": ["--series", "2", "--number", "1", "--repeat", "1"],
    "bench_fatalities.py": [
        "--events",
        "2000",
        "--draws",
        "20",
        "--linearised-events",
        "2000",
        "--boot",
        "100",
        "--repeat",
        "1",
    ],
    "bench_panel.py": ["--series", "20", "--months", "24", "--subsample", "5", "--repeat", "1"],
    "bench_proportions.py": [
        "--n-sg",
        "20",
        "--sg-sample",
        "5",
        "--n-cp",
        "100",
        "--n-midp",
        "100",
        "--n-score",
        "500",
        "--sm-sample",
        "20",
        "--repeat",
        "1",
    ],
    "bench_rates.py": ["--quick"],
    "bench_scale.py": ["--n", "300", "--n-cp", "200"],
    "bench_sen.py": ["--sizes", "50", "400"],
    "bench_reported_instructions.py": ["--passes", "1"],
    "bench_lcmcr.py": ["--n-iter", "100", "--r-iter", "1000", "--chains", "2", "--repeat", "1"],
}


def test_every_benchmark_has_smoke_arguments():
    assert sorted(p.name for p in BENCH.glob("bench_*.py")) == sorted(SMOKE)


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(SMOKE))
def test_benchmark_runs(script):
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *SMOKE[script]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "the benchmark printed nothing"
