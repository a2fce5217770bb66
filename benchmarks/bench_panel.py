"""Benchmark: ``conflictstats.panel.fit_trends`` on 10,000 series x 120 months.

Model: linear trend + 11 month-of-year effects + log(days) offset (13 coefficients), fitted as
Poisson and as NB2 to every series. In one run this times

* ``fit_trends`` (numpy engine, from the long DataFrame to the tidy result table);
* a plain batched Poisson IRLS "floor": the same maths on ready-made (series x time) arrays,
  written the obvious way (stacked (S, T, p) design, ``einsum`` for X'WX, batched
  ``numpy.linalg.solve``), with no input checks, flags or output table;
* a loop over statsmodels (``GLM`` Poisson; ``NegativeBinomial(loglike_method="nb2")``),
  timed on a random subsample of series and scaled to the panel.

and prints the ratios and the peak memory (tracemalloc, in a separate untimed run).
Targets: Poisson within 2x of the floor; NB2 at least 50x faster than the statsmodels loop.

Times are process CPU seconds (best of ``--repeat``), so that other work on a shared machine
does not distort the ratios; wall-clock seconds are printed too. BLAS runs single-threaded
(set ``OPENBLAS_NUM_THREADS`` etc. to override): the statsmodels loop is serial, and
multi-threaded BLAS on 13-by-13 problems only adds overhead.

Run from the project root:  .venv/bin/python benchmarks/bench_panel.py
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def make_panel(n_series: int, n_months: int, seed: int = 2026):
    """NB2 counts with a trend, seasonality and per-series dispersion, in long format."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2010-01-01", periods=n_months, freq="MS")
    t = np.arange(n_months) / 12.0
    moy = months.month.to_numpy()
    days = months.days_in_month.to_numpy().astype(float)
    b0 = rng.normal(2.5, 0.6, n_series)
    b1 = rng.normal(0.0, 0.1, n_series)
    season = rng.normal(0.0, 0.25, (n_series, 12))
    season[:, 0] = 0.0
    mu = np.exp(b0[:, None] + b1[:, None] * t + season[:, moy - 1]) * days / 30.0
    alpha = rng.uniform(0.05, 0.6, n_series)[:, None]
    y = rng.negative_binomial(1.0 / alpha, 1.0 / (1.0 + alpha * mu)).astype(float)
    df = pd.DataFrame(
        {
            "cell": np.repeat(np.arange(n_series), n_months),
            "month": np.tile(months, n_series),
            "events": y.ravel(),
            "days": np.tile(days, n_series),
        }
    )
    X = np.column_stack([np.ones(n_months), t] + [(moy == k).astype(float) for k in range(2, 13)])
    return df, y, X, np.log(days)


def floor_poisson(y: np.ndarray, X: np.ndarray, offset: np.ndarray, tol: float = 1e-8):
    """Plain batched Poisson IRLS: stacked design, einsum, batched solve; no frills."""
    S, T = y.shape
    Xs = np.broadcast_to(X, (S, *X.shape))
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = np.inf
    for _ in range(100):
        z = eta - offset + (y - mu) / mu
        A = np.einsum("stp,st,stq->spq", Xs, mu, Xs, optimize=True)
        b = np.einsum("stp,st->sp", Xs, mu * z)
        beta = np.linalg.solve(A, b[..., None])[..., 0]
        eta = np.einsum("stp,sp->st", Xs, beta) + offset
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = 2 * np.sum(np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu))
        if abs(dev - dev_old) <= tol * (abs(dev) + 0.1):
            break
        dev_old = dev
    cov = np.linalg.inv(np.einsum("stp,st,stq->spq", Xs, mu, Xs, optimize=True))
    return beta, np.sqrt(np.diagonal(cov, axis1=1, axis2=2))


def statsmodels_loop(y, X, offset, family, idx):
    import statsmodels.api as sm

    start, wall = time.process_time(), time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in idx:
            if family == "poisson":
                sm.GLM(y[i], X, family=sm.families.Poisson(), offset=offset).fit()
            else:
                sm.NegativeBinomial(y[i], X, loglike_method="nb2", offset=offset).fit(disp=0)
    return (time.process_time() - start) / len(idx), (time.perf_counter() - wall) / len(idx)


def best_of(fn, repeat):
    """Best CPU time and best wall time over ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        start, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall)


def peak_mb(fn):
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    from conflictstats.panel import fit_trends

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--subsample", type=int, default=200, help="series timed in statsmodels")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    df, y, X, offset = make_panel(args.series, args.months)
    idx = np.random.default_rng(1).choice(args.series, size=args.subsample, replace=False)
    kw = dict(series="cell", time="month", count="events", exposure="days", seasonality="month")
    data_mb = df.memory_usage(deep=True).sum() / 2**20
    print(
        f"panel: {args.series} series x {args.months} months, {X.shape[1]} coefficients, "
        f"input {data_mb:.0f} MB"
    )

    t_floor, w_floor = best_of(lambda: floor_poisson(y, X, offset), args.repeat)
    mem_floor = peak_mb(lambda: floor_poisson(y, X, offset))
    rows = []
    for family in ("poisson", "negbin"):
        res = fit_trends(df, family=family, progress=False, **kw)
        ok = res.drop_duplicates("cell")
        t_fit, w_fit = best_of(
            lambda f=family: fit_trends(df, family=f, progress=False, **kw), args.repeat
        )
        mem_fit = peak_mb(lambda f=family: fit_trends(df, family=f, progress=False, **kw))
        per_sm, per_sm_wall = statsmodels_loop(y, X, offset, family, idx)
        t_sm = per_sm * args.series
        rows.append(
            {
                "family": family,
                "fit_trends CPU s": t_fit,
                "(wall s)": w_fit,
                "per series µs": 1e6 * t_fit / args.series,
                "statsmodels loop CPU s (est.)": t_sm,
                "statsmodels ms/series": 1e3 * per_sm,
                "(wall)": 1e3 * per_sm_wall,
                "speed-up vs statsmodels": t_sm / t_fit,
                "ratio to floor": t_fit / t_floor,
                "peak MB": mem_fit,
                "converged": f"{int(ok.converged.sum())}/{len(ok)}",
            }
        )
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(
        f"floor: {t_floor:.3g} CPU s ({w_floor:.3g} wall), peak {mem_floor:.0f} MB "
        "(arrays only, no DataFrame in or out)"
    )
    pois, nb = rows
    print(f"Poisson / floor = {pois['ratio to floor']:.2f} (target <= 2)")
    print(f"NB2 speed-up vs statsmodels loop = {nb['speed-up vs statsmodels']:.0f}x (target >= 50)")


if __name__ == "__main__":
    main()
