"""Event data with honest uncertainty: deaths come in events, and each event's count is doubtful.

Questions.

1. What share of the deaths UCDP records in Syria (2016-2019) and Iraq (2014-2018) were
   civilians, and how many government-side deaths were there per death of their opponents,
   year by year -- and how wide are the intervals once we stop pretending that every death is
   an independent coin toss? Three intervals side by side: the binomial one
   (``proportions.proportion_ci``, which treats deaths as independent), the one with events as
   clusters (``fatalities.clustered_share`` / ``clustered_ratio``, the ratio estimator's
   linearised variance, as R's ``survey::svyratio``), and the same with the coders' doubt about
   each event's count added (the uncertainUCDP model of Vesco et al. 2024, pooled over model
   draws by Rubin's rules).
2. How many deaths in Islamic State-related events did Iraq see each month, with the band the
   fatality model puts around UCDP's best estimates?
3. The seed article quotes the Syrian Observatory for Human Rights: "since the coalition's
   'final push' began in September, 827 ISIS fighters and 481 Syrian Democratic Forces fighters
   had been killed, along with 308 civilians" (Hajin pocket, Deir ez-Zor; the text's latest
   date is 8 December 2018). What do UCDP's events for the same weeks and area give, with the
   fatality model's interval for the totals and an event-clustered interval for the civilian
   share?

Data. UCDP GED (CC BY 4.0; data/ucdp_ged/README.md): the HDX extract of GED 19.1 for Iraq and
UCDP's GED Syria release 2016-01-01 to 2019-11-30 (so Syria 2019 stops at November). Rows that
break low <= best <= high are kept with their values sorted (``on_inconsistent="sort"``). The
article's figures are rows hajin-28/29/30 of data/hajin_2018/figures.csv.

Definitions. Civilians' share: ``sum(deaths_civilians) / sum(best)`` over all events of the
year (all three types of violence). Casualty ratio: ``sum(deaths_a) / sum(deaths_b)`` over the
state-based events (type 1), where UCDP's side A is always a government (and its allies), side
B the rebels or the Islamic State. Its binomial interval is the Wilson interval for side A's
share of the two sides' deaths, turned into a ratio ``p / (1 - p)``. With the fatality model,
only each event's total is uncertain; a draw scales all of the event's parts alike.

Methods and their assumptions are in the captions. Draw counts are chosen for a run of under a
minute; seeds are fixed, so the outputs are byte-reproducible.

What the data say (tables ``event_data_uncertainty_*``; 95% intervals). The binomial intervals
are far too narrow. Civilians were 20.9% of UCDP's Syria deaths in 2016: binomial 20.6 to
21.3%, events as clusters 12.5 to 29.4% (design effect 544, i.e. an interval 23 times wider),
because single events (massacres, strikes on markets) carry hundreds of deaths of one kind;
Syria's other years and Iraq's show design effects of 12 to 190. Casualty ratios likewise:
Syria's government side lost 0.91 per opponent death in 2016, binomial 0.89 to 0.93, with
events as clusters 0.45 to 1.37 -- consistent with equal losses. Adding the coders' doubt
(uncertainUCDP) moves the estimates a little (small events are corrected upwards more than
big ones: Syria 2016 civilians 22.7%) and adds only 3-14% of the variance (fmi): independent
errors of thousands of events average out, while the clustering does not. The combined
interval can even be narrower than the clustered one (Syria 2016), because the model raises
the many small events more than the few huge ones, which then weigh less. Deaths in Islamic
State-related events in Iraq 2014-2018 total 49,980 by UCDP's best, 67,500 (1.35 times) by
the model's mean; June 2014 (Mosul) has 3,220 by best, 3,735 to 4,745 under the model. Around
Hajin (10 September to 8 December 2018, Deir ez-Zor governorate) UCDP's best gives 896 IS
and 493 SDF deaths, close to the Observatory's 827 and 481 (ratio 1.82, 1.23 to 2.40, against
the Observatory's 1.72), but 1,205 civilians, four times its 308, most of them in a few
one-sided IS events; the model puts all three higher (IS 1,135 to 1,350). The civilians'
share, 45% (events as clusters 20 to 71%), is so uncertain because a handful of events carry
it; the Observatory's 19% lies at its lower edge.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from conflictstats import fatalities as fat
from conflictstats import plots
from conflictstats.datasets import (
    DataWarning,
    involving,
    monthly_counts,
    read_figures,
    read_ucdp_ged,
)
from conflictstats.plots import style_context
from conflictstats.proportions import proportion_ci
from conflictstats.repro import save_figure, save_table
from conflictstats.results import Estimate

PREFIX = "event_data_uncertainty"
SOURCE = "UCDP GED (Iraq: GED 19.1 HDX extract; Syria: GED Syria 2016-01-01 to 2019-11-30)"
MODEL = "uncertainUCDP (Vesco et al. 2024), by type of violence"
M_DRAWS = 100  # fatality-model draws pooled by Rubin's rules (clustered + model interval)
N_TOTALS = 2000  # fatality-model draws for totals (monthly and Hajin)

# --- load ---------------------------------------------------------------------------------------
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", DataWarning)
    iraq = read_ucdp_ged("data/ucdp_ged/ucdp_ged191_iraq_hdx_extract.csv", on_inconsistent="sort")
    syria = read_ucdp_ged(
        "data/ucdp_ged/ucdp_ged_syria_20160101_20191130.csv", on_inconsistent="sort"
    )
for w in caught:
    print(w.message)

iraq = iraq[(iraq["date_start"] >= "2014-01-01") & (iraq["date_start"] <= "2018-12-31")]
countries = {"Syria": syria, "Iraq": iraq}
# The deaths of an event are the sum of its parts by side, which is `best` except on the rows
# whose best the sorting changed (flagged in `best_resorted`): there the parts are what UCDP
# split, and a share of them must stay within 0 and 1.
PARTS = ["deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"]
for country, events in countries.items():
    events["deaths"] = events[PARTS].sum(axis=1)
    changed = int((events["deaths"] != events["best"]).sum())
    print(f"{country}: {len(events):,} events; {changed} whose parts do not add up to best")


# --- 1. shares and ratios per year, three intervals each ----------------------------------------
BINOMIAL, CLUSTERED, COMBINED = (
    "binomial (Wilson)",
    "events as clusters",
    "events as clusters + uncertainUCDP",
)


def yearly_sums(frame, columns):
    return frame.groupby(frame["date_start"].dt.year)[columns].sum()


def share_intervals(events, seed):
    """Civilians' share of all deaths per year under the three intervals."""
    year = events["date_start"].dt.year.to_numpy()
    civ, best = events["deaths_civilians"].to_numpy(), events["deaths"].to_numpy()
    sums = yearly_sums(events, ["deaths_civilians", "deaths"])
    model = fat.fatality_model(best, violence=events["type_of_violence"].to_numpy())
    return {
        BINOMIAL: proportion_ci(sums["deaths_civilians"].to_numpy(), sums["deaths"].to_numpy()),
        CLUSTERED: fat.clustered_share(civ, best, groups=year),
        COMBINED: fat.clustered_share(
            civ, best, groups=year, fatalities=model, n_draws=M_DRAWS, rng=seed
        ),
    }


def ratio_intervals(events, seed):
    """Government-side deaths per death of their opponents (state-based events) per year."""
    sb = events[events["type_of_violence"] == 1]
    year = sb["date_start"].dt.year.to_numpy()
    a, b, best = (sb[c].to_numpy() for c in ("deaths_a", "deaths_b", "deaths"))
    sums = yearly_sums(sb, ["deaths_a", "deaths_b"])
    # binomial: side A's share p of the two sides' deaths, as if each death were independent;
    # the ratio is p / (1 - p), a monotone map of the Wilson interval
    p = proportion_ci(sums["deaths_a"].to_numpy(), (sums["deaths_a"] + sums["deaths_b"]).to_numpy())
    odds = [
        np.asarray(v, dtype=float) / (1 - np.asarray(v, dtype=float))
        for v in (p.estimate, p.ci_low, p.ci_high)
    ]
    binomial = Estimate(
        *odds, confidence=p.confidence, method=f"{p.method}, p / (1 - p)", quantity="ratio"
    )
    model = fat.fatality_model(best, violence=1)
    return {
        BINOMIAL: binomial,
        CLUSTERED: fat.clustered_ratio(a, b, groups=year),
        COMBINED: fat.clustered_ratio(
            a, b, groups=year, fatalities=model, total=best, n_draws=M_DRAWS, rng=seed
        ),
    }


TITLES = {"share": "civilians' share of deaths", "ratio": "casualty ratio, state-based events"}
QUANTITIES = {
    "share": "civilians' share of deaths",
    "ratio": "government-side deaths per opponent death (state-based)",
}
intervals = {}
for i, (country, events) in enumerate(countries.items()):
    intervals[country, "share"] = share_intervals(events, seed=2016 + i)
    intervals[country, "ratio"] = ratio_intervals(events, seed=2116 + i)

rows = []
for (country, quantity), res in intervals.items():
    years = np.asarray(res[CLUSTERED].group)
    for name, r in res.items():
        frame = pd.DataFrame(
            {
                "country": country,
                "quantity": QUANTITIES[quantity],
                "year": years,
                "interval": name,
                "estimate": np.atleast_1d(r.estimate),
                "ci_low": np.atleast_1d(r.ci_low),
                "ci_high": np.atleast_1d(r.ci_high),
                "confidence": r.confidence,
            }
        )
        if name != BINOMIAL:
            frame["n_events"] = r.n_events
            frame["design_effect"] = r.design_effect
            frame["fmi"] = r.fmi
        rows.append(frame)
table1 = pd.concat(rows, ignore_index=True)
table1["width"] = table1["ci_high"] - table1["ci_low"]
save_table(
    table1,
    f"{PREFIX}_shares_ratios",
    caption=(
        "Civilians' share of deaths (all events) and government-side deaths per opponent death "
        "(state-based events), Syria 2016-2019 (to November) and Iraq 2014-2018, per year, "
        "with three 95% intervals: binomial (Wilson; deaths as independent trials), events as "
        "clusters (linearised ratio-estimator variance, as survey::svyratio), and events as "
        f"clusters with each event's count drawn from {MODEL} ({M_DRAWS} draws, Rubin's rules). "
        "design_effect: clustered over binomial variance; fmi: fraction of missing information "
        f"due to the fatality model. Source: {SOURCE}."
    ),
)
print("civilians' share, Syria, widths of the three intervals per year:")
print(
    table1[(table1.country == "Syria") & (table1.quantity == QUANTITIES["share"])]
    .pivot(index="year", columns="interval", values="width")
    .round(4)
)

with style_context():
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5), height_ratios=[4, 5], layout="constrained")
    for col, quantity in enumerate(["share", "ratio"]):
        for row, country in enumerate(["Syria", "Iraq"]):
            ax = axes[row, col]
            res = intervals[country, quantity]
            plots.interval_comparison(
                res,
                ax=ax,
                percent=quantity == "share",
                log=quantity == "ratio",
                reference=1.0 if quantity == "ratio" else None,
                xlabel=(
                    "civilians' share of all deaths, %"
                    if quantity == "share"
                    else "government-side deaths per opponent death (log scale)"
                ),
                legend_cols=0,
            )
            ax.set_ylabel("year")
            ax.set_title(f"{country}: {TITLES[quantity]}")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3)
    save_figure(
        fig,
        f"{PREFIX}_shares_ratios",
        caption=(
            "Civilians' share of deaths (left, % of all deaths) and government-side deaths per "
            "opponent death in state-based events (right, log scale; dashed line: equal losses), "
            "per year, Syria 2016-2019 (to November) and Iraq 2014-2018, each with three 95% "
            "intervals: binomial (Wilson), events as clusters (linearised), and events as "
            f"clusters plus {MODEL} ({M_DRAWS} draws, Rubin's rules). Source: {SOURCE}."
        ),
    )

# --- 2. monthly deaths in IS-related events in Iraq, with the fatality model's band -------------
iraq_is = involving(iraq, "IS")
months = iraq_is["date_start"].dt.to_period("M").astype(str).to_numpy()
is_model = fat.fatality_model(
    iraq_is["best"].to_numpy(), violence=iraq_is["type_of_violence"].to_numpy()
)
totals = fat.aggregate_fatalities(is_model, months, n_draws=N_TOTALS, rng=20140101)
monthly = monthly_counts(iraq_is, measure="best", start="2014-01", end="2018-12")
band = totals.to_frame().assign(month=lambda f: pd.PeriodIndex(f["group"], freq="M"))
monthly = monthly.merge(
    band[["month", "n_events", "estimate", "median", "ci_low", "ci_high"]], on="month", how="left"
)
# a month without events has 0 deaths in every draw
monthly[["n_events", "estimate", "median", "ci_low", "ci_high"]] = monthly[
    ["n_events", "estimate", "median", "ci_low", "ci_high"]
].fillna(0.0)
monthly = monthly.rename(columns={"best": "ucdp_best", "estimate": "model_mean"})
monthly["confidence"] = totals.confidence
save_table(
    monthly,
    f"{PREFIX}_iraq_is_monthly",
    interval_label="percentile interval",
    caption=(
        "Deaths per month in Iraq in events involving the Islamic State (side A or B), "
        "2014-01 to 2018-12: UCDP best estimate (sum over events), and the total under "
        f"{MODEL}: mean, median and 95% percentile interval of {N_TOTALS} draws, events "
        f"independent given their reports; days: days in the month; the Iraq file ends on "
        f"2018-12-25. Source: {SOURCE}."
    ),
)
ratio_model = monthly["model_mean"].sum() / monthly["ucdp_best"].sum()
print(
    f"Iraq IS-related deaths 2014-2018: UCDP best {monthly['ucdp_best'].sum():,.0f}, "
    f"model mean {monthly['model_mean'].sum():,.0f} ({ratio_model:.2f} x best)"
)

with style_context():
    fig, ax = plt.subplots(figsize=(9, 4.2))
    t = monthly["month"].dt.to_timestamp(how="start") + pd.Timedelta(days=14)
    ax.fill_between(
        t,
        monthly["ci_low"],
        monthly["ci_high"],
        color="C0",
        alpha=0.25,
        linewidth=0,
        label=f"uncertainUCDP 95% percentile interval ({N_TOTALS} draws)",
    )
    ax.plot(t, monthly["median"], color="C0", label="uncertainUCDP median")
    ax.plot(
        t,
        monthly["ucdp_best"],
        color="C1",
        linewidth=1.0,
        linestyle="--",
        label="UCDP best (sum of events)",
    )
    ax.set_ylabel("deaths per month")
    ax.set_xlabel("month (events by start date)")
    ax.set_title("Iraq: deaths in events involving the Islamic State, 2014-2018")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")
    save_figure(
        fig,
        f"{PREFIX}_iraq_is_monthly",
        caption=(
            "Deaths per month in Iraq in events involving the Islamic State, 2014-2018: UCDP's "
            f"best estimate (dashed) and the median and 95% percentile band of {N_TOTALS} draws "
            f"of {MODEL}, events independent given their reports. Source: {SOURCE}."
        ),
    )

# --- 3. "827 ISIS fighters, 481 SDF fighters and 308 civilians since September" ---------------
# The Observatory's count runs from the start of the "final push" (announced by the SDF on
# 10 September 2018) to shortly before the article (its latest date is 8 December 2018). UCDP
# events are taken by start date in that window, in two areas: Deir ez-Zor governorate
# (adm_1), and a box around the Hajin pocket on the Euphrates (34.40-34.85 N, 40.65-41.05 E:
# Hajin, Al Bahrah, Gharanij, Al Shafa, Sousa, Baghuz; it also holds Albu Kamal town).
START, END = "2018-09-10", "2018-12-08"
BOX = {"lat": (34.40, 34.85), "lon": (40.65, 41.05)}
figures = read_figures("data/hajin_2018/figures.csv").set_index("id")["figure"]
sohr = {
    "ISIS fighters": figures["hajin-28"].value,
    "SDF fighters": figures["hajin-29"].value,
    "civilians": figures["hajin-30"].value,
}

window = syria[(syria["date_start"] >= START) & (syria["date_start"] <= END)]
in_box = window["latitude"].between(*BOX["lat"]) & window["longitude"].between(*BOX["lon"])
areas = {
    "Deir ez-Zor governorate": window[window["adm_1"] == "Deir ez Zor Governorate"],
    "Hajin box": window[in_box],
}


def deaths_by_party(events):
    """Per-event deaths of IS, of the SDF, of civilians and of everyone else (n_events x 4)."""
    parts = {}
    for actor in ("IS", "SDF"):
        parts[actor] = events["deaths_a"].where(events["side_a"] == actor, 0) + events[
            "deaths_b"
        ].where(events["side_b"] == actor, 0)
    parts["civilians"] = events["deaths_civilians"]
    parts["others"] = events["deaths"] - parts["IS"] - parts["SDF"] - parts["civilians"]
    return pd.DataFrame(parts).to_numpy(dtype=float)


PARTIES = ["ISIS fighters", "SDF fighters", "civilians", "others and unknown"]
hajin_rows, shares, party_draws = [], {}, {}
for k, (area, events) in enumerate(areas.items()):
    parts = deaths_by_party(events)
    deaths = events["deaths"].to_numpy()
    model = fat.fatality_model(deaths, violence=events["type_of_violence"].to_numpy())
    # each draw of an event's total scales its parts alike (as clustered_share does)
    draws = np.maximum(model.sample(N_TOTALS, rng=20180910 + k), 0.0)
    scale = np.divide(draws, deaths[:, None], out=np.zeros_like(draws), where=deaths[:, None] > 0)
    totals = parts.T @ scale  # (parties, draws)
    totals = np.vstack([totals, totals.sum(axis=0)])
    party_draws[area] = totals
    lo, med, hi = np.quantile(totals, [0.025, 0.5, 0.975], axis=1)
    reported = [*sohr.values(), np.nan, sum(sohr.values())]
    for j, party in enumerate([*PARTIES, "all deaths"]):
        hajin_rows.append(
            {
                "area": area,
                "party": party,
                "sohr_reported": reported[j],
                "ucdp_events": len(events),
                "ucdp_best": parts[:, j].sum() if j < 4 else deaths.sum(),
                "model_estimate": med[j],
                "ci_low": lo[j],
                "ci_high": hi[j],
                "confidence": 0.95,
            }
        )
    shares[area] = {
        "civilians' share, events as clusters": fat.clustered_share(parts[:, 2], deaths),
        "civilians' share, events as clusters + uncertainUCDP (bootstrap)": fat.clustered_share(
            parts[:, 2],
            deaths,
            method="bootstrap",
            n_boot=2000,
            fatalities=model,
            rng=20181208 + k,
        ),
    }
    is_sdf = fat.clustered_ratio(parts[:, 0], parts[:, 1])
    hajin_rows.append(
        {
            "area": area,
            "party": "ISIS fighters per SDF fighter (events as clusters)",
            "sohr_reported": sohr["ISIS fighters"] / sohr["SDF fighters"],
            "ucdp_events": len(events),
            "ucdp_best": is_sdf.estimate,
            "model_estimate": np.nan,
            "ci_low": is_sdf.ci_low,
            "ci_high": is_sdf.ci_high,
            "confidence": is_sdf.confidence,
        }
    )
    for name, r in shares[area].items():
        hajin_rows.append(
            {
                "area": area,
                "party": name,
                "sohr_reported": sohr["civilians"] / sum(sohr.values()),
                "ucdp_events": len(events),
                "ucdp_best": r.reported,
                "model_estimate": r.estimate if "uncertainUCDP" in name else np.nan,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "confidence": r.confidence,
            }
        )
hajin = pd.DataFrame(hajin_rows)
save_table(
    hajin,
    f"{PREFIX}_hajin",
    interval_label="interval",
    caption=(
        "Deaths since the 'final push' on Hajin: the Syrian Observatory's 827 ISIS fighters, "
        "481 SDF fighters and 308 civilians (figures.csv hajin-28/29/30) beside UCDP GED Syria "
        f"events starting {START} to {END} in Deir ez-Zor governorate and in a box around the "
        "Hajin pocket (34.40-34.85 N, 40.65-41.05 E): UCDP best by party (deaths of side A or B "
        "when that side is IS or the SDF), and the median and 95% percentile interval of "
        f"{N_TOTALS} draws of {MODEL} (model_estimate; each event's parts scaled with its "
        "total); ratio and civilians' share with events as clusters (linearised; bootstrap of "
        "2000 replicates with model draws, model_estimate their mean). Deaths, counts of "
        "persons."
    ),
)
print(hajin[["area", "party", "sohr_reported", "ucdp_best", "ci_low", "ci_high"]].round(3))

with style_context():
    fig, (ax_n, ax_s) = plt.subplots(
        1, 2, figsize=(11, 4.8), width_ratios=[3, 2], layout="constrained"
    )
    y = np.arange(3)
    ax_n.plot(
        list(sohr.values()),
        y,
        "X",
        color="C3",
        markersize=8,
        label="SOHR, as quoted in the article",
    )
    for k, (area, totals) in enumerate(party_draws.items()):
        med = np.median(totals[:3], axis=1)
        lo, hi = np.quantile(totals[:3], [0.025, 0.975], axis=1)
        yk = y + (k - 0.5) * 0.3
        best = [r["ucdp_best"] for r in hajin_rows if r["area"] == area][:3]
        ax_n.errorbar(
            med,
            yk,
            xerr=[med - lo, hi - med],
            fmt="o",
            color=f"C{k}",
            label=f"{area}: uncertainUCDP median, 95% percentile interval",
        )
        ax_n.plot(
            best,
            yk,
            "|",
            color=f"C{k}",
            markersize=10,
            markeredgewidth=2,
            label=f"{area}: UCDP best",
        )
    ax_n.set_yticks(y, list(sohr))
    ax_n.set_ylim(2.6, -0.6)
    ax_n.set_xlim(left=0)
    ax_n.grid(axis="y", visible=False)
    ax_n.set_xlabel(f"deaths, {START} to {END}")
    ax_n.set_title("Deaths by party: SOHR versus UCDP events")

    share_results = {
        name: Estimate(
            [shares[a][name].estimate for a in areas],
            [shares[a][name].ci_low for a in areas],
            [shares[a][name].ci_high for a in areas],
            confidence=0.95,
            quantity="civilians' share",
        )
        for name in shares["Hajin box"]
    }
    ax_s.set_prop_cycle(color=["#4f8a3c", "#7f5a9e"])  # not the areas' colours of the left
    plots.interval_comparison(
        share_results,
        ax=ax_s,
        groups=["Deir ez-Zor\ngovernorate", "Hajin box"],
        percent=True,
        reference=sohr["civilians"] / sum(sohr.values()),
        reference_label="SOHR (article): 308 of 1,616",
        xlabel="civilians' share of deaths, %",
        legend_cols=0,
    )
    ax_s.set_title("Civilians' share of deaths")
    handles, labels = ax_n.get_legend_handles_labels()
    more_handles, more_labels = ax_s.get_legend_handles_labels()
    fig.legend(handles + more_handles, labels + more_labels, loc="outside lower center", ncol=2)
    save_figure(
        fig,
        f"{PREFIX}_hajin",
        caption=(
            "Deaths since the 'final push' on Hajin: left, the Syrian Observatory's counts (X) "
            f"beside UCDP events starting {START} to {END} in Deir ez-Zor governorate and in a "
            "box around the Hajin pocket, as UCDP best (bar) and the median and 95% percentile "
            f"interval of {N_TOTALS} draws of {MODEL} (deaths, persons); right, civilians' "
            "share of deaths (%) with 95% intervals, events as clusters (linearised) and with "
            "model draws (bootstrap); dashed line: the Observatory's share. Source: "
            + SOURCE
            + "; The New York Times, December 2018."
        ),
    )
