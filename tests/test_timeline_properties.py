"""Time travel under random use: any mix of steps, clicks, seeks and beat jumps stays consistent."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualizer.lesson import LessonPlayer
from visualizer.scenario import load
from visualizer.sim import commands as C

LESSON = load("combined")
NODES = ["web1", "web2", "db1", "db2", "db3", "lb", "dns"]

ops = st.lists(st.one_of(
    st.tuples(st.just("step"), st.floats(0.0, 3.0)),
    st.tuples(st.just("fail"), st.sampled_from(NODES)),
    st.tuples(st.just("recover"), st.sampled_from(NODES)),
    st.tuples(st.just("rate"), st.floats(0.0, 400.0)),
    st.tuples(st.just("seek"), st.floats(0.0, 1.0)),
    st.tuples(st.just("next"), st.none()),
    st.tuples(st.just("previous"), st.none()),
), min_size=1, max_size=14)


def play(sequence) -> LessonPlayer:
    player = LessonPlayer(LESSON)
    for op, arg in sequence:
        try:
            if op == "step":
                player.step(arg)
            elif op == "fail":
                player.apply(C.Fail(arg))
            elif op == "recover":
                player.apply(C.Recover(arg))
            elif op == "rate":
                player.apply(C.SetRate(round(arg, 1)))
            elif op == "seek":
                player.seek(arg * player.timeline.horizon)
            else:
                getattr(player, op)()
        except C.CommandError:
            pass                       # refused, as in the window: nothing changes
        player.sim.check_conservation()
        assert 0 <= player.index < len(player.beats)
        assert player.sim.time <= player.timeline.horizon + 1e-9
        assert player.starts == sorted(player.starts)
    return player


def fingerprint(player: LessonPlayer) -> str:
    return json.dumps([player.index, player.sim.time, player.sim.report()], sort_keys=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_any_use_keeps_the_model_whole_and_is_repeatable(sequence) -> None:
    first = play(sequence)
    assert fingerprint(play(sequence)) == fingerprint(first), "the same actions give the same lesson"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, st.floats(0.0, 1.0))
def test_seeking_away_and_back_changes_nothing(sequence, where) -> None:
    player = play(sequence)
    here, before = player.sim.time, fingerprint(player)
    player.seek(where * player.timeline.horizon)
    player.seek(here)
    assert fingerprint(player) == before
