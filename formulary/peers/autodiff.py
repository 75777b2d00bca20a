"""What the JAX and TensorFlow adapters share: framework functions as impl's forward and
backward functions.

``forward(fn)`` is ``fn`` with its result as NumPy arrays.  ``backward(fn, wrt)`` is impl's
``*_backward(grad_output, *args, **kwargs)``: the framework's own vector-Jacobian product of
``fn`` (``jax.vjp``, ``tf.GradientTape``) with respect to the arguments named in ``wrt``,
in that order (None for an argument given as None), one array when ``wrt`` names one.
Both are called with every argument by name, through ``compile`` (JAX: ``jax.jit``, one
trace per shape and static options; TensorFlow: eager as it is).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class NotProvided(NotImplementedError):
    """The framework has no counterpart for this argument or option: "not provided", not a failure."""


def tree(fn, value):
    """``fn`` on every array of a nest of tuples and lists; None stays None."""
    if isinstance(value, (tuple, list)):
        return type(value)(tree(fn, v) for v in value)
    return None if value is None else fn(value)


def _as_is(fn):
    return fn


@dataclass(frozen=True)
class Engine:
    name: str
    asarray: Callable  # a NumPy array -> the framework's array
    vjp: Callable  # (fn, primals, grad_output) -> the gradients of the primals
    compile: Callable = _as_is  # fn(**arguments) -> the same function, compiled

    def to_numpy(self, value):
        return tree(np.asarray, value)

    def forward(self, fn: Callable) -> Callable:
        signature, core = inspect.signature(fn), self.compile(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return self.to_numpy(core(**bound.arguments))
        return wrapper

    def backward(self, fn: Callable, wrt: tuple[str, ...] = ("input",)) -> Callable:
        signature = inspect.signature(fn)

        def core(grad_output, **arguments):
            live = [n for n in wrt if arguments[n] is not None]
            primals = [tree(self.asarray, arguments[n]) for n in live]

            def at(*xs):
                return fn(**{**arguments, **dict(zip(live, xs, strict=False))})
            grads = dict(zip(live, self.vjp(at, primals, grad_output), strict=False))
            return tuple(grads.get(n) for n in wrt)
        compiled = self.compile(core)

        def wrapper(grad_output, *args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            out = self.to_numpy(compiled(grad_output=grad_output, **bound.arguments))
            return out[0] if len(wrt) == 1 else out
        wrapper.__name__ = wrapper.__qualname__ = f"{fn.__name__}_backward"
        wrapper.__doc__ = (f"The {self.name} vector-Jacobian product of ``{fn.__name__}`` "
                           f"with respect to {', '.join(wrt)}.")
        return wrapper
