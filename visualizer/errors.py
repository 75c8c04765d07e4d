"""Errors shared by the command line and the modules it drives, so neither has to import the other."""

from __future__ import annotations


class UsageError(Exception):
    """A bad flag or flag value, or an output we must not or cannot write: one line, exit 2."""
