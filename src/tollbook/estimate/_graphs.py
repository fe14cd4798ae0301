"""Decomposable (chordal) undirected graphs on a few vertices, enumerated once and cached.

A graph is a frozenset of edges (i, j) with i < j. Its perfect families, read off a maximum cardinality search,
factor a decomposable model's marginal likelihood: the product over vertices of the ratio of the likelihood of
the vertex with its earlier neighbours to that of the earlier neighbours alone equals the clique/separator form.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

__all__ = ["Graph", "decomposable_graphs", "describe", "maximal_cliques", "perfect_families"]

Graph = frozenset[tuple[int, int]]


def _neighbours(n: int, graph: Graph) -> list[set[int]]:
    """Adjacency sets of the ``n`` vertices."""
    adjacent: list[set[int]] = [set() for _ in range(n)]
    for i, j in graph:
        adjacent[i].add(j)
        adjacent[j].add(i)
    return adjacent


def mcs_order(n: int, graph: Graph) -> list[int]:
    """Maximum cardinality search: repeatedly visit the vertex with most visited neighbours (lowest index on ties)."""
    adjacent = _neighbours(n, graph)
    order: list[int] = []
    while len(order) < n:
        left = [v for v in range(n) if v not in order]
        order.append(max(left, key=lambda v: (len(adjacent[v] & set(order)), -v)))
    return order


def perfect_families(n: int, graph: Graph) -> list[tuple[int, frozenset[int]]]:
    """Each vertex with its neighbours visited before it in the search order (a clique when chordal)."""
    adjacent = _neighbours(n, graph)
    order = mcs_order(n, graph)
    return [(v, frozenset(adjacent[v] & set(order[:k]))) for k, v in enumerate(order)]


def is_decomposable(n: int, graph: Graph) -> bool:
    """True when the graph is chordal: every vertex's earlier neighbours in the search order form a clique."""
    return all(
        all((min(a, b), max(a, b)) in graph for a, b in combinations(parents, 2))
        for _, parents in perfect_families(n, graph)
    )


@lru_cache(maxsize=8)
def decomposable_graphs(n: int) -> tuple[Graph, ...]:
    """All decomposable graphs on ``n`` labelled vertices (8, 61 and 822 for 3, 4 and 5)."""
    edges = list(combinations(range(n), 2))
    graphs = []
    for bits in range(2 ** len(edges)):
        graph = frozenset(edge for k, edge in enumerate(edges) if bits >> k & 1)
        if is_decomposable(n, graph):
            graphs.append(graph)
    return tuple(graphs)


def maximal_cliques(n: int, graph: Graph) -> list[frozenset[int]]:
    """The maximal cliques of a decomposable graph (the maximal perfect families), in vertex order."""
    families = [parents | {v} for v, parents in perfect_families(n, graph)]
    maximal = {f for f in families if not any(f < other for other in families)}
    return sorted(maximal, key=lambda c: sorted(c))


def describe(n: int, graph: Graph, names: tuple[str, ...]) -> str:
    """The graph as its cliques, e.g. "[A,B][C]" (lists in one bracket are dependent)."""
    return "".join("[" + ",".join(names[v] for v in sorted(c)) + "]" for c in maximal_cliques(n, graph))
