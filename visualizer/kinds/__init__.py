"""The built-in component kinds' specs; importing this package registers each of them.

A spec (visualizer.sim.registry.KindSpec) ties a kind's runtime node (visualizer/sim/components/)
to its scenario table, layout place, icon, card line, facts and strings.
"""

from visualizer.kinds import balancer, cache, cdn, database, dns, object_store, users, web  # noqa: F401
from visualizer.kinds import session_store  # noqa: F401  (after the others: kinds keep their order)
from visualizer.kinds import queue  # noqa: F401
