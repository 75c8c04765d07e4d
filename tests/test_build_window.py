"""Build it yourself, in the window: the right-click build menu, Shift+drag links, delete, Ctrl+Z/Y, Ctrl+S/O."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import load  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402


@pytest.fixture(scope="module")
def screen():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720), pygame.RESIZABLE)


def key(k: int, mod: int = pygame.KMOD_CTRL) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, unicode="", mod=mod)


def mouse(kind, pos, button=1) -> pygame.event.Event:
    return pygame.event.Event(kind, pos=tuple(int(v) for v in pos), button=button)


def sandbox_app() -> App:
    sc = load("sandbox")
    app = App(lambda: LessonPlayer(sc), sc)
    app.set_paused(True)
    return app


def pick(app, screen, cls):
    app.render(screen)
    rect, row, head = app.menu._geometry()
    k = next(k for k, (_, cmd) in enumerate(app.menu.items) if isinstance(cmd, cls))
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, (rect.left + 20, rect.top + head + k * row + row // 2)))


def center(app, node):
    return app.layout.centers[app.layout.index(node)]


def test_add_a_replica_from_the_menu_then_undo_and_redo(screen):
    app = sandbox_app()
    app.advance_frame(0.05, screen)
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, center(app, "db1"), 3))
    labels = [label for label, _ in app.menu.items]
    assert "Add a replica to db1" in labels
    before = app.player.sim.report()
    pick(app, screen, C.AddReplica)
    assert "db4" in app.player.sim.by_id and app.player.sim.by_id["db4"].status != "removed"
    app.handle_event(key(pygame.K_z))
    assert "db4" not in app.player.sim.by_id
    assert app.player.sim.report() == before
    app.handle_event(key(pygame.K_y))
    assert "db4" in app.player.sim.by_id


def test_right_click_on_empty_space_adds_a_node_and_delete_removes_it(screen):
    app = sandbox_app()
    app.render(screen)
    g = app.layout.graph
    empty = (g.right - 5, g.bottom - 5)
    assert app.node_at(empty) is None
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, empty, 3))
    assert app.menu.is_open and any(label == "New web server here" for label, _ in app.menu.items)
    pick(app, screen, C.AddNode)
    new = app.player.sim.nodes[-1].id
    app.render(screen)
    assert new in app.layout.ids
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, center(app, new), 3))
    pick(app, screen, C.RemoveNode)
    assert app.player.sim.by_id[new].status == "removed"


def test_shift_drag_draws_a_link_and_a_wrong_one_is_a_toast(screen):
    app = sandbox_app()
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, (5, 5), 3))   # empty space
    pick(app, screen, C.AddNode)                                   # the first offer
    app.render(screen)
    pygame.key.set_mods(pygame.KMOD_SHIFT)
    try:
        app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, center(app, "lb")))
        app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(600, 300), rel=(0, 0), buttons=(1, 0, 0)))
        app.render(screen)
        app.handle_event(mouse(pygame.MOUSEBUTTONUP, center(app, "db1")))
    finally:
        pygame.key.set_mods(0)
    assert not app.player.sim.graph.has_edge("lb", "db1")
    assert any("cannot use a link" in msg and bad for msg, _, bad in app.toasts.items)
    assert app.player.sim.by_id["web1"].status == "up"      # the drag did not fail the node it began on


def test_ctrl_s_saves_and_ctrl_o_opens_it(screen, tmp_path, monkeypatch):
    monkeypatch.setenv("SDV_DESIGNS", str(tmp_path))
    app = sandbox_app()
    app.apply(C.AddReplica("db1"))
    app.handle_event(key(pygame.K_s))
    saved = tmp_path / "my-design-1.toml"
    assert saved.exists()
    app.handle_event(key(pygame.K_o))
    assert app.build.files.is_open
    app.render(screen)
    app.build.open_file(app.build.files.items[0][1])
    assert "db4" in app.player.sim.by_id and app.scenario.meta.name == "my-design-1"
    broken = tmp_path / "broken.toml"
    broken.write_text(saved.read_text().replace('kind = "db_replica"', 'kind = "db_replicaa"', 1))
    from visualizer.ui.build import OpenFile
    assert not app.build.open_file(OpenFile(str(broken)))
    assert any("broken.toml" in msg and "kind" in msg and bad for msg, _, bad in app.toasts.items)
    assert app.scenario.meta.name == "my-design-1" and broken.exists()
