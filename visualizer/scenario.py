"""Find, read and validate scenario files; every problem becomes one ScenarioError line."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from visualizer import schema
from visualizer.errors import ScenarioError, did_you_mean  # noqa: F401  (ScenarioError re-exported)
from visualizer.scenario_checks import check_design
from visualizer.scenario_compare import check_compare_beats
from visualizer.schema import Scenario, node_models, scenario_model

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
MAX_BYTES = 1_000_000
MAX_DEPTH = 16      # tables and arrays inside each other; a real scenario needs 4
TOO_DEEP = f"tables and arrays nested too deeply (more than {MAX_DEPTH} levels)"


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
        scenario = scenario_model().model_validate(data)
    except ValidationError as exc:
        raise _first_error(path, data, exc) from None
    except RecursionError:
        raise ScenarioError(path, "", TOO_DEEP) from None
    check_references(scenario, path)
    check_compare_beats(scenario, path, load)
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
        if isinstance(cur, dict) and item not in cur and item in node_models():
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
            return ScenarioError(path, key + ".kind", f"missing; one of {', '.join(node_models())}")
        return ScenarioError(path, key + ".kind", f"unknown kind '{got}'{did_you_mean(got, node_models())}"
                             f" (one of {', '.join(node_models())})")
    if kind == "missing":
        return ScenarioError(path, key, "required key is missing")
    shown = repr(value) if value is not None and len(repr(value)) < 40 else ""
    message = err["msg"][0].lower() + err["msg"][1:]
    return ScenarioError(path, key, f"{message}" + (f" (got {shown})" if shown else ""))


def _allowed_keys(loc: tuple[Any, ...], parent: Any) -> list[str]:
    """Names a table at `loc` may hold, to suggest a correction for a misspelt key."""
    if loc and loc[0] == "nodes" and isinstance(parent, dict):
        model = node_models().get(parent.get("kind", ""), schema.NodeBase)
    else:
        top = {"meta": schema.Meta, "traffic": schema.Traffic, "links": schema.Link,
               "timeline": schema.Beat, "sites": schema.Site,
               "database": schema.Database}
        model = top.get(loc[0], schema.Scenario) if len(loc) > 1 else schema.Scenario
        if len(loc) > 2 and loc[0] == "meta":
            model = schema.Text
    fields = model.model_fields
    return [f.alias or name for name, f in fields.items()]


def check_references(sc: Scenario, path: str | Path) -> None:
    """Cross-checks pydantic cannot do: ids, links, topology, timeline actions."""
    check_design(sc, path)
