"""The KKT matrix W of BOBYQA's least-Frobenius-norm interpolation, and how far the H that
BOBYQA stores (BMAT, ZMAT) is from W⁻¹ computed from scratch by torch."""

from __future__ import annotations

import numpy as np
import torch


def kkt(points) -> torch.Tensor:
    """W for the points (rows), Powell's order: points, constant, linear terms (torch, float64).

    .. math:: W = \\begin{pmatrix} A & Y^\\top \\\\ Y & 0 \\end{pmatrix},\\quad A_{kl} = \\tfrac12 (y_k^\\top y_l)^2
    """
    y = torch.as_tensor(points, dtype=torch.float64)
    m, n = y.shape
    w = torch.zeros(m + n + 1, m + n + 1, dtype=torch.float64)
    w[:m, :m] = 0.5 * (y @ y.T) ** 2
    w[:m, m] = w[m, :m] = 1.0
    w[:m, m + 1:] = y
    w[m + 1:, :m] = y.T
    return w


def h_error(xpt, bmat, zmat) -> float:
    """max |H_stored − W⁻¹| / max |W⁻¹|, H_stored = [[ZZᵀ, Ξ₁], [Ξ₁ᵀ, Ξ₂]] (the constant's row and column of W⁻¹
    are not stored)."""
    m = len(xpt)
    h = torch.linalg.inv(kkt(xpt)).numpy()
    keep = [i for i in range(h.shape[0]) if i != m]
    h = h[np.ix_(keep, keep)]
    stored = np.block([[zmat @ zmat.T, bmat[:m]], [bmat[:m].T, bmat[m:]]])
    return float(np.abs(stored - h).max() / np.abs(h).max())
