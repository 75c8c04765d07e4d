"""Find, read and validate scenario files; every problem becomes one ScenarioError line."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
from pydantic import ValidationError

from visualizer import schema
from visualizer.schema import NODE_MODELS, WAITABLE, Beat, Scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
SERVER_KINDS = {"web_server", "db_primary", "db_replica"}
DB_KINDS = {"db_primary", "db_replica"}
MAX_BYTES = 1_000_000
MAX_DEPTH = 16      # tables and arrays inside each other; a real scenario needs 4
TOO_DEEP = f"tables and arrays nested too deeply (more than {MAX_DEPTH} levels)"


class ScenarioError(Exception):
    """A bad scenario: `str(err)` is one line naming the file, the key and the problem."""

    def __init__(self, file: str | Path, key: str, problem: str) -> None:
        self.file, self.key, self.problem = one_line(str(file)), one_line(key), one_line(problem)
        where = f"{self.file}: {self.key}: " if key else f"{self.file}: "
        super().__init__(where + self.problem)


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped, as in a Python string."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' when a choice is close to `word`, else ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def bundled() -> list[tuple[str, Scenario]]:
    """Every scenario shipped in scenarios/, lessons first in lesson order, then by name."""
    found = [load(p) for p in sorted(SCENARIO_DIR.glob("*.toml"))]
    found.sort(key=lambda s: (s.meta.lesson is None, s.meta.lesson or 0, s.meta.name))
    return [(s.meta.name, s) for s in found]


def resolve(name_or_path: str) -> Path:
    """A file path as given, or the bundled scenario of that name."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or "/" in name_or_path:
        return path
    candidate = SCENARIO_DIR / f"{name_or_path}.toml"
    if candidate.exists():
        return candidate
    names = [p.stem for p in SCENARIO_DIR.glob("*.toml")]
    raise ScenarioError(name_or_path, "", f"no such scenario file or bundled scenario{did_you_mean(name_or_path, names)}"
                        f" (bundled: {', '.join(sorted(names))})")


def load(name_or_path: str | Path) -> Scenario:
    """Read and validate one scenario; raises ScenarioError. Nothing in the file is executed."""
    path = resolve(str(name_or_path))
    return validate(_read_toml(path), path)


def validate(data: dict[str, Any], path: str | Path = "<scenario>") -> Scenario:
    """Validate parsed TOML data; raises ScenarioError naming `path`, the key and the problem."""
    if not isinstance(data, dict):
        raise ScenarioError(path, "", "a scenario is a TOML table")
    deep = _too_deep(data)
    if deep is not None:
        raise ScenarioError(path, deep, TOO_DEEP)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _first_error(path, data, exc) from None
    except RecursionError:
        raise ScenarioError(path, "", TOO_DEEP) from None
    check_references(scenario, path)
    return scenario


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ScenarioError(path, "", "no such file")
    if path.is_dir():
        raise ScenarioError(path, "", "is a directory, not a scenario file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise ScenarioError(path, "", "file is empty")
    if len(raw) > MAX_BYTES:
        raise ScenarioError(path, "", f"file is {len(raw)} bytes; a scenario is at most {MAX_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "not a UTF-8 text file (binary?)") from None
    if "\x00" in text:
        raise ScenarioError(path, "", "not a text file (contains NUL bytes)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"TOML syntax error: {exc}") from None
    except RecursionError:
        raise ScenarioError(path, "", TOO_DEEP) from None


def _too_deep(data: dict[str, Any]) -> str | None:
    """The top-level key under which tables and arrays nest more than MAX_DEPTH deep, else None.

    Iterative, so that it cannot itself run out of stack, and it stops at the first too-deep value.
    """
    stack: list[tuple[Any, int, str]] = [(value, 2, str(key)) for key, value in data.items()]
    while stack:
        value, depth, top = stack.pop()
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return top
        stack.extend((child, depth + 1, top) for child in children)
    return None


def _key_name(data: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, Any]:
    """Render a pydantic location as 'nodes[web1].lag_ms' and return the value found there."""
    parts: list[str] = []
    cur: Any = data
    for item in loc:
        if isinstance(item, int):
            label = item
            if isinstance(cur, list) and 0 <= item < len(cur):
                cur = cur[item]
                if isinstance(cur, dict) and isinstance(cur.get("id"), str):
                    label = cur["id"]
            else:
                cur = None
            parts.append(f"[{label}]")
            continue
        if isinstance(cur, dict) and item not in cur and item in NODE_MODELS:
            continue  # the discriminator tag pydantic inserts for node kinds
        cur = cur.get(item) if isinstance(cur, dict) else None
        parts.append(("." if parts else "") + str(item))
    return "".join(parts), cur


def _first_error(path: Path, data: dict[str, Any], exc: ValidationError) -> ScenarioError:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    key, value = _key_name(data, loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        parent_key, parent = _key_name(data, loc[:-1])
        allowed = _allowed_keys(loc, parent)
        owner = f" for a {parent['kind']}" if isinstance(parent, dict) and "kind" in parent else ""
        return ScenarioError(path, key, f"unknown key{owner}{did_you_mean(loc[-1], allowed)}")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        got = value.get("kind") if isinstance(value, dict) else None
        if got is None:
            return ScenarioError(path, key + ".kind", f"missing; one of {', '.join(NODE_MODELS)}")
        return ScenarioError(path, key + ".kind", f"unknown kind '{got}'{did_you_mean(got, NODE_MODELS)}"
                             f" (one of {', '.join(NODE_MODELS)})")
    if kind == "missing":
        return ScenarioError(path, key, "required key is missing")
    shown = repr(value) if value is not None and len(repr(value)) < 40 else ""
    message = err["msg"][0].lower() + err["msg"][1:]
    return ScenarioError(path, key, f"{message}" + (f" (got {shown})" if shown else ""))


def _allowed_keys(loc: tuple[Any, ...], parent: Any) -> list[str]:
    """Names a table at `loc` may hold, to suggest a correction for a misspelt key."""
    if loc and loc[0] == "nodes" and isinstance(parent, dict):
        model = NODE_MODELS.get(parent.get("kind", ""), schema.NodeBase)
    else:
        top = {"meta": schema.Meta, "traffic": schema.Traffic, "links": schema.Link,
               "timeline": schema.Beat}
        model = top.get(loc[0], schema.Scenario) if len(loc) > 1 else schema.Scenario
        if len(loc) > 2 and loc[0] == "meta":
            model = schema.Text
    fields = model.model_fields
    return [f.alias or name for name, f in fields.items()]


def check_references(sc: Scenario, path: str | Path) -> None:
    """Cross-checks pydantic cannot do: ids, links, topology, timeline actions."""
    ids: dict[str, str] = {}
    for i, node in enumerate(sc.nodes):
        if node.id in ids:
            raise ScenarioError(path, f"nodes[{i}].id", f"duplicate node id '{node.id}'")
        ids[node.id] = node.kind
    _check_links(sc, path, ids)
    _check_loops(sc, path, ids)
    graph = nx.DiGraph([(l.src, l.dst) for l in sc.links])
    graph.add_nodes_from(ids)
    _check_topology(sc, path, ids, graph)
    for i, beat in enumerate(sc.timeline):
        _check_beat(sc, path, ids, graph, i, beat)


def _node_ref(path: str | Path, key: str, ref: str, ids: dict[str, str]) -> None:
    if ref not in ids:
        raise ScenarioError(path, key, f"unknown node id '{ref}'{did_you_mean(ref, ids)}")


def _check_links(sc: Scenario, path: str | Path, ids: dict[str, str]) -> None:
    seen: set[tuple[str, str]] = set()
    for i, link in enumerate(sc.links):
        _node_ref(path, f"links[{i}].from", link.src, ids)
        _node_ref(path, f"links[{i}].to", link.dst, ids)
        if link.src == link.dst:
            raise ScenarioError(path, f"links[{i}]", f"a link from '{link.src}' to itself")
        if (link.src, link.dst) in seen:
            raise ScenarioError(path, f"links[{i}]", f"duplicate link {link.src} -> {link.dst}")
        seen.add((link.src, link.dst))


def _forwards(src_kind: str, dst_kind: str) -> bool:
    """Whether a request travels on over a link of these kinds (other links carry no requests)."""
    if src_kind == "load_balancer":
        return dst_kind not in ("client", "dns")
    return src_kind == "web_server" and dst_kind in DB_KINDS


def _check_loops(sc: Scenario, path: str | Path, ids: dict[str, str]) -> None:
    """Refuse the link that closes a loop of nodes forwarding requests (lb1 -> lb2 -> lb1).

    A request would circle until it timed out, and with 0 ms links simulated time would stand still.
    """
    forward = nx.DiGraph()
    for link in sc.links:
        if not _forwards(ids[link.src], ids[link.dst]):
            continue
        if link.dst in forward and link.src in forward and nx.has_path(forward, link.dst, link.src):
            loop = nx.shortest_path(forward, link.dst, link.src) + [link.dst]
            raise ScenarioError(path, f"links[{link.src} -> {link.dst}]",
                                f"makes a loop {' -> '.join(loop)}; requests would go round it forever")
        forward.add_edge(link.src, link.dst)


def _check_topology(sc: Scenario, path: str | Path, ids: dict[str, str], g: nx.DiGraph) -> None:
    kinds = list(ids.values())
    if "client" not in kinds:
        raise ScenarioError(path, "nodes", "no node of kind 'client' (the users)")
    if not SERVER_KINDS & set(kinds):
        raise ScenarioError(path, "nodes", "no server (web_server, db_primary or db_replica)")
    primaries = [n for n, k in ids.items() if k == "db_primary"]
    if len(primaries) > 1:
        raise ScenarioError(path, "nodes", f"two primaries ({', '.join(primaries)}); a design has one")
    if "db_replica" in kinds and not primaries:
        raise ScenarioError(path, "nodes", "a db_replica with no db_primary to copy from")
    behind_lb = {d for s, d in g.edges if ids[s] == "load_balancer"}
    for node in sc.nodes:
        if node.kind == "dns" and node.points_to is not None:
            _check_points_to(path, f"nodes[{node.id}].points_to", node.points_to, ids, behind_lb)
        if node.kind != "client":
            continue
        for dst in g.successors(node.id):
            if dst in behind_lb:
                raise ScenarioError(path, f"links[{node.id} -> {dst}]",
                                    f"'{dst}' sits behind a load balancer on a private IP; "
                                    "clients cannot reach it directly")
        reach = nx.descendants(g, node.id)
        if not any(ids[r] == "web_server" or ids[r] in SERVER_KINDS for r in reach):
            raise ScenarioError(path, f"nodes[{node.id}]", "no path from this client to any server")


def _check_points_to(path: str | Path, key: str, target: str, ids: dict[str, str],
                     behind_lb: set[str]) -> None:
    """What DNS hands out must be an entry point the internet can reach."""
    _node_ref(path, key, target, ids)
    if ids[target] in ("client", "dns"):
        raise ScenarioError(path, key, f"'{target}' is a {ids[target]}, not an entry point; "
                            "DNS hands out a load balancer or a server")
    if target in behind_lb:
        raise ScenarioError(path, key, f"'{target}' sits behind a load balancer on a private IP; "
                            "DNS cannot hand it out to clients")


ACTION_KINDS = {
    "upgrade": SERVER_KINDS, "add_server": {"load_balancer"}, "remove_server": {"web_server"},
    "promote": {"db_replica"}, "set_algorithm": {"load_balancer"},
}


def _check_beat(sc: Scenario, path: str | Path, ids: dict[str, str], g: nx.DiGraph,
                i: int, beat: Beat) -> None:
    key = f"timeline[{i}]"
    if beat.at > sc.meta.duration:
        raise ScenarioError(path, f"{key}.at", f"{beat.at:g} s is after meta.duration ({sc.meta.duration:g} s)")
    for j, ref in enumerate(beat.highlight):
        if "->" in ref:
            src, _, dst = (p.strip() for p in ref.partition("->"))
            if not g.has_edge(src, dst):
                raise ScenarioError(path, f"{key}.highlight[{j}]", f"no link '{ref}'")
        else:
            _node_ref(path, f"{key}.highlight[{j}]", ref, ids)
    if beat.node is not None:
        _node_ref(path, f"{key}.node", beat.node, ids)
    needs_node = beat.action in {"fail", "recover", "upgrade", "remove_server", "promote"}
    if needs_node and beat.node is None:
        raise ScenarioError(path, f"{key}.node", f"action '{beat.action}' needs a node")
    if beat.action == "add_server" and beat.node is None and list(ids.values()).count("load_balancer") != 1:
        raise ScenarioError(path, f"{key}.node", "add_server needs the load balancer's id")
    allowed = ACTION_KINDS.get(beat.action)
    if allowed and beat.node is not None and ids[beat.node] not in allowed:
        raise ScenarioError(path, f"{key}.action", f"'{beat.action}' makes no sense for "
                            f"{beat.node} (a {ids[beat.node]}); it needs a {' or '.join(sorted(allowed))}")
    if beat.action == "remove_server" and beat.node is not None:
        if not any(ids[p] == "load_balancer" for p in g.predecessors(beat.node)):
            raise ScenarioError(path, f"{key}.node", f"'{beat.node}' is not behind a load balancer")
    if beat.action == "set_rate" and beat.rate is None:
        raise ScenarioError(path, f"{key}.rate", "set_rate needs a rate (requests per second)")
    if beat.action == "set_algorithm" and beat.algorithm is None:
        raise ScenarioError(path, f"{key}.algorithm", "set_algorithm needs an algorithm")
    if beat.wait and beat.action not in WAITABLE:
        raise ScenarioError(path, f"{key}.wait", f"a student cannot be asked to '{beat.action}'; "
                            f"wait works with {', '.join(WAITABLE)}")
    if beat.action == "recover_data" and "db_primary" not in ids.values():
        raise ScenarioError(path, f"{key}.action", "recover_data needs a db_primary in the design")
