"""Every public name recorded before the move into subpackages still imports from its path."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

RECORDED = json.loads((Path(__file__).parent / "fixtures" / "public_api.json").read_text())
CASES = [(module, name) for module, names in sorted(RECORDED.items()) for name in names]


@pytest.mark.parametrize(("module", "name"), CASES, ids=[f"{m}.{n}" for m, n in CASES])
def test_recorded_public_name_imports(module, name):
    mod = importlib.import_module(module)
    assert hasattr(mod, name)
    assert name in mod.__all__


def _imports(path: Path, root: Path):
    """(absolute target module, names) of each relative import in one file."""
    here = list(path.relative_to(root.parent).with_suffix("").parts)
    package = here[:-1] if path.name != "__init__.py" else here[:-1]
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line.startswith("from ."):
            continue
        target = line.split()[1]
        dots = len(target) - len(target.lstrip("."))
        base = package[: len(package) - (dots - 1)]
        rest = [p for p in target.lstrip(".").split(".") if p]
        yield base + rest, line


def test_no_private_module_of_another_subpackage_is_imported():
    """Outside a subpackage only its public face (``__init__``) is imported."""
    root = Path(__file__).parents[1] / "conflictstats"
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).parts
        own = rel[0] if len(rel) > 1 else None
        for target, line in _imports(path, root):
            if len(target) > 2 and target[1] in packages and target[1] != own:
                bad.append(f"{path.relative_to(root)}: {line}")
    assert not bad, "\n".join(bad)


def test_results_carry_inputs_under_their_argument_names():
    """One naming scheme: a result's input fields are named as the call's arguments."""
    import inspect

    from conflictstats import mse, proportions, rates

    calls = [
        (rates.rate_ci, (75, 11), {}),
        (rates.compare_rates, (825, 11, 720, 12), {}),
        (rates.mean_from_maximum, (75, 11), {}),
        (proportions.proportion_ci, (30, 100), {}),
        (proportions.count_ratio, (827, 481), {}),
        (proportions.compare_proportions, (10, 50, 20, 60), {}),
        (mse.two_list, (100, 80, 30), {}),
    ]
    base = {"estimate", "ci_low", "ci_high", "confidence", "method", "quantity", "pvalue"}
    for fun, args, kwargs in calls:
        result = fun(*args, **kwargs)
        params = list(inspect.signature(fun).parameters)
        positional = params[: len(args)]
        for name in positional:
            assert name in result.to_frame().columns, (fun.__name__, name)
        assert set(result.to_frame().columns) - base, fun.__name__
