"""Errors shared by the command line and the modules it drives, so neither has to import the other."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable


class UsageError(Exception):
    """A bad flag or flag value, or an output we must not or cannot write: one line, exit 2."""


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
