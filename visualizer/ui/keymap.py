"""One key table for the whole tool: bindings map a key (or typed character) to a named action."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

import pygame


@dataclass(frozen=True)
class Binding:
    """`keys` are pygame key codes, `chars` typed characters (for '?', '+'); `shown` is the help text.

    A binding with neither keys, chars nor `shown` documents a mouse action (help lists it with the
    mouse); one with only `shown` documents keys a widget handles itself.
    `listed` says whether help lists it now (None: always), e.g. lesson keys only in a lesson.
    """

    action: str
    keys: tuple[int, ...] = ()
    chars: tuple[str, ...] = ()
    ctrl: bool = False
    shown: str = ""       # e.g. "Space", "+ / =" (empty: not listed in help)
    help: str = ""        # i18n key of the description
    listed: Callable[[], bool] | None = field(default=None, compare=False)

    @property
    def mouse(self) -> bool:
        """A mouse action: no keys, and no keys to show (a widget that reads its own keys, such as
        the keyboard focus, still shows them)."""
        return not self.keys and not self.chars and not self.shown


@dataclass
class KeyMap:
    """Bindings plus the handlers of their actions; later features add theirs with bind()."""

    bindings: list[Binding] = field(default_factory=list)
    handlers: dict[str, Callable[[], None]] = field(default_factory=dict)

    def bind(self, binding: Binding, handler: Callable[[], None] | None = None) -> None:
        """Add a binding (and the action's handler); a key already taken raises ValueError."""
        for key in binding.keys:
            other = self.action_for_key(key, binding.ctrl)
            if other is not None and other != binding.action:
                raise ValueError(f"key {pygame.key.name(key)!r} is already bound to {other!r}")
        self.bindings.append(binding)
        if handler is not None:
            self.handlers[binding.action] = handler

    def action_for_key(self, key: int, ctrl: bool = False) -> str | None:
        for b in self.bindings:
            if b.ctrl == ctrl and key in b.keys:
                return b.action
        return None

    def lookup(self, event: pygame.event.Event) -> str | None:
        """The action a KEYDOWN event triggers, or None."""
        if event.type != pygame.KEYDOWN:
            return None
        ctrl = bool(getattr(event, "mod", 0) & pygame.KMOD_CTRL)
        char = getattr(event, "unicode", "") or ""
        for b in self.bindings:
            if b.ctrl != ctrl:
                continue
            if event.key in b.keys or (char and char in b.chars):
                return b.action
        return None

    def dispatch(self, event: pygame.event.Event) -> bool:
        """Run the handler bound to this key event; True if there was one."""
        action = self.lookup(event)
        handler = self.handlers.get(action) if action else None
        if handler is None:
            return False
        handler()
        return True

    def help_entries(self) -> Iterator[tuple[str, str]]:
        """(keys as shown, i18n key) for every documented binding that is listed now, in the order
        bound; a mouse action's keys are shown as ""."""
        seen: set[str] = set()
        for b in self.bindings:
            if b.help and (b.shown or b.mouse) and b.action not in seen and (b.listed is None or b.listed()):
                seen.add(b.action)
                yield ("" if b.mouse else b.shown), b.help
