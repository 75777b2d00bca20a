"""Activation functions through ``torch.nn.functional``: the reference for impl.activations.

Each function mirrors impl's signature on tensors.  Backward passes are not written
here: the checks take them from ``torch.autograd`` on these forward functions.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def sigmoid(input):
    return torch.sigmoid(input)


def tanh(input):
    return torch.tanh(input)


def relu(input):
    return F.relu(input)


def leaky_relu(input, negative_slope=0.01):
    return F.leaky_relu(input, negative_slope)


def prelu(input, weight):
    return F.prelu(input, weight)


def elu(input, alpha=1.0):
    return F.elu(input, alpha)


def selu(input):
    return F.selu(input)


def gelu(input, approximate="none"):
    return F.gelu(input, approximate=approximate)


def softplus(input, beta=1.0, threshold=None):
    """torch's softplus; ``threshold=None`` means torch's own default (20)."""
    if threshold is None:
        return F.softplus(input, beta)
    return F.softplus(input, beta, threshold)


def silu(input):
    return F.silu(input)


def softsign(input):
    return F.softsign(input)


def hardsigmoid(input):
    return F.hardsigmoid(input)


def _torch_dtype(dtype):
    """A NumPy dtype spelling (np.float64, 'float32') as torch's dtype; None stays None."""
    return None if dtype is None else torch.from_numpy(np.zeros(0, dtype)).dtype


def softmax(input, dim, dtype=None):
    return F.softmax(input, dim, dtype=_torch_dtype(dtype))


def log_softmax(input, dim, dtype=None):
    return F.log_softmax(input, dim, dtype=_torch_dtype(dtype))


# -- the rest of torch's activation family ---------------------------------------------

def hardtanh(input, min_val=-1.0, max_val=1.0):
    return F.hardtanh(input, min_val, max_val)


def relu6(input):
    return F.relu6(input)


def threshold(input, threshold, value):
    return F.threshold(input, threshold, value)


def celu(input, alpha=1.0):
    return F.celu(input, alpha)


def logsigmoid(input):
    return F.logsigmoid(input)


def mish(input):
    return F.mish(input)


def hardswish(input):
    return F.hardswish(input)


def tanhshrink(input):
    return F.tanhshrink(input)


def softshrink(input, lambd=0.5):
    return F.softshrink(input, lambd)


def hardshrink(input, lambd=0.5):
    return F.hardshrink(input, lambd)


def glu(input, dim=-1):
    return F.glu(input, dim)


def softmin(input, dim):
    return F.softmin(input, dim)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, *, generator=None, noise=None):
    """torch's rrelu; in training with given slopes ``noise``, torch's formula on them.

    torch draws training slopes itself (``rrelu_with_noise`` overwrites its noise), so
    given slopes are applied as its kernel does: x·a where x ≤ 0.  The catalog checks
    separately that torch's own training kernel, given its drawn slopes back, agrees.
    """
    if training and noise is not None:
        return torch.where(input <= 0, input * noise.to(input.dtype), input)
    return F.rrelu(input, lower, upper, training)
