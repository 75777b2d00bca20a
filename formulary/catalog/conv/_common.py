"""What the convolution chapter's records share: the guide's sections, exact tolerance, seeded dense inputs."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import strategies as st

from formulary.record import Tolerance

S_CONV = "§7 1.1-1.3 卷积层 (convolution layer)"
S_PAD = "§7 1.4 填充 padding"
S_POOL = "§7 2 池化层 (pooling layer)"
S_FC = "§7 4 全连接层 (fully connected layer)"
S_COUNT = "§7 5 网络参数量与计算量 (parameters and computation)"
S_BN = "§7 5 BN层 (batch normalisation)"
S_TRAIN = "§7 6 卷积神经网络训练 (training a CNN)"

INT = (np.float64,)  # counting and sizes are integers: one run is enough
EXACT = Tolerance(0.0, 0.0)


@functools.cache
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)  # cached: building and validating a strategy per draw costs more than the draw


def _compact(p: tuple) -> int | tuple:
    """torch's int form where both axes agree, so both forms get exercised."""
    return p[0] if p[0] == p[1] else p


_SEEDS = st.integers(0, 2**32 - 1)


def _dense(draw, dt, shape, lo: float, hi: float) -> np.ndarray:
    """An array whose every element differs, from a drawn seed: uniform in [lo, hi], or small
    integers there (ties and exact cancellations).

    strategies.arrays fills most of an array with one value, which leaves a convolution's
    sums nearly trivial; drawing every element through hypothesis instead cost ~90% of
    this chapter's test time.  Shapes and options are still drawn (and shrunk) by hypothesis.
    """
    rng = np.random.default_rng(draw(_SEEDS))
    if draw(st.booleans()):
        return rng.integers(math.ceil(lo), math.floor(hi) + 1, shape).astype(dt)
    return rng.uniform(lo, hi, shape).astype(dt)


def _values(dt, shape, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, shape).astype(dt)
