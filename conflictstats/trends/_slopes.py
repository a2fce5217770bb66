"""Exact order statistics of the pairwise slopes of an equally spaced series (slope selection).

:func:`slope_order_stats` returns the k-th smallest of the n (n - 1) / 2 slopes
``(x_j - x_i) / (j - i)``, ``i < j``, for a few ranks k, without forming them: O(n) memory and
about O(n log² n) time per pass over the series, a handful of passes in all.

How (the randomised slope selection of Matoušek 1991 and Dillencourt, Mount & Netanyahu 1992,
after the deterministic O(n log n) algorithm of Cole, Salowe, Steiger & Szemerédi 1989):

* A *cut* is a slope value z, strict or not. The pairs *below* it (slope < z, or <= z) are the
  inversions of the series' time order against the order of the keys ``x_i - z i``, so they
  are counted by merging sorted blocks, as the Mann-Kendall S is.
* The pairs between two cuts are the pairs that the two key orders rank differently: the
  inversions of one permutation against the other, which the same merge lists block by
  block, so they can be sampled uniformly or listed.
* Starting from all pairs, a uniform sample of the pairs between the current cuts gives two
  new cuts around each wanted rank; counting the pairs below them checks that the rank is
  still between them (if not, a cut at the sampled slope nearest the rank is used, which
  always moves the search past that slope's run of ties). Each round keeps about
  ``6 / sqrt(m)`` of the pairs for a sample of m (4 n, at most 2^22); once at most 8 n
  remain they are listed and the rank read off, and a stretch holding a single slope value
  (ties) ends the search at once. A few passes for a million values.

The comparisons are exact: the keys are integers (int64). A series of integers, or of
multiples of one power of two, within ``2^62 / (3 (n - 1))`` and ``2^51`` in size is used as
it is, and every answer is *bit for bit* the slope that sorting all the floating-point slopes
gives (the slope of a pair is the correctly rounded ratio of an exact difference, so rounding
keeps the order). Other values are rounded to a power-of-two grid of that size first, only to
choose the pair: the slope returned is still that pair's own, and differs from the sorted
slope at that rank by at most ``2 g`` (g the grid step, ``max |x| 2^-51`` or less), i.e.
within rounding for realistic series.

The random sample only steers the search (fixed seed); the answers do not depend on it.

References
----------
Cole, R., Salowe, J. S., Steiger, W. L. & Szemerédi, E. (1989). An optimal-time algorithm for
slope selection. SIAM Journal on Computing 18(4), 792-810.
Matoušek, J. (1991). Randomized optimal algorithm for slope selection. Information Processing
Letters 39(4), 183-187.
Dillencourt, M. B., Mount, D. M. & Netanyahu, N. S. (1992). A randomized algorithm for slope
selection. International Journal of Computational Geometry & Applications 2(1), 1-27.
"""

from __future__ import annotations

import math

import numpy as np

# The search lists the pairs left once there are at most max(_LIST_MIN, _LIST_PER_N n), and
# samples max(_SAMPLE_MIN, min(_SAMPLE_PER_N n, _SAMPLE_MAX)) of them each round before.
_LIST_MIN, _LIST_PER_N = 1 << 16, 8
_SAMPLE_MIN, _SAMPLE_PER_N, _SAMPLE_MAX = 1 << 14, 4, 1 << 22
#: Largest |integer| a grid value may take on its own (its differences stay exact in float).
_GRID_MAX = 1 << 51

# A cut is (d, L, strict): the slope value d / L on the integer grid, with L = 0 for -inf
# (d = -1) and +inf (d = +1); strict cuts have below them the slopes < d / L, others <= d / L.
_NEG_INF = (-1, 0, False)
_POS_INF = (1, 0, False)


def _grid(x: np.ndarray) -> np.ndarray:
    """The series as int64 multiples of one power of two, exactly when it allows, else
    rounded to the finest grid whose values fit (see the module notes)."""
    n = x.size
    top = min(_GRID_MAX, (1 << 62) // (3 * max(n - 1, 1)))
    big = float(np.max(np.abs(x)))
    if big == 0:
        return np.zeros(n, dtype=np.int64)
    mant, expo = np.frexp(x)
    m = (mant * 2.0**53).astype(np.int64)  # x = m 2^(expo - 53), exactly
    nz = m != 0
    low = m[nz] & -m[nz]  # lowest set bit of each mantissa
    lsb = int(np.min(expo[nz] - 53 + (np.frexp(low.astype(float))[1] - 1)))
    if big / 2.0**lsb <= top:
        return np.ldexp(x, -lsb).astype(np.int64)
    step = math.frexp(big / top)[1]  # 2^step >= big / top
    return np.rint(np.ldexp(x, -step)).astype(np.int64)


def _order(y: np.ndarray, cut: tuple[int, int, bool]) -> np.ndarray:
    """Times sorted by the key ``L y_t - d t`` of a cut, ties by time (strict cut) or by
    reversed time (non-strict), so that the later point of a pair comes first exactly when
    the pair's slope is below the cut."""
    d, L, strict = cut
    n = y.size
    t = np.arange(n, dtype=np.int64)
    key = L * y - d * t
    if strict:
        return np.argsort(key, kind="stable")
    return (n - 1) - np.argsort(key[::-1], kind="stable")


def _inverse(order: np.ndarray) -> np.ndarray:
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size, dtype=order.dtype)
    return inv


def _merged(seq: np.ndarray, lw: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One level of the bottom-up merge of the permutation ``seq`` (by position): the blocks
    of ``2^(lw+1)`` positions sorted by value, each entry ``(block n + value) 2 + right`` (right:
    from the block's second half), that bit as booleans, and how many second-half entries
    come before each entry in its block."""
    n = seq.size
    pos = np.arange(n, dtype=np.int64)
    up = lw + 1
    merged = np.sort((((pos >> up) * n + seq) << 1) | ((pos >> lw) & 1))
    right = (merged & 1).astype(bool)
    before = np.cumsum(right) - right
    before -= before[(pos >> up) << up]
    return merged, right, before


def _count(seq: np.ndarray) -> int:
    """Number of inversions of the permutation ``seq`` (pairs p < q with seq[p] > seq[q]):
    at each level, every first-half entry is inverted with the second-half ones before it."""
    total, lw = 0, 0
    while (1 << lw) < seq.size:
        _, right, before = _merged(seq, lw)
        total += int(before[~right].sum())
        lw += 1
    return total


def _window_pairs(seq: np.ndarray, ranks: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Inversions ``(p, q)`` of ``seq``: all of them (``ranks`` None), or those at the sorted
    0-based ``ranks`` in a fixed listing of them (a uniform sample when the ranks are).

    At each level the inversions are the pairs (first-half p, second-half q) of a block with
    p after q in the block's sorted order: for q, the first-half entries from the
    ``less``-th on, a run of the block's first half sorted (``lefts``).
    """
    n = seq.size
    inv = _inverse(seq)
    ps, qs = [], []
    base, lw = 0, 0
    while (1 << lw) < n:
        w, up = 1 << lw, lw + 1
        merged, right, before = _merged(seq, lw)
        lefts = merged[~right]  # block b's first half sorted at [b w, b w + w)
        kq = np.flatnonzero(right)
        block = kq >> up
        less = (kq - (block << up)) - before[kq]  # first-half entries before q
        c = w - less
        cum = np.cumsum(c)
        tot = int(cum[-1]) if cum.size else 0
        if ranks is None:
            k = np.repeat(np.arange(kq.size), c)
            off = np.arange(tot, dtype=np.int64) - np.repeat(cum - c, c)
        else:
            lo, hi = np.searchsorted(ranks, [base, base + tot])
            local = ranks[lo:hi] - base
            k = np.searchsorted(cum, local, side="right")
            off = local - (cum[k] - c[k])
        base += tot
        lw = up
        if k.size == 0:
            continue
        bk = block[k]
        ps.append(inv[(lefts[bk * w + less[k] + off] >> 1) - bk * n])
        qs.append(inv[(merged[kq[k]] >> 1) - bk * n])
    if not ps:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ps), np.concatenate(qs)


class _Search:
    """The state of one selection: the series, its grid, and the counts found so far."""

    def __init__(self, x: np.ndarray) -> None:
        self.x = x
        self.y = _grid(x)
        self.n = x.size
        self.total = self.n * (self.n - 1) // 2
        self.counts = {_NEG_INF: 0, _POS_INF: self.total}

    def slopes(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The floating-point slopes of pairs ``u < v``, as the direct computation gives them."""
        return (self.x[v] - self.x[u]) / (v - u)

    def count(self, cut) -> int:
        if cut not in self.counts:
            self.counts[cut] = _count(_inverse(_order(self.y, cut)))
        return self.counts[cut]

    def pairs(self, c1, c2, ranks: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``u < v`` (times) with slopes between the cuts ``c1 < c2``."""
        if c1 == _NEG_INF and c2 == _POS_INF and ranks is not None:
            return self._pair_at(ranks)
        first = _order(self.y, c1)
        seq = _inverse(_order(self.y, c2))[first]
        p, q = _window_pairs(seq, ranks)
        a, b = first[p], first[q]
        return np.minimum(a, b), np.maximum(a, b)

    def _pair_at(self, ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pairs at 0-based ``ranks`` in the order (0,1), (0,2), ..., (1,2), ..."""
        n = self.n
        r = ranks.astype(np.float64)
        # row i starts at i n - i (i + 1) / 2; invert, then fix the rounding by one
        i = np.floor(n - 0.5 - np.sqrt((n - 0.5) ** 2 - 2 * r)).astype(np.int64)
        i = np.clip(i, 0, n - 2)
        start = i * n - i * (i + 1) // 2
        i = np.where(start > ranks, i - 1, i)
        start = i * n - i * (i + 1) // 2
        nxt = start + (n - 1 - i)
        i = np.where(ranks >= nxt, i + 1, i)
        start = i * n - i * (i + 1) // 2
        return i, i + 1 + (ranks - start)

    def cut_of(self, u: int, v: int, strict: bool) -> tuple[int, int, bool]:
        d, L = int(self.y[v]) - int(self.y[u]), v - u
        g = math.gcd(d, L)
        return (d // g, L // g, strict)


def _value(cut) -> float:
    d, L, _ = cut
    return d / L if L else math.copysign(math.inf, d)


def _less(c1, c2) -> bool:
    """Cut ``c1`` strictly before cut ``c2`` (so that the pairs below c1 are below c2)."""
    (d1, l1, s1), (d2, l2, s2) = c1, c2
    if l1 == 0 or l2 == 0:
        return _value(c1) < _value(c2) or (_value(c1) == _value(c2) and s1 and not s2)
    a, b = d1 * l2, d2 * l1
    return a < b or (a == b and s1 and not s2)


def _narrow(s: _Search, c1, c2, rs, u, v, out) -> list:
    """One round: from the sample ``u < v`` (sorted by slope) of the pairs between the cuts
    ``c1 < c2``, the jobs (cuts, ranks) that narrow the search for the ranks ``rs`` (ranks
    whose slope the sample hits are answered in ``out``)."""
    m = u.size
    lo_count = s.count(c1)
    size = s.count(c2) - lo_count

    def cut(i: int, strict: bool, old):
        return s.cut_of(int(u[i]), int(v[i]), strict) if 0 <= i < m else old

    # each rank's stretch of the sample (a margin of 3 binomial sd), overlapping ones merged
    spans: list[list] = []
    for r in rs:
        f = (r - lo_count) / size
        half = 3.0 * math.sqrt(m * f * (1 - f)) + 3.0
        span = [math.floor(f * m - half) - 1, math.ceil(f * m + half), [r]]
        if spans and span[0] <= spans[-1][1]:
            spans[-1][1] = span[1]
            spans[-1][2].append(r)
        else:
            spans.append(span)
    jobs = []
    for i_lo, i_hi, group in spans:
        new1, new2 = cut(i_lo, True, c1), cut(i_hi, False, c2)
        new1 = new1 if _less(c1, new1) else c1
        new2 = new2 if _less(new2, c2) else c2
        moved = (new1, new2) != (c1, c2)
        inside = [r for r in group if moved and s.count(new1) < r <= s.count(new2)]
        if inside:
            jobs.append((new1, new2, inside))
        for r in group:
            if r in inside:
                continue
            # missed (or no progress): the slope the sample puts at rank r has its run of
            # ties holding r, or lies wholly above or below r, which moves one cut past it
            i = min(int((r - lo_count) / size * m), m - 1)
            below, upto = cut(i, True, c1), cut(i, False, c2)
            if s.count(below) < r <= s.count(upto):
                out[r] = float(s.slopes(u[i], v[i]))
            elif r <= s.count(below):
                jobs.append((c1, below, [r]))
            else:
                jobs.append((upto, c2, [r]))
    return jobs


def slope_order_stats(x: np.ndarray, ranks: list[int], *, seed: int = 1968) -> dict[int, float]:
    """The ``ranks``-th (1-based) smallest slopes ``(x_j - x_i) / (j - i)``, ``i < j``, of the
    float series ``x`` (see the module notes for exactness)."""
    s = _Search(np.asarray(x, dtype=float))
    rng = np.random.default_rng(seed)
    out: dict[int, float] = {}
    jobs = [(_NEG_INF, _POS_INF, sorted(set(ranks)))]  # (lower cut, upper cut, ranks)
    while jobs:
        c1, c2, rs = jobs.pop()
        lo_count = s.count(c1)
        size = s.count(c2) - lo_count
        if c1[1] and c1[:2] == c2[:2]:  # a run of ties: every pair between has this slope
            u, v = s.pairs(c1, c2, np.zeros(1, np.int64))
            out.update((r, float(s.slopes(u, v)[0])) for r in rs)
        elif size <= max(_LIST_MIN, _LIST_PER_N * s.n):
            u, v = s.pairs(c1, c2, None)
            sl = s.slopes(u, v)
            kth = [r - lo_count - 1 for r in rs]
            sl.partition(kth)
            out.update((r, float(sl[k])) for r, k in zip(rs, kth))
        else:
            m = int(min(size, max(_SAMPLE_MIN, min(_SAMPLE_PER_N * s.n, _SAMPLE_MAX))))
            u, v = s.pairs(c1, c2, np.sort(rng.integers(0, size, m)))
            # sorted by slope on the grid (the float ratio of grid integers keeps the order)
            order = np.argsort((s.y[v] - s.y[u]) / (v - u), kind="stable")
            jobs.extend(_narrow(s, c1, c2, rs, u[order], v[order], out))
    return out
