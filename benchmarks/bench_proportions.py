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
* Score-inversion intervals (``--n-score`` pairs, default 10^6 for the Miettinen-Nurminen
  difference, a fifth of that for the others; n1, n2 uniform on 10..500, p1, p2 uniform):
  ``compare_proportions`` (Miettinen-Nurminen and Mee for the difference, Koopman and
  Miettinen-Nurminen for the ratio, Miettinen-Nurminen for the odds ratio) and
  ``compare_rates(compare="difference", method="score")`` against *the floor*: scipy's
  vectorised bracketed root finder ``scipy.optimize.elementwise.find_root`` (Chandrupatla,
  dropping converged elements) called on the same score statistic, once per limit, from the
  plain brackets (the parameter's range and the estimate), to the same tolerances. The
  intervals are checked to agree with the floor's to 1e-9. statsmodels
  ``confint_proportions_2indep(method="score")`` (a scalar root search per pair) is timed on
  ``--sm-sample`` pairs (default 2,000), and its intervals compared with ours: the number of
  pairs where it raises, and where it differs from ours by more than 1e-6, 1e-3 and 0.01
  (our Miettinen-Nurminen interval matches R and Newcombe's published table; see
  tests/reference/proportions.json).

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


def best_of_pair(fun_a, fun_b, repeat: int) -> tuple[float, float]:
    """Best times of two functions run in turn (the machine's load moves both alike)."""
    ta, tb = [], []
    for _ in range(repeat):
        for fun, times in ((fun_a, ta), (fun_b, tb)):
            t0 = time.perf_counter()
            fun()
            times.append(time.perf_counter() - t0)
    return min(ta), min(tb)


def pairs(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n1 = rng.integers(10, 501, n)
    n2 = rng.integers(10, 501, n)
    x1 = rng.binomial(n1, rng.uniform(0, 1, n))
    x2 = rng.binomial(n2, rng.uniform(0, 1, n))
    return x1, n1, x2, n2


def floor_interval(score, args, lo_end, est, hi_end, z, to_param):
    """The plain vectorised approach: scipy's elementwise bracketed root search on the same
    statistic, one call per limit, brackets from the parameter's range to the estimate."""
    from scipy.optimize.elementwise import find_root

    def f(t, target, *a):
        return score(to_param(t), *a) - target

    tol = {"xatol": 1e-14, "xrtol": 1e-13}
    zz = np.full(est.shape, z)
    lo = find_root(f, (np.full(est.shape, lo_end), est), args=(zz, *args), tolerances=tol).x
    hi = find_root(f, (est, np.full(est.shape, hi_end)), args=(-zz, *args), tolerances=tol).x
    return to_param(lo), to_param(hi)


def score_benchmarks(n_big: int, n_small: int, sm_sample: int, repeat: int) -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    from conflictstats.proportions import compare_proportions
    from conflictstats.proportions.compare import (
        _score_diff_p,
        _score_or_psi,
        _score_ratio_phi,
    )
    from conflictstats.rates import compare_rates
    from conflictstats.rates.twosample import _score_diff_stat

    z = 1.959963984540054
    print(f"Score-inversion intervals (n1, n2 on 10..500; best of {repeat}, run in turn)")
    print(f"  {'interval':<34}{'pairs':>10}{'ours':>12}{'floor':>12}{'ours/floor':>12}")
    rows = [
        ("difference", "miettinen-nurminen", n_big),
        ("difference", "mee", n_small),
        ("ratio", "koopman", n_small),
        ("ratio", "miettinen-nurminen", n_small),
        ("odds-ratio", "miettinen-nurminen", n_small),
    ]
    for compare, method, n in rows:
        x1, n1, x2, n2 = pairs(n, 15)
        if compare != "difference":  # a defined ratio / odds ratio, finite or not
            keep = (x1 + x2 > 0) & (x1 + x2 < n1 + n2)
            x1, n1, x2, n2 = x1[keep], n1[keep], x2[keep], n2[keep]
        f1, f2, g1, g2 = (v.astype(float) for v in (x1, n1, x2, n2))
        factor = 1.0 if method in ("mee", "koopman") else (f2 + g2) / (f2 + g2 - 1)
        p1, p2 = f1 / f2, g1 / g2
        if compare == "difference":
            spec = (_score_diff_p, (p1, p2, f2, g2, factor), -1.0, p1 - p2, 1.0, lambda t: t)
            inner = np.abs(p1 - p2) < 1
        else:
            with np.errstate(divide="ignore"):
                est = p1 / p2 if compare == "ratio" else f1 * (g2 - g1) / ((f2 - f1) * g1)
            inner = np.isfinite(est) & (est > 0)
            fun = _score_ratio_phi if compare == "ratio" else _score_or_psi
            mid = np.log(np.clip(np.where(np.isfinite(est), est, 1e12), 1e-12, 1e12))
            spec = (fun, (f1, f2, g1, g2, factor), -50.0, mid, 50.0, np.exp)

        def ours(data=(x1, n1, x2, n2), compare=compare, method=method):
            return compare_proportions(*data, compare=compare, method=method)

        def floor(spec=spec):
            fun, args, lo, est, hi, to = spec
            return floor_interval(fun, args, lo, est, hi, z, to)

        t_ours, t_floor = best_of_pair(ours, floor, repeat)
        r, (flo, fhi) = ours(), floor()
        np.testing.assert_allclose(r.ci_low[inner], flo[inner], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(r.ci_high[inner], fhi[inner], rtol=1e-9, atol=1e-12)
        name = f"{compare} {method}"
        print(
            f"  {name:<34}{len(x1):>10,}{t_ours / len(x1) * 1e6:>9.2f} us"
            f"{t_floor / len(x1) * 1e6:>9.2f} us{t_ours / t_floor:>12.2f}"
        )

    # the rate difference's score interval (rates/twosample.py), on the same shared solver;
    # distinct pairs, so that its once-per-distinct-pair shortcut does not apply
    rng = np.random.default_rng(16)
    y1, y2 = rng.poisson(rng.uniform(1, 200, n_small)), rng.poisson(rng.uniform(1, 200, n_small))
    e1, e2 = rng.uniform(0.5, 2, n_small), rng.uniform(0.5, 2, n_small)

    def ours_rate():
        return compare_rates(y1, e1, y2, e2, compare="difference", method="score")

    def floor_rate():
        from scipy.optimize.elementwise import bracket_root, find_root

        d = y1 / e1 - y2 / e2
        se = np.sqrt((y1 + 1) / e1**2 + (y2 + 1) / e2**2)
        out = []
        for target, side in ((z, -1), (-z, 1)):
            start = d + side * 1e-12 * (1 + np.abs(d))
            far = d + side * se
            xl, xr = (start, far) if side > 0 else (far, start)

            def g(dd, target, a, b, c, e):
                return _score_diff_stat(dd, a, b, c, e) - target

            args = (np.full_like(d, target), y1, e1, y2, e2)
            br = bracket_root(g, xl, xr, args=args)
            tol = {"xatol": 1e-14, "xrtol": 1e-13}
            out.append(find_root(g, br.bracket, args=args, tolerances=tol).x)
        return out

    t_ours, t_floor = best_of_pair(ours_rate, floor_rate, repeat)
    r, (flo, fhi) = ours_rate(), floor_rate()
    np.testing.assert_allclose(r.ci_low, flo, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(r.ci_high, fhi, rtol=1e-9, atol=1e-9)
    print(
        f"  {'rate difference score':<34}{n_small:>10,}{t_ours / n_small * 1e6:>9.2f} us"
        f"{t_floor / n_small * 1e6:>9.2f} us{t_ours / t_floor:>12.2f}"
    )

    # statsmodels: a scalar root search per pair, timed on a sample, and its answers
    print(f"  statsmodels confint_proportions_2indep(method='score'), {sm_sample:,} pairs:")
    x1, n1, x2, n2 = pairs(sm_sample, 17)
    for compare, sm_compare in (("difference", "diff"), ("ratio", "ratio")):
        keep = (x1 + x2 > 0) if compare == "difference" else (x1 > 0) & (x2 > 0)
        a, b, c, d = x1[keep], n1[keep], x2[keep], n2[keep]
        ours = compare_proportions(a, b, c, d, compare=compare, method="miettinen-nurminen")
        lo, hi, errors = [], [], 0
        t0 = time.perf_counter()
        for args in zip(a, b, c, d, strict=True):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    low, high = confint_proportions_2indep(
                        *args, method="score", compare=sm_compare, correction=True
                    )
                low, high = float(np.real(low)), float(np.real(high))
            except Exception:  # noqa: BLE001 - counting its failures is the point
                low = high = np.nan
                errors += 1
            lo.append(low)
            hi.append(high)
        t_sm = (time.perf_counter() - t0) / len(a)
        scale = 1.0 if compare == "difference" else np.maximum(1.0, np.abs(ours.ci_high))
        dev = np.maximum(np.abs(np.array(lo) - ours.ci_low), np.abs(np.array(hi) - ours.ci_high))
        dev = dev / scale
        ok = np.isfinite(dev)
        worst = np.nanargmax(np.where(ok, dev, -1))
        print(
            f"    {compare} (MN, correction=True): {t_sm * 1e6:,.0f} us/pair; raises on "
            f"{errors} of {len(a)} ({errors / len(a):.1%}); of the rest, differs by > 1e-6 on "
            f"{np.sum(dev[ok] > 1e-6)}, > 1e-3 on {np.sum(dev[ok] > 1e-3)}, > 0.01 on "
            f"{np.sum(dev[ok] > 0.01)} ({np.mean(dev[ok] > 0.01):.1%}); largest "
            f"{dev[worst]:.3g}{'' if compare == 'difference' else ' (relative)'} at "
            f"({a[worst]}, {b[worst]}, {c[worst]}, {d[worst]})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-sg", type=int, default=100_000)
    parser.add_argument("--sg-sample", type=int, default=500)
    parser.add_argument("--n-cp", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true", help="run the whole statsmodels loop")
    parser.add_argument("--n-midp", type=int, default=100_000)
    parser.add_argument("--n-score", type=int, default=1_000_000)
    parser.add_argument("--sm-sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only-score", action="store_true", help="the score intervals only")
    args = parser.parse_args()
    score_benchmarks(args.n_score, max(args.n_score // 5, 1), args.sm_sample, args.repeat)
    if args.only_score:
        return

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
