"""Were ISIS attacks in Iraq really more frequent in 2018 than in 2016?

The December 2018 report on the Hajin pocket quotes a CSIS researcher: "ISIS attacks in Iraq
were more frequent this year than in 2016, up to 75 a month versus 60" (figures ``hajin-10``
and ``hajin-11`` of ``data/hajin_2018/figures.csv``). Only the two headline rates are
reported. This analysis reads the claim four ways (1-4) and measures how much the article's
other derived numbers depend on the reading of their qualifiers (5):

1. **Naive**: 75 a month over the 11 months of 2018 to the report (825 attacks) against 60 a
   month over the 12 months of 2016 (720), as Poisson counts: the exact conditional test
   and the other methods side by side (figure and table ``hajin_2018_claims_methods``).
2. **Overdispersion**: monthly attack counts vary far more than Poisson counts do; with
   variance ``phi`` times the mean, the comparison weakens as ``1 / sqrt(phi)``. At which
   dispersion does the rise stop being significant? (figure and table
   ``hajin_2018_claims_dispersion``). The dispersions that real monthly counts show are
   marked on the figure and added to the table's grid: the quasi-Poisson dispersion of
   UCDP's monthly Islamic State events in Iraq within 2016 and within 2018 (a constant-mean
   fit per year; ``analyses/iraq_monthly_events.py`` has the full series). UCDP's events
   (at least one death) are not the researcher's "attacks", but their month-to-month
   variability is the best evidence at hand of how noisy such monthly counts are.
3. **"Up to 75" as the busiest month**: if 75 bounds the busiest of the 11 months rather
   than giving the mean, what monthly means are consistent with it, at each dispersion? The
   largest of 11 independent months has ``P(max <= 75) = F(75)^11``; inverting it exactly in
   the mean gives an interval and a median-unbiased estimate (``rates.mean_from_maximum``;
   figure and table ``hajin_2018_claims_busiest_month``).
4. **Power**: how many months of data per year would detect a 25% rise (60 to 75 a month)
   with 80% power at the 5% level, at each dispersion (figure and table
   ``hajin_2018_claims_power``)?
5. **Readings**: how much do the article's derived numbers depend on how its qualifiers are
   read? The density of ISIS fighters in the pocket ("about 2,000 to 2,500" fighters over
   "about 50 sq km") and the weekly rate of the air war ("nearly 30,000 airstrikes" since
   8 August 2014), propagated under the default, narrow and wide rule sets with the same
   random numbers (``propagate.sensitivity``; figure and table
   ``hajin_2018_claims_readings``).

Assumptions: "this year" is January to November 2018 (the report is from December); 60 a
month is the 2016 mean. The counts are the researcher's and their definition of an attack is
not stated.
"""

import warnings
from datetime import date

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from conflictstats.datasets import DataWarning, monthly_counts, read_figures, read_ucdp_ged
from conflictstats.plots import claim_check as plot_claim_check
from conflictstats.plots import (
    get_ax,
    legend_below,
    rate_comparison,
    rule_sensitivity,
    style_context,
)
from conflictstats.propagate import sensitivity
from conflictstats.rates import (
    RATIO_METHODS,
    claim_check,
    compare_rates,
    maximum_cdf,
    mean_from_maximum,
    periods_needed,
    power_compare_rates,
)
from conflictstats.repro import save_figure, save_table
from conflictstats.trends import fit_trend

# Dispersions of real monthly counts, {label: variance / mean}: UCDP GED 19.1, Islamic State
# events in Iraq, quasi-Poisson fit of a constant mean within each year. The 69 rows with
# best outside [low, high] do not affect event counts; "sort" keeps them (see data/ucdp_ged).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DataWarning)
    ged = read_ucdp_ged("data/ucdp_ged/ucdp_ged191_iraq_hdx_extract.csv", on_inconsistent="sort")
islamic_state = ged[(ged["side_a"] == "IS") | (ged["side_b"] == "IS")]
ucdp_months = monthly_counts(
    islamic_state, measure="events", start="2016-01", end="2018-12", shape="wide"
)
REFERENCE_DISPERSIONS: dict[str, float] = {
    f"UCDP Iraq IS events {year}": round(
        float(fit_trend(ucdp_months[year], family="quasi-poisson", trend="none").dispersion), 2
    )
    for year in ("2016", "2018")
}

table_of_figures = read_figures("data/hajin_2018/figures.csv").set_index("id")
figures = table_of_figures["value"]
RATE_2018, RATE_2016 = float(figures["hajin-10"]), float(figures["hajin-11"])
MONTHS_2018, MONTHS_2016 = 11, 12
COUNT_2018, COUNT_2016 = RATE_2018 * MONTHS_2018, RATE_2016 * MONTHS_2016

# 1. naive comparison, every method ------------------------------------------------------------
results = {
    m: compare_rates(COUNT_2018, MONTHS_2018, COUNT_2016, MONTHS_2016, method=m)
    for m in RATIO_METHODS
    if m != "wald-log"  # Gu et al.'s name for the same test as "wald"
}
methods = pd.concat([r.to_frame() for r in results.values()], ignore_index=True)
methods = methods[["method", "estimate", "ci_low", "ci_high", "confidence", "pvalue"]]
save_table(methods, "hajin_2018_claims_methods", caption="2018 vs 2016 attack rate, Poisson")
ax = rate_comparison(results)
with style_context():
    ax.set_title("ISIS attacks in Iraq: 2018 vs 2016, as Poisson counts", fontsize="medium")
save_figure(ax.figure, "hajin_2018_claims_methods")

# 2. sensitivity to overdispersion ----------------------------------------------------------------
grid = sorted({1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, *REFERENCE_DISPERSIONS.values()})
check = claim_check(
    RATE_2018, MONTHS_2018, RATE_2016, MONTHS_2016, dispersion=grid, alternative="larger"
)
table = check.to_frame()[["dispersion", "estimate", "ci_low", "ci_high", "confidence", "pvalue"]]
observed = {v: k for k, v in REFERENCE_DISPERSIONS.items()}
table.insert(1, "observed_in", [observed.get(d, "") for d in table["dispersion"]])
save_table(
    table,
    "hajin_2018_claims_dispersion",
    caption=(
        "One-sided score test of a rise, by dispersion of monthly counts; significant below "
        f"a dispersion of {check.critical_dispersion:.2f}"
    ),
)
ax = plot_claim_check(check, mark=REFERENCE_DISPERSIONS or None)
save_figure(ax.figure, "hajin_2018_claims_dispersion")

# 3. "up to 75" read as the busiest of 11 months ---------------------------------------------
BUSIEST = 75
dispersions = [1.0, 2.0, 5.0, 10.0]
implied = mean_from_maximum(BUSIEST, MONTHS_2018, dispersion=dispersions)
busiest_table = implied.to_frame()[["dispersion", "estimate", "ci_low", "ci_high", "confidence"]]
busiest_table["mean_60_consistent"] = (implied.ci_low <= RATE_2016) & (RATE_2016 <= implied.ci_high)
save_table(
    busiest_table.rename(columns={"estimate": "mean_median_unbiased"}),
    "hajin_2018_claims_busiest_month",
    caption=(
        "Mean monthly attacks implied by a busiest month of 75 over 11 months, by dispersion: "
        "exact interval from P(max <= 75) = F(75)^11 (rates.mean_from_maximum)"
    ),
)
means = np.linspace(10.0, 80.0, 281)
ax = get_ax(None, figsize=(6.4, 4.0))
with style_context():
    for k, phi in enumerate(dispersions):
        curve = maximum_cdf(BUSIEST, MONTHS_2018, means, dispersion=phi)
        ax.plot(means, curve, color=f"C{k}", label=f"dispersion {phi:g}")
    ax.axhspan(0.025, 0.975, color="0.88", zorder=0, label="central 95% of the maximum")
    ax.axvline(RATE_2016, color="0.3", linestyle="--", linewidth=1.0, label="2016 mean (60)")
    ax.set_xlabel("mean monthly attacks in 2018")
    ax.set_ylabel("P(busiest of 11 months <= 75)")
    ax.set_title('"Up to 75 a month" read as the busiest month')
    legend_below(ax, fontsize="small", ncol=3)
save_figure(ax.figure, "hajin_2018_claims_busiest_month")

# 4. months needed to detect a 25% rise --------------------------------------------------------
phis = np.array([1.0, 2.0, 5.0, 10.0, 20.0])
needed = periods_needed(RATE_2016, RATE_2018 / RATE_2016, dispersion=phis, power=0.8)
power_table = pd.DataFrame(
    {
        "dispersion": phis,
        "months_needed_per_year": needed,
        "whole_months": np.ceil(needed).astype(int),
        "power_with_11_months": power_compare_rates(
            RATE_2016, RATE_2018 / RATE_2016, MONTHS_2018, dispersion=phis
        ),
    }
)
save_table(
    power_table,
    "hajin_2018_claims_power",
    caption=(
        "Months of data per period needed to detect a rise from 60 to 75 a month (80% power, "
        "two-sided 5% level), and the power with 11 months in each"
    ),
)
ax = get_ax(None, figsize=(6.4, 4.0))
with style_context():
    months = np.geomspace(1, 120, 240)
    for k, phi in enumerate(phis):
        ax.plot(
            months,
            power_compare_rates(RATE_2016, RATE_2018 / RATE_2016, months, dispersion=phi),
            color=f"C{k}",
            label=f"dispersion {phi:g}",
        )
    ax.axhline(0.8, color="0.3", linestyle=":", linewidth=1.0)
    ax.axvline(MONTHS_2018, color="0.3", linestyle="--", linewidth=1.0, label="11 months")
    ax.set_xscale("log")
    ticks = [1, 2, 5, 10, 20, 50, 100]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xticks([], minor=True)
    ax.set_xlabel("months of data in each period")
    ax.set_ylabel("power (two-sided test at 5%)")
    ax.set_title("Detecting a rise from 60 to 75 attacks a month")
    legend_below(ax, fontsize="small", ncol=3)
save_figure(ax.figure, "hajin_2018_claims_power")

# 5. how much the derived numbers depend on the reading of the qualifiers -----------------------
parsed = table_of_figures["figure"]
READINGS = ("default", "narrow", "wide")
WEEKS = (date(2018, 12, 5) - date(2014, 8, 8)).days / 7  # first US airstrikes to 5 Dec 2018
density = sensitivity(
    lambda fighters, area: fighters / area,
    rules=READINGS,
    n=200_000,
    rng=20181205,
    fighters=parsed["hajin-22"],  # about 2,000 to 2,500
    area=parsed["hajin-09"],  # about 50 sq km
    quantity="ISIS fighters per km2 in the Hajin pocket",
)
strikes = sensitivity(
    lambda strikes: strikes / WEEKS,
    rules=READINGS,
    n=200_000,
    rng=20181205,
    strikes=parsed["hajin-03"],  # nearly 30,000
    quantity="airstrikes per week, Aug 2014 to Dec 2018",
)
readings = pd.concat([density.to_frame(), strikes.to_frame()], ignore_index=True)
readings["inputs"] = [
    "; ".join(r.inputs[name].values()) for r in (density, strikes) for name in r.rule_set
]
readings = readings[
    ["quantity", "rule_set", "estimate", "ci_low", "ci_high", "confidence", "inputs"]
]
save_table(
    readings,
    "hajin_2018_claims_readings",
    caption=(
        "Derived quantities under three readings of the qualifiers (rule sets default, narrow "
        "and wide: half and twice the default spread); 200,000 draws, same random numbers "
        "for every reading"
    ),
)
with style_context():
    fig, (ax_density, ax_strikes) = plt.subplots(2, 1, figsize=(6.4, 4.6))
rule_sensitivity(density, ax=ax_density)
rule_sensitivity(strikes, ax=ax_strikes, color="C1")
with style_context():
    fig.suptitle("How much the reading of the qualifiers matters", fontsize="medium")
save_figure(fig, "hajin_2018_claims_readings")
