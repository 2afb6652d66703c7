"""Errors the domain layers raise. Pure Python: the domain imports neither FastAPI nor drivers.

The app factory maps them to problem+json: RuleViolation → 422 naming the field,
InvalidTransition → 409 `invalid-state`, ConcurrentModification → 409 `concurrent-modification`
(one problem type for the condition in every service, mapped in problems.py only).
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RuleViolation(DomainError):
    """The input breaks a business rule; `field` names the offending field. The message is the
    officer's (Chinese), said once where the rule is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ConcurrentModification(Exception):
    """Another writer changed the record first (a version or guard did not match at the write).
    `what` names it for the answer ("the session 66f0..."). The client reads it again and retries.
    """

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class InvalidTransition(DomainError):
    """The record's current state does not allow the operation (e.g. reporting a cancelled one)."""
