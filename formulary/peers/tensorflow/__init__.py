"""TensorFlow 2 / Keras 3 (``tensorflow-cpu``) as a candidate: impl's module and function names
over ``tf.nn``, ``tf.keras.losses``, ``tf.keras.optimizers`` and Keras's recurrent cells.

Forward functions are eager TensorFlow returning NumPy arrays; backward passes are
``tf.GradientTape`` of the same function (:mod:`formulary.peers.autodiff`), or, for Keras's
cells, the tape's gradients of the cell's own variables mapped back to torch's layout.
Arguments the framework cannot take raise :class:`~formulary.peers.NotProvided`.

    formulary check --candidate formulary.peers.tensorflow --only act.gelu
"""

from __future__ import annotations

import functools
import importlib
import os

from formulary.peers.autodiff import Engine, tree


@functools.cache
def tf():
    """The ``tensorflow`` module, imported on first use (quietly, on the CPU)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return importlib.import_module("tensorflow")


@functools.cache
def keras():
    tf()
    return importlib.import_module("keras")


def _vjp(fn, primals, grad_output):
    """``tf.GradientTape`` of ``fn`` at ``primals``, the outputs' gradients ``grad_output`` (a nest like the output)."""
    t = tf()
    with t.GradientTape() as tape:
        tape.watch(t.nest.flatten(primals))
        out = fn(*primals)
    targets = t.nest.flatten(out)
    cotangents = [t.cast(g, o.dtype) for o, g in zip(targets, _flat(grad_output, len(targets)), strict=False)]
    return tape.gradient(targets, list(primals), output_gradients=cotangents,
                         unconnected_gradients=t.UnconnectedGradients.ZERO)


def _flat(grad_output, n):
    flat = tf().nest.flatten(grad_output) if isinstance(grad_output, (tuple, list)) else [grad_output]
    return flat if len(flat) == n else [grad_output] * n


ENGINE = Engine(name="tensorflow", asarray=lambda x: tf().convert_to_tensor(x), vjp=_vjp)
forward, backward = ENGINE.forward, ENGINE.backward
__all__ = ["ENGINE", "backward", "forward", "keras", "tf", "tree"]
