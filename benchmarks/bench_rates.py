"""Benchmark: conflictstats.rates against its peers, on the same arrays, in one run.

    python benchmarks/bench_rates.py            # about a minute

(a) conflictstats' exact-conditional test and interval on 10^6 pairs, in one call;
(b) a loop of statsmodels ``test_poisson_2indep(method="exact-cond")`` + the
    Clopper-Pearson interval ``proportion_confint(method="beta")`` mapped to the ratio
    (``confint_poisson_2indep`` has no exact-conditional method) on a subsample;
(c) a loop of scipy ``binomtest`` + ``proportion_ci`` on a subsample;
(d) the floor: one vectorised ``scipy.special.betaincinv`` x 2 + ``scipy.stats.binom.cdf``
    over the same arrays (the least any exact conditional test + interval must compute);
(e) the E-test on 10^4 pairs against a loop of ``scipy.stats.poisson_means_test`` (and a
    loop of statsmodels' E-test for the ratio): on the headline-sized monthly counts (which
    repeat; conflictstats computes each distinct pair once) and on the same counts with
    jittered exposures, every pair distinct (the cost of the algorithm itself); on the
    latter also the E-test's p-value alone (the private ``_etest_pvalue`` that
    ``compare_rates`` calls, without the score interval it reports beside it), which is
    what scipy's loop computes.

(f) memory: the extra memory (``tracemalloc`` peak) of the exact-conditional path on the
    same 10^6 pairs, ``compare_rates`` end to end (its result object holds nine arrays of
    10^6 numbers: 72 MB) and the method alone (the three arrays it returns), against the
    floor of (d) run with its three outputs freed as they come and held together;
(g) the exact two-sided rules (``tsmethod``): the minlike and Blaker matching intervals on a
    subsample, per pair, against the default.

Counts are monthly-attack-sized (Poisson means 75 over 11 months and 60 over 12 months for
the exact test; 75 and 60 in one month each for the E-test). Each timing is the best of
several repeats, taken in turn; times are CPU time of this process (``time.process_time``:
every code path timed here is single-threaded), which a machine shared with other jobs
disturbs far less than wall-clock time. Per-pair costs are printed in microseconds with the
ratios the README quotes.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings

import numpy as np
from scipy import special, stats

from conflictstats.rates import compare_rates
from conflictstats.rates.etest import _etest_pvalue
from conflictstats.rates.twosample import _RATIO_DISPATCH


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def interleaved(fns, repeat=3):
    """Best time of each function, running them in turn so that load changes hit all."""
    times = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.process_time()
            fn()
            times[name] = min(times[name], time.process_time() - t0)
    return times


def peak_mb(fn):
    """Peak memory allocated while ``fn`` runs (tracemalloc), in MB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, no timing)")
    quick = ap.parse_args().quick
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(2018)
    n = 2000 if quick else 10**6
    x1 = rng.poisson(75 * 11, n).astype(float)
    x2 = rng.poisson(60 * 12, n).astype(float)
    t1, t2 = 11.0, 12.0
    p0 = t1 / (t1 + t2)

    # (a) conflictstats, vectorised, and (d) the floor on the same arrays, in turn
    def floor():
        special.betaincinv(x1, x2 + 1, 0.025)
        special.betaincinv(x1 + 1, x2, 0.975)
        stats.binom.cdf(x1, x1 + x2, p0)

    timed = interleaved(
        {"a": lambda: compare_rates(x1, t1, x2, t2, method="exact-cond"), "d": floor}
    )
    ta, td = timed["a"], timed["d"]

    # (b) statsmodels loop on a subsample
    from statsmodels.stats.proportion import proportion_confint
    from statsmodels.stats.rates import test_poisson_2indep

    m_sm = 10 if quick else 200

    def sm_loop():
        for i in range(m_sm):
            test_poisson_2indep(int(x1[i]), t1, int(x2[i]), t2, method="exact-cond")
            # statsmodels has no exact-conditional interval for the ratio: Clopper-Pearson on
            # the conditional binomial, mapped to the ratio, is what a user would write
            lo, hi = proportion_confint(int(x1[i]), int(x1[i] + x2[i]), method="beta")
            lo / (1 - lo) * t2 / t1, hi / (1 - hi) * t2 / t1

    tb = best(sm_loop, repeat=2) / m_sm

    # (c) scipy loop on a subsample
    m_sp = 20 if quick else 2000

    def scipy_loop():
        for i in range(m_sp):
            res = stats.binomtest(int(x1[i]), int(x1[i] + x2[i]), p0)
            res.proportion_ci(0.95, method="exact")

    tc = best(scipy_loop, repeat=2) / m_sp

    # check the answers agree on the subsample before quoting speeds
    ours = compare_rates(x1[:50], t1, x2[:50], t2)
    ref = [stats.binomtest(int(a), int(a + b), p0).pvalue for a, b in zip(x1[:50], x2[:50])]
    assert np.allclose(ours.pvalue, ref, rtol=1e-9)

    per_a, per_d = ta / n * 1e6, td / n * 1e6
    print(f"exact-conditional test + CI on {n:,} pairs (counts ~ {75 * 11} and {60 * 12})")
    print(f"  (a) conflictstats, one call          {per_a:8.3f} us/pair  ({ta:.2f} s)")
    print(f"  (d) floor: betaincinv x2 + binom.cdf {per_d:8.3f} us/pair  ({td:.2f} s)")
    print(f"  (b) statsmodels loop                 {tb * 1e6:8.1f} us/pair")
    print(f"  (c) scipy binomtest loop             {tc * 1e6:8.1f} us/pair")
    print(f"  ratio (a)/(d) = {ta / td:.2f}   (target <= 2)")
    print(
        f"  speed-up over statsmodels {tb * 1e6 / per_a:,.0f}x, over scipy {tc * 1e6 / per_a:,.0f}x"
    )

    # (f) memory on the same arrays
    def floor_held():
        return (
            special.betaincinv(x1, x2 + 1, 0.025),
            special.betaincinv(x1 + 1, x2, 0.975),
            stats.binom.cdf(x1, x1 + x2, p0),
        )

    exact = _RATIO_DISPATCH["exact-cond"]
    mem = {
        "floor, outputs freed": peak_mb(floor),
        "floor, outputs held": peak_mb(floor_held),
        "compare_rates, end to end": peak_mb(
            lambda: compare_rates(x1, t1, x2, t2, method="exact-cond")
        ),
        "exact-cond method alone": peak_mb(lambda: exact(x1, t1, x2, t2, 1.0, "two-sided", 0.05)),
    }
    print(f"\nextra memory of the exact-conditional path on {n:,} pairs (tracemalloc peak)")
    for name, mb in mem.items():
        print(f"  {name:28s} {mb:8.1f} MB")
    base = mem["floor, outputs freed"]
    print(
        f"  ratio to the floor (outputs freed): end to end "
        f"{mem['compare_rates, end to end'] / base:.2f}, method alone "
        f"{mem['exact-cond method alone'] / base:.2f}   (target <= 3)"
    )

    # (g) the exact two-sided rules: matching intervals cost a search over the p-value's pieces
    m_ts = 200 if quick else 5000
    tts = interleaved(
        {
            ts: (lambda ts=ts: compare_rates(x1[:m_ts], t1, x2[:m_ts], t2, tsmethod=ts))
            for ts in ("poisson.test", "central", "minlike", "blaker")
        },
        repeat=2,
    )
    print(f"\nexact two-sided rules (tsmethod) on {m_ts:,} pairs, per pair")
    for ts, sec in tts.items():
        print(f"  {ts:13s} {sec / m_ts * 1e6:9.2f} us/pair")

    # (e) E-test: A = the headline's arrays (monthly counts, exposure 1: counts repeat, and
    # conflictstats computes each distinct pair once); B = the same counts with exposures
    # jittered so that every pair is distinct (the per-pair cost of the algorithm itself)
    k = 200 if quick else 10**4
    y1 = rng.poisson(75, k).astype(float)
    y2 = rng.poisson(60, k).astype(float)
    s1 = rng.uniform(0.95, 1.05, k)
    s2 = rng.uniform(0.95, 1.05, k)
    ones = np.ones(k)
    n_distinct = len(np.unique(np.column_stack([y1, y2]), axis=0))
    ref = {"A": np.empty(k), "B": np.empty(k)}
    block = 100 if quick else 2000

    def scipy_block(start, name, e1, e2):
        def run():
            for i in range(start, start + block):
                ref[name][i] = stats.poisson_means_test(int(y1[i]), e1[i], int(y2[i]), e2[i]).pvalue

        return run

    fns = {}
    for name, e1, e2 in (("A", ones, ones), ("B", s1, s2)):
        for j in range(0, k, block):
            fns[f"scipy{name}{j}"] = scipy_block(j, name, e1, e2)
        fns[f"diff{name}"] = lambda e1=e1, e2=e2: compare_rates(
            y1, e1, y2, e2, compare="difference", method="etest"
        )
        fns[f"ratio{name}"] = lambda e1=e1, e2=e2: compare_rates(y1, e1, y2, e2, method="etest")
    zeros = np.zeros(k)
    fns["pvalB"] = lambda: _etest_pvalue(y1, s1, y2, s2, zeros, "difference", "two-sided")
    timed = interleaved(fns, repeat=2)

    m_e = 20 if quick else 300

    def sm_etest():
        for i in range(m_e):
            test_poisson_2indep(int(y1[i]), s1[i], int(y2[i]), s2[i], method="etest")

    tsm_e = best(sm_etest, repeat=1) / m_e
    print(f"\nE-test on {k:,} pairs (counts ~ 75 and 60)")
    for name, what in (
        ("A", f"exposures 1 ({n_distinct:,} distinct pairs)"),
        ("B", "exposures jittered (all pairs distinct)"),
    ):
        tse = min(v for key, v in timed.items() if key.startswith(f"scipy{name}")) / block
        te, ter = timed[f"diff{name}"] / k, timed[f"ratio{name}"] / k
        e1, e2 = (ones, ones) if name == "A" else (s1, s2)
        ours = compare_rates(y1, e1, y2, e2, compare="difference", method="etest").pvalue
        agree = np.mean(np.abs(ours - ref[name]) < 1e-8)
        print(f"  {name}: {what}")
        print(f"    conflictstats, difference, one call  {te * 1e6:8.2f} us/pair")
        print(f"    conflictstats, ratio, one call       {ter * 1e6:8.2f} us/pair")
        print(f"    scipy poisson_means_test loop        {tse * 1e6:8.1f} us/pair")
        print(f"    speed-up over scipy {tse / te:,.0f}x (target >= 100)")
        print(f"    p-values equal to scipy's within 1e-8: {agree:.1%} of pairs")
        if name == "B":
            tp = timed["pvalB"] / k
            print(
                f"    conflictstats, difference, p-value alone {tp * 1e6:6.2f} us/pair, "
                f"speed-up over scipy {tse / tp:,.0f}x"
            )
            print(
                f"    statsmodels E-test (ratio) loop      {tsm_e * 1e6:8.1f} us/pair, "
                f"speed-up {tsm_e / ter:,.0f}x"
            )
    print(
        "  (pairs not equal to scipy's differ by outcomes tied with the observed one, which "
        "scipy's exact comparison can drop)"
    )


if __name__ == "__main__":
    main()
