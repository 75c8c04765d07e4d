"""Logged-in users: where each session lives, when it ends, and the created / lost / logins counts.

On only when `[traffic] session_s` > 0. A session lives on one *holder*: the web server that
created it (`sessions = "local"`) or the session store its web server links to (`"shared"`). Its
lifetime is drawn when it is created, exponential with mean session_s (the user logs out then,
however busy they are); expiry is lazy: a session past its time is simply not found.

As a web server starts a request (Server._begin) it asks `Sessions.begin`: a user with a live
session on that server's holder goes on; anyone else gets a new session there. The user's first
session ever is free (`created`); every later one is a login (`created` and `logins`), which costs
the web server one more service time. A live session the user had on another holder is dropped
and counted `lost` (a non-sticky balancer sent them elsewhere, or their server left the pool); a
holder that crashes loses all its live sessions at once (`lost`). Static files need no session.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import TYPE_CHECKING

from visualizer.sim.requests import STATIC

if TYPE_CHECKING:
    from visualizer.sim.nodes import Node
    from visualizer.sim.requests import Request
    from visualizer.sim.servers import Server


class SessionTable:
    """The sessions one holder keeps in memory: user -> when it ends, and a heap to forget the
    ended ones (so counting them is cheap)."""

    __slots__ = ("ends", "heap")

    def __init__(self) -> None:
        self.ends: dict[int, float] = {}
        self.heap: list[tuple[float, int]] = []

    def alive(self, user: int, now: float) -> bool:
        end = self.ends.get(user)
        return end is not None and end > now

    def put(self, user: int, end: float, now: float) -> None:
        self.held(now)
        self.ends[user] = end
        heappush(self.heap, (end, user))

    def drop(self, user: int) -> None:
        self.ends.pop(user, None)

    def held(self, now: float) -> int:
        """Live sessions at `now` (the ended ones are forgotten on the way)."""
        heap, ends = self.heap, self.ends
        while heap and heap[0][0] <= now:
            end, user = heappop(heap)
            if ends.get(user) == end:
                del ends[user]
        return len(ends)

    def users(self, now: float) -> list[int]:
        """The users with a live session, in user order."""
        return sorted(u for u, end in self.ends.items() if end > now)

    def clear(self) -> None:
        self.ends.clear()
        self.heap.clear()


class Sessions:
    """Every session of the run: the counts, and which holder has each user's newest one."""

    def __init__(self, mean_s: float) -> None:
        self.mean_s = mean_s
        self.where: dict[int, Node] = {}    # user -> holder of their newest session (maybe ended)
        self.seen: set[int] = set()         # users who have had a session
        self.created = 0
        self.lost = 0
        self.logins = 0
        # each crash of a holder: (its id, when, sessions it lost, live sessions everywhere just before)
        self.crashes: list[tuple[str, float, int, int]] = []

    def begin(self, web: "Server", req: "Request", now: float) -> float:
        """`web` starts serving `req`: find or make the user's session where `web` keeps them.
        Returns the extra service time (a login: one more service time; otherwise 0)."""
        if req.kind == STATIC:
            return 0.0
        holder = web.session_holder()       # type: ignore[attr-defined]
        if holder is None:                  # its session store is down: the call will fail
            return 0.0
        user = req.user
        table = holder.session_table
        if table.alive(user, now):
            return 0.0
        old = self.where.get(user)
        if old is not None and old is not holder and old.session_table.alive(user, now):
            old.session_table.drop(user)    # it lived elsewhere: that one is of no use now
            self.lost += 1
        draws = web.model.draws
        table.put(user, now + draws.exponential() * self.mean_s, now)
        self.where[user] = holder
        self.created += 1
        if user not in self.seen:
            self.seen.add(user)
            return 0.0
        self.logins += 1
        return web.service_time(draws)

    def holder_of(self, user: int, now: float) -> "Node | None":
        """The node holding the user's live session, or None (new, logged out, or lost)."""
        holder = self.where.get(user)
        return holder if holder is not None and holder.session_table.alive(user, now) else None

    def crashed(self, holder: "Node", now: float) -> None:
        """`holder` went down: its memory, and every live session in it, is gone."""
        table = holder.session_table
        holders = {h for h in self.where.values() if h.session_table is not None}
        live = sum(h.session_table.held(now) for h in holders | {holder})
        self.crashes.append((holder.id, now, table.held(now), live))
        del self.crashes[:-8]               # the window shows the latest; keep a few
        for user in table.users(now):
            self.lost += 1
            if self.where.get(user) is holder:
                del self.where[user]
        table.clear()

    def move(self, frm: "Node", to: "Node", now: float) -> None:
        """The live sessions `frm` keeps move to `to` (a web tier switching to a session store)."""
        src, dst = frm.session_table, to.session_table
        for user in src.users(now):
            dst.put(user, src.ends[user], now)
        for user in [u for u, holder in self.where.items() if holder is frm]:
            self.where[user] = to           # ended ones too: `frm` keeps no table any more
        src.clear()

    def report(self) -> dict[str, int]:
        return {"created": self.created, "lost": self.lost, "logins": self.logins}
