"""Benchmark: single-series ``trends.fit_trend`` against statsmodels on the same design.

A 120-month series with a linear trend, 11 month-of-year effects and a ``log(days)`` offset
(13 coefficients), fitted as Poisson and as NB2. In one run this times

* ``fit_trend(series, family=..., seasonality="month", exposure="days")``: the whole public
  call, from the pandas Series to the result object (validation, design, fit, intervals);
* statsmodels on the ready-made design: ``GLM(Poisson)``; for NB2 both the joint maximum
  likelihood fit ``NegativeBinomial(loglike_method="nb2").fit(method="newton")`` (what ``fit_trend`` estimates)
  and ``GLM(NegativeBinomial(alpha))`` at a fixed, known alpha (one IRLS fit, a lower bound
  for any NB2 fit that also estimates alpha);

and prints the milliseconds per fit and the ratios (statsmodels time / ``fit_trend`` time;
above 1 means ``fit_trend`` is faster). It also checks that both give the same coefficients.

Times are process CPU seconds, the best of ``--repeat`` rounds of ``--number`` fits over
``--series`` different simulated series, the contenders taking turns within each round, so
that other work on a shared machine does not distort the ratios. BLAS runs single-threaded (set ``OPENBLAS_NUM_THREADS`` to override).

Run from the project root:  .venv/bin/python benchmarks/bench_countglm.py
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def make_series(n_series: int, n_months: int = 120, seed: int = 2026):
    """NB2 monthly counts with a trend and seasonality; the statsmodels design and offset."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2010-01", periods=n_months, freq="M")
    t = np.arange(n_months) / 12.0
    moy = months.month.to_numpy()
    days = months.days_in_month.to_numpy().astype(float)
    series = []
    for _ in range(n_series):
        season = np.r_[0.0, rng.normal(0.0, 0.25, 11)]
        mu = np.exp(rng.normal(2.5, 0.5) + rng.normal(0, 0.1) * t + season[moy - 1]) * days / 30
        alpha = rng.uniform(0.05, 0.5)
        y = rng.negative_binomial(1.0 / alpha, 1.0 / (1.0 + alpha * mu)).astype(float)
        series.append(pd.Series(y, index=months))
    X = np.column_stack([np.ones(n_months), t] + [(moy == k).astype(float) for k in range(2, 13)])
    return series, X, np.log(days)


def cpu_per_call(fns, items, number, repeat):
    """CPU seconds per call of each of ``fns`` over ``items``: the best (least) of ``repeat``
    rounds, the functions taking turns within each round so that a change in the load of
    the machine falls on all of them alike."""
    rounds = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            start = time.process_time()
            for i in range(number):
                fn(items[i % len(items)])
            rounds[k].append((time.process_time() - start) / number)
    return [float(np.min(r)) for r in rounds]


def main() -> None:
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    from conflictstats.trends import fit_trend

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=20, help="different simulated series")
    ap.add_argument("--number", type=int, default=50, help="fits per timing round")
    ap.add_argument("--repeat", type=int, default=9, help="timing rounds (best reported)")
    args = ap.parse_args()
    series, X, offset = make_series(args.series)

    def ours(family):
        return lambda s: fit_trend(s, family=family, seasonality="month", exposure="days")

    def sm_poisson(s):
        return sm.GLM(s.to_numpy(), X, family=sm.families.Poisson(), offset=offset).fit()

    def sm_negbin(s):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return NegativeBinomial(s.to_numpy(), X, loglike_method="nb2", offset=offset).fit(
                method="newton", disp=0
            )

    alphas = [ours("negbin")(s).dispersion for s in series]
    known = dict(zip(map(id, series), alphas))

    def sm_glm_negbin(s):
        fam = sm.families.NegativeBinomial(alpha=known[id(s)])
        return sm.GLM(s.to_numpy(), X, family=fam, offset=offset).fit()

    # the same numbers first (to the precision of statsmodels' default tolerances)
    for s in series:
        a = ours("poisson")(s).coefficients
        b = sm_poisson(s)
        np.testing.assert_allclose(a.estimate, b.params, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(a.se, b.bse, rtol=1e-5)
        a = ours("negbin")(s)
        b = sm_negbin(s)
        np.testing.assert_allclose(a.coefficients.estimate, b.params[:-1], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(a.dispersion, b.params[-1], rtol=1e-5)

    def timed(*fns):
        return cpu_per_call(fns, series, args.number, args.repeat)

    t_pois, t_sm_pois = timed(ours("poisson"), sm_poisson)
    t_nb, t_sm_nb, t_sm_glm_nb = timed(ours("negbin"), sm_negbin, sm_glm_negbin)
    rows = [
        ("Poisson", "statsmodels GLM(Poisson)", t_pois, t_sm_pois),
        ("NB2", "statsmodels NegativeBinomial, newton", t_nb, t_sm_nb),
        ("NB2", "statsmodels GLM(NB2, alpha known)", t_nb, t_sm_glm_nb),
    ]
    print(
        f"fit_trend vs statsmodels: {len(series)} series x {X.shape[0]} months, "
        f"{X.shape[1]} coefficients; CPU ms per fit (best of {args.repeat} x {args.number})"
    )
    print(f"{'family':<8}{'peer':<36}{'fit_trend':>10}{'peer':>9}{'ratio':>8}")
    for family, peer, t_ours, t_peer in rows:
        print(
            f"{family:<8}{peer:<36}{1e3 * t_ours:>10.2f}{1e3 * t_peer:>9.2f}{t_peer / t_ours:>8.2f}"
        )


if __name__ == "__main__":
    main()
