"""Benchmark: the latent-class capture-recapture sampler against R's LCMCR (C++).

On the Kosovo table (4 lists, 4,400 people, 15 patterns), K = 10, this times

* R's LCMCR 0.4.14 (if ``Rscript`` and the package are installed): one chain,
  ``sampler$Update(n)`` after the sampler's own initialisation;
* ``conflictstats.mse.lcmcr`` with its chains in one vectorised pass (4 chains by default,
  and more with ``--chains``);
* the same sampler run one chain at a time (a plain loop over chains),

and prints Gibbs iterations per second (summed over chains) and the ratios. Times are CPU
times of the process (R's ``system.time`` user + system; Python's ``time.process_time``), so
that a machine shared with other work slows neither side's count; R and numpy are timed
alternately, ``--repeat`` times each, and the best of each is kept.

Run from the project root:  .venv/bin/python benchmarks/bench_lcmcr.py
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import pandas as pd

from conflictstats.mse import lcmcr

ROOT = Path(__file__).resolve().parent.parent
KOSOVO = ROOT / "data" / "capture_recapture" / "kosovo_1999_capture_patterns.csv"

R_CODE = """
suppressPackageStartupMessages(library(LCMCR))
tab <- read.csv("{path}")
lists <- setdiff(names(tab), "count")
ind <- tab[rep(seq_len(nrow(tab)), tab$count), lists]
for (v in lists) ind[[v]] <- factor(ind[[v]], levels = c(0, 1))
s <- lcmCR(ind, tabular = FALSE, in_list_label = "1", not_in_list_label = "0", K = 10,
           a_alpha = 0.25, b_alpha = 0.25, seed = 1, buffer_size = 100, thinning = 100,
           verbose = FALSE)
s$Update(1000, FALSE)
tm <- system.time(s$Update({n}, FALSE))
cat(tm[["user.self"]] + tm[["sys.self"]], "\\n")
"""


def r_rate(n_iter: int) -> float | None:
    """Iterations per second of R's LCMCR on Kosovo, or None without R or LCMCR."""
    if shutil.which("Rscript") is None:
        return None
    code = R_CODE.format(path=KOSOVO.as_posix(), n=n_iter)
    run = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return None
    return n_iter / float(run.stdout.split()[-1])


def numpy_rate(table: pd.DataFrame, n_iter: int, chains: int, one_at_a_time: bool) -> float:
    """Iterations per second summed over chains of conflictstats' sampler."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short runs need not have mixed
        t0 = time.process_time()
        if one_at_a_time:
            for seed in range(chains):
                lcmcr(table, n_iter=n_iter, burn_in=0, thin=10, chains=1, rng=seed)
        else:
            lcmcr(table, n_iter=n_iter, burn_in=0, thin=10, chains=chains, rng=0)
        elapsed = time.process_time() - t0
    return chains * n_iter / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-iter", type=int, default=5_000, help="iterations per numpy chain")
    parser.add_argument("--r-iter", type=int, default=100_000, help="iterations of R's chain")
    parser.add_argument("--chains", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    table = pd.read_csv(KOSOVO)
    best: dict[str, float] = {}

    def keep(name: str, rate: float | None) -> None:
        if rate is not None:
            best[name] = max(best.get(name, 0.0), rate)

    for _ in range(args.repeat):
        keep("R LCMCR (C++), 1 chain", r_rate(args.r_iter))
        for c in args.chains:
            keep(f"numpy, {c} chains vectorised", numpy_rate(table, args.n_iter, c, False))
        keep("numpy, 4 chains one at a time", numpy_rate(table, args.n_iter, 4, True))

    print("Kosovo 1999 (4 lists, 4,400 people), K = 10: Gibbs iterations per CPU second")
    for name, rate in best.items():
        print(f"  {name:34s} {rate:10,.0f}")
    r = best.get("R LCMCR (C++), 1 chain")
    loop = best["numpy, 4 chains one at a time"]
    for c in args.chains:
        vec = best[f"numpy, {c} chains vectorised"]
        line = f"  {c} chains vectorised / one-at-a-time loop: {vec / loop:5.2f}"
        if r is not None:
            line += f";  / R: {vec / r:5.2f} (target ≥ 0.33)"
        print(line)
    if r is None:
        print("  (R or its LCMCR package not installed: R not timed)")


if __name__ == "__main__":
    main()
