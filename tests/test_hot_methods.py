"""Each kind of server runs its own copy of the hot methods (Server.__init_subclass__), so that
CPython's per-place attribute caches see one class each; the copies are the same program (the pinned report digests in test_sessions.py show that no
run changes)."""

from visualizer.sim.components.cache import Cache
from visualizer.sim.components.database import Database
from visualizer.sim.components.web import WebServer
from visualizer.sim.servers import HOT_METHODS, Server


def test_every_server_kind_has_its_own_code_for_each_hot_method():
    kinds = [c for c in (WebServer, Database, Cache) if issubclass(c, Server)]
    for name in HOT_METHODS:
        codes = [getattr(c, name).__code__ for c in kinds] + [getattr(Server, name).__code__]
        assert len({id(c) for c in codes}) == len(codes), name
        assert all(c.co_code == codes[-1].co_code for c in codes), name    # the same program


def test_on_answer_follows_the_kinds_own_release_unless_the_kind_has_its_own():
    assert WebServer.on_answer is WebServer.release
    assert Database.on_answer is Database.release
    assert Cache.on_answer is Cache.__dict__["on_answer"]


def test_a_kind_defined_later_gets_copies_too():
    class Toy(Server):
        pass
    assert Toy.receive is not Server.receive and Toy.receive.__code__.co_code == Server.receive.__code__.co_code
    assert Toy.on_answer is Toy.release



def test_nodes_keep_their_attributes_in_slots_and_a_small_dict():
    """With more than 30 attributes in an instance dict, CPython 3.11 stops caching method lookups
    on it (every `self.method()` of a server took the slow path): the hot kinds use slots."""
    from pathlib import Path

    from visualizer.scenario import load
    from visualizer.sim.model import Simulation
    for name in sorted(p.stem for p in Path("scenarios").glob("*.toml")):
        sim = Simulation(load(name))
        sim.run_until(5.0)
        for n in sim.nodes:
            assert len(vars(n)) <= 24, (name, n.id, sorted(vars(n)))
            if isinstance(n, Server):
                assert not {"free", "queue", "visits", "lat", "status"} & set(vars(n))


def test_dispose_drops_what_a_node_holds_in_slots_and_dict():
    from visualizer.scenario import load
    from visualizer.sim.model import Simulation
    sim = Simulation(load("sandbox"))
    sim.run_until(1.0)
    web = sim.by_id["web1"]
    web.note = "added by a kind"
    web.dispose()
    assert not vars(web) and not hasattr(web, "model") and not hasattr(web, "visits")


def test_a_copy_reads_as_its_kinds_method():
    assert WebServer._begin.__qualname__ == "WebServer._begin"
    assert WebServer._begin.__doc__ == Server._begin.__doc__
    assert WebServer.receive.__module__ == Server.receive.__module__
