"""Cross-checks of [[sites]]: site ids, who stands where, timeline entries naming a site."""

from __future__ import annotations

from pathlib import Path

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
