"""Scenario files: every bundled one validates, every kind of bad input is one clean error line."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualizer.scenario import SCENARIO_DIR, ScenarioError, bundled, load, validate

BASE = """
[meta]
name = "t"
title = { en = "T", ko = "티" }
duration = 30

[[nodes]]
id = "users"
kind = "client"

[[nodes]]
id = "lb"
kind = "load_balancer"

[[nodes]]
id = "web1"
kind = "web_server"

[[nodes]]
id = "db1"
kind = "db_primary"

[[nodes]]
id = "db2"
kind = "db_replica"

[[links]]
from = "users"
to = "lb"

[[links]]
from = "lb"
to = "web1"

[[links]]
from = "web1"
to = "db1"

[[links]]
from = "web1"
to = "db2"
"""


def write(tmp_path: Path, text: str | bytes, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def error_of(tmp_path: Path, text: str | bytes) -> ScenarioError:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert str(path) in str(info.value), "the message names the file"
    assert "\n" not in str(info.value), "the message is one line"
    return info.value


def test_base_scenario_is_valid(tmp_path: Path) -> None:
    sc = load(write(tmp_path, BASE))
    assert [n.id for n in sc.nodes] == ["users", "lb", "web1", "db1", "db2"]


LESSONS = {1: "single-server", 2: "vertical-scaling", 3: "load-balancer", 4: "replication",
           5: "combined", 6: "cache", 7: "cdn", 8: "stateless", 9: "data-centres",
           10: "queue"}


def test_bundled_lessons_one_per_stage_of_the_chapter() -> None:
    lessons = [sc for _, sc in bundled() if sc.meta.lesson is not None]
    found = {sc.meta.lesson: sc.meta.name for sc in lessons}
    assert len(found) == len(lessons)                       # no two share a number
    assert found == {k: v for k, v in LESSONS.items() if k in found}
    assert sorted(found)[:6] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("path", sorted(SCENARIO_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_bundled_file_is_valid_and_bilingual(path: Path) -> None:
    sc = load(path)
    assert sc.meta.name == path.stem
    for beat in sc.timeline:
        if beat.caption is not None:
            assert beat.caption.en.strip() and beat.caption.ko.strip()
            assert any("\uac00" <= ch <= "\ud7a3" for ch in beat.caption.ko), "ko caption is Korean"


@pytest.mark.parametrize("edit, key, problem", [
    (("id = \"web1\"\nkind = \"web_server\"", "id = \"web1\"\nkind = \"web_server\"\nlag_ms = 3"),
     "nodes[web1].lag_ms", "unknown key for a web_server"),
    (("kind = \"web_server\"", "kind = \"webserver\""), "nodes[web1].kind", "did you mean 'web_server'"),
    (("duration = 30", "duraton = 30"), "meta.duraton", "did you mean 'duration'"),
    (("duration = 30", "duration = \"long\""), "meta.duration", "number"),
    (("duration = 30", "duration = -5"), "meta.duration", "greater than or equal to 1"),
    (("to = \"web1\"\n", "to = \"web9\"\n"), "links[1].to", "unknown node id 'web9'"),
    (("id = \"db2\"", "id = \"web1\""), "nodes[4].id", "duplicate node id 'web1'"),
    # two primaries are two clusters (shards); a replica must then say, by a link, which it copies
    (("[[links]]\nfrom = \"users\"", "[[nodes]]\nid = \"db3\"\nkind = \"db_primary\"\n\n[[links]]\nfrom = \"users\""),
     "nodes[db2]", "which primary does it copy"),
    (("kind = \"db_primary\"", "kind = \"web_server\""), "nodes", "db_replica with no db_primary"),
    (("from = \"users\"\nto = \"lb\"", "from = \"lb\"\nto = \"users\""), "nodes[users]", "no path"),
])
def test_bad_scenarios_name_the_key_and_the_problem(tmp_path: Path, edit, key, problem) -> None:
    old, new = edit
    assert old in BASE
    err = error_of(tmp_path, BASE.replace(old, new, 1))
    assert err.key == key
    assert problem in err.problem


def test_client_linked_straight_to_a_private_server_is_refused(tmp_path: Path) -> None:
    err = error_of(tmp_path, BASE + '\n[[links]]\nfrom = "users"\nto = "web1"\n')
    assert "private IP" in err.problem and "web1" in err.key


LB2 = '\n[[nodes]]\nid = "lb2"\nkind = "load_balancer"\n'
LB3 = '\n[[nodes]]\nid = "lb3"\nkind = "load_balancer"\n'


def links(*pairs: str) -> str:
    """[[links]] tables for 'a->b' pairs."""
    return "".join(f'\n[[links]]\nfrom = "{p.split("->")[0]}"\nto = "{p.split("->")[1]}"\n' for p in pairs)


@pytest.mark.parametrize("extra, key, loop", [
    (LB2 + links("lb->lb2", "lb2->lb"), "links[lb2 -> lb]", "lb -> lb2 -> lb"),
    (LB2 + LB3 + links("lb->lb2", "lb2->lb3", "lb3->lb"), "links[lb3 -> lb]", "lb -> lb2 -> lb3 -> lb"),
    (LB2 + LB3 + links("lb2->lb3", "lb3->lb2", "lb->lb2"), "links[lb3 -> lb2]", "lb2 -> lb3 -> lb2"),
])
def test_load_balancers_forwarding_in_a_loop_are_refused(tmp_path: Path, extra: str, key: str, loop: str) -> None:
    err = error_of(tmp_path, BASE + extra)
    assert err.key == key
    assert f"makes a loop {loop}" in err.problem


def test_chained_load_balancers_and_links_that_carry_no_requests_are_no_loop(tmp_path: Path) -> None:
    chain = load(write(tmp_path, BASE + LB2 + links("lb->lb2", "lb2->web1")))
    assert [(l.src, l.dst) for l in chain.links][-2:] == [("lb", "lb2"), ("lb2", "web1")]
    load(write(tmp_path, BASE + links("db1->db2", "web1->lb"), "other.toml"))   # requests never go back


DNS = '\n[[nodes]]\nid = "dns"\nkind = "dns"\npoints_to = "{}"\n' + links("users->dns")


def test_dns_pointing_at_the_load_balancer_is_fine(tmp_path: Path) -> None:
    assert load(write(tmp_path, BASE + DNS.format("lb"))).node("dns").points_to == "lb"


@pytest.mark.parametrize("target, problem", [
    ("web1", "'web1' sits behind a load balancer on a private IP"),
    ("users", "'users' is a client, not an entry point"),
    ("dns", "'dns' is a dns, not an entry point"),
    ("wbe1", "unknown node id 'wbe1'; did you mean 'web1'?"),
])
def test_dns_must_hand_out_a_reachable_entry_point(tmp_path: Path, target: str, problem: str) -> None:
    err = error_of(tmp_path, BASE + DNS.format(target))
    assert err.key == "nodes[dns].points_to"
    assert problem in err.problem


@pytest.mark.parametrize("beat, key, problem", [
    ('at = 1\naction = "promote"\nnode = "web1"', "timeline[0].action", "makes no sense for web1"),
    ('at = 1\naction = "fail"', "timeline[0].node", "needs a node"),
    ('at = 1\naction = "fail"\nnode = "wbe1"', "timeline[0].node", "did you mean 'web1'"),
    ('at = 99\naction = "fail"\nnode = "web1"', "timeline[0].at", "after meta.duration"),
    ('at = 1\naction = "set_rate"', "timeline[0].rate", "needs a rate"),
    ('at = 1\naction = "explode"', "timeline[0].action", "input should be"),
    ('at = 1\naction = "note"\nwait = true', "timeline[0].wait", "cannot be asked"),
    ('at = 1\nhighlight = ["web1->db9"]', "timeline[0].highlight[0]", "no link"),
])
def test_timeline_actions_that_make_no_sense(tmp_path: Path, beat: str, key: str, problem: str) -> None:
    err = error_of(tmp_path, BASE + "\n[[timeline]]\n" + beat + "\n")
    assert err.key == key
    assert problem in err.problem


def test_timeline_out_of_order_is_refused(tmp_path: Path) -> None:
    beats = "".join(f'\n[[timeline]]\nat = {at}\n' for at in (0, 5, 5, 3, 9))
    err = error_of(tmp_path, BASE + beats)
    assert err.key == "timeline[3].at"
    assert "3 s comes before timeline[2].at (5 s)" in err.problem


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "UTF-8"),
    (b"[meta\nname = 1", "TOML syntax"),
    (b"title = 3", "meta"),
])
def test_broken_files(tmp_path: Path, content: bytes, problem: str) -> None:
    err = error_of(tmp_path, content)
    assert problem in str(err)


@pytest.mark.parametrize("where, value", [("id", "us\ners"), ("points_to", "l\rb\x1b[2J")])
def test_control_characters_echoed_from_the_file_stay_on_one_line(where: str, value: str) -> None:
    data = tomllib.loads(BASE)
    if where == "id":
        data["nodes"][0]["id"] = value
    else:
        data["nodes"].append({"id": "dns", "kind": "dns", "points_to": value})
    with pytest.raises(ScenarioError) as info:
        validate(data, "x.toml")
    assert "\n" not in str(info.value) and "\r" not in str(info.value) and "\x1b" not in str(info.value)
    assert repr(value)[1:-1] in str(info.value)


def test_missing_file_and_unknown_bundled_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load(tmp_path / "absent.toml")
    with pytest.raises(ScenarioError, match="did you mean 'combined'"):
        load("combnied")


def _mutations() -> st.SearchStrategy:
    values = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.text(max_size=8),
                       st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
                       st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
    return st.lists(st.tuples(st.sampled_from(["set", "delete", "rename"]),
                              st.lists(st.integers(0, 40), min_size=1, max_size=4), values),
                    min_size=1, max_size=4)


def _mutate(data: object, op: str, path: list[int], value: object) -> None:
    """Apply one random edit somewhere inside nested dicts and lists."""
    node = data
    for step in path[:-1]:
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        containers = [c for c in children if isinstance(c, (dict, list))]
        if not containers:
            break
        node = containers[step % len(containers)]
    if isinstance(node, dict) and node:
        key = sorted(node)[path[-1] % len(node)]
        if op == "delete":
            del node[key]
        elif op == "rename":
            node[key + "x"] = node.pop(key)
        else:
            node[key] = value
    elif isinstance(node, list) and node:
        if op == "delete":
            node.pop(path[-1] % len(node))
        else:
            node[path[-1] % len(node)] = value


BUNDLED_DATA = [tomllib.loads(p.read_text()) for p in sorted(SCENARIO_DIR.glob("*.toml"))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(BUNDLED_DATA) - 1), _mutations())
def test_random_mutations_only_ever_raise_the_clean_error(which: int, edits) -> None:
    data = copy.deepcopy(BUNDLED_DATA[which])
    for op, path, value in edits:
        _mutate(data, op, path, value)
    try:
        validate(data, "mutated.toml")
    except ScenarioError as err:
        assert str(err).startswith("mutated.toml: ") and "\n" not in str(err)


def test_every_schema_key_is_documented_with_its_default() -> None:
    from visualizer import schema

    doc = (SCENARIO_DIR.parent / "docs" / "scenarios.md").read_text()
    models = [schema.Meta, schema.Traffic, schema.Link, schema.Beat, schema.Site, *schema.node_models().values()]
    for model in models:
        for name, field in model.model_fields.items():
            if name in ("kind", "id"):
                continue
            assert f"`{field.alias or name}`" in doc, f"{model.__name__}.{name} is not in docs/scenarios.md"


def full_data() -> dict:
    """BASE as data, plus a DNS, a CDN edge, a queue and a timeline beat, so that every number key has a place."""
    data = tomllib.loads(BASE)
    data["traffic"] = {}
    data["nodes"].append({"id": "dns", "kind": "dns", "points_to": "lb"})
    data["links"].append({"from": "users", "to": "dns"})
    data["nodes"].append({"id": "cdn", "kind": "cdn"})
    data["links"] += [{"from": "users", "to": "cdn"}, {"from": "cdn", "to": "lb"}]
    data["nodes"].append({"id": "jobs", "kind": "queue"})
    data["links"].append({"from": "web1", "to": "jobs"})
    data["timeline"] = [{"at": 1, "action": "set_rate", "rate": 10, "speed": 1}]
    return data


# Every float key: where it lives in full_data(), how error messages name it, and its bounds
BOUNDS = [
    (("meta",), "meta.duration", "duration", 1, 86_400),
    (("meta",), "meta.speed", "speed", 0.01, 100),
    (("traffic",), "traffic.rate", "rate", 0, 100_000),
    (("traffic",), "traffic.read_ratio", "read_ratio", 0, 1),
    (("traffic",), "traffic.timeout_ms", "timeout_ms", 1, 600_000),
    (("traffic",), "traffic.key_skew", "key_skew", 0, 3),
    (("traffic",), "traffic.static_ratio", "static_ratio", 0, 1),
    (("traffic",), "traffic.object_skew", "object_skew", 0, 3),
    (("traffic",), "traffic.session_s", "session_s", 0, 86_400),
    (("nodes", 1), "nodes[lb].health_check_ms", "health_check_ms", 10, 600_000),
    (("nodes", 1), "nodes[lb].mtbf_s", "mtbf_s", 1, 31_536_000),
    (("nodes", 2), "nodes[web1].mttr_s", "mttr_s", 0.1, 31_536_000),
    (("nodes", 2), "nodes[web1].service_ms", "service_ms", 0.001, 600_000),
    (("nodes", 2), "nodes[web1].boot_s", "boot_s", 0, 3_600),
    (("nodes", 2), "nodes[web1].publish_ratio", "publish_ratio", 0, 1),
    (("nodes", 3), "nodes[db1].failover_ms", "failover_ms", 0, 600_000),
    (("nodes", 4), "nodes[db2].lag_ms", "lag_ms", 0, 600_000),
    (("nodes", 4), "nodes[db2].replace_s", "replace_s", 0, 86_400),
    (("nodes", 5), "nodes[dns].ttl_s", "ttl_s", 0, 86_400),
    (("nodes", 5), "nodes[dns].health_check_ms", "health_check_ms", 10, 600_000),
    (("nodes", 6), "nodes[cdn].ttl_s", "ttl_s", 0, 86_400),
    (("nodes", 6), "nodes[cdn].fallback_ms", "fallback_ms", 0, 600_000),
    (("nodes", 7), "nodes[jobs].visibility_timeout_s", "visibility_timeout_s", 0.1, 86_400),
    (("links", 0), "links[0].latency_ms", "latency_ms", 0, 60_000),
    (("timeline", 0), "timeline[0].at", "at", 0, 86_400),
    (("timeline", 0), "timeline[0].rate", "rate", 0, 100_000),
    (("timeline", 0), "timeline[0].speed", "speed", 0.01, 100),
    (("timeline", 0), "timeline[0].seconds", "seconds", 0, 86_400),
]
NAN, INF = float("nan"), float("inf")


def with_value(where: tuple, name: str, value: float) -> dict:
    data = full_data()
    table = data
    for step in where:
        table = table[step]
    table[name] = value
    return data


def test_bounds_cover_every_float_key_of_the_schema() -> None:
    from visualizer import schema

    models = [schema.Meta, schema.Traffic, schema.Link, schema.Beat, *schema.node_models().values()]
    floats = {name for m in models for name, f in m.model_fields.items() if "float" in str(f.annotation)}
    assert floats == {name for *_, name, _, _ in BOUNDS}


@pytest.mark.parametrize("where, key, name, low, high", BOUNDS, ids=[b[1] for b in BOUNDS])
def test_number_keys_accept_both_bounds(where, key, name, low, high) -> None:
    for value in (low, high):
        data = with_value(where, name, value)
        if name == "at":
            data["meta"]["duration"] = 86_400
        validate(data, "edge.toml")


@pytest.mark.parametrize("where, key, name, value, problem", [
    pytest.param(where, key, name, bad, problem, id=f"{key}={bad:g}")
    for where, key, name, low, high in BOUNDS
    for bad, problem in [(low - max(low / 2, 0.001), f"greater than or equal to {low}"),
                         (high * 1.5 + 1, f"less than or equal to {high}"),
                         (NAN, "finite number"), (INF, "finite number"), (-INF, "finite number")]
] + [pytest.param(("nodes", 1), "nodes[lb].health_check_ms", "health_check_ms", 1e-300,
                  "greater than or equal to 10", id="nodes[lb].health_check_ms=1e-300")])
def test_number_keys_out_of_bounds_or_not_finite(where, key, name, value, problem) -> None:
    with pytest.raises(ScenarioError) as info:
        validate(with_value(where, name, value), "bad.toml")
    err = info.value
    assert str(err).startswith(f"bad.toml: {key}: ") and "\n" not in str(err)
    assert problem in err.problem


def test_nan_and_inf_written_in_toml_are_refused(tmp_path: Path) -> None:
    err = error_of(tmp_path, BASE.replace('kind = "load_balancer"', 'kind = "load_balancer"\nhealth_check_ms = nan'))
    assert err.key == "nodes[lb].health_check_ms" and "finite number" in err.problem
    err = error_of(tmp_path, BASE.replace("duration = 30", "duration = inf"))
    assert err.key == "meta.duration" and "finite number" in err.problem


def test_docs_give_every_bound() -> None:
    doc = (SCENARIO_DIR.parent / "docs" / "scenarios.md").read_text()
    for _, key, name, low, high in BOUNDS:
        rows = [line for line in doc.splitlines() if line.startswith(f"| `{name}` |")]
        shown = f"{low} .. {high}"
        assert any(shown in row for row in rows), f"docs/scenarios.md does not give {key} as {shown}"


@pytest.mark.parametrize("depth", [17, 400])
@pytest.mark.parametrize("open_, close", [("{b=", "}"), ("[", "]")], ids=["tables", "arrays"])
def test_deeply_nested_toml_is_one_clean_line(tmp_path: Path, depth: int, open_: str, close: str) -> None:
    err = error_of(tmp_path, BASE + "\n[extra]\na = " + open_ * depth + "1" + close * depth + "\n")
    assert "nested too deeply (more than 16 levels)" in err.problem


def test_nesting_too_deep_for_the_toml_parser_itself(tmp_path: Path) -> None:
    err = error_of(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in err.problem


def test_deep_data_handed_to_validate_is_refused_before_pydantic() -> None:
    data = full_data()
    deep: list = []
    data["timeline"][0]["highlight"] = deep
    for _ in range(2000):
        deep.append([])
        deep = deep[0]
    with pytest.raises(ScenarioError, match=r"^x\.toml: timeline: tables and arrays nested too deeply"):
        validate(data, "x.toml")
