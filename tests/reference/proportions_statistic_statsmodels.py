"""Generates tests/reference/proportions_statistic_statsmodels.json: statsmodels'
``test_proportions_2indep`` statistics and p-values, the reference for the ``statistic`` of
compare_proportions' score, Wald and log/logit Wald tests. Each case carries the call.

Run from the project root:
    .venv/bin/python tests/reference/proportions_statistic_statsmodels.py

The score test for a difference is used at ``value=0`` only: at other values statsmodels'
restricted MLE for the difference has a wrong coefficient (statsmodels issue #10269, open).
"""

import json
from pathlib import Path

import statsmodels
from statsmodels.stats.proportion import test_proportions_2indep

TABLES = [(56, 70, 48, 80), (30, 159, 308, 1616), (9, 10, 3, 10), (12, 40, 7, 45)]
# (statsmodels compare, method, correction, value) -> (our compare, method)
SPECS = [
    ("diff", "score", True, 0, "difference", "miettinen-nurminen"),
    ("diff", "score", False, 0, "difference", "mee"),
    ("diff", "wald", True, 0, "difference", "wald"),
    ("diff", "wald", True, 0.1, "difference", "wald"),
    ("ratio", "score", True, 1, "ratio", "miettinen-nurminen"),
    ("ratio", "score", True, 0.8, "ratio", "miettinen-nurminen"),
    ("ratio", "score", False, 1.5, "ratio", "koopman"),
    ("ratio", "log", True, 1, "ratio", "katz-log"),
    ("ratio", "log", True, 2, "ratio", "katz-log"),
    ("odds-ratio", "logit", True, 1, "odds-ratio", "woolf"),
    ("odds-ratio", "score", True, 1, "odds-ratio", "miettinen-nurminen"),
    ("odds-ratio", "score", True, 2, "odds-ratio", "miettinen-nurminen"),
]

cases = []
for t in TABLES:
    for sm_compare, method, correction, value, compare, ours in SPECS:
        call = (
            f"test_proportions_2indep({t[0]}, {t[1]}, {t[2]}, {t[3]}, value={value}, "
            f"method={method!r}, compare={sm_compare!r}, correction={correction})"
        )
        r = test_proportions_2indep(
            *t, value=value, method=method, compare=sm_compare, correction=correction
        )
        cases.append(
            {
                "x1": t[0],
                "n1": t[1],
                "x2": t[2],
                "n2": t[3],
                "compare": compare,
                "method": ours,
                "null": value,
                "statistic": float(r.statistic),
                "pvalue": float(r.pvalue),
                "call": call,
            }
        )
out = {
    "description": "statsmodels test_proportions_2indep statistics; written by "
    "tests/reference/proportions_statistic_statsmodels.py",
    "statsmodels": statsmodels.__version__,
    "cases": cases,
}
path = Path(__file__).with_name("proportions_statistic_statsmodels.json")
path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
