"""`import conflictstats` must stay light: no matplotlib, no statsmodels."""

import subprocess
import sys


def test_import_does_not_load_matplotlib_or_statsmodels():
    code = (
        "import sys, conflictstats\n"
        "heavy = [m for m in ('matplotlib', 'statsmodels') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_submodules_load_lazily():
    code = (
        "import sys, conflictstats as cs\n"
        "assert 'conflictstats.tables' not in sys.modules\n"
        "cs.tables\n"
        "assert 'conflictstats.tables' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_attribute_raises():
    import conflictstats

    try:
        conflictstats.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
