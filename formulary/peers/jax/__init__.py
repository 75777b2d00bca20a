"""JAX (``jax``, ``jaxlib``, ``optax``) as a candidate: impl's module and function names over
``jax.nn``, ``jax.numpy``, ``jax.lax`` and optax, CPU, float64 through ``jax_enable_x64``.

Every forward function is written in JAX and returns NumPy arrays; its backward pass is
``jax.vjp`` of that same function (:func:`backward`), never a hand-written derivative, so
the records judge JAX's autodiff as well as its values.  Arguments the framework cannot
take raise :class:`~formulary.peers.NotProvided` ("not provided" in the matrix), never a
silent substitute.

    formulary check --candidate formulary.peers.jax --only act.gelu
"""

from __future__ import annotations

import functools
import importlib

import numpy as np

from formulary.peers.autodiff import Engine


@functools.cache
def jax():
    """The ``jax`` module, float64 enabled before its first use."""
    module = importlib.import_module("jax")
    module.config.update("jax_enable_x64", True)
    return module


def jnp():
    jax()
    return importlib.import_module("jax.numpy")


def _vjp(fn, primals, grad_output):
    """``jax.vjp`` of ``fn`` at ``primals``, pulled back from ``grad_output`` (cast to the outputs' dtypes)."""
    out, pull = jax().vjp(fn, *primals)
    cotangent = jax().tree_util.tree_map(lambda o, g: jnp().asarray(g, dtype=o.dtype).reshape(o.shape), out,
                                         _like(out, grad_output))
    return pull(cotangent)


def _like(out, grad_output):
    """``grad_output`` in the nest of ``out`` (JAX is strict about tuple against list)."""
    if isinstance(out, (tuple, list)):
        return type(out)(_like(o, g) for o, g in zip(out, grad_output, strict=False))
    return grad_output


def _arrayish(value) -> bool:
    """An argument JAX traces: an array, or a nest of tuples/lists holding one."""
    if isinstance(value, (tuple, list)):
        return any(_arrayish(v) for v in value)
    return isinstance(value, np.ndarray) or type(value).__module__.startswith("jax")


def _freeze(value):
    if isinstance(value, (tuple, list)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    hash(value)
    return value


def _jit(fn):
    """``fn(**arguments)`` under ``jax.jit``: arrays traced, every other argument static (one trace per
    shape and options).  Jitted is how JAX code runs in practice, and it spares a compilation per
    primitive that eager dispatch would pay on every new shape."""
    cache = {}

    def call(**arguments):
        arrays = {k: v for k, v in arguments.items() if _arrayish(v)}
        static = {k: v for k, v in arguments.items() if k not in arrays}
        key = (tuple(arrays), _freeze(static))
        if key not in cache:
            cache[key] = jax().jit(functools.partial(_with, fn, static))
        return cache[key](arrays)
    return call


def _with(fn, static, arrays):
    return fn(**static, **arrays)


ENGINE = Engine(name="jax", asarray=lambda x: jnp().asarray(x), vjp=_vjp, compile=_jit)
forward, backward = ENGINE.forward, ENGINE.backward
__all__ = ["ENGINE", "backward", "forward", "jax", "jnp"]
