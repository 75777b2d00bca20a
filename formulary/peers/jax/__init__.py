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

import dataclasses
import functools
import importlib

import numpy as np

from formulary.peers.autodiff import Engine, tree


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


def _real(value) -> bool:
    """A float option (a slope, α, β, δ, ε, a momentum): traced, so that every drawn value shares one compilation.
    A Python float is traced weakly typed, as JAX treats it eagerly (x·0.5 stays float32)."""
    return isinstance(value, (float, np.floating)) and not isinstance(value, bool)


def _freeze(value):
    if isinstance(value, (tuple, list)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    hash(value)
    return value


def _concrete_errors():
    errors = jax().errors
    return (errors.ConcretizationTypeError, errors.TracerBoolConversionError, errors.TracerIntegerConversionError)


def _jit(fn, *, elementwise: tuple[str, ...] = ()):
    """``fn(**arguments)`` under ``jax.jit``, the way JAX code runs in practice: arrays and float options traced,
    every other argument static.  A function that branches on a float option in Python (``if beta == 0``)
    raises a concretization error on its first trace and keeps its float options static from then on.

    ``elementwise`` names the arguments of an elementwise function (all of one shape, ``grad_output`` too):
    they are flattened and padded to a power-of-two length before the call and the outputs cut back, so
    that one compilation serves every shape hypothesis draws up to that length.  Each element's value is
    computed by the same kernel as unpadded; the padding (zeros) is dropped."""
    cache, static_reals = {}, []

    def split(arguments):
        traced = {k: v for k, v in arguments.items() if _arrayish(v) or (_real(v) and not static_reals)}
        return traced, {k: v for k, v in arguments.items() if k not in traced}

    def run(arguments):
        traced, static = split(arguments)
        key = (tuple(traced), tuple(type(v).__name__ for v in traced.values()), _freeze(static))
        if key not in cache:
            cache[key] = jax().jit(functools.partial(_with, fn, static))
        return cache[key](traced)

    def call(**arguments):
        bucket = _bucket(arguments, elementwise) if elementwise else None
        if bucket is not None:
            arguments, cut = bucket
        try:
            out = run(arguments)
        except _concrete_errors():
            if static_reals or not any(_real(v) for v in arguments.values()):
                raise
            static_reals.append(True)
            cache.clear()
            out = run(arguments)
        return out if bucket is None else tree(cut, out)
    return call


def _bucket(arguments, names):
    """The elementwise arguments flattened and zero-padded to a power of two (at least 16), and the cut back to the
    common shape; None when they are not arrays of one shape."""
    names = [n for n in (*names, "grad_output") if n in arguments and arguments[n] is not None]
    values = [arguments[n] for n in names]
    if not values or not all(isinstance(v, np.ndarray) for v in values) or len({v.shape for v in values}) != 1:
        return None
    shape, n = values[0].shape, values[0].size
    size = max(16, 1 << max(n - 1, 0).bit_length())
    padded = {k: np.pad(v.reshape(-1), (0, size - n)) for k, v in zip(names, values)}

    def cut(out):
        return out[:n].reshape(shape)
    return {**arguments, **padded}, cut


def _with(fn, static, arrays):
    return fn(**static, **arrays)


ENGINE = Engine(name="jax", asarray=lambda x: jnp().asarray(x), vjp=_vjp, compile=_jit)
forward, backward = ENGINE.forward, ENGINE.backward
_ELEMENTWISE = dataclasses.replace(ENGINE, compile=functools.partial(_jit, elementwise=("input",)))


def elementwise(fn, wrt=("input",)):
    """``forward(fn)`` and ``backward(fn, wrt)`` of an elementwise function of ``input`` (float options static or
    traced as above), compiled once per padded length: see :func:`_jit`."""
    return _ELEMENTWISE.forward(fn), _ELEMENTWISE.backward(fn, wrt)


__all__ = ["ENGINE", "backward", "elementwise", "forward", "jax", "jnp"]
