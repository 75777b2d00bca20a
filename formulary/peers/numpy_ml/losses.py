"""impl.losses' names, computed by numpy-ml's loss objects (``neural_nets/losses/losses.py``).

numpy-ml has two classic losses, both returning one number, the *sum* over the batch:

``SquaredError``  ½‖ŷ − y‖², gradient ŷ − y.  Offered as ``mse_loss`` under numpy-ml's own
                  definition, without rescaling: ``reduction='sum'`` is SquaredError
                  itself (torch's sum is twice it), ``'mean'`` that divided by the element
                  count (torch's mean is twice it).  The report shows the factor ½.
``CrossEntropy``  −Σ y log(ŷ + eps) for one-hot targets y and probabilities ŷ, gradient
                  ŷ − y with respect to the logits of the softmax that made ŷ.  Offered
                  as ``cross_entropy`` (logits in, as numpy-ml's own models feed it): ŷ is
                  numpy-ml's ``Softmax`` layer over the class axis, class-index targets
                  are turned into one-hot rows, probability targets go in as they are
                  (numpy-ml asserts they are 0/1).  ``'mean'`` divides the sum by the
                  number of rows.  Not ``nll_loss``: numpy-ml's loss takes probabilities,
                  never log-probabilities.

No ``reduction='none'`` (numpy-ml never returns per-element losses), no weights, no
ignore_index, no label smoothing: NotProvided ("not provided").
"""

from __future__ import annotations

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.numpy_ml import load, refusing

_LOSS = load("neural_nets/losses/losses")
_L = load("neural_nets/layers/layers")
_A = load("neural_nets/activations/activations")


def _divisor(reduction: str, n: int) -> int:
    """numpy-ml sums; torch's 'mean' is that sum over ``n``; 'none' numpy-ml cannot give."""
    if reduction == "sum":
        return 1
    if reduction == "mean":
        return n
    raise NotProvided(f"numpy-ml's losses return the batch's sum only, not reduction={reduction!r}")


def _no(**options):
    given = [k for k, v in options.items() if v]
    if given:
        raise NotProvided(f"numpy-ml's losses have no {', '.join(given)}")


# -- squared error -------------------------------------------------------------------------------

@refusing
def mse_loss(input, target, reduction="mean", weight=None):
    """``SquaredError.loss(target, input)`` = ½‖input − target‖² ('sum'); over the element count ('mean')."""
    _no(weight=weight is not None)
    x = np.asarray(input)
    return _LOSS.SquaredError.loss(np.asarray(target), x) / _divisor(reduction, x.size)


@refusing
def mse_loss_backward(grad_output, input, target, reduction="mean", weight=None):
    """``SquaredError.grad(target, input, input, identity)`` = input − target, times grad_output (/ n for 'mean')."""
    _no(weight=weight is not None)
    x = np.asarray(input)
    n = _divisor(reduction, x.size)
    identity = _A.Affine(slope=1, intercept=0)  # numpy-ml's linear output activation: the loss's own gradient
    return np.asarray(grad_output) * _LOSS.SquaredError.grad(np.asarray(target), x, x, identity) / n


# -- cross-entropy ---------------------------------------------------------------------------------

def _class_rows(a: np.ndarray) -> np.ndarray:
    """(C,) or (N, C, d...) as numpy-ml's (rows, C): classes on the last axis."""
    return a.reshape(1, -1) if a.ndim == 1 else np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def _ce_inputs(input, target, weight, ignore_index, label_smoothing):
    _no(weight=weight is not None, label_smoothing=label_smoothing != 0)
    x, t = np.asarray(input), np.asarray(target)
    z = _class_rows(x)
    if t.dtype.kind in "iu":  # class indices -> numpy-ml's one-hot rows
        idx = t.reshape(-1)
        if (idx == ignore_index).any():
            raise NotProvided("numpy-ml's CrossEntropy has no ignore_index")
        y = np.eye(z.shape[1], dtype=x.dtype)[idx]
    else:
        y = _class_rows(t)
    return x, z, y, _L.Softmax(dim=-1).forward(z, retain_derived=False)


@refusing
def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """``CrossEntropy.loss(y, Softmax().forward(input))`` ('sum'); over the number of rows ('mean')."""
    _, z, y, p = _ce_inputs(input, target, weight, ignore_index, label_smoothing)
    return _LOSS.CrossEntropy.loss(y, p) / _divisor(reduction, z.shape[0])


@refusing
def cross_entropy_backward(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    """``CrossEntropy.grad(y, softmax)`` = softmax − y with respect to the logits, times grad_output (/ rows for
    'mean')."""
    x, z, y, p = _ce_inputs(input, target, weight, ignore_index, label_smoothing)
    n = _divisor(reduction, z.shape[0])
    g = np.asarray(grad_output) * _LOSS.CrossEntropy.grad(y, p) / n
    return g.reshape(x.shape) if x.ndim == 1 else np.moveaxis(g.reshape(x.shape[0], *x.shape[2:], x.shape[1]), -1, 1)
