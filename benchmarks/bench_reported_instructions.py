"""Instructions a phrase of the cold ``parse_figure`` loop, counted by valgrind's callgrind.

    python benchmarks/bench_reported_instructions.py               # about a minute
    python benchmarks/bench_reported_instructions.py --passes 2    # smoke test

Timings on a shared machine drift by several per cent from one minute to the next, more than
most single changes to the phrase reader are worth; the number of instructions executed does
not depend on the load. The loop is ``bench_reported.py``'s cold pass (every cache cleared
before every phrase of the table of ``tests/test_reported.py``, then ``parse_figure``). It is run
under callgrind twice, with 5 and with 5 + ``passes`` passes, instrumentation switched on only
around the loop (``callgrind_control``), and the difference divided by the phrases read, so that
starting Python, the imports and switching the instrumentation cancel out.

Needs valgrind (``apt-get install valgrind``); without it the script says so and stops.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

BASE_PASSES = 5


def _child(passes: int) -> None:
    """The loop, with callgrind's instrumentation on around it only."""
    from bench_reported import distinct_phrases

    from conflictstats.reported import _clear_caches, parse_figure

    phrases = distinct_phrases()
    for text, kw in phrases:  # the first calls (compiled rows, imports) outside the count
        _clear_caches()
        parse_figure(text, **kw)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=False)
    for _ in range(passes):
        for text, kw in phrases:
            _clear_caches()
            parse_figure(text, **kw)
    subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=False)


def _count(passes: int) -> int:
    """Instructions callgrind collected for ``passes`` passes of the loop."""
    out = subprocess.run(
        [
            "valgrind", "--tool=callgrind", "--instr-atstart=no",
            "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", str(passes),
        ],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    m = re.search(r"Collected : (\d+)", out.stderr)
    if m is None:
        raise RuntimeError(f"callgrind gave no count:\n{out.stderr[-2000:]}")
    return int(m.group(1))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=40, help="passes counted (default 40)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args.child)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind not found: nothing counted (apt-get install valgrind)")
        return
    from bench_reported import distinct_phrases

    n = len(distinct_phrases())
    base = _count(BASE_PASSES)
    more = _count(BASE_PASSES + args.passes)
    per = (more - base) / (args.passes * n)
    print(f"cold parse_figure, {n} distinct phrases of the test table, {args.passes} passes")
    print(f"  {per:,.0f} instructions a phrase (callgrind)")


if __name__ == "__main__":
    main()
