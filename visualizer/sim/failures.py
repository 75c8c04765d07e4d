"""Failure and repair of any node: down (its work fails), up again, new copies, random failures.

What a kind does when it goes down or comes back is its own business (Node.crash, crashed,
restart); this module does what is the same for every kind: the status, the event log, failing
the requests inside with reason node_down, and the timers of random failure and repair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.sim import registry
from visualizer.sim.nodes import BOOTING, DOWN, REMOVED, UP, Node
from visualizer.sim.servers import Server

if TYPE_CHECKING:
    from visualizer.sim.protocol import Model


def fail_node(model: "Model", node: Node) -> None:
    """Take a node down now: its work in progress fails (node_down); the kind reacts."""
    now = model.time
    node.cancel_timers()
    node.set_status(DOWN, now)
    model.log("fail", node.id)
    for r in node.crash(now):
        r.dead = True
        model.fail(r, "node_down", node)
    node.crashed(now)
    if node.mttr_s:
        model.push(now + model.draws.exponential() * node.mttr_s, _random_recover, (node, node.token))


def recover_node(model: "Model", node: Node) -> None:
    """Bring a node back (a database replica catches up before it serves again)."""
    now = model.time
    node.cancel_timers()
    if isinstance(node, Server):
        node.reset_workers(now)
    node.restart(now)
    model.log("recover", node.id)
    schedule_random_failure(model, node)


def booted(arg: tuple[Node, int]) -> None:
    """A server added at run time has finished booting (unless failed or removed meanwhile)."""
    node, token = arg
    if node.token == token and node.status == BOOTING:
        now = node.model.time
        if isinstance(node, Server):
            node.reset_workers(now)
        node.set_status(UP, now)
        node.model.log("booted", node.id)


def clone(model: "Model", tpl: Node, kind: str, in_place_of: Node | None = None) -> Node:
    """A new node of `kind` configured like `tpl` (same size and speed), registered in the model
    (in the place of `in_place_of`, a node removed for good, if given)."""
    new = registry.spec(kind).build(tpl.cfg, len(model.nodes))  # type: ignore[attr-defined]
    new.id = new_id(model, tpl.id)
    new.cfg = tpl.cfg                    # type: ignore[attr-defined]   # settings like the template's
    if tpl.site:
        new.site = tpl.site              # a copy stands in the same data centre
    if isinstance(new, Server) and isinstance(tpl, Server):
        new.copy_size_from(tpl, model.time)
    if in_place_of is not None:
        model.replace_node(in_place_of, new)
    else:
        model.add_node(new)
    schedule_random_failure(model, new)
    return new


def new_id(model: "Model", base: str) -> str:
    """web1 -> the first free of web1, web2, ...; a name without digits gets one appended."""
    prefix = base.rstrip("0123456789") or base
    n = 1
    while f"{prefix}{n}" in model.by_id or f"{prefix}{n}" in model.retired:
        n += 1
    return f"{prefix}{n}"


def schedule_random_failure(model: "Model", node: Node) -> None:
    """If the node has an mtbf_s, draw when it next fails on its own."""
    if node.mtbf_s and node.status != REMOVED:
        model.push(model.time + model.draws.exponential() * node.mtbf_s, _random_fail,
                   (node, node.token))


def _random_fail(arg: tuple[Node, int]) -> None:
    node, token = arg
    if node.token == token and node.status not in (DOWN, REMOVED) and \
            not registry.has_role(node.kind, registry.USERS):
        fail_node(node.model, node)


def _random_recover(arg: tuple[Node, int]) -> None:
    node, token = arg
    if node.token == token and node.status == DOWN:
        recover_node(node.model, node)
