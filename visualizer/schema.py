"""The scenario file format: pydantic models for every table and key of a lesson's TOML file.

The tables every scenario has live here (meta, traffic, links, timeline) with the bases of node
tables; each component kind brings the model of its own [[nodes]] table in its KindSpec, and
`scenario_model()` joins them into one Scenario model, rebuilt when a kind is registered.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from visualizer.sim.commands import ACTION_NAMES

Algorithm = Literal[
    "round_robin", "weighted_round_robin", "least_connections", "random", "power_of_two", "ip_hash",
    "sticky"
]
ServiceDist = Literal["exp", "const", "lognormal"]
TierName = Literal["small", "medium", "large", "xlarge"]
Action = Literal[ACTION_NAMES]  # type: ignore[valid-type]   # from the command table


def between(low: float, high: float) -> Any:
    """A float key from `low` to `high` inclusive; like every float here it must be finite."""
    return Annotated[float, Field(ge=low, le=high, allow_inf_nan=False)]


# Bounds of the time-like and rate-like keys (docs/scenarios.md lists them). The lower bounds keep
# the event loop from spinning on near-zero intervals; 0 is allowed only where it means "at once"
# or "none" and schedules a single event. The upper bounds are far beyond anything a lesson needs.
YEAR_S, DAY_S, HOUR_S, TEN_MIN_MS = 31_536_000, 86_400, 3_600, 600_000
Duration = between(1, DAY_S)                  # meta.duration, s
Speed = between(0.01, 100)                    # simulated seconds per real second
Rate = between(0, 100_000)                    # requests per second; 0: no arrivals
Share = between(0, 1)                         # read_ratio
TimeoutMs = between(1, TEN_MIN_MS)
MtbfS = between(1, YEAR_S)
MttrS = between(0.1, YEAR_S)
ServiceMs = between(0.001, TEN_MIN_MS)
BootS = between(0, HOUR_S)
TtlS = between(0, DAY_S)                      # 0: no caching, every request asks DNS
HealthCheckMs = between(10, TEN_MIN_MS)
FailoverMs = between(0, TEN_MIN_MS)           # 0: promote at once
LagMs = between(0, TEN_MIN_MS)
ReplaceS = between(0, DAY_S)
LatencyMs = between(0, 60_000)
AtS = between(0, DAY_S)
SessionS = between(0, DAY_S)                  # [traffic] session_s; 0: users do not log in
Skew = between(0, 3)                          # Zipf exponent: 0 uniform, about 1 for the web
MoveS = between(0, HOUR_S)                    # [database] move_s: how long a resharding's keys move
Sharding = Literal["modulo", "consistent"]


class Strict(BaseModel):
    """Base for every table: unknown keys are errors, no coercion from strings, no inf or nan."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Text(Strict):
    """A caption or title in both languages."""

    en: Annotated[str, Field(min_length=1)]
    ko: Annotated[str, Field(min_length=1)]


class Meta(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    title: Text
    summary: Text | None = None
    question: Text | None = None
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 1
    duration: Duration = 60.0
    lesson: Annotated[int, Field(ge=1, le=99)] | None = None
    speed: Speed = 0.25
    variant: bool = False       # shown beside a lesson (a beat's `compare`), not in the lesson menu


class Traffic(Strict):
    rate: Rate = 20.0
    read_ratio: Share = 0.8
    timeout_ms: TimeoutMs = 2_000.0
    clients: Annotated[int, Field(ge=1, le=1_000_000)] = 1_000
    keys: Annotated[int, Field(ge=1, le=10_000_000)] = 1_000
    key_skew: Skew = 0.0            # Zipf exponent of key popularity; 0: every key alike
    static_ratio: Share = 0.0       # share of requests for static files (images, CSS, scripts)
    objects: Annotated[int, Field(ge=1, le=10_000_000)] = 1_000   # distinct static files
    object_skew: Skew = 0.0         # Zipf exponent of their popularity
    session_s: SessionS = 0.0       # mean time a user stays logged in; 0: no sessions
    hot_key_share: Share = 0.0      # share of data requests for one celebrity user and key


Ident = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")]   # a node's or a site's id


class Site(Strict):
    """[[sites]]: a data centre (region); nodes name it in their `site` key."""

    id: Ident
    title: Text


class Database(Strict):
    """[database]: how the data is split over shards (db_primary nodes that carry `shard`)."""

    sharding: Sharding = "modulo"   # which shard owns a key: key mod N, or a consistent-hash ring
    vnodes: Annotated[int, Field(ge=1, le=1_000)] = 64   # ring points per shard (consistent)
    shard_key: Literal["user", "key"] = "key"           # the request field that picks the shard
    move_s: MoveS = 2.0             # after a resharding, requests for moving keys are refused this long


class NodeBase(Strict):
    id: Ident
    label: Text | None = None
    site: str | None = None                   # the [[sites]] id it stands in; a client: where its users are
    mtbf_s: MtbfS | None = None
    mttr_s: MttrS | None = None


class ServerBase(NodeBase):
    workers: Annotated[int, Field(ge=1, le=1024)] | None = None
    service_ms: ServiceMs = 20.0
    service_dist: ServiceDist = "exp"
    queue_limit: Annotated[int, Field(ge=0, le=1_000_000)] = 100
    tier: TierName = "small"
    boot_s: BootS = 5.0


class Link(Strict):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    src: str = Field(alias="from")
    dst: str = Field(alias="to")
    latency_ms: LatencyMs = 5.0


CHECKS = ("status", "role", "tier", "address", "lb_view", "event", "no_event", "rate", "share", "count",
          "utilization", "hit_ratio", "theory", "audit")
THEORIES = ("mmc", "che", "db_reads", "cdn_latency", "origin_load", "keys_moved", "hot_shard",
            "backlog", "drain", "jobs")     # what a theory claim compares (docs/lessons.md)
RATES = ("generated", "completed", "failed", "stale_reads", "error_rate", "p95_ms")
COUNTS = ("lost_writes", "stale_reads", "queue", "in_flight", "arrivals", "sessions_lost", "logins",
          "sessions", "fraction_moved", "hot_shard_share", "depth", "oldest_s", "published", "processed",
          "redelivered", "refused")


class Expect(Strict):
    """A claim a beat's caption makes, checked on the model when the caption shows (`when =
    "shown"`) or when the beat ends, just before the next one (`"end"`). See docs/lessons.md."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True,
                              allow_inf_nan=False)

    check: Literal[CHECKS]  # type: ignore[valid-type]
    when: Literal["shown", "end"] = "end"
    node: str | None = None                    # status, role, lb_view, event, share, count, utilization,
                                               # hit_ratio (a cache or CDN edge; none: all of them)
    is_: str | None = Field(default=None, alias="is")   # status / role / lb_view value
    event: str | None = None                   # event, no_event
    of: str | None = None                      # rate: one of RATES; count: one of COUNTS; theory: THEORIES
    among: list[str] = Field(default_factory=list)     # share: the nodes it is a share of
    span_s: between(0.5, 3_600) | None = None  # rate: the last span_s s (default: the whole beat)
    side: Literal["a", "b"] = "a"              # b: measured on the design a `compare` beat shows beside
    min: float | None = None
    max: float | None = None


class Predict(Strict):
    """Predict, then observe: a question a beat asks before the model shows the answer. The
    student picks a choice (keys 1..N); then the beat's action happens and the model runs, and
    `reveal_s` later the card marks the right choice and says why, with the measured number
    (`show`, written into `why` as {measured}). See docs/lessons.md."""

    question: Text
    choices: Annotated[list[Text], Field(min_length=2, max_length=6)]
    answer: Annotated[int, Field(ge=1, le=6)]      # the right choice, counted from 1 as on screen
    why: Text
    show: Expect | None = None                      # a measurement of the moment of the reveal
    reveal_s: between(0.5, 600) = 4.0


class Beat(Strict):
    """One timeline entry: an action at a time, and/or a caption for the lesson's caption bar.

    `wait = true` turns the action into a task for the student: in the window the lesson waits until
    the student has done it (e.g. clicked web1 to fail it); played on its own (headless, recording)
    the action simply happens at `at`.
    """

    at: AtS
    action: Action = "note"
    node: str | None = None
    rate: Rate | None = None
    algorithm: Algorithm | None = None
    seconds: TtlS | None = None         # set_ttl: the new TTL of a cache or CDN edge (0: never expires)
    on_write: Literal["invalidate", "update", "none"] | None = None   # set_on_write: a cache's new rule
    sharding: Sharding | None = None    # set_sharding: the new way keys are given to shards
    wait: bool = False
    caption: Text | None = None
    highlight: list[str] = Field(default_factory=list)
    theory: Literal["availability", "utilization", "replication", "cache", "cdn", "sessions", "sites", "sharding",
                    "queue", "audit"] | None = None
    speed: Speed | None = None
    compare: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] | None = None   # a bundled design
                                        # shown beside this one from this beat, on the same arrivals
    expect: list[Expect] = Field(default_factory=list)
    predict: Predict | None = None


class Scenario(Strict):
    """A whole scenario file, validated. This base lists the node tables as NodeBase; the model
    that validates files is `scenario_model()`, whose nodes are every registered kind's table."""

    meta: Meta
    traffic: Traffic = Traffic()
    database: Database = Database()
    sites: list[Site] = Field(default_factory=list)
    nodes: Annotated[list[NodeBase], Field(min_length=1)]
    links: list[Link] = Field(default_factory=list)
    timeline: list[Beat] = Field(default_factory=list)

    def node(self, node_id: str) -> NodeBase:
        """The node with this id (KeyError if none)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


_MODELS: dict[str, Any] = {}


def node_models() -> dict[str, type[NodeBase]]:
    """kind -> the model of its [[nodes]] table, for every registered kind."""
    from visualizer.sim import registry

    return {spec.kind: spec.model for spec in registry.kinds()}


def scenario_model() -> type[Scenario]:
    """The Scenario model for the kinds registered now (cached until a kind is (un)registered)."""
    from visualizer.sim import registry

    version = registry.version()
    if _MODELS.get("version") != version:
        models = tuple(node_models().values())
        node = Annotated[Union[models], Field(discriminator="kind")]  # type: ignore[valid-type]
        name = f"Scenario_{version}"      # a module global, so instances pickle (checkpoints)
        model = create_model(name, __base__=Scenario, __module__=__name__,
                             nodes=(Annotated[list[node], Field(min_length=1)], ...))  # type: ignore[valid-type]
        globals()[name] = model
        _MODELS["model"] = model
        _MODELS["version"] = version
    return _MODELS["model"]
