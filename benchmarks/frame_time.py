"""Frame time: the whole frame on the real model (step + snapshot + drawing + flip) for every bundled
scenario at several speeds, a 14-server design and a 500-node one (group cards); the drawing alone with 1,000 and 5,000 dots;
and startup to first frame.

Run: .venv/bin/python benchmarks/frame_time.py [--quick] [--only NAME,NAME]
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import dataclasses  # noqa: E402
import gc  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from visualizer.app import App  # noqa: E402
from visualizer.heap import FramePacedGC  # noqa: E402
from visualizer.scenario import load  # noqa: E402
from visualizer.sim.snapshot import IN_SERVICE, ON_LINK, QUEUED, RequestDots, Snapshot  # noqa: E402

FRAMES, WARMUP = 300, 30
SIZES = ((1920, 1080), (1280, 720))
COUNTS = (1_000, 5_000)


def with_dots(snap: Snapshot, n: int, rng: np.random.Generator) -> Snapshot:
    """The model's snapshot with `n` requests in flight: 85% on links, the rest queued or in service."""
    idx = {node.id: i for i, node in enumerate(snap.nodes)}
    links = np.array([(idx[l.src], idx[l.dst]) for l in snap.links], dtype=np.int32)
    pick = links[rng.integers(0, len(links), n)]
    fwd = rng.random(n) < 0.5
    src = np.where(fwd, pick[:, 0], pick[:, 1]).astype(np.int32)
    dst = np.where(fwd, pick[:, 1], pick[:, 0]).astype(np.int32)
    phase = np.full(n, ON_LINK, dtype=np.int8)
    at_node = rng.random(n) < 0.15
    phase[at_node] = np.where(rng.random(int(at_node.sum())) < 0.5, QUEUED, IN_SERVICE)
    dst[at_node] = src[at_node]
    dots = RequestDots(id=np.arange(n, dtype=np.int64), src=src, dst=dst, frac=rng.random(n).astype(np.float32),
                       kind=(rng.random(n) < 0.2).astype(np.int8), phase=phase, forward=fwd)
    return dataclasses.replace(snap, dots=dots)


@dataclasses.dataclass
class Still:
    """Stands in for the window's player: shows whatever snapshot the benchmark hands it."""

    snap: Snapshot

    def snapshot(self) -> Snapshot:
        return self.snap


def frame_times(size: tuple[int, int], n: int) -> np.ndarray:
    """Milliseconds per App.render (draw_frame + widgets) over FRAMES frames with `n` dots moving."""
    screen = pygame.display.set_mode(size)
    sc = load("combined")
    from visualizer.sim.model import Simulation

    sim = Simulation(sc)
    sim.run_until(10.0)
    base = sim.snapshot()
    still = Still(base)
    app = App(lambda: still, sc, lang="ko")
    rng = np.random.default_rng(1)
    snap = with_dots(base, n, rng)
    times = []
    for k in range(FRAMES + WARMUP):
        frac = (snap.dots.frac + 0.01) % 1.0
        snap = dataclasses.replace(snap, time=base.time + k / 60 * 0.25,
                                   dots=dataclasses.replace(snap.dots, frac=frac.astype(np.float32)))
        still.snap = snap
        app.refresh()
        t0 = time.perf_counter()
        app.render(screen)
        times.append(time.perf_counter() - t0)
        pygame.display.flip()
        if k == WARMUP:
            gc.collect()
            gc.freeze()          # as the app does after its first frame
    return np.array(times[WARMUP:]) * 1000.0


STARTUP = r"""
import os, sys, time
os.environ.setdefault("SDL_VIDEODRIVER", "dummy"); os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, {root!r})
import pygame
from visualizer.app import App
from visualizer.scenario import load
from visualizer.lesson import LessonPlayer
pygame.display.init(); pygame.font.init()
screen = pygame.display.set_mode((1280, 720))
sc = load("combined")
app = App(lambda: LessonPlayer(sc), sc, lang="ko")
app.advance_frame(1 / 60, screen); pygame.display.flip()
print("FIRST_FRAME", flush=True)
"""


def startup_ms() -> float:
    """Wall time from launching a fresh interpreter to the first frame on screen."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", STARTUP.format(root=str(ROOT))], capture_output=True, text=True,
                         env=dict(os.environ), timeout=60)
    elapsed = (time.perf_counter() - t0) * 1000.0
    if "FIRST_FRAME" not in out.stdout:
        raise SystemExit(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "startup failed")
    return elapsed


SPEEDS = (0.01, 1.0, 10.0, 100.0)


def tiered(name: str, title: tuple[str, str], webs: int, web_workers: int, replicas: int,
           db_workers: int, rate: float, reads_from: Any) -> "Scenario":
    """Users -> DNS -> one least-connections balancer -> `webs` web servers -> a primary (db1) and
    `replicas` replicas (db2, ...); `reads_from(web, replicas)` names the replicas a web server
    links to. Every link 2 ms."""
    from visualizer.scenario import validate

    names, reps = [f"web{i}" for i in range(1, webs + 1)], [f"db{i}" for i in range(2, replicas + 2)]
    nodes = ([{"id": "users", "kind": "client"}, {"id": "dns", "kind": "dns", "points_to": "lb"},
              {"id": "lb", "kind": "load_balancer", "algorithm": "least_connections"}]
             + [{"id": w, "kind": "web_server", "workers": web_workers, "service_ms": 40.0} for w in names]
             + [{"id": "db1", "kind": "db_primary", "workers": db_workers, "service_ms": 5.0}]
             + [{"id": r, "kind": "db_replica", "workers": db_workers, "service_ms": 5.0} for r in reps])
    links = ([("users", "dns"), ("users", "lb")] + [("lb", w) for w in names]
             + [(w, d) for w in names for d in ["db1", *reads_from(w, reps)]]
             + [("db1", r) for r in reps])
    return validate({"meta": {"name": name, "title": {"en": title[0], "ko": title[1]}, "duration": 3600.0},
                     "traffic": {"rate": rate, "read_ratio": 0.9},
                     "nodes": nodes, "links": [{"from": a, "to": b, "latency_ms": 2.0} for a, b in links]},
                    "<benchmark>")


def fourteen_servers() -> "Scenario":
    """8 web servers x 8 workers behind a balancer, a primary and 5 replicas, at 600 requests/s."""
    return tiered("fourteen", ("14 servers", "서버 14대"), 8, 8, 5, 8, 600.0,
                  lambda web, reps: reps)


def five_hundred(webs: int = 480, replicas: int = 16) -> "Scenario":
    """A design that outgrows the picture: 480 web servers x 4 workers behind one balancer, a primary
    and 16 replicas (500 nodes with users, DNS and the balancer), at 2,000 requests/s; each web
    server reads from one replica."""
    return tiered("five-hundred", ("500 nodes", "노드 500개"), webs, 4, replicas, 16, 2000.0,
                  lambda web, reps: [reps[int(web[3:]) % len(reps)]])


def whole_frames(sc, speed: float, frames: int, size=(1920, 1080)) -> tuple[np.ndarray, float]:
    """Milliseconds per whole window frame (App.advance_frame with drawing, then flip) on the real
    model at `speed`, and the speed the window really ran at the end."""
    from visualizer.lesson import LessonPlayer

    screen = pygame.display.set_mode(size)
    app = App(lambda: LessonPlayer(sc), sc, speed=speed)
    times = []
    heap = FramePacedGC()
    for k in range(frames + WARMUP):
        t0 = time.perf_counter()
        app.advance_frame(1 / 60, screen)
        pygame.display.flip()
        heap.after_frame() if k else heap.start()      # as App.run does, inside the frame
        times.append(time.perf_counter() - t0)
    running = app.view.running_speed if app.view.running_speed is not None else speed
    heap.stop()
    gc.unfreeze()
    return np.array(times[WARMUP:]) * 1000.0, running


def main() -> int:
    pygame.display.init()
    pygame.font.init()
    quick = "--quick" in sys.argv
    from visualizer.scenario import bundled

    print("whole frames at 1920x1080 on the real model (step + snapshot + draw + flip)")
    print(f"{'scenario':>18} {'speed':>7} {'runs at':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv[:-1] else None
    cases = [(name, sc, sp) for name, sc in bundled() for sp in SPEEDS if only is None or name in only]
    if only is None or "14" in only:
        cases.append(("14 servers", fourteen_servers(), 20.0))
    if only is None or "500" in only:
        cases.append(("500 nodes", five_hundred(), 1.0))
    if only is not None:
        for name, sc, sp in cases:
            ms, running = whole_frames(sc, sp, 60 if quick else 300)
            print(f"{name:>18} {sp:>6g}x {running:>7.3g}x {np.percentile(ms, 50):8.2f} "
                  f"{np.percentile(ms, 95):8.2f} {ms.max():8.2f}", flush=True)
        return 0
    for name, sc, sp in cases:
        ms, running = whole_frames(sc, sp, 60 if quick else 300)
        print(f"{name:>18} {sp:>6g}x {running:>7.3g}x {np.percentile(ms, 50):8.2f} "
              f"{np.percentile(ms, 95):8.2f} {ms.max():8.2f}", flush=True)
    print()
    print("drawing alone (App.render) with synthetic dots")
    print(f"{'size':>10} {'dots':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for size in SIZES:
        for n in COUNTS:
            ms = frame_times(size, n)
            print(f"{size[0]:>5}x{size[1]:<4} {n:>6} {np.percentile(ms, 50):8.2f} {np.percentile(ms, 95):8.2f} "
                  f"{ms.max():8.2f}")
    runs = [startup_ms() for _ in range(3)]
    print(f"startup to first frame: {min(runs):.0f} ms (best of 3; {', '.join(f'{r:.0f}' for r in runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
