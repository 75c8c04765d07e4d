"""Errors shared by the CLI and the recorder live in visualizer/errors.py: no import cycles, record needs no cli."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def import_graph() -> dict[str, set[str]]:
    """visualizer module -> the visualizer modules it imports anywhere (also inside functions)."""
    mods = {}
    for f in (ROOT / "visualizer").rglob("*.py"):
        name = ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        mods[name] = f
    graph = {}
    for name, f in mods.items():
        deps = set()
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                deps |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                found.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b", "a"]]


def test_no_import_cycles_between_the_window_cli_and_recording_modules():
    graph = {k: v for k, v in import_graph().items() if not k.startswith("visualizer.sim.")}  # sim/* is the core's
    assert not cycles(graph)
    for module in ("visualizer.record", "visualizer.record_window", "visualizer.record_video", "visualizer.safe_write"):
        assert "visualizer.cli" not in graph[module], module


def test_record_imports_without_the_cli():
    code = ("import sys; import visualizer.record, visualizer.errors; "
            "assert 'visualizer.cli' not in sys.modules, 'record pulled in the cli'; "
            "from visualizer.cli import UsageError; assert UsageError is visualizer.errors.UsageError")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
