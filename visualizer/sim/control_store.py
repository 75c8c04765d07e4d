"""Commands about what caches, CDN edges and session stores hold: flush, purge, set_ttl, set_on_write,
add_cache, share_sessions (checked, then done)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.commands import AddCache, Command, CommandError, Flush, Purge, SetOnWrite, SetTtl, ShareSessions
from visualizer.sim.components.cache import ON_WRITE, Cache
from visualizer.sim.naming import named_or_only, node_named
from visualizer.sim.failures import clone
from visualizer.sim.nodes import DOWN, REMOVED, Node

DAY_S = 86_400            # the longest TTL a scenario may set (schema.TtlS)

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation


def _holder(sim: "Simulation", node_id: str, action: str) -> Node:
    """The named node, which must be of a kind that accepts `action` and be up."""
    node = node_named(sim, node_id)
    if action not in registry.spec(node.kind).actions:
        raise CommandError(f"{node_id} is a {node.kind}; '{action}' is for caches and CDN edges")
    if node.status in (DOWN, REMOVED):
        raise CommandError(f"{node_id} is {node.status}")
    return node


def check_flush(sim: "Simulation", cmd: Flush) -> Node:
    return _holder(sim, cmd.node, "flush")


def check_purge(sim: "Simulation", cmd: Purge) -> Node:
    return _holder(sim, cmd.node, "purge")


def check_set_ttl(sim: "Simulation", cmd: SetTtl) -> Node:
    node = _holder(sim, cmd.node, "set_ttl")
    s = cmd.seconds
    if not isinstance(s, (int, float)) or not 0 <= s <= DAY_S:
        raise CommandError(f"a TTL is between 0 and {DAY_S} s, got {s!r}")
    return node


def check_set_on_write(sim: "Simulation", cmd: SetOnWrite) -> Node:
    node = _holder(sim, cmd.node, "set_on_write")
    if cmd.on_write not in ON_WRITE:
        raise CommandError(f"on_write is one of {', '.join(ON_WRITE)}, got {cmd.on_write!r}")
    if cmd.on_write == node.on_write:
        raise CommandError(f"{node.id} already does '{cmd.on_write}' on a write")
    return node


def check_add_cache(sim: "Simulation", cmd: AddCache) -> Node:
    caches = [n for n in sim.nodes if isinstance(n, Cache) and n.status != REMOVED]
    return named_or_only(sim, cmd.node, caches, Cache, ("cache to copy", "caches", "cache"))


def do_flush(sim: "Simulation", cmd: Command, node: Any) -> None:
    node.flush()
    sim.log("flush", node.id)


def do_purge(sim: "Simulation", cmd: Command, node: Any) -> None:
    node.purge_files()
    sim.log("purge", node.id)


def do_set_ttl(sim: "Simulation", cmd: SetTtl, node: Any) -> None:
    node.set_ttl(float(cmd.seconds))
    sim.log("set_ttl", node.id)


def do_set_on_write(sim: "Simulation", cmd: SetOnWrite, node: Any) -> None:
    node.on_write = cmd.on_write
    sim.log("set_on_write", node.id)


def do_add_cache(sim: "Simulation", cmd: AddCache, tpl: Any) -> None:
    """A copy of `tpl`, empty, linked like it: the web servers that read through `tpl` read
    through it too (each key's owner is found again on the ring: about 1/n of them move to it)."""
    new = clone(sim, tpl, tpl.kind)
    for dst, lat in list(tpl.lat.items()):
        sim.add_link(new, sim.by_id[dst], lat)
    callers = [n for n in sim.nodes if tpl.id in n.lat and n is not new]
    for caller in callers:
        sim.add_link(caller, new, caller.lat[tpl.id])
    new.wire()
    for caller in callers:
        caller.wire()
    sim.log("add_cache", new.id)


def menu(node: Any, accepts: tuple[str, ...]) -> list[Command]:
    """The right-click commands of a cache or edge: empty it, halve or double its TTL, copy it."""
    out: list[Command] = []
    if "flush" in accepts:
        out.append(Flush(node.id))
    if "purge" in accepts:
        out.append(Purge(node.id))
    if "set_ttl" in accepts:
        ttl = node.store.ttl_s
        out += [SetTtl(node.id, ttl * 2), SetTtl(node.id, ttl / 2)] if ttl else \
            [SetTtl(node.id, 10.0), SetTtl(node.id, 1.0)]
    if "set_on_write" in accepts:
        out += [SetOnWrite(node.id, mode) for mode in ON_WRITE if mode != node.on_write]
    if "add_cache" in accepts:
        out.append(AddCache(node.id))
    if "share_sessions" in accepts:
        out.append(ShareSessions())
    return out


def check_share_sessions(sim: "Simulation", cmd: ShareSessions) -> list[Any]:
    """The web servers that keep sessions in their own memory and link to a session store."""
    if getattr(sim, "sessions", None) is None:
        raise CommandError("users do not log in here ([traffic] session_s is 0)")
    webs = [n for n in sim.nodes if getattr(n, "session_mode", "") == "local"
            and getattr(n, "session_store", None) is not None and n.status != REMOVED]
    if not webs:
        raise CommandError("no web server keeps sessions locally with a session store to move them to")
    return webs


def do_share_sessions(sim: "Simulation", cmd: ShareSessions, webs: list[Any]) -> None:
    for web in webs:
        web.share_sessions(sim.time)
    sim.log("share_sessions", webs[0].session_store.id)


RULES: dict[type, tuple[Any, Any]] = {
    Flush: (check_flush, do_flush),
    Purge: (check_purge, do_purge),
    SetTtl: (check_set_ttl, do_set_ttl),
    SetOnWrite: (check_set_on_write, do_set_on_write),
    AddCache: (check_add_cache, do_add_cache),
    ShareSessions: (check_share_sessions, do_share_sessions),
}
