"""Undo and redo of the student's commands over the time-travel store (no pygame).

Ctrl+Z goes back to the moment just before the last command the student gave (the model
restored exactly as it was then, the future after it discarded); Ctrl+Y gives that command again,
now, as long as no other command was given since the undo (time passing is not a change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from visualizer.sim.commands import Command, CommandError


@dataclass
class EditHistory:
    """The log positions of the student's commands, and the commands undone (newest last)."""

    done: list[int] = field(default_factory=list)
    undone: list[tuple[Command, int]] = field(default_factory=list)   # (command, log length after its undo)

    def record(self, player: Any, cmd: Command) -> None:
        """A command the player just accepted (it is the timeline's last entry)."""
        log = player.timeline.log
        if log and log[-1].cmd is cmd:
            self.done.append(len(log) - 1)
        if not self._redoing:
            self.undone.clear()

    _redoing: bool = False

    def undo(self, player: Any) -> Command | None:
        """Back to just before the last command still in the log; None if there is none."""
        log = player.timeline.log
        while self.done and (self.done[-1] >= len(log)):
            self.done.pop()
        if not self.done:
            return None
        i = self.done.pop()
        cmd = log[i].cmd
        t = player.timeline.rewind_before(i)
        player.seek(t)              # a lesson's beat follows the time
        self.undone.append((cmd, len(player.timeline.log)))
        return cmd

    def redo(self, player: Any, apply: Any) -> Command | None:
        """Give the last undone command again via `apply` (the window's, so hooks run); None if
        nothing was undone; CommandError if another command was given since."""
        if not self.undone:
            return None
        cmd, length = self.undone[-1]
        if len(player.timeline.log) != length:
            self.undone.clear()
            raise CommandError("something else changed since the undo; nothing to redo")
        self.undone.pop()
        self._redoing = True
        try:
            apply(cmd)
        finally:
            self._redoing = False
        return cmd
