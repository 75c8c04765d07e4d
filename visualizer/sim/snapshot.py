"""Read-only pictures of the model at one instant: all the renderer and the lessons ever see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from visualizer.sim.shard_view import ShardingView
if TYPE_CHECKING:
    from visualizer.sim.jobs_view import Jobs

# Request phases in RequestDots.phase
ON_LINK, QUEUED, IN_SERVICE, WAITING_DB = 0, 1, 2, 3
# Request kinds in RequestDots.kind
READ, WRITE = 0, 1
# Columns of Snapshot.series: per whole simulated second, counts within that second
SERIES_COLUMNS = ("t", "generated", "completed", "failed", "p50_ms", "p95_ms", "p99_ms", "stale_reads",
                  "hit_ratio")   # hit_ratio: of the caches' and CDN edges' lookups that second (NaN: none)


@dataclass(frozen=True)
class NodeView:
    """One node as the audience should see it."""

    id: str
    kind: str                 # as the scenario says: client | dns | load_balancer | web_server | ...
    role: str                 # what it does now where that can change: primary | replica | former_primary
    ip: str                   # public address for the entry point, 10.0.0.x behind it
    public: bool
    status: str               # up | down | booting | catching_up | removed
    detected_up: bool | None  # what the load balancer in front believes; None if none in front
    promoted: bool            # a replica that became the primary
    busy: int                 # workers busy now
    workers: int
    queue: int                # requests waiting
    queue_limit: int
    tier: str | None          # vertical-scaling tier of a server, else None
    lag_ms: float | None      # replica's replication lag, else None
    pending_writes: int       # writes the primary acked that this replica has not applied yet
    arrivals: int
    completed: int
    dropped: int
    extra: dict[str, str] = field(default_factory=dict)  # kind-specific facts: algorithm, points_to, ...
    recent_rate: float | None = None   # a server's arrivals per second over the last 5 s (None: not yet)
    recent_ms: float | None = None     # mean ms a request spent in it over the same 5 s
    recent_backlog: int = 0            # requests queued in it when those 5 s began
    site: str = ""                     # the [[sites]] id it stands in ('' without sites)


@dataclass(frozen=True)
class LinkView:
    src: str
    dst: str
    latency_ms: float


@dataclass(frozen=True)
class RequestDots:
    """Every request in flight as parallel arrays, so thousands can be drawn in one call.

    A request on a link is `frac` of the way from node index `src` to `dst` (indices into
    Snapshot.nodes). A request at a node (queued, in service, or waiting on the database) has
    src == dst and frac == 0.
    """

    id: np.ndarray     # int64
    src: np.ndarray    # int32
    dst: np.ndarray    # int32
    frac: np.ndarray   # float32, 0..1
    kind: np.ndarray   # int8: READ or WRITE
    phase: np.ndarray  # int8: ON_LINK, QUEUED, IN_SERVICE, WAITING_DB
    forward: np.ndarray  # bool: True on the way in, False on the way back to the client

    def __len__(self) -> int:
        return int(self.id.shape[0])


@dataclass(frozen=True)
class Outcome:
    """A request that finished recently: where, how, and (if failed) why."""

    id: int
    t: float
    node: str          # where it ended: the client for a success, else the node that failed it
    ok: bool
    reason: str        # '' when ok; else timeout | queue_full | node_down | no_backend | dns | no_primary
    kind: int          # READ or WRITE


@dataclass(frozen=True)
class Metrics:
    """Live numbers for the metrics panel (windowed over the last `window_s` seconds)."""

    window_s: float
    throughput: float        # completed per second
    error_rate: float        # failed / finished in the window (0..1)
    p50_ms: float
    p95_ms: float
    p99_ms: float
    availability: float      # completed / finished since start
    stale_reads: int
    lost_writes: int         # writes lost at promotion and not yet restored
    cost_per_hour: float
    generated: int
    completed: int
    failed: dict[str, int]   # reason -> count, since start
    in_flight: int
    rate: float              # current arrival rate (requests per second)


@dataclass(frozen=True)
class Event:
    """One entry of the event log."""

    t: float
    event: str   # fail, recover, detected_down, detected_up, promote, add_server, remove_server, ...
    node: str


@dataclass(frozen=True)
class StoreFigures:
    """A cache or CDN edge as the cache and CDN theory cards need it."""

    id: str
    edge: bool                     # a CDN edge; else a cache in front of a database
    status: str                    # up | down | booting (a cache not up is passed by: its keys' reads go to the DB)
    capacity: int
    held: int
    eviction: str                  # lru | lfu | fifo
    ttl_s: float                   # 0: entries never expire
    on_write: str                  # a cache's invalidate | update | none ('' for an edge)
    oldest_stale_s: float          # the longest a stale value it answered had been held, since the start
    hits: float | None             # lookups per second over the recent span that hit (None: not yet)
    misses: float | None
    edge_rt_ms: float | None = None     # an edge: users -> edge -> users, link latencies and service
    origin_rt_ms: float | None = None   # a miss: users -> edge -> origin -> edge -> users
    fallback_ms: float | None = None    # an edge: how long users wait for it when it is down
    direct_rt_ms: float | None = None   # then: users -> origin -> users, link latencies and service
    origin: str = ""                    # an edge's origin, and the requests reaching it per second
    origin_rate: float | None = None    # over the recent span (None: not yet, or not a server)


@dataclass(frozen=True)
class Caching:
    """What the cache and CDN cards compare, every rate over the same recent span (the last 5 s)."""

    span_s: float | None           # the span (None before a second has passed)
    keys: int                      # the traffic's keyspace and its Zipf exponent
    key_skew: float
    read_ratio: float              # share of data requests (not static files) that are reads
    read_share: float              # share of all requests that are reads of data: read_ratio x (1 - static_ratio)
    generated: float | None        # requests generated per second over the span
    db_reads: float | None         # reads per second sent to the databases over the span
    stores: tuple[StoreFigures, ...]
    static: tuple[int, float, int, float] | None = None   # static requests answered in the last 5 s:
                                                          # (hits, mean ms, misses, mean ms)
    static_span_s: float = 5.0     # the closed seconds those counts cover (fewer at the start)


@dataclass(frozen=True)
class SiteView:
    """One data centre ([[sites]]) as the window should show it."""

    id: str
    title_en: str
    title_ko: str
    status: str                    # up | down (fail_site / recover_site)
    entry: str                     # the entry point a geo DNS hands out for it ('' if none)
    dns_healthy: bool | None       # whether that DNS finds the entry point healthy now (None: no entry)
    told_at_failover: int = 0      # once the DNS dropped it: users then holding an answer naming it,
    still_told: int = 0            # and those of them whose answer has not expired yet


@dataclass(frozen=True)
class Snapshot:
    time: float
    nodes: tuple[NodeView, ...]
    links: tuple[LinkView, ...]
    dots: RequestDots
    recent: tuple[Outcome, ...]      # finished in the last second of simulated time
    metrics: Metrics
    events: tuple[Event, ...]        # the whole log so far
    series: np.ndarray               # shape (n, len(SERIES_COLUMNS)), one row per simulated second
    caching: Caching | None = None   # a design with caches or CDN edges: their recent figures
    sites: tuple[SiteView, ...] = ()  # a design with [[sites]]: each data centre
    sharding: ShardingView | None = None   # a sharded design: its shards, load and last resharding
    session_losses: tuple[tuple[str, float, int, int], ...] = ()   # crashes of session holders:
    # (id, when, sessions lost, live sessions everywhere just before), latest last
    jobs: "Jobs | None" = None        # a design with a message queue: its queues, workers, jobs moving

    def index(self, node_id: str) -> int:
        """Position of a node in `nodes` (ValueError if absent)."""
        for i, n in enumerate(self.nodes):
            if n.id == node_id:
                return i
        raise ValueError(node_id)
