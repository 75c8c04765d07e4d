"""Carrying out edits: the design rewritten (edit_plans), validated as a scenario, then the difference made in the running model.

What changes in the model, in order: nodes taken out (what was inside fails with reason
`removed`, their links go), nodes added (built by their kind's factory, started), links removed
and added, a DNS's answer changed; then every node whose links changed is wired again (a balancer
keeps its backends' health and probes a new one before it gets traffic) and the users last.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from visualizer.sim import edit_plans, registry as reg
from visualizer.sim.cluster import Cluster
from visualizer.sim.commands import BUILDS, EDITS, AddNode, CommandError, Edit
from visualizer.sim.design import design_of
from visualizer.sim.failures import schedule_random_failure
from visualizer.sim.nodes import DOWN, REMOVED, Node
from visualizer.sim.topology import make_node

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation

REMOVED_REASON = "removed"      # a request inside a node the student deleted


@dataclass
class Change:
    """What an edit changes: node ids out, validated node tables in, links out and in, new DNS tables."""

    out: list[str] = field(default_factory=list)
    new: list[Any] = field(default_factory=list)
    unlink: list[tuple[str, str]] = field(default_factory=list)
    link: list[tuple[str, str, float]] = field(default_factory=list)
    retable: list[Any] = field(default_factory=list)


def _validate(d: dict[str, Any]) -> Any:
    from visualizer.scenario import validate          # pydantic: only when an edit is checked
    from visualizer.errors import ScenarioError
    try:
        return validate(d, "the design")
    except ScenarioError as err:
        raise CommandError(f"{err.key}: {err.problem}" if err.key else err.problem) from None


def check_edit(sim: "Simulation", cmd: Edit) -> Change:
    """The change `cmd` makes, or CommandError if the design it leads to is not a valid one."""
    if sim.shards is not None and not isinstance(cmd, (edit_plans.AddLink, edit_plans.RemoveLink)):
        raise CommandError("a sharded design grows by shards (add_shard), not by these edits")
    before = design_of(sim)
    after = copy.deepcopy(before)
    taken = set(sim.by_id) | set(sim.retired)
    edit_plans.plan(after, cmd, taken)
    scenario = _validate(after)
    return _diff(before, scenario)


def _links(rows: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    return {(l["from"], l["to"]): l["latency_ms"] for l in rows}


def _diff(before: dict[str, Any], scenario: Any) -> Change:
    old = {r["id"]: r for r in before["nodes"]}
    now = {n.id: n for n in scenario.nodes}
    ch = Change(out=[i for i in old if i not in now], new=[n for i, n in now.items() if i not in old])
    ch.retable = [n for i, n in now.items() if i in old and reg.has_role(n.kind, reg.NAMESERVER)
                  and getattr(n, "points_to", None) != old[i].get("points_to")]
    a = _links(before["links"])
    b = {(l.src, l.dst): l.latency_ms for l in scenario.links}
    ch.unlink = [k for k in a if k not in b and k[0] not in ch.out and k[1] not in ch.out]
    ch.link = [(s, d, ms / 1000.0) for (s, d), ms in b.items() if (s, d) not in a]
    return ch


# ---- doing it --------------------------------------------------------------------------------------

def do_edit(sim: "Simulation", cmd: Edit, ch: Change) -> None:
    touched: set[str] = set()
    for node_id in ch.out:
        touched |= _take_out(sim, sim.by_id[node_id])
    added = [_put_in(sim, cfg) for cfg in ch.new]
    for src, dst in ch.unlink:
        _unlink(sim, src, dst)
        touched.add(src)
    for src, dst, lat in ch.link:
        sim.add_link(sim.by_id[src], sim.by_id[dst], lat)
        touched.add(src)
    for cfg in ch.retable:
        dns = sim.by_id[cfg.id]
        dns.cfg, dns.points_to = cfg, cfg.points_to  # type: ignore[attr-defined]
    _join_clusters(sim, added)
    _rewire(sim, touched | {n.id for n in added})
    for node in added:
        node.start()
    _go_public(sim, added)
    sim.graph_version += 1
    sim.log(cmd.event, added[0].id if added else _subject(cmd))


def _go_public(sim: "Simulation", added: list[Node]) -> None:
    """A new node the users reach (an entry point, a CDN edge) gets a public address."""
    reached = {getattr(c, "entry", None) for c in sim.clients} | {getattr(c, "edge", None) for c in sim.clients}
    taken = {n.ip for n in sim.nodes}
    for node in added:
        if node in reached:
            k = 10
            while f"203.0.113.{k}" in taken:
                k += 1
            node.ip, node.public = f"203.0.113.{k}", True
            taken.add(node.ip)


def _subject(cmd: Edit) -> str:
    return str(getattr(cmd, "node", None) or getattr(cmd, "src", ""))


def _put_in(sim: "Simulation", cfg: Any) -> Node:
    node = make_node(cfg, len(sim.nodes))
    sim.add_node(node)
    schedule_random_failure(sim, node)
    if reg.has_role(node.kind, reg.BALANCER):
        sim.balancers.append(node)
    return node


class LatTable(dict):  # type: ignore[type-arg]
    """A node's latencies once an edit removed one of its links: a request already on its way
    over the old link still finds the latency (`gone`), but the link is no longer a successor."""

    def __init__(self, lat: dict[str, float], gone: dict[str, float] | None = None) -> None:
        super().__init__(lat)
        self.gone: dict[str, float] = dict(gone or {})

    def __missing__(self, key: str) -> float:
        return self.gone[key]


def _unlink(sim: "Simulation", src: str, dst: str) -> None:
    node = sim.by_id[src]
    if dst in node.lat:
        if not isinstance(node.lat, LatTable):
            node.lat = LatTable(node.lat)
        node.lat.gone[dst] = node.lat[dst]
    node.unlink(dst)
    if sim.graph.has_edge(src, dst):
        sim.graph.remove_edge(src, dst)


def _relink_users(sim: "Simulation", users: Node) -> None:
    """A client's successors are its links again (wire adds the entry reached through DNS);
    latencies it had stay reachable for requests already out."""
    old = users.lat
    gone = {**getattr(old, "gone", {}), **old}
    users.lat = LatTable({d: sim.graph[users.id][d]["latency_s"] for d in sim.graph.successors(users.id)}, gone)


def _take_out(sim: "Simulation", node: Node) -> set[str]:
    """Remove a node for good: what is inside fails (`removed`), it takes no more, its links go.
    Returns the ids of the nodes that linked to it (they are wired again)."""
    now = sim.time
    node.cancel_timers()
    node.set_status(DOWN, now)
    for r in node.crash(now):
        r.dead = True
        sim.fail(r, REMOVED_REASON, node)
    node.set_status(REMOVED, now)
    node.accepting = False
    callers = {s for s in sim.graph.predecessors(node.id)}
    for s in list(callers):
        _unlink(sim, s, node.id)
    for d in list(sim.graph.successors(node.id)):
        _unlink(sim, node.id, d)
    for lb in sim.balancers:
        if lb.backend(node) is not None:
            lb.remove_backend(node)
    if node in sim.balancers:
        sim.balancers.remove(node)
    _leave_cluster(sim, node)
    return callers


def _leave_cluster(sim: "Simulation", node: Node) -> None:
    for c in list(sim.clusters):
        if node in c.caches:
            c.caches.remove(node)
        if node in c.replicas:
            c.drop_replica(node)
        if c.primary is node:
            c.primary = None
            if not c.replicas:
                sim.clusters.remove(c)


def _join_clusters(sim: "Simulation", added: list[Node]) -> None:
    """A new primary heads a cluster of its own; a new replica joins its primary's and catches up."""
    for node in added:
        if reg.has_role(node.kind, reg.DATABASE) and node.role == "primary":
            c = Cluster(node.id)
            c.primary, node.cluster = node, c  # type: ignore[attr-defined]
            sim.clusters.append(c)
    for node in added:
        if reg.has_role(node.kind, reg.DATABASE) and node.role == "replica":
            owners = [c for c in sim.clusters if c.primary is not None and node.id in c.primary.lat]
            c = owners[0] if owners else sim.clusters[0]
            node.join(c, node.lag_s, c.committed)  # type: ignore[attr-defined]
            node._start_catchup()  # type: ignore[attr-defined]


def _rewire(sim: "Simulation", ids: set[str]) -> None:
    """Wire again the nodes whose links changed, then every client (its entry may have moved)."""
    for node in sim.nodes:
        if node.id not in ids or node.status == REMOVED or reg.has_role(node.kind, reg.USERS):
            continue
        if reg.has_role(node.kind, reg.BALANCER):
            _rewire_balancer(node)
        else:
            node.wire()
    for node in sim.nodes:
        if reg.has_role(node.kind, reg.USERS) and node.status != REMOVED:
            _relink_users(sim, node)
            node.wire()


def _rewire_balancer(lb: Any) -> None:
    """Backends follow its links: a new one is probed before it gets traffic; the rest keep their health."""
    succ = [n for n in lb.successors() if not reg.has_role(n.kind, reg.USERS)
            and not reg.has_role(n.kind, reg.NAMESERVER)]
    for b in list(lb.backends):
        if b.node not in succ:
            lb.remove_backend(b.node)
    for n in succ:
        if lb.backend(n) is None:
            lb.add_backend(n)
    servers = [b.node for b in lb.backends if reg.has_role(b.node.kind, reg.SERVER)
               and not reg.has_role(b.node.kind, reg.DATABASE)]
    lb.template = servers[0] if servers else (lb.backends[0].node if lb.backends else None)


RULES: dict[type, tuple[Any, Any]] = {cls: (check_edit, do_edit) for cls in EDITS}


def offers(sim: "Simulation", node_id: str | None) -> list[Edit]:
    """The build-menu edits that fit here (unchecked): on a node, what its kind's spec `builds`;
    on empty space, a node of every buildable kind."""
    if node_id is None:
        return [AddNode(s.kind) for s in reg.kinds() if s.buildable]
    node = sim.by_id.get(node_id)
    if node is None or node.status != "up":      # a down node's menu stays about bringing it back
        return []
    return [BUILDS[name](node_id) for name in reg.spec(node.kind).builds if name in BUILDS]  # type: ignore[call-arg]
