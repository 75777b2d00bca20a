r"""The least-Frobenius-norm update of BOBYQA (Powell NA2009/06 §4, NEWUOA 2006 §4;
NLopt's ``update_``): when interpolation point :math:`t` (KNEW) moves to :math:`x^+`,
the inverse :math:`H = W^{-1}` of the KKT matrix changes by a rank-two formula instead
of being recomputed.

With :math:`w` the column of :math:`W` for :math:`x^+` and :math:`e_t` the unit vector,

.. math::

    \Lambda = H w - e_t \ (\texttt{vlag} - e_t), \qquad
    \beta = \tfrac12 \lVert x^+ - x_b\rVert^4 - w^\top H w, \qquad
    \alpha = e_t^\top H e_t, \quad \tau = e_t^\top H w, \quad \sigma = \alpha\beta + \tau^2,

    H^+ = H + \frac{1}{\sigma}\Bigl[\alpha\,\Lambda\Lambda^\top - \beta\, H e_t e_t^\top H
           + \tau\bigl(H e_t \Lambda^\top + \Lambda e_t^\top H\bigr)\Bigr].

:math:`H` is held as :math:`\Omega = Z Z^\top` (its leading :math:`m \times m` block,
kept positive semi-definite of rank :math:`m - n - 1`) and :math:`\Xi` (BMAT, its last
:math:`n` columns).  Givens rotations first make row :math:`t` of :math:`Z` zero but
for its first element; then only the first column of :math:`Z` changes.
"""

from __future__ import annotations

import math

import numpy as np

from impl.search.bobyqa.seqsum import matvec, rmatvec, sym_lower


def update(bmat: np.ndarray, zmat: np.ndarray, vlag: np.ndarray, beta: float, denom: float, knew: int) -> None:
    r"""Update BMAT and ZMAT in place for the move of point ``knew`` (0-based);
    ``vlag`` (length :math:`m + n`) is :math:`Hw` with 1 subtracted from entry
    ``knew`` on return, ``denom`` is :math:`\sigma = \alpha\beta + \tau^2`.

    .. math::

        z_1 \leftarrow \frac{\tau z_1 - z_{t1}\,\Lambda_{1:m}}{\sqrt{\sigma}}, \qquad
        \Xi_{:,j} \leftarrow \Xi_{:,j} + \frac{\alpha \Lambda_{m+j} - \tau\,\Xi_{tj}}{\sigma}\Lambda
        + \frac{-\beta\,\Xi_{tj} - \tau\Lambda_{m+j}}{\sigma} (H e_t)
    """
    npt, nptm = zmat.shape
    n = bmat.shape[1]
    ztest = 1e-20 * float(np.abs(zmat).max())  # ZMAT has npt − n − 1 >= 1 columns
    # rotations that zero row knew of Z beyond its first column (Ω = Z Zᵀ unchanged)
    for j in range(1, nptm):
        if abs(zmat[knew, j]) > ztest:
            a, b = zmat[knew, 0], zmat[knew, j]
            temp = math.sqrt(a * a + b * b)
            tempa, tempb = a / temp, b / temp
            first = zmat[:, 0].copy()
            zmat[:, 0] = tempa * first + tempb * zmat[:, j]
            zmat[:, j] = tempa * zmat[:, j] - tempb * first
        zmat[knew, j] = 0.0
    # H e_t: its first npt components from Ω, its last n from BMAT's row knew
    w = np.concatenate([zmat[knew, 0] * zmat[:, 0], bmat[knew, :]])
    alpha = w[knew]
    tau = vlag[knew]
    vlag[knew] -= 1.0
    temp = math.sqrt(denom)
    tempb, tempa = zmat[knew, 0] / temp, tau / temp
    zmat[:, 0] = tempa * zmat[:, 0] - tempb * vlag[:npt]
    for j in range(n):
        jp = npt + j
        tempa = (alpha * vlag[jp] - tau * w[jp]) / denom
        tempb = (-beta * w[jp] - tau * vlag[jp]) / denom
        bmat[: jp + 1, j] = bmat[: jp + 1, j] + tempa * vlag[: jp + 1] + tempb * w[: jp + 1]
        bmat[jp, : j + 1] = bmat[npt: jp + 1, j]  # the lower n × n block stays symmetric


def update_model(st, knew: int, xnew: np.ndarray, f: float, diff: float, xopt: np.ndarray) -> bool:
    r"""Move point ``knew`` to ``xnew`` (value ``f``) and change the model :math:`Q` by the
    least Frobenius norm of its Hessian's change that interpolates the new value
    (:math:`\text{diff} = f - Q(x_\text{new})`, :math:`\Omega` and :math:`\Xi` already updated):

    .. math::

        \nabla^2 Q^+ = \nabla^2 Q + \text{diff} \sum_k (\Omega e_t)_k\, y_k y_k^\top, \qquad
        \nabla Q^+(x_\text{opt}) = \nabla Q(x_\text{opt}) + \text{diff}\,\Bigl(\Xi_{t,:} + \sum_k (\Omega e_t)_k
        (y_k^\top x_\text{opt})\, y_k\Bigr)

    The old point's implicit term :math:`\text{pq}_t y_t y_t^\top` moves into HQ first.
    Returns False if :math:`\Omega e_t` is not finite (:math:`H` has become singular).
    """
    pqold = st.pq[knew]
    st.pq[knew] = 0.0
    y = st.xpt[knew]
    st.hq = st.hq + sym_lower(np.outer(pqold * y, y))  # entry (i ≥ j) gains (pq_t y_i) y_j
    for jj in range(st.zmat.shape[1]):
        st.pq = st.pq + (diff * st.zmat[knew, jj]) * st.zmat[:, jj]
    st.fval[knew] = f
    st.xpt[knew] = xnew
    omega_t = matvec(st.zmat, st.zmat[knew])
    if not np.all(np.isfinite(omega_t)):
        return False
    u = omega_t * matvec(st.xpt, xopt)
    st.gopt = st.gopt + diff * rmatvec(st.xpt, u, start=st.bmat[knew])
    return True
