"""Multiple systems estimation (capture-recapture) for undercounted totals.

Casualty lists miss people: each list (an NGO's count, exhumations, hospital records) sees part
of the total, and how much the lists overlap tells how much they all missed. Two tools:

* :func:`two_list` — two lists: the Lincoln-Petersen and Chapman estimators with Seber's
  variance and Chao's log-normal interval (vectorised over arrays of list sizes);
* :func:`loglinear` — three or more lists: every hierarchical (or graphical, decomposable,
  stepwise-searched) log-linear model, fitted together by batched Newton passes, the
  unobserved cell per model (Poisson and conditional multinomial maximum likelihood) with a
  profile-likelihood interval, R's glm coefficients per model, and an information-criterion
  weighted average;
* :func:`bma` — three to six lists: Madigan and York's Bayesian model averaging over every
  decomposable graphical model, the posterior of the total in closed form on a grid (as R's
  dga);
* :func:`stratified` and :func:`check_strata` — one estimate per stratum (place × period),
  the per-stratum posteriors convolved (or draws summed) into the total, and dga's check
  that every stratum's lists overlap.

Both assume a closed population (the same killings are the target of every list) and perfect
matching of records between lists. Two lists also assume that being on one list says nothing
about being on the other; three or more lists let the log-linear model estimate pairwise
dependence, but not dependence of the highest order, nor heterogeneity that the listed
interactions cannot mimic.

The estimators live in private modules, one per family: ``mse.twolist``, ``mse.histories``
(capture-history input), ``mse.loglin``, ``mse.graphs`` (decomposable graphs), ``mse.bma``
and ``mse.strata``; the latent-class sampler belongs beside them as a module of its own.
"""

from __future__ import annotations

from .bma import BMAEstimate, bma
from .diagnostics import ConvergenceWarning
from .histories import capture_histories
from .lcmcr import LatentClassEstimate, lcmcr
from .loglin import BIC_N, CRITERIA, LoglinearEstimate, loglinear
from .strata import STRATIFIED_METHODS, StratifiedEstimate, check_strata, stratified
from .twolist import TWO_LIST_INTERVALS, TWO_LIST_METHODS, TwoListEstimate, two_list

__all__ = [
    "TwoListEstimate",
    "LoglinearEstimate",
    "BMAEstimate",
    "StratifiedEstimate",
    "bma",
    "stratified",
    "check_strata",
    "STRATIFIED_METHODS",
    "two_list",
    "loglinear",
    "capture_histories",
    "TWO_LIST_METHODS",
    "TWO_LIST_INTERVALS",
    "CRITERIA",
    "BIC_N",
    "LatentClassEstimate",
    "lcmcr",
    "ConvergenceWarning",
]
