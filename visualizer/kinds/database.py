"""Specs of the databases (db_primary, db_replica): their tables, cards, facts and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.snapshot import NodeView
from visualizer.sim.components.database import FORMER_PRIMARY, PRIMARY, REPLICA, Database


class DbPrimaryNode(schema.ServerBase):
    """[[nodes]] kind = "db_primary": the first primary of a cluster."""

    kind: Literal["db_primary"]
    service_ms: schema.ServiceMs = 5.0
    failover_ms: schema.FailoverMs | None = 3_000.0
    shard: Annotated[int, Field(ge=0, le=63)] | None = None   # the shard it holds (sharding.py)


class DbReplicaNode(schema.ServerBase):
    """[[nodes]] kind = "db_replica": a replica of the primary that links to it."""

    kind: Literal["db_replica"]
    service_ms: schema.ServiceMs = 5.0
    lag_ms: schema.LagMs = 100.0
    replace_s: schema.ReplaceS | None = 10.0


def _tier_line(view: "NodeView", lang: str) -> str:
    if view.role == REPLICA and view.lag_ms is not None:
        line = t("lag", lang, ms=f"{view.lag_ms:.0f}")
        return line + (f" · {t('pending.short', lang, n=view.pending_writes)}" if view.pending_writes else "")
    return t("tier", lang, tier=view.tier, n=view.workers) if view.tier else ""


def _facts(model: Any, db: Database, now: float) -> dict[str, str]:
    out = {"role": db.role}
    if db.role == REPLICA:
        out["applied"] = str(db.applied(now))
    if db is db.cluster.primary:
        out["lost_writes"] = str(len(db.cluster.lost))
    return out


def _db_spec(kind: str, model: type, en: str, ko: str, about_en: str, about_ko: str, order: int,
             actions: tuple[str, ...], builds: tuple[str, ...]) -> registry.KindSpec:
    return registry.register(registry.KindSpec(
        kind=kind, model=model, build=lambda cfg, idx: Database(cfg.id, kind, idx, cfg),  # type: ignore[arg-type]
        roles=frozenset({registry.SERVER, registry.DATABASE}), actions=actions, column=4, order=order,
        role_order={PRIMARY: 0, FORMER_PRIMARY: 0, REPLICA: 1},
        icon=kind, card=_tier_line, short="db", builds=builds, facts=_facts,
        strings={f"kind.{kind}": {"en": en, "ko": ko}, f"about.{kind}": {"en": about_en, "ko": about_ko}}))


PRIMARY_SPEC = _db_spec("db_primary", DbPrimaryNode, "Primary DB", "주 데이터베이스",
                        "The master copy of the data: every write goes here.",
                        "데이터의 원본입니다. 모든 쓰기 연산은 여기로 갑니다.", 0,
                        ("fail", "recover", "upgrade", "recover_data", "add_shard"),
                        ("add_replica", "cache_between", "remove_node"))


REPLICA_SPEC = _db_spec("db_replica", DbReplicaNode, "Replica DB", "부 데이터베이스",
                        "A copy of the primary that serves reads; it may lag behind.",
                        "주 DB의 사본으로 읽기를 처리합니다. 조금 늦게 따라갈 수 있습니다.", 1,
                        ("fail", "recover", "upgrade", "promote", "recover_data"), ("remove_node",))
