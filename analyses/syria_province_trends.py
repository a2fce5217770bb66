"""Which Syrian provinces saw Islamic State violence fall fastest, 2016-2019?

Question. Islamic State violence in Syria shrank after 2016, but not everywhere at once: the
group lost Aleppo's countryside, Raqqa and the central desert in 2016-17 and held out along the
Euphrates in Deir ez Zor until March 2019. Province by province, how fast did the monthly rate
of lethal events involving the group fall, and where did it not fall at all?

Data. UCDP's GED Syria release, 2016-01 to 2019-11 (CC BY 4.0; see data/ucdp_ged/README.md).
An event counts when "IS" is side A or side B, alone or in a coalition (``datasets.involving``);
it counts in the month of its start date and in its first-level province (``adm_1``). The 101 rows breaking low <= best <= high are kept with
their values sorted (``on_inconsistent="sort"``; only the event count is used here). Of the
6,472 Islamic State events, 154 have no province coded; they are left out of the panel.
Every province with at least one event is a series of 47 months, empty months filled with 0.

Methods. ``panel.fit_trends`` with an NB2 (negative binomial) likelihood, each province with its
own dispersion alpha, 11 month-of-year effects, and days in the month as the exposure (an
offset), so coefficients are rates per day and February's short month is not read as a dip.
``exp(trend)`` is the rate ratio per year: 0.5 means the daily rate of events halved each
year. Intervals are 95% Wald intervals from the observed information in (beta, alpha). A
log-linear trend summarises the average pace over the four years, not when the fall came.

Why not ``engine="dask"``. The panel is 14 provinces x 47 months, 658 cells, about 16 kB of
arrays; the in-process numpy engine fits it in milliseconds, and the Dask engine gives the same
numbers (table ``syria_province_trends_engines``) after the overhead of building a task graph.
Dask pays off only when the (series x time) arrays no longer fit in one machine's memory, at
24 bytes a cell, hundreds of millions of cells (e.g. daily counts for every PRIO-GRID cell of
the world over a decade), or when the many chunks of such a panel are to be spread over a
``distributed`` cluster.

What the data say (table ``syria_province_trends_annual_change``, figure of the same name).
Islamic State events fell fastest in Aleppo (rate ratio 0.28 a year, 95% CI 0.22 to 0.35,
about -72% a year), Ar Raqqah (0.31, 0.22 to 0.45) and Homs (0.36, 0.29 to 0.46); their
intervals overlap, so the data rank these three together rather than in order. Al Hasakah,
Hamah, Rif Dimashq and Daraa fell by about half a year (rate ratios 0.45 to 0.49). Deir ez Zor,
the province with most events (2,090), barely fell (0.87, 0.75 to 1.01): the group's last
territory was there until 2019, and its insurgency continued after. Idlib is the one province
where IS events rose (1.74 a year, 1.28 to 2.36), from very few (94 in all). Monthly counts
scatter well beyond Poisson everywhere (NB2 alpha 0.20 in Al Hasakah to 1.32 in Rif Dimashq).
Five provinces with few events (As Suwayda, Damascus, Latakia, Quneitra, Tartus; 204 events
together) get no estimate: each has a calendar month without a single event in the four years,
whose month effect would be minus infinity; the table and the figure keep them with that
reason.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from conflictstats import plots
from conflictstats.datasets import DataWarning, involving, monthly_counts, read_ucdp_ged
from conflictstats.panel import fit_trends
from conflictstats.repro import save_figure, save_table

PREFIX = "syria_province_trends"
START, END = "2016-01", "2019-11"

# --- load: the inconsistent rows are reported by a warning; the choice is made above --------
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", DataWarning)
    syria = read_ucdp_ged(
        "data/ucdp_ged/ucdp_ged_syria_20160101_20191130.csv", on_inconsistent="sort"
    )
for w in caught:
    print(w.message)

islamic_state = involving(syria, "IS")
coded = islamic_state["adm_1"].notna()
print(
    f"{len(islamic_state)} Islamic State events, {int((~coded).sum())} without a province "
    "(left out)"
)

# --- the panel: one zero-filled monthly series per province, long format, days per month ---
panel = monthly_counts(islamic_state[coded], by="adm_1", measure="events", start=START, end=END)
panel.insert(0, "province", panel.pop("adm_1").str.removesuffix(" Governorate"))

# --- one NB2 trend with month-of-year effects per province ----------------------------------
options = dict(
    series="province",
    time="month",
    count="events",
    exposure="days",
    family="negbin",
    seasonality="month",
)
tic = time.perf_counter()
fits = fit_trends(panel, **options)
numpy_seconds = time.perf_counter() - tic

trend = fits[fits["term"] == "trend"].set_index("province")
totals = panel.groupby("province")["events"].agg(["size", "sum"])
table = pd.DataFrame(
    {
        "province": trend.index,
        "months": totals.loc[trend.index, "size"].to_numpy(),
        "total_events": totals.loc[trend.index, "sum"].to_numpy(),
        "rate_ratio_per_year": np.exp(trend["estimate"]).to_numpy(),
        "ci_low": np.exp(trend["ci_low"]).to_numpy(),
        "ci_high": np.exp(trend["ci_high"]).to_numpy(),
        "confidence": trend["confidence"].to_numpy(),
        "annual_change_percent": 100 * np.expm1(trend["estimate"]).to_numpy(),
        "nb2_alpha": trend["dispersion"].to_numpy(),
        "converged": trend["converged"].to_numpy(),
        "reason": trend["reason"].to_numpy(),
    }
)
table = table.sort_values(["rate_ratio_per_year", "province"], na_position="last")
save_table(
    table.reset_index(drop=True),
    f"{PREFIX}_annual_change",
    caption=(
        "Islamic State events per day by Syrian province, 2016-01 to 2019-11 (UCDP GED Syria): "
        "rate ratio per year from an NB2 trend with month-of-year effects and days-in-month "
        "exposure, 95% Wald CI"
    ),
)

ax = plots.panel_trends(
    fits,
    "trend",
    label="Islamic State events per day: rate ratio per year",
    title="Islamic State events in Syria by province, 2016-01 to 2019-11",
)
save_figure(ax.figure, f"{PREFIX}_annual_change")

# --- the same panel on the Dask engine: same numbers, no need for it at this size -----------
tic = time.perf_counter()
fits_dask = fit_trends(panel, engine="dask", **options)
dask_seconds = time.perf_counter() - tic
same = fits_dask.set_index(["province", "term"]).loc[fits.set_index(["province", "term"]).index]
agree = all(
    np.allclose(
        same[col].to_numpy(float),
        fits[col].to_numpy(float),
        rtol=1e-10,
        atol=0,
        equal_nan=True,
    )
    for col in ("estimate", "se", "ci_low", "ci_high", "dispersion")
)
n_series, n_months = panel["province"].nunique(), panel["month"].nunique()
engines = pd.DataFrame(
    {
        "engine": ["numpy", "dask"],
        "series": n_series,
        "months": n_months,
        "cells": n_series * n_months,
        "panel_arrays_kB": n_series * n_months * 24 / 1000,
        "same_as_numpy_to_1e-10": [True, agree],
    }
)
save_table(
    engines,
    f"{PREFIX}_engines",
    caption=(
        "The province panel fitted in process (numpy) and on Dask: identical estimates, SEs, "
        "intervals and alphas; the panel's arrays take kilobytes"
    ),
)
print(
    f"fit_trends on {n_series} series x {n_months} months: numpy engine {numpy_seconds:.3f} s, "
    f"dask engine {dask_seconds:.3f} s; same results: {agree}"
)
