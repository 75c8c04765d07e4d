"""Finding what a command names: a node by id, or the one node of a sort when it names none."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.commands import CommandError

if TYPE_CHECKING:
    from visualizer.sim.nodes import Node
    from visualizer.sim.protocol import Model


def node_named(model: "Model", node_id: str) -> "Node":
    """The node with this id (CommandError listing the ids if there is none)."""
    node = model.by_id.get(node_id)
    if node is None:
        raise CommandError(f"no node '{node_id}' (nodes: {', '.join(model.by_id)})")
    return node


def named_or_only(model: "Model", node_id: str | None, only: list[Any], cls: type,
                  which: tuple[str, str, str]) -> Any:
    """The node `node_id` names, which must be a `cls`; with no id, the only one of `only`.
    `which` names them: (one, many, kind), e.g. ("load balancer", "load balancers", "load_balancer")."""
    one, many, kind = which
    if node_id is None:
        if len(only) != 1:
            raise CommandError(f"say which {one}: the design has {len(only) or 'no'} {many}")
        return only[0]
    node = node_named(model, node_id)
    if not isinstance(node, cls):
        raise CommandError(f"{node_id} is a {node.kind}, not a {kind}")
    return node
