"""Saving the design on screen as a scenario file (Ctrl+S) and finding saved ones to open (Ctrl+O).

Files go to ~/system-design/ (or $SDV_DESIGNS) as my-design-1.toml, my-design-2.toml, ...: the
first free name, so nothing is ever overwritten; the write goes through safe_write (a temporary
file renamed into place). Before anything is written the text is read back and validated, so a
saved file always passes --check-scenario.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from visualizer import safe_write, toml_out
from visualizer.scenario import Scenario, load, validate
from visualizer.sim.design import design_of

HEADER = "A design built in System Design Visualizer (Ctrl+S). Open it with Ctrl+O or main.py --scenario."
STEM = "my-design"


def folder() -> Path:
    """Where designs are saved: $SDV_DESIGNS, else ~/system-design."""
    return Path(os.environ.get("SDV_DESIGNS") or Path.home() / "system-design")


def next_path(where: Path) -> Path:
    """The first free my-design-N.toml in `where`."""
    n = 1
    while (where / f"{STEM}-{n}.toml").exists():
        n += 1
    return where / f"{STEM}-{n}.toml"


def design_text(sim: Any, name: str) -> str:
    """The design as TOML, checked: it parses and validates as a scenario."""
    data = design_of(sim, name=name)
    title = data["meta"]["title"]
    data["meta"]["title"] = {"en": f"{name} (built from {title['en']})", "ko": f"{name} ({title['ko']}에서 만듦)"}
    text = toml_out.dumps(data, HEADER)
    validate(tomllib.loads(text), name)
    return text


def save(sim: Any, path: Path | None = None) -> Path:
    """Write the design to `path` (default: the next free name in folder()); UsageError naming
    the file and the problem if it cannot be written. Returns where it went."""
    path = path or next_path(folder())
    path.parent.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9_-]", "-", path.stem.lower()).strip("-") or STEM
    text = design_text(sim, name)
    out = safe_write.open_output(str(path), flag="save", force=False, kind="a design",
                                 is_ours=lambda head: head.startswith(b"# " + HEADER.encode()))
    out.write(text)
    return path


def recent(where: Path | None = None, n: int = 8) -> list[Path]:
    """The newest saved designs first."""
    where = where or folder()
    if not where.is_dir():
        return []
    found = [p for p in where.glob("*.toml") if p.is_file()]
    return sorted(found, key=lambda p: (-p.stat().st_mtime, p.name))[:n]


def open_design(path: Path) -> Scenario:
    """Load a design; ScenarioError (file, key, problem) if it is broken."""
    return load(path)
