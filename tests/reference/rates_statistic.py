"""Reference test statistics for conflictstats.rates.compare_rates, from statsmodels and scipy.

    cd tests/reference && python rates_statistic.py > rates_statistic.json

statsmodels ``test_poisson_2indep`` (ratio: score, wald-log, etest with the score statistic;
difference: wald, score) and scipy ``poisson_means_test`` (the difference E-test, whose
statistic is Krishnamoorthy & Thomson's). Each case records the call.
"""

import json

import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep

PAIRS = [
    (10, 2.0, 4, 1.0),
    (30, 3.0, 12, 2.0),
    (7, 1.0, 20, 2.0),
    (41, 28010.0, 15, 19017.0),
    (825, 11.0, 720, 12.0),
    (3, 1.0, 9, 1.0),
    (1, 1.0, 12, 1.0),
    (60, 12.0, 75, 11.0),
]
NULLS = [1.0, 1.0, 1.0, 2.0, 1.0, 0.5, 1.0, 1.0]
DIFFS = [0.0, 2.0, -1.0, 0.0, 5.0, 0.0, -3.0, 0.0]
SM = f"statsmodels {statsmodels.__version__}"
SP = f"scipy {scipy.__version__}"

cases = []
for (x1, t1, x2, t2), r0, d0 in zip(PAIRS, NULLS, DIFFS):
    data = {"count1": x1, "exposure1": t1, "count2": x2, "exposure2": t2}
    for ours, theirs in (
        ("score", "score"),
        ("wald-log", "wald-log"),
        ("wald", "wald-log"),
        ("etest", "etest-score"),
        ("score-log", "score-log"),
        ("sqrt", "sqrt"),
        ("wald-untransformed", "wald"),
    ):
        if ours == "etest" and x1 + x2 > 1000:
            continue
        res = test_poisson_2indep(x1, t1, x2, t2, value=r0, method=theirs, compare="ratio")
        cases.append(
            {
                "kind": "compare_rates",
                "source": f"{SM}: test_poisson_2indep({x1}, {t1}, {x2}, {t2}, value={r0}, "
                f"method={theirs!r}, compare='ratio')",
                "args": {**data, "method": ours, "null": r0},
                "expected": {"statistic": float(res.statistic), "pvalue": float(res.pvalue)},
                "rtol": 1e-9 if ours != "etest" else 1e-6,
            }
        )
    for ours, theirs in (("wald", "wald"), ("score", "score")):
        res = test_poisson_2indep(x1, t1, x2, t2, value=d0, method=theirs, compare="diff")
        cases.append(
            {
                "kind": "compare_rates",
                "source": f"{SM}: test_poisson_2indep({x1}, {t1}, {x2}, {t2}, value={d0}, "
                f"method={theirs!r}, compare='diff')",
                "args": {**data, "compare": "difference", "method": ours, "null": d0},
                "expected": {"statistic": float(res.statistic), "pvalue": float(res.pvalue)},
                "rtol": 1e-9,
            }
        )
    if x1 + x2 < 1000 and d0 >= 0:
        res = stats.poisson_means_test(x1, t1, x2, t2, diff=d0)
        cases.append(
            {
                "kind": "compare_rates",
                "source": f"{SP}: poisson_means_test({x1}, {t1}, {x2}, {t2}, diff={d0})",
                "args": {**data, "compare": "difference", "method": "etest", "null": d0},
                # the statistic only: scipy's p-value can drop outcomes tied with the observed
                # one (compare_rates' docstring), checked in rates.json
                "expected": {"statistic": float(res.statistic)},
                "rtol": 1e-6,
            }
        )
print(json.dumps({"source": "tests/reference/rates_statistic.py", "cases": cases}, indent=1))
