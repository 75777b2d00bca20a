"""The engine's one way to judge: ``expect(condition, message)``.

A bare ``assert`` vanishes under ``python -O``, and a record whose only check is a
property would then pass any candidate.  Every check that judges a candidate calls
:func:`expect` instead; its failure is a :class:`CheckFailure`, which is an
``AssertionError`` so that pytest, the mistake matcher and the drills treat it as
they treat a comparison's :class:`~formulary.compare.Mismatch`.
"""

from __future__ import annotations


class CheckFailure(AssertionError):
    """A property check found the candidate wrong; the message says how."""


def expect(condition: object, message: str) -> None:
    """Raise :class:`CheckFailure` with ``message`` unless ``condition`` holds.

    ``message`` is required: a failure that does not say what was expected teaches
    nothing.  It is formatted only by the caller, so pass a plain string (an f-string
    costs little next to the checks themselves).
    """
    if not message:
        raise ValueError("expect needs a message saying what was expected")
    if not condition:
        raise CheckFailure(message)
