"""Benchmark: reading reported figures, against the floor of one compiled regex pass.

    python benchmarks/bench_reported.py             # about ten seconds
    python benchmarks/bench_reported.py --quick     # a few seconds (smoke test)

(a) ``parse_figure`` over the distinct phrases of the table of ``tests/test_reported.py`` (93
    phrase and option pairs: numerals, number words, ranges, vague words, shares, rates):
    "cold", every cache of the reader cleared before every phrase (each phrase read from
    scratch, as in a table without repeats; the time includes clearing the caches, printed
    apart), and "warm", the caches kept (a table in which phrases repeat, as "dozens" does in
    event data);
(b) the floor: one compiled regular expression (optional qualifier, a numeral, the rest) matched
    against the same phrases, the least any reader must do;
(c) ``extract_figures`` on a 10,000-word text of wire-style paragraphs, cold (caches cleared
    before each run; the paragraphs repeat, so phrases repeat within a run) and warm.

Each timing is the least of many short timings (one pass over the phrases, about a
millisecond) of CPU time (``time.process_time``), which a machine shared with other jobs
disturbs less than wall-clock time; the modes are timed in turn, so that a change in the
machine's load falls on all of them.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_reported import PHRASES  # noqa: E402

from conflictstats.reported import _clear_caches, extract_figures, parse_figure  # noqa: E402

FLOOR = re.compile(r"(?:(about|around|nearly|up to|at least) )?(\d[\d,]*(?:\.\d+)?) ?(.*)", re.I)


def distinct_phrases() -> list[tuple[str, dict]]:
    seen, out = set(), []
    for text, kwargs, *_ in PHRASES:
        key = (text, tuple(sorted(kwargs.items())))
        if key not in seen:
            seen.add(key)
            out.append((text, kwargs))
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (smoke test)")
    args = parser.parse_args(argv)
    # one pass a timing, many timings: the least is the speed with the fewest interruptions
    passes, repeat, extract_repeat = (1, 3, 1) if args.quick else (1, 1500, 7)
    phrases = distinct_phrases()
    texts = [t for t, _ in phrases]

    def cold():
        for _ in range(passes):
            for text, kw in phrases:
                _clear_caches()
                parse_figure(text, **kw)

    def clearing():
        for _ in range(passes):
            for _ in phrases:
                _clear_caches()

    def warm():
        for _ in range(passes):
            for text, kw in phrases:
                parse_figure(text, **kw)

    def floor():
        match = FLOOR.match
        for _ in range(passes):
            for text in texts:
                match(text)

    modes = {"cold": cold, "warm": warm, "floor": floor, "clearing": clearing}
    best = dict.fromkeys(modes, float("inf"))
    for _ in range(repeat):
        for name, fn in modes.items():
            if name == "warm":
                warm()  # fill the caches that the cold pass emptied
            t = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t)
    n = passes * len(phrases)
    rate = {name: n / max(t, 1e-9) for name, t in best.items()}
    # reading alone: the cold pass less the clearing, each the least of its timings
    rate["read"] = n / max(best["cold"] - best["clearing"], 1e-9)
    print(f"parse_figure, {len(phrases)} distinct phrases of the test table")
    for name, what in (
        ("cold", "caches cleared before every phrase, the clearing included"),
        ("read", "the same, the clearing taken out: reading a phrase never seen"),
        ("warm", "caches kept"),
    ):
        print(
            f"  {name:5s} {rate[name]:>10,.0f} phrases/s   floor / parse = "
            f"{rate['floor'] / rate[name]:5.1f}   ({what})"
        )
    print(f"  regex floor {rate['floor']:>10,.0f} phrases/s")
    print(f"  (clearing the caches alone: {best['clearing'] / n * 1e6:.2f} us a phrase)")

    from wire_text import wire_text  # tests/wire_text.py

    text = wire_text(10_000)
    times = {"cold": float("inf"), "warm": float("inf")}
    for _ in range(extract_repeat):
        _clear_caches()
        for name in ("cold", "warm"):
            t = time.process_time()
            found = len(extract_figures(text))
            times[name] = min(times[name], time.process_time() - t)
    print(
        f"extract_figures, {len(text.split()):,} words, {found} figures: "
        f"cold {times['cold'] * 1000:.1f} ms, warm {times['warm'] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
