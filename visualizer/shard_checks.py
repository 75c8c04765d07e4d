"""Cross-checks of a sharded design: shard numbers, who links to the shards, beats about them."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from visualizer.errors import ScenarioError
from visualizer.schema import Scenario

Ids = dict[str, str]      # node id -> kind


def check_shards(sc: Scenario, path: str | Path, ids: Ids, g: nx.DiGraph) -> None:
    """Shards are numbered 0 .. N-1, once each, on every primary or on none; a node that calls
    one shard calls them all; add_shard and set_sharding need shards."""
    numbered = {n.id: n.shard for n in sc.nodes if n.kind == "db_primary"}  # type: ignore[attr-defined]
    given = {k: v for k, v in numbered.items() if v is not None}
    if not given:
        _no_shards(sc, path)
        return
    for node_id in numbered:
        if numbered[node_id] is None:
            raise ScenarioError(path, f"nodes[{node_id}].shard", "is missing: when one db_primary "
                                "carries `shard`, every one does")
    seen: dict[int, str] = {}
    for node_id, k in given.items():
        if k in seen:
            raise ScenarioError(path, f"nodes[{node_id}].shard", f"{k} is already {seen[k]}'s shard")
        seen[k] = node_id
    n = len(seen)
    for k, node_id in sorted(seen.items()):
        if k >= n:
            raise ScenarioError(path, f"nodes[{node_id}].shard", f"is {k}, but the {n} shard(s) are "
                                f"numbered 0 .. {n - 1}, each once")
    prims = set(given)
    for src in {s for p in prims for s in g.predecessors(p)}:
        if ids[src] != "db_primary" and not prims <= set(g.successors(src)):
            lacks = sorted(prims - set(g.successors(src)))
            raise ScenarioError(path, f"links[{src}]", f"calls some shards but not {', '.join(lacks)}; "
                                "link it to every shard's primary")


SHARD_CLAIMS = ("keys_moved", "hot_shard", "fraction_moved", "hot_shard_share")


def _no_shards(sc: Scenario, path: str | Path) -> None:
    """Without shards, no beat may add one, switch their hashing, or claim something of them."""
    for i, beat in enumerate(sc.timeline):
        if beat.action in ("add_shard", "set_sharding"):
            raise ScenarioError(path, f"timeline[{i}].action", f"'{beat.action}' needs shards: "
                                "give each db_primary a `shard` number (0, 1, ...)")
        for j, e in enumerate(beat.expect):
            if e.of in SHARD_CLAIMS:
                raise ScenarioError(path, f"timeline[{i}].expect[{j}].of", f"a claim of '{e.of}' "
                                    "needs shards: give each db_primary a `shard` number (0, 1, ...)")
