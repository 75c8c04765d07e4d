"""Component kinds as plug-ins: one KindSpec per kind, registered by the module that defines it.

A spec holds everything the rest of the tool needs to know about a kind: its scenario model
(pydantic), the factory of its runtime node, its roles, the actions it accepts, where the layout
puts it, its icon, the line its card shows and the facts its inspector lists, and its strings in
Korean and English. Nothing else names a kind: adding one is a module and a `register(...)` call.

>>> spec("web_server").column
3
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from visualizer.sim.nodes import Node
    from visualizer.sim.protocol import Model
    from visualizer.sim.snapshot import NodeView

# Roles: what a kind is for, asked instead of its name.
USERS = "users"            # where requests are born and answers return
NAMESERVER = "nameserver"  # tells users where the entry point is
BALANCER = "balancer"      # forwards each request to one of its backends
SERVER = "server"          # has workers, a queue and a size (tier) that can be upgraded
DATABASE = "database"      # a member of a database cluster (primary or replica)
ENTRY = "entry"            # may be what users (or DNS) send requests to
EDGE = "edge"              # serves users' static files from near them (a CDN)
CACHE = "cache"            # holds copies of data in memory in front of a database
ORIGIN = "origin"          # may be what a CDN edge fetches missing files from
SESSIONS = "sessions"      # keeps the users' sessions of web servers that share them
QUEUE = "queue"            # stores background jobs that web servers publish
WORKER = "worker"          # takes jobs from the queue that links to it

CardLine = Callable[["NodeView", str], str]          # (node view, language) -> one line of text
Facts = Callable[["Model", "Node", float], dict[str, str]]


def _no_line(_view: "NodeView", _lang: str) -> str:
    return ""


def _no_facts(_model: "Model", _node: "Node", _now: float) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class KindSpec:
    """Everything about one component kind, in one place."""

    kind: str                                  # the `kind = "..."` of scenario files
    model: type                                # pydantic model of its [[nodes]] table
    build: Callable[[Any, int], "Node"]        # (scenario node, index) -> runtime node
    roles: frozenset[str] = frozenset()
    actions: tuple[str, ...] = ("fail", "recover")   # beat actions that may name a node of it
    column: float = 3                          # layout column, left (users) to right (data);
                                               # a fraction puts the kind between two (a cache: 3.5)
    order: int = 0                             # place within its column, smaller first
    role_order: dict[str, int] = field(default_factory=dict)   # a role's place, where it differs
    icon: str = ""                             # assets/icons/<icon>.png; '' = a plain disc
    card: CardLine = _no_line                  # the fact line under the card's address
    facts: Facts = _no_facts                   # kind-specific facts for the snapshot (NodeView.extra)
    strings: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {"en", "ko"}
    short: str = ""                            # a new node's id stem ("web" -> web3); '' = the kind
    builds: tuple[str, ...] = ()               # build-menu edits offered on a node of it (commands.BUILDS)
    buildable: bool = True                     # offered as "add a ..." on empty space

    def place(self, role: str) -> tuple[float, int]:
        """(column, order in the column) of a node of this kind with this role."""
        return self.column, self.role_order.get(role, self.order)


_KINDS: dict[str, KindSpec] = {}
_version = [0]


def register(kind_spec: KindSpec) -> KindSpec:
    """Add (or replace) a kind; returns the spec so a module can keep it."""
    _KINDS[kind_spec.kind] = kind_spec
    _version[0] += 1
    return kind_spec


def unregister(kind: str) -> None:
    """Forget a kind (tests that register a toy kind clean up with this)."""
    if _KINDS.pop(kind, None) is not None:
        _version[0] += 1


def version() -> int:
    """Bumped at every (un)registration, so derived tables know when to rebuild."""
    _load_builtins()
    return _version[0]


def spec(kind: str) -> KindSpec:
    """The spec of a kind (KeyError if no such kind is registered)."""
    _load_builtins()
    return _KINDS[kind]


def find(kind: str) -> KindSpec | None:
    _load_builtins()
    return _KINDS.get(kind)


def kinds() -> Iterator[KindSpec]:
    """Every registered kind, built-ins first, in registration order."""
    _load_builtins()
    return iter(list(_KINDS.values()))


def with_role(role: str) -> tuple[str, ...]:
    """Names of the kinds that have `role`."""
    return tuple(s.kind for s in kinds() if role in s.roles)


def has_role(kind: str, role: str) -> bool:
    s = find(kind)
    return s is not None and role in s.roles


def strings() -> dict[str, dict[str, str]]:
    """Every kind's strings merged (for i18n)."""
    out: dict[str, dict[str, str]] = {}
    for s in kinds():
        out.update(s.strings)
    return out


_loaded = [False]


def _load_builtins() -> None:
    """Import the built-in kinds once (they register themselves)."""
    if not _loaded[0]:
        _loaded[0] = True
        import visualizer.kinds  # noqa: F401
