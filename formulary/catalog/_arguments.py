"""Error inputs that name their argument: one bad value per argument, the name matched as a word.

The house rule for impl is that a bad argument raises a ``ValueError``/``TypeError`` naming
it.  A record proves that rule argument by argument with :func:`named_errors`: each error
input changes one argument of a good call, and the message must contain that argument's
name as a whole word (``\\bstride\\b``), so that a message naming another argument
(``kernel_size``), none, or a mangled one fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from formulary.record import ErrorInput, Sample


def named_errors(names: Sequence[str], args: tuple, kwargs: dict | None = None,
                 bad: Iterable[tuple] = (), target: str | None = None) -> list[ErrorInput]:
    r"""One :class:`ErrorInput` per ``(name, value)`` or ``(name, value, error)`` in ``bad``.

    The call is ``args``/``kwargs`` with argument ``name`` replaced by ``value``: in place when
    ``name`` is among the first ``len(args)`` of ``names`` (the function's positional names, in
    order), else as a keyword.  It must raise ``error`` (``ValueError`` unless given) matching
    ``\bname\b``.  ``target`` is the function called (default: the record's candidate).
    """
    kwargs = dict(kwargs or {})
    out = []
    for name, value, *error in bad:
        note = f"{name}: {_described(value)}"
        if name in names[: len(args)]:
            call = Sample(tuple(value if n == name else a for n, a in zip(names, args)), dict(kwargs), note)
        else:
            call = Sample(tuple(args), {**kwargs, name: value}, note)
        out.append(ErrorInput(call, error[0] if error else ValueError, rf"\b{name}\b", target))
    return out


def _described(value) -> str:
    """A short, one-line name for a bad value: an array by its dtype and shape, anything else by its repr."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value):
        return "(" + ", ".join(_described(v) for v in value) + ")"
    return repr(value)
