"""Benchmark: the long-series and per-element costs named in issue 17.

In one run this times, on one core,

* ``mann_kendall`` on 10,000 values against ``scipy.stats.kendalltau`` (the same S, as tau-b,
  in O(n log n)); peak traced memory of ours;
* ``sen_slope`` on 10,000 values against ``scipy.stats.theilslopes`` (which holds every
  pairwise slope at once); peak traced memory of both;
* ``proportion_ci(method="mid-p")`` on 20,000 proportions, in microseconds per element;
* ``find_changepoints`` (Poisson, MBIC) on 6,000 values, its limit; peak traced memory;

and prints the times, ratios and peaks.

Run from the project root:  .venv/bin/python benchmarks/bench_scale.py
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from scipy import stats

from conflictstats.proportions import proportion_ci
from conflictstats.trends import find_changepoints, mann_kendall, sen_slope


def timed(fun):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fun()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return dt, peak, out


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="series length (Mann-Kendall, Sen)")
    ap.add_argument("--n-cp", type=int, default=6_000, help="series length (changepoints)")
    args = ap.parse_args()
    rng = np.random.default_rng(2018)
    x = rng.poisson(30, args.n) + 0.001 * np.arange(args.n)
    t_mk, m_mk, _ = timed(lambda: mann_kendall(x))
    t_kt, _, _ = timed(lambda: stats.kendalltau(np.arange(x.size), x))
    print(
        f"mann_kendall n={args.n:,}: {t_mk:.3f} s, peak {m_mk:.0f} MB; "
        f"scipy kendalltau {t_kt:.3f} s (ratio {t_mk / t_kt:.1f})"
    )
    t_sen, m_sen, _ = timed(lambda: sen_slope(x))
    t_ts, m_ts, _ = timed(lambda: stats.theilslopes(x))
    print(
        f"sen_slope n={args.n:,}: {t_sen:.2f} s, peak {m_sen:.0f} MB; "
        f"scipy theilslopes {t_ts:.2f} s, peak {m_ts:.0f} MB (time ratio {t_sen / t_ts:.1f})"
    )
    k = rng.integers(0, 200, 20_000)
    n = k + rng.integers(1, 200, 20_000)
    t_mid, _, _ = timed(lambda: proportion_ci(k, n, method="mid-p"))
    t_cp, _, _ = timed(lambda: proportion_ci(k, n, method="clopper-pearson"))
    print(
        f"proportion_ci mid-p, 20,000 proportions: {t_mid:.3f} s, "
        f"{1e6 * t_mid / k.size:.1f} us per element "
        f"(clopper-pearson {1e6 * t_cp / k.size:.2f} us per element)"
    )
    y = rng.poisson(20, args.n_cp)
    y[args.n_cp // 2 :] += 5
    t_cp6, m_cp6, _ = timed(lambda: find_changepoints(y, family="poisson"))
    print(
        f"find_changepoints n={args.n_cp:,} (poisson, mbic): {t_cp6:.1f} s, peak {m_cp6:.0f} MB "
        f"(the segment table alone: {(args.n_cp + 1) ** 2 * 8 / 2**20:.0f} MB)"
    )


if __name__ == "__main__":
    main()
