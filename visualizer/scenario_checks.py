"""Cross-checks of a scenario that pydantic cannot make: ids, links, loops, topology, timeline.

Kinds are asked about through their roles and the actions their specs accept (sim.registry),
and actions through the command table (sim.commands), so a new kind or command needs no edit here.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from visualizer.errors import ScenarioError, did_you_mean
from visualizer.audit import LINES
from visualizer.claims_queue import JOB_COUNTS
from visualizer.schema import COUNTS, RATES, THEORIES, Beat, Expect, Scenario
from visualizer.sim import registry as reg
from visualizer.sim.commands import ACTIONS, WAITABLE
from visualizer.shard_checks import check_shards
from visualizer.site_checks import check_policy, check_sites, site_ref, targets

Ids = dict[str, str]      # node id -> kind


def check_design(sc: Scenario, path: str | Path) -> None:
    """Raise ScenarioError (one line) at the first problem."""
    ids: Ids = {}
    for i, node in enumerate(sc.nodes):
        if node.id in ids:
            raise ScenarioError(path, f"nodes[{i}].id", f"duplicate node id '{node.id}'")
        ids[node.id] = node.kind
    sites = check_sites(sc, path, ids)
    _check_links(sc, path, ids)
    _check_loops(sc, path, ids)
    graph = nx.DiGraph([(l.src, l.dst) for l in sc.links])
    graph.add_nodes_from(ids)
    _check_topology(sc, path, ids, graph)
    check_policy(sc, path, graph, sites)
    _check_edges(path, ids, graph)
    _check_clusters(path, ids, graph)
    _check_sessions(sc, path, ids, graph)
    _check_queues(sc, path, ids, graph)
    check_shards(sc, path, ids, graph)
    for i, beat in enumerate(sc.timeline):
        _check_beat(sc, path, ids, sites, graph, i, beat)


def _node_ref(path: str | Path, key: str, ref: str, ids: Ids) -> None:
    if ref not in ids:
        raise ScenarioError(path, key, f"unknown node id '{ref}'{did_you_mean(ref, ids)}")


def _check_links(sc: Scenario, path: str | Path, ids: Ids) -> None:
    seen: set[tuple[str, str]] = set()
    for i, link in enumerate(sc.links):
        _node_ref(path, f"links[{i}].from", link.src, ids)
        _node_ref(path, f"links[{i}].to", link.dst, ids)
        if link.src == link.dst:
            raise ScenarioError(path, f"links[{i}]", f"a link from '{link.src}' to itself")
        if (link.src, link.dst) in seen:
            raise ScenarioError(path, f"links[{i}]", f"duplicate link {link.src} -> {link.dst}")
        seen.add((link.src, link.dst))


def _forwards(src_kind: str, dst_kind: str) -> bool:
    """Whether a request travels on over a link of these kinds (other links carry no requests):
    a balancer forwards to its backends; a server that is no database calls databases."""
    if reg.has_role(src_kind, reg.BALANCER):
        return not (reg.has_role(dst_kind, reg.USERS) or reg.has_role(dst_kind, reg.NAMESERVER))
    return (reg.has_role(src_kind, reg.SERVER) and not reg.has_role(src_kind, reg.DATABASE)
            and reg.has_role(dst_kind, reg.DATABASE))


def _check_loops(sc: Scenario, path: str | Path, ids: Ids) -> None:
    """Refuse the link that closes a loop of nodes forwarding requests (lb1 -> lb2 -> lb1).

    A request would circle until it timed out, and with 0 ms links simulated time would stand still.
    """
    forward = nx.DiGraph()
    for link in sc.links:
        if not _forwards(ids[link.src], ids[link.dst]):
            continue
        if link.dst in forward and link.src in forward and nx.has_path(forward, link.dst, link.src):
            loop = nx.shortest_path(forward, link.dst, link.src) + [link.dst]
            raise ScenarioError(path, f"links[{link.src} -> {link.dst}]",
                                f"makes a loop {' -> '.join(loop)}; requests would go round it forever")
        forward.add_edge(link.src, link.dst)


def _with(ids: Ids, role: str) -> list[str]:
    return [n for n, k in ids.items() if reg.has_role(k, role)]


def _check_topology(sc: Scenario, path: str | Path, ids: Ids, g: nx.DiGraph) -> None:
    if not _with(ids, reg.USERS):
        raise ScenarioError(path, "nodes", "no node of kind 'client' (the users)")
    servers = set(_with(ids, reg.SERVER))
    if not servers:
        raise ScenarioError(path, "nodes", f"no server ({', '.join(reg.with_role(reg.SERVER))})")
    behind_lb = {d for s, d in g.edges if reg.has_role(ids[s], reg.BALANCER)}
    for node in sc.nodes:
        if reg.has_role(node.kind, reg.NAMESERVER):
            for target in targets(node):
                _check_points_to(path, f"nodes[{node.id}].points_to", target, ids, behind_lb)
        if not reg.has_role(node.kind, reg.USERS):
            continue
        for dst in g.successors(node.id):
            if dst in behind_lb:
                raise ScenarioError(path, f"links[{node.id} -> {dst}]",
                                    f"'{dst}' sits behind a load balancer on a private IP; "
                                    "clients cannot reach it directly")
        if not servers & nx.descendants(g, node.id):
            raise ScenarioError(path, f"nodes[{node.id}]", "no path from this client to any server")


def _check_points_to(path: str | Path, key: str, target: str, ids: Ids, behind_lb: set[str]) -> None:
    """What DNS hands out must be an entry point the internet can reach."""
    _node_ref(path, key, target, ids)
    kind = ids[target]
    if reg.has_role(kind, reg.USERS) or reg.has_role(kind, reg.NAMESERVER):
        raise ScenarioError(path, key, f"'{target}' is a {kind}, not an entry point; "
                            "DNS hands out a load balancer or a server")
    if reg.has_role(kind, reg.EDGE):
        raise ScenarioError(path, key, f"'{target}' is a CDN edge, which clients reach by a link "
                            "for static files only; DNS hands out the site's entry point")
    if target in behind_lb:
        raise ScenarioError(path, key, f"'{target}' sits behind a load balancer on a private IP; "
                            "DNS cannot hand it out to clients")


def _check_edges(path: str | Path, ids: Ids, g: nx.DiGraph) -> None:
    """CDN edges: only clients link to one, each client to one at most; an edge fetches from
    exactly one origin the internet can reach; an origin that is no entry point serves edges only."""
    behind_lb = {d for s, d in g.edges if reg.has_role(ids[s], reg.BALANCER)}
    origins = "a " + " or ".join(reg.with_role(reg.ORIGIN))
    for node, kind in ids.items():
        if reg.has_role(kind, reg.EDGE):
            _check_edge(path, ids, g, node, behind_lb, origins)
        elif reg.has_role(kind, reg.USERS):
            edges = [d for d in g.successors(node) if reg.has_role(ids[d], reg.EDGE)]
            if len(edges) > 1:
                raise ScenarioError(path, f"nodes[{node}]", f"links to {len(edges)} CDN edges "
                                    f"({', '.join(edges)}); a client fetches its files from one")
            if edges and len(list(g.successors(node))) == 1:
                raise ScenarioError(path, f"nodes[{node}]", f"links to the CDN edge '{edges[0]}' only; "
                                    "link it to the site's entry point (or a DNS) too")
        elif reg.has_role(kind, reg.ORIGIN) and not reg.has_role(kind, reg.ENTRY):
            for src in g.predecessors(node):
                if not reg.has_role(ids[src], reg.EDGE):
                    raise ScenarioError(path, f"links[{src} -> {node}]", f"only CDN edges fetch from "
                                        f"'{node}' (a {kind}); link it from a cdn")


def _check_edge(path: str | Path, ids: Ids, g: nx.DiGraph, edge: str, behind_lb: set[str],
                origins: str) -> None:
    for src in g.predecessors(edge):
        if not reg.has_role(ids[src], reg.USERS):
            raise ScenarioError(path, f"links[{src} -> {edge}]", f"only clients link to a CDN edge; "
                                f"'{src}' is a {ids[src]}")
    succ = list(g.successors(edge))
    if len(succ) != 1:
        what = f"links to {len(succ)} ({', '.join(succ)})" if succ else "has none"
        raise ScenarioError(path, f"nodes[{edge}]", f"a CDN edge fetches from exactly one origin "
                            f"({origins}); it {what}")
    origin = succ[0]
    key = f"links[{edge} -> {origin}]"
    if not reg.has_role(ids[origin], reg.ORIGIN):
        raise ScenarioError(path, key, f"'{origin}' is a {ids[origin]}; a CDN edge's origin is {origins}")
    if origin in behind_lb:
        raise ScenarioError(path, key, f"'{origin}' sits behind a load balancer on a private IP; "
                            "the CDN edge cannot reach it (link it to the load balancer)")


def _check_clusters(path: str | Path, ids: Ids, g: nx.DiGraph) -> None:
    """Each replica copies a primary: the one that links to it (or the only one there is)."""
    primaries = [n for n, k in ids.items() if k == "db_primary"]
    for rep in (n for n, k in ids.items() if k == "db_replica"):
        owners = [p for p in g.predecessors(rep) if ids[p] == "db_primary"]
        if not primaries:
            raise ScenarioError(path, "nodes", "a db_replica with no db_primary to copy from")
        if len(owners) > 1:
            raise ScenarioError(path, f"nodes[{rep}]", f"copies two primaries ({', '.join(owners)}); "
                                "link it from one")
        if not owners and len(primaries) > 1:
            raise ScenarioError(path, f"nodes[{rep}]", "which primary does it copy? link it from one "
                                f"of {', '.join(primaries)}")


def _check_sessions(sc: Scenario, path: str | Path, ids: Ids, g: nx.DiGraph) -> None:
    """A web server with `sessions = "shared"` links to one session store; only such web servers
    link to a store; a design with a store has sessions on (traffic.session_s > 0)."""
    stores = _with(ids, reg.SESSIONS)
    shared = [n.id for n in sc.nodes if getattr(n, "sessions", None) == "shared"]
    for web in shared:
        linked = [d for d in g.successors(web) if d in stores]
        if len(linked) != 1:
            what = f"links to {len(linked)} ({', '.join(linked)})" if linked else "links to none"
            raise ScenarioError(path, f"nodes[{web}].sessions", f'"shared" keeps sessions in a '
                                f"session store, and {web} {what}; link it to one session_store")
    for store in stores:
        for src in g.predecessors(store):
            if src not in shared and ids[src] != "web_server":     # a local one may move there
                raise ScenarioError(path, f"links[{src} -> {store}]", f"only web servers use a "
                                    f"session store; '{src}' is a {ids[src]}")
    if stores and sc.traffic.session_s == 0:
        raise ScenarioError(path, "traffic.session_s", f"is 0 (users never log in), so the session "
                            f"store '{stores[0]}' would have nothing to keep; give the mean time a "
                            "user stays logged in, in seconds")


def _check_beat(sc: Scenario, path: str | Path, ids: Ids, sites: set[str], g: nx.DiGraph, i: int,
                beat: Beat) -> None:
    key = f"timeline[{i}]"
    cmd = ACTIONS.get(beat.action)
    if beat.at > sc.meta.duration:
        raise ScenarioError(path, f"{key}.at", f"{beat.at:g} s is after meta.duration ({sc.meta.duration:g} s)")
    if i > 0 and beat.at < sc.timeline[i - 1].at:
        raise ScenarioError(path, f"{key}.at", f"{beat.at:g} s comes before timeline[{i - 1}].at "
                            f"({sc.timeline[i - 1].at:g} s); list the entries in the order they happen")
    for j, ref in enumerate(beat.highlight):
        if "->" in ref:
            src, _, dst = (p.strip() for p in ref.partition("->"))
            if not g.has_edge(src, dst):
                raise ScenarioError(path, f"{key}.highlight[{j}]", f"no link '{ref}'")
        else:
            _beat_ref(sc, path, f"{key}.highlight[{j}]", ref, ids, i)
    if beat.node is not None and cmd is not None and cmd.on_site:
        site_ref(path, f"{key}.node", beat.node, sites)
    elif beat.node is not None:
        _beat_ref(sc, path, f"{key}.node", beat.node, ids, i)
    for j, e in enumerate(beat.expect):
        _check_expect(path, f"{key}.expect[{j}]", ids, e, sites)
    if beat.wait and (cmd is None or not cmd.waitable):
        raise ScenarioError(path, f"{key}.wait", f"a student cannot be asked to '{beat.action}'; "
                            f"wait works with {', '.join(WAITABLE)}")
    if cmd is None:
        return                                      # a note: a caption only
    if cmd.needs_node and beat.node is None:
        raise ScenarioError(path, f"{key}.node", f"action '{beat.action}' needs a node")
    for param in cmd.params:
        if getattr(beat, param) is None:
            raise ScenarioError(path, f"{key}.{param}", f"{beat.action} needs a {param}")
    if not cmd.on_site:
        _check_beat_target(path, key, ids, g, beat)


def _check_beat_target(path: str | Path, key: str, ids: Ids, g: nx.DiGraph, beat: Beat) -> None:
    """The node a beat names must be of a kind that accepts its action."""
    a = beat.action
    allowed = sorted(s.kind for s in reg.kinds() if a in s.actions)
    node = _template(beat.node, ids) if beat.node is not None else None
    if node is not None and a not in ("set_rate",) and ids[node] not in allowed:
        raise ScenarioError(path, f"{key}.action", f"'{a}' makes no sense for {beat.node} "
                            f"(a {ids[node]}); it needs a {' or '.join(allowed)}")
    if a == "add_cache" and beat.node is None and len(_with(ids, reg.CACHE)) != 1:
        raise ScenarioError(path, f"{key}.node", "add_cache needs the id of the cache to copy")
    if a == "add_server" and beat.node is None and len(_with(ids, reg.BALANCER)) != 1:
        raise ScenarioError(path, f"{key}.node", "add_server needs the load balancer's id")
    if a == "remove_server" and node is not None:
        if not any(reg.has_role(ids[p], reg.BALANCER) for p in g.predecessors(node)):
            raise ScenarioError(path, f"{key}.node", f"'{beat.node}' is not behind a load balancer")
    if a == "recover_data":
        primaries = [n for n, k in ids.items() if k == "db_primary"]
        if not primaries:
            raise ScenarioError(path, f"{key}.action", "recover_data needs a db_primary in the design")
        if beat.node is None and len(primaries) > 1:
            raise ScenarioError(path, f"{key}.node", "recover_data needs a database of the cluster "
                                f"to restore: the design has {len(primaries)} primaries")


NEEDS = {"status": ("node", "is_"), "role": ("node", "is_"), "tier": ("node", "is_"),
         "address": ("node", "is_"), "lb_view": ("node", "is_"),
         "event": ("event",), "no_event": ("event",), "rate": ("of",), "share": ("node", "among"),
         "count": ("of",), "utilization": ("node",), "hit_ratio": (), "theory": ("of",),
         "audit": ()}


def _check_expect(path: str | Path, key: str, ids: Ids, e: Expect, sites: set[str]) -> None:
    """A claim names what it checks: the keys its kind needs, nodes that exist (an event may be
    a site's), known measures."""
    for need in NEEDS[e.check]:
        if not getattr(e, need):
            name = "is" if need == "is_" else need
            raise ScenarioError(path, f"{key}.{name}", f"a '{e.check}' claim needs '{name}'")
    for ref in [e.node] + list(e.among):
        if ref in sites and e.check in ("event", "no_event"):
            continue
        if ref is not None and not _may_appear(ref, ids):
            _node_ref(path, f"{key}.node", ref, ids)
    if e.check == "rate" and e.of not in RATES:
        raise ScenarioError(path, f"{key}.of", f"a rate is one of {', '.join(RATES)}, not '{e.of}'")
    if e.check == "count" and e.of not in COUNTS:
        raise ScenarioError(path, f"{key}.of", f"a count is one of {', '.join(COUNTS)}, not '{e.of}'")
    if e.check == "count" and e.of in JOB_COUNTS and not _with(ids, reg.QUEUE):
        raise ScenarioError(path, f"{key}.of", f"a count of '{e.of}' needs a queue in the design")
    if e.check == "theory":
        _check_theory(path, key, ids, e)
    if e.check == "audit" and e.of is not None and e.of not in LINES:
        raise ScenarioError(path, f"{key}.of", f"an audit line is one of {', '.join(LINES)}, not '{e.of}'")
    if e.check == "hit_ratio" and e.node is not None and e.node in ids and not _holds(ids[e.node]):
        raise ScenarioError(path, f"{key}.node", f"'{e.node}' is a {ids[e.node]}; a hit ratio is a cache's "
                            "or a CDN edge's")
    if e.check in ("rate", "share", "count", "utilization", "hit_ratio", "audit") \
            and e.min is None and e.max is None:
        raise ScenarioError(path, key, f"a '{e.check}' claim needs a bound: min, max or both")
    if e.min is not None and e.max is not None and e.min > e.max:
        raise ScenarioError(path, f"{key}.min", f"min {e.min:g} is above max {e.max:g}")


def _holds(kind: str) -> bool:
    return reg.has_role(kind, reg.CACHE) or reg.has_role(kind, reg.EDGE)


def _check_theory(path: str | Path, key: str, ids: Ids, e: Expect) -> None:
    """of = "mmc" names a server; "che" and "db_reads" need a cache in the design, "cdn_latency" and
    "origin_load" one CDN edge; all need max."""
    if e.of not in THEORIES or e.max is None:
        raise ScenarioError(path, f"{key}.of", f"a theory claim is of = {' | '.join(THEORIES)} with max, the "
                            "largest relative gap between prediction and measurement")
    if e.of == "mmc" and not e.node:
        raise ScenarioError(path, f"{key}.node", "a theory claim of \"mmc\" needs 'node', the server")
    if e.of in ("che", "db_reads") and not _with(ids, reg.CACHE):
        raise ScenarioError(path, f"{key}.of", f"a theory claim of \"{e.of}\" needs a cache in the design")
    if e.of in ("cdn_latency", "origin_load") and len(_with(ids, reg.EDGE)) != 1:
        raise ScenarioError(path, f"{key}.of", f"a theory claim of \"{e.of}\" needs one CDN edge in the design")
    _check_queue_claim(path, key, ids, e)


def _check_queue_claim(path: str | Path, key: str, ids: Ids, e: Expect) -> None:
    """"backlog" and "drain" compare one queue (named, or the only one); "jobs" needs a queue."""
    if e.of not in ("backlog", "drain", "jobs"):
        return
    queues = _with(ids, reg.QUEUE)
    if not queues:
        raise ScenarioError(path, f"{key}.of", f"a theory claim of \"{e.of}\" needs a queue in the design")
    if e.of != "jobs" and e.node is None and len(queues) != 1:
        raise ScenarioError(path, f"{key}.node", f"a theory claim of \"{e.of}\" names one of the queues")


def _beat_ref(sc: Scenario, path: str | Path, key: str, ref: str, ids: Ids, i: int) -> None:
    """A node a beat names: one of the file's, or, after a beat that adds a node (add_worker,
    add_server, ...), a copy that beat may have made (worker1 -> worker3)."""
    added = any(b.action.startswith("add_") for b in sc.timeline[:i])
    if not (added and _may_appear(ref, ids)):
        _node_ref(path, key, ref, ids)


def _template(ref: str, ids: Ids) -> str:
    """The file's node a beat's node is (or, for a copy a run adds, the first of its prefix)."""
    if ref in ids:
        return ref
    prefix = ref.rstrip("0123456789")
    return next(i for i in ids if i.rstrip("0123456789") == prefix and i != prefix)


def _may_appear(ref: str, ids: Ids) -> bool:
    """A node a run may add: a copy of a node (web1 -> web3, db2 -> db4) is named by its prefix and
    the next free number, so a claim may name it before it exists."""
    prefix = ref.rstrip("0123456789")
    return ref in ids or (prefix != ref and any(i.rstrip("0123456789") == prefix and i != prefix for i in ids))


def _check_queues(sc: Scenario, path: str | Path, ids: Ids, g: nx.DiGraph) -> None:
    """Each worker is linked from exactly one queue; a web server that publishes jobs
    (publish_ratio > 0) links to one queue; only web servers link to a queue."""
    for node, kind in ids.items():
        if reg.has_role(kind, reg.WORKER):
            queues = [s for s in g.predecessors(node) if reg.has_role(ids[s], reg.QUEUE)]
            if len(queues) != 1:
                what = f"{len(queues)} ({', '.join(queues)})" if queues else "none"
                raise ScenarioError(path, f"nodes[{node}]", f"a worker takes jobs from one queue "
                                    f"that links to it; it has {what}")
        elif reg.has_role(kind, reg.QUEUE):
            for src in g.predecessors(node):
                if ids[src] != "web_server":
                    raise ScenarioError(path, f"links[{src} -> {node}]", f"only web servers publish "
                                        f"jobs to a queue; '{src}' is a {ids[src]}")
    for n in sc.nodes:
        if getattr(n, "publish_ratio", 0.0) > 0:
            queues = [d for d in g.successors(n.id) if reg.has_role(ids[d], reg.QUEUE)]
            if len(queues) != 1:
                raise ScenarioError(path, f"nodes[{n.id}].publish_ratio", f"publishing jobs needs "
                                    f"a link to one queue; {n.id} links to {len(queues) or 'none'}")
