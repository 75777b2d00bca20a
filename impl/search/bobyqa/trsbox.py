r"""TRSBOX: the trust-region step of BOBYQA (Powell NA2009/06 §3; NLopt's ``trsbox_``).

It seeks a small value of the quadratic model

.. math:: Q(x_\text{opt} + d) - Q(x_\text{opt}) = g^\top d + \tfrac12 d^\top \nabla^2 Q\, d,
          \qquad \lVert d\rVert \le \Delta, \quad s_l \le x_\text{opt} + d \le s_u,

by a truncated conjugate gradient method that fixes a variable at a bound when a line
search reaches it (and restarts from steepest descent on the others), then, once
:math:`d` is on the trust-region boundary, by rotations in the plane of :math:`d` and
the reduced gradient that stay on the boundary:

.. math:: d(\theta) = \cos\theta\, d + \sin\theta\, s, \qquad s \perp d,\ \lVert s\rVert = \lVert d\rVert,

with :math:`\theta` chosen among equally spaced values of :math:`\tan(\theta/2)` and
refined by a parabola.  It stops when an iteration reduces :math:`Q` by under 1% of the
total reduction.  The Hessian is never formed:
:math:`\nabla^2 Q\, s = \text{HQ}\, s + \sum_k \text{pq}_k (y_k^\top s) y_k`.
"""

from __future__ import annotations

import math

import numpy as np

from impl.search.bobyqa.seqsum import dot, hess_mul


def trsbox(xpt, xopt, gopt, hq, pq, sl, su, delta):
    r"""The step: returns ``(xnew, d, dsq, crvmin, gnew)`` with :math:`x_\text{new} = x_\text{opt} + d`
    (on the bound exactly for a variable fixed there), :math:`\lVert d\rVert^2`, and
    CRVMIN: 0 if :math:`d` reached the trust-region boundary, else the least curvature
    :math:`s^\top \nabla^2 Q s / \lVert s\rVert^2` of the unconstrained line searches
    (−1 if every line search was stopped by a bound), and GNEW, the model's gradient at
    :math:`x_\text{opt} + d` before the final projection onto the bounds.

    .. math:: \min_d\ g^\top d + \tfrac12 d^\top \nabla^2 Q\, d \quad \text{s.t.}\quad
              \lVert d\rVert \le \Delta,\ s_l \le x_\text{opt} + d \le s_u
    """
    n = len(xopt)
    # xbdi: −1 / +1 when variable i is fixed at its lower / upper bound, 0 when free
    xbdi = np.zeros(n)
    xbdi[(xopt <= sl) & (gopt >= 0.0)] = -1.0
    xbdi[(xopt > sl) & (xopt >= su) & (gopt <= 0.0)] = 1.0
    nact = int(np.count_nonzero(xbdi))
    d = np.zeros(n)
    gnew = gopt.copy()
    s = np.zeros(n)  # read only when β ≠ 0, after the first pass has set it; Python's scoping wants a value
    delsq = delta * delta
    qred = 0.0
    crvmin = -1.0
    iterc = 0

    def finish():
        # NLopt's MIN2(a, b) = a <= b ? a : b, then MAX2 likewise: a step that is NaN (after an overflow) ends on su
        xnew = np.where(xopt + d <= su, xopt + d, su)
        xnew = np.where(xnew >= sl, xnew, sl)
        xnew = np.where(xbdi == -1.0, sl, xnew)
        xnew = np.where(xbdi == 1.0, su, xnew)
        step = xnew - xopt
        return xnew, step, dot(step, step), crvmin, gnew

    # -- the truncated conjugate gradient phase (labels 20–90) -----------------------------
    # GREDSQ, GGSAV and ITERMAX are first set on the first pass (β = 0), so they need no start value
    beta = 0.0
    while True:
        free = xbdi == 0.0
        s = np.where(free, -gnew if beta == 0.0 else beta * s - gnew, 0.0)
        stepsq = dot(s, s)
        if stepsq == 0.0:
            return finish()
        if beta == 0.0:
            gredsq = stepsq
            itermax = iterc + n - nact
        if gredsq * delsq <= 1e-4 * qred * qred:
            return finish()
        hs = hess_mul(hq, pq, xpt, s)
        resid = delsq
        for i in np.flatnonzero(free):
            resid -= d[i] * d[i]
        ds = dot(s[free], d[free])
        shs = dot(s[free], hs[free])
        if resid <= 0.0:
            break
        temp = math.sqrt(stepsq * resid + ds * ds)
        blen = (temp - ds) / stepsq if ds < 0.0 else resid / (temp + ds)
        stplen = min(blen, gredsq / shs) if shs > 0.0 else blen
        # shorten the step at the first bound it meets; iact is the variable that is fixed
        iact = -1
        for i in range(n):
            if s[i] != 0.0:
                xsum = xopt[i] + d[i]
                temp = (su[i] - xsum) / s[i] if s[i] > 0.0 else (sl[i] - xsum) / s[i]
                if temp < stplen:
                    stplen, iact = temp, i
        sdec = 0.0
        if stplen > 0.0:
            iterc += 1
            temp = shs / stepsq
            if iact < 0 and temp > 0.0:
                crvmin = min(crvmin, temp)
                if crvmin == -1.0:
                    crvmin = temp
            ggsav = gredsq
            gnew = gnew + stplen * hs
            gredsq = dot(gnew[free], gnew[free])
            d = d + stplen * s
            sdec = max(stplen * (ggsav - 0.5 * stplen * shs), 0.0)
            qred += sdec
        if iact >= 0:  # a bound was hit: fix the variable, restart from steepest descent
            nact += 1
            xbdi[iact] = -1.0 if s[iact] < 0.0 else 1.0
            delsq -= d[iact] * d[iact]
            if delsq <= 0.0:
                break
            beta = 0.0
            continue
        if stplen < blen:
            if iterc == itermax or sdec <= 0.01 * qred:
                return finish()
            beta = gredsq / ggsav
            continue
        break
    crvmin = 0.0

    # -- the alternative iterations on the trust-region boundary (labels 100–180) -----------
    while True:  # label 100
        if nact >= n - 1:
            return finish()
        free = xbdi == 0.0
        dredsq = dot(d[free], d[free])
        dredg = dot(d[free], gnew[free])
        gredsq = dot(gnew[free], gnew[free])
        s = np.where(free, d, 0.0)
        hred = hess_mul(hq, pq, xpt, s)
        restart = False
        while True:  # label 120 (Powell counts ITERC here too, but nothing reads it after the CG phase)
            temp = gredsq * dredsq - dredg * dredg
            if temp <= 1e-4 * qred * qred:
                return finish()
            temp = math.sqrt(temp)
            s = np.where(free, (dredg * d - dredsq * gnew) / temp, 0.0)
            sredg = -temp
            # the bound on tan(θ/2) from the simple bounds; a variable already on one is fixed
            angbd, iact = 1.0, -1  # XSAV is set whenever IACT is
            for i in np.flatnonzero(free):
                tempa = xopt[i] + d[i] - sl[i]
                tempb = su[i] - xopt[i] - d[i]
                if tempa <= 0.0 or tempb <= 0.0:
                    nact += 1
                    xbdi[i] = -1.0 if tempa <= 0.0 else 1.0
                    restart = True
                    break
                ssq = d[i] * d[i] + s[i] * s[i]
                temp = ssq - (xopt[i] - sl[i]) ** 2
                if temp > 0.0:
                    temp = math.sqrt(temp) - s[i]
                    if angbd * temp > tempa:
                        angbd, iact, xsav = tempa / temp, i, -1.0
                temp = ssq - (su[i] - xopt[i]) ** 2
                if temp > 0.0:
                    temp = math.sqrt(temp) + s[i]
                    if angbd * temp > tempb:
                        angbd, iact, xsav = tempb / temp, i, 1.0
            if restart:
                break
            hs = hess_mul(hq, pq, xpt, s)
            shs = dot(s[free], hs[free])
            dhs = dot(d[free], hs[free])
            dhd = dot(d[free], hred[free])
            # the greatest reduction of Q over tan(θ/2) in (0, angbd], then a parabola through three
            # RDPREV and RDNEXT are set before they are read: with the best ISAV, and at ISAV + 1 when ISAV < IU
            redmax, isav, redsav = 0.0, 0, 0.0
            iu = int(angbd * 17.0 + 3.1)
            for i in range(1, iu + 1):
                angt = angbd * i / iu
                sth = (angt + angt) / (1.0 + angt * angt)
                temp = shs + angt * (angt * dhd - dhs - dhs)
                rednew = sth * (angt * dredg - sredg - 0.5 * sth * temp)
                if rednew > redmax:
                    redmax, isav, rdprev = rednew, i, redsav
                elif i == isav + 1:
                    rdnext = rednew
                redsav = rednew
            if isav == 0:
                return finish()
            if isav < iu:
                temp = (rdnext - rdprev) / (redmax + redmax - rdprev - rdnext)
                angt = angbd * (isav + 0.5 * temp) / iu
            cth = (1.0 - angt * angt) / (1.0 + angt * angt)
            sth = (angt + angt) / (1.0 + angt * angt)
            temp = shs + angt * (angt * dhd - dhs - dhs)
            sdec = sth * (angt * dredg - sredg - 0.5 * sth * temp)
            if sdec <= 0.0:
                return finish()
            gnew = gnew + (cth - 1.0) * hred + sth * hs
            d = np.where(free, cth * d + sth * s, d)
            dredg = dot(d[free], gnew[free])
            gredsq = dot(gnew[free], gnew[free])
            hred = cth * hred + sth * hs
            qred += sdec
            if iact >= 0 and isav == iu:
                nact += 1
                xbdi[iact] = xsav
                break  # to label 100
            if sdec > 0.01 * qred:
                continue
            return finish()
