"""The lesson player: walks a scenario's timeline beat by beat over a time-travel store.

A beat starts at a simulated time; its action (if any) is applied then, unless the beat asks the
student to do it (`wait = true`), in which case the player waits until the event log shows it was
done. The next beat follows after the same gap the file gives between the two `at` times, or at
once on Next. After the last beat comes the summary card: reached when the lesson's time runs out,
or at once on Next; Previous from the card returns to the last beat. Previous seeks the model back
to the exact state it had when that beat started.
No pygame here: the window, the recorder and the tests drive it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visualizer.compare import Partner, check_pair, silent_copy  # noqa: F401 (silent_copy: used by others)
from visualizer.schema import Beat, Scenario
from visualizer.sim import commands as C
from visualizer.sim.control import beat_command
from visualizer.sim.model import Simulation
from visualizer.timeline import Timeline


@dataclass
class LessonPlayer:
    """Beat-by-beat playback of one lesson. `auto` does the students' tasks itself (recording)."""

    scenario: Scenario
    seed: int | None = None
    rate: float | None = None
    auto: bool = False
    index: int = -1                      # current beat; -1 before the first
    starts: list[float] = field(default_factory=list)   # simulated start time of each beat reached
    dones: list[float | None] = field(default_factory=list)  # when each reached beat's task was done
    done_at: float | None = None         # when the current beat's task was done (None: waiting)
    ended: bool = False                  # on the summary card, after the last beat
    summary_at: float | None = None      # when this history reached the summary card (None: not yet)
    picks: dict[int, int] = field(default_factory=dict)   # beat -> the choice picked on its question
    compare_with: Scenario | None = None  # a design shown beside this one from the start (--compare)
    timeline: Timeline = field(init=False)
    partner: Partner | None = field(default=None, init=False)   # side B while a comparison is on

    def __post_init__(self) -> None:
        quiet = silent_copy(self.scenario)
        if self.compare_with is not None:
            check_pair(self.scenario, self.compare_with)
        self.timeline = Timeline(lambda: Simulation(quiet, seed=self.seed, rate=self.rate))
        self._begin(0)
        self._pair()

    # what the window shows -----------------------------------------------------------------

    @property
    def sim(self) -> Simulation:
        return self.timeline.sim

    @property
    def beats(self) -> list[Beat]:
        return self.scenario.timeline

    @property
    def beat(self) -> Beat | None:
        return self.beats[self.index] if 0 <= self.index < len(self.beats) else None

    @property
    def waiting(self) -> bool:
        """True while the current beat waits for the student to act."""
        return self.done_at is None

    @property
    def finished(self) -> bool:
        """On the summary card: entered when the lesson's time runs out after the last beat, or by
        Next on the last beat; left by Previous (back to the last beat) or a seek to before it.

        A scenario without a timeline never finishes: it is a sandbox, not a lesson.
        """
        return self.ended

    def _summary_due(self) -> float | None:
        """When this history reaches the summary card; None while a beat is still to come or waits."""
        if not self.beats or self.index != len(self.beats) - 1 or self.waiting:
            return None
        tail = self.scenario.meta.duration - self.beats[-1].at
        ends = self.done_at + max(0.0, tail)
        return ends if self.summary_at is None else min(ends, self.summary_at)

    # the window's SimLike protocol, so the App can drive a lesson like a bare simulation --------

    @property
    def time(self) -> float:
        return self.sim.time

    def snapshot(self):
        return self.sim.snapshot()

    def request_info(self, req_id: int) -> dict | None:
        return self.sim.request_info(req_id)

    def actions_for(self, node_id: str) -> list:
        return self.sim.actions_for(node_id)

    def node_ids(self) -> list[str]:
        return self.sim.node_ids()

    def check_conservation(self) -> None:
        self.sim.check_conservation()

    def speed(self) -> float:
        """Playback speed asked for by the latest beat that set one, else the lesson's."""
        for beat in reversed(self.beats[: self.index + 1]):
            if beat.speed is not None:
                return beat.speed
        return self.scenario.meta.speed

    # driving ----------------------------------------------------------------------------

    def step(self, dt: float) -> None:
        """Advance the model `dt` simulated seconds, starting beats whose time has come."""
        target = self.sim.time + dt
        while True:
            self._check_done()
            due = self._next_due()
            if due is None or due > target:
                break
            self.timeline.advance_to(due)
            self._enter(self.index + 1)
        self.timeline.advance_to(target)
        self._check_done()
        self._end_if_due()
        self._pair()

    def apply(self, cmd: C.Command) -> None:
        """A student's own command (a click): forks the future, may complete a waiting beat."""
        self.timeline.apply(cmd)
        self._forget_future()
        self._check_done()
        self._pair()

    # the other side of a comparison ------------------------------------------------------------

    @property
    def other(self) -> Partner | None:
        """Side B while a comparison is on (--compare, or from a beat with `compare`), else None.
        (A lesson that will open one keeps side B running out of sight from its start, so opening
        it costs a frame nothing: no catching up from time 0 at the beat.)"""
        p = self.partner
        return p if p is not None and self._wanted() is p.scenario else None

    def apply_other(self, cmd: C.Command) -> None:
        """A command on side B only (a click on its picture); CommandError if it makes no sense."""
        if self.other is not None:
            self.other.apply(cmd)

    def _wanted(self) -> Scenario | None:
        """The design to show beside this one now: --compare's, else the latest reached beat's."""
        if self.compare_with is not None:
            return self.compare_with
        for beat in reversed(self.beats[: self.index + 1]):
            if beat.compare is not None:
                return _variant(beat.compare)
        return None

    def _warm(self) -> Scenario | None:
        """The design side B runs now, shown or not: the one shown, else the lesson's first
        comparison still to come (kept in step from the start, ready when its beat opens it)."""
        want = self._wanted()
        if want is not None:
            return want
        ahead = next((b.compare for b in self.beats[self.index + 1:] if b.compare is not None), None)
        return _variant(ahead) if ahead is not None else None

    def _pair(self) -> None:
        """Start, end or move side B so it stands at this side's time on the same arrivals."""
        want = self._warm()
        if want is None or (self.partner is not None and self.partner.scenario is not want):
            if self.partner is not None:
                self.partner.dispose()
            self.partner = None
        if want is not None and self.partner is None:
            self.partner = Partner(want, self.sim.seed, self.rate)
        if self.partner is not None:
            self.partner.follow(self.timeline.log, self.sim.time)

    def choose(self, choice: int) -> None:
        """The student's answer (1-based) to the current beat's question, remembered. Then the beat
        runs: its action happens now, or, on a task beat (`wait`), when the student does it; the
        answer shows `reveal_s` after that."""
        beat = self.beat
        if beat is None or beat.predict is None or not self.waiting or self.index in self.picks \
                or not 1 <= choice <= len(beat.predict.choices):
            return
        self.picks[self.index] = choice
        if not beat.wait:
            self._do_task()

    def next(self) -> None:
        """Presenter's Next. The next beat (or the summary card) as it was, if this history reached
        it before; else, on a waiting beat, do the student's task now; else run the model forward
        to when the next beat is due and start it, so its caption is true of what the audience
        sees; on the last beat, show the summary card now (it describes no moment to wait for)."""
        if self.ended:
            return
        if self.index + 1 < len(self.starts):
            self.go_to(self.index + 1)
        elif self.summary_at is not None and self.index + 1 == len(self.beats):
            self.seek(self.summary_at)
        elif self.waiting:
            self._do_task()
        elif self.index + 1 < len(self.beats):
            self.timeline.advance_to(max(self._next_due(), self.sim.time))
            self._enter(self.index + 1)
        elif self.beats:
            self.summary_at, self.ended = self.sim.time, True
            self.timeline.pin()          # a step back and forth lands here, restored, not replayed
        self._pair()

    def runs_forward_to(self) -> float | None:
        """When Next would run the model forward to new history (the next beat not reached yet, no
        task waiting), the time it runs to; else None (Next replays, does a task, or ends)."""
        if self.ended or self.waiting or self.index + 1 >= len(self.beats) or self.index + 1 < len(self.starts):
            return None
        return self._next_due()

    def previous(self) -> None:
        """Back one step: from the summary card to the last beat, else to the beat before."""
        self.go_to(self.index if self.ended else max(0, self.index - 1))

    def home(self) -> None:
        self.go_to(0)

    def go_to(self, k: int) -> None:
        """Return to the exact model state at the start of an already-reached beat `k`."""
        k = max(0, min(k, len(self.starts) - 1))
        self.timeline.seek(self.starts[k])
        self.index = k
        self._recheck_after_seek()
        self._seek_partner()

    def dispose(self) -> None:
        """Let go of everything this session holds, breaking its reference cycles so it is freed
        at once (the window calls it when it restarts or switches lesson)."""
        if self.partner is not None:
            self.partner.dispose()
            self.partner = None
        tl = self.timeline
        tl.sim.dispose()
        tl.checkpoints.clear()
        tl.log.clear()
        tl.make = None  # type: ignore[assignment]

    def work(self) -> int:
        """Events the model has scheduled so far (the window paces itself by their cost)."""
        return self.sim.work()

    def restore_point(self, t: float) -> float:
        """The time of the checkpoint a seek to `t` would start from (a long rewind starts there)."""
        return self.timeline.restore_point(min(t, self.timeline.horizon))

    def estimate_seek_s(self, t: float) -> float:
        """About how long seek(t) takes (wall seconds): the window warns before a long rewind."""
        return self.timeline.estimate_seek_s(t)

    def seek(self, t: float) -> None:
        """Scrub to simulated time `t` (within what was reached); the beat follows the time."""
        self.timeline.seek(min(t, self.timeline.horizon))
        k = 0
        for i, s in enumerate(self.starts):
            if s <= self.sim.time + 1e-12:
                k = i
        self.index = k
        self._recheck_after_seek()
        self._end_if_due()
        self._seek_partner()

    def _seek_partner(self) -> None:
        if self.partner is not None:
            self.partner.seek(self.timeline.log, self.sim.time)
        self._pair()

    # internals ----------------------------------------------------------------------------

    def _enter(self, k: int) -> None:
        """Reach beat `k` while running: replayed if this history already has it, else begun."""
        if k < len(self.starts):
            self.index = k
            self._recheck_after_seek()
        else:
            self._begin(k)

    def _begin(self, k: int) -> None:
        self.index = k
        del self.starts[k:]
        del self.dones[k:]
        self.starts.append(self.sim.time)
        self.dones.append(None)
        self.timeline.pin()              # a step back to this beat restores, never replays
        self.done_at = None
        beat = self.beats[k] if k < len(self.beats) else None
        if beat is not None and beat.wait and self._already_true(beat):
            self._mark_done(self.sim.time)   # the student got ahead of the caption (and its question)
        elif beat is not None and beat.predict is not None and not self.auto:
            return                       # the question first: it waits for a pick (or Next)
        elif beat is None or beat.action == "note":
            self._mark_done(self.sim.time)
        elif not beat.wait or self.auto:
            self._do_task()

    def _mark_done(self, t: float) -> None:
        """The current beat's task is done (at `t`); remembered, so a seek finds it done again."""
        self.done_at = t
        self.dones[self.index] = t

    def _forget_future(self) -> None:
        """A new command forked the model: beats after this one, and a task done after now, are
        no longer this history's."""
        del self.starts[self.index + 1:]
        del self.dones[self.index + 1:]
        for k in [k for k in self.picks if k > self.index]:
            del self.picks[k]
        if not self.ended:
            self.summary_at = None       # the card was still ahead: this history has not reached it
        done = self.dones[self.index] if self.index < len(self.dones) else None
        if done is not None and done > self.sim.time:
            self.dones[self.index] = None
            self.done_at = None

    def _already_true(self, beat: Beat) -> bool:
        """The student got ahead of the caption: what the beat asks for is already so."""
        snap = self.sim.snapshot()
        node = next((n for n in snap.nodes if n.id == beat.node), None)
        if beat.action == "fail":
            return node is not None and node.status in ("down", "removed")
        if beat.action == "recover":
            return node is not None and node.status == "up"
        if beat.action == "promote":
            return node is not None and node.role == "primary"
        if beat.action == "recover_data":
            return snap.metrics.lost_writes == 0 and any(e.event == "data_recovered" for e in self.sim.events)
        return False

    def _do_task(self) -> None:
        beat = self.beat
        cmd = beat_command(self.sim, beat) if beat is not None else None
        if cmd is not None:
            try:
                self.timeline.apply(cmd)
            except C.CommandError:
                pass  # already done by other means (e.g. the node is already down)
            self._forget_future()
        self._mark_done(self.sim.time)

    def _next_due(self) -> float | None:
        if self.index + 1 < len(self.starts):
            return self.starts[self.index + 1]
        if self.waiting or self.index + 1 >= len(self.beats):
            return None
        gap = self.beats[self.index + 1].at - self.beats[self.index].at
        return self.done_at + gap

    def _check_done(self) -> None:
        if not self.waiting:
            return
        recorded = self.dones[self.index] if self.index < len(self.dones) else None
        if recorded is not None and recorded <= self.sim.time:
            self.done_at = recorded
            return
        beat = self.beat
        wanted = C.event_for(beat.action) if beat else None
        start = self.starts[self.index]
        for ev in reversed(self.sim.events):
            if ev.t < start:
                break
            if ev.event == wanted and (beat.node is None or beat.action == "add_server" or ev.node == beat.node):
                self._mark_done(ev.t)
                return

    def _recheck_after_seek(self) -> None:
        """After a seek: the beat's task is done if this history had done it by now."""
        self.done_at = None
        self.ended = False
        self._check_done()
        if self.waiting:
            self.picks.pop(self.index, None)     # back before the pick: the question is open again

    def _end_if_due(self) -> None:
        """Show the summary card once its moment has come (remembered, so Next returns to it)."""
        due = self._summary_due()
        if not self.ended and due is not None and self.sim.time >= due - 1e-9:
            self.ended = True
            if self.summary_at is None:
                self.summary_at = min(due, self.sim.time)


_VARIANTS: dict[str, Scenario] = {}


def _variant(name: str) -> Scenario:
    """A bundled scenario a lesson beat compares with (loaded once; checked when the lesson loads)."""
    if name not in _VARIANTS:
        from visualizer.scenario import load

        _VARIANTS[name] = load(name)
    return _VARIANTS[name]
