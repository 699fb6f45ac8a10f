"""Errors that carry a reason a person can act on."""

from __future__ import annotations


class HeardError(Exception):
    """Base class for errors Heard raises on purpose."""


class BadInput(HeardError):
    """A payload or row that cannot become a post. It goes to a dead letter with this reason."""

    def __init__(self, reason: str, raw: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.raw = raw


class UnsafeSettings(HeardError):
    """Settings that are fine on a laptop but refused outside development."""


class MissingExtra(HeardError):
    """An optional dependency is not installed; the message says how to install it."""


class NotFound(HeardError):
    """What the action or query was asked about does not exist (an HTTP 404 at the web edge)."""


class Refused(HeardError):
    """The action cannot be done as asked; the message says why, for the person who asked (an HTTP 400)."""


class Conflict(Refused):
    """The action was asked on a state that has changed since the person saw it (an HTTP 409)."""


class Forbidden(Refused):
    """The person asking may not do this (an HTTP 403)."""
