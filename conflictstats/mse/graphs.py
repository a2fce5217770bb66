"""Undirected graphs on the lists: decomposable (chordal) graphs, their cliques and separators.

A graph on k lists is a bit mask over the k(k-1)/2 pairs; a set of lists is a bit mask with
bit ``k - 1 - i`` for list i (so the mask of a set reads like a capture-history string:
lists A and C of three are ``0b101``). The graphs are enumerated, never stored in a file.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from .histories import _LETTERS

#: Largest number of lists whose decomposable graphs are enumerated (18,154 graphs on 6).
MAX_GRAPH_LISTS = 6


@dataclass(frozen=True)
class Graph:
    """One undirected graph on ``k`` lists with its maximal cliques and separators.

    ``cliques`` are in a perfect (running-intersection) order and ``separators`` hold, for
    the 2nd, 3rd, ... clique, its intersection with the cliques before it (empty tuples for
    the joins between connected components). ``decomposable`` is False for a graph with a
    chordless cycle of four or more lists; its cliques are then still the maximal cliques but
    ``separators`` is empty.
    """

    k: int
    edges: tuple[tuple[int, int], ...]
    cliques: tuple[tuple[int, ...], ...]
    separators: tuple[tuple[int, ...], ...]
    decomposable: bool

    @property
    def name(self) -> str:
        """Generating class in bracket notation, e.g. ``[AB][BC]`` (as log-linear models)."""
        return _bracket(self.cliques)

    @property
    def edge_text(self) -> str:
        """The edges as ``A-B, B-C`` (``no edges`` for the independence graph)."""
        if not self.edges:
            return "no edges"
        return ", ".join(f"{_LETTERS[a]}-{_LETTERS[b]}" for a, b in self.edges)


def _bracket(cliques) -> str:
    gens = sorted(tuple(sorted(c)) for c in cliques)
    return "".join("[" + "".join(_LETTERS[i] for i in g) + "]" for g in gens)


def _pairs(k: int) -> list[tuple[int, int]]:
    return list(itertools.combinations(range(k), 2))


def _analyse(k: int, edges: tuple[tuple[int, int], ...]) -> Graph:
    """Maximum cardinality search (Tarjan and Yannakakis 1984): chordality, cliques, separators."""
    nbr = [0] * k
    for a, b in edges:
        nbr[a] |= 1 << b
        nbr[b] |= 1 << a
    numbered = 0
    weight = [0] * k
    order: list[int] = []
    earlier: list[int] = []
    for _ in range(k):
        v = max((u for u in range(k) if not numbered >> u & 1), key=lambda u: (weight[u], -u))
        prev = nbr[v] & numbered
        order.append(v)
        earlier.append(prev)
        numbered |= 1 << v
        for u in range(k):
            if nbr[v] >> u & 1:
                weight[u] += 1
    # chordal iff every vertex's earlier neighbours form a clique
    chordal = all(
        all((nbr[u] | 1 << u) & prev == prev for u in range(k) if prev >> u & 1) for prev in earlier
    )
    if chordal:
        # each maximal clique is {v} + earlier neighbours for its last vertex v; in MCS order
        # they form a perfect sequence (Blair and Peyton 1993)
        cand = [prev | 1 << v for v, prev in zip(order, earlier, strict=True)]
        seen = [c for c in cand if not any(c & d == c and c != d for d in cand)]
    else:
        full = [
            m
            for m in range(1, 1 << k)
            if all((nbr[u] | 1 << u) & m == m for u in range(k) if m >> u & 1)
        ]
        seen = [c for c in full if not any(c & d == c and c != d for d in full)]

    def members(mask: int) -> tuple[int, ...]:
        return tuple(i for i in range(k) if mask >> i & 1)

    cliques = tuple(members(c) for c in seen)
    separators: tuple[tuple[int, ...], ...] = ()
    if chordal:
        union, seps = 0, []
        for j, c in enumerate(seen):
            if j:
                seps.append(members(c & union))
            union |= c
        separators = tuple(seps)
    return Graph(k, edges, cliques, separators, chordal)


@functools.cache
def all_graphs(k: int) -> tuple[Graph, ...]:
    """Every undirected graph on ``k`` lists, the empty graph first (by edge mask)."""
    pairs = _pairs(k)
    out = []
    for mask in range(1 << len(pairs)):
        edges = tuple(p for j, p in enumerate(pairs) if mask >> j & 1)
        out.append(_analyse(k, edges))
    return tuple(out)


def _chordal_masks(k: int) -> np.ndarray:
    """Edge masks of the chordal graphs on k vertices, by ruling out induced 4- to k-cycles."""
    pairs = _pairs(k)
    bit = {p: 1 << j for j, p in enumerate(pairs)}
    masks = np.arange(1 << len(pairs), dtype=np.int64)
    ok = np.ones(len(masks), dtype=bool)
    for length in range(4, k + 1):
        for verts in itertools.combinations(range(k), length):
            inside = sum(bit[p] for p in itertools.combinations(verts, 2))
            first, rest = verts[0], verts[1:]
            for perm in itertools.permutations(rest):
                if perm[0] > perm[-1]:  # each cycle once, not in both directions
                    continue
                cyc = (first, *perm)
                ring = sum(
                    bit[tuple(sorted((cyc[i], cyc[(i + 1) % length])))] for i in range(length)
                )
                ok &= (masks & inside) != ring
    return masks[ok]


@functools.cache
def decomposable_graphs(k: int) -> tuple[Graph, ...]:
    """Every decomposable (chordal) graph on ``k`` labelled lists, ``3 <= k <= 6``.

    The counts, 8, 61, 822 and 18,154 for 3 to 6 lists, are the labelled chordal graphs of
    OEIS A058862 (Wormald 1985).
    """
    if not 1 <= k <= MAX_GRAPH_LISTS:
        raise ValueError(f"decomposable graphs are enumerated for 1 to {MAX_GRAPH_LISTS} lists")
    pairs = _pairs(k)
    return tuple(
        _analyse(k, tuple(p for j, p in enumerate(pairs) if mask >> j & 1))
        for mask in _chordal_masks(k).tolist()
    )


def subset_mask(members: tuple[int, ...], k: int) -> int:
    """Bit mask of a set of lists, bit ``k - 1 - i`` for list i (capture-history order)."""
    m = 0
    for i in members:
        m |= 1 << (k - 1 - i)
    return m


def clique_matrix(graphs: tuple[Graph, ...], k: int) -> np.ndarray:
    """Coefficients of each graph over the 2^k list subsets: +1 per clique, -1 per separator.

    Row g, column s (a subset mask) counts how often subset s is a clique of graph g minus how
    often it is a (non-empty) separator: the decomposable log marginal likelihood is this
    matrix times the per-subset marginal log likelihoods (Dawid and Lauritzen 1993).
    """
    out = np.zeros((len(graphs), 1 << k))
    for g, graph in enumerate(graphs):
        for c in graph.cliques:
            out[g, subset_mask(c, k)] += 1
        for s in graph.separators:
            if s:
                out[g, subset_mask(s, k)] -= 1
    return out


def graph_from_cliques(cliques: list[tuple[int, ...]], k: int) -> Graph:
    """The graph whose edges join every pair of lists inside one of ``cliques``."""
    edges = sorted({p for c in cliques for p in itertools.combinations(sorted(c), 2)})
    return _analyse(k, tuple(edges))
