"""Regularisation through torch: the reference for impl.regularization.

torch draws dropout's mask itself and takes none.  Given a mask, these functions apply
it with torch's own arithmetic (``_dropout_impl`` in ATen's Dropout.cpp: the noise
``mask.div_(1 − p)``, then ``input * noise``; alpha dropout's affine map likewise); the
catalog checks separately that torch's own ``F.dropout``, handed back its drawn mask,
agrees bit for bit.  Evaluation mode and p = 0 or 1 (no randomness) call torch directly.
L1 and L2 penalties have no torch function: they are composed from torch ops.
"""

from __future__ import annotations

import math
import warnings

import torch.nn.functional as F

_ALPHA_PRIME = 1.7580993408473766  # ATen's alpha_dropout constant


def _deterministic(p, training, mask):
    return not training or mask is None or p in (0.0, 1.0)


def dropout(input, p=0.5, training=True, *, mask=None, generator=None):
    if _deterministic(p, training, mask):
        return F.dropout(input, p, training)
    noise = mask.to(input.dtype).div_(1 - p)
    return input * noise


def dropout2d(input, p=0.5, training=True, *, mask=None, generator=None):
    if _deterministic(p, training, mask):
        with warnings.catch_warnings():  # a 3-D input is (N, C, L) today; torch warns that this will change
            warnings.simplefilter("ignore", UserWarning)
            return F.dropout2d(input, p, training)
    noise = mask.reshape(input.shape[:2] + (1,) * (input.dim() - 2)).to(input.dtype).div_(1 - p)
    return input * noise


def alpha_dropout(input, p=0.5, training=False, *, mask=None, generator=None):
    if _deterministic(p, training, mask):
        return F.alpha_dropout(input, p, training)
    a = 1.0 / math.sqrt((_ALPHA_PRIME * _ALPHA_PRIME * p + 1) * (1 - p))
    noise = mask.to(input.dtype)
    b = noise.add(-1).mul_(_ALPHA_PRIME * a).add_(_ALPHA_PRIME * a * p)
    return input * noise.mul_(a) + b


def l1_penalty(input, weight=1.0):
    return weight * input.abs().sum()


def l2_penalty(input, weight=1.0):
    return 0.5 * weight * (input * input).sum()
