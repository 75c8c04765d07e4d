"""Write a scenario as TOML text: the small subset scenario files use (tables, arrays of tables, inline tables)."""

from __future__ import annotations

import json
import math
from typing import Any

BARE_KEY = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _key(k: str) -> str:
    return k if k and set(k) <= BARE_KEY else json.dumps(k, ensure_ascii=False)


def value(v: Any) -> str:
    """One TOML value.

    >>> value(1.5), value("a\\"b"), value([1, 2]), value({"en": "x", "ko": "y"})
    ('1.5', '"a\\\\"b"', '[1, 2]', '{ en = "x", ko = "y" }')
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"TOML scenario values are finite, got {v}")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)     # JSON's escapes are valid in a TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _body(table: dict[str, Any]) -> list[str]:
    return [f"{_key(k)} = {value(v)}" for k, v in table.items() if v is not None]


def dumps(data: dict[str, Any], header: str = "") -> str:
    """A scenario dict as TOML: plain tables (meta, traffic) first, then arrays of tables
    ([[nodes]], [[links]]); a nested dict inside a table is written inline."""
    out = [f"# {line}" if line else "#" for line in header.splitlines()]
    for name, v in data.items():
        if isinstance(v, dict):
            out += ["", f"[{_key(name)}]"] + _body(v)
    for name, v in data.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for row in v:
                out += ["", f"[[{_key(name)}]]"] + _body(row)
    return "\n".join(out).lstrip("\n") + "\n"
