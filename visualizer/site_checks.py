"""Cross-checks of [[sites]] and of the DNS's policy: site ids, who stands where, geo entry points."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from visualizer.errors import ScenarioError, did_you_mean
from visualizer.schema import Scenario
from visualizer.sim import registry as reg

Ids = dict[str, str]      # node id -> kind


def check_sites(sc: Scenario, path: str | Path, ids: Ids) -> set[str]:
    """The site ids (unique, none also a node id); every node's `site` names one; with sites,
    every client has one. Returns the ids."""
    sites: set[str] = set()
    for i, site in enumerate(sc.sites):
        if site.id in sites:
            raise ScenarioError(path, f"sites[{i}].id", f"duplicate site id '{site.id}'")
        if site.id in ids:
            raise ScenarioError(path, f"sites[{i}].id", f"'{site.id}' is also a node id; a timeline "
                                "entry naming it could not tell which is meant")
        sites.add(site.id)
    for node in sc.nodes:
        key = f"nodes[{node.id}].site"
        if node.site is not None and node.site not in sites:
            known = f" (sites: {', '.join(sorted(sites))})" if sites else "; the scenario has no [[sites]]"
            raise ScenarioError(path, key, f"unknown site '{node.site}'{did_you_mean(node.site, sites)}{known}")
        if sites and node.site is None and reg.has_role(node.kind, reg.USERS):
            raise ScenarioError(path, key, "a client needs a site when the scenario has [[sites]] "
                                "(the site its users live in)")
    return sites


def site_ref(path: str | Path, key: str, ref: str, sites: set[str]) -> None:
    """A timeline entry's `node` that must name a site (fail_site, recover_site)."""
    if ref not in sites:
        known = f" (sites: {', '.join(sorted(sites))})" if sites else "; the scenario has no [[sites]]"
        raise ScenarioError(path, key, f"unknown site '{ref}'{did_you_mean(ref, sites)}{known}")


def targets(node: object) -> list[str]:
    """The entry points a DNS node's points_to names (none, one, or a list)."""
    points = getattr(node, "points_to", None)
    return [points] if isinstance(points, str) else list(points or ())


def check_policy(sc: Scenario, path: str | Path, g: nx.DiGraph, sites: set[str]) -> None:
    """A `single` DNS hands out one entry point; a `geo` one needs sites and hands out one entry
    point per site, each reachable from every client that asks it."""
    site_of = {n.id: n.site for n in sc.nodes}
    clients = {n.id for n in sc.nodes if reg.has_role(n.kind, reg.USERS)}
    for node in sc.nodes:
        if not reg.has_role(node.kind, reg.NAMESERVER):
            continue
        names, key = targets(node), f"nodes[{node.id}].points_to"
        if getattr(node, "policy", "single") != "geo":
            if len(names) > 1:
                raise ScenarioError(path, key, "policy 'single' hands out one entry point; set "
                                    "policy = \"geo\" to hand out one per site")
            continue
        if not sites:
            raise ScenarioError(path, f"nodes[{node.id}].policy", "policy 'geo' needs [[sites]] "
                                "and clients that say which site their users live in")
        if not names:
            raise ScenarioError(path, key, "policy 'geo' needs points_to, a list of the entry "
                                "point of each site")
        _check_geo_targets(path, key, names, site_of)
        for client in [c for c in g.predecessors(node.id) if c in clients]:
            for name in names:
                if not nx.has_path(g, client, name):
                    raise ScenarioError(path, f"nodes[{client}]", f"no link to '{name}', which "
                                        f"{node.id} may hand out; link the users to every site's "
                                        "entry point (its latency is how far they are from it)")


def _check_geo_targets(path: str | Path, key: str, names: list[str], site_of: dict[str, str | None]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        site = site_of.get(name)
        if site is None:
            raise ScenarioError(path, key, f"'{name}' has no site; under policy 'geo' each entry "
                                "point belongs to a site")
        if site in seen:
            raise ScenarioError(path, key, f"'{seen[site]}' and '{name}' are both in site '{site}'; "
                                "hand out one entry point per site")
        seen[site] = name
