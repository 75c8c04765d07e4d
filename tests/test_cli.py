"""main.py as a user meets it: listing, checking, headless reports, and one clean line for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def main(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_list_scenarios_is_name_tab_title() -> None:
    out = main("--list-scenarios")
    assert out.returncode == 0
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert len(rows) >= 5 and all(len(r) == 2 and r[0] and r[1] for r in rows)
    assert rows[0][0] == "single-server"


def test_check_scenario_prints_one_summary_line() -> None:
    out = main("--check-scenario", "scenarios/combined.toml")
    assert out.returncode == 0
    assert out.stdout.count("\n") == 1 and "8 nodes" in out.stdout


def test_check_scenario_refuses_a_timeline_out_of_order(tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "single-server.toml").read_text()
    assert "at = 12\n" in text
    path = tmp_path / "late.toml"
    path.write_text(text.replace("at = 12\n", "at = 2\n", 1))
    out = main("--check-scenario", str(path))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert str(path) in out.stderr and "timeline[2].at" in out.stderr and "comes before timeline[1].at" in out.stderr


def test_headless_report_has_every_section_and_is_reproducible(tmp_path: Path) -> None:
    args = ("--scenario", "load-balancer", "--headless", "--duration", "14", "--seed", "3")
    a, b = main(*args, "--report", str(tmp_path / "a.json")), main(*args, "--report", "-")
    assert a.returncode == 0 and b.returncode == 0
    text = (tmp_path / "a.json").read_text()
    assert text == b.stdout, "same scenario and seed: the same report byte for byte"
    report = json.loads(text)
    req = report["requests"]
    assert req["generated"] == req["completed"] + sum(req["failed"].values()) + req["in_flight"]
    assert set(report["latency_ms"]) >= {"p50", "p95", "p99", "mean"}
    assert {"availability", "lost_writes", "stale_reads", "nodes", "series", "events"} <= set(report)
    web1 = report["nodes"]["web1"]
    assert web1["ip"].startswith("10.0.0.") and report["nodes"]["lb"]["ip"].split(".")[0] != "10"
    assert {"kind", "arrivals", "completed", "dropped", "mean_sojourn_ms", "utilization"} <= set(web1)
    assert len(report["series"]) == 14
    assert [(e["event"], e["node"]) for e in report["events"]][:2] == [("fail", "web1"), ("detected_down", "web1")]


def test_rate_and_seed_flags_change_the_run() -> None:
    base = json.loads(main("--scenario", "single-server", "--headless", "--duration", "5").stdout)
    faster = json.loads(main("--scenario", "single-server", "--headless", "--duration", "5", "--rate", "5").stdout)
    other = json.loads(main("--scenario", "single-server", "--headless", "--duration", "5", "--seed", "99").stdout)
    assert faster["requests"]["generated"] < base["requests"]["generated"] / 4
    assert other != base


@pytest.mark.parametrize("args, needle", [
    (("--bogus",), "unrecognized arguments: --bogus"),
    (("--seed", "x"), "--seed must be a whole number"),
    (("--rate", "-3"), "--rate must be between"),
    (("--lang", "fr"), "invalid choice"),
    (("--lesson", "42"), "no lesson 42"),
    (("--scenario", "nope"), "nope: no such scenario"),
    (("--scenario", "combined", "--headless", "--report", "/no/such/dir/r.json"), "does not exist"),
    (("--lesson", "2", "--scenario", "combined"), "pick one"),
    (("--check-scenario", "README.md"), "README.md: TOML syntax error"),
    (("--check-scenario", "scenarios"), "is a directory"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle) -> None:
    out = main(*args)
    assert out.returncode == 2
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    assert needle in lines[0] and "Traceback" not in out.stderr


def test_broken_user_file_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    original = (ROOT / "scenarios" / "load-balancer.toml").read_text().replace("unhealthy_after", "unhealty_after")
    bad.write_text(original)
    out = main("--scenario", str(bad), "--headless")
    assert out.returncode == 2
    assert out.stderr.strip() == (f"main.py: error: {bad}: nodes[lb].unhealty_after: unknown key for a "
                                  "load_balancer; did you mean 'unhealthy_after'?")
    assert bad.read_text() == original, "nothing the user made is touched"


def test_report_never_overwrites_something_that_is_not_a_report(tmp_path: Path) -> None:
    precious = tmp_path / "notes.txt"
    precious.write_text("my lecture notes")
    out = main("--scenario", "single-server", "--headless", "--duration", "2", "--report", str(precious))
    assert out.returncode == 2 and "not a report" in out.stderr and "Traceback" not in out.stderr
    assert precious.read_text() == "my lecture notes"
    report = tmp_path / "r.json"
    for _ in range(2):      # an earlier report is replaced without fuss
        assert main("--scenario", "single-server", "--headless", "--duration", "2", "--report", str(report)).returncode == 0
    assert main("--scenario", "single-server", "--headless", "--duration", "2", "--report", str(precious),
                "--force").returncode == 0


LB_FILE = (ROOT / "scenarios" / "load-balancer.toml").read_text()
LOOP = '\n[[nodes]]\nid = "lb2"\nkind = "load_balancer"\n\n[[links]]\nfrom = "lb"\nto = "lb2"\n' \
       '\n[[links]]\nfrom = "lb2"\nto = "lb"\nlatency_ms = 0\n'


@pytest.mark.parametrize("text, needle", [
    pytest.param(LB_FILE.replace("health_check_ms = 500", "health_check_ms = 1e-300"),
                 "nodes[lb].health_check_ms: input should be greater than or equal to 10", id="tiny-health-check"),
    pytest.param(LB_FILE.replace("timeout_ms = 2000", "timeout_ms = nan"),
                 "traffic.timeout_ms: input should be a finite number", id="nan"),
    pytest.param(LB_FILE.replace("timeout_ms = 2000", "timeout_ms = inf"),
                 "traffic.timeout_ms: input should be a finite number", id="inf"),
    pytest.param(LB_FILE + LOOP, "links[lb2 -> lb]: makes a loop lb -> lb2 -> lb", id="lb-loop"),
    pytest.param("a = " + "{b=" * 400 + "1" + "}" * 400 + "\n", "nested too deeply", id="deep-tables"),
    pytest.param("a = " + "[" * 400 + "]" * 400 + "\n", "a: tables and arrays nested too deeply", id="deep-arrays"),
])
def test_files_that_used_to_hang_or_crash_are_one_line_and_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    out = main("--check-scenario", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    assert f"{bad}: " in lines[0] and needle in lines[0]
