"""Hours in the window: the speed the model really keeps, the scrubber's preview, long rewinds
announced, and sessions that do not leak into each other."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import gc  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.player import Governor  # noqa: E402
from visualizer.render.scene import ViewState, draw_frame  # noqa: E402
from visualizer.scenario import bundled, load  # noqa: E402
from visualizer.ui.lesson_controls import Scrubber, install_lesson  # noqa: E402

LESSONS = [sc for _, sc in bundled() if sc.meta.lesson is not None]


@pytest.fixture(scope="module")
def screen():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720))


def mouse(kind: int, pos) -> pygame.event.Event:
    return pygame.event.Event(kind, pos=tuple(int(v) for v in pos), button=1, rel=(0, 0), buttons=(1, 0, 0))


def sandbox_app(speed: float = 1.0) -> App:
    sc = load("sandbox")
    return App(lambda: LessonPlayer(sc), sc, speed=speed)


def test_governor_runs_what_fits_in_the_budget_and_says_so():
    g = Governor(budget_s=0.009)
    assert g.allow(1.0) == 1.0                      # nothing measured yet
    g.measured(1.0, 0.03, 3_000)                    # 30 ms of wall time per simulated second
    assert g.allow(100 / 60) == pytest.approx(0.3)
    g.measured(0.001, 0.0005, 3)                    # a tiny step (fixed costs) changes nothing
    assert g.allow(100 / 60) == pytest.approx(0.3)
    shown = [g.running(100.0, 0.3 * 60) for _ in range(50)]
    assert shown[-1] == pytest.approx(18.0, rel=0.05)
    assert g.running(1.0, 1.0) is None              # keeping up again: nothing to say


def test_a_model_that_cannot_keep_up_runs_slower_instead_of_stalling_frames(screen):
    app = sandbox_app(speed=100.0)
    app.governor.budget_s = 1e-6                    # no model is that fast: the limit must show
    app.advance_frame(1 / 60, screen)               # the first frame measures the model's cost
    first = app.player.time
    for _ in range(4):
        app.advance_frame(1 / 60, screen)
    t = app.player.time
    assert 0 < t - first < 4 * 100 / 60 / 10
    assert app.view.running_speed is not None and app.view.running_speed < 100
    app.governor.budget_s = app.governor.frame_s = 10.0   # a fast machine: as asked, and said no more
    for _ in range(60):
        app.advance_frame(1 / 60, screen)
    assert app.player.time - t == pytest.approx(60 * 100 / 60, rel=1e-6)
    assert app.view.running_speed is None


def test_the_top_bar_shows_both_speeds_when_the_model_falls_behind(screen):
    sc = load("sandbox")
    app = App(lambda: LessonPlayer(sc), sc)
    snap = app.player.snapshot()
    plain, slow = screen.copy(), screen.copy()
    draw_frame(plain, snap, ViewState(speed=100.0))
    draw_frame(slow, snap, ViewState(speed=100.0, running_speed=40.0))
    top = pygame.Rect(0, 0, 1280, 40)
    assert pygame.image.tobytes(plain.subsurface(top), "RGB") != pygame.image.tobytes(slow.subsurface(top), "RGB")


def lesson_app() -> App:
    sc = load("load-balancer")
    app = App(lambda: LessonPlayer(sc), sc, speed=2.0)
    install_lesson(app, LESSONS)
    return app


def test_dragging_the_scrubber_shows_the_moment_under_the_knob_and_holds_still(screen):
    app = lesson_app()
    for _ in range(240):
        app.advance_frame(1 / 60, screen)
    live = app.player.time
    bar = next(w for w in app.widgets if isinstance(w, Scrubber))
    knob_x = bar.rect.right + round(bar.rect.height * 0.8) - 1     # the knob's right edge, at the live end
    app.handle_event(mouse(pygame.MOUSEBUTTONDOWN, (knob_x, bar.rect.centery)))
    assert bar.dragging, "a press on the knob at the live end grabs it"
    app.handle_event(mouse(pygame.MOUSEMOTION, (bar.rect.left + bar.rect.width // 2, bar.rect.centery)))
    app.advance_frame(1 / 60, screen)
    half = app.player.time
    assert half == pytest.approx(live / 2, rel=0.02), "the picture follows the knob while dragging"
    for _ in range(10):
        app.advance_frame(1 / 60, screen)
    assert app.player.time == half, "the model holds still while the knob is held"
    app.handle_event(mouse(pygame.MOUSEBUTTONUP, (bar.rect.left + bar.rect.width // 4, bar.rect.centery)))
    assert app.player.time == pytest.approx(live / 4, rel=0.04)
    app.advance_frame(1 / 60, screen)
    assert app.player.time > live / 4, "released: it plays on from there"


def test_a_long_rewind_is_announced_before_it_runs(screen, monkeypatch):
    app = lesson_app()
    for _ in range(120):
        app.advance_frame(1 / 60, screen)
    live = app.player.time
    monkeypatch.setattr(LessonPlayer, "estimate_seek_s", lambda self, t: 0.5)
    app.seek(live / 3)
    assert app.view.busy and app.player.time == live, "first a frame saying it rewinds"
    times = []
    for _ in range(40):
        app.advance_frame(1 / 60, screen)
        times.append(app.player.time)
        if not app.view.busy:
            break
    assert not app.view.busy and app.player.time == pytest.approx(live / 3)
    assert len(times) > 3, "done a slice a frame, not in one long frame"
    assert times[0] <= live / 3 and times == sorted(times), "from the checkpoint forward"
    app.advance_frame(1 / 60, screen)
    assert app.player.time > live / 3, "then it plays on"


def test_restarts_do_not_keep_earlier_sessions_alive(screen):
    app = sandbox_app(speed=10.0)
    counts = []
    for _ in range(4):
        for _ in range(30):
            app.advance_frame(1 / 60, screen)
        app.restart()
        counts.append(gc.get_freeze_count())
    # each earlier session would stay frozen for good (thousands of objects a restart)
    assert counts[-1] - counts[0] < 100, counts


def test_next_to_a_far_beat_on_a_busy_model_runs_there_over_frames_and_lands_alike(screen):
    """At a high rate, Next ran seconds of model in one frame (a 250 ms stall in the window fuzz);
    now it runs there a slice a frame and lands exactly where an immediate Next does."""
    from visualizer.sim import commands as C

    def busy_app() -> App:
        sc = load("single-server")
        app = App(lambda: LessonPlayer(sc), sc)
        install_lesson(app, LESSONS)
        app.advance_frame(1 / 60, screen)
        app.apply(C.SetRate(3000.0))
        for _ in range(3):
            app.advance_frame(1 / 60, screen)
        return app

    slow, quick = busy_app(), busy_app()
    due = slow.player.runs_forward_to()
    assert due is not None and due - slow.player.time > 5
    slow.governor.per_event, slow.governor.events_per_s = 1e-5, 20_000.0   # 0.2 s a simulated second
    enter = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_PAGEDOWN, mod=0, unicode="", scancode=0)
    slow.handle_event(enter)
    assert slow.view.busy and slow.player.index == 0
    frames = 0
    while slow.view.busy and frames < 500:
        slow.advance_frame(1 / 60, screen)
        frames += 1
    assert frames > 5 and slow.player.index == 1 and slow.player.time == pytest.approx(due)
    quick.player.next()
    assert quick.player.index == 1 and quick.player.time == slow.player.time
    assert quick.player.sim.report() == slow.player.sim.report()


def test_a_heavy_picture_leaves_the_model_less_of_the_frame():
    """The model's share is what the drawing leaves of a 60 Hz frame (never under least_s), so
    a busy picture lowers the running speed instead of making frames late."""
    from visualizer.player import Governor

    g = Governor(per_event=5e-6, events_per_s=10_000.0)     # 0.05 s of wall time per simulated s
    light = g.allow(10.0)
    assert light == pytest.approx(g.budget_s / 0.05)
    for _ in range(30):
        g.drawn(0.008)                                      # drawing takes 8 ms a frame
    heavy = g.allow(10.0)
    assert heavy == pytest.approx((g.frame_s - g.rest_s) / 0.05) and heavy < light
    for _ in range(30):
        g.drawn(0.030)                                      # slower than a frame by itself
    assert g.allow(10.0) == pytest.approx(g.least_s / 0.05)


def test_the_governor_plans_for_the_dearest_recent_frame_so_a_checkpoint_frame_is_not_late():
    from visualizer.player import DEAR_FRAMES, Governor

    g = Governor(budget_s=0.009)
    for _ in range(10):
        g.measured(1.0, 0.003, 1_000)                  # 3 µs an event, 1,000 events a simulated s
    cheap = g.allow(10.0)
    assert cheap == pytest.approx(3.0)
    g.measured(1.0, 0.006, 1_000)                      # one frame also pickled a checkpoint
    assert g.allow(10.0) == pytest.approx(1.5)         # planned at its cost, not the mean's
    for _ in range(DEAR_FRAMES):
        g.measured(1.0, 0.003, 1_000)
    assert g.allow(10.0) == pytest.approx(cheap, rel=0.01)   # forgotten once out of the window


def test_the_window_runs_the_collector_between_frames_and_gives_it_back(screen):
    """No collection can stall a frame half way: while App.run runs, the automatic collector is
    off (young objects are collected after each flip), and it is on again afterwards."""
    app = sandbox_app(speed=10.0)
    seen = []
    app.add_tick_hook(lambda a, dt: seen.append(gc.isenabled()))
    assert gc.isenabled()
    app.run(screen, max_frames=40)
    assert seen and not any(seen[1:]), "off from the first frame's end on"
    assert gc.isenabled()


def test_next_at_a_raised_rate_with_nothing_measured_yet_runs_over_frames_not_at_once():
    """A fresh lesson (nothing measured) whose rate was just raised: the planned cost comes from
    the rate, so Next seconds ahead is spread over frames (it once ran 8 s of 3,000 requests/s
    in one 850 ms frame)."""
    g = Governor()
    assert g.cost_per_sim_s(3_000.0) * 8.0 > 0.08
    assert g.cost_per_sim_s(0.0) == 0.0


def test_a_run_forward_resizes_its_slices_to_the_frame_budget():
    from visualizer.player import Forward

    class Slow:
        time = 0.0

        def step(self, dt):
            import time as wall
            wall.sleep(dt * 0.02)            # 20 ms of wall time per simulated second
            self.time += dt

    player, entered = Slow(), []
    fwd = Forward(60.0, 10.0, lambda: entered.append(True), budget_s=0.01)   # a first guess 20x too big
    fwd.advance(player)
    assert fwd.step < 10.0 / 3, "the next slice is cut after one too long"
    for _ in range(6):
        fwd.advance(player)
    assert 0.2 <= fwd.step <= 1.0, fwd.step              # about 0.01 s / 0.02 s per simulated s


def test_a_click_during_a_fast_forward_stops_it_where_the_picture_is(screen):
    from visualizer.player import Forward
    from visualizer.sim import commands as C

    app = sandbox_app(speed=1.0)
    app.advance_frame(1 / 60, screen)
    entered = []
    app._rewind = Forward(600.0, 0.5, lambda: entered.append(True))   # as Next to a far beat leaves it
    app.advance_frame(1 / 60, screen)
    now = app.player.time
    assert app.apply(C.SetRate(50.0))
    assert app.player.time == now and not entered, "not run to the far beat first"
    assert app.view.busy == ""
