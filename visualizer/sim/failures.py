"""Failure and repair: nodes going down and up, failover to a replica, replacement replicas."""

from __future__ import annotations

from typing import Any

import math
from heapq import heapify, heappush

from visualizer.sim.nodes import BOOTING, CATCHING_UP, DOWN, REMOVED, UP, Node
from visualizer.sim.replication import FROZEN, STREAM
from visualizer.sim.servers import Server


def fail_node(sim: Any, node: Node) -> None:
    """Take a node down now: its work in progress fails (node_down); replication reacts."""
    now = sim.time
    node.token += 1
    node.set_status(DOWN, now)
    sim.log("fail", node.id)
    if node.kind == "load_balancer":
        for r in [r for r in sim.live.values() if r.via is node and r.t_via > now]:
            r.dead = True
            sim.fail(r, "node_down", node)   # on its way to the balancer that just failed
    if isinstance(node, Server):
        _empty_server(sim, node, now)
        repl = sim.repl
        if node is repl.primary:
            for rep in repl.replicas:
                if rep.mode == STREAM:
                    repl.freeze(rep, now)
            if node.failover_s is not None:
                sim.push(now + node.failover_s, _auto_promote, (sim, node, node.token))
        elif node.mode:
            repl.freeze(node, now)
            if node.replace_s is not None:
                sim.push(now + node.replace_s, _replace_replica, (sim, node, node.token))
    if node.mttr_s:
        sim.push(now + sim.draws.exponential() * node.mttr_s, _random_recover, (sim, node, node.token))


def _empty_server(sim: Any, srv: Server, now: float) -> None:
    """The node died: everything in service, waiting on the database or queued there fails."""
    inside = [(r, a) for r, a in srv.active.items() if a[2] is None or a[2] > now]
    queued = list(srv.queue)
    srv.active.clear()
    srv.queue.clear()
    srv.free = []
    srv.held = 0
    srv.epoch += 1
    srv.release_token += 1
    srv.release_at = math.inf
    for r, (arrived, start, leaves, web, t_back, counted) in inside:
        if leaves is None:
            srv.busy_area += now - start
        else:
            srv.busy_area -= leaves - now
        if counted:
            srv.completed -= 1
            srv.sojourn -= leaves - arrived
        if web is not None:
            _answer_early(sim, web, r, t_back, now)
        r.dead = True
        sim.fail(r, "node_down", srv)
    for r in queued:
        r.dead = True
        sim.fail(r, "node_down", srv)


def _answer_early(sim: Any, web: Server, r: Any, t_back: float, now: float) -> None:
    """A database died under a call: the web worker waiting for it is free now, not at t_back."""
    act = web.active.get(r)
    if act is None or act[2] != t_back or t_back not in web.free:
        return
    web.free.remove(t_back)
    heapify(web.free)
    heappush(web.free, now)
    web.busy_area -= t_back - now
    web.sojourn -= t_back - now
    act[2] = now
    if web.queue:
        sim.fill(web)


def recover_node(sim: Any, node: Node) -> None:
    """Bring a node back; a database replica catches up before it serves again."""
    now = sim.time
    node.token += 1
    repl = sim.repl
    if isinstance(node, Server):
        node.reset_workers(now)
    if node is repl.primary:
        node.set_status(UP, now)
        for rep in repl.replicas:
            if rep.mode == FROZEN and rep.status == UP:
                repl.resume(rep, now)
    elif node.kind == "db_primary":
        # a replica was promoted while it was down: it comes back as a replica of the new primary
        node.kind = "db_replica"
        node.lag_s = repl.primary.lag_s if repl.primary is not None else 0.1
        node.mode, node.base_lsn = FROZEN, repl.promote_have
        repl.replicas.append(node)
        if repl.primary is not None and not sim.graph.has_edge(repl.primary.id, node.id):
            sim.add_link(repl.primary, node, node.lat.get(repl.primary.id, 0.001))
        _start_catchup(sim, node)
    elif isinstance(node, Server) and node.mode:
        _start_catchup(sim, node)
    else:
        node.set_status(UP, now)
    sim.log("recover", node.id)
    schedule_random_failure(sim, node)


def _start_catchup(sim: Any, node: Server) -> None:
    node.set_status(CATCHING_UP, sim.time)
    t1 = sim.repl.start_catchup(node, sim.time)
    sim.push(t1, caught_up, (sim, node, node.token))


def caught_up(arg: tuple[Any, Server, int]) -> None:
    sim, node, token = arg
    if node.token != token or node.status != CATCHING_UP:
        return
    sim.repl.resume(node, sim.time)
    node.set_status(UP, sim.time)
    sim.log("caught_up", node.id)


def booted(arg: tuple[Any, Server, int]) -> None:
    sim, node, token = arg
    if node.token == token and node.status == BOOTING:
        node.reset_workers(sim.time)
        node.set_status(UP, sim.time)
        sim.log("booted", node.id)


def promote(sim: Any, rep: Server) -> None:
    """Make a replica the primary; what it had not applied is lost until recover_data."""
    now = sim.time
    repl = sim.repl
    old = repl.primary
    repl.promote_have = repl.applied(rep, now)
    repl.promote(rep, now)
    repl.replicas.remove(rep)
    rep.kind = "db_primary"
    rep.promoted = True
    if old is not None:
        rep.failover_s = old.failover_s
        old.token += 1     # cancels its pending automatic failover
    for r in repl.replicas:
        if r.status == UP and r.mode == FROZEN:
            repl.resume(r, now)
        if not sim.graph.has_edge(rep.id, r.id):
            sim.add_link(rep, r, old.lat.get(r.id, 0.001) if old is not None else 0.001)
    for n in sim.nodes:
        if isinstance(n, Server) and n.uses_db and rep.id not in n.lat:
            sim.add_link(n, rep, n.db_lat)
    sim.log("promote", rep.id)
    if rep.replace_s is not None:
        sim.push(now + rep.replace_s, _add_replica_event, (sim, rep, None))


def clone_server(sim: Any, tpl: Server, kind: str) -> Server:
    """A new server configured like `tpl` (same size and speed), registered in the graph."""
    new = Server(new_id(sim, tpl.id), kind, len(sim.nodes), tpl.cfg)
    new.base_workers, new.base_tier = tpl.base_workers, tpl.base_tier
    new.set_tier(tpl.tier, sim.time)
    new.weight = tpl.weight
    new.lag_s, new.replace_s = tpl.lag_s, tpl.replace_s
    new.mtbf_s, new.mttr_s = tpl.mtbf_s, tpl.mttr_s
    new.t_last = sim.time
    sim.add_node(new)
    schedule_random_failure(sim, new)
    return new


def new_id(sim: Any, base: str) -> str:
    """web1 -> the first free of web1, web2, ...; a name without digits gets one appended."""
    prefix = base.rstrip("0123456789") or base
    n = 1
    while f"{prefix}{n}" in sim.by_id:
        n += 1
    return f"{prefix}{n}"


def add_replica(sim: Any, tpl: Server) -> Server:
    """Provision a new replica like `tpl`: linked from the primary and the web tier; catches up."""
    repl = sim.repl
    new = clone_server(sim, tpl, "db_replica")
    if not new.lag_s and repl.replicas:
        new.lag_s = repl.replicas[0].lag_s
    prim = repl.primary
    if prim is not None:
        sim.add_link(prim, new, prim.lat.get(tpl.id, 0.001))
    for n in list(sim.nodes):
        if isinstance(n, Server) and n.uses_db:
            sim.add_link(n, new, n.lat.get(tpl.id, n.db_lat))
    new.mode, new.base_lsn = FROZEN, repl.committed   # starts from a fresh copy of the data
    repl.replicas.append(new)
    sim.log("add_server", new.id)
    _start_catchup(sim, new)
    return new


def _add_replica_event(arg: tuple[Any, Server, Any]) -> None:
    sim, tpl, _ = arg
    add_replica(sim, tpl)


def _replace_replica(arg: tuple[Any, Server, int]) -> None:
    sim, node, token = arg
    if node.token != token or node.status != DOWN:
        return
    node.set_status(REMOVED, sim.time)
    node.token += 1
    sim.log("replaced", node.id)
    add_replica(sim, node)


def _auto_promote(arg: tuple[Any, Server, int]) -> None:
    sim, old, token = arg
    repl = sim.repl
    if old.token != token or old.status != DOWN or repl.primary is not old:
        return
    cands = [r for r in repl.replicas if r.status == UP]
    if not cands:
        sim.log("no_failover_candidate", old.id)
        return
    best = cands[0]
    for r in cands[1:]:
        if repl.applied(r, sim.time) > repl.applied(best, sim.time):
            best = r
    promote(sim, best)


def schedule_random_failure(sim: Any, node: Node) -> None:
    """If the node has an mtbf_s, draw when it next fails on its own."""
    if node.mtbf_s and node.status != REMOVED:
        sim.push(sim.time + sim.draws.exponential() * node.mtbf_s, _random_fail,
                 (sim, node, node.token))


def _random_fail(arg: tuple[Any, Node, int]) -> None:
    sim, node, token = arg
    if node.token == token and node.status not in (DOWN, REMOVED) and node.kind != "client":
        fail_node(sim, node)


def _random_recover(arg: tuple[Any, Node, int]) -> None:
    sim, node, token = arg
    if node.token == token and node.status == DOWN:
        recover_node(sim, node)
