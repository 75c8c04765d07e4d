"""One request's life: kind, user, key, hops with timestamps, where it is now, and its outcome."""

from __future__ import annotations

from typing import Any

READ, WRITE, STATIC = 0, 1, 2        # STATIC: a file (image, CSS, script), the same for every user
KIND_NAMES = ("read", "write", "static")


class Visit:
    """One request's stay at one server: when it came, started and leaves, and whom it answers.

    `leaves` is None while the worker waits on a call downstream (its free time is not known yet).
    A database visit made for a caller keeps that `caller` and when the answer reaches it
    (`t_back`), so a crash of the database can free the caller's worker early.
    """

    __slots__ = ("arrived", "started", "leaves", "caller", "t_back", "counted")

    def __init__(self, arrived: float, started: float, leaves: float | None, caller: Any = None,
                 t_back: float = 0.0, counted: bool = False) -> None:
        self.arrived = arrived
        self.started = started
        self.leaves = leaves
        self.caller = caller
        self.t_back = t_back
        self.counted = counted          # already in the server's completed count and sojourn


class Request:
    """A single read, write or static file from one user; plain data, mutated by the model's event
    handlers. `key` is the data key of a read or write, the file number of a static request.

    `edge_hit` is set (True) only on a static request a CDN edge answered from its copy, and read
    only on static requests (getattr with a default): reads and writes pay nothing for it.
    `at_store` likewise: set only while a web server with shared sessions waits on its session
    store (components/web.py), read with a default."""

    __slots__ = ("id", "kind", "user", "key", "t0", "deadline", "done", "ok", "reason", "t_end",
                 "end_node", "route", "plan", "dest", "calls", "backend", "tried",
                 "stale", "version", "via", "t_via", "asked", "t_asked", "t_arr", "dead", "edge_hit", "at_store")

    def __init__(self, rid: int, kind: int, user: int, key: int, t0: float, deadline: float,
                 client: Any = None, plan: bool = True) -> None:
        self.id = rid
        self.kind = kind
        self.user = user
        self.key = key
        self.t0 = t0
        self.deadline = deadline
        self.done = False               # finished for the client: completed, failed or given up
        self.ok = False
        self.reason = ""
        self.t_end = 0.0
        self.end_node = ""
        self.route: list[Any] = [client] if client is not None else []  # nodes the answer passes back
        # the journey, planned as far as it is known: (t0, t1, node a, node b, phase, forward);
        # on a link a != b and the request goes from a to b over [t0, t1]; at a node a == b.
        self.plan: list[tuple[float, float, int, int, int, bool]] | None = [] if plan else None
        self.dest: Any = None           # node it is travelling to
        self.calls: list[Any] = []      # the call stack: servers holding a worker until it answers
        self.backend: Any = None        # the balancer's record of the backend it counts it open on
        self.tried: list[Any] | None = None
        self.stale = False
        self.version = 0                # a read: the version of the key in the copy that served it
        self.via: Any = None            # load balancer it passes through without an event
        self.t_via = 0.0                # when it passes that load balancer
        self.asked: Any = None          # DNS it asked without an event (Dns.pass_through)
        self.t_asked = 0.0              # when the lookup reaches that DNS
        self.t_arr = 0.0                # when it arrived at the server whose queue it waits in
        self.dead = False               # its work was destroyed by a node failure: no more steps


def user_ip(user: int) -> str:
    """The public address of user number `user` (carrier-grade NAT range 100.64.0.0/10).

    >>> user_ip(0), user_ip(258)
    ('100.64.0.1', '100.64.1.3')
    """
    n = user + 1
    return f"100.{64 + (n >> 16 & 63)}.{n >> 8 & 255}.{n & 255}"


def ip_hash(user: int) -> int:
    """A well-mixed, process-independent hash of a user's IP (Python's hash() is salted)."""
    x = (user + 1) * 0x9E3779B1 & 0xFFFFFFFF
    x ^= x >> 16
    return x * 0x85EBCA6B & 0xFFFFFFFF
