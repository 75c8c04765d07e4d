"""Commands about a message queue's workers: add_worker, remove_worker (checked, then done)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.commands import AddWorker, Command, CommandError, RemoveWorker
from visualizer.sim.components.queue import JobQueue
from visualizer.sim.naming import named_or_only
from visualizer.sim.failures import clone, schedule_random_failure
from visualizer.sim.nodes import REMOVED, UP

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation


def _queue(sim: "Simulation", node_id: str | None) -> JobQueue:
    """The named queue, or the only one."""
    queues = [n for n in sim.nodes if isinstance(n, JobQueue)]
    return named_or_only(sim, node_id, queues, JobQueue, ("queue", "queues", "queue"))


def _kept(q: "JobQueue") -> list[Any]:
    return [w for w in q.workers if w.status != REMOVED]


def check_add_worker(sim: "Simulation", cmd: AddWorker) -> Any:
    """The worker to copy: the queue's last one still in the design."""
    q = _queue(sim, cmd.node)
    kept = _kept(q)
    if not kept:
        raise CommandError(f"{q.id} has no worker to copy")
    return kept[-1]


def check_remove_worker(sim: "Simulation", cmd: RemoveWorker) -> Any:
    """The worker to remove: the queue's last one that is up (never its last one)."""
    q = _queue(sim, cmd.node)
    kept = _kept(q)
    if len(kept) <= 1:
        raise CommandError(f"{q.id} has {len(kept) or 'no'} worker; it keeps at least one")
    up = [w for w in kept if w.status == UP]
    if not up:
        raise CommandError(f"no worker of {q.id} is up")
    return up[-1]


def do_add_worker(sim: "Simulation", cmd: Command, tpl: Any) -> None:
    """A worker configured like `tpl`, linked from the same queue with the same latency, at work now."""
    q = tpl.queue
    new = clone(sim, tpl, tpl.kind)
    new.slots, new.service_s, new.dist = tpl.slots, tpl.service_s, tpl.dist
    new.mtbf_s, new.mttr_s = tpl.mtbf_s, tpl.mttr_s
    schedule_random_failure(sim, new)
    sim.add_link(q, new, q.lat[tpl.id])
    q.wire()
    sim.log("add_worker", new.id)
    q.dispatch()


def do_remove_worker(sim: "Simulation", cmd: Command, w: Any) -> None:
    """It takes no new job; those it holds it finishes and acknowledges."""
    w.set_status(REMOVED, sim.time)
    sim.log("remove_worker", w.id)


RULES: dict[type, tuple[Any, Any]] = {
    AddWorker: (check_add_worker, do_add_worker),
    RemoveWorker: (check_remove_worker, do_remove_worker),
}


def menu(node: Any, accepts: tuple[str, ...]) -> list[Command]:
    """A queue's right-click commands."""
    out: list[Command] = []
    if "add_worker" in accepts:
        out.append(AddWorker(node.id))
    if "remove_worker" in accepts:
        out.append(RemoveWorker(node.id))
    return out
