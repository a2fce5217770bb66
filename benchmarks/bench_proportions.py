"""Benchmark: vectorised proportion intervals against statsmodels.

In one run this times

* Sison-Glaz simultaneous intervals for 10^5 three-part compositions (totals 20 to 2,000):
  ``conflictstats.proportions.multinomial_ci`` on the whole (10^5, 3) array against a loop of
  statsmodels ``multinomial_proportions_confint(method="sison-glaz")``, which takes one
  composition per call. The loop is timed on a random subsample (``--sg-sample``, default
  500) and scaled to 10^5; ``--full`` runs the whole loop. The subsample's intervals are
  checked to agree with statsmodels to 1e-7 (the two sum Poisson tail probabilities
  differently, and the Edgeworth series amplifies rounding).
* Clopper-Pearson intervals for 10^6 proportions: ``proportion_ci(method="clopper-pearson")``
  against statsmodels ``proportion_confint(method="beta")`` (itself vectorised), both on the
  full arrays.

and prints the times and ratios.

Run from the project root:  .venv/bin/python benchmarks/bench_proportions.py
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from conflictstats.proportions import multinomial_ci, proportion_ci


def best_of(fun, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fun()
        times.append(time.perf_counter() - t0)
    return min(times)


def compositions(n: int, seed: int = 2018) -> np.ndarray:
    rng = np.random.default_rng(seed)
    totals = rng.integers(20, 2001, n)
    shares = rng.dirichlet([4.0, 3.0, 2.0], n)
    return np.array([rng.multinomial(t, s) for t, s in zip(totals, shares, strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-sg", type=int, default=100_000)
    parser.add_argument("--sg-sample", type=int, default=500)
    parser.add_argument("--n-cp", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true", help="run the whole statsmodels loop")
    args = parser.parse_args()

    from statsmodels.stats.proportion import multinomial_proportions_confint, proportion_confint

    # -- Sison-Glaz ----------------------------------------------------------------------------
    counts = compositions(args.n_sg)
    t_ours = best_of(lambda: multinomial_ci(counts), 3)
    ours = multinomial_ci(counts)
    rng = np.random.default_rng(1)
    m = args.n_sg if args.full else min(args.sg_sample, args.n_sg)
    idx = np.sort(rng.choice(args.n_sg, m, replace=False))
    t0 = time.perf_counter()
    ref = [multinomial_proportions_confint(counts[i], 0.05, method="sison-glaz") for i in idx]
    t_loop = (time.perf_counter() - t0) * args.n_sg / m
    ref = np.array(ref)
    np.testing.assert_allclose(ours.ci_low[idx], ref[..., 0], atol=1e-7)
    np.testing.assert_allclose(ours.ci_high[idx], ref[..., 1], atol=1e-7)
    scaled = "" if m == args.n_sg else f" (timed on {m:,}, scaled)"
    print(f"Sison-Glaz, {args.n_sg:,} three-part compositions")
    print(f"  conflictstats multinomial_ci        {t_ours:8.2f} s")
    print(f"  statsmodels loop{scaled:<24}{t_loop:8.1f} s")
    print(f"  speed-up                             {t_loop / t_ours:8.0f} x")

    # -- Clopper-Pearson -----------------------------------------------------------------------
    rng = np.random.default_rng(2)
    n = rng.integers(1, 5001, args.n_cp)
    x = rng.binomial(n, rng.uniform(0, 1, args.n_cp))
    t_ours = best_of(lambda: proportion_ci(x, n, method="clopper-pearson"), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_sm = best_of(lambda: proportion_confint(x, n, method="beta"), 3)
        lo, hi = proportion_confint(x, n, method="beta")
    r = proportion_ci(x, n, method="clopper-pearson")
    np.testing.assert_allclose(r.ci_low, np.nan_to_num(lo), atol=1e-10)
    np.testing.assert_allclose(r.ci_high, np.nan_to_num(hi, nan=1.0), atol=1e-10)
    print(f"Clopper-Pearson, {args.n_cp:,} proportions")
    print(f"  conflictstats proportion_ci         {t_ours:8.2f} s")
    print(f"  statsmodels proportion_confint      {t_sm:8.2f} s")
    print(f"  ratio (statsmodels / ours)           {t_sm / t_ours:8.2f}")


if __name__ == "__main__":
    main()
