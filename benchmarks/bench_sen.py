"""Benchmark: Sen's slope by slope selection against the quadratic methods.

In one run this times, for series of 1,000 to 1,000,000 monthly counts (Poisson, a trend and
many ties), on one core:

* ``conflictstats.trends.sen_slope`` (randomised slope selection: O(n) memory, about
  O(n log² n) time per pass over the series, a few passes);
* the direct method: every one of the n (n - 1) / 2 slopes formed, then the median and the
  two interval ranks picked out (``np.partition``; O(n²) time and memory), up to
  ``--max-direct`` values;
* ``scipy.stats.theilslopes`` (n x n difference matrices), up to ``--max-scipy`` values;

checks that the three give the same median slope (and that ours equals the direct method's
interval ends bit for bit), and prints the times and the ratios.

Run from the project root:  .venv/bin/python benchmarks/bench_sen.py
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from conflictstats.trends import sen_slope
from conflictstats.trends.nonparametric import SEN_MAX_N


def direct(x: np.ndarray, lo: int, hi: int) -> tuple[float, float, float]:
    """Median and the lo-th and hi-th smallest slopes, from all slopes at once."""
    n = x.size
    i, j = np.triu_indices(n, 1)
    slopes = (x[j] - x[i]) / (j - i)
    del i, j
    N = slopes.size
    mid = [N // 2 - 1, N // 2] if N % 2 == 0 else [N // 2]
    slopes.partition([lo - 1, *mid, hi - 1])
    return float(np.mean(slopes[mid])), float(slopes[lo - 1]), float(slopes[hi - 1])


def gilbert_ranks(x: np.ndarray) -> tuple[int, int]:
    n, N = x.size, x.size * (x.size - 1) // 2
    _, t = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18
    c = stats.norm.ppf(0.975) * np.sqrt(var)
    return int(np.round((N - c) / 2)), int(np.round((N + c) / 2)) + 1


def clock(fun):
    t0 = time.perf_counter()
    out = fun()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", type=int, nargs="+", default=[1_000, 3_000, 10_000, 100_000, 1_000_000]
    )
    ap.add_argument("--max-direct", type=int, default=10_000)
    ap.add_argument("--max-scipy", type=int, default=5_000)
    args = ap.parse_args()
    rng = np.random.default_rng(2018)
    print(f"Sen's slope (median and Gilbert's 95% interval); limit SEN_MAX_N = {SEN_MAX_N:,}")
    print(
        f"{'n':>10} {'ours':>9} {'direct':>9} {'scipy':>9} {'direct/ours':>12} {'scipy/ours':>11}"
    )
    for n in args.sizes:
        t = np.arange(n)
        x = rng.poisson(20 + 10 * t / n).astype(float)
        t_ours, ours = clock(lambda x=x: sen_slope(x))
        row = [f"{n:>10,}", f"{t_ours:8.3f}s"]
        ratios = []
        if n <= args.max_direct:
            lo, hi = gilbert_ranks(x)
            t_dir, ref = clock(lambda x=x, lo=lo, hi=hi: direct(x, lo, hi))
            assert (ours.estimate, ours.ci_low, ours.ci_high) == ref, (ours, ref)
            row.append(f"{t_dir:8.3f}s")
            ratios.append(f"{t_dir / t_ours:11.1f}x")
        else:
            row.append(f"{'-':>9}")
            ratios.append(f"{'-':>12}")
        if n <= args.max_scipy:
            t_sp, sp = clock(lambda x=x: stats.theilslopes(x))
            assert sp.slope == ours.estimate, (sp.slope, ours.estimate)
            row.append(f"{t_sp:8.3f}s")
            ratios.append(f"{t_sp / t_ours:10.1f}x")
        else:
            row.append(f"{'-':>9}")
            ratios.append(f"{'-':>11}")
        print(" ".join(row + ratios), flush=True)


if __name__ == "__main__":
    main()
