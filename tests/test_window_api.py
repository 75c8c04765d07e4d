"""The window's narrow API: only App writes its state, widgets in layers, one frame step, always a player."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import load  # noqa: E402
from visualizer.ui.base import Layer, Widget  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP_NAMES = {"app", "_app"}                  # how modules hold the App: app, self.app, stage.app
MUTATORS = {"append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault", "add", "discard",
            "set", "sort", "reverse"}


# ---- nobody outside app.py writes into the App -------------------------------------------------

def steps_after_app(node: ast.expr) -> int | None:
    """How many attribute/item steps `node` takes after an App reference (`app.view.x`: 2), else None."""
    steps = 0
    while True:
        if isinstance(node, ast.Name):
            return steps if node.id in APP_NAMES else None
        if isinstance(node, ast.Attribute):
            if node.attr in APP_NAMES:
                return steps
            node, steps = node.value, steps + 1
        elif isinstance(node, ast.Subscript):
            node, steps = node.value, steps + 1
        else:
            return None


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        found = [node.target]
    elif isinstance(node, ast.Delete):
        found = list(node.targets)
    else:
        return []
    flat = []
    while found:
        t = found.pop()
        if isinstance(t, (ast.Tuple, ast.List)):
            found.extend(t.elts)
        elif isinstance(t, ast.Starred):
            found.append(t.value)
        else:
            flat.append(t)
    return flat


def writes_into_app(source: str) -> list[str]:
    """Each `app.<attr>... = / += / del` and `app.<attr>.append(...)`-style call in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node):
            if (steps_after_app(target) or 0) >= 1:
                found.append(f"line {node.lineno}: {ast.unparse(target)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS \
                and (steps_after_app(node.func.value) or 0) >= 1:
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def scanned_files() -> list[Path]:
    files = [p for p in (ROOT / "visualizer").rglob("*.py") if p.name != "app.py"]
    return sorted(files + list((ROOT / "benchmarks").glob("*.py")) + [ROOT / "main.py"])


@pytest.mark.parametrize("snippet", [
    "app.snap = snap", "self.app.view.paused = True", "app.components += [w]", "app.components[:0] = [w]",
    "app.overlays.append(o)", "self.app.tick_hooks.append(h)", "a, app.make_sim = 1, f", "del app.view.title",
    "stage.app.speed_slider.set(2.0)", "app.view.caption: str = 'x'",
])
def test_the_scan_catches_each_kind_of_write(snippet):
    assert writes_into_app(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "self.app = app", "app.set_paused(True)", "x = app.view.paused", "app.add_widget(w, Layer.BASE)",
    "view.speed = 2", "app.toast('hi')",
])
def test_the_scan_lets_reads_and_public_calls_through(snippet):
    assert not writes_into_app(snippet), snippet


def test_no_module_outside_app_py_writes_into_the_app():
    offences = {str(p.relative_to(ROOT)): w for p in scanned_files() if (w := writes_into_app(p.read_text()))}
    assert not offences, f"use a public App method instead: {offences}"


# ---- widgets, layers, the one frame step ----------------------------------------------------------

class Probe(Widget):
    """Records what reaches it; consumes events when told to."""

    def __init__(self, name: str, log: list[str], consume: bool = False) -> None:
        self.name, self.log, self.consume = name, log, consume

    def handle_event(self, event: pygame.event.Event) -> bool:
        self.log.append(f"event {self.name}")
        return self.consume

    def draw(self, surface: pygame.Surface) -> None:
        self.log.append(f"draw {self.name}")


def sandbox_app() -> App:
    sc = load("sandbox")
    return App(lambda: LessonPlayer(sc), sc, lang="en")


def test_widgets_draw_by_layer_and_the_top_most_gets_events_first():
    pygame.display.init()
    pygame.font.init()
    app, log = sandbox_app(), []
    app.add_widget(Probe("modal", log), Layer.MODAL)
    app.add_widget(Probe("base", log), Layer.BASE)
    app.add_widget(Probe("overlay", log, consume=True), Layer.OVERLAY)
    app.render(pygame.Surface((640, 360)))
    assert log == ["draw base", "draw overlay", "draw modal"]
    assert app.widgets[0].name == "base" and app.widgets[-1].name == "modal"
    log.clear()
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1))
    assert log == ["event modal", "event overlay"], "consumed by the overlay: the base never sees it"


def test_a_widget_needs_only_what_it_uses_and_must_be_a_widget():
    quiet = Widget()
    assert quiet.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a)) is False
    quiet.update(0.1)
    quiet.draw(pygame.Surface((4, 4)))
    with pytest.raises(TypeError):
        sandbox_app().add_widget(object(), Layer.BASE)


def test_every_widget_in_ui_is_a_widget():
    import visualizer.ui.cards, visualizer.ui.help, visualizer.ui.lesson_controls, visualizer.ui.menu  # noqa: E401
    import visualizer.ui.slider, visualizer.ui.toast  # noqa: E401
    for module in (visualizer.ui.cards, visualizer.ui.help, visualizer.ui.lesson_controls, visualizer.ui.menu,
                   visualizer.ui.slider, visualizer.ui.toast):
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__ and hasattr(obj, "draw"):
                assert issubclass(obj, Widget), obj


def test_the_recorder_and_the_window_loop_both_go_through_advance_frame(monkeypatch):
    from visualizer.record import render_frames

    calls = []
    real = App.advance_frame
    monkeypatch.setattr(App, "advance_frame", lambda self, *a, **kw: (calls.append(a), real(self, *a, **kw))[1])
    total, frames = render_frames(load("load-balancer"), lang="en", size=(320, 180), fps=5, duration=1)
    assert sum(1 for _ in frames) == total == 5 and len(calls) == 5
    calls.clear()
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((320, 180))
    sandbox_app().run(screen, max_frames=3)
    assert len(calls) == 3


def test_the_window_model_is_the_player_for_a_sandbox_and_a_lesson():
    code = ("import sys; import visualizer.window as w; from visualizer.scenario import load\n"
            "kinds = []\n"
            "w.App.run = lambda self, screen, max_frames=None: kinds.append(type(self.player).__name__) or 0\n"
            "for name in ('sandbox', 'load-balancer'):\n"
            "    assert w.run_window(load(name)) == 0\n"
            "print(kinds)\n")
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['LessonPlayer', 'LessonPlayer']"
