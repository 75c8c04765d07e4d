"""Every lesson's captions are held to their claims, played automatically and with Next only."""

import subprocess
import sys

import pytest
from conftest import ROOT_DIR

from visualizer.claims import check_lesson
from visualizer.scenario import ScenarioError, bundled, load, validate
from visualizer.schema import Expect

LESSONS = [(name, sc) for name, sc in bundled() if sc.meta.lesson is not None]


@pytest.mark.parametrize("mode", ["auto", "present"])
@pytest.mark.parametrize("name", [n for n, _ in LESSONS])
def test_every_claim_of_every_lesson_holds(name, mode):
    claims = check_lesson(load(name), mode)
    failed = [c.line() for c in claims if not c.ok]
    assert claims and not failed, failed


@pytest.mark.parametrize("name", [n for n, _ in LESSONS])
def test_every_captioned_beat_states_its_claims(name):
    sc = load(name)
    bare = [i for i, b in enumerate(sc.timeline) if b.caption is not None and not b.expect]
    assert not bare, f"beats {bare} of {name} have a caption but no expect"


def with_claim(name: str, beat: int, claim: dict) -> object:
    """The bundled lesson with one more claim on one beat, validated like a file."""
    sc = load(name)
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["timeline"][beat].setdefault("expect", []).append(claim)
    return validate(data, f"<{name}>")


@pytest.mark.parametrize("claim", [
    {"check": "status", "node": "web1", "is": "up", "when": "shown"},       # it was just failed
    {"check": "lb_view", "node": "web1", "is": "down", "when": "shown"},   # the LB does not know yet
    {"check": "rate", "of": "error_rate", "max": 0.0},                     # requests to web1 fail
    {"check": "share", "node": "web1", "among": ["web1", "web2"], "min": 0.4},
    {"check": "event", "event": "promote"},
    {"check": "no_event", "event": "detected_down", "node": "web1"},
])
def test_a_false_claim_fails(claim):
    claims = check_lesson(with_claim("load-balancer", 2, claim), "auto")
    added = [c for c in claims if c.beat == 2 and c.expect == Expect.model_validate(claim)]
    assert added and not added[0].ok


@pytest.mark.parametrize("claim, key, words", [
    ({"check": "status", "is": "down"}, "expect[4].node", "needs 'node'"),
    ({"check": "status", "node": "cache1", "is": "down"}, "expect[4].node", "unknown node id 'cache1'"),
    ({"check": "rate", "of": "speed", "min": 1}, "expect[4].of", "a rate is one of"),
    ({"check": "rate", "of": "failed"}, "expect[4]", "needs a bound"),
    ({"check": "count", "of": "lost_writes", "min": 3, "max": 1}, "expect[4].min", "above max"),
    ({"check": "weather", "node": "web1"}, "expect[4].check", "input should be"),
])
def test_check_scenario_names_a_bad_claim(claim, key, words):
    with pytest.raises(ScenarioError) as info:
        with_claim("load-balancer", 2, claim)
    assert key in str(info.value) and words in str(info.value).lower()


def test_check_lesson_prints_each_claim_and_fails_when_one_does(tmp_path):
    ok = subprocess.run([sys.executable, "main.py", "--check-lesson", "load-balancer"], cwd=ROOT_DIR,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "FAIL" not in ok.stdout and " 0 failed" in ok.stdout
    assert "lb_view web1 is up" in ok.stdout
    text = (ROOT_DIR / "scenarios" / "load-balancer.toml").read_text()
    bad = text.replace('{ check = "lb_view", node = "web1", is = "up", when = "shown" }',
                       '{ check = "lb_view", node = "web1", is = "down", when = "shown" }')
    assert bad != text
    path = tmp_path / "lb.toml"
    path.write_text(bad)
    out = subprocess.run([sys.executable, "main.py", "--check-lesson", str(path)], cwd=ROOT_DIR,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and out.stdout.count("FAIL") == 2      # once per way of playing


def test_a_theory_claim_fails_where_a_backlog_makes_the_measurement_run_high():
    """Right after an upgrade the last 5 s still hold the old backlog: M/M/c and the measurement
    disagree, and the claim says so (the card says so too, with its backlog note)."""
    claims = check_lesson(with_claim("vertical-scaling", 2, {"check": "theory", "node": "web1", "of": "mmc",
                                                             "max": 0.3}), "auto")
    theory = [c for c in claims if c.expect.check == "theory" and c.beat == 2]
    assert theory and not theory[0].ok


CACHE = str(ROOT_DIR / "tests" / "data" / "cache-tier.toml")


@pytest.mark.parametrize("mode", ["auto", "present"])
def test_cache_claims_hold_hit_ratio_che_and_db_reads(mode):
    claims = check_lesson(load(CACHE), mode)
    kinds = {(c.expect.check, c.expect.of) for c in claims}
    assert {("hit_ratio", None), ("theory", "che"), ("theory", "db_reads")} <= kinds
    failed = [c.line() for c in claims if not c.ok]
    assert not failed, failed


@pytest.mark.parametrize("beat, claim", [
    (1, {"check": "hit_ratio", "min": 0.9}),                                # a warm cache, not that warm
    (1, {"check": "theory", "of": "che", "max": 0.001}),
    (2, {"check": "hit_ratio", "node": "cache1", "min": 0.0}),             # down: no lookup, no ratio
    (3, {"check": "theory", "of": "che", "max": 0.1, "when": "shown"}),    # just back, empty
    (2, {"check": "theory", "of": "db_reads", "max": 0.1, "when": "shown"}),   # the span still has hits
])
def test_a_false_cache_claim_fails(beat, claim):
    sc = load(CACHE)
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["timeline"][beat]["expect"] = [claim]
    claims = [c for c in check_lesson(validate(data, "<cache>"), "auto") if c.beat == beat]
    assert len(claims) == 1 and not claims[0].ok, claims[0].line()


@pytest.mark.parametrize("name, claim, key, words", [
    ("load-balancer", {"check": "hit_ratio", "node": "web1", "min": 0.5}, "expect[4].node", "a hit ratio is a cache's"),
    ("load-balancer", {"check": "hit_ratio"}, "expect[4]", "needs a bound"),
    ("load-balancer", {"check": "theory", "of": "che", "max": 0.1}, "expect[4].of", "needs a cache"),
    ("load-balancer", {"check": "theory", "of": "hits", "max": 0.1}, "expect[4].of", "mmc | che | db_reads"),
    ("load-balancer", {"check": "theory", "of": "mmc", "max": 0.1}, "expect[4].node", "needs 'node'"),
    ("load-balancer", {"check": "theory", "of": "che"}, "expect[4].of", "with max"),
])
def test_check_scenario_names_a_bad_cache_claim(name, claim, key, words):
    with pytest.raises(ScenarioError) as info:
        with_claim(name, 2, claim)
    assert key in str(info.value) and words in str(info.value).lower()
