"""One property check made of several, shared by the chapters."""

from __future__ import annotations


def all_of(*checks):
    """Run each property check in turn; their findings merged."""
    def check(candidate):
        found = {}
        for c in checks:
            found.update(c(candidate) or {})
        return found
    return check
