"""conflictstats: estimates with honest uncertainty from the numbers reported from wars.

Submodules are imported on first use, so ``import conflictstats`` stays light (it imports
neither matplotlib nor statsmodels)::

    import conflictstats as cs
    cs.rates.rate_ci(75, 1)        # loads conflictstats.rates on first access
"""

from __future__ import annotations

import importlib
from typing import Any

from ._validation import InputError
from .results import Estimate, HypothesisTest, Result

__version__ = "0.1.0"

_SUBMODULES = (
    "results",
    "reported",
    "propagate",
    "rates",
    "proportions",
    "countglm",
    "fatalities",
    "trends",
    "panel",
    "mse",
    "heaping",
    "datasets",
    "plots",
    "tables",
    "repro",
    "cli",
)

__all__ = ["Estimate", "HypothesisTest", "InputError", "Result", "__version__", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'conflictstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))
