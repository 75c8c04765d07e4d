"""Lessons in the window, driven headless: presenter keys, caption click, scrubber, menu, blanking."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import time  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import bundled, load  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402
from visualizer.ui.lesson_controls import Scrubber, install_lesson  # noqa: E402

LESSONS = [sc for _, sc in bundled() if sc.meta.lesson is not None]


@pytest.fixture(scope="module")
def screen():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720), pygame.RESIZABLE)


def key(k: int, char: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=char, scancode=0)


def mouse(kind: int, pos, button: int = 1) -> pygame.event.Event:
    return pygame.event.Event(kind, pos=tuple(int(v) for v in pos), button=button, rel=(0, 0), buttons=(1, 0, 0))


def lesson_app(name: str = "load-balancer", lang: str = "en", menu: bool = False) -> App:
    sc = load(name)
    app = App(lambda: LessonPlayer(sc), sc, lang=lang)
    install_lesson(app, LESSONS, open_menu=menu)
    return app


def scrubber(app: App) -> Scrubber:
    return next(w for w in app.widgets if isinstance(w, Scrubber))


def frame(app: App, screen) -> pygame.Surface:
    app.advance_frame(1 / 60)
    app.render(screen)
    return screen


def test_presenter_keys_walk_the_beats_and_step_back_for_real(screen):
    app = lesson_app()
    frame(app, screen)
    assert app.view.progress == (1, len(app.player.beats))
    assert app.view.caption.startswith("Users now connect")
    app.handle_event(key(pygame.K_PAGEDOWN))
    app.handle_event(key(pygame.K_RIGHT))
    frame(app, screen)
    assert app.player.index == 2 and app.view.highlight == ("web1",)
    app.handle_event(key(pygame.K_RETURN))          # a waiting beat: the presenter does the task
    assert app.snap.nodes[app.snap.index("web1")].status == "down"
    before = app.player.time
    app.handle_event(key(pygame.K_PAGEUP))
    assert app.player.index == 1 and app.player.time < before
    assert app.player.snapshot().nodes[app.snap.index("web1")].status == "up", "the model went back, not just the text"
    app.handle_event(key(pygame.K_HOME))
    assert app.player.index == 0 and app.player.time == 0.0


def test_captions_follow_the_language(screen):
    app = lesson_app(lang="ko")
    frame(app, screen)
    assert "로드밸런서" in app.view.caption
    app.handle_event(key(pygame.K_l, "l"))
    frame(app, screen)
    assert app.view.caption.startswith("Users now connect")


def test_a_click_on_the_caption_is_next(screen):
    app = lesson_app()
    frame(app, screen)
    assert app.layout.caption is not None
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, app.layout.caption.center))
    assert app.player.index == 1


def test_blank_screen_is_black_and_pauses(screen):
    app = lesson_app()
    frame(app, screen)
    app.handle_event(key(pygame.K_b, "b"))
    assert app.view.paused
    t0 = app.player.time
    pixels = pygame.surfarray.pixels3d(frame(app, screen))
    assert not pixels.any() and app.player.time == t0
    del pixels
    app.handle_event(key(pygame.K_PERIOD, "."))
    assert not app.view.paused


def test_scrubber_drag_goes_back_in_time_and_the_future_replays(screen):
    app = lesson_app()
    for _ in range(4):
        app.handle_event(key(pygame.K_PAGEDOWN))
    frame(app, screen)
    app.player.step(3.0)
    frame(app, screen)
    end = app.player.time
    bar = scrubber(app).rect
    start = (bar.left + 2, bar.centery)
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, start))
    app.handle_event(mouse(pygame.MOUSEBUTTONUP, (bar.left + bar.width // 2, bar.centery)))
    assert app.player.time == pytest.approx(end / 2, rel=0.05)
    app.player.step(end - app.player.time)
    assert app.player.snapshot().nodes[app.snap.index("web1")].status == "down", "the logged future replays"


def test_menu_opens_with_m_and_switches_lesson(screen):
    app = lesson_app("single-server")
    app.handle_event(key(pygame.K_m, "m"))
    frame(app, screen)
    app.handle_event(key(pygame.K_4, "4"))
    frame(app, screen)
    assert app.player.scenario.meta.name == "replication"
    assert app.view.title.startswith("4.")


def test_theory_panel_and_summary_card_are_drawn(screen):
    app = lesson_app("load-balancer")
    app.handle_event(key(pygame.K_PAGEDOWN))           # beat 2 has theory = availability
    plain = pygame.surfarray.array3d(frame(app, screen)).copy()
    app.remove_overlay(app.overlays[-1])
    without = pygame.surfarray.array3d(frame(app, screen)).copy()
    assert (plain != without).any()
    app = lesson_app("single-server")
    while not app.player.finished:
        app.handle_event(key(pygame.K_PAGEDOWN))
        app.player.step(1.0)
    app.player.step(10.0)
    summary = pygame.surfarray.array3d(frame(app, screen))
    assert summary.shape[:2] == screen.get_size()


@pytest.mark.parametrize("name", ["single-server", "replication"])
def test_pgdn_on_the_last_beat_opens_the_summary_and_pgup_comes_back(screen, name):
    app = lesson_app(name)
    app.handle_event(key(pygame.K_SPACE, " "))          # paused: only the keys move the lesson
    last = len(app.player.beats) - 1
    for _ in range(4 * len(app.player.beats)):
        if app.player.index == last and not app.player.waiting:
            break
        app.handle_event(key(pygame.K_PAGEDOWN))
    app.player.go_to(last)
    at_last = app.player.snapshot()
    app.player.seek(app.player.timeline.horizon)
    before = pygame.surfarray.array3d(frame(app, screen)).copy()
    assert not app.player.finished
    now = app.player.time
    app.handle_event(key(pygame.K_PAGEDOWN))
    card = pygame.surfarray.array3d(frame(app, screen)).copy()
    assert app.player.finished and app.player.time == now, "one press, no waiting for the lesson's time"
    middle = tuple(slice(d // 3, 2 * d // 3) for d in screen.get_size())
    assert (before[middle] != card[middle]).any(axis=2).mean() > 0.3, "the summary card is drawn"
    assert app.view.progress == (last + 1, last + 1)
    app.handle_event(key(pygame.K_PAGEUP))
    frame(app, screen)
    assert app.player.index == last and not app.player.finished, "PgUp goes back to the last beat, not before it"
    assert app.player.snapshot().time == at_last.time and app.player.snapshot().nodes == at_last.nodes
    app.handle_event(key(pygame.K_PAGEDOWN))
    assert app.player.finished and app.player.time == now


def test_student_click_completes_a_waiting_beat(screen):
    app = lesson_app()
    for _ in range(2):
        app.handle_event(key(pygame.K_PAGEDOWN))
    frame(app, screen)
    assert app.player.waiting
    app.apply(C.Fail("web1"))
    assert not app.player.waiting


@pytest.mark.parametrize("sc", LESSONS, ids=lambda s: s.meta.name)
def test_fuzz_lesson_keys_scrubbing_and_clicks_never_crash(screen, sc):
    rng = np.random.default_rng(zlib.crc32(sc.meta.name.encode()))
    app = lesson_app(sc.meta.name, lang=str(rng.choice(["en", "ko"])))
    keys = [pygame.K_PAGEDOWN, pygame.K_PAGEUP, pygame.K_RIGHT, pygame.K_LEFT, pygame.K_RETURN, pygame.K_HOME,
            pygame.K_b, pygame.K_m, pygame.K_PERIOD, pygame.K_SPACE, pygame.K_l, pygame.K_ESCAPE, pygame.K_1,
            pygame.K_3]
    w, h = screen.get_size()
    start = time.perf_counter()
    for step in range(600):
        if time.perf_counter() - start > 6.0:
            break
        r = rng.random()
        if r < 0.4:
            app.handle_event(key(int(rng.choice(keys))))
        elif r < 0.6 and app.layout is not None and len(app.layout.ids):
            i = int(rng.integers(0, len(app.layout.ids)))
            app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, app.layout.centers[i], int(rng.choice([1, 3]))))
        elif r < 0.75:
            bar = scrubber(app).rect
            x = int(rng.integers(bar.left, bar.right + 1))
            app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, (x, bar.centery)))
            app.handle_event(mouse(pygame.MOUSEBUTTONUP, (int(rng.integers(bar.left, bar.right + 1)), bar.centery)))
        else:
            pos = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, pos))
        app.running = True
        app.view.speed = min(app.view.speed, 2.0)
        app.advance_frame(float(rng.choice([0.0, 1 / 60, 0.1])))
        if step % 4 == 0:
            app.render(screen)
        app.player.check_conservation()
        assert 0 <= app.player.index < len(app.player.beats)


@pytest.mark.parametrize("projector", [False, True])
def test_theory_card_never_hides_what_the_beat_points_at(screen, projector):
    screen = pygame.display.set_mode((1920, 1080) if projector else (1280, 720))
    for sc in LESSONS:
        app = App(lambda sc=sc: LessonPlayer(sc, auto=True), sc, lang="ko", projector=projector)
        overlay = install_lesson(app, LESSONS)
        shown = 0
        while not app.player.finished:
            app.player.step(0.5)
            beat = app.player.beat
            if beat is None or (beat.theory is None and beat.predict is None):
                continue
            frame(app, screen)
            beat = app.player.beat
            if (beat.theory is None and beat.predict is None) or app.player.finished:   # the frame's own
                continue                                                                # tick crossed a beat
            assert overlay.theory_box is not None
            shown += 1
            for node in beat.highlight:
                i = app.layout.index(node)
                if i is not None and not app.layout.hidden(i):
                    assert not overlay.theory_box.colliderect(app.layout.rect(i)), (sc.meta.name, node)
        assert shown or not any(b.theory or b.predict for b in sc.timeline)
    pygame.display.set_mode((1280, 720), pygame.RESIZABLE)


def test_nothing_moves_behind_the_lesson_menu(screen):
    app = lesson_app("single-server", menu=True)
    frame(app, screen)
    frame(app, screen)
    assert app.player.time == 0.0, "the lesson waits while the menu is open"
    app.handle_event(key(pygame.K_ESCAPE))
    frame(app, screen)
    assert app.player.time > 0.0 and not app.view.paused
    app.handle_event(key(pygame.K_m, "m"))
    t0 = app.player.time
    frame(app, screen)
    assert app.player.time == t0
    app.handle_event(key(pygame.K_3, "3"))
    frame(app, screen)
    assert app.player.scenario.meta.name == "load-balancer" and app.player.time > 0.0


def test_a_speed_given_on_the_command_line_outlasts_the_beats(screen):
    sc = load("load-balancer")
    app = App(lambda: LessonPlayer(sc), sc, speed=2.0)
    install_lesson(app, LESSONS, speed=2.0)
    spike = 5                                      # the beat with speed = 0.5
    while app.player.index < spike:
        app.handle_event(key(pygame.K_PAGEDOWN))
        frame(app, screen)
    assert app.view.speed == 2.0
    app = lesson_app("load-balancer")
    while app.player.index < spike:
        app.handle_event(key(pygame.K_PAGEDOWN))
        frame(app, screen)
    assert app.view.speed == 0.5, "without --speed, the spike beat's own speed applies"


def test_your_turn_tab_shows_only_while_the_lesson_waits(screen):
    app = lesson_app("load-balancer")
    overlay = app.overlays[-1]
    frame(app, screen)
    assert overlay.turn_box is None
    app.handle_event(key(pygame.K_PAGEDOWN))
    app.handle_event(key(pygame.K_PAGEDOWN))       # beat 3 asks the student to fail web1
    frame(app, screen)
    assert app.player.waiting and overlay.turn_box is not None
    assert not overlay.turn_box.colliderect(app.layout.rect(app.layout.index("web1")))
    app.apply(C.Fail("web1"))
    frame(app, screen)
    assert overlay.turn_box is None


@pytest.mark.parametrize("size", [(1280, 720), (800, 480), (1920, 1080)])
def test_help_lists_every_key_of_the_full_window(screen, size):
    from visualizer.record_window import install as install_recording

    surface = pygame.Surface(size)
    app = lesson_app()
    install_recording(app)
    app.handle_event(key(pygame.K_h, "h"))
    app.advance_frame(1 / 60)
    app.render(surface)
    rows = list(app.keymap.help_entries())
    assert {"PgDn / → / Enter", "B / .", "M", "R", "F12 / P"} <= {shown for shown, _ in rows}
    from visualizer.ui.help import MOUSE_KEYS
    assert app.help.rows_drawn == len(rows) + len(MOUSE_KEYS), "no row is cut off"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_help_lists_beat_keys_only_when_there_are_beats(screen, lang):
    from visualizer.ui.help import MOUSE_KEYS
    from visualizer.ui.lesson_controls import LessonMenu

    lesson = "PgDn / → / Enter", "PgUp / ←", "Home"
    sc = load("single-server")
    app = App(lambda: LessonPlayer(sc), sc, lang=lang)
    install_lesson(app, [s for _, s in bundled()])
    rows = list(app.keymap.help_entries())
    assert set(lesson) <= {shown for shown, _ in rows} and ("", "mouse.caption") in rows
    menu = next(w for w in app.widgets if isinstance(w, LessonMenu))
    menu.on_pick(next(sc for sc in menu.items if sc.meta.name == "sandbox"))
    assert not app.player.beats
    rows = list(app.keymap.help_entries())
    assert not set(lesson) & {shown for shown, _ in rows}, "a scenario without beats has no next beat"
    assert ("", "mouse.caption") not in rows and ("M", "key.menu") in rows
    app.handle_event(key(pygame.K_h, "h"))
    surface = pygame.Surface((1280, 720))
    app.advance_frame(1 / 60)
    app.render(surface)
    assert app.help.rows_drawn == len(rows) + len(MOUSE_KEYS), "every listed row is drawn"
    app.handle_event(key(pygame.K_ESCAPE))
    menu.on_pick(next(sc for sc in menu.items if sc.meta.name == "load-balancer"))
    assert {"PgDn / → / Enter"} <= {shown for shown, _ in app.keymap.help_entries()}
