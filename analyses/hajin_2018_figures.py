"""What do the numbers in the Hajin article actually say, once their qualifiers are read?

The December 2018 news report on the last ISIS pocket around Hajin, Syria, gives 35 figures:
"up to 75 a month versus 60", "at least 30 captured", "20,000 to 30,000 fighters", "about
7,000 civilians", "nearly 30,000 airstrikes". Each qualifier implies an interval. This
analysis

1. draws every figure as the interval its qualifier implies, grouped by topic and labelled by
   source (figure ``hajin_2018_figures_ranges``), and tabulates them (table
   ``hajin_2018_figures_table``);
2. propagates the intervals into two derived quantities (table
   ``hajin_2018_figures_propagated``): the density of ISIS fighters in the pocket ("about 2,000
   to 2,500" fighters over "about 50 sq km"), and how the 151 targets struck in the week
   ending 5 December compare with the weekly average implied by "nearly 30,000 airstrikes"
   since the air campaign began on 8 August 2014.
"""

from datetime import date

import pandas as pd

from conflictstats.datasets import read_figures
from conflictstats.plots import reported_ranges, style_context
from conflictstats.propagate import monte_carlo
from conflictstats.repro import save_figure, save_table

SEED = 20181205
N = 200_000

figures = read_figures("data/hajin_2018/figures.csv")
by_id = figures.set_index("id")["figure"]

# -- 1. every figure as an interval -----------------------------------------------------------
counts = figures[figures["kind"].isin(["count", "rate"])]
ax = reported_ranges(counts, group="topic")
with style_context():
    ax.set_title("Hajin report (Dec 2018): counts and rates")
save_figure(ax.figure, "hajin_2018_figures_ranges")

others = figures[~figures["kind"].isin(["count", "rate"])]
ax = reported_ranges(others, group="topic")
with style_context():
    ax.set_title("Hajin report (Dec 2018): areas, distances, durations, shares")
save_figure(ax.figure, "hajin_2018_figures_other_ranges")

table = pd.DataFrame(
    {
        "id": figures["id"],
        "text": figures["text"],
        "unit": figures["unit"],
        "per": figures["per"],
        "qualifier": figures["qualifier"],
        "rule": figures["rule"],
        "central": figures["central"],
        "interval_low": figures["low"],
        "interval_high": figures["high"],
        "source": figures["source"],
        "period": figures["period"],
    }
)
save_table(table, "hajin_2018_figures_table", caption="Reported figures in the Hajin report")

# -- 2. propagated quantities -----------------------------------------------------------------
fighters, area = by_id["hajin-22"], by_id["hajin-09"]  # about 2,000 to 2,500; about 50 sq km
density = monte_carlo(
    lambda fighters, area: fighters / area,
    n=N,
    rng=SEED,
    fighters=fighters,
    area=area,
    quantity="ISIS fighters per km2 in the Hajin pocket",
)
density_pert = monte_carlo(
    lambda fighters, area: fighters / area,
    n=N,
    rng=SEED,
    models="pert",
    fighters=fighters,
    area=area,
    quantity="ISIS fighters per km2 (PERT inputs)",
)

# Weeks from the first US airstrikes (8 August 2014) to the end of the reported week.
weeks = (date(2018, 12, 5) - date(2014, 8, 8)).days / 7
strikes, week = by_id["hajin-03"], by_id["hajin-19"]  # nearly 30,000; 151 targets in a week
average = monte_carlo(
    lambda strikes: strikes / weeks,
    n=N,
    rng=SEED,
    strikes=strikes,
    quantity="airstrikes per week, Aug 2014 to Dec 2018",
)
ratio = monte_carlo(
    lambda week, strikes: week / (strikes / weeks),
    n=N,
    rng=SEED,
    week=week,
    strikes=strikes,
    quantity="week ending 5 Dec 2018 / weekly average",
)

results = [density, density_pert, average, ratio]
propagated = pd.concat([r.to_frame() for r in results], ignore_index=True)
propagated["inputs"] = ["; ".join(r.inputs.values()) for r in results]
# the results name their interval ("percentile interval"); the table header follows it
propagated = propagated.drop(columns=["pvalue"], errors="ignore")
save_table(
    propagated,
    "hajin_2018_figures_propagated",
    caption=f"Monte Carlo propagation ({N:,} draws, seed {SEED}); {weeks:.1f} weeks of air war",
)
