"""P-values of the test that several reports share one split (Freeman-Halton).

Full enumeration of the 2 x k tables with the observed margins, and the Monte Carlo p-value
by shuffling column labels, both ranking tables by their probability given the margins. Used
by :func:`conflictstats.proportions.homogeneity`.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._numeric import REL_ERR as _REL_ERR


def _log_table_prob_terms(tables):
    """−Σ log(n_ij!) per table: the table-dependent part of its log probability under fixed
    margins (larger = more probable)."""
    return -special.gammaln(tables + 1).sum(axis=(-2, -1))


def _enumerate_first_rows(cols, r1, max_tables):
    """Every first row of a 2 × k table with column totals ``cols`` and first-row total r1,
    or None when there are more than ``max_tables``."""
    k = cols.size
    rest = np.concatenate([np.cumsum(cols[::-1])[::-1][1:], [0]])  # capacity after column j
    part = np.zeros((1, 0))
    sums = np.zeros(1)
    for j in range(k - 1):
        vals = np.arange(cols[j] + 1)
        new_sums = sums[:, None] + vals[None, :]
        ok = (new_sums <= r1) & (new_sums + rest[j] >= r1)
        ii, vv = np.nonzero(ok)
        if ii.size > max_tables:
            return None
        part = np.column_stack([part[ii], vals[vv]])
        sums = new_sums[ii, vv]
    last = r1 - sums
    return np.column_stack([part, last])


def _enumerated_pvalue(first, cols, obs):
    """Exact p-value from every 2 x k table (given by its ``first`` rows and the column totals
    ``cols``): the total probability of the tables no more probable than the observed one,
    whose table-dependent log probability term is ``obs``."""
    tables = np.stack([first, cols - first], axis=1)
    stat = _log_table_prob_terms(tables)
    logp = stat - special.logsumexp(stat)
    keep = stat <= obs + np.log(_REL_ERR)
    return float(np.exp(special.logsumexp(logp[keep])))


def _monte_carlo_pvalue(t, rows, cols, obs, n_sim, gen):
    """Monte Carlo p-value (1 + #{simulated tables no more probable}) / (n_sim + 1), as R's
    ``fisher.test(simulate.p.value = TRUE)``: each table deals the column labels of the N
    individuals at random among the rows (margins fixed), in chunks that bound the memory."""
    total = t.sum()
    labels = np.repeat(np.arange(t.shape[1]), cols.astype(int)).astype(np.int32)
    row_of = np.repeat(np.arange(t.shape[0]), rows.astype(int))
    count = 0
    chunk = max(1, min(n_sim, 20_000_000 // max(int(total), 1)))
    done = 0
    while done < n_sim:
        b = min(chunk, n_sim - done)
        perm = gen.permuted(np.broadcast_to(labels, (b, labels.size)), axis=1)
        cell = row_of[None, :] * t.shape[1] + perm
        sims = np.zeros((b, t.size))
        np.add.at(sims, (np.arange(b)[:, None], cell), 1)
        stat = _log_table_prob_terms(sims.reshape(b, *t.shape))
        count += int(np.sum(stat <= obs + np.log(_REL_ERR)))
        done += b
    return (1 + count) / (n_sim + 1)
