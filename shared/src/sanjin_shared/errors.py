"""Errors the domain layers raise. Pure Python: the domain imports neither FastAPI nor drivers.

The app factory maps them to problem+json: RuleViolation → 422 naming the field,
InvalidTransition → 409.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RuleViolation(DomainError):
    """The input breaks a business rule; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(DomainError):
    """The record's current state does not allow the operation (e.g. reporting a cancelled one)."""
