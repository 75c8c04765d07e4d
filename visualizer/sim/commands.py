"""Commands: the one way anything (a click, a key, a lesson beat, a test) changes the model."""

from __future__ import annotations

from dataclasses import dataclass


class CommandError(ValueError):
    """A command that makes no sense for the model as it is (unknown node, wrong kind, ...)."""


@dataclass(frozen=True)
class Fail:
    node: str


@dataclass(frozen=True)
class Recover:
    node: str


@dataclass(frozen=True)
class SetRate:
    rate: float


@dataclass(frozen=True)
class AddServer:
    lb: str | None = None      # the load balancer to add behind; None: the only one


@dataclass(frozen=True)
class RemoveServer:
    node: str


@dataclass(frozen=True)
class Upgrade:
    node: str


@dataclass(frozen=True)
class Promote:
    node: str


@dataclass(frozen=True)
class RecoverData:
    pass


@dataclass(frozen=True)
class SetAlgorithm:
    lb: str
    algorithm: str


Command = Fail | Recover | SetRate | AddServer | RemoveServer | Upgrade | Promote | RecoverData | SetAlgorithm
