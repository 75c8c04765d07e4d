"""The window driven headless: keys do what the help says, and random input never breaks it."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import SPEEDS, App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import bundled, load  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402

from visualizer.sim.model import Simulation  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

RESERVED = (pygame.K_PAGEDOWN, pygame.K_PAGEUP, pygame.K_RIGHT, pygame.K_LEFT, pygame.K_RETURN, pygame.K_HOME,
            pygame.K_b, pygame.K_m, pygame.K_PERIOD, pygame.K_r, pygame.K_F12, pygame.K_p)


@pytest.fixture(scope="module")
def screen():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720), pygame.RESIZABLE)


def key(k: int, char: str = "", mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=char, scancode=0)


def click(pos, button: int = 1) -> pygame.event.Event:
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=tuple(int(v) for v in pos), button=button)


def make_app(name: str = "combined", lang: str = "en") -> App:
    sc = load(name)
    return App(lambda: LessonPlayer(sc), sc, lang=lang)


def test_reserved_keys_are_free_for_lessons_and_recording(screen):
    app = make_app()
    for k in RESERVED:
        assert app.keymap.action_for_key(k) is None, pygame.key.name(k)
    from visualizer.ui.keymap import Binding
    with pytest.raises(ValueError):
        app.bind(Binding("other", (pygame.K_SPACE,)), lambda: None)   # Space is taken
    hits = []
    app.bind(Binding("next", (pygame.K_PAGEDOWN,), shown="PgDn", help="key.pause"), lambda: hits.append(1))
    app.handle_event(key(pygame.K_PAGEDOWN))
    assert hits == [1]
    assert ("PgDn", "key.pause") in list(app.keymap.help_entries())


def test_keys(screen):
    app = make_app()
    app.advance_frame(0.05)
    t0 = app.player.time
    app.handle_event(key(pygame.K_SPACE, " "))
    assert app.view.paused
    app.advance_frame(0.05)
    assert app.player.time == t0
    app.handle_event(key(pygame.K_s, "s"))
    assert app.player.time > t0
    speed = app.view.speed
    app.handle_event(key(pygame.K_EQUALS, "+", pygame.KMOD_SHIFT))
    assert app.view.speed > speed
    app.handle_event(key(pygame.K_MINUS, "-"))
    app.handle_event(key(pygame.K_MINUS, "-"))
    assert app.view.speed < speed
    app.handle_event(key(pygame.K_l, "l"))
    assert app.view.lang == "ko"
    app.handle_event(key(pygame.K_SLASH, "?", pygame.KMOD_SHIFT))
    assert app.help.visible
    app.handle_event(key(pygame.K_ESCAPE))
    assert not app.help.visible
    app.handle_event(key(pygame.K_r, "\x12", pygame.KMOD_CTRL))
    assert app.player.time == 0.0
    app.handle_event(key(pygame.K_F11))
    assert app.view.projector
    app.handle_event(key(pygame.K_q, "q"))
    assert not app.running


def test_speed_runs_from_a_hundredth_to_a_hundred(screen):
    app = make_app()
    for _ in range(30):
        app.change_speed(+1)
    assert app.view.speed == SPEEDS[-1] == 100.0
    for _ in range(30):
        app.change_speed(-1)
    assert app.view.speed == SPEEDS[0] == 0.01


def test_click_fails_then_recovers_a_server(screen):
    app = make_app()
    app.render(screen)
    pos = app.layout.centers[app.layout.index("web1")]
    app.handle_event(click(pos))
    assert next(n for n in app.snap.nodes if n.id == "web1").status == "down"
    app.advance_frame(0.02)
    app.handle_event(click(pos))
    assert next(n for n in app.snap.nodes if n.id == "web1").status != "down"


def test_right_click_menu_lists_and_applies_actions(screen):
    app = make_app()
    app.render(screen)
    pos = app.layout.centers[app.layout.index("lb")]
    app.handle_event(click(pos, 3))
    assert app.menu.is_open
    labels = [label for label, _ in app.menu.items]
    assert any("web server" in label for label in labels)
    app.render(screen)
    rect, row, head = app.menu._geometry()
    add = next(k for k, (_, cmd) in enumerate(app.menu.items) if isinstance(cmd, C.AddServer))
    before = len(app.snap.nodes)
    app.handle_event(click((rect.left + 20, rect.top + head + add * row + row // 2)))
    assert not app.menu.is_open
    assert len(app.snap.nodes) == before + 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_algorithm_menu_marks_the_current_one_in_its_place(screen, lang):
    from visualizer.sim.components.balancer import ALGORITHMS
    from visualizer.ui.menu import command_label

    app = make_app(lang=lang)
    app.apply(C.SetAlgorithm("lb", "least_connections"))
    app.render(screen)
    app.handle_event(click(app.layout.centers[app.layout.index("lb")], 3))
    rows = [(label, cmd) for label, cmd in app.menu.items]
    shown = command_label(C.SetAlgorithm("lb", "least_connections"), lang)
    current = [k for k, (label, cmd) in enumerate(rows) if cmd is None and shown in label]
    assert len(current) == 1, "the algorithm in use is listed, marked, not left out"
    algos = [(k, cmd.algorithm) for k, (_, cmd) in enumerate(rows) if isinstance(cmd, C.SetAlgorithm)]
    order = sorted(algos + [(current[0], "least_connections")])
    assert [a for _, a in order] == list(ALGORITHMS), "in the usual order, among its siblings"
    changes = sum(e.event == "set_algorithm" for e in app.player.sim.events)
    rect, row, head = app.menu._geometry()
    app.handle_event(click((rect.centerx, rect.top + head + row * current[0] + row // 2)))
    assert not app.menu.is_open and sum(e.event == "set_algorithm" for e in app.player.sim.events) == changes
    assert app.snap.nodes[app.snap.index("lb")].extra["algorithm"] == "least_connections"


def test_speeds_read_as_plain_numbers_everywhere(screen):
    from visualizer.render.scene import fmt_speed

    assert [fmt_speed(x) for x in SPEEDS] == ["0.01", "0.02", "0.05", "0.1", "0.25", "0.5", "1", "2", "5",
                                             "10", "20", "50", "100"]
    for x in np.geomspace(0.01, 100, 997):
        assert "e" not in fmt_speed(float(x)) and float(fmt_speed(float(x))) == pytest.approx(x, rel=0.06, abs=0.005)
    app = make_app()
    for _ in range(len(SPEEDS)):
        app.handle_event(key(pygame.K_PLUS, "+"))
    assert app.view.speed == 100.0
    assert app.speed_slider.fmt(app.speed_slider.value) == "100×", "the slider's label at 100x"
    assert app.toasts.items[-1][0] == "Speed ×100"


def test_a_refused_command_is_a_toast_not_a_crash(screen):
    app = make_app()
    app.render(screen)
    assert app.apply(C.Recover("web1")) is False     # it is not down
    assert app.toasts.items and app.toasts.items[-1][2]


def test_clicking_a_dot_opens_its_request_card(screen):
    app = make_app()
    app.view.speed = 1.0
    for _ in range(40):
        app.advance_frame(1 / 60)
    app.view.paused = True
    app.render(screen)
    from visualizer.render.dots import dot_positions
    pos, shown, _ = dot_positions(app.snap.dots, app.layout)
    on_link = np.nonzero(shown & (app.snap.dots.phase == 0))[0]
    assert len(on_link)
    k = next(int(i) for i in on_link if app.node_at(tuple(pos[i])) is None)
    app.handle_event(click(pos[k]))
    assert app.view.selected_request == int(app.snap.dots.id[k])
    assert app.request_card.info is not None
    app.render(screen)


def random_event(rng: np.random.Generator, app: App, size: tuple[int, int]) -> pygame.event.Event | None:
    w, h = size
    kind = rng.integers(0, 10)
    if kind <= 2 and app.layout is not None and len(app.layout.ids):     # click a node
        i = int(rng.integers(0, len(app.layout.ids)))
        return click(app.layout.centers[i] + rng.normal(0, 10, 2), int(rng.choice([1, 1, 3])))
    pos = (int(rng.integers(0, w)), int(rng.integers(0, h)))
    if kind == 3:
        return click(pos, int(rng.choice([1, 3])))
    if kind == 4:
        return pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0))
    if kind == 5:
        return pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)
    if kind == 6:     # drag a slider
        s = app.speed_slider if rng.random() < 0.5 else app.rate_slider
        tr = s._track()
        return click((int(rng.integers(tr.left, tr.right + 1)), tr.centery))
    keys = [(pygame.K_SPACE, " "), (pygame.K_s, "s"), (pygame.K_EQUALS, "+"), (pygame.K_MINUS, "-"),
            (pygame.K_l, "l"), (pygame.K_h, "h"), (pygame.K_ESCAPE, ""), (pygame.K_F11, ""),
            (pygame.K_SLASH, "?"), (pygame.K_a, "a"), (pygame.K_PAGEDOWN, ""), (pygame.K_q, "q")]
    k, ch = keys[int(rng.integers(0, len(keys)))]
    if rng.random() < 0.03:
        return key(pygame.K_r, "\x12", pygame.KMOD_CTRL)
    return key(k, ch)


def scenario_names() -> list[str]:
    return [name for name, _ in bundled()] or ["combined"]


@pytest.mark.parametrize("name", scenario_names())
def test_fuzz_random_input_never_crashes_and_conserves(screen, name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    app = make_app(name, lang=str(rng.choice(["en", "ko"])))
    surface = screen
    size = surface.get_size()
    start = time.perf_counter()
    for step in range(1500):
        if time.perf_counter() - start > 5.0:
            break
        if rng.random() < 0.01:     # resize the window
            size = (int(rng.integers(320, 2000)), int(rng.integers(240, 1200)))
            surface = pygame.display.set_mode(size, pygame.RESIZABLE)
            app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
        event = random_event(rng, app, size)
        if event is not None:
            app.handle_event(event)
        app.running = True
        if app.view.speed > 5:
            app.view.speed = 5.0    # keep the test fast; 100x is covered by test_speed_runs_...
        app.advance_frame(float(rng.choice([0.0, 1 / 60, 1 / 30, 0.2])))
        if step % 5 == 0:
            app.render(surface)
        if step % 50 == 0:
            app.player.check_conservation()
    app.player.check_conservation()
    pygame.display.set_mode((1280, 720), pygame.RESIZABLE)


def test_no_display_is_one_line_and_exit_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    code = ("import sys; from visualizer.window import run_window; from visualizer.scenario import load; "
            "sys.exit(run_window(load('combined')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    lines = [ln for ln in out.stderr.splitlines() if ln.strip() and "ALSA" not in ln]
    assert len(lines) == 1 and "--headless" in lines[0] and "--record" in lines[0]
    assert "Traceback" not in out.stderr


def test_inspector_facts_are_translated():
    from visualizer.ui.cards import node_lines

    sim = Simulation(load("combined"))
    sim.step(1.0)
    for n in sim.snapshot().nodes:
        labels = [label for label, _ in node_lines(n, "ko")]
        for key in n.extra:
            assert key.replace("_", " ") not in labels, f"{n.id}: '{key}' shown untranslated"
    lb = next(n for n in sim.snapshot().nodes if n.kind == "load_balancer")
    assert ("분산 방식", "최소 연결") in node_lines(lb, "ko")


def test_request_card_facts_are_translated():
    from visualizer.i18n import fact

    sim = Simulation(load("combined"))
    sim.step(1.0)
    info = sim.request_info(int(sim.snapshot().dots.id[0]))
    for key in info:
        if key != "id":
            assert fact(key, "x", "ko", group="req")[0] != key.replace("_", " "), f"'{key}' has no Korean label"
    assert fact("kind", "read", "ko", group="req") == ("종류", "읽기")
    assert fact("reason", "queue_full", "en", group="req") == ("why it failed", "queue full")


def test_menu_of_the_largest_server_says_why_it_cannot_grow(screen):
    sc = load("vertical-scaling")
    app = App(lambda: LessonPlayer(sc.model_copy(update={"timeline": []})), sc, lang="ko")
    for _ in range(3):
        app.apply(C.Upgrade("web1"))
    app.render(screen)
    center = app.layout.centers[app.layout.index("web1")]
    app.handle_event(click(center, 3))
    labels = [label for label, _ in app.menu.items]
    assert any("xlarge보다 큰 서버는 없습니다" in label for label in labels)
    assert not any(isinstance(cmd, C.Upgrade) for _, cmd in app.menu.items)
    note = next(i for i, (_, cmd) in enumerate(app.menu.items) if cmd is None)
    before = app.player.snapshot().nodes[app.snap.index("web1")].tier
    rect, row, head = app.menu._geometry()
    app.handle_event(click((rect.centerx, rect.top + head + row * note + row // 2), 1))
    assert app.player.snapshot().nodes[app.snap.index("web1")].tier == before == "xlarge"
