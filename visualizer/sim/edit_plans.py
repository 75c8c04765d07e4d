"""What each edit does to the design: a pure rewrite of the design dict (sim/design.py), checked later as a scenario."""

from __future__ import annotations

from typing import Any, Callable

from visualizer.sim import registry as reg
from visualizer.sim.commands import (AddLink, AddNode, AddReplica, BalancerInFront, CacheBetween, CdnInFront,
                                     CommandError, Edit, RemoveLink, RemoveNode, SplitDatabase)

Design = dict[str, Any]

# What a link from a node with the first role may lead to (first matching role of the source wins).
LINKS_FIT: tuple[tuple[str, tuple[str, ...]], ...] = (
    (reg.USERS, (reg.NAMESERVER, reg.ENTRY, reg.EDGE)),
    (reg.BALANCER, (reg.ENTRY,)),
    (reg.EDGE, (reg.ORIGIN,)),
    (reg.CACHE, (reg.DATABASE,)),
    (reg.DATABASE, (reg.DATABASE,)),
    (reg.QUEUE, (reg.WORKER,)),
    (reg.ENTRY, (reg.DATABASE, reg.CACHE, reg.SESSIONS, reg.QUEUE)),
)


def link_fits(src_kind: str, dst_kind: str) -> bool:
    """Whether a node of `src_kind` can use a link to one of `dst_kind` (by their roles).

    >>> link_fits("web_server", "db_primary"), link_fits("db_primary", "web_server")
    (True, False)
    """
    for role, targets in LINKS_FIT:
        if reg.has_role(src_kind, role):
            return any(reg.has_role(dst_kind, t) for t in targets) and not \
                (role == reg.BALANCER and reg.has_role(dst_kind, reg.BALANCER))
    return False


# ---- reading and changing a design dict --------------------------------------------------------

def row(d: Design, node_id: str) -> dict[str, Any]:
    for r in d["nodes"]:
        if r["id"] == node_id:
            return r
    raise CommandError(f"no node '{node_id}' in the design")


def new_id(d: Design, kind: str, taken: set[str]) -> str:
    """The kind's stem (web, db, lb, ...) and the first free number."""
    stem = reg.spec(kind).short or kind
    used = taken | {r["id"] for r in d["nodes"]}
    n = 1
    while f"{stem}{n}" in used:
        n += 1
    return f"{stem}{n}"


def add_row(d: Design, kind: str, taken: set[str], like: dict[str, Any] | None = None) -> str:
    """Append a node of `kind` (settings copied from `like` where its kind has them); its id."""
    if reg.find(kind) is None:
        raise CommandError(f"no kind '{kind}'")
    fields = reg.spec(kind).model.model_fields
    new = {"id": new_id(d, kind, taken), "kind": kind}
    for k, v in (like or {}).items():
        if k not in ("id", "kind", "shard", "points_to") and k in fields:
            new[k] = v
    d["nodes"].append(new)
    return new["id"]


def link(d: Design, src: str, dst: str, ms: float) -> None:
    if not any(l["from"] == src and l["to"] == dst for l in d["links"]):
        d["links"].append({"from": src, "to": dst, "latency_ms": float(ms)})


def into(d: Design, node_id: str) -> list[dict[str, Any]]:
    return [l for l in d["links"] if l["to"] == node_id]


def out_of(d: Design, node_id: str) -> list[dict[str, Any]]:
    return [l for l in d["links"] if l["from"] == node_id]


def kind_of(d: Design, node_id: str) -> str:
    return str(row(d, node_id)["kind"])


# ---- the edits ------------------------------------------------------------------------------------

def plan_add_node(d: Design, cmd: AddNode, taken: set[str]) -> None:
    spec = reg.find(cmd.kind)
    if spec is None or not spec.buildable:
        raise CommandError(f"'{cmd.kind}' is not a kind you can add")
    add_row(d, cmd.kind, taken, row(d, cmd.like) if cmd.like else None)


def plan_remove_node(d: Design, cmd: RemoveNode, taken: set[str]) -> None:
    r = row(d, cmd.node)
    if reg.has_role(r["kind"], reg.USERS):
        raise CommandError(f"{cmd.node} is the users; a design keeps them")
    for other in d["nodes"]:
        if reg.has_role(other["kind"], reg.NAMESERVER) and cmd.node in _targets(other):
            raise CommandError(f"{other['id']} hands out {cmd.node}; put a load balancer in front first")
    d["nodes"].remove(r)
    d["links"] = [l for l in d["links"] if cmd.node not in (l["from"], l["to"])]


def _targets(dns: dict[str, Any]) -> list[str]:
    p = dns.get("points_to")
    return [p] if isinstance(p, str) else list(p or ())


def plan_add_link(d: Design, cmd: AddLink, taken: set[str]) -> None:
    a, b = kind_of(d, cmd.src), kind_of(d, cmd.dst)
    if not link_fits(a, b):
        raise CommandError(f"a {a} cannot use a link to a {b} ({cmd.src} -> {cmd.dst})")
    if any(l["from"] == cmd.src and l["to"] == cmd.dst for l in d["links"]):
        raise CommandError(f"{cmd.src} already links to {cmd.dst}")
    link(d, cmd.src, cmd.dst, cmd.latency_ms)


def plan_remove_link(d: Design, cmd: RemoveLink, taken: set[str]) -> None:
    found = [l for l in d["links"] if l["from"] == cmd.src and l["to"] == cmd.dst]
    if not found:
        raise CommandError(f"no link {cmd.src} -> {cmd.dst}")
    d["links"].remove(found[0])


def _web(d: Design, node_id: str) -> dict[str, Any]:
    r = row(d, node_id)
    if not (reg.has_role(r["kind"], reg.SERVER) and reg.has_role(r["kind"], reg.ENTRY)):
        raise CommandError(f"{node_id} is a {r['kind']}, not a web server")
    return r


def plan_split_database(d: Design, cmd: SplitDatabase, taken: set[str]) -> None:
    _web(d, cmd.node)
    if any(reg.has_role(kind_of(d, l["to"]), reg.DATABASE) for l in out_of(d, cmd.node)):
        raise CommandError(f"{cmd.node} already keeps its data in a database")
    db = add_row(d, "db_primary", taken)
    for r in d["nodes"]:
        if r["kind"] == row(d, cmd.node)["kind"] and not any(
                reg.has_role(kind_of(d, l["to"]), reg.DATABASE) for l in out_of(d, r["id"])):
            link(d, r["id"], db, 2.0)


def plan_balancer_in_front(d: Design, cmd: BalancerInFront, taken: set[str]) -> None:
    _web(d, cmd.node)
    if any(reg.has_role(kind_of(d, l["from"]), reg.BALANCER) for l in into(d, cmd.node)):
        raise CommandError(f"{cmd.node} is already behind a load balancer")
    lb = add_row(d, "load_balancer", taken)
    for l in into(d, cmd.node):      # the users (and a CDN edge) reach the balancer instead
        l["to"] = lb
    for r in d["nodes"]:
        if reg.has_role(r["kind"], reg.NAMESERVER) and r.get("points_to") == cmd.node:
            r["points_to"] = lb
    link(d, lb, cmd.node, 1.0)


def _primary(d: Design, node_id: str) -> dict[str, Any]:
    r = row(d, node_id)
    if r["kind"] != "db_primary":
        raise CommandError(f"{node_id} is a {r['kind']}, not a primary database")
    return r


def plan_add_replica(d: Design, cmd: AddReplica, taken: set[str]) -> None:
    prim = _primary(d, cmd.node)
    reps = [l["to"] for l in out_of(d, cmd.node) if kind_of(d, l["to"]) == "db_replica"]
    others = reps or [r["id"] for r in d["nodes"] if r["kind"] == "db_replica"]
    like = row(d, others[0]) if others else prim
    rep = add_row(d, "db_replica", taken, like)
    ms = next((l["latency_ms"] for l in out_of(d, cmd.node) if l["to"] in reps), 1.0)
    link(d, cmd.node, rep, ms)
    for l in into(d, cmd.node):      # whoever reads from the primary may read from it too
        if not reg.has_role(kind_of(d, l["from"]), reg.DATABASE):
            link(d, l["from"], rep, l["latency_ms"])


def plan_cache_between(d: Design, cmd: CacheBetween, taken: set[str]) -> None:
    _primary(d, cmd.node)
    callers = [l for l in into(d, cmd.node) if reg.has_role(kind_of(d, l["from"]), reg.ENTRY)]
    if any(reg.has_role(kind_of(d, l["from"]), reg.CACHE) for l in into(d, cmd.node)):
        raise CommandError(f"a cache already sits in front of {cmd.node}")
    if not callers:
        raise CommandError(f"no web server reads {cmd.node}")
    cache = add_row(d, "cache", taken)
    for l in callers:
        link(d, l["from"], cache, 1.0)
    link(d, cache, cmd.node, callers[0]["latency_ms"])


def plan_cdn_in_front(d: Design, cmd: CdnInFront, taken: set[str]) -> None:
    origin = cmd.node
    if not reg.has_role(kind_of(d, origin), reg.ORIGIN):
        raise CommandError(f"{origin} is a {kind_of(d, origin)}; a CDN fetches from a web server, "
                           "a load balancer or an object store")
    users = [r["id"] for r in d["nodes"] if reg.has_role(r["kind"], reg.USERS)]
    for u in users:
        if any(reg.has_role(kind_of(d, l["to"]), reg.EDGE) for l in out_of(d, u)):
            raise CommandError(f"{u} already fetch files from a CDN edge")
    cdn = add_row(d, "cdn", taken)
    for u in users:
        link(d, u, cdn, 10.0)
    link(d, cdn, origin, 30.0)


PLANS: dict[type, Callable[[Design, Any, set[str]], None]] = {
    AddNode: plan_add_node, RemoveNode: plan_remove_node, AddLink: plan_add_link,
    RemoveLink: plan_remove_link, SplitDatabase: plan_split_database,
    BalancerInFront: plan_balancer_in_front, AddReplica: plan_add_replica,
    CacheBetween: plan_cache_between, CdnInFront: plan_cdn_in_front,
}


def plan(d: Design, cmd: Edit, taken: set[str]) -> None:
    """Rewrite `d` as `cmd` would (CommandError if it cannot); `taken`: ids never to reuse."""
    PLANS[type(cmd)](d, cmd, taken)
