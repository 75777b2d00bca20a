r"""RESCUE: BOBYQA's restart of :math:`H = W^{-1}` from scratch (Powell NA2009/06 §7;
NLopt's ``rescue_``), called when rounding errors have halved a denominator of the
update.

:math:`x_b` moves to :math:`x_\text{opt}`; a provisional, well-conditioned set of points
is laid out along the axes through :math:`x_\text{opt}` (steps
:math:`a_j = \min(\Delta, s_{u,j})`, :math:`b_j = \max(-\Delta, s_{l,j})`, and pairs
:math:`a_p e_p + a_q e_q` beyond :math:`2n + 1` points), whose :math:`H` is known in
closed form.  The original points are then put back one at a time, nearest first, each
replacing the provisional point that gives the largest denominator
:math:`\sigma = \beta\,\Omega_{kk} + \Lambda_k^2` of the update; an original point whose
best denominator is under 1% of :math:`\max_k \Lambda_k^2` is postponed.  Provisional
points that survive are evaluated, and the model gains each new value by the least
Frobenius-norm change:

.. math:: Q^+ = Q + (f(y) - Q(y))\,\ell_y, \qquad \ell_y \text{ the Lagrange function of } y.

A provisional point is coded as in Powell's PTSID: :math:`p + q/(n + 1) + \tfrac{1}{2(n+1)}`.
"""

from __future__ import annotations

import math

import numpy as np

from impl.search.bobyqa.seqsum import matvec, rmatvec, rowdots, sym_lower, sym_upper, total
from impl.search.bobyqa.update import update


def _ids(code: float, np1: int):
    """Powell's decoding of a provisional point's identifier into the axes (p, q), 0 = none."""
    ip = int(code)
    return ip, int(np1 * code - ip * np1)


def rescue(st, evaluate, xopt: np.ndarray, delta: float) -> None:
    r"""Rebuild BMAT, ZMAT and the model in place (``st``; ``st.kopt`` may change, and new
    values are evaluated through ``evaluate``, which may raise ``Stop``); afterwards
    :math:`x_b` is the old :math:`x_b + x_\text{opt}` and the caller's :math:`x_\text{opt}` is 0.

    .. math:: H^+ = (W^+)^{-1} \text{ built by one update per reinstated point}, \qquad
              \sigma_k = \beta\,\Omega_{kk} + \Lambda_k^2 \ge 0.01 \max_j \Lambda_j^2
    """
    npt, n = st.xpt.shape
    np1 = n + 1
    sfrac = 0.5 / np1
    # shift the points to xopt; their squared distances decide the order of reinstatement
    st.xpt -= xopt
    dist = rowdots(st.xpt)
    sumpq = total(st.pq)
    winc = float(dist.max())
    st.zmat[:] = 0.0
    w = rmatvec(st.xpt, st.pq, start=0.5 * sumpq * xopt)
    st.hq = sym_upper(st.hq + np.outer(w, xopt) + np.outer(xopt, w))
    st.xbase += xopt
    st.sl -= xopt
    st.su -= xopt
    a = np.minimum(delta, st.su)
    b = np.maximum(-delta, st.sl)
    swap = a + b < 0.0
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    b = np.where(np.abs(b) < 0.5 * np.abs(a), 0.5 * a, b)
    st.bmat[:] = 0.0
    fbase = st.fval[st.kopt]
    # the provisional points and their H (slots are Powell's rows, 0-based here)
    # slot 0 is x_opt itself (Powell codes it SFRAC, but the first pass of label 80 overwrites that unread)
    ptsid = np.zeros(npt)
    bm, zm = st.bmat, st.zmat
    for j in range(n):
        jp, jpn = j + 1, j + 1 + n
        ptsid[jp] = (j + 1) + sfrac
        if jpn < npt:
            ptsid[jpn] = (j + 1) / np1 + sfrac
            temp = 1.0 / (a[j] - b[j])
            bm[jp, j] = -temp + 1.0 / a[j]
            bm[jpn, j] = temp + 1.0 / b[j]
            bm[0, j] = -bm[jp, j] - bm[jpn, j]
            zm[0, j] = math.sqrt(2.0) / abs(a[j] * b[j])
            zm[jp, j] = zm[0, j] * b[j] * temp
            zm[jpn, j] = -zm[0, j] * a[j] * temp
        else:
            bm[0, j] = -1.0 / a[j]
            bm[jp, j] = 1.0 / a[j]
            bm[npt + j, j] = -0.5 * (a[j] * a[j])
    for k1 in range(2 * np1, npt + 1):  # Powell's 1-based k beyond 2n + 1
        iw = int(((k1 - np1) - 0.5) / n)
        ip = k1 - np1 - iw * n
        iq = ip + iw
        if iq > n:
            iq -= n
        ptsid[k1 - 1] = ip + iq / np1 + sfrac
        temp = 1.0 / (a[ip - 1] * a[iq - 1])
        col = k1 - np1 - 1
        zm[0, col] = temp
        zm[ip, col] = -temp
        zm[iq, col] = -temp
        zm[k1 - 1, col] = temp

    def aux(i, which):  # PTSAUX(which, i), i 1-based
        return a[i - 1] if which == 1 else b[i - 1]

    nrem, kold, knew = npt, 0, st.kopt
    vlag, beta, denom = np.zeros(npt + n), 0.0, 0.0
    while True:
        # label 80: the provisional point of slot kold gives way to the original point knew
        bm[[kold, knew]] = bm[[knew, kold]]
        zm[[kold, knew]] = zm[[knew, kold]]
        ptsid[kold], ptsid[knew] = ptsid[knew], 0.0
        dist[knew] = 0.0
        nrem -= 1
        if knew != st.kopt:
            vlag[kold], vlag[knew] = vlag[knew], vlag[kold]
            update(bm, zm, vlag, beta, denom, knew)
            if nrem == 0:
                return
            dist = np.abs(dist)
        while True:  # label 120: the nearest original point not yet reinstated nor postponed
            dsqmin = 0.0  # when it stays 0, knew is not read: the provisional points are evaluated instead
            for k in range(npt):
                if dist[k] > 0.0 and (dsqmin == 0.0 or dist[k] < dsqmin):
                    knew, dsqmin = k, float(dist[k])
            if dsqmin == 0.0:
                evaluate_provisional(st, evaluate, ptsid, a, b, fbase)
                return
            x = st.xpt[knew].copy()
            wv = np.zeros(npt)
            for k in range(npt):
                s = 0.0
                if k == st.kopt:
                    pass
                elif ptsid[k] == 0.0:
                    for j in range(n):
                        s += x[j] * st.xpt[k, j]
                else:
                    ip, iq = _ids(ptsid[k], np1)
                    if ip > 0:
                        s = x[ip - 1] * aux(ip, 1)
                    if iq > 0:
                        s += x[iq - 1] * aux(iq, 1 if ip > 0 else 2)
                wv[k] = 0.5 * s * s
            vlag = np.zeros(npt + n)
            vlag[:npt] = matvec(bm[:npt], x)
            zw = matvec(zm.T, wv)
            beta = -total(zw * zw)
            vlag[:npt] = rmatvec(zm.T, zw, start=vlag[:npt])
            bw = matvec(bm[:npt].T, wv)
            vlag[npt:] = matvec(bm[npt:], x, start=bw)
            bsum = distsq = 0.0
            for j in range(n):
                bsum += bw[j] * x[j]
                bsum += vlag[npt + j] * x[j]
                distsq += x[j] * x[j]
            beta = 0.5 * distsq * distsq + beta - bsum
            vlag[st.kopt] += 1.0
            # kold: the provisional point whose replacement has the largest denominator
            denom, vlmxsq = 0.0, 0.0
            hdiag = rowdots(zm)
            for k in range(npt):
                if ptsid[k] != 0.0:
                    den = beta * hdiag[k] + vlag[k] * vlag[k]
                    if den > denom:
                        kold, denom = k, den
                vlmxsq = max(vlmxsq, vlag[k] * vlag[k])
            if denom <= 0.01 * vlmxsq:  # postpone this point
                dist[knew] = -dist[knew] - winc
                continue
            break


def evaluate_provisional(st, evaluate, ptsid, a, b, fbase):
    r"""Label 260: evaluate every provisional point that survived, and add each new value to
    the model by its Lagrange function (:math:`\ell_y` from BMAT and ZMAT, the provisional
    points' terms kept explicitly in HQ):

    .. math:: Q \leftarrow Q + (f(y) - Q(y))\,\ell_y
    """
    npt, n = st.xpt.shape
    np1 = n + 1
    for kpt in range(npt):
        if ptsid[kpt] == 0.0:
            continue
        old = st.xpt[kpt].copy()
        st.hq = st.hq + sym_lower(np.outer(st.pq[kpt] * old, old))
        st.pq[kpt] = 0.0
        st.xpt[kpt] = 0.0
        ip, iq = _ids(ptsid[kpt], np1)  # xp and xq are read below only under the same tests that set them
        if ip > 0:
            xp = a[ip - 1]
            st.xpt[kpt, ip - 1] = xp
        if iq > 0:
            xq = a[iq - 1] if ip > 0 else b[iq - 1]
            st.xpt[kpt, iq - 1] = xq
        vquad = fbase  # the model's value at the new point
        if ip > 0:
            vquad += xp * (st.gopt[ip - 1] + 0.5 * xp * st.hq[ip - 1, ip - 1])
        if iq > 0:
            vquad += xq * (st.gopt[iq - 1] + 0.5 * xq * st.hq[iq - 1, iq - 1])
            if ip > 0:
                vquad += xp * xq * st.hq[ip - 1, iq - 1]
        for k in range(npt):
            temp = 0.0
            if ip > 0:
                temp += xp * st.xpt[k, ip - 1]
            if iq > 0:
                temp += xq * st.xpt[k, iq - 1]
            vquad += 0.5 * st.pq[k] * temp * temp
        f = evaluate(st.xbase, st.xpt[kpt], st.sl, st.su)
        st.fval[kpt] = f
        if f < st.fval[st.kopt]:
            st.kopt = kpt
        diff = f - vquad
        st.gopt = st.gopt + diff * st.bmat[kpt]
        omega = matvec(st.zmat, st.zmat[kpt])
        for k in range(npt):
            temp = diff * omega[k]
            if ptsid[k] == 0.0:
                st.pq[k] += temp
                continue
            kp, kq = _ids(ptsid[k], np1)
            if kp == 0:
                st.hq[kq - 1, kq - 1] += temp * (b[kq - 1] * b[kq - 1])
            else:
                st.hq[kp - 1, kp - 1] += temp * (a[kp - 1] * a[kp - 1])
                if kq > 0:
                    st.hq[kq - 1, kq - 1] += temp * (a[kq - 1] * a[kq - 1])
                    off = temp * a[kp - 1] * a[kq - 1]
                    st.hq[kp - 1, kq - 1] += off
                    st.hq[kq - 1, kp - 1] = st.hq[kp - 1, kq - 1]
        ptsid[kpt] = 0.0
