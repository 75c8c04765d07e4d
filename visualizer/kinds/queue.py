"""Specs of the message queue and its workers: their tables, card lines, facts and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.components.queue import JobQueue
from visualizer.sim.components.worker import Worker
from visualizer.sim.snapshot import NodeView


class QueueNode(schema.NodeBase):
    """[[nodes]] kind = "queue": a durable buffer of background jobs; it links to its workers."""

    kind: Literal["queue"]
    capacity: Annotated[int, Field(ge=1, le=10_000_000)] = 10_000
    visibility_timeout_s: schema.between(0.1, schema.DAY_S) = 30.0   # type: ignore[valid-type]


class WorkerNode(schema.NodeBase):
    """[[nodes]] kind = "worker": takes jobs from the queue that links to it."""

    kind: Literal["worker"]
    workers: Annotated[int, Field(ge=1, le=1024)] = 4
    service_ms: schema.ServiceMs = 100.0
    service_dist: schema.ServiceDist = "exp"


def _queue_line(view: NodeView, lang: str) -> str:
    return t("queue.line", lang, depth=view.extra.get("depth", ""), age=view.extra.get("oldest_s", ""))


def _queue_facts(model: Any, q: JobQueue, now: float) -> dict[str, str]:
    return {"depth": str(q.depth), "in_progress": str(len(q.leased)),
            "oldest_s": f"{q.oldest_age_s():.1f}", "capacity": str(q.capacity),
            "visibility_timeout_s": f"{q.visibility_s:g}"}


def _worker_line(view: NodeView, lang: str) -> str:
    return t("worker.line", lang, busy=view.extra.get("busy", ""), slots=view.extra.get("slots", ""))


def _worker_facts(model: Any, w: Worker, now: float) -> dict[str, str]:
    return {"busy": str(w.busy), "slots": str(w.slots), "jobs_done": str(w.done_jobs)}


QUEUE_SPEC = registry.register(registry.KindSpec(
    kind="queue", model=QueueNode, build=lambda cfg, idx: JobQueue(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.QUEUE}),
    actions=("fail", "recover", "add_worker", "remove_worker"), column=3.5, order=2, icon="queue", builds=("remove_node",),
    card=_queue_line, facts=_queue_facts,
    strings={"kind.queue": {"en": "Message queue", "ko": "메시지 큐"},
             "about.queue": {"en": "Holds jobs to do later, so the web server can answer now; "
                                   "a job taken by a worker that never reports back is handed out again.",
                             "ko": "나중에 할 작업을 맡아 두어 웹 서버가 바로 응답할 수 있게 합니다. "
                                   "작업을 가져간 워커가 끝내 알리지 않으면 다시 내줍니다."},
             "queue.line": {"en": "{depth} waiting · oldest {age} s", "ko": "대기 {depth}개 · 가장 오래 {age}초"}}))

WORKER_SPEC = registry.register(registry.KindSpec(
    kind="worker", model=WorkerNode, build=lambda cfg, idx: Worker(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.WORKER}), actions=("fail", "recover"), column=4.5, icon="worker", builds=("remove_node",),
    card=_worker_line, facts=_worker_facts,
    strings={"kind.worker": {"en": "Worker", "ko": "워커"},
             "about.worker": {"en": "Takes one job per free slot from its queue, does it, and says so.",
                              "ko": "빈 자리마다 큐에서 작업을 하나씩 가져와 처리하고 끝났다고 알립니다."},
             "worker.line": {"en": "{busy}/{slots} busy", "ko": "{busy}/{slots} 처리 중"}}))
