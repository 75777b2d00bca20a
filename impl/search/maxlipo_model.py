r"""The two models of MaxLIPO+TR (dlib's ``find_min_global``, King 2017, after Malherbe &
Vayatis 2017), written for minimisation: the Lipschitz lower bound with one constant per
dimension and a noise term, fitted by a small quadratic programme over the evaluated
points, and the quadratic model of the trust-region step.

The lower bound (dlib's ``upper_bound_function`` on :math:`-f`):

.. math::

    L(x) = \max_i \Bigl(f_i - \sqrt{\sigma_i + \textstyle\sum_d k_d\,(x_d - x_{i,d})^2}\Bigr)

with :math:`k \ge 0` (squared per-dimension Lipschitz constants) and :math:`\sigma \ge 0`
(one noise offset per point) the smallest, in :math:`\lVert k\rVert^2 + \lVert \sigma\rVert^2`,
that keep the bound below every evaluated value:

.. math::

    \min_{k, \sigma \ge 0}\ \lVert k\rVert^2 + \lVert\sigma\rVert^2 \quad\text{s.t.}\quad
    (f_i - f_j)^2 \le \textstyle\sum_d k_d (x_{i,d} - x_{j,d})^2 + \nu\,\sigma_{\arg\max(f_i, f_j)}
    \quad \forall i < j,

in coordinates scaled by the standard deviations of :math:`f` and of each :math:`x_d`
(:math:`\nu = 10^{-3}`, dlib's ``relative_noise_magnitude``).  dlib solves it by dual
coordinate descent (a linear SVM with :math:`C = \infty`); here it is solved exactly as
Lawson & Hanson's least-distance programme, through non-negative least squares.
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real

NOISE = 1e-3  # dlib's relative_noise_magnitude
CHUNK = 512  # candidates per block of the bound


def _std(a: np.ndarray) -> np.ndarray:
    # dlib's running_stats::stddev (n − 1); a constant column would divide by zero (NaN in dlib): scale 1
    s = np.std(a, axis=0, ddof=1) if len(a) > 1 else np.zeros(a.shape[1:])
    return np.where(s > 0, s, 1.0)


def nnls(a: np.ndarray, b: np.ndarray, max_iter: int | None = None) -> np.ndarray:
    r"""Non-negative least squares by Lawson & Hanson's active-set method.

    .. math:: \min_{u \ge 0} \lVert A u - b\rVert_2
    """
    m, n = a.shape
    u = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    w = a.T @ (b - a @ u)
    tol = 10 * np.finfo(float).eps * max(np.linalg.norm(a, 1), 1.0) * max(m, n)
    for _ in range(max_iter or 3 * n + 10):
        free = ~passive & (w > tol)
        if not free.any():
            break
        passive[np.argmax(np.where(free, w, -np.inf))] = True
        while True:
            z = np.zeros(n)
            z[passive] = np.linalg.lstsq(a[:, passive], b, rcond=None)[0]
            if (z[passive] > 0).all():
                u = z
                break
            # step back along u → z to the first variable that reaches zero, and free it
            neg = passive & (z <= 0)
            alpha = np.min(u[neg] / (u[neg] - z[neg]))
            u = u + alpha * (z - u)
            passive &= u > tol
            u[~passive] = 0.0
        w = a.T @ (b - a @ u)
    return u


def lipschitz_fit(x, f, noise=NOISE, pairs=None):
    r"""The per-dimension constants :math:`k` (``slopes``), the offsets
    :math:`\nu\sigma_i` and the active pairs of the bound's quadratic programme.

    .. math::

        \min_{w \ge 0} \tfrac12 \lVert w\rVert^2 \ \text{s.t.}\ a_{ij}^\top w \ge \Delta_{ij}^2,\quad
        a_{ij} = \Bigl(\frac{(x_{i,d} - x_{j,d})^2}{s_d^2}\Bigr)_d \oplus \nu\,e_{\arg\max(f_i, f_j)},\quad
        \Delta_{ij} = \frac{f_i - f_j}{s_f}

    solved as the least-distance programme :math:`w = -r_{:N}/r_N`, :math:`r = E u - e_{N+1}`,
    :math:`u = \operatorname{NNLS}(E, e_{N+1})`, :math:`E = [A^\top; \Delta^{2\top}]`.  Then
    :math:`k_d = w_d\,s_f^2/s_d^2` and offset :math:`= \nu\,w_{\sigma_i}` (dlib's scaling: the
    offset is left in the standardised units of :math:`f`).  ``pairs`` restricts the
    constraints to those index pairs (dlib keeps only the active ones between fits);
    the returned pairs are those whose multiplier is positive.
    """
    x = float_array(x, "x").astype(np.float64)
    f = float_array(f, "f").astype(np.float64)
    if x.ndim != 2 or f.shape != (len(x),):
        raise ValueError(f"x must be (n, d) and f (n,), got shapes {x.shape} and {f.shape}")
    noise = real(noise, "noise")
    if not noise >= 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    n, d = x.shape
    if pairs is None:
        i, j = np.triu_indices(n, k=1)
    else:
        pairs = np.asarray(pairs, dtype=int).reshape(-1, 2)
        i, j = pairs[:, 0], pairs[:, 1]
    if n < 2 or len(i) == 0:
        return np.zeros(d), np.zeros(n), np.zeros((0, 2), dtype=int)
    sx, sf = _std(x), _std(f[:, None])[0]
    feats = np.zeros((len(i), d + n))
    feats[:, :d] = ((x[i] - x[j]) / sx) ** 2
    higher = np.where(f[i] > f[j], i, j)  # dlib's offset belongs to the worse point (the lower y of −f)
    feats[np.arange(len(i)), d + higher] = noise
    h = ((f[i] - f[j]) / sf) ** 2
    e = np.vstack([feats.T, h[None, :]])
    target = np.zeros(d + n + 1)
    target[-1] = 1.0
    u = nnls(e, target)
    r = e @ u - target
    w = np.maximum(-r[:-1] / r[-1], 0.0)
    slopes = w[:d] * sf**2 / sx**2
    offsets = w[d:] * noise
    return slopes, offsets, np.column_stack([i, j])[u > 0]


def maxlipo_lower_bound(candidates, x, f, slopes, offsets) -> np.ndarray:
    r"""The lower bound at each candidate (rows) from the evaluated points ``x``, ``f``.

    .. math:: L(c) = \max_i \Bigl(f_i - \sqrt{\sigma_i + \textstyle\sum_d k_d (c_d - x_{i,d})^2}\Bigr)
    """
    c = np.asarray(candidates, dtype=np.float64)
    x, f = np.asarray(x, dtype=np.float64), np.asarray(f, dtype=np.float64)
    slopes, offsets = np.asarray(slopes, dtype=np.float64), np.asarray(offsets, dtype=np.float64)
    out = np.empty(len(c))
    # blocks of candidates, one dimension at a time, in place: the 5000 × n work stays in cache (8× faster)
    for s in range(0, len(c), CHUNK):
        block = c[s:s + CHUNK]
        r2 = np.tile(offsets, (len(block), 1))
        for j, k in enumerate(slopes):
            t = np.subtract.outer(block[:, j], x[:, j])
            t *= t
            t *= k
            r2 += t
        np.sqrt(r2, out=r2)
        np.subtract(f, r2, out=r2)
        out[s:s + CHUNK] = r2.max(axis=1) if r2.shape[1] else -np.inf
    return out


def quadratic_least_squares(x, y):
    r"""The quadratic :math:`q(x) = c + g^\top x + \tfrac12 x^\top H x` fitted to ``(x, y)`` by least squares in the
    monomial basis (pinv: the least-norm coefficients when the points are too few to fix them).

    .. math:: \min_{H, g, c} \sum_i \bigl(q(x_i) - y_i\bigr)^2
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    m, d = x.shape
    r, s = np.triu_indices(d)
    quad = x[:, r] * x[:, s] * np.where(r == s, 0.5, 1.0)
    z = np.linalg.pinv(np.hstack([x, np.ones((m, 1)), quad])) @ y
    h = np.zeros((d, d))
    h[r, s] = z[d + 1:]
    h[s, r] = z[d + 1:]
    return h, z[:d], float(z[d])


def fit_quadratic(x, y):
    r"""A quadratic :math:`Q(p) = \tfrac12 p^\top H p + g^\top p + c` through the rows of ``x``
    (offsets from the anchor), as dlib's ``fit_quadratic_to_points``: least squares when
    there are at least :math:`(d+1)(d+2)/2` points; otherwise the interpolant of least
    :math:`\lVert H\rVert_F`, by Powell's NEWUOA system (his equations 3.9–3.12):

    .. math::

        \begin{pmatrix} \tfrac12 (X^\top X)^{\circ 2} & \mathbf 1 & X^\top \\ \mathbf 1^\top & 0 & 0 \\
        X & 0 & 0 \end{pmatrix} \begin{pmatrix}\lambda \\ c \\ g\end{pmatrix}
        = \begin{pmatrix} y \\ 0 \\ 0 \end{pmatrix}, \qquad H = \textstyle\sum_i \lambda_i x_i x_i^\top
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m, d = x.shape
    if m < d + 1:
        raise ValueError(f"x needs at least d + 1 = {d + 1} points, got {m}")
    full = (d + 1) * (d + 2) // 2
    if m >= full:
        return quadratic_least_squares(x, y)
    w = np.zeros((m + d + 1, m + d + 1))
    w[:m, :m] = 0.5 * (x @ x.T) ** 2
    w[:m, m] = w[m, :m] = 1.0
    w[:m, m + 1:] = x
    w[m + 1:, :m] = x.T
    rhs = np.concatenate([y, np.zeros(d + 1)])
    try:
        z = np.linalg.solve(w, rhs)
    except np.linalg.LinAlgError:  # repeated points: dlib's LU would give NaN; the least-norm solution instead
        z = np.linalg.lstsq(w, rhs, rcond=None)[0]
    lam = z[:m]
    return (x.T * lam) @ x, z[m + 1:], float(z[m])


def _ball_step(b, g, radius):
    """argmin ½pᵀBp + gᵀp over ‖p‖ ≤ radius, exactly, from the eigendecomposition of B."""
    evals, v = np.linalg.eigh(b)
    gt = v.T @ g
    lo = evals[0]
    if lo > 0:
        p = -gt / evals
        if np.linalg.norm(p) <= radius:
            return v @ p

    def norm_at(lam):
        return np.linalg.norm(gt / (evals + lam))

    floor = max(0.0, -lo)
    delta = 1e-10 * (1.0 + floor)
    if norm_at(floor + delta) <= radius:
        if lo > 0:  # the Newton step is on the boundary up to rounding
            return v @ (-gt / evals)
        # the hard case: g has no component along the lowest eigenvector; step to the boundary along it
        small = evals - lo <= 1e-12 * max(1.0, np.abs(evals).max())
        p = np.zeros_like(gt)
        p[~small] = -gt[~small] / (evals[~small] + floor)
        p[0] += np.sqrt(max(radius**2 - p @ p, 0.0))
        return v @ p
    hi = floor + np.linalg.norm(g) / radius + 1.0
    while norm_at(hi) > radius:
        hi *= 2
    lo_l = floor + delta
    for _ in range(200):  # bisection on ‖p(λ)‖ = radius, monotone in λ
        mid = 0.5 * (lo_l + hi)
        if mid in (lo_l, hi):
            break
        if norm_at(mid) > radius:
            lo_l = mid
        else:
            hi = mid
    return v @ (-gt / (evals + hi))


def trust_region_subproblem(b, g, radius, lower, upper) -> np.ndarray:
    r"""The bounded trust-region step, as dlib's ``solve_trust_region_subproblem_bounded``:

    .. math:: \min_p \tfrac12 p^\top B p + g^\top p \quad\text{s.t.}\quad \lVert p\rVert \le \Delta

    solved in the ball; while a bound :math:`l \le p \le u` is violated, the most violated
    variable is fixed at its bound and the reduced problem solved again in the ball of
    radius :math:`\sqrt{\Delta^2 - p_j^2}`.
    """
    b = np.asarray(b, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    lower, upper = np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
    out = np.zeros(len(g))
    idx = np.arange(len(g))
    p = _ball_step(b, g, radius)
    while True:
        below, above = lower - p, p - upper
        viol = np.maximum(below, above)
        if not (viol > 0).any():
            break
        j = int(np.argmax(viol))
        value = lower[j] if below[j] >= above[j] else upper[j]
        out[idx[j]] = value
        keep = np.arange(len(idx)) != j
        g = (g + b[:, j] * value)[keep]
        b = b[np.ix_(keep, keep)]
        lower, upper, idx = lower[keep], upper[keep], idx[keep]
        radius2 = radius**2 - value**2
        if not len(idx) or radius2 <= 0:
            return out  # the rest stays at 0 (dlib's p = 0)
        radius = np.sqrt(radius2)
        p = _ball_step(b, g, radius)
    out[idx] = p
    return out
