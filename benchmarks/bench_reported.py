"""Benchmark: reading reported figures, against the floor of one compiled regex pass.

    python benchmarks/bench_reported.py        # a few seconds

(a) ``parse_figure`` over the phrase table of ``tests/test_reported.py`` (93 phrases: numerals,
    number words, ranges, vague words, shares, rates), with the per-phrase and per-unit-words
    caches cleared before every pass ("cold": every phrase read from scratch) and with it kept ("warm": a
    table in which phrases repeat, as "dozens" does in event data);
(b) the floor: one compiled regular expression (optional qualifier, a numeral, the rest) matched
    against the same phrases, the least any reader must do;
(c) ``extract_figures`` on a 10,000-word text of wire-style paragraphs.

Each timing is the best of several repeats of CPU time (``time.process_time``), which a machine
shared with other jobs disturbs less than wall-clock time.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_reported import PHRASES  # noqa: E402

from conflictstats.reported import _read_cached, parse_figure  # noqa: E402
from conflictstats.reported._units import _read_tail  # noqa: E402

TEXTS = [(p[0], p[1]) for p in PHRASES]
FLOOR = re.compile(r"(?:(about|around|nearly|up to|at least) )?(\d[\d,]*(?:\.\d+)?) ?(.*)", re.I)


def best(fn, repeat=7):
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def cold(passes=20):
    for _ in range(passes):
        _read_cached.cache_clear()
        _read_tail.cache_clear()
        for text, kw in TEXTS:
            parse_figure(text, **kw)


def warm(passes=20):
    for _ in range(passes):
        for text, kw in TEXTS:
            parse_figure(text, **kw)


def floor(passes=20):
    for _ in range(passes):
        for text, _ in TEXTS:
            FLOOR.match(text)


def main() -> None:
    n = 20 * len(TEXTS)
    warm(1)
    rates = {name: n / best(fn) for name, fn in (("cold", cold), ("warm", warm), ("floor", floor))}
    print(f"parse_figure, {len(TEXTS)} phrases of the test table")
    for name in ("cold", "warm"):
        print(
            f"  {name:5s} {rates[name]:>10,.0f} phrases/s   "
            f"floor / parse = {rates['floor'] / rates[name]:5.1f}"
        )
    print(f"  regex floor {rates['floor']:>10,.0f} phrases/s")
    try:
        from conflictstats.reported import extract_figures
    except ImportError:
        return
    from wire_text import wire_text  # tests/wire_text.py

    text = wire_text(10_000)
    _read_cached.cache_clear()
    t = best(lambda: extract_figures(text), repeat=3)
    found = len(extract_figures(text))
    print(f"extract_figures, {len(text.split()):,} words: {t * 1000:.1f} ms, {found} figures")


if __name__ == "__main__":
    main()
