"""What the activation modules share: the float64 working copy and an overflow-free logistic."""

from __future__ import annotations

import numpy as np


def _wide(x: np.ndarray) -> np.ndarray:
    """float64 working copy: float32 formulas are computed wide and rounded once."""
    return x.astype(np.float64, copy=True)


def _logistic(z: np.ndarray) -> np.ndarray:
    """σ(z) for a float64 array without overflow: from e = exp(-|z|)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
