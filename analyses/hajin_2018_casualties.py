"""Who died around Hajin, and did the Nov 24 breakout change the split?

The Syrian Observatory for Human Rights, as quoted in the December 2018 report on the Hajin
pocket, counted 827 ISIS fighters, 481 SDF fighters and 308 civilians killed since the "final
push" began in September ("about half of them women and children"), and 50 ISIS fighters,
79 SDF fighters and 30 civilians killed in the ISIS breakout of 24 November. This analysis asks

1. the exchange ratio, ISIS fighters killed per SDF fighter killed, over the campaign and in the
   breakout, and whether the breakout's ratio differs from the rest of the campaign's
   (table ``hajin_2018_casualties_ratios``, figure ``hajin_2018_casualties_ratios``);
2. the civilian share of all deaths, in each report (table ``hajin_2018_casualties_civilians``);
3. the split of deaths among ISIS, SDF and civilians with 95% simultaneous (Sison-Glaz)
   intervals, and an exact test of whether the breakout shares the split of the rest of the
   campaign (figure and table ``hajin_2018_casualties_composition``, table
   ``hajin_2018_casualties_homogeneity``);
4. how many of the 308 civilians "about half" allows to have been women and children (table
   ``hajin_2018_casualties_women_children``).

Assumption: the campaign totals ("since September") include the breakout's deaths, so the
breakout is compared with the campaign minus the breakout, which makes the two reports
disjoint. Counts are treated as complete; they are the Observatory's, and its undercount is not
modelled here.
"""

import numpy as np
import pandas as pd

from conflictstats.datasets import read_figures
from conflictstats.plots import composition, ratio_forest, style_context
from conflictstats.proportions import (
    compare_proportions,
    count_ratio,
    homogeneity,
    multinomial_ci,
    proportion_ci,
    subgroup_count,
)
from conflictstats.repro import save_figure, save_table

figures = read_figures("data/hajin_2018/figures.csv").set_index("id")["figure"]


def count(fid):
    return int(figures[fid].value)


breakout = np.array([count("hajin-24"), count("hajin-25"), count("hajin-26")])  # 50, 79, 30
campaign = np.array([count("hajin-28"), count("hajin-29"), count("hajin-30")])  # 827, 481, 308
rest = campaign - breakout
parts = ["ISIS fighters", "SDF fighters", "civilians"]
reports = ["Nov 24 breakout", "rest of campaign", "whole campaign (Sep-Dec)"]
table = np.vstack([breakout, rest, campaign])

# -- 1. exchange ratios ------------------------------------------------------------------------
ratios = count_ratio(table[:, 0], table[:, 1], method="exact")
# the breakout's ratio over the rest's is the odds ratio of "ISIS" among fighter deaths
change = compare_proportions(
    breakout[0], breakout[:2].sum(), rest[0], rest[:2].sum(), compare="odds-ratio"
)
ratio_table = ratios.to_frame()
ratio_table.insert(0, "report", reports)
ratio_table = pd.concat(
    [
        ratio_table[["report", "estimate", "ci_low", "ci_high", "pvalue", "method"]],
        pd.DataFrame(
            {
                "report": ["breakout ÷ rest of campaign"],
                "estimate": [change.estimate],
                "ci_low": [change.ci_low],
                "ci_high": [change.ci_high],
                "pvalue": [change.pvalue],
                "method": [change.method],
            }
        ),
    ],
    ignore_index=True,
)
ratio_table["confidence"] = 0.95
save_table(
    ratio_table,
    "hajin_2018_casualties_ratios",
    caption="ISIS fighters killed per SDF fighter killed (exact conditional binomial CIs; "
    "p-values test a ratio of 1, or no change for the last row)",
)

ax = ratio_forest(
    [ratios, change],
    labels=[f"{r}: ISIS per SDF killed" for r in reports] + ["breakout ÷ rest (odds ratio)"],
)
with style_context():
    ax.set_title("Exchange ratio around Hajin, Sep-Dec 2018")
save_figure(ax.figure, "hajin_2018_casualties_ratios")

# -- 2. civilian share of deaths -----------------------------------------------------------------
civ = proportion_ci(table[:, 2], table.sum(axis=1), method="wilson")
civ_change = compare_proportions(breakout[2], breakout.sum(), rest[2], rest.sum())
civ_table = civ.to_frame()[["successes", "trials", "estimate", "ci_low", "ci_high", "method"]]
civ_table.insert(0, "report", reports)
civ_table = pd.concat(
    [
        civ_table,
        pd.DataFrame(
            {
                "report": ["breakout − rest (difference)"],
                "estimate": [civ_change.estimate],
                "ci_low": [civ_change.ci_low],
                "ci_high": [civ_change.ci_high],
                "method": [civ_change.method],
            }
        ),
    ],
    ignore_index=True,
)
civ_table["confidence"] = 0.95
save_table(
    civ_table,
    "hajin_2018_casualties_civilians",
    caption="Civilians among all reported deaths (Wilson 95% CIs; Newcombe hybrid CI for the "
    "difference)",
)

# -- 3. composition and homogeneity ---------------------------------------------------------------
shares = multinomial_ci(table[:2], categories=parts, reports=reports[:2])
ax = composition(shares)
with style_context():
    ax.set_title("Who was killed around Hajin, Sep-Dec 2018")
save_figure(ax.figure, "hajin_2018_casualties_composition")
comp_table = shares.to_frame()
comp_table.insert(0, "part", parts * 2)
comp_table.insert(0, "report", np.repeat(reports[:2], 3))
save_table(
    comp_table[
        ["report", "part", "counts", "estimate", "ci_low", "ci_high", "confidence", "method"]
    ],
    "hajin_2018_casualties_composition",
    caption="Shares of deaths with 95% simultaneous Sison-Glaz intervals (per report)",
)

test = homogeneity(table[:2], reports=reports[:2], categories=parts)
hom = pd.DataFrame(
    {
        "test": ["Freeman-Halton exact (2 × 3)", "Pearson chi-square"],
        "statistic": [test.statistic, test.statistic],
        "df": [test.df, test.df],
        "pvalue": [test.pvalue, test.chisq_pvalue],
    }
)
save_table(
    hom,
    "hajin_2018_casualties_homogeneity",
    caption="Does the Nov 24 breakout share the rest of the campaign's split of deaths?",
)

# -- 4. "about half of them women and children" --------------------------------------------------
about_half = figures["hajin-31"]  # read by the reported-figures rules: about half of 308
wc = [
    subgroup_count(about_half, count("hajin-30"), method="bounds"),
    subgroup_count(about_half, count("hajin-30"), method="binomial"),
]
wc_table = pd.concat([r.to_frame() for r in wc], ignore_index=True)
wc_table.insert(0, "reading", ["the 308 themselves", "a process with share 'about half'"])
save_table(
    wc_table[
        ["reading", "total", "share_low", "share_high", "estimate", "ci_low", "ci_high", "method"]
    ],
    "hajin_2018_casualties_women_children",
    caption="Women and children among the 308 civilians killed: 'about half' read as a share "
    "of 0.45 to 0.55 (bounds: confidence 1; binomial: at least 95%)",
)

print(ratios)
print(change)
print(civ)
print(test)
print(wc[0], wc[1], sep="\n")
