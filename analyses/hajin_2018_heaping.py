"""How rounded are the numbers in the Hajin report?

The December 2018 report on the ISIS pocket around Hajin (the seed article; its figures are in
``data/hajin_2018/figures.csv``) quotes counts, rates, areas and distances: 827, 481 and 308
killed, 50, 79 and 30 in the Nov 24 breakout, "about 7,000" civilians, "20,000 to 30,000"
fighters, "nearly 30,000" airstrikes, "up to 75" attacks a month. This analysis asks how much
rounder these numbers are than counting would make them, for every base from 5 to 10,000, and
separately for the numbers stated plainly and those with a qualifier ("about", "nearly", "up
to", ranges).

Every number of 10 or more that the article states for a count, rate, area or distance is
used, the high end of a range as a number of its own; shares, durations and words
("thousands", "most") are left out. A figure restated in another sentence is counted each
time it is stated, since the question is about the reporting.

Outputs: figure and table ``hajin_2018_heaping_round`` (share of multiples of each base,
observed vs expected from smooth counts, exact one-sided binomial p), figure and table
``hajin_2018_heaping_digits`` (last digits, chi-square and Whipple-type index), and table
``hajin_2018_heaping_values`` (each number with the largest round base it is a multiple of).

Reading the result. Of the 25 numbers, 17 are multiples of 10 (counting would give about 1
in 10) and 9 of the 11 numbers of 500 or more are multiples of 1,000 (about 1 in 1,000): every
base's excess has p < 0.001. That is expected for the 14 qualified figures — "about 7,000"
announces its rounding — and the test quantifies it: they are estimates at one or two
significant digits. The 11 plainly stated numbers split in two: the Observatory's tallies
(827, 481, 308, 79) and the 151 targets are not round, while 2,000 troops, 15,000 fighters,
60 attacks a month and the breakout's 50 fighters and 30 civilians are multiples of 10 (5 of
11, p = 0.003 against 1 in 10), so some plainly stated numbers are estimates too, whatever
their wording. With 25 numbers the tests are coarse (the last-digit chi-square especially:
its expected counts are below 5), and the numbers are not a random sample of anything; the
point is descriptive: which figures in the report are counts and which are estimates.
"""

import numpy as np
import pandas as pd

from conflictstats.heaping import DEFAULT_BASES, digit_preference, round_number_test
from conflictstats.plots import heaping, style_context
from conflictstats.repro import save_figure, save_table

figures = pd.read_csv("data/hajin_2018/figures.csv")
numeric = figures[figures["kind"].isin(["count", "rate", "area", "distance"])]

rows = []
for _, f in numeric.iterrows():
    for column in ("value", "value_high"):
        number = f[column]
        if pd.notna(number) and number >= 10 and float(number).is_integer():
            rows.append(
                {
                    "id": f["id"],
                    "text": f["text"],
                    "number": int(number),
                    "stated": "plainly" if pd.isna(f["qualifier"]) else "with a qualifier",
                }
            )
values = pd.DataFrame(rows)
values["largest_round_base"] = [
    max([b for b in (1, *DEFAULT_BASES) if n % b == 0]) for n in values["number"]
]
save_table(
    values,
    "hajin_2018_heaping_values",
    caption="Numbers of 10 or more stated in the Hajin report, with the largest base "
    "(5, 10, 50, 100, ..., 10,000) each is a multiple of",
)

# -- round numbers, all and by wording -----------------------------------------------------------
bases = [5, 10, 50, 100, 500, 1000]
groups = {
    "all": values["number"],
    "plainly": values.loc[values["stated"] == "plainly", "number"],
    "with a qualifier": values.loc[values["stated"] == "with a qualifier", "number"],
}
tables = []
for name, numbers in groups.items():
    # bases with no number of at least base/2 in the group cannot be tested on it
    usable = [b for b in bases if (numbers >= np.ceil(b / 2)).any()]
    r = round_number_test(numbers.to_numpy(), base=usable)
    t = r.to_frame()
    t.insert(0, "numbers", name)
    tables.append(t)
    if name == "all":
        ax = heaping(r)
        with style_context():
            ax.set_title(
                f"Hajin report, {len(numbers)} stated numbers: share of multiples of each base",
                loc="left",
            )
        save_figure(ax.figure, "hajin_2018_heaping_round")
round_table = pd.concat(tables, ignore_index=True)[
    [
        "numbers",
        "base",
        "n_eligible",
        "n_round",
        "estimate",
        "ci_low",
        "ci_high",
        "confidence",
        "expected",
        "ratio",
        "pvalue",
    ]
]
save_table(
    round_table,
    "hajin_2018_heaping_round",
    caption="Share of numbers that are multiples of each base (eligible: at least base/2), "
    "with Clopper-Pearson 95% CIs, against 1/base expected from smooth counts; p: exact "
    "one-sided binomial test",
)

# -- last digits ---------------------------------------------------------------------------------
digits = digit_preference(values["number"].to_numpy())
ax = heaping(digits)
with style_context():
    ax.set_title(
        f"Hajin report: last digits of {digits.n:.0f} numbers\n"
        f"chi-square {digits.statistic:.0f} on 9 df; "
        f"Whipple-type index {digits.whipple:.0f} ({digits.level})",
        loc="left",
    )
save_figure(ax.figure, "hajin_2018_heaping_digits")
digit_table = pd.DataFrame({"last_digit": np.arange(10), "count": digits.digit_counts})
digit_table["expected"] = digits.n / 10
save_table(
    digit_table,
    "hajin_2018_heaping_digits",
    caption=f"Last digits of the stated numbers: Pearson chi-square {digits.statistic:.1f} on "
    f"9 df (p {'< 0.001' if digits.pvalue < 0.001 else f'= {digits.pvalue:.3f}'}; expected "
    f"counts below 5, so approximate); Whipple-type index {digits.whipple:.0f} "
    f"({digits.level})",
)

print(values)
print(round_table[["numbers", "base", "n_eligible", "n_round", "ratio", "pvalue"]])
print(digits)
