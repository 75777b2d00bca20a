r"""BOBYQA's start: the bound adjustment of :math:`x_0` and PRELIM's initial model
(Powell, NA2009/06, §2; NLopt's ``bobyqa.c``, ``bobyqa()`` and ``prelim_``).

All points are held relative to :math:`x_b` (XBASE) in ``xpt`` (NPT × n), with the
bounds shifted alike: :math:`s_l = x_l - x_b \le 0 \le s_u = x_u - x_b`.  The
interpolation points of the default :math:`m = 2n + 1` are

.. math::

    y_1 = 0, \qquad y_{i+1} = \sigma_i e_i, \qquad y_{i+n+1} = \tau_i e_i \qquad (i = 1..n),

    \sigma_i = \begin{cases} -\rho_\text{beg} & s_{u,i} = 0 \\ \rho_\text{beg} & \text{else} \end{cases}
    \qquad
    \tau_i = \begin{cases} \min(2\rho_\text{beg}, s_{u,i}) & s_{l,i} = 0 \\
                           \max(-2\rho_\text{beg}, s_{l,i}) & s_{u,i} = 0 \\ -\rho_\text{beg} & \text{else} \end{cases}

and for :math:`m > 2n + 1` the further points :math:`y_{i+1} + y_{j+1}` for pairs
:math:`(i, j)` in Powell's order.  The quadratic model through them has gradient and
diagonal second derivatives from the divided differences along each axis; the
inverse of the KKT matrix of the least-Frobenius-norm problem,

.. math::

    H = W^{-1}, \qquad W = \begin{pmatrix} A & Y^\top \\ Y & 0 \end{pmatrix},\
    A_{kl} = \tfrac12 (y_k^\top y_l)^2, \ Y = \begin{pmatrix} 1 & \cdots & 1 \\ y_1 & \cdots & y_m \end{pmatrix},

is written down in closed form: BMAT holds its last :math:`n` columns and
:math:`Z Z^\top` (ZMAT) its leading :math:`m \times m` block :math:`\Omega`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


class Stop(Exception):
    """Raised by the evaluator when the budget of function values is spent ("maxfun") or
    the objective returned a value that is not finite (a model through it is meaningless)."""


@dataclass
class State:
    """BOBYQB's arrays (Powell's names), all relative to ``xbase``."""

    xbase: np.ndarray  # n
    xpt: np.ndarray  # npt × n: the interpolation points
    fval: np.ndarray  # npt
    gopt: np.ndarray  # n: the model's gradient (at xbase after PRELIM, at xopt later)
    hq: np.ndarray  # n × n: the explicit part of the model's Hessian
    pq: np.ndarray  # npt: the implicit part, ∇²Q = HQ + Σ_k pq_k y_k y_kᵀ
    bmat: np.ndarray  # (npt + n) × n: the last n columns of H
    zmat: np.ndarray  # npt × (npt − n − 1): Ω = Z Zᵀ
    sl: np.ndarray  # n: xl − xbase
    su: np.ndarray  # n: xu − xbase
    kopt: int = 0  # the row of xpt with the least value


class Evaluator:
    r"""Calls the objective at :math:`x_b + y`, moved onto a bound exactly when :math:`y`
    equals the shifted bound (so rounding never puts a point outside the box):

    .. math:: x = \min(\max(x_l, x_b + y), x_u), \quad x_i = x_{l,i} \text{ if } y_i = s_{l,i},
              \ x_i = x_{u,i} \text{ if } y_i = s_{u,i}
    """

    def __init__(self, fun, xl, xu, maxfun):
        self.fun, self.xl, self.xu, self.maxfun = fun, xl, xu, maxfun
        self.points, self.values = [], []

    def point(self, xbase, y, sl, su) -> np.ndarray:
        r"""The point of the box for the displacement ``y`` from ``xbase``:

        .. math:: x = \min(\max(x_l, x_b + y), x_u), \text{ exactly on a bound where } y = s_l \text{ or } s_u
        """
        x = np.minimum(np.maximum(self.xl, xbase + y), self.xu)
        x = np.where(y == sl, self.xl, x)
        return np.where(y == su, self.xu, x)

    def __call__(self, xbase, y, sl, su) -> float:
        if len(self.values) >= self.maxfun:
            raise Stop("maxfun")
        x = self.point(xbase, y, sl, su)
        f = float(self.fun(x.copy()))
        self.points.append(x)
        self.values.append(f)
        if not math.isfinite(f):
            raise Stop(f"non-finite objective value {f} at x = {x.tolist()}")
        return f


def adjust_start(x0: np.ndarray, xl: np.ndarray, xu: np.ndarray, rhobeg: float):
    r"""The start moved so that every initial point is feasible, and the shifted bounds.

    .. math::

        x_i \leftarrow \begin{cases} x_{l,i} & x_i \le x_{l,i} \\
        x_{l,i} + \rho_\text{beg} & x_{l,i} < x_i < x_{l,i} + \rho_\text{beg} \\
        x_{u,i} - \rho_\text{beg} & x_{u,i} - \rho_\text{beg} < x_i < x_{u,i} \\ x_{u,i} & x_i \ge x_{u,i} \end{cases}

    A start within :math:`\rho_\text{beg}` of a bound (but not on it) is pushed to
    :math:`\rho_\text{beg}` from it, so :math:`s_l` and :math:`s_u` are either 0 or at
    least :math:`\rho_\text{beg}` in modulus.
    """
    x = x0.astype(float).copy()
    sl, su = xl - x, xu - x
    for j in range(len(x)):
        width = xu[j] - xl[j]
        if sl[j] >= -rhobeg:
            if sl[j] >= 0.0:
                x[j], sl[j], su[j] = xl[j], 0.0, width
            else:
                x[j] = xl[j] + rhobeg
                sl[j], su[j] = -rhobeg, max(xu[j] - x[j], rhobeg)
        elif su[j] <= rhobeg:
            if su[j] <= 0.0:
                x[j], sl[j], su[j] = xu[j], -width, 0.0
            else:
                x[j] = xu[j] - rhobeg
                sl[j], su[j] = min(xl[j] - x[j], -rhobeg), rhobeg
    return x, sl, su


def prelim(evaluate: Evaluator, x: np.ndarray, sl: np.ndarray, su: np.ndarray, rhobeg: float, npt: int) -> State:
    r"""Evaluate the ``npt`` initial points (Powell's order) and build the first model.

    Along axis :math:`i`, with :math:`f_0 = f(y_1)`, :math:`a = \sigma_i`, :math:`b = \tau_i`:

    .. math::

        g_i = \frac{(f(a e_i) - f_0)\, b / a - (f(b e_i) - f_0)\, a / b}{b - a}, \qquad
        (\nabla^2 Q)_{ii} = \frac{2}{b - a}\Bigl(\frac{f(b e_i) - f_0}{b} - \frac{f(a e_i) - f_0}{a}\Bigr)

    and for a point :math:`y_{i+1} + y_{j+1}`:
    :math:`(\nabla^2 Q)_{ij} = (f_0 - f_{i+1} - f_{j+1} + f) / (y_{i+1,i}\, y_{j+1,j})`.
    When :math:`a b < 0` and :math:`f(b e_i) < f(a e_i)` the two points swap places, so the
    better one is used by the off-diagonal points.  If the budget runs out, the model
    is incomplete and :class:`Stop` propagates with ``state`` attached.
    """
    n = len(x)
    nptm = npt - n - 1
    rhosq = rhobeg * rhobeg
    recip = 1.0 / rhosq
    st = State(xbase=x.copy(), xpt=np.zeros((npt, n)), fval=np.zeros(npt), gopt=np.zeros(n), hq=np.zeros((n, n)),
               pq=np.zeros(npt), bmat=np.zeros((npt + n, n)), zmat=np.zeros((npt, nptm)), sl=sl, su=su)
    xpt, fval, bmat, zmat = st.xpt, st.fval, st.bmat, st.zmat
    # FBEG (at the first point), STEPA, STEPB (on their axis) and IPT, JPT (for each pair) are set before they are read
    # Powell's 1-based counters: nf is the number of the point being set, its row is nf − 1
    for nf in range(1, npt + 1):
        nfm, nfx = nf - 1, nf - 1 - n
        if nfm <= 2 * n:
            if 1 <= nfm <= n:
                stepa = -rhobeg if su[nfm - 1] == 0.0 else rhobeg
                xpt[nf - 1, nfm - 1] = stepa
            elif nfm > n:
                stepa = xpt[nf - n - 1, nfx - 1]
                stepb = -rhobeg
                if sl[nfx - 1] == 0.0:
                    stepb = min(2.0 * rhobeg, su[nfx - 1])
                if su[nfx - 1] == 0.0:
                    stepb = max(-2.0 * rhobeg, sl[nfx - 1])
                xpt[nf - 1, nfx - 1] = stepb
        else:  # the pair (ipt, jpt) of axes for a point beyond 2n + 1
            itemp = (nfm - n - 1) // n
            jpt = nfm - itemp * n - n
            ipt = jpt + itemp
            if ipt > n:
                itemp = jpt
                jpt, ipt = ipt - n, itemp
            xpt[nf - 1, ipt - 1] = xpt[ipt, ipt - 1]
            xpt[nf - 1, jpt - 1] = xpt[jpt, jpt - 1]
        try:
            f = evaluate(st.xbase, xpt[nf - 1], sl, su)
        except Stop as stop:
            stop.state = st
            raise
        fval[nf - 1] = f
        if nf == 1:
            fbeg, st.kopt = f, 0
        elif f < fval[st.kopt]:
            st.kopt = nf - 1
        if nf <= 2 * n + 1:
            if 2 <= nf <= n + 1:
                st.gopt[nfm - 1] = (f - fbeg) / stepa
                if npt < nf + n:  # no opposite point on this axis: a linear model along it
                    bmat[0, nfm - 1] = -1.0 / stepa
                    bmat[nf - 1, nfm - 1] = 1.0 / stepa
                    bmat[npt + nfm - 1, nfm - 1] = -0.5 * rhosq
            elif nf >= n + 2:
                i = nfx - 1
                temp = (f - fbeg) / stepb
                diff = stepb - stepa
                st.hq[i, i] = 2.0 * (temp - st.gopt[i]) / diff
                st.gopt[i] = (st.gopt[i] * stepb - temp * stepa) / diff
                if stepa * stepb < 0.0 and f < fval[nf - n - 1]:
                    fval[nf - 1], fval[nf - n - 1] = fval[nf - n - 1], f
                    if st.kopt == nf - 1:
                        st.kopt = nf - n - 1
                    xpt[nf - n - 1, i], xpt[nf - 1, i] = stepb, stepa
                bmat[0, i] = -(stepa + stepb) / (stepa * stepb)
                bmat[nf - 1, i] = -0.5 / xpt[nf - n - 1, i]
                bmat[nf - n - 1, i] = -bmat[0, i] - bmat[nf - 1, i]
                zmat[0, i] = math.sqrt(2.0) / (stepa * stepb)
                zmat[nf - 1, i] = math.sqrt(0.5) / rhosq
                zmat[nf - n - 1, i] = -zmat[0, i] - zmat[nf - 1, i]
        else:
            zmat[0, nfx - 1] = recip
            zmat[nf - 1, nfx - 1] = recip
            zmat[ipt, nfx - 1] = -recip
            zmat[jpt, nfx - 1] = -recip
            temp = xpt[nf - 1, ipt - 1] * xpt[nf - 1, jpt - 1]
            st.hq[ipt - 1, jpt - 1] = st.hq[jpt - 1, ipt - 1] = (fbeg - fval[ipt] - fval[jpt] + f) / temp
    return st
