"""Commands and failures: the one path by which clicks, lessons, timelines and tests change the model."""

from __future__ import annotations

import math
from typing import Any, Callable

from visualizer.sim.balancer import ALGORITHMS, Balancer
from visualizer.sim.commands import (AddServer, Command, CommandError, Fail, Promote, RecoverData,
                                     Recover, RemoveServer, SetAlgorithm, SetRate, Upgrade)
from visualizer.sim import failures
from visualizer.sim.failures import clone_server, fail_node, promote, recover_node
from visualizer.sim.nodes import BOOTING, DOWN, REMOVED, UP, Node
from visualizer.sim.servers import Server
from visualizer.sim.tiers import next_tier

MAX_RATE = 100_000.0


# ---- checks: raise CommandError, change nothing ------------------------------------------------

def _node(sim: Any, node_id: str) -> Node:
    node = sim.by_id.get(node_id)
    if node is None:
        raise CommandError(f"no node '{node_id}' (nodes: {', '.join(sim.by_id)})")
    return node


def _balancer(sim: Any, lb_id: str | None) -> Balancer:
    if lb_id is None:
        if len(sim.balancers) != 1:
            raise CommandError("say which load balancer: the design has "
                               f"{len(sim.balancers) or 'no'} load balancers")
        return sim.balancers[0]
    node = _node(sim, lb_id)
    if not isinstance(node, Balancer):
        raise CommandError(f"{lb_id} is a {node.kind}, not a load_balancer")
    return node


def _check(sim: Any, cmd: Command) -> Any:
    """Validate `cmd` against the model now; returns the node (or None) it concerns."""
    if isinstance(cmd, Fail):
        node = _node(sim, cmd.node)
        if node.kind == "client":
            raise CommandError(f"{node.id} is the users; they cannot fail (set the rate instead)")
        if node.status == REMOVED:
            raise CommandError(f"{node.id} was removed from the design")
        if node.status == DOWN:
            raise CommandError(f"{node.id} is already down")
        return node
    if isinstance(cmd, Recover):
        node = _node(sim, cmd.node)
        if node.status == REMOVED:
            raise CommandError(f"{node.id} was removed (replaced); it cannot come back")
        if node.status != DOWN:
            raise CommandError(f"{node.id} is not down (it is {node.status})")
        return node
    if isinstance(cmd, SetRate):
        rate = cmd.rate
        if not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 <= rate <= MAX_RATE:
            raise CommandError(f"rate must be between 0 and {MAX_RATE:g} requests/s, got {rate!r}")
        return None
    if isinstance(cmd, AddServer):
        lb = _balancer(sim, cmd.lb)
        if lb.template is None:
            raise CommandError(f"{lb.id} has no server to copy")
        return lb
    if isinstance(cmd, RemoveServer):
        node = _node(sim, cmd.node)
        if node.kind != "web_server" or node.lb is None:
            raise CommandError(f"{node.id} is not a web server behind a load balancer")
        if node.status == REMOVED:
            raise CommandError(f"{node.id} is already removed")
        if len(node.lb.backends) <= 1:
            raise CommandError(f"{node.id} is the last server behind {node.lb.id}")
        return node
    if isinstance(cmd, Upgrade):
        node = _node(sim, cmd.node)
        if not isinstance(node, Server):
            raise CommandError(f"{node.id} is a {node.kind}; only servers have a size to upgrade")
        if node.status == REMOVED:
            raise CommandError(f"{node.id} was removed")
        next_tier(node.tier, node.id)
        return node
    if isinstance(cmd, Promote):
        node = _node(sim, cmd.node)
        if node.kind != "db_replica":
            raise CommandError(f"{node.id} is a {node.kind}; only a replica can be promoted")
        if node.status != UP:
            raise CommandError(f"{node.id} is {node.status}; only a serving replica can be promoted")
        prim = sim.repl.primary
        if prim is not None and prim.status != DOWN:
            raise CommandError(f"the primary {prim.id} is up; fail it before promoting a replica")
        return node
    if isinstance(cmd, RecoverData):
        prim = sim.repl.primary
        if not sim.repl.lost:
            raise CommandError("no lost writes to recover")
        if prim is None or prim.status != UP:
            raise CommandError("no primary is up to restore the lost writes onto")
        return prim
    if isinstance(cmd, SetAlgorithm):
        lb = _balancer(sim, cmd.lb)
        if cmd.algorithm not in ALGORITHMS:
            raise CommandError(f"unknown algorithm '{cmd.algorithm}' (one of {', '.join(ALGORITHMS)})")
        return lb
    raise CommandError(f"not a command: {cmd!r}")


def apply(sim: Any, cmd: Command) -> None:
    """Check then carry out one command at sim.time."""
    target = _check(sim, cmd)
    _DO[type(cmd)](sim, cmd, target)


def apply_timed(sim: Any, cmd: Command) -> None:
    """A timeline command: one that no longer fits (say, failing a node already down) is logged."""
    try:
        apply(sim, cmd)
    except CommandError:
        sim.log("refused_" + type(cmd).__name__.lower(), getattr(cmd, "node", "") or "")


def actions_for(sim: Any, node_id: str) -> list[Command]:
    """Every command about this node that would be accepted now."""
    node = sim.by_id.get(node_id)
    if node is None:
        return []
    cands: list[Command] = [Fail(node_id), Recover(node_id)]
    if node.kind == "client":
        cands += [SetRate(min(MAX_RATE, sim.rate * 2 or 10.0)), SetRate(sim.rate / 2)]
    if isinstance(node, Server):
        cands += [Upgrade(node_id), RemoveServer(node_id), Promote(node_id)]
        if node is sim.repl.primary:
            cands.append(RecoverData())
    if isinstance(node, Balancer):
        cands.append(AddServer(node_id))
        cands += [SetAlgorithm(node_id, a) for a in ALGORITHMS if a != node.algorithm]
    ok = []
    for c in cands:
        try:
            _check(sim, c)
        except CommandError:
            continue
        ok.append(c)
    return ok


def beat_command(sim: Any, beat: Any) -> Command | None:
    """The command a timeline entry stands for, or None for a note (used by the model's own
    timeline and by the lesson player)."""
    a, n = beat.action, beat.node
    if a == "fail":
        return Fail(n)
    if a == "recover":
        return Recover(n)
    if a == "set_rate":
        return SetRate(float(beat.rate))
    if a == "add_server":
        return AddServer(n)
    if a == "remove_server":
        return RemoveServer(n)
    if a == "upgrade":
        return Upgrade(n)
    if a == "promote":
        return Promote(n)
    if a == "recover_data":
        return RecoverData()
    if a == "set_algorithm":
        return SetAlgorithm(n if n is not None else (sim.balancers[0].id if sim.balancers else ""),
                            beat.algorithm)
    return None


# ---- doing: each assumes _check passed ---------------------------------------------------------

def _do_fail(sim: Any, cmd: Fail, node: Node) -> None:
    fail_node(sim, node)


def _do_recover(sim: Any, cmd: Recover, node: Node) -> None:
    recover_node(sim, node)


def _do_set_rate(sim: Any, cmd: SetRate, _: Any) -> None:
    sim.rate = float(cmd.rate)
    sim.schedule_arrival()
    sim.log("set_rate", sim.clients[0].id if sim.clients else "")


def _do_add_server(sim: Any, cmd: AddServer, lb: Balancer) -> None:
    tpl = lb.template
    new = clone_server(sim, tpl, "web_server" if tpl.kind == "web_server" else tpl.kind)
    new.set_status(BOOTING, sim.time)
    new.lb, new.detected_up = lb, False
    sim.add_link(lb, new, lb.lat.get(tpl.id, 0.0))
    for dst, lat in list(tpl.lat.items()):
        sim.add_link(new, sim.by_id[dst], lat)
    new.uses_db, new.db_lat = tpl.uses_db, tpl.db_lat
    lb.backends.append(new)
    lb.rebuild_pool()
    sim.log("add_server", new.id)
    sim.push(sim.time + new.boot_s, failures.booted, (sim, new, new.token))


def _do_remove_server(sim: Any, cmd: RemoveServer, node: Server) -> None:
    node.set_status(REMOVED, sim.time)
    node.token += 1
    lb = node.lb
    lb.backends.remove(node)
    lb.rebuild_pool()
    sim.log("remove_server", node.id)


def _do_upgrade(sim: Any, cmd: Upgrade, node: Server) -> None:
    node.set_tier(next_tier(node.tier, node.id).name, sim.time)
    sim.fill(node)
    sim.log("upgrade", node.id)


def _do_promote(sim: Any, cmd: Promote, node: Server) -> None:
    promote(sim, node)


def _do_recover_data(sim: Any, cmd: RecoverData, prim: Server) -> None:
    sim.repl.restore(sim.time)
    sim.log("data_recovered", prim.id)


def _do_set_algorithm(sim: Any, cmd: SetAlgorithm, lb: Balancer) -> None:
    lb.algorithm = cmd.algorithm
    sim.log("set_algorithm", lb.id)


_DO: dict[type, Callable[..., None]] = {
    Fail: _do_fail, Recover: _do_recover, SetRate: _do_set_rate, AddServer: _do_add_server,
    RemoveServer: _do_remove_server, Upgrade: _do_upgrade, Promote: _do_promote,
    RecoverData: _do_recover_data, SetAlgorithm: _do_set_algorithm,
}
