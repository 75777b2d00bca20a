r"""BOBYQB: BOBYQA's main loop (Powell NA2009/06 §§5–6; NLopt's ``bobyqb_``), with
Powell's management of the two radii: :math:`\Delta` (the trust region, which grows
and shrinks with the steps' success) and :math:`\rho` (its lower bound, the
resolution, which only decreases, from :math:`\rho_\text{beg}` to :math:`\rho_\text{end}`).

After a trust-region step :math:`d` with ratio
:math:`r = (f(x_\text{opt} + d) - f_\text{opt}) / (Q(x_\text{opt} + d) - Q(x_\text{opt}))`:

.. math::

    \Delta \leftarrow \begin{cases} \min(\Delta/2, \lVert d\rVert) & r \le 0.1 \\
    \max(\Delta/2, \lVert d\rVert) & 0.1 < r \le 0.7 \\ \max(\Delta/2, 2\lVert d\rVert) & r > 0.7 \end{cases},
    \qquad \Delta \leftarrow \rho \ \text{ if } \Delta \le 1.5\rho,

and when the work at the current :math:`\rho` is done,

.. math:: \rho \leftarrow \begin{cases} \rho_\text{end} & \rho/\rho_\text{end} \le 16 \\
          \sqrt{\rho\,\rho_\text{end}} & \le 250 \\ \rho/10 & \text{else} \end{cases}, \qquad
          \Delta \leftarrow \max(\rho_\text{old}/2, \rho).

The model changes by the least Frobenius norm of its Hessian's change that
interpolates the new value: with :math:`\text{diff} = f(x^+) - Q(x^+)` the implicit
Hessian parameters gain :math:`\text{diff}\cdot\Omega e_t` and the gradient
:math:`\text{diff}\cdot(\Xi_t + \dots)`; the point to replace, :math:`t`, maximises
:math:`\max(1, \lVert y_k - x_\text{opt}\rVert^4/\Delta^4)\,\sigma_k`.  The labels in the
comments are Powell's.
"""

from __future__ import annotations

import math

import numpy as np

from impl.search.bobyqa.altmov import altmov
from impl.search.bobyqa.prelim import Evaluator, Stop, prelim
from impl.search.bobyqa.trsbox import trsbox
from impl.search.bobyqa.update import update


def _model_gradient_shift(st, step):
    r""":math:`g \leftarrow g + \nabla^2 Q\,\text{step}`, in Powell's order (HQ, then the pq terms)."""
    st.gopt += st.hq @ step
    st.gopt += st.xpt.T @ (st.pq * (st.xpt @ step))


def _choose_knew(st, vlag, beta, delta, centre, skip):
    r"""The point to replace: :math:`\arg\max_k \max(1, (\lVert y_k - c\rVert^2/\Delta^2)^2)
    (\beta\,\Omega_{kk} + \Lambda_k^2)`; returns ``(knew, denom, scaden, biglsq)``."""
    delsq = delta * delta
    hdiag = np.sum(st.zmat**2, axis=1)
    den = beta * hdiag + vlag[: len(hdiag)] ** 2
    dist = np.sum((st.xpt - centre) ** 2, axis=1)
    weight = np.maximum(1.0, (dist / delsq) ** 2)
    scaden = biglsq = 0.0
    knew, denom = -1, 0.0
    for k in range(len(hdiag)):
        if k == skip:
            continue
        if weight[k] * den[k] > scaden:
            scaden, knew, denom = weight[k] * den[k], k, den[k]
        biglsq = max(biglsq, weight[k] * vlag[k] ** 2)
    return knew, denom, scaden, biglsq


def bobyqb(evaluate: Evaluator, x, sl, su, rhobeg, rhoend, npt):
    """Run BOBYQA from the adjusted start ``x``; return a status string (the best point
    and value are read from ``evaluate``'s record by the caller)."""
    n = len(x)
    try:
        st = prelim(evaluate, x, sl, su, rhobeg, npt)
    except Stop:
        return "maxfun"
    xopt = st.xpt[st.kopt].copy()
    xoptsq = float(xopt @ xopt)
    rho = delta = rhobeg
    nresc = nfsav = len(evaluate.values)
    ntrits, itest = 0, 0
    diffa = diffb = diffc = 0.0
    ratio = 0.0
    knew, denom, alpha, cauchy, adelt = -1, 0.0, 0.0, 0.0, 0.0
    dnorm = dsq = crvmin = 0.0
    xnew = xalt = d = None
    vlag = np.zeros(npt + n)
    beta = 0.0
    wk = np.zeros(npt)  # Powell's W(NPT+K): the products y_kᵀ d
    if st.kopt != 0:  # label 20: the gradient at xopt rather than at xbase (pq is still zero)
        _model_gradient_shift(st, xopt)
    label = 60
    while True:
        if label == 60:  # a trust-region step
            xnew, d, dsq, crvmin, gnew = trsbox(st.xpt, xopt, st.gopt, st.hq, st.pq, st.sl, st.su, delta)
            dnorm = min(delta, math.sqrt(dsq))
            if dnorm < 0.5 * rho:
                ntrits = -1
                distsq = (10.0 * rho) ** 2
                if len(evaluate.values) <= nfsav + 2:
                    label = 650
                    continue
                # is the work at this rho done? the model's recent errors against likely gains
                errbig = max(diffa, diffb, diffc)
                frhosq = 0.125 * rho * rho
                if crvmin > 0.0 and errbig > frhosq * crvmin:
                    label = 650
                    continue
                bdtol = errbig / rho
                label = 680
                for j in range(n):
                    bdtest = bdtol
                    if xnew[j] == st.sl[j]:
                        bdtest = gnew[j]
                    if xnew[j] == st.su[j]:
                        bdtest = -gnew[j]
                    if bdtest < bdtol:
                        curv = st.hq[j, j] + float(st.pq @ st.xpt[:, j] ** 2)
                        bdtest += 0.5 * curv * rho
                        if bdtest < bdtol:
                            label = 650
                            break
                continue
            ntrits += 1
            label = 90
        if label == 90:  # shift xbase to xopt when xopt is far from it (rounding errors)
            if dsq <= 1e-3 * xoptsq:
                _shift_base(st, xopt, xoptsq)
                xnew = xnew - xopt
                st.sl -= xopt
                st.su -= xopt
                xopt = np.zeros(n)
                xoptsq = 0.0
            label = 210 if ntrits == 0 else 230
        if label == 210:  # a geometry step for point knew
            xnew, xalt, alpha, cauchy = altmov(st.xpt, xopt, st.bmat, st.zmat, st.sl, st.su, st.kopt, knew, adelt)
            d = xnew - xopt
            label = 230
        if label == 230:  # vlag = H w and beta for the step d
            wk = st.xpt @ d
            sumb = st.xpt @ xopt
            wcol = wk * (0.5 * wk + sumb)
            vlag = np.zeros(npt + n)
            vlag[:npt] = st.bmat[:npt] @ d
            zw = st.zmat.T @ wcol
            beta = -float(zw @ zw)
            vlag[:npt] += st.zmat @ zw
            dsq = float(d @ d)
            bw = st.bmat[:npt].T @ wcol  # Σ_k w_k bmat_kj
            vlag[npt:] = bw + st.bmat[npt:] @ d
            bsum = float(bw @ d) + float(vlag[npt:] @ d)
            dx = float(d @ xopt)
            beta = dx * dx + dsq * (xoptsq + dx + dx + 0.5 * dsq) + beta - bsum
            vlag[st.kopt] += 1.0
            if ntrits == 0:
                denom = vlag[knew] ** 2 + alpha * beta
                if denom < cauchy and cauchy > 0.0:
                    xnew = xalt.copy()
                    d = xnew - xopt
                    cauchy = 0.0
                    continue  # label 230 again
                if denom <= 0.5 * vlag[knew] ** 2:
                    if len(evaluate.values) > nresc:
                        return "rescue needed (RESCUE is not implemented)"
                    return "roundoff: denominator cancelled"
            else:
                knew, denom, scaden, biglsq = _choose_knew(st, vlag, beta, delta, xopt, st.kopt)
                if scaden <= 0.5 * biglsq:
                    if len(evaluate.values) > nresc:
                        return "rescue needed (RESCUE is not implemented)"
                    return "roundoff: denominator cancelled"
            label = 360
        if label == 360:  # evaluate f at xbase + xnew
            try:
                f = evaluate(st.xbase, xnew, st.sl, st.su)
            except Stop:
                return "maxfun"
            if ntrits == -1:
                return "rhoend (final Newton step)"
            fopt = st.fval[st.kopt]
            vquad = float(d @ st.gopt) + 0.5 * float(d @ st.hq @ d) + 0.5 * float(st.pq @ wk**2)
            diff = f - fopt - vquad
            diffc, diffb, diffa = diffb, diffa, abs(diff)
            if dnorm > rho:
                nfsav = len(evaluate.values)
            if ntrits > 0:
                if vquad >= 0.0:
                    return "roundoff: trust-region step failed to reduce the model"
                ratio = (f - fopt) / vquad
                if ratio <= 0.1:
                    delta = min(0.5 * delta, dnorm)
                elif ratio <= 0.7:
                    delta = max(0.5 * delta, dnorm)
                else:
                    delta = max(0.5 * delta, dnorm + dnorm)
                if delta <= 1.5 * rho:
                    delta = rho
                if f < fopt:  # choose knew again, with distances from the new point
                    k2, den2, scaden, biglsq = _choose_knew(st, vlag, beta, delta, xnew, -1)
                    if scaden > 0.5 * biglsq:
                        knew, denom = k2, den2
            # the least-Frobenius-norm update of H and of the model
            update(st.bmat, st.zmat, vlag, beta, denom, knew)
            pqold = st.pq[knew]
            st.pq[knew] = 0.0
            st.hq += pqold * np.outer(st.xpt[knew], st.xpt[knew])
            st.pq += diff * (st.zmat @ st.zmat[knew])
            st.fval[knew] = f
            st.xpt[knew] = xnew
            omega_t = st.zmat @ st.zmat[knew]
            if not np.all(np.isfinite(omega_t)):
                return "roundoff: H became singular"
            w = st.bmat[knew].copy() + st.xpt.T @ (omega_t * (st.xpt @ xopt))
            st.gopt += diff * w
            if f < fopt:
                st.kopt = knew
                xopt = xnew.copy()
                xoptsq = float(xopt @ xopt)
                _model_gradient_shift(st, d)
            if ntrits > 0:  # compare with the least-Frobenius-norm interpolant of the data itself
                fdiff = st.fval - st.fval[st.kopt]
                wz = st.zmat @ (st.zmat.T @ fdiff)
                gint = st.bmat[:npt].T @ fdiff + st.xpt.T @ ((st.xpt @ xopt) * wz)
                at_l, at_u = xopt == st.sl, xopt == st.su
                gq = np.where(at_l, np.minimum(0.0, st.gopt), np.where(at_u, np.maximum(0.0, st.gopt), st.gopt))
                gi = np.where(at_l, np.minimum(0.0, gint), np.where(at_u, np.maximum(0.0, gint), gint))
                itest = 0 if float(gq @ gq) < 10.0 * float(gi @ gi) else itest + 1
                if itest >= 3:
                    st.gopt, st.pq, st.hq = gint, wz, np.zeros((n, n))
                    itest = 0
            if ntrits == 0 or f <= fopt + 0.1 * vquad:
                label = 60
                continue
            distsq = max((2.0 * delta) ** 2, (10.0 * rho) ** 2)
            label = 650
        if label == 650:  # is some point too far from xopt? then a geometry step
            dists = np.sum((st.xpt - xopt) ** 2, axis=1)
            knew = -1
            for k in range(npt):
                if dists[k] > distsq:
                    knew, distsq = k, dists[k]
            if knew >= 0:
                dist = math.sqrt(distsq)
                if ntrits == -1:
                    delta = min(0.1 * delta, 0.5 * dist)
                    if delta <= 1.5 * rho:
                        delta = rho
                ntrits = 0
                adelt = max(min(0.1 * dist, delta), rho)
                dsq = adelt * adelt
                label = 90
                continue
            if ntrits != -1 and (ratio > 0.0 or max(delta, dnorm) > rho):
                label = 60
                continue
            label = 680
        if label == 680:  # the work at this rho is done: the next rho, or the end
            if rho > rhoend:
                delta = 0.5 * rho
                ratio = rho / rhoend
                if ratio <= 16.0:
                    rho = rhoend
                elif ratio <= 250.0:
                    rho = math.sqrt(ratio) * rhoend
                else:
                    rho = 0.1 * rho
                delta = max(delta, rho)
                ntrits = 0
                nfsav = len(evaluate.values)
                label = 60
                continue
            if ntrits == -1:
                label = 360
                continue
            return "rhoend"


def _shift_base(st, xopt, xoptsq):
    r"""Move :math:`x_b` to :math:`x_b + x_\text{opt}` (label 90), updating BMAT, ZMAT's
    products and the model's explicit Hessian so that :math:`H` and :math:`Q` are unchanged:

    .. math:: y_k \leftarrow y_k - x_\text{opt}, \qquad
              \text{HQ} \leftarrow \text{HQ} + v x_\text{opt}^\top + x_\text{opt} v^\top,\quad
              v = \sum_k \text{pq}_k y_k - \tfrac12 \Bigl(\sum_k \text{pq}_k\Bigr) x_\text{opt}
    """
    npt, n = st.xpt.shape
    fracsq = 0.25 * xoptsq
    sumpq = float(np.sum(st.pq))
    sums = st.xpt @ xopt - 0.5 * xoptsq
    bm = st.bmat  # the updates that do not depend on ZMAT
    for k in range(npt):
        w = bm[k].copy()
        v = sums[k] * st.xpt[k] + (fracsq - 0.5 * sums[k]) * xopt
        block = np.outer(w, v) + np.outer(v, w)  # entry (i, j) = w_i v_j + v_i w_j, kept for j ≤ i
        low = np.tril_indices(n)
        bm[npt + low[0], low[1]] += block[low]
    for jj in range(st.zmat.shape[1]):  # then those that depend on ZMAT
        z = st.zmat[:, jj]
        sumz = float(np.sum(z))
        vl = sums * z
        sumw = float(np.sum(vl))
        w = (fracsq * sumz - 0.5 * sumw) * xopt + st.xpt.T @ vl
        bm[:npt] += np.outer(z, w)
        low = np.tril_indices(n)
        bm[npt + low[0], low[1]] += np.outer(w, w)[low]
    w = st.xpt.T @ st.pq - 0.5 * sumpq * xopt
    st.xpt -= xopt
    st.hq += np.outer(w, xopt) + np.outer(xopt, w)
    # the lower n × n block of BMAT made symmetric from its lower triangle
    low = np.tril_indices(n)
    bm[npt + low[1], low[0]] = bm[npt + low[0], low[1]]
    st.xbase += xopt
