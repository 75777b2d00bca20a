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
from impl.search.bobyqa.rescue import rescue
from impl.search.bobyqa.seqsum import add_hess_mul, dot, matvec, rmatvec, rowdots, sym_lower, sym_upper, total
from impl.search.bobyqa.trsbox import trsbox
from impl.search.bobyqa.update import update, update_model


def _model_gradient_shift(st, step):
    r""":math:`g \leftarrow g + \nabla^2 Q\,\text{step}`, in Powell's order (HQ, then the pq terms)."""
    st.gopt = add_hess_mul(st.gopt, st.hq, st.pq, st.xpt, step)


def _choose_knew(st, vlag, beta, delta, centre, skip):
    r"""The point to replace: :math:`\arg\max_k \max(1, (\lVert y_k - c\rVert^2/\Delta^2)^2)
    (\beta\,\Omega_{kk} + \Lambda_k^2)`; returns ``(knew, denom, scaden, biglsq)``."""
    delsq = delta * delta
    scaden = biglsq = 0.0
    knew, denom = -1, 0.0
    npt = len(st.xpt)
    dens = beta * rowdots(st.zmat) + vlag[:npt] * vlag[:npt]
    ratios = rowdots(st.xpt - centre) / delsq
    weights = np.maximum(1.0, ratios * ratios)
    for k in range(npt):
        if k == skip:
            continue
        den, weight = float(dens[k]), float(weights[k])
        if weight * den > scaden:
            scaden, knew, denom = weight * den, k, den
        biglsq = max(biglsq, weight * (vlag[k] * vlag[k]))
    return knew, denom, scaden, biglsq


def bobyqb(evaluate: Evaluator, x, sl, su, rhobeg, rhoend, npt):
    r"""Run BOBYQA from the adjusted start ``x``; return a status string (the best point
    and value are read from ``evaluate``'s record by the caller).

    .. math:: x_{k+1} = x_\text{opt} + d_k, \quad d_k = \text{TRSBOX}(Q_k, \Delta_k) \text{ or } \text{ALTMOV}, \quad
              Q_{k+1} = \arg\min_{Q(y_j) = f(y_j)} \lVert \nabla^2 Q - \nabla^2 Q_k\rVert_F
    """
    n = len(x)
    try:
        st = prelim(evaluate, x, sl, su, rhobeg, npt)
    except Stop as stop:
        return str(stop)
    xopt = st.xpt[st.kopt].copy()
    xoptsq = dot(xopt, xopt)
    rho = delta = rhobeg
    nresc = nfsav = len(evaluate.values)
    ntrits, itest = 0, 0
    # Powell's other start values are all set again before they are read; these few are kept because the label loop
    # reads them above the lines that set them, where a reader (and pyflakes) cannot see the order
    diffa = diffb = diffc = 0.0
    knew, adelt = -1, 0.0
    vlag = np.zeros(npt + n)
    if st.kopt != 0:  # label 20: the gradient at xopt rather than at xbase (pq is still zero)
        _model_gradient_shift(st, xopt)
    label = 60
    while True:
        if label == 60:  # a trust-region step
            xnew, d, dsq, crvmin, gnew = trsbox(st.xpt, xopt, st.gopt, st.hq, st.pq, st.sl, st.su, delta)
            dnorm = min(delta, math.sqrt(dsq))
            if dnorm < 0.5 * rho:
                ntrits = -1
                distsq = (10.0 * rho) * (10.0 * rho)
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
                        curv = dot(st.pq, st.xpt[:, j] * st.xpt[:, j], start=st.hq[j, j])
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
            wk = matvec(st.xpt, d)
            wcol = wk * (0.5 * wk + matvec(st.xpt, xopt))
            vlag = np.zeros(npt + n)
            vlag[:npt] = matvec(st.bmat[:npt], d)
            zw = matvec(st.zmat.T, wcol)
            beta = -total(zw * zw)
            vlag[:npt] = rmatvec(st.zmat.T, zw, start=vlag[:npt])
            bw = matvec(st.bmat[:npt].T, wcol)  # Σ_k w_k bmat_kj
            vlag[npt:] = matvec(st.bmat[npt:], d, start=bw)
            dsq = bsum = dx = 0.0
            for j in range(n):
                dsq += d[j] * d[j]
                bsum += bw[j] * d[j]
                bsum += vlag[npt + j] * d[j]
                dx += d[j] * xopt[j]
            beta = dx * dx + dsq * (xoptsq + dx + dx + 0.5 * dsq) + beta - bsum
            vlag[st.kopt] += 1.0
            if ntrits == 0:
                denom = vlag[knew] * vlag[knew] + alpha * beta
                if denom < cauchy and cauchy > 0.0:
                    xnew = xalt.copy()
                    d = xnew - xopt
                    cauchy = 0.0
                    continue  # label 230 again
                if denom <= 0.5 * (vlag[knew] * vlag[knew]):
                    if len(evaluate.values) > nresc:
                        label = 190
                        continue
                    return "roundoff: denominator cancelled"
            else:
                knew, denom, scaden, biglsq = _choose_knew(st, vlag, beta, delta, xopt, st.kopt)
                if scaden <= 0.5 * biglsq:
                    if len(evaluate.values) > nresc:
                        label = 190
                        continue
                    return "roundoff: denominator cancelled"
            label = 360
        if label == 190:  # rounding has damaged H: rebuild it (and the model) from scratch
            nfsav, kbase = len(evaluate.values), st.kopt
            try:
                rescue(st, evaluate, xopt, delta)
            except Stop as stop:
                return str(stop)
            xopt, xoptsq = np.zeros(n), 0.0
            if st.kopt != kbase:
                xopt = st.xpt[st.kopt].copy()
                xoptsq = dot(xopt, xopt)
            nresc = len(evaluate.values)
            if nfsav < nresc:  # label 20: new values were computed; the gradient at the new xopt
                nfsav = nresc
                if st.kopt != kbase:
                    _model_gradient_shift(st, xopt)
                label = 60
            else:
                label = 60 if ntrits > 0 else 210
            continue
        if label == 360:  # evaluate f at xbase + xnew
            try:
                f = evaluate(st.xbase, xnew, st.sl, st.su)
            except Stop as stop:
                return str(stop)
            if ntrits == -1:
                return "rhoend (final Newton step)"
            fopt = st.fval[st.kopt]
            vquad = 0.0
            for j in range(n):
                vquad += d[j] * st.gopt[j]
                for i in range(j + 1):
                    temp = d[i] * d[j]
                    vquad += st.hq[i, j] * (0.5 * temp if i == j else temp)
            for k in range(npt):
                vquad += 0.5 * st.pq[k] * (wk[k] * wk[k])
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
            if not update_model(st, knew, xnew, f, diff, xopt):
                return "roundoff: H became singular"
            if f < fopt:
                st.kopt = knew
                xopt = xnew.copy()
                xoptsq = dot(xopt, xopt)
                _model_gradient_shift(st, d)
            if ntrits > 0:  # compare with the least-Frobenius-norm interpolant of the data itself
                fdiff = st.fval - st.fval[st.kopt]
                wz = rmatvec(st.zmat.T, matvec(st.zmat.T, fdiff))
                wx = wz * matvec(st.xpt, xopt)
                terms = np.empty((2 * npt, n))  # (g + Ξ_k f_k) + y_k w_k, k after k
                terms[0::2] = st.bmat[:npt] * fdiff[:, None]
                terms[1::2] = st.xpt * wx[:, None]
                gint = rmatvec(terms, np.ones(2 * npt))
                at_l, at_u = xopt == st.sl, xopt == st.su
                gq = np.where(at_l, np.minimum(0.0, st.gopt), np.where(at_u, np.maximum(0.0, st.gopt), st.gopt))
                gi = np.where(at_l, np.minimum(0.0, gint), np.where(at_u, np.maximum(0.0, gint), gint))
                itest = 0 if dot(gq, gq) < 10.0 * dot(gi, gi) else itest + 1
                if itest >= 3:
                    st.gopt, st.pq, st.hq = gint, wz, np.zeros((n, n))
                    itest = 0
            if ntrits == 0 or f <= fopt + 0.1 * vquad:
                label = 60
                continue
            distsq = max((2.0 * delta) * (2.0 * delta), (10.0 * rho) * (10.0 * rho))
            label = 650
        if label == 650:  # is some point too far from xopt? then a geometry step
            knew = -1
            dists = rowdots(st.xpt - xopt)
            for k in range(npt):
                if dists[k] > distsq:
                    knew, distsq = k, float(dists[k])
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
    sumpq = total(st.pq)
    sums = matvec(st.xpt, xopt, start=np.full(npt, -0.5 * xoptsq))
    bm = st.bmat
    low = np.tril_indices(n)
    for k in range(npt):  # the changes to BMAT that do not depend on ZMAT
        w = bm[k].copy()
        v = sums[k] * st.xpt[k] + (fracsq - 0.5 * sums[k]) * xopt
        block = bm[npt:] + np.outer(w, v) + np.outer(v, w)  # (i, j), j ≤ i: b + w_i v_j + v_i w_j
        bm[npt + low[0], low[1]] = block[low]
    for jj in range(st.zmat.shape[1]):  # then those that do
        z = st.zmat[:, jj]
        vl = sums * z
        c = fracsq * total(z) - 0.5 * total(vl)
        w = matvec(st.xpt.T, vl, start=c * xopt)
        bm[:npt] = bm[:npt] + np.outer(z, w)
        bm[npt + low[0], low[1]] = (bm[npt:] + np.outer(w, w))[low]
    w = rmatvec(st.xpt, st.pq, start=-0.5 * sumpq * xopt)
    st.xpt -= xopt
    st.hq = sym_upper(st.hq + np.outer(w, xopt) + np.outer(xopt, w))
    bm[npt:] = sym_lower(bm[npt:])  # the lower n × n block symmetric again
    st.xbase += xopt
