"""Commands about database shards: add_shard, set_sharding (checked, then done)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.cluster import Cluster
from visualizer.sim.commands import AddShard, Command, CommandError, SetSharding
from visualizer.sim.components.database import Database
from visualizer.sim.failures import clone
from visualizer.sim.naming import node_named
from visualizer.sim.nodes import REMOVED
from visualizer.sim.sharding import CONSISTENT, MODULO, Shards

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation

MAX_SHARDS = 64


def _shards(sim: "Simulation") -> Shards:
    if sim.shards is None:
        raise CommandError("the design has no shards (give each db_primary a `shard` number)")
    return sim.shards


def check_add_shard(sim: "Simulation", cmd: AddShard) -> Cluster:
    """The shard to copy: the named primary's, else the last one."""
    shards = _shards(sim)
    if shards.n >= MAX_SHARDS:
        raise CommandError(f"the design already has {MAX_SHARDS} shards")
    if cmd.node is None:
        tpl = shards.clusters[-1]
    else:
        node = node_named(sim, cmd.node)
        if not isinstance(node, Database) or node.cluster not in shards.clusters:
            raise CommandError(f"{node.id} is not a database of a shard")
        tpl = node.cluster
    if tpl.primary is None:
        raise CommandError("that shard has no primary to copy")
    return tpl


def check_set_sharding(sim: "Simulation", cmd: SetSharding) -> Shards:
    shards = _shards(sim)
    if cmd.sharding not in (MODULO, CONSISTENT):
        raise CommandError(f"sharding is {MODULO} or {CONSISTENT}, not '{cmd.sharding}'")
    if cmd.sharding == shards.method:
        raise CommandError(f"the shards already use {cmd.sharding}")
    return shards


def _link_like(sim: "Simulation", old: Database, new: Database, skip: Database | None) -> None:
    """Every node that links to `old` (but `skip`) links to `new` with the same latency."""
    for n in list(sim.nodes):
        if old.id in n.lat and n is not new and n is not skip:
            sim.add_link(n, new, n.lat[old.id])


def do_add_shard(sim: "Simulation", cmd: Command, tpl: Cluster) -> None:
    """A new primary like the template shard's, with as many replicas, linked from the same
    callers; then the keys it now owns move to it."""
    old = tpl.primary
    assert old is not None
    prim: Database = clone(sim, old, "db_primary")            # type: ignore[assignment]
    c = Cluster(prim.id)
    c.primary, prim.cluster = prim, c
    prim.failover_s = old.failover_s
    sim.clusters.append(c)
    _link_like(sim, old, prim, None)
    for rep in [r for r in tpl.replicas if r.status != REMOVED]:
        new: Database = clone(sim, rep, "db_replica")         # type: ignore[assignment]
        sim.add_link(prim, new, old.lat.get(rep.id, 0.001))
        _link_like(sim, rep, new, old)
        new.join(c, rep.lag_s, 0)
        new.resume(sim.time)                                  # an empty shard: nothing to catch up
    _shards(sim).add(c, sim)
    for n in sim.nodes:
        if prim.id in n.lat:
            n.wire()
    sim.log("add_shard", prim.id)


def do_set_sharding(sim: "Simulation", cmd: SetSharding, shards: Shards) -> None:
    shards.switch(cmd.sharding, sim)
    sim.log("set_sharding", shards.clusters[0].primary.id if shards.clusters[0].primary else "")


RULES: dict[type, tuple[Any, Any]] = {
    AddShard: (check_add_shard, do_add_shard),
    SetSharding: (check_set_sharding, do_set_sharding),
}


def menu(sim: "Simulation", node: Any) -> list[Command]:
    """A shard primary's right-click commands: add a shard like it, switch the hashing."""
    shards = sim.shards
    if shards is None or not isinstance(node, Database) or node is not node.cluster.primary \
            or node.cluster not in shards.clusters:
        return []
    other = CONSISTENT if shards.method == MODULO else MODULO
    return [AddShard(node.id), SetSharding(other)]
