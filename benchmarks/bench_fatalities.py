"""Benchmark: event-level fatality uncertainty (``conflictstats.fatalities``).

Synthetic GED-like events (heavy-tailed ``best``: 1 + floor of a log-normal; UCDP's three types
of violence; 2,000 country-months). In one run this times

* ``aggregate_fatalities``: 10^5 events x 1,000 draws of the uncertainUCDP model summed into
  country-month totals with percentile intervals, against a plain numpy/pandas loop (per draw:
  R's sampler written the obvious way -- a Gumbel and a Bernoulli per event -- then
  ``groupby().sum()``), timed on 100 draws and scaled to 1,000; peak memory of the toolkit's
  call (tracemalloc, separate untimed run);
* ``clustered_share(method="linearised")`` on 10^6 events against the same formula in pandas;
* ``clustered_share(method="bootstrap")`` on 10^5 events x 1,000 replicates against a plain
  loop over replicates;
* ``clustered_share(method="bootstrap", fatalities=model)``: both sources of uncertainty.

Times are process CPU seconds (best of ``--repeat``), so other work on a shared machine does
not distort the ratios; wall-clock seconds are printed too.

Run from the project root:  .venv/bin/python benchmarks/bench_fatalities.py
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from conflictstats import fatalities as fat  # noqa: E402


def make_events(n: int, seed: int = 2026) -> pd.DataFrame:
    gen = np.random.default_rng(seed)
    best = 1 + np.floor(gen.lognormal(1.0, 1.2, n))
    civ = gen.binomial(best.astype(int), gen.beta(0.6, 1.4, n)).astype(float)
    return pd.DataFrame(
        {
            "best": best,
            "deaths_civilians": civ,
            "type_of_violence": gen.integers(1, 4, n),
            "group": gen.integers(0, 2000, n),
        }
    )


def timed(fn, repeat: int):
    best_cpu, best_wall, out = np.inf, np.inf, None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return best_cpu, best_wall, out


def loop_aggregate(d: pd.DataFrame, model, n_draws: int, seed: int) -> np.ndarray:
    """Per draw: a Gumbel and a Bernoulli per event (as R's runcertainUCDP), then groupby."""
    gen = np.random.default_rng(seed)
    loc, scale, w = model.params["loc"], model.params["scale"], model.params["w"]
    out = []
    for _ in range(n_draws):
        g = loc - scale * np.log(-np.log(gen.random(loc.size)))
        keep = gen.random(loc.size) < w
        y = np.where(keep, d["best"].to_numpy(), g)
        out.append(pd.Series(y).groupby(d["group"].to_numpy()).sum().to_numpy())
    return np.column_stack(out)


def loop_linearised(d: pd.DataFrame) -> tuple[float, float]:
    a, b = d["deaths_civilians"], d["best"]
    r = a.sum() / b.sum()
    z = (a - r * b) / b.sum()
    n = len(d)
    return r, float(np.sqrt(n / (n - 1) * ((z - z.mean()) ** 2).sum()))


def loop_bootstrap(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    gen = np.random.default_rng(seed)
    reps = np.empty(n_boot)
    for i in range(n_boot):
        idx = gen.integers(0, a.size, a.size)
        reps[i] = a[idx].sum() / b[idx].sum()
    return reps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--linearised-events", type=int, default=1_000_000)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    rows = []
    d = make_events(args.events)
    model = fat.fatality_model(d["best"], violence=d["type_of_violence"])

    def ours_agg():
        return fat.aggregate_fatalities(model, d["group"], n_draws=args.draws, rng=1)

    cpu, wall, res = timed(ours_agg, args.repeat)
    loop_draws = max(1, args.draws // 10)
    lcpu, lwall, loop = timed(lambda: loop_aggregate(d, model, loop_draws, 1), 1)
    scale = args.draws / loop_draws
    tracemalloc.start()
    ours_agg()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    # the same model: the mean totals agree within Monte Carlo error
    gap = np.max(np.abs(res.estimate - loop.mean(axis=1)) / res.draws.std(axis=1))
    rows.append(
        (
            f"aggregate_fatalities: {args.events:,} events x {args.draws:,} draws -> "
            f"{res.size:,} groups",
            cpu,
            wall,
            lcpu * scale,
            f"peak {peak:.0f} MiB; loop timed on {loop_draws} draws x {scale:g}; "
            f"max |mean gap| {gap:.2f} sd",
        )
    )

    big = make_events(args.linearised_events, seed=7)
    cpu, wall, lin = timed(
        lambda: fat.clustered_share(big["deaths_civilians"], big["best"]), args.repeat
    )
    lcpu, lwall, ref = timed(lambda: loop_linearised(big), args.repeat)
    assert abs(lin.se / ref[1] - 1) < 1e-10
    rows.append(
        (
            f"clustered_share linearised: {args.linearised_events:,} events",
            cpu,
            wall,
            lcpu,
            "pandas formula; same SE to 1e-10",
        )
    )

    a, b = d["deaths_civilians"].to_numpy(), d["best"].to_numpy()
    cpu, wall, boot = timed(
        lambda: fat.clustered_share(a, b, method="bootstrap", n_boot=args.boot, rng=3),
        args.repeat,
    )
    lcpu, lwall, reps = timed(lambda: loop_bootstrap(a, b, args.boot, 3), 1)
    assert np.allclose(np.sort(reps), np.sort(boot.replicates))
    rows.append(
        (
            f"clustered_share bootstrap: {args.events:,} events x {args.boot:,} replicates",
            cpu,
            wall,
            lcpu,
            "loop over replicates; identical replicates",
        )
    )
    cpu, wall, both = timed(
        lambda: fat.clustered_share(
            a, b, method="bootstrap", n_boot=args.boot, rng=3, fatalities=model
        ),
        1,
    )
    rows.append(
        (
            f"clustered_share bootstrap + uncertainUCDP draws: {args.events:,} events x "
            f"{args.boot:,}",
            cpu,
            wall,
            float("nan"),
            "no peer",
        )
    )

    print(f"{'task':<78} {'cpu s':>7} {'wall s':>7} {'loop cpu s':>10} {'ratio':>6}  note")
    for task, c, w, loop_cpu, note in rows:
        ratio = loop_cpu / c if np.isfinite(loop_cpu) else float("nan")
        print(f"{task:<78} {c:7.2f} {w:7.2f} {loop_cpu:10.2f} {ratio:6.1f}  {note}")


if __name__ == "__main__":
    main()
