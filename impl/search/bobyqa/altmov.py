r"""ALTMOV: the geometry step of BOBYQA (Powell NA2009/06 §3; NLopt's ``altmov_``).

When the interpolation set is poor, point :math:`t` (KNEW) is moved to a point
:math:`x` within :math:`\Delta_a` (ADELT) of :math:`x_\text{opt}` that makes the
denominator of :func:`~impl.search.bobyqa.update.update` large,

.. math:: \sigma = \alpha\beta + \tau^2 \approx \ell_t(x)^2 + \tfrac12 \alpha\,\lVert x - x_\text{opt}\rVert^4
          \ \text{(for the straight-line candidates)},

where :math:`\ell_t` is the :math:`t`-th Lagrange function of the interpolation
(:math:`\ell_t(y_k) = \delta_{tk}`, least Frobenius norm of its Hessian).  Two
candidates are formed: XNEW, the best point on the lines through :math:`x_\text{opt}`
and another interpolation point :math:`y_k` (where :math:`\ell_t` is a quadratic in the
step along the line), and XALT, a bound-constrained Cauchy step of :math:`\pm\ell_t`
(CAUCHY is :math:`\ell_t(\text{XALT})^2`).  The caller picks between them.
"""

from __future__ import annotations

import math

import numpy as np

from impl.search.bobyqa.seqsum import dot, matvec, rmatvec, rowdots, total


def altmov(xpt, xopt, bmat, zmat, sl, su, kopt, knew, adelt):
    r"""Return ``(xnew, xalt, alpha, cauchy)``: the line candidate, the Cauchy candidate,
    :math:`\alpha = H_{tt}` and :math:`\ell_t(\text{XALT})^2`.

    The gradient of :math:`\ell_t` at :math:`x_\text{opt}` and its value along the line
    :math:`x_\text{opt} + \lambda (y_k - x_\text{opt})`:

    .. math:: \nabla\ell_t = \Xi_{t,:} + \sum_k (H e_t)_k\,(y_k^\top x_\text{opt})\, y_k, \qquad
              \ell_t(\lambda) = \begin{cases} \lambda(1 - \lambda)\,\nabla\ell_t^\top (y_k - x_\text{opt}) & k \ne t \\
              \lambda\,(\ell' - \lambda(\ell' - 1)) & k = t \end{cases}

    with :math:`\lambda` limited by :math:`\Delta_a / \lVert y_k - x_\text{opt}\rVert` and the bounds.
    """
    npt, n = xpt.shape
    const = 1.0 + math.sqrt(2.0)
    hcol = matvec(zmat, zmat[knew, :])  # the first npt entries of H e_t
    alpha = float(hcol[knew])
    ha = 0.5 * alpha
    glag = rmatvec(xpt, hcol * matvec(xpt, xopt), start=bmat[knew, :n])

    # -- the straight lines through xopt and each other interpolation point ------------------
    presav, ksav, stpsav, ibdsav = 0.0, kopt, 0.0, 0
    all_diffs = xpt - xopt
    dderivs, distsqs = matvec(all_diffs, glag), rowdots(all_diffs)
    for k in range(npt):
        if k == kopt:
            continue
        diffs, dderiv, distsq = all_diffs[k], float(dderivs[k]), float(distsqs[k])
        subd = adelt / math.sqrt(distsq)
        slbd = -subd
        ilbd = iubd = 0  # ±(i + 1): the bound that limits the step, signed like Powell's
        sumin = min(1.0, subd)
        for i in range(n):
            temp = diffs[i]
            if temp > 0.0:
                if slbd * temp < sl[i] - xopt[i]:
                    slbd, ilbd = (sl[i] - xopt[i]) / temp, -(i + 1)
                if subd * temp > su[i] - xopt[i]:
                    subd, iubd = max(sumin, (su[i] - xopt[i]) / temp), i + 1
            elif temp < 0.0:
                if slbd * temp > su[i] - xopt[i]:
                    slbd, ilbd = (su[i] - xopt[i]) / temp, i + 1
                if subd * temp < sl[i] - xopt[i]:
                    subd, iubd = max(sumin, (sl[i] - xopt[i]) / temp), -(i + 1)
        if k == knew:
            diff = dderiv - 1.0
            step, vlag, isbd = slbd, slbd * (dderiv - slbd * diff), ilbd
            temp = subd * (dderiv - subd * diff)
            if abs(temp) > abs(vlag):
                step, vlag, isbd = subd, temp, iubd
            tempd = 0.5 * dderiv
            tempa = tempd - diff * slbd
            tempb = tempd - diff * subd
            if tempa * tempb < 0.0:
                temp = tempd * tempd / diff
                if abs(temp) > abs(vlag):
                    step, vlag, isbd = tempd / diff, temp, 0
        else:
            step, vlag, isbd = slbd, slbd * (1.0 - slbd), ilbd
            temp = subd * (1.0 - subd)
            if abs(temp) > abs(vlag):
                step, vlag, isbd = subd, temp, iubd
            if subd > 0.5 and abs(vlag) < 0.25:
                step, vlag, isbd = 0.5, 0.25, 0
            vlag *= dderiv
        temp = step * (1.0 - step) * distsq
        predsq = vlag * vlag * (vlag * vlag + ha * temp * temp)
        if predsq > presav:
            presav, ksav, stpsav, ibdsav = predsq, k, step, isbd
    xnew = np.maximum(sl, np.minimum(su, xopt + stpsav * (xpt[ksav] - xopt)))
    if ibdsav < 0:
        xnew[-ibdsav - 1] = sl[-ibdsav - 1]
    if ibdsav > 0:
        xnew[ibdsav - 1] = su[ibdsav - 1]

    # -- the constrained Cauchy steps of +ℓ_t and −ℓ_t (labels 100–200) ----------------------
    bigstp = adelt + adelt
    xalt = np.zeros(n)
    for iflag in (0, 1):  # CAUCHY and XALT are set on each pass; the first pass's are kept in CSAVE, SAVED_XALT
        w = np.zeros(n)
        tempa = np.minimum(xopt - sl, glag)
        tempb = np.maximum(xopt - su, glag)
        movable = (tempa > 0.0) | (tempb < 0.0)
        w[movable] = bigstp
        ggfree = dot(glag[movable], glag[movable])
        if ggfree == 0.0:
            return xnew, xalt, alpha, 0.0
        wfixsq = 0.0
        step = 0.0
        # fix the components that the steepest-descent step would push past a bound
        while True:
            temp = adelt * adelt - wfixsq
            if not temp > 0.0:
                break
            wsqsav = wfixsq
            step = math.sqrt(temp / ggfree)
            ggfree = 0.0
            for i in range(n):
                if w[i] == bigstp:
                    temp = xopt[i] - step * glag[i]
                    if temp <= sl[i]:
                        w[i] = sl[i] - xopt[i]
                        wfixsq += w[i] * w[i]
                    elif temp >= su[i]:
                        w[i] = su[i] - xopt[i]
                        wfixsq += w[i] * w[i]
                    else:
                        ggfree += glag[i] * glag[i]
            if not (wfixsq > wsqsav and ggfree > 0.0):
                break
        gw = 0.0
        for i in range(n):
            if w[i] == bigstp:
                w[i] = -step * glag[i]
                xalt[i] = max(sl[i], min(su[i], xopt[i] + w[i]))
            elif w[i] == 0.0:
                xalt[i] = xopt[i]
            elif glag[i] > 0.0:
                xalt[i] = sl[i]
            else:
                xalt[i] = su[i]
            gw += glag[i] * w[i]
        # the curvature of ℓ_t along w; a shorter step if that makes |ℓ_t| larger
        temps = matvec(xpt, w)
        curv = total(hcol * temps * temps)
        if iflag == 1:
            curv = -curv
        if -gw < curv < -const * gw:
            scale = -gw / curv
            xalt = np.maximum(sl, np.minimum(su, xopt + scale * w))
            cauchy = (0.5 * gw * scale) ** 2
        else:
            cauchy = (gw + 0.5 * curv) ** 2
        if iflag == 0:
            glag = -glag
            saved_xalt, csave = xalt.copy(), cauchy
    if csave > cauchy:
        xalt, cauchy = saved_xalt, csave
    return xnew, xalt, alpha, cauchy
