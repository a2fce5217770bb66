"""Event-level fatality uncertainty: per-event models, totals, clustered shares, imputed trends.

Deaths in event data (UCDP GED, ACLED) come in events, each with a reported count that may be
wrong. This package turns that into honest intervals, in four steps:

* :func:`fatality_model` — what the true deaths of every event may be given its report:
  ``"uncertain-ucdp"`` (the reported-value inflated Gumbel mixture fitted by Vesco et al. to
  UCDP coders' judgements, as in R's uncertainUCDP 0.7.6), ``"range"`` (a PERT distribution
  on the event's own low/best/high), or a model of your own (:class:`FatalityModel`,
  :func:`register_model`);
* :func:`aggregate_fatalities` — totals per group (country-month, province-year) as draws and
  as mean, median and percentile interval, with an optional error shared by all events of a
  source;
* :func:`clustered_share` and :func:`clustered_ratio` — shares (civilians among all deaths) and
  ratios (deaths of side A per death of side B) with the events as clusters: the ratio
  estimator's linearised variance (as R's ``survey::svyratio``) or the event bootstrap
  (percentile or BCa), either combined with a fatality model's draws;
* :func:`fit_trend_imputed` — a monthly trend (:func:`conflictstats.trends.fit_trend`) fitted on
  m series drawn from the model and pooled by Rubin's rules (:func:`rubin_pool`) with the
  fraction of missing information; :func:`fit_trends_imputed` does the same for a whole panel
  of series (:func:`conflictstats.panel.fit_trends`).

The module is statistical only: it reads no files and draws no figures. Load events with
:func:`conflictstats.datasets.read_ucdp_ged`.

Examples
--------
>>> import numpy as np
>>> from conflictstats import fatalities as fat
>>> best = np.array([4, 2, 130, 3, 10, 3, 6, 2])
>>> civilians = np.array([0, 0, 120, 1, 0, 3, 0, 2])
>>> model = fat.fatality_model(best, violence=[1, 1, 3, 1, 2, 3, 1, 3])
>>> share = fat.clustered_share(civilians, best, method="bootstrap", rng=7, n_boot=1000,
...                             fatalities=model)
>>> share.quantity, share.n_events
('share', 8.0)
"""

from __future__ import annotations

from .aggregate import FatalityTotals, aggregate_fatalities
from .clustered import ClusteredRatio, clustered_ratio, clustered_share
from .imputation import ImputedTrend, ImputedTrends, fit_trend_imputed, fit_trends_imputed
from .models import (
    FatalityInputError,
    FatalityModel,
    RangePERT,
    UncertainUCDP,
    available_models,
    fatality_model,
    register_model,
    ucdp_parameters,
    violence_codes,
)
from .pooling import PooledEstimate, rubin_pool

__all__ = [
    "FatalityInputError",
    "FatalityModel",
    "UncertainUCDP",
    "RangePERT",
    "fatality_model",
    "register_model",
    "available_models",
    "violence_codes",
    "ucdp_parameters",
    "FatalityTotals",
    "aggregate_fatalities",
    "ClusteredRatio",
    "clustered_ratio",
    "clustered_share",
    "PooledEstimate",
    "rubin_pool",
    "ImputedTrend",
    "fit_trend_imputed",
    "ImputedTrends",
    "fit_trends_imputed",
]
