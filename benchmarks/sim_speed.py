"""Speed of the simulation core on the combined design at 1,000 requests/s, beside SimPy.

Run: .venv/bin/python benchmarks/sim_speed.py [--seconds 20] [--repeat 3] [--against CHECKOUT]
Prints simulated seconds per wall (and CPU) second and events per second for our core and for an
equivalent SimPy model run in the same process, and the ratio. Best of --repeat runs each (at
least 7 for the headless comparison, run in turn).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import simpy  # noqa: E402

from visualizer.scenario import check_references  # noqa: E402
from visualizer.schema import Scenario, scenario_model  # noqa: E402
from visualizer.sim.model import Simulation  # noqa: E402

RATE = 1000.0
WEBS, REPLICAS = 4, 3
WEB_WORKERS, WEB_MS, DB_WORKERS, DB_MS = 16, 10.0, 16, 3.0
LAT = {"dns": 20.0, "lb": 30.0, "web": 1.0, "db": 1.0}
READ_RATIO, USERS, KEYS, TTL_S, QUEUE_LIMIT = 0.9, 5000, 10_000, 30.0, 100


def combined_scenario() -> Scenario:
    """DNS -> load balancer -> 4 web servers -> 1 primary + 3 read replicas, sized for 1,000/s."""
    webs = [f"web{i + 1}" for i in range(WEBS)]
    reps = [f"replica{i + 1}" for i in range(REPLICAS)]
    nodes = ([{"id": "users", "kind": "client"},
              {"id": "dns", "kind": "dns", "points_to": "lb", "ttl_s": TTL_S},
              {"id": "lb", "kind": "load_balancer", "algorithm": "least_connections"}]
             + [{"id": w, "kind": "web_server", "workers": WEB_WORKERS, "service_ms": WEB_MS,
                 "queue_limit": QUEUE_LIMIT} for w in webs]
             + [{"id": "db", "kind": "db_primary", "workers": DB_WORKERS, "service_ms": DB_MS,
                 "queue_limit": QUEUE_LIMIT}]
             + [{"id": r, "kind": "db_replica", "workers": DB_WORKERS, "service_ms": DB_MS,
                 "lag_ms": 100.0, "queue_limit": QUEUE_LIMIT} for r in reps])
    links = ([("users", "dns", LAT["dns"]), ("users", "lb", LAT["lb"])]
             + [("lb", w, LAT["web"]) for w in webs]
             + [(w, d, LAT["db"]) for w in webs for d in ["db"] + reps]
             + [("db", r, 2.0) for r in reps])
    sc = scenario_model().model_validate({
        "meta": {"name": "bench", "title": {"en": "bench", "ko": "벤치"}, "seed": 1, "duration": 3600.0},
        "traffic": {"rate": RATE, "read_ratio": READ_RATIO, "clients": USERS, "keys": KEYS},
        "nodes": nodes,
        "links": [{"from": a, "to": b, "latency_ms": lat} for a, b, lat in links]})
    check_references(sc, "<bench>")
    return sc


def run_core(seconds: float) -> tuple[float, float, int]:
    sim = Simulation(combined_scenario())
    sim.run_until(1.0)                                  # warm up: DNS caches, queues
    e0 = sim.q.seq
    w0, c0 = time.perf_counter(), time.process_time()
    sim.run_until(1.0 + seconds)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    sim.check_conservation()
    return wall, cpu, sim.q.seq - e0


def run_simpy(seconds: float) -> tuple[float, float, int]:
    """The same design as idiomatic SimPy: a process per request, Resources for workers, timeouts
    for links and work, the client's timeout as `done | timeout`, hops and outcomes recorded."""
    env = simpy.Environment()
    rnd = random.Random(1)
    webs = [simpy.Resource(env, WEB_WORKERS) for _ in range(WEBS)]
    active = [0] * WEBS
    primary = simpy.Resource(env, DB_WORKERS)
    replicas = [simpy.Resource(env, DB_WORKERS) for _ in range(REPLICAS)]
    dns_cache: dict[int, float] = {}
    latencies: list[float] = []
    failed: dict[str, int] = {}
    rr = [0]
    ms = 0.001

    def journey(user: int, write: bool, hops: list, done: simpy.Event):
        if dns_cache.get(user, -1.0) <= env.now:
            yield env.timeout(LAT["dns"] * ms)
            hops.append(("dns", env.now))
            yield env.timeout(LAT["dns"] * ms)
            dns_cache[user] = env.now + TTL_S
        yield env.timeout(LAT["lb"] * ms)
        hops.append(("lb", env.now))
        i = min(range(WEBS), key=lambda k: active[k])
        active[i] += 1
        yield env.timeout(LAT["web"] * ms)
        hops.append((f"web{i + 1}", env.now))
        web = webs[i]
        if len(web.queue) >= QUEUE_LIMIT:
            active[i] -= 1
            done.succeed("queue_full")
            return
        with web.request() as slot:
            yield slot
            yield env.timeout(rnd.expovariate(1000.0 / WEB_MS))
            if write:
                db = primary
            else:
                rr[0] = (rr[0] + 1) % REPLICAS
                db = replicas[rr[0]]
            yield env.timeout(LAT["db"] * ms)
            hops.append(("db", env.now))
            if len(db.queue) >= QUEUE_LIMIT:
                active[i] -= 1
                done.succeed("queue_full")
                return
            with db.request() as dslot:
                yield dslot
                yield env.timeout(rnd.expovariate(1000.0 / DB_MS))
            yield env.timeout(LAT["db"] * ms)
            hops.append((f"web{i + 1}", env.now))
        active[i] -= 1
        yield env.timeout(LAT["web"] * ms)
        hops.append(("lb", env.now))
        yield env.timeout(LAT["lb"] * ms)
        done.succeed("")

    def client(user: int, write: bool):
        t0 = env.now
        hops = [("users", t0)]
        done = env.event()
        env.process(journey(user, write, hops, done))
        result = yield done | env.timeout(2.0)
        if done in result:
            reason = result[done]
            if reason:
                failed[reason] = failed.get(reason, 0) + 1
            else:
                latencies.append((env.now - t0) * 1000.0)
        else:
            failed["timeout"] = failed.get("timeout", 0) + 1

    def source():
        while True:
            yield env.timeout(rnd.expovariate(RATE))
            env.process(client(rnd.randrange(USERS), rnd.random() >= READ_RATIO))

    env.process(source())
    env.run(until=1.0)
    e0 = next(env._eid)
    w0, c0 = time.perf_counter(), time.process_time()
    env.run(until=1.0 + seconds)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall, cpu, next(env._eid) - e0


def run_simpy_lean(seconds: float, rate: float = RATE) -> tuple[float, float, int]:
    """The same design as lean SimPy, start-up included: one process per request, consecutive
    delays merged into one timeout, no hop records, the client's timeout checked at the end."""
    w0, c0 = time.perf_counter(), time.process_time()
    env = simpy.Environment()
    rnd = random.Random(1)
    webs = [simpy.Resource(env, WEB_WORKERS) for _ in range(WEBS)]
    active = [0] * WEBS
    primary = simpy.Resource(env, DB_WORKERS)
    replicas = [simpy.Resource(env, DB_WORKERS) for _ in range(REPLICAS)]
    dns_cache: dict[int, float] = {}
    done = [0, 0]
    rr = [0]
    ms = 0.001
    web_rate, db_rate = 1000.0 / WEB_MS, 1000.0 / DB_MS

    def journey(user: int, write: bool):
        t0 = env.now
        lat = LAT["lb"] * ms
        if dns_cache.get(user, -1.0) <= t0:
            lat += 2 * LAT["dns"] * ms
            dns_cache[user] = t0 + 2 * LAT["dns"] * ms + TTL_S
        i = min(range(WEBS), key=lambda k: active[k])
        active[i] += 1
        yield env.timeout(lat + LAT["web"] * ms)
        web = webs[i]
        if len(web.queue) < QUEUE_LIMIT:
            with web.request() as slot:
                yield slot
                if write:
                    db = primary
                else:
                    rr[0] = (rr[0] + 1) % REPLICAS
                    db = replicas[rr[0]]
                yield env.timeout(rnd.expovariate(web_rate) + LAT["db"] * ms)
                if len(db.queue) < QUEUE_LIMIT:
                    with db.request() as dslot:
                        yield dslot
                        yield env.timeout(rnd.expovariate(db_rate))
                    yield env.timeout(LAT["db"] * ms)
        active[i] -= 1
        yield env.timeout((LAT["web"] + LAT["lb"]) * ms)
        done[env.now - t0 <= 2.0] += 1

    def source():
        while True:
            yield env.timeout(rnd.expovariate(rate))
            env.process(journey(rnd.randrange(USERS), rnd.random() >= READ_RATIO))

    env.process(source())
    env.run(until=seconds)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall, cpu, next(env._eid)


def run_core_headless(seconds: float, rate: float = RATE) -> tuple[float, float, int]:
    """Our core as a headless run uses it, start-up included: no dots' plans."""
    sc = combined_scenario()            # reading the file is not the model's start-up
    w0, c0 = time.perf_counter(), time.process_time()
    sim = Simulation(sc, rate=rate, plans=False)
    sim.run_until(seconds)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    sim.check_conservation()
    return wall, cpu, sim.q.seq


def best(fn, seconds: float, repeat: int) -> tuple[float, float, int]:
    runs = [fn(seconds) for _ in range(repeat)]
    return min(runs, key=lambda r: r[1])


def alternately(rate: float, seconds: float, repeat: int) -> tuple[float, float]:
    """Best CPU seconds of our headless core and of the lean SimPy model, their runs taken in
    turn so that both see the same moments of a busy machine."""
    core, lean = [], []
    for _ in range(repeat):
        core.append(run_core_headless(seconds, rate)[1])
        lean.append(run_simpy_lean(seconds, rate)[1])
    return min(core), min(lean)


def snapshot_ms() -> tuple[int, float]:
    """Median time of Simulation.snapshot() with about 5,000 requests in flight (the window calls
    it every frame): 2,600 requests/s on a link a second long."""
    data = {"meta": {"name": "many", "title": {"en": "many", "ko": "많음"}},
            "traffic": {"rate": 2600.0, "timeout_ms": 5000.0},
            "nodes": [{"id": "users", "kind": "client"},
                      {"id": "web1", "kind": "web_server", "workers": 64, "service_ms": 5.0}],
            "links": [{"from": "users", "to": "web1", "latency_ms": 1000.0}]}
    sc = scenario_model().model_validate(data)
    check_references(sc, "snapshot benchmark")
    sim = Simulation(sc)
    sim.run_until(2.0)
    times = []
    for _ in range(21):
        t0 = time.perf_counter()
        snap = sim.snapshot()
        times.append(time.perf_counter() - t0)
    times.sort()
    return len(snap.dots), 1000 * times[len(times) // 2]


CORE_RUN = """
import sys; sys.path[:0] = ["benchmarks", "."]
import sim_speed
print(max({seconds} / sim_speed.run_core({seconds})[1] for _ in range(3)))
"""


def against(other: Path, seconds: float, rounds: int) -> None:
    """The window's model here beside another checkout's (say the core before a redesign: `git
    worktree add /tmp/old <commit>`), each in its own process, in turn; prints the median ratio."""
    ratios = []
    for _ in range(rounds):
        speeds = []
        for root in (Path(__file__).resolve().parent.parent, other):
            out = subprocess.run([sys.executable, "-c", CORE_RUN.format(seconds=seconds)], cwd=root,
                                 capture_output=True, text=True, check=True)
            speeds.append(float(out.stdout))
        ratios.append(speeds[0] / speeds[1])
        print(f"  this checkout {speeds[0]:5.1f}x, {other} {speeds[1]:5.1f}x: {ratios[-1]:.3f}")
    print(f"the window's model here runs {statistics.median(ratios):.2f}x the speed of {other}'s "
          f"(median of {rounds} rounds)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="simulated seconds per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs per model; the best counts")
    ap.add_argument("--against", type=Path, metavar="CHECKOUT",
                    help="only compare the window's model with another checkout's, in turn")
    args = ap.parse_args()
    if args.against is not None:
        if not (args.against / "benchmarks" / "sim_speed.py").is_file():
            ap.error(f"--against {args.against}: not a checkout of this project (no benchmarks/sim_speed.py)")
        against(args.against, min(args.seconds, 10.0), max(args.repeat, 6))
        return
    print(f"combined design, {RATE:g} requests/s, {args.seconds:g} simulated s, best of {args.repeat}")
    rows = {}
    for name, fn in (("core", run_core), ("simpy", run_simpy)):
        wall, cpu, events = best(fn, args.seconds, args.repeat)
        rows[name] = (wall, cpu, events)
        print(f"{name:6s} {args.seconds / wall:7.1f}x real time (wall) {args.seconds / cpu:7.1f}x (cpu)"
              f"  {events / cpu:9.0f} events/s  {events / (args.seconds * RATE):5.2f} events/request")
    print(f"ratio  core is {rows['simpy'][1] / rows['core'][1]:.2f}x faster than SimPy (cpu time)")
    for rate in (200.0, 1000.0):
        core, lean = alternately(rate, args.seconds, max(args.repeat, 7))
        print(f"headless at {rate:g}/s, start-up included: core {1000 * core:.1f} ms cpu, lean SimPy "
              f"{1000 * lean:.1f} ms cpu: core is {lean / core:.2f}x faster")
    n, ms = snapshot_ms()
    print(f"snapshot with {n} requests in flight: {ms:.2f} ms (median of 21)")


if __name__ == "__main__":
    main()
