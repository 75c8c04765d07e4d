"""Commands about whole data centres: fail_site and recover_site (checked, done)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.commands import Command, CommandError, FailSite, RecoverSite
from visualizer.sim.failures import fail_node, recover_node
from visualizer.sim.nodes import DOWN, REMOVED, Node
from visualizer.sim.sites import SITE_DOWN, SITE_UP, Site, members

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation


def _site(sim: "Simulation", site_id: str) -> Site:
    site = sim.sites.get(site_id)
    if site is None:
        known = f"sites: {', '.join(sim.sites)}" if sim.sites else "the design has no [[sites]]"
        raise CommandError(f"no site '{site_id}' ({known})")
    return site


def check_fail_site(sim: "Simulation", cmd: FailSite) -> Site:
    site = _site(sim, cmd.node)
    if site.status == SITE_DOWN:
        raise CommandError(f"site {site.id} is already down")
    return site


def check_recover_site(sim: "Simulation", cmd: RecoverSite) -> Site:
    site = _site(sim, cmd.node)
    if site.status != SITE_DOWN:
        raise CommandError(f"site {site.id} is not down")
    return site


def do_fail_site(sim: "Simulation", cmd: Command, site: Site) -> None:
    """The whole data centre goes dark: each of its nodes fails as if clicked (its users stay)."""
    site.status = SITE_DOWN
    sim.log("site_down", site.id)
    for node in members(sim, site.id):
        if node.status not in (DOWN, REMOVED):
            fail_node(sim, node)


def do_recover_site(sim: "Simulation", cmd: Command, site: Site) -> None:
    """Power is back: every node of the site that is down recovers (a database rejoins as usual)."""
    site.status = SITE_UP
    sim.log("site_up", site.id)
    for node in members(sim, site.id):
        if node.status == DOWN:
            recover_node(sim, node)


def menu(node: Node) -> list[Command]:
    """A node standing in a site offers to fail or recover that whole site."""
    return [FailSite(node.site), RecoverSite(node.site)] if node.site else []


RULES: dict[type, tuple[Any, Any]] = {
    FailSite: (check_fail_site, do_fail_site),
    RecoverSite: (check_recover_site, do_recover_site),
}
