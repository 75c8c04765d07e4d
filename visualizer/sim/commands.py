"""Commands: the one way anything (a click, a key, a lesson beat, a test) changes the model.

Each command class declares, once, what every other part derives from it: its `action` (the name
a scenario's timeline uses), the `event` it logs when done, whether a lesson may ask a student to
do it (`waitable`), whether a beat must name a node, and which beat keys it reads. The kinds a
node action applies to are the kinds whose spec lists it (registry.KindSpec.actions). The menu
label of a command is the string `cmd.<ClassName>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


class CommandError(ValueError):
    """A command that makes no sense for the model as it is (unknown node, wrong kind, ...)."""


@dataclass(frozen=True)
class Command:
    """Base of every command: the action table's columns as class attributes."""

    action: ClassVar[str] = ""
    event: ClassVar[str] = ""
    waitable: ClassVar[bool] = False
    needs_node: ClassVar[bool] = False
    on_site: ClassVar[bool] = False            # its `node` names a [[sites]] id, not a node
    params: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        """The command a timeline entry stands for."""
        return cls(beat.node)  # type: ignore[call-arg]


@dataclass(frozen=True)
class Fail(Command):
    node: str
    action: ClassVar[str] = "fail"
    event: ClassVar[str] = "fail"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class Recover(Command):
    node: str
    action: ClassVar[str] = "recover"
    event: ClassVar[str] = "recover"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class SetRate(Command):
    rate: float
    action: ClassVar[str] = "set_rate"
    event: ClassVar[str] = "set_rate"
    params: ClassVar[tuple[str, ...]] = ("rate",)

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        return cls(float(beat.rate))


@dataclass(frozen=True)
class AddServer(Command):
    lb: str | None = None      # the load balancer to add behind; None: the only one
    action: ClassVar[str] = "add_server"
    event: ClassVar[str] = "add_server"
    waitable: ClassVar[bool] = True


@dataclass(frozen=True)
class RemoveServer(Command):
    node: str
    action: ClassVar[str] = "remove_server"
    event: ClassVar[str] = "remove_server"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class Upgrade(Command):
    node: str
    action: ClassVar[str] = "upgrade"
    event: ClassVar[str] = "upgrade"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class Promote(Command):
    node: str
    action: ClassVar[str] = "promote"
    event: ClassVar[str] = "promote"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class RecoverData(Command):
    node: str | None = None    # a database of the cluster to restore; None: the only cluster
    action: ClassVar[str] = "recover_data"
    event: ClassVar[str] = "data_recovered"
    waitable: ClassVar[bool] = True


@dataclass(frozen=True)
class SetAlgorithm(Command):
    lb: str
    algorithm: str
    action: ClassVar[str] = "set_algorithm"
    event: ClassVar[str] = "set_algorithm"
    params: ClassVar[tuple[str, ...]] = ("algorithm",)

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        return cls(beat.node if beat.node is not None else (default_lb or ""), beat.algorithm)


@dataclass(frozen=True)
class Flush(Command):
    node: str
    action: ClassVar[str] = "flush"
    event: ClassVar[str] = "flush"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class Purge(Command):
    node: str
    action: ClassVar[str] = "purge"
    event: ClassVar[str] = "purge"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True


@dataclass(frozen=True)
class SetTtl(Command):
    node: str
    seconds: float
    action: ClassVar[str] = "set_ttl"
    event: ClassVar[str] = "set_ttl"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True
    params: ClassVar[tuple[str, ...]] = ("seconds",)

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        return cls(beat.node, float(beat.seconds))


@dataclass(frozen=True)
class SetOnWrite(Command):
    node: str
    on_write: str
    action: ClassVar[str] = "set_on_write"
    event: ClassVar[str] = "set_on_write"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True
    params: ClassVar[tuple[str, ...]] = ("on_write",)

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        return cls(beat.node, beat.on_write)


@dataclass(frozen=True)
class ShareSessions(Command):
    action: ClassVar[str] = "share_sessions"
    event: ClassVar[str] = "share_sessions"
    waitable: ClassVar[bool] = True

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        return cls()


@dataclass(frozen=True)
class AddCache(Command):
    node: str | None = None    # the cache to copy; None: the only one
    action: ClassVar[str] = "add_cache"
    event: ClassVar[str] = "add_cache"
    waitable: ClassVar[bool] = True


@dataclass(frozen=True)
class AddWorker(Command):
    node: str | None = None    # the queue; None: the only one
    action: ClassVar[str] = "add_worker"
    event: ClassVar[str] = "add_worker"
    waitable: ClassVar[bool] = True


@dataclass(frozen=True)
class RemoveWorker(Command):
    node: str | None = None    # the queue; None: the only one
    action: ClassVar[str] = "remove_worker"
    event: ClassVar[str] = "remove_worker"
    waitable: ClassVar[bool] = True


@dataclass(frozen=True)
class FailSite(Command):
    node: str                  # the site's id: every node standing in it goes down at once
    action: ClassVar[str] = "fail_site"
    event: ClassVar[str] = "site_down"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True
    on_site: ClassVar[bool] = True


@dataclass(frozen=True)
class RecoverSite(Command):
    node: str                  # the site's id: every node of it that is down comes back
    action: ClassVar[str] = "recover_site"
    event: ClassVar[str] = "site_up"
    waitable: ClassVar[bool] = True
    needs_node: ClassVar[bool] = True
    on_site: ClassVar[bool] = True


@dataclass(frozen=True)
class AddShard(Command):
    node: str | None = None    # a primary whose shard to copy; None: the last shard's
    action: ClassVar[str] = "add_shard"
    event: ClassVar[str] = "add_shard"
    waitable: ClassVar[bool] = True


@dataclass(frozen=True)
class SetSharding(Command):
    sharding: str              # modulo | consistent
    action: ClassVar[str] = "set_sharding"
    event: ClassVar[str] = "set_sharding"
    waitable: ClassVar[bool] = True
    params: ClassVar[tuple[str, ...]] = ("sharding",)

    @classmethod
    def from_beat(cls, beat: Any, default_lb: str | None) -> "Command":
        return cls(beat.sharding)


# ---- edits: the student builds the design ("Build it yourself"); not timeline actions -----------

@dataclass(frozen=True)
class Edit(Command):
    """A change to the design itself. Checked by rewriting the design (sim/design.py) and
    validating it as a scenario, so whatever an edit makes can be saved and loaded back."""

    edit: ClassVar[bool] = True


@dataclass(frozen=True)
class AddNode(Edit):
    kind: str
    like: str | None = None    # a node whose settings to copy; None: the kind's defaults
    event: ClassVar[str] = "add_node"


@dataclass(frozen=True)
class RemoveNode(Edit):
    node: str
    event: ClassVar[str] = "remove_node"


@dataclass(frozen=True)
class AddLink(Edit):
    src: str
    dst: str
    latency_ms: float = 2.0
    event: ClassVar[str] = "add_link"


@dataclass(frozen=True)
class RemoveLink(Edit):
    src: str
    dst: str
    event: ClassVar[str] = "remove_link"


@dataclass(frozen=True)
class SplitDatabase(Edit):
    node: str                  # a web server with no database: the data moves to a db_primary
    event: ClassVar[str] = "add_node"


@dataclass(frozen=True)
class BalancerInFront(Edit):
    node: str                  # a web server the users reach directly
    event: ClassVar[str] = "add_node"


@dataclass(frozen=True)
class AddReplica(Edit):
    node: str                  # the primary to copy
    event: ClassVar[str] = "add_node"


@dataclass(frozen=True)
class CacheBetween(Edit):
    node: str                  # the primary whose callers read through the new cache
    event: ClassVar[str] = "add_node"


@dataclass(frozen=True)
class CdnInFront(Edit):
    node: str                  # the origin: a web server, a load balancer or an object store
    event: ClassVar[str] = "add_node"


EDITS: tuple[type[Edit], ...] = (AddNode, RemoveNode, AddLink, RemoveLink, SplitDatabase, BalancerInFront,
                                 AddReplica, CacheBetween, CdnInFront)
BUILDS: dict[str, type[Edit]] = {"remove_node": RemoveNode, "split_database": SplitDatabase,
                                 "balancer_in_front": BalancerInFront, "add_replica": AddReplica,
                                 "cache_between": CacheBetween, "cdn_in_front": CdnInFront}

COMMANDS: tuple[type[Command], ...] = (Fail, Recover, SetRate, AddServer, RemoveServer, Upgrade,
                                       Promote, RecoverData, SetAlgorithm, Flush, Purge, SetTtl, SetOnWrite,
                                       ShareSessions, AddCache, FailSite, RecoverSite, AddWorker,
                                       RemoveWorker, AddShard, SetSharding)
ACTIONS: dict[str, type[Command]] = {c.action: c for c in COMMANDS}     # what a timeline may do
NOTE = "note"              # a beat with no action: a caption only
ACTION_NAMES: tuple[str, ...] = tuple(ACTIONS) + (NOTE,)
WAITABLE: tuple[str, ...] = tuple(a for a, c in ACTIONS.items() if c.waitable)


def event_for(action: str) -> str | None:
    """The logged event that shows `action` was done (None for a note).

    >>> event_for("recover_data"), event_for("note")
    ('data_recovered', None)
    """
    cmd = ACTIONS.get(action)
    return cmd.event if cmd is not None else None
