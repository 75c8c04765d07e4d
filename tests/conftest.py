"""Shared fixtures: small scenarios built from dicts, and a runner that checks conservation."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import copy
from pathlib import Path
from typing import Any

import pytest

from visualizer.scenario import check_references
from visualizer.schema import Scenario, scenario_model

ROOT_DIR = Path(__file__).resolve().parent.parent
META = {"name": "test", "title": {"en": "test", "ko": "시험"}, "seed": 7, "duration": 3600.0}


def make_scenario(nodes: list[dict], links: list[tuple], traffic: dict | None = None,
                  timeline: list[dict] | None = None, **meta: Any) -> Scenario:
    """A validated Scenario from plain data; links are (from, to) or (from, to, latency_ms)."""
    data = {
        "meta": {**META, **meta},
        "traffic": traffic or {},
        "nodes": nodes,
        "links": [{"from": l[0], "to": l[1], "latency_ms": float(l[2]) if len(l) > 2 else 5.0}
                  for l in links],
        "timeline": timeline or [],
    }
    sc = scenario_model().model_validate(data)
    check_references(sc, "<test>")
    return sc


def single_server(**traffic: Any) -> Scenario:
    return make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "web1", "kind": "web_server", "workers": 4, "service_ms": 20.0}],
        [("users", "web1", 10.0)],
        {"rate": 50.0, **traffic})


def load_balanced(n_web: int = 2, lb: dict | None = None, web: dict | None = None,
                  **traffic: Any) -> Scenario:
    webs = [f"web{i + 1}" for i in range(n_web)]
    return make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "lb", "kind": "load_balancer", "health_check_ms": 500.0, **(lb or {})}]
        + [{"id": w, "kind": "web_server", "workers": 4, "service_ms": 20.0, "boot_s": 2.0,
            **(web or {})} for w in webs],
        [("users", "lb", 10.0)] + [("lb", w, 1.0) for w in webs],
        {"rate": 100.0, **traffic})


def replicated(n_replicas: int = 2, lag_ms: float = 100.0, replica: dict | None = None,
               primary: dict | None = None, **traffic: Any) -> Scenario:
    reps = [f"replica{i + 1}" for i in range(n_replicas)]
    return make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "web1", "kind": "web_server", "workers": 32, "service_ms": 5.0, "queue_limit": 1000},
         {"id": "db", "kind": "db_primary", "workers": 8, "service_ms": 2.0, **(primary or {})}]
        + [{"id": r, "kind": "db_replica", "workers": 8, "service_ms": 2.0, "lag_ms": lag_ms,
            **(replica or {})} for r in reps],
        [("users", "web1", 10.0), ("web1", "db", 1.0)] + [("web1", r, 1.0) for r in reps]
        + [("db", r, 1.0) for r in reps],
        {"rate": 200.0, "read_ratio": 0.8, "keys": 200, **traffic})


def combined(rate: float = 1000.0, **traffic: Any) -> Scenario:
    """DNS -> LB -> web servers -> read replicas / write primary (the seed's final design)."""
    webs = ["web1", "web2", "web3", "web4"]
    reps = ["replica1", "replica2", "replica3"]
    return make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "dns", "kind": "dns", "points_to": "lb", "ttl_s": 30.0},
         {"id": "lb", "kind": "load_balancer", "algorithm": "least_connections"}]
        + [{"id": w, "kind": "web_server", "workers": 16, "service_ms": 10.0} for w in webs]
        + [{"id": "db", "kind": "db_primary", "workers": 16, "service_ms": 3.0}]
        + [{"id": r, "kind": "db_replica", "workers": 16, "service_ms": 3.0, "lag_ms": 100.0}
           for r in reps],
        [("users", "dns", 20.0), ("users", "lb", 30.0)] + [("lb", w, 1.0) for w in webs]
        + [(w, "db", 1.0) for w in webs] + [(w, r, 1.0) for w in webs for r in reps]
        + [("db", r, 2.0) for r in reps],
        {"rate": rate, "read_ratio": 0.9, "clients": 5000, "keys": 10000, **traffic},
        name="combined")


def run(sim: Any, until: float, dt: float = 0.5) -> Any:
    """Advance in steps, checking conservation after each."""
    while sim.time < until - 1e-9:
        sim.run_until(min(until, sim.time + dt))
        sim.check_conservation()
    return sim


@pytest.fixture
def single() -> Scenario:
    return single_server()


@pytest.fixture
def lb2() -> Scenario:
    return load_balanced()


@pytest.fixture
def repl() -> Scenario:
    return replicated()


@pytest.fixture
def design() -> Scenario:
    return combined(rate=200.0)


@pytest.fixture
def clone():
    return copy.deepcopy


def pygame_display():
    """A display and fonts for tests that draw (a 64x64 dummy window), for a module-scoped fixture."""
    import pygame

    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((64, 64))
    yield


def tiny_lesson(**meta: Any) -> Scenario:
    """Three beats (the second a task for the student) on a balancer and two servers, one second."""
    beats = [{"at": 0.0, "caption": {"en": "First: the users arrive.", "ko": "첫째"}, "highlight": ["lb"]},
             {"at": 0.5, "caption": {"en": "Second: web1 fails.", "ko": "둘째"}, "action": "fail", "node": "web1",
              "wait": True},
             {"at": 0.6, "caption": {"en": "Third: the balancer notices.", "ko": "셋째"}}]
    nodes = [{"id": "users", "kind": "client"}, {"id": "lb", "kind": "load_balancer"},
             {"id": "web1", "kind": "web_server"}, {"id": "web2", "kind": "web_server"}]
    links = [("users", "lb"), ("lb", "web1"), ("lb", "web2")]
    return make_scenario(nodes, links, {"rate": 50.0}, beats, duration=1.0, speed=0.25, lesson=9, **meta)
