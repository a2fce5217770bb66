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
* mid-p intervals for 10^5 proportions: ``proportion_ci(method="mid-p")`` (Newton on the
  tails) against the bracketed search it replaced, in microseconds per element.

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
    parser.add_argument("--n-midp", type=int, default=100_000)
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
    midp_section(args.n_midp)


# -- mid-p: per-element cost before and after (issue 17) ---------------------------------------
def _midp_bracketed(x, n, alpha):
    """The previous mid-p limits, kept here to time against: the bracketed root search of
    ``_numeric.solve`` on both mid-p tails, between Clopper-Pearson limits at x and x -/+ 1
    (four inverse incomplete beta functions and ~8 tail pairs per element)."""
    from scipy import special

    from conflictstats._numeric import binom_cdf, binom_sf_ge, solve

    x, n = np.asarray(x, float), np.asarray(n, float)
    a = alpha / 2

    def upper_tail(p, x, n):
        return 0.5 * (binom_sf_ge(x, n, p) + binom_sf_ge(x + 1, n, p)) - a

    def lower_tail(p, x, n):
        return 0.5 * (binom_cdf(x - 1, n, p) + binom_cdf(x, n, p)) - a

    xs, ns = np.maximum(x, 1), np.maximum(n, 1)
    cp_lo = special.betaincinv(xs, ns - xs + 1, a)
    in_lo = np.where(x >= n, 1.0, special.betaincinv(xs + 1, np.maximum(ns - xs, 1e-300), a))
    xh = np.minimum(x, n - 1)
    cp_hi = special.betaincinv(xh + 1, np.maximum(ns - xh, 1e-300), 1 - a)
    in_hi = np.where(x <= 0, 0.0, special.betaincinv(np.maximum(xh, 1e-300), ns - xh + 1, 1 - a))
    lo = np.where(x == 0, 0.0, solve(upper_tail, cp_lo, in_lo, (x, n)))
    hi = np.where(x == n, 1.0, solve(lower_tail, in_hi, cp_hi, (x, n)))
    return lo, hi


def midp_section(m: int) -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(1, 5001, m)
    x = rng.binomial(n, rng.uniform(0, 1, m))
    t_new = best_of(lambda: proportion_ci(x, n, method="mid-p"), 3)
    t_old = best_of(lambda: _midp_bracketed(x, n, 0.05), 3)
    r = proportion_ci(x, n, method="mid-p")
    lo, hi = _midp_bracketed(x, n, 0.05)
    np.testing.assert_allclose(r.ci_low, lo, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(r.ci_high, hi, rtol=1e-9)
    print(f"mid-p, {m:,} proportions (n up to 5,000), per element")
    print(f"  proportion_ci(method='mid-p')        {1e6 * t_new / m:8.2f} us")
    print(f"  before: bracketed search (CP brackets){1e6 * t_old / m:7.2f} us")
    print(f"  speed-up                             {t_old / t_new:8.1f} x")


if __name__ == "__main__":
    main()
