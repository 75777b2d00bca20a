r"""Sums in Powell's order.

BOBYQA's decisions compare nearly equal numbers (a point exactly :math:`10\rho` from
:math:`x_\text{opt}`, a denominator against half of another), so the last bit of a sum
can change which point is evaluated next.  These helpers add in the order of Powell's
loops (index 1, 2, ... from zero, one rounding per term, no fused multiply-add), as
NLopt's compiled C does, instead of NumPy's pairwise or BLAS order:

.. math:: \texttt{dot}(a, b) = (\cdots((0 + a_1 b_1) + a_2 b_2) + \cdots) + a_n b_n

Matrix products keep this order per output entry while working on whole columns.
"""

from __future__ import annotations

import numpy as np


def dot(a: np.ndarray, b: np.ndarray, start: float = 0.0) -> float:
    r"""The dot product summed in order from ``start`` (:math:`s`):

    .. math:: (\cdots((s + a_1 b_1) + a_2 b_2) \cdots) + a_n b_n
    """
    s = start
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        s += x * y
    return s


def total(a: np.ndarray) -> float:
    r"""The sum in order:

    .. math:: (\cdots((0 + a_1) + a_2) \cdots) + a_n
    """
    s = 0.0
    for x in a.tolist():
        s += x
    return s


def _last(partial: np.ndarray, axis: int) -> np.ndarray:
    """The running sums' last entry along ``axis`` (``np.add.accumulate`` adds strictly in order)."""
    return np.add.accumulate(partial, axis=axis).take(-1, axis=axis)


def matvec(m: np.ndarray, v: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    r"""Matrix times vector, each row summed over :math:`j` in order (``start`` = :math:`s`, default 0):

    .. math:: s_k + (M v)_k = (\cdots((s_k + M_{k1} v_1) + M_{k2} v_2) \cdots) + M_{kn} v_n
    """
    first = np.zeros((m.shape[0], 1)) if start is None else start[:, None]
    return _last(np.hstack([first, m * v[None, :]]), axis=1)


def rowdots(m: np.ndarray) -> np.ndarray:
    r"""The squared norm of every row, summed in order:

    .. math:: r_k = \sum_{j=1}^{n} M_{kj}^2 \quad (j = 1, 2, \dots \text{ in turn})
    """
    return _last(np.hstack([np.zeros((m.shape[0], 1)), m * m]), axis=1)


def rmatvec(m: np.ndarray, u: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    r"""Transposed matrix times vector, added row after row (``start`` = :math:`s`, default 0):

    .. math:: s + M^\top u = (\cdots((s + u_1 M_{1,:}) + u_2 M_{2,:}) \cdots) + u_m M_{m,:}
    """
    first = np.zeros((1, m.shape[1])) if start is None else start[None, :]
    return _last(np.vstack([first, u[:, None] * m]), axis=0)


def hess_mul(hq: np.ndarray, pq: np.ndarray, xpt: np.ndarray, s: np.ndarray) -> np.ndarray:
    r"""The model's Hessian times ``s``, in Powell's order (terms with :math:`\text{pq}_k = 0` add nothing):

    .. math:: \nabla^2 Q\, s = \text{HQ}\,s + \sum_k \text{pq}_k (y_k^\top s)\, y_k
    """
    # Powell skips a point whose pq_k is 0; its term 0 * y_k adds +0, the same bits, but 0 * (y_kᵀs) is NaN when
    # y_kᵀs overflows to inf, so the term is left 0 rather than multiplied out
    u = np.multiply(matvec(xpt, s), pq, out=np.zeros(len(pq)), where=pq != 0.0)
    return rmatvec(xpt, u, start=matvec(hq, s))


def add_hess_mul(g: np.ndarray, hq: np.ndarray, pq: np.ndarray, xpt: np.ndarray, s: np.ndarray) -> np.ndarray:
    r"""Powell's gradient shift, each term added onto :math:`g` in turn: first
    :math:`\text{HQ}_{:,k} s_k` for :math:`k = 1..n`, then :math:`\text{pq}_k (y_k^\top s) y_k`.

    .. math:: g \leftarrow g + \nabla^2 Q\, s
    """
    g = rmatvec(hq.T, s, start=g)  # row k of HQᵀ is column k of HQ
    return rmatvec(xpt, pq * matvec(xpt, s), start=g)


def sym_lower(m: np.ndarray) -> np.ndarray:
    r"""``m`` with its strict upper triangle replaced by the mirror of its lower one.

    .. math:: M_{ij} \leftarrow M_{ji} \quad (i < j)
    """
    low = np.tril(m)
    return low + np.tril(low, -1).T


def sym_upper(m: np.ndarray) -> np.ndarray:
    r"""``m`` with its strict lower triangle replaced by the mirror of its upper one.

    .. math:: M_{ij} \leftarrow M_{ji} \quad (i > j)
    """
    up = np.triu(m)
    return up + np.triu(up, 1).T
