"""The built-in component kinds; importing this package registers each of them."""

from visualizer.sim.kinds import balancer, database, dns, users, web  # noqa: F401
