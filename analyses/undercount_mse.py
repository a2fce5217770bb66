"""How many were really killed? Multiple systems estimation for Kosovo 1999, with the
hepatitis A, congenital-anomaly and (stratified) spina bifida tables as checks.

Four organisations documented killings of Kosovar Albanians between 20 March and 22 June 1999:
exhumations (EXH), ABA/CEELI interviews (ABA), the OSCE (OSCE) and Human Rights Watch (HRW).
After matching, 4,400 distinct victims are on at least one list. Ball et al. (2002) estimated
from the overlaps that 10,356 were killed (95% interval 9,002 to 12,122). This analysis
asks where the toolkit's models land on the same pooled 4-list table, and why they differ from
one another and from the published figure.

Outputs: figures ``undercount_mse_kosovo_models`` (estimate per log-linear model, sized by BIC
weight), ``undercount_mse_kosovo_overlaps`` (capture histories), ``undercount_mse_hav_models``,
``undercount_mse_kosovo_posteriors`` and ``undercount_mse_congenital_posteriors`` (posterior of
the total per Bayesian method, the observed count marked), ``undercount_mse_kosovo_bma_models``
and ``undercount_mse_congenital_bma_models`` (model posterior probabilities),
``undercount_mse_spina_posteriors`` (stratified against pooled); tables
``undercount_mse_summary`` (one row per approach), ``undercount_mse_kosovo_models`` (the 15 best
log-linear models with up to three-way interactions), ``undercount_mse_kosovo_pairs`` (Chapman
for every pair of lists), ``undercount_mse_hav_models`` (all 8 three-list models),
``undercount_mse_kosovo_bma_models`` (the 10 most probable decomposable models),
``undercount_mse_spina_strata_check`` and ``undercount_mse_spina_strata``.

The published figure used throughout: Ball et al. (2002) estimate that 10,356 Kosovar
Albanians were killed, 95% interval 9,002 to 12,122 (the point estimate of their global model,
Appendix 2, section 3.7; the interval as Ball gave it in testimony to the ICTY and as the
project's data README records it). The best log-linear model up to three-way interactions below
gives 10,357, one more than the published figure, so the published estimate is that model
fitted to this pooled table.

Findings (the numbers are in the tables):

* Two lists at a time (Chapman) give 5,400 to 9,600, and the four-list independence model
  7,400 (7,100 to 7,700): both assume lists are independent, and the pairs disagree far beyond
  their intervals, so they are not.
* Models with pairwise dependence only (the default ``max_order=2``) put the total at about
  14,300; their deviance (about 40 on 5 df) says pairwise terms are not enough.
* Allowing three-way interactions, BIC prefers [EXH·ABA·OSCE][EXH·HRW][OSCE·HRW], which gives
  10,357 (profile 95% CI 8,994 to 12,110), within a few dozen of the published interval at
  both ends: the published figure looks like this same model of the pooled table, with a
  slightly different interval method.
* Two other models are almost as good by BIC (weights 0.36 and 0.23) and give 12,700 and
  18,400. The BIC-weighted average, 13,200 (8,900 to 21,700), states the model uncertainty
  that a single chosen model hides: the data cannot tell these dependence structures apart,
  and they disagree by thousands.

Why the models differ. Every log-linear model assumes that the interactions left out are zero
— above all the four-way one, which no four-list table can estimate. Dependence between lists
here is real (the same witnesses and the same exhumed sites feed several lists), and so is
heterogeneity: some killings (large massacres, certain regions and weeks) were far more
likely to be documented by every list than others. Pooling strata with different coverage
makes lists look positively dependent even when they are independent within each stratum, and
the pooled models absorb that only partly. Stratifying by place and time and summing
estimates across strata (the usual remedy in human-rights MSE) removes the between-stratum
part; the pooled table here does not carry place or date, so this analysis
cannot stratify, and its spread across models is the honest statement of what the pooled
table alone supports.

Bayesian model averaging (``mse.bma``; Madigan and York 1997, the method of R's dga, which
HRDAG uses) puts nearly all its weight (0.99) on one decomposable model,
[EXH·ABA·OSCE][EXH·OSCE·HRW], and gives a posterior median of 12,600 (95% credible interval
9,800 to 16,500): above the published figure, whose interval it overlaps, and with an interval
that, unlike one chosen model's, carries the choice of model. The answer depends on the prior
parameter delta: with dga's default 2^-4 as here; with delta = 1 (one imaginary person in each
of the 16 cells) the saturated model takes the weight and the posterior piles up near the
4,400 documented (median 4,616). A prior that strong is not a neutral choice on a table whose
smallest cells hold a handful of people; report delta with every BMA estimate.

Latent classes (LCMCR, Manrique-Vallier 2016; ``mse.lcmcr``, checked against R's LCMCR
0.4.14) are the other method HRDAG uses. On Kosovo its posterior median is about 10,400 with a
95% interval of about 9,100 to 13,400, close to the published figure; but N mixes slowly on
this table (in R too): after 4 chains of 50,000 iterations the split R-hat is still above
1.01 (16 chains of 110,000 do not bring it below), so the run prints a convergence note, and
the interval's upper end is the least certain number here. On the congenital-anomaly table LCMCR (630, 589 to 717) mixes well and agrees
with BMA and the log-linear average.

On the Massachusetts congenital-anomaly table (5 lists, 537 children) the methods agree: BMA
618 (590 to 656) exactly as dga 2.0.2 gives it, and the BIC average over a stepwise search of
graphical models 621 (594 to 662). On spina bifida in New York (3 lists, 621 children) the
estimate per ethnicity stratum, summed by convolving the strata's posteriors, is 729 (692 to
800) against 725 (686 to 784) pooled: stratifying widens the interval a little and moves it up,
as heterogeneity between strata that pooling hides would. The 'other' stratum (2 children,
one list empty) cannot be estimated alone, which ``check_strata`` says; it is merged with the
afro-american stratum.

The hepatitis A table (three lists of an outbreak in a Taiwanese college, Chao et al. 2001)
shows the same lesson on a small scale: the models disagree from 390 to 1,310, and the one
BIC prefers is the saturated three-list model, whose estimate rests on a single ratio of cell
counts.

References: Ball, P., Betts, W., Scheuren, F., Dudukovic, J. and Asher, J. (2002). Killings
and Refugee Flow in Kosovo, March-June 1999. AAAS/ABA-CEELI report to the ICTY. Madigan, D.
and York, J. C. (1997). Biometrika 84, 19-31. Manrique-Vallier, D. (2016). Biometrics 72,
1246-1254. Chao, A.,
Tsay, P. K., Lin, S. H., Shau, W. Y. and Chao, D. Y. (2001). Statistics in Medicine 20,
3123-3157.
"""

import itertools
import warnings

import pandas as pd

from conflictstats import mse
from conflictstats.mse import bma, check_strata, loglinear, stratified, two_list
from conflictstats.plots import (
    legend_below,
    list_overlaps,
    mse_model_posterior,
    mse_models,
    mse_posteriors,
)
from conflictstats.repro import save_figure, save_table

PUBLISHED = {"estimate": 10_356, "ci_low": 9_002, "ci_high": 12_122}

kosovo = pd.read_csv("data/capture_recapture/kosovo_1999_capture_patterns.csv")
hav = pd.read_csv("data/capture_recapture/hav_taiwan_1995_3lists.csv")
congenital = pd.read_csv("data/capture_recapture/congenital_anomaly_massachusetts_5lists.csv")
spina = pd.read_csv("data/capture_recapture/spina_bifida_newyork_1969_1974_3lists_by_ethnicity.csv")
lists = ["EXH", "ABA", "OSCE", "HRW"]

# -- Kosovo: two lists at a time -------------------------------------------------------------------
pairs = []
for a, b in itertools.combinations(lists, 2):
    n1 = int((kosovo[a] * kosovo["count"]).sum())
    n2 = int((kosovo[b] * kosovo["count"]).sum())
    m = int((kosovo[a] * kosovo[b] * kosovo["count"]).sum())
    r = two_list(n1, n2, m)
    pairs.append(
        {
            "lists": f"{a} & {b}",
            "n1": n1,
            "n2": n2,
            "both": m,
            "estimate": r.estimate,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "method": r.method,
        }
    )
pairs = pd.DataFrame(pairs)
save_table(
    pairs,
    "undercount_mse_kosovo_pairs",
    caption="Kosovo 1999: Chapman estimates from each pair of lists (95% log-normal CIs)",
)

# -- Kosovo: log-linear models --------------------------------------------------------------------
pairwise = loglinear(kosovo, max_order=2)
threeway = loglinear(kosovo, max_order=3)
independence = pairwise.model("[A][B][C][D]")
letters = "; ".join(f"{k} = {v}" for k, v in threeway.lists.items())

table = threeway.models.head(15)[
    ["model", "n_params", "deviance", "df", "bic", "weight", "estimate", "ci_low", "ci_high"]
].copy()
table["confidence"] = 0.95
save_table(
    table,
    "undercount_mse_kosovo_models",
    caption=f"Kosovo 1999: the 15 log-linear models with the lowest BIC ({letters}); totals "
    "with profile-likelihood 95% CIs",
)
ax = mse_models(threeway, top=15)
ax.axvspan(
    PUBLISHED["ci_low"],
    PUBLISHED["ci_high"],
    facecolor="none",
    edgecolor="0.6",
    hatch="//",
    lw=0,
    label="published 95% interval (Ball et al. 2002)",
)
legend_below(ax, ncol=1)
save_figure(ax.figure, "undercount_mse_kosovo_models")

ax = list_overlaps(kosovo)
save_figure(ax.figure, "undercount_mse_kosovo_overlaps")


def _row(label, approach, estimate, low, high):
    return {
        "data": label,
        "approach": approach,
        "estimate": estimate,
        "ci_low": low,
        "ci_high": high,
    }


best2 = pairwise.models.iloc[0]
low = pairs.loc[pairs["estimate"].idxmin()]
high = pairs.loc[pairs["estimate"].idxmax()]
best3 = threeway.models.iloc[0]
summary = [
    _row("Kosovo 1999", "documented (on at least one list)", *[threeway.observed] * 3),
    _row(
        "Kosovo 1999",
        f"Chapman, lowest pair ({low['lists']})",
        low["estimate"],
        low["ci_low"],
        low["ci_high"],
    ),
    _row(
        "Kosovo 1999",
        f"Chapman, highest pair ({high['lists']})",
        high["estimate"],
        high["ci_low"],
        high["ci_high"],
    ),
    _row(
        "Kosovo 1999",
        "independence [A][B][C][D]",
        independence["estimate"],
        independence["ci_low"],
        independence["ci_high"],
    ),
    _row(
        "Kosovo 1999",
        f"best pairwise model {best2['model']} (BIC)",
        best2["estimate"],
        best2["ci_low"],
        best2["ci_high"],
    ),
    _row(
        "Kosovo 1999",
        "BIC-weighted average, pairwise models",
        pairwise.estimate,
        pairwise.ci_low,
        pairwise.ci_high,
    ),
    _row(
        "Kosovo 1999",
        f"best model up to three-way {best3['model']} (BIC)",
        best3["estimate"],
        best3["ci_low"],
        best3["ci_high"],
    ),
    _row(
        "Kosovo 1999",
        "BIC-weighted average, up to three-way",
        threeway.estimate,
        threeway.ci_low,
        threeway.ci_high,
    ),
    _row(
        "Kosovo 1999",
        "published (Ball et al. 2002, global model)",
        PUBLISHED["estimate"],
        PUBLISHED["ci_low"],
        PUBLISHED["ci_high"],
    ),
]

# -- hepatitis A, three lists -----------------------------------------------------------------------
hav_fit = loglinear(hav)
hav_best = hav_fit.models.iloc[0]
summary += [
    _row("hepatitis A 1995", "documented (on at least one list)", *[hav_fit.observed] * 3),
    _row(
        "hepatitis A 1995",
        f"best model {hav_best['model']} (BIC)",
        hav_best["estimate"],
        hav_best["ci_low"],
        hav_best["ci_high"],
    ),
    _row(
        "hepatitis A 1995",
        "BIC-weighted average",
        hav_fit.estimate,
        hav_fit.ci_low,
        hav_fit.ci_high,
    ),
]
hav_table = hav_fit.models[
    ["model", "n_params", "deviance", "df", "bic", "weight", "estimate", "ci_low", "ci_high"]
].copy()
hav_table["confidence"] = 0.95
save_table(
    hav_table,
    "undercount_mse_hav_models",
    caption="Hepatitis A, Taiwan 1995: all hierarchical three-list models "
    "(A = P serum tests, B = Q quarantine service, C = E epidemiologists)",
)
ax = mse_models(hav_fit)
save_figure(ax.figure, "undercount_mse_hav_models")

# -- Bayesian model averaging over decomposable graphs (Madigan and York 1997, as R's dga) -------
# delta = 2^-k, dga's default; delta = 1 (one prior person in each of the 2^k cells) shows how
# much a stronger prior moves the answer
kosovo_bma = bma(kosovo)
kosovo_bma_1 = bma(kosovo, delta=1)
hav_bma = bma(hav)
congenital_bma = bma(congenital)
congenital_loglin = loglinear(congenital, models="stepwise")
# -- latent classes (LCMCR, Manrique-Vallier 2016), as R's LCMCR: chains of 50,000 Gibbs
# iterations (10,000 burn-in, every 50th kept), 4 on each table. N mixes slowly on Kosovo, in R as here: the
# split R-hat and effective sample sizes go into the table, and a convergence warning is
# printed as a note rather than hidden.
LCMCR_FIT = {}
for label, data, chains in (("Kosovo 1999", kosovo, 4), ("congenital anomaly", congenital, 4)):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mse.ConvergenceWarning)
        LCMCR_FIT[label] = mse.lcmcr(data, K=10, chains=chains, rng=2016)
    for w in caught:
        print(f"note ({label}, LCMCR): {w.message}")
    fit = LCMCR_FIT[label]
    print(
        f"{label}, LCMCR: {fit!r}; R-hat {fit.rhat:.3f}, ESS {fit.ess:.0f} bulk, "
        f"{fit.ess_tail:.0f} tail"
    )


def _bayes_row(label, approach, r):
    return _row(label, approach, r.estimate, r.ci_low, r.ci_high) | {"mean": r.mean}


summary += [
    _bayes_row(
        "Kosovo 1999",
        f"BMA, decomposable models, delta = 1/16 ({kosovo_bma.models['cliques'].iloc[0]} "
        f"p = {kosovo_bma.models['probability'].iloc[0]:.2f})",
        kosovo_bma,
    ),
    _bayes_row("Kosovo 1999", "BMA, decomposable models, delta = 1", kosovo_bma_1),
    _bayes_row("hepatitis A 1995", "BMA, decomposable models, delta = 1/8", hav_bma),
    _row("congenital anomaly", "documented (on at least one list)", *[congenital_bma.observed] * 3),
    _row(
        "congenital anomaly",
        f"BIC-weighted average, stepwise graphical search ({len(congenital_loglin.models)} models)",
        congenital_loglin.estimate,
        congenital_loglin.ci_low,
        congenital_loglin.ci_high,
    ),
    _bayes_row("congenital anomaly", "BMA, decomposable models, delta = 1/32", congenital_bma),
]
for label, fit in LCMCR_FIT.items():
    summary.append(_bayes_row(label, f"LCMCR, latent classes (K = 10; R-hat {fit.rhat:.3f})", fit))

# delta = 1 is left out of the figure: its posterior piles up at the 4,400 observed (the
# saturated model takes the weight), and would flatten every other curve
posteriors = {"BMA, delta = 1/16": kosovo_bma, "LCMCR (K = 10)": LCMCR_FIT["Kosovo 1999"]}
ax = mse_posteriors(posteriors)
ax.axvspan(
    PUBLISHED["ci_low"],
    PUBLISHED["ci_high"],
    facecolor="none",
    edgecolor="0.6",
    hatch="//",
    lw=0,
    label="published 95% interval (Ball et al. 2002)",
)
ax.axvline(threeway.estimate, color="C4", lw=1.0, ls=":", label="log-linear BIC average")
ax.set_title("Kosovo 1999: posterior of the number killed", loc="left")
legend_below(ax, ncol=1)
save_figure(ax.figure, "undercount_mse_kosovo_posteriors")
ax = mse_model_posterior(kosovo_bma, top=10)
save_figure(ax.figure, "undercount_mse_kosovo_bma_models")

posteriors = {"BMA, delta = 1/32": congenital_bma}
if "congenital anomaly" in LCMCR_FIT:
    posteriors["LCMCR (K = 10)"] = LCMCR_FIT["congenital anomaly"]
ax = mse_posteriors(posteriors)
ax.axvline(congenital_loglin.estimate, color="C4", lw=1.0, ls=":", label="log-linear BIC average")
ax.set_title("Congenital anomaly, Massachusetts: posterior of the total", loc="left")
legend_below(ax, ncol=1)
save_figure(ax.figure, "undercount_mse_congenital_posteriors")
ax = mse_model_posterior(congenital_bma, top=12)
save_figure(ax.figure, "undercount_mse_congenital_bma_models")

bma_models = kosovo_bma.models.head(10)[
    ["cliques", "graph", "probability", "median", "ci_low", "ci_high", "mean"]
].copy()
bma_models["confidence"] = 0.95
save_table(
    bma_models,
    "undercount_mse_kosovo_bma_models",
    caption=f"Kosovo 1999: the 10 most probable decomposable models under BMA (delta = 1/16, "
    f"prior 1/N; {letters}); each model's own posterior median and 95% credible interval",
)

# -- strata: spina bifida, New York 1969-1974, by ethnicity ----------------------------------------
# The 'other' stratum (2 children, two of its lists empty) cannot be estimated on its own
# (check_strata says so); it is merged with the afro-american stratum, the smaller of the two.
spina["stratum"] = spina["ethnicity"].replace(
    {"other": "afro-american and other", "afro-american": "afro-american and other"}
)
spina_lists = ["birth_cert", "death_cert", "med_rehab"]
strata_check = check_strata(spina.drop(columns="stratum"), by="ethnicity")
save_table(
    strata_check[
        ["stratum", "observed", "smallest_list", "empty_lists", "isolated_lists", "ok", "problem"]
    ],
    "undercount_mse_spina_strata_check",
    caption="Spina bifida, New York 1969-1974: can each ethnicity stratum be estimated on its own?",
)
merged = spina.groupby(["stratum", *spina_lists], as_index=False)["count"].sum()
spina_strat = stratified(merged, by="stratum")
pooled_table = merged.groupby(spina_lists, as_index=False)["count"].sum()
spina_pooled = bma(pooled_table)
spina_loglin = loglinear(pooled_table)
summary += [
    _row("spina bifida 1969-74", "documented (on at least one list)", *[spina_pooled.observed] * 3),
    _row(
        "spina bifida 1969-74",
        "BIC-weighted average, pooled",
        spina_loglin.estimate,
        spina_loglin.ci_low,
        spina_loglin.ci_high,
    ),
    _bayes_row("spina bifida 1969-74", "BMA, pooled, delta = 1/8", spina_pooled),
    _bayes_row(
        "spina bifida 1969-74", "BMA per ethnicity stratum, posteriors convolved", spina_strat
    ),
]
strata_table = spina_strat.strata.copy()
strata_table["confidence"] = 0.95
save_table(
    strata_table,
    "undercount_mse_spina_strata",
    caption="Spina bifida, New York 1969-1974: BMA per stratum (delta = 1/8; medians and 95% "
    "credible intervals); the total is the convolution of the stratum posteriors",
)
ax = mse_posteriors({"BMA per stratum, convolved": spina_strat, "BMA, pooled table": spina_pooled})
ax.set_title("Spina bifida, New York 1969-1974: stratified and pooled", loc="left")
save_figure(ax.figure, "undercount_mse_spina_posteriors")

summary = pd.DataFrame(summary)
first_seen = {d: i for i, d in enumerate(dict.fromkeys(summary["data"]))}
summary = summary.sort_values("data", key=lambda c: c.map(first_seen), kind="mergesort")
summary["confidence"] = 0.95
save_table(
    summary,
    "undercount_mse_summary",
    caption="Totals by approach (95% intervals: log-normal for Chapman and averages, profile "
    "likelihood for single models, equal-tailed credible intervals and posterior medians for "
    "BMA (mean in its own column); the published interval is Ball et al.'s). Kosovo: "
    f"{letters}",
)

print(pairs[["lists", "estimate", "ci_low", "ci_high"]].round(0))
print(threeway)
print(threeway.models.head(5)[["model", "weight", "estimate", "ci_low", "ci_high"]])
print(hav_fit)
print(kosovo_bma)
print(kosovo_bma.models.head(5)[["cliques", "probability", "median", "ci_low", "ci_high"]])
print(congenital_bma, congenital_loglin, sep="\n")
print(spina_strat, spina_pooled, sep="\n")
