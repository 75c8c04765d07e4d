"""Carrying out commands: check one against the model (CommandError, nothing changed), then do it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

from visualizer.sim import (control_edit, control_queue, control_shard, control_site, control_store, failures,
                            registry)
from visualizer.sim.commands import (ACTIONS, COMMANDS, EDITS, AddServer, Command, CommandError, Fail, Promote,
                                     RecoverData, Recover, RemoveServer, SetAlgorithm, SetRate, Upgrade)
from visualizer.sim.failures import clone, fail_node, recover_node
from visualizer.sim.components.balancer import ALGORITHMS, Balancer
from visualizer.sim.components.database import Database, promote
from visualizer.sim.naming import named_or_only, node_named
from visualizer.sim.nodes import BOOTING, DOWN, REMOVED, UP, Node
from visualizer.sim.servers import Server
from visualizer.sim.tiers import next_tier

if TYPE_CHECKING:
    from visualizer.sim.cluster import Cluster
    from visualizer.sim.model import Simulation

MAX_RATE = 100_000.0


# ---- finding what a command names ----------------------------------------------------------------

BALANCERS = ("load balancer", "load balancers", "load_balancer")
CLUSTERS = ("database", "database clusters", "database")


def _balancer(sim: "Simulation", lb_id: str | None) -> Balancer:
    return named_or_only(sim, lb_id, sim.balancers, Balancer, BALANCERS)


def front_of(sim: "Simulation", node: Node) -> Balancer | None:
    """The load balancer this node sits behind, if any."""
    for lb in sim.balancers:
        if lb.backend(node) is not None:
            return lb
    return None


def _cluster(sim: "Simulation", node_id: str | None) -> "Cluster":
    if node_id is None:
        return named_or_only(sim, None, sim.clusters, Database, CLUSTERS)
    return named_or_only(sim, node_id, [], Database, CLUSTERS).cluster


# ---- checks: raise CommandError, change nothing ------------------------------------------------

def _check_fail(sim: "Simulation", cmd: Fail) -> Node:
    node = node_named(sim, cmd.node)
    if registry.has_role(node.kind, registry.USERS):
        raise CommandError(f"{node.id} is the users; they cannot fail (set the rate instead)")
    if node.status == REMOVED:
        raise CommandError(f"{node.id} was removed from the design")
    if node.status == DOWN:
        raise CommandError(f"{node.id} is already down")
    return node


def _check_recover(sim: "Simulation", cmd: Recover) -> Node:
    node = node_named(sim, cmd.node)
    if node.status == REMOVED:
        raise CommandError(f"{node.id} was removed (replaced); it cannot come back")
    if node.status != DOWN:
        raise CommandError(f"{node.id} is not down (it is {node.status})")
    return node


def _check_set_rate(sim: "Simulation", cmd: SetRate) -> None:
    rate = cmd.rate
    if not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 <= rate <= MAX_RATE:
        raise CommandError(f"rate must be between 0 and {MAX_RATE:g} requests/s, got {rate!r}")


def _check_add_server(sim: "Simulation", cmd: AddServer) -> Balancer:
    lb = _balancer(sim, cmd.lb)
    if lb.template is None:
        raise CommandError(f"{lb.id} has no server to copy")
    return lb


def _check_remove_server(sim: "Simulation", cmd: RemoveServer) -> Node:
    node = node_named(sim, cmd.node)
    lb = front_of(sim, node)
    if "remove_server" not in registry.spec(node.kind).actions or lb is None:
        raise CommandError(f"{node.id} is not a web server behind a load balancer")
    if node.status == REMOVED:
        raise CommandError(f"{node.id} is already removed")
    if len(lb.backends) <= 1:
        raise CommandError(f"{node.id} is the last server behind {lb.id}")
    return node


def _check_upgrade(sim: "Simulation", cmd: Upgrade) -> Server:
    node = node_named(sim, cmd.node)
    if not isinstance(node, Server) or "upgrade" not in registry.spec(node.kind).actions:
        raise CommandError(f"{node.id} is a {node.kind}; only servers have a size to upgrade")
    if node.status == REMOVED:
        raise CommandError(f"{node.id} was removed")
    next_tier(node.tier, node.id)
    return node


def _check_promote(sim: "Simulation", cmd: Promote) -> Database:
    node = node_named(sim, cmd.node)
    if not isinstance(node, Database) or node.role != "replica":
        raise CommandError(f"{node.id} is a {node.role or node.kind}; only a replica can be promoted")
    if node.status != UP:
        raise CommandError(f"{node.id} is {node.status}; only a serving replica can be promoted")
    prim = node.cluster.primary
    if prim is not None and prim.status != DOWN:
        raise CommandError(f"the primary {prim.id} is up; fail it before promoting a replica")
    return node


def _check_recover_data(sim: "Simulation", cmd: RecoverData) -> "Cluster":
    cluster = _cluster(sim, cmd.node)
    if not cluster.lost:
        raise CommandError("no lost writes to recover")
    if not cluster.primary_up():
        raise CommandError("no primary is up to restore the lost writes onto")
    return cluster


def _check_set_algorithm(sim: "Simulation", cmd: SetAlgorithm) -> Balancer:
    lb = _balancer(sim, cmd.lb)
    if cmd.algorithm not in ALGORITHMS:
        raise CommandError(f"unknown algorithm '{cmd.algorithm}' (one of {', '.join(ALGORITHMS)})")
    return lb


# ---- doing: each assumes its check passed ------------------------------------------------------

def _do_set_rate(sim: "Simulation", cmd: SetRate, _: Any) -> None:
    sim.rate = float(cmd.rate)
    sim.schedule_arrival()
    sim.log("set_rate", sim.clients[0].id if sim.clients else "")


def _do_add_server(sim: "Simulation", cmd: AddServer, lb: Balancer) -> None:
    tpl = lb.template
    new = clone(sim, tpl, tpl.kind)
    new.set_status(BOOTING, sim.time)
    sim.add_link(lb, new, lb.lat.get(tpl.id, 0.0))
    for dst, lat in list(tpl.lat.items()):
        sim.add_link(new, sim.by_id[dst], lat)
    new.wire()
    lb.add_backend(new)
    sim.log("add_server", new.id)
    sim.push(sim.time + new.boot_s, failures.booted, (new, new.token))


def _do_remove_server(sim: "Simulation", cmd: RemoveServer, node: Server) -> None:
    node.set_status(REMOVED, sim.time)
    node.cancel_timers()
    front_of(sim, node).remove_backend(node)
    sim.log("remove_server", node.id)


def _do_upgrade(sim: "Simulation", cmd: Upgrade, node: Server) -> None:
    node.set_tier(next_tier(node.tier, node.id).name, sim.time)
    sim.log("upgrade", node.id)


def _do_recover_data(sim: "Simulation", cmd: RecoverData, cluster: "Cluster") -> None:
    cluster.restore(sim.time)
    sim.log("data_recovered", cluster.primary.id)


def _do_set_algorithm(sim: "Simulation", cmd: SetAlgorithm, lb: Balancer) -> None:
    lb.set_algorithm(cmd.algorithm)
    sim.log("set_algorithm", lb.id)


_RULES: dict[type, tuple[Callable[..., Any], Callable[..., None]]] = {
    Fail: (_check_fail, lambda sim, cmd, node: fail_node(sim, node)),
    Recover: (_check_recover, lambda sim, cmd, node: recover_node(sim, node)),
    SetRate: (_check_set_rate, _do_set_rate),
    AddServer: (_check_add_server, _do_add_server),
    RemoveServer: (_check_remove_server, _do_remove_server),
    Upgrade: (_check_upgrade, _do_upgrade),
    Promote: (_check_promote, lambda sim, cmd, node: promote(node)),
    RecoverData: (_check_recover_data, _do_recover_data),
    SetAlgorithm: (_check_set_algorithm, _do_set_algorithm),
    **control_store.RULES,
    **control_queue.RULES,
    **control_site.RULES,
    **control_shard.RULES,
    **control_edit.RULES,
}
assert set(_RULES) == set(COMMANDS) | set(EDITS), "every command in the action table has its rules"


def check(sim: "Simulation", cmd: Command) -> Any:
    """Validate `cmd` against the model now; returns what it concerns (a node, a cluster, ...)."""
    rules = _RULES.get(type(cmd))
    if rules is None:
        raise CommandError(f"not a command: {cmd!r}")
    return rules[0](sim, cmd)


def apply(sim: "Simulation", cmd: Command) -> None:
    """Check then carry out one command at sim.time."""
    target = check(sim, cmd)
    _RULES[type(cmd)][1](sim, cmd, target)


def apply_timed(sim: "Simulation", cmd: Command) -> None:
    """A timeline command: one that no longer fits (say, failing a node already down) is logged."""
    try:
        apply(sim, cmd)
    except CommandError:
        sim.log("refused_" + type(cmd).__name__.lower(), getattr(cmd, "node", "") or "")


def actions_for(sim: "Simulation", node_id: str) -> list[Command]:
    """Every command about this node that would be accepted now (for a right-click menu)."""
    node = sim.by_id.get(node_id)
    if node is None:
        return []
    accepts = registry.spec(node.kind).actions
    cands: list[Command] = [Fail(node_id), Recover(node_id)]
    if "set_rate" in accepts:
        cands += [SetRate(min(MAX_RATE, sim.rate * 2 or 10.0)), SetRate(sim.rate / 2)]
    cands += [cls(node_id) for cls in (Upgrade, RemoveServer, Promote) if cls.action in accepts]  # type: ignore[call-arg]
    if isinstance(node, Database) and node is node.cluster.primary and "recover_data" in accepts:
        cands.append(RecoverData() if len(sim.clusters) == 1 else RecoverData(node_id))
    cands += control_store.menu(node, accepts)
    cands += control_site.menu(node)
    cands += control_queue.menu(node, accepts)
    cands += control_shard.menu(sim, node)
    if isinstance(node, Balancer):
        cands.append(AddServer(node_id))
        cands += [SetAlgorithm(node_id, a) for a in ALGORITHMS if a != node.algorithm]
    cands += control_edit.offers(sim, node_id)
    return _allowed(sim, cands)


def build_offers(sim: "Simulation") -> list[Command]:
    """What a right-click on empty space offers: a node of each buildable kind that fits now."""
    return _allowed(sim, control_edit.offers(sim, None))


def _allowed(sim: "Simulation", cands: list[Command]) -> list[Command]:
    """The candidates the model would accept now (each checked, none applied)."""
    ok: list[Command] = []
    for c in cands:
        try:
            check(sim, c)
        except CommandError:
            continue
        ok.append(c)
    return ok


def beat_command(sim: "Simulation", beat: Any) -> Command | None:
    """The command a timeline entry stands for, or None for a note (used by the model's own
    timeline and by the lesson player)."""
    cls = ACTIONS.get(beat.action)
    if cls is None:
        return None
    return cls.from_beat(beat, sim.balancers[0].id if sim.balancers else None)
