"""Every node action from the keyboard: Tab focus, Enter fails / recovers, A opens the menu, ↑ ↓ Enter in it."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import load  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402
from visualizer.ui.lesson_controls import install_lesson  # noqa: E402


@pytest.fixture(scope="module")
def screen():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720), pygame.RESIZABLE)


def key(k: int, mod: int = 0, char: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=char, scancode=0)


def make_app(screen, name: str = "combined") -> App:
    sc = load(name)
    app = App(lambda: LessonPlayer(sc.model_copy(update={"timeline": []})), sc)
    app.render(screen)
    return app


def status(app: App, node: str) -> str:
    return next(n.status for n in app.snap.nodes if n.id == node)


def test_tab_walks_every_node_left_to_right_and_shift_tab_walks_back(screen):
    app = make_app(screen)
    seen = []
    for _ in range(len(app.snap.nodes)):
        app.handle_event(key(pygame.K_TAB))
        seen.append(app.focus.node)
    assert sorted(seen) == sorted(n.id for n in app.snap.nodes)
    xs = [app.layout.centers[app.layout.index(n), 0] for n in seen]
    assert xs == sorted(xs) and seen[0] == "users"
    app.handle_event(key(pygame.K_TAB))
    assert app.focus.node == seen[0]                            # wraps round
    app.handle_event(key(pygame.K_TAB, pygame.KMOD_SHIFT))
    assert app.focus.node == seen[-1]


def focus_on(app: App, node: str) -> None:
    for _ in range(len(app.snap.nodes) + 1):
        if app.focus.node == node:
            return
        app.handle_event(key(pygame.K_TAB))
    raise AssertionError(node)


def test_enter_fails_then_recovers_the_focused_node(screen):
    app = make_app(screen)
    app.handle_event(key(pygame.K_RETURN))
    assert all(n.status == "up" for n in app.snap.nodes)         # no focus: Enter does nothing here
    focus_on(app, "web1")
    app.handle_event(key(pygame.K_RETURN))
    assert status(app, "web1") == "down"
    app.advance_frame(0.02)
    app.handle_event(key(pygame.K_KP_ENTER))
    assert status(app, "web1") != "down"


def test_a_opens_the_actions_menu_and_arrows_and_enter_run_one(screen):
    app = make_app(screen)
    focus_on(app, "lb")
    app.handle_event(key(pygame.K_a, char="a"))
    assert app.menu.is_open and app.menu.title == "lb"
    assert app.menu.items[app.menu.hover][1] is not None        # the first action is picked already
    add = next(k for k, (_, cmd) in enumerate(app.menu.items) if isinstance(cmd, C.AddServer))
    for _ in range(len(app.menu.items) + 1):
        if app.menu.hover == add:
            break
        app.handle_event(key(pygame.K_DOWN))
    app.handle_event(key(pygame.K_UP))
    app.handle_event(key(pygame.K_DOWN))
    assert app.menu.hover == add
    before = len(app.snap.nodes)
    app.handle_event(key(pygame.K_RETURN))
    assert not app.menu.is_open and len(app.snap.nodes) == before + 1
    assert app.focus.node == "lb"                               # Enter went to the menu, not the node
    assert status(app, "lb") == "up"
    app.handle_event(key(pygame.K_MENU))
    assert app.menu.is_open
    app.handle_event(key(pygame.K_ESCAPE))                      # Esc closes the menu first...
    assert not app.menu.is_open and app.focus.node == "lb"
    app.handle_event(key(pygame.K_ESCAPE))                      # ...then drops the focus
    assert app.focus.node is None


def test_enter_is_the_lesson_s_next_unless_a_node_has_focus(screen):
    sc = load("load-balancer")
    app = App(lambda: LessonPlayer(sc), sc)
    install_lesson(app, [sc])
    app.render(screen)
    app.handle_event(key(pygame.K_RETURN))
    assert app.player.index == 1
    focus_on(app, "web1")
    app.handle_event(key(pygame.K_RETURN))
    assert app.player.index == 1 and status(app, "web1") == "down"
    app.handle_event(key(pygame.K_ESCAPE))
    app.handle_event(key(pygame.K_RETURN))
    assert app.player.index == 2


def test_the_focused_card_is_drawn_with_a_ring(screen):
    app = make_app(screen)
    surf = pygame.Surface((1280, 720))
    app.render(surf)
    plain = pygame.surfarray.array3d(surf)
    focus_on(app, "web2")
    app.render(surf)
    ring = pygame.surfarray.array3d(surf)
    card = app.layout.rect(app.layout.index("web2")).inflate(40, 40)
    changed = np.any(plain != ring, axis=2)
    inside = changed[card.left:card.right, card.top:card.bottom].sum()
    assert inside > 2 * card.width


def test_the_help_lists_the_keyboard_keys(screen):
    app = make_app(screen)
    shown = dict(app.keymap.help_entries())
    for keys, help_key in (("Tab / Shift+Tab", "key.focus"), ("Enter", "key.focus_act"), ("A / Menu", "key.focus_menu"),
                           ("↑ / ↓ / Enter", "key.menu_keys")):
        assert shown.get(keys) == help_key
    app.handle_event(key(pygame.K_h, char="h"))
    app.render(screen)
    from visualizer.ui.help import MOUSE_KEYS
    assert app.help.rows_drawn == len(shown) + len(MOUSE_KEYS)
