"""Argument checks of the convolution chapter: integer options, pairs, padding specs.

Each raises a ``TypeError``/``ValueError`` naming the argument, so a bad option is
never silently turned into a wrong shape.
"""

from __future__ import annotations

from impl._checks import flag, integer  # noqa: F401  (shared by every chapter)


def pair(value, name: str, minimum: int) -> tuple[int, int]:
    """An int or an (h, w) pair of ints, each at least ``minimum``, as an (h, w) pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {len(value)} values")
        return integer(value[0], name, minimum), integer(value[1], name, minimum)
    v = integer(value, name, minimum)
    return v, v


