"""The clustering as it was before the array path (tollbook.link.cluster before cluster_ranks): a pure-Python
union-find greedy over dicts, kept as the reference the array path must equal.

Copied from the previous implementation with one change, marked in `_merge_forbidden`: a cluster that had taken in
both records of a veto (through joins at or above veto_below) and later merged as the smaller side raised a
KeyError; the fix drops the stale self-entry, which no join ever reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd

Pair = tuple[Hashable, Hashable]


class _Clusters:
    """Union-find over record ids that also keeps, per root, the ids it may never join."""

    def __init__(self, ids: Iterable[Hashable], lists: Mapping[Hashable, Hashable] | None = None) -> None:
        self.parent = {i: i for i in ids}
        self.size = dict.fromkeys(self.parent, 1)
        self.forbidden: dict[Hashable, set[Hashable]] = {}
        self.vetoed: dict[Hashable, set[Hashable]] = {}  # forbidden to joins weaker than veto_below only
        self.veto_below = 0.0
        self.lists = lists
        self.by_list: dict[Hashable, dict[Hashable, list[Hashable]]] = {}  # root -> list -> records (joined only)
        self.strong: set[Pair] = set()

    def root(self, i: Hashable) -> Hashable:
        """The cluster root of `i`, compressing the path on the way."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def forbid(self, a: Hashable, b: Hashable, vetoed: bool = False) -> None:
        """Record that the clusters of `a` and `b` may never join (vetoed: not through a join the model doubts)."""
        ra, rb = self.root(a), self.root(b)
        table = self.vetoed if vetoed else self.forbidden
        table.setdefault(ra, set()).add(rb)
        table.setdefault(rb, set()).add(ra)

    def join(self, a: Hashable, b: Hashable, binding: bool = False, probability: float = 1.0) -> bool:
        """Merge the clusters of `a` and `b` unless forbidden (a cannot-link, a veto when the pair's probability
        is below veto_below, or two records of one list that do not score as one person; a binding join ignores
        the last two); True when they end up together."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return True
        if rb in self.forbidden.get(ra, ()):
            return False
        if not binding and probability < self.veto_below and rb in self.vetoed.get(ra, ()):
            return False
        if not binding and self.lists is not None and self._lists_clash(ra, rb):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self._merge_forbidden(self.forbidden, ra, rb)
        self._merge_forbidden(self.vetoed, ra, rb)
        if self.lists is not None:
            kept = self.by_list.setdefault(ra, self._of(ra))
            for source, records in (self.by_list.pop(rb, None) or self._of(rb)).items():
                kept.setdefault(source, []).extend(records)
        return True

    def _of(self, root: Hashable) -> dict[Hashable, list[Hashable]]:
        """The records of a root by list (a singleton's made on demand: most records never join)."""
        return self.by_list.get(root) or {self.lists.get(root): [root]}  # type: ignore[union-attr]

    def _lists_clash(self, ra: Hashable, rb: Hashable) -> bool:
        """True when both clusters hold a record of one list and some such two records did not score as a
        match themselves (within-list duplicates that agree may join)."""
        left, right = self._of(ra), self._of(rb)
        if len(left) > len(right):
            left, right = right, left
        for source, records in left.items():
            if source is None or source not in right:
                continue
            if any((x, y) not in self.strong and (y, x) not in self.strong for x in records for y in right[source]):
                return True
        return False

    @staticmethod
    def _merge_forbidden(table: dict[Hashable, set[Hashable]], keep: Hashable, gone: Hashable) -> None:
        """Move the cannot-links (or vetoes) of a merged root onto the surviving root."""
        moved = table.pop(gone, set())
        moved.discard(gone)  # the one change: a cluster that took in its own veto once crashed here (KeyError)
        if not moved:
            return
        table.setdefault(keep, set()).update(moved)
        for other in moved:
            peers = table[other]
            peers.discard(gone)
            peers.add(keep)


def cluster_records(ids: Iterable[Hashable], pairs: pd.DataFrame, threshold: float,
                    must_link: Iterable[Pair] = (), cannot_link: Iterable[Pair] = (),
                    lists: Mapping[Hashable, Hashable] | None = None, vetoes: Iterable[Pair] = (),
                    veto_below: float = 0.5) -> dict[Hashable, Hashable]:
    """Map every record id to a cluster key (its cluster's first record in the order of `ids`); pairs need columns
    unique_id_l, unique_id_r, match_probability; a pair joins when its probability is ≥ threshold and no
    constraint forbids it. `lists` (record id -> its list) turns on the one-record-per-list constraint;
    `vetoes` are cannot-links that bind only joins through pairs below `veto_below` (the model's doubt).

    Joins never cross connected components of the strong pairs, so the greedy runs only inside components
    where a constraint can bite (two records of one list, or a cannot-link); the rest are their components."""
    ids, must_link, cannot_link, vetoes = list(ids), list(must_link), list(cannot_link), list(vetoes)
    strong = pairs[pairs["match_probability"] >= threshold]
    components = connected_components(ids, strong, must_link)
    if not cannot_link and not vetoes and lists is None:
        return components
    constrained = _constrained_components(components, lists, cannot_link + vetoes)
    if not constrained:
        return components
    inside = [i for i in ids if components[i] in constrained]
    local = strong[strong["unique_id_l"].map(components).isin(constrained).to_numpy()]
    return components | _greedy(inside, local, must_link, cannot_link, lists, (vetoes, veto_below))


def _constrained_components(components: Mapping[Hashable, Hashable], lists: Mapping[Hashable, Hashable] | None,
                            cannot_link: list[Pair]) -> set[Hashable]:
    """Components holding two records of one list or both records of a cannot-link: only there may the
    greedy clustering differ from the component."""
    found = {components[a] for a, b in cannot_link
             if a in components and b in components and components[a] == components[b]}
    if lists is not None:
        frame = pd.DataFrame({"component": pd.Series(components, dtype=object)})
        frame["list"] = pd.Series(lists, dtype=object).reindex(frame.index)
        frame = frame[frame["list"].notna()]
        frame = frame[frame.duplicated(["component", "list"], keep=False)]
        found |= set(frame["component"])
    return found


def _greedy(ids: list[Hashable], pairs: pd.DataFrame, must_link: list[Pair], cannot_link: list[Pair],
            lists: Mapping[Hashable, Hashable] | None,
            vetoes: tuple[list[Pair], float] = ([], 0.0)) -> dict[Hashable, Hashable]:
    """Greedy single linkage with constraints: must-links first, then pairs from the most to the least probable."""
    clusters = _Clusters(ids, lists)
    clusters.veto_below = vetoes[1]
    for pairs_forbidden, vetoed in ((cannot_link, False), (vetoes[0], True)):
        for a, b in pairs_forbidden:
            if a in clusters.parent and b in clusters.parent:
                clusters.forbid(a, b, vetoed)
    for a, b in must_link:
        if a in clusters.parent and b in clusters.parent:
            clusters.join(a, b, binding=True)
    ordered = pairs.sort_values(["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True],
                                kind="stable")
    joined = list(zip(ordered["unique_id_l"], ordered["unique_id_r"], strict=True))
    clusters.strong = set(joined)
    for (a, b), probability in zip(joined, ordered["match_probability"].to_numpy(), strict=True):
        clusters.join(a, b, probability=float(probability))
    return _label_by_first(clusters)


def connected_components(ids: Iterable[Hashable], links: pd.DataFrame, must_link: list[Pair]) -> dict:
    """Connected components of the links plus must-links (no cannot-links to respect): sparse-graph speed for
    millions of records, the same clusters and labels as the greedy path."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components as components

    nodes = pd.Index(pd.unique(pd.Series(list(ids), dtype=object)))
    extra = [(a, b) for a, b in must_link if a in nodes and b in nodes]
    left = np.concatenate([nodes.get_indexer(links["unique_id_l"]), nodes.get_indexer([a for a, _ in extra])])
    right = np.concatenate([nodes.get_indexer(links["unique_id_r"]), nodes.get_indexer([b for _, b in extra])])
    if (left < 0).any() or (right < 0).any():
        raise ValueError("a scored pair names a record id that is not among the records")
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(nodes), len(nodes)))
    count, labels = components(graph, directed=False)
    first = np.full(count, len(nodes))
    np.minimum.at(first, labels, np.arange(len(nodes)))
    return dict(zip(nodes, nodes.to_numpy()[first[labels]], strict=True))


def _label_by_first(clusters: _Clusters) -> dict[Hashable, Hashable]:
    """Name each cluster by its first member in input order, so labels do not depend on merge order."""
    label: dict[Hashable, Hashable] = {}
    out = {}
    for i in clusters.parent:
        out[i] = label.setdefault(clusters.root(i), i)
    return out
