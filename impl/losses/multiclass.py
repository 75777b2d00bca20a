"""Negative log-likelihood and cross-entropy over C classes (guide §6.3, §6.4's softmax pairing).

Shapes as torch's: input (C), (N, C) or (N, C, d1, ..., dK), the classes on dim 1 (dim
0 for a 1-D input); class-index targets (), (N) or (N, d1, ..., dK) of any integer
dtype; ``cross_entropy`` also takes class-probability targets shaped like the input.
Internally every position is one row of C values.
"""

from __future__ import annotations

import numbers

import numpy as np

from impl import activations as A
from impl._checks import float_array, real
from impl.losses._common import like, narrow, reduce, reduce_backward, reduction_arg, times, wide


def _input(input) -> np.ndarray:
    x = float_array(input, "input")
    if x.ndim == 0:
        raise ValueError("input must have a class dimension: shape (C), (N, C) or (N, C, d1, ...), got a 0-d array")
    if x.shape[0 if x.ndim == 1 else 1] == 0:
        raise ValueError(f"input has shape {x.shape}: no classes on its class dimension")
    return x


def _rows(x: np.ndarray) -> np.ndarray:
    """(M, C): the classes last, one row per sample and position."""
    return x.reshape(1, -1) if x.ndim == 1 else np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _unrows(rows: np.ndarray, shape: tuple) -> np.ndarray:
    if len(shape) == 1:
        return rows.reshape(shape)
    return np.moveaxis(rows.reshape((shape[0],) + shape[2:] + (shape[1],)), -1, 1)


def _positions(x: np.ndarray) -> tuple:
    """The shape of a class-index target (and of an unreduced loss)."""
    return () if x.ndim == 1 else (x.shape[0],) + x.shape[2:]


def _class_weight(weight, x: np.ndarray) -> np.ndarray:
    classes = x.shape[0 if x.ndim == 1 else 1]
    if weight is None:
        return np.ones(classes)
    w = like(weight, x, "weight")
    if w.shape != (classes,):
        raise ValueError(f"weight has shape {w.shape}, expected one weight per class: ({classes},)")
    return wide(w)


def _indices(target, x: np.ndarray, ignore_index) -> tuple[np.ndarray, np.ndarray]:
    """Flat class indices (ignored ones replaced by 0) and the mask of those not ignored."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"ignore_index must be an int, got {type(ignore_index).__name__}")
    t = np.asarray(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"target must be an integer array of class indices (or float probabilities), got dtype "
                        f"{t.dtype}")
    if t.shape != _positions(x):
        raise ValueError(f"target has shape {t.shape}, expected {_positions(x)} for an input of shape {x.shape}")
    classes = x.shape[0 if x.ndim == 1 else 1]
    flat = t.reshape(-1).astype(np.int64)
    valid = flat != ignore_index
    bad = valid & ((flat < 0) | (flat >= classes))
    if bad.any():
        raise ValueError(f"target holds the class index {flat[bad][0]}, out of range [0, {classes}) "
                         f"(and not ignore_index={ignore_index})")
    return np.where(valid, flat, 0), valid


def _target_weights(idx: np.ndarray, valid: np.ndarray, w: np.ndarray) -> np.ndarray:
    """w[t] of each row, 0 where the target is ignored: the terms of the mean's denominator."""
    return np.where(valid, w[idx], 0.0)


def _nll_rows(logp: np.ndarray, idx: np.ndarray, valid: np.ndarray, w: np.ndarray):
    """−w[t]·logp[t] per row (0 where ignored), and w[t] (0 where ignored), in float64."""
    wt = _target_weights(idx, valid, w)
    picked = wide(np.take_along_axis(logp, idx[:, None], axis=1)[:, 0])
    with np.errstate(invalid="ignore"):
        return np.where(valid, -wt * picked, 0.0), wt


_BLOCK = 1 << 15  # elements of logits per block of rows: its temporaries stay in the L2 cache


def _picked_log_softmax(rows: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``A.log_softmax(rows, 1)[i, idx[i]]`` for every row (float64 rows), bit for bit, without the
    full matrix: the same row-wise steps, a block of rows at a time, and only the target's term."""
    m, c = rows.shape
    out = np.empty(m)
    step = max(1, _BLOCK // c)
    with np.errstate(invalid="ignore"):
        for a in range(0, m, step):
            z = rows[a : a + step]
            arg = np.argmax(z, axis=1, keepdims=True)
            s = z - np.take_along_axis(z, arg, axis=1)
            e = np.exp(s)
            np.put_along_axis(e, arg, 0.0, axis=1)  # the maximum's own term, exactly 1, goes to log1p's 1
            lse = np.log1p(e.sum(axis=1))
            out[a : a + step] = np.take_along_axis(s, idx[a : a + step, None], axis=1)[:, 0] - lse
    return out


def _per_row(grad_output, x, reduction, denominator) -> np.ndarray:
    """The upstream gradient of each row's loss, as a column (M, 1)."""
    g = reduce_backward(grad_output, _positions(x), reduction, denominator)
    return np.broadcast_to(g, _positions(x)).reshape(-1, 1)


# -- NLL ------------------------------------------------------------------------------------

def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    r"""Negative log-likelihood of class indices, given log-probabilities.

    .. math:: \ell_i = -w_{t_i}\, x_{i, t_i}, \qquad
              \text{mean} = \frac{\sum_{i:\, t_i \ne \text{ignore}} \ell_i}{\sum_{i:\, t_i \ne \text{ignore}} w_{t_i}}

    Ignored targets count neither in the sum nor in the denominator; when every target
    is ignored the mean is 0/0 = NaN, as torch gives.
    """
    x, r = _input(input), reduction_arg(reduction)
    w = _class_weight(weight, x)
    idx, valid = _indices(target, x, ignore_index)
    loss, wt = _nll_rows(_rows(x), idx, valid, w)
    return reduce(loss.reshape(_positions(x)), r, x.dtype, wt.sum())


def nll_loss_backward(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean"):
    r"""Gradient of nll_loss: −w_t at each target class, 0 elsewhere (and for ignored targets).

    .. math:: \frac{\partial L}{\partial x_{i,c}} = -g\, \frac{w_{t_i} [c = t_i]}{\sum_j w_{t_j}}\ (\text{mean})
    """
    x, r = _input(input), reduction_arg(reduction)
    w = _class_weight(weight, x)
    idx, valid = _indices(target, x, ignore_index)
    wt = _target_weights(idx, valid, w)
    g = _per_row(grad_output, x, r, wt.sum())[:, 0]
    rows = np.zeros((idx.size, w.size))
    with np.errstate(invalid="ignore"):  # a zero weight over a zero Σw is 0·inf = NaN, as torch gives
        rows[np.arange(idx.size), idx] = np.where(valid, -wt * g, 0.0)
    return narrow(_unrows(rows, x.shape), x.dtype)


# -- cross-entropy -------------------------------------------------------------------------

def _smoothing(label_smoothing) -> float:
    eps = real(label_smoothing, "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return eps


def _soft_targets(x, target, w, ignore_index, eps):
    """q (M, C): the weighted, smoothed target distribution of probability targets."""
    if ignore_index != -100:
        raise ValueError("ignore_index applies to class-index targets only, not to probability targets")
    y = like(target, x, "target")
    if y.shape != x.shape:
        raise ValueError(f"probability target has shape {y.shape}, expected the input's shape {x.shape}")
    classes = w.size
    return (_rows(wide(y)) * (1.0 - eps) + eps / classes) * w


def _hard_targets(x, target, w, ignore_index, eps):
    """q (M, C) of class-index targets, the mask of rows kept and Σ w[t] over them."""
    idx, valid = _indices(target, x, ignore_index)
    m, classes = idx.size, w.size
    wt = _target_weights(idx, valid, w)
    q = np.zeros((m, classes))
    q[np.arange(m), idx] = (1.0 - eps) * wt
    if eps > 0:
        q += np.where(valid[:, None], (eps / classes) * w, 0.0)
    return q, valid, wt.sum()


def _is_probabilities(target) -> bool:
    return np.asarray(target).dtype.kind == "f"


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    r"""Cross-entropy of logits against class indices or class probabilities.

    With p = softmax(x) over the classes, ε the label smoothing and C classes:

    .. math::
        \ell_i = -(1 - \varepsilon)\, w_{t_i} \log p_{i, t_i} - \frac{\varepsilon}{C} \sum_c w_c \log p_{i,c}
        \qquad \text{(class indices; mean over } \textstyle\sum_i w_{t_i}\text{)}

        \ell_i = -\sum_c w_c \Bigl((1 - \varepsilon)\, y_{i,c} + \frac{\varepsilon}{C}\Bigr) \log p_{i,c}
        \qquad \text{(probabilities; mean over the positions)}

    log p is a stable log-softmax (accurate where one logit dominates); a zero-probability
    class contributes nothing even where its log p is −inf.
    """
    x, r, eps = _input(input), reduction_arg(reduction), _smoothing(label_smoothing)
    w = _class_weight(weight, x)
    if not _is_probabilities(target) and eps == 0 and x.size:
        # one class per row and no smoothing: only the target's log-probability is needed
        idx, valid = _indices(target, x, ignore_index)
        wt = _target_weights(idx, valid, w)
        with np.errstate(invalid="ignore"):
            nll = np.where(valid, -wt * _picked_log_softmax(_rows(wide(x)), idx), 0.0)
        return reduce((1.0 * nll).reshape(_positions(x)), r, x.dtype, wt.sum())
    logp = A.log_softmax(_rows(wide(x)), 1)
    if _is_probabilities(target):
        loss, denominator = -times(_soft_targets(x, target, w, ignore_index, eps), logp).sum(axis=1), None
    else:
        idx, valid = _indices(target, x, ignore_index)
        nll, wt = _nll_rows(logp, idx, valid, w)
        loss, denominator = (1.0 - eps) * nll, wt.sum()
        if eps > 0:
            with np.errstate(invalid="ignore"):
                loss = loss + np.where(valid, -(eps / w.size) * (logp * w).sum(axis=1), 0.0)
    return reduce(loss.reshape(_positions(x)), r, x.dtype, denominator)


def cross_entropy_backward(grad_output, input, target, weight=None, ignore_index=-100, reduction="mean",
                           label_smoothing=0.0):
    r"""Gradient of cross_entropy with respect to the logits: p − y, generalised.

    With q the weighted, smoothed target of each row and s its sum:

    .. math:: \frac{\partial \ell_i}{\partial x_{i,c}} = s_i\, p_{i,c} - q_{i,c},
              \qquad s_i = \sum_c q_{i,c}

    which is p − y for one-hot (or any normalised) targets without weights.
    """
    x, r, eps = _input(input), reduction_arg(reduction), _smoothing(label_smoothing)
    w = _class_weight(weight, x)
    p = A.softmax(_rows(wide(x)), 1)
    if not _is_probabilities(target) and eps == 0 and p.size:
        return narrow(_unrows(_hard_gradient(grad_output, x, r, p, target, w, ignore_index), x.shape), x.dtype)
    if _is_probabilities(target):
        q, valid, denominator = _soft_targets(x, target, w, ignore_index, eps), None, None
    else:
        q, valid, denominator = _hard_targets(x, target, w, ignore_index, eps)
    g = _per_row(grad_output, x, r, denominator)
    with np.errstate(invalid="ignore"):
        rows = g * (q.sum(axis=1, keepdims=True) * p - q)
    if valid is not None:  # an ignored row has no gradient, even where the mean is 0/0
        rows = np.where(valid[:, None], rows, 0.0)
    return narrow(_unrows(rows, x.shape), x.dtype)


def _hard_gradient(grad_output, x, r, p, target, w, ignore_index):
    """g·(s·p − q) of class-index targets without smoothing, q never made dense: q has one
    term per row, w[t], so s = Σ_c q = w[t] + 0.0 exactly (as the row sum of zeros and w[t]
    gives it), and only the target's element subtracts it.  p is overwritten."""
    idx, valid = _indices(target, x, ignore_index)
    wt = _target_weights(idx, valid, w)
    g = _per_row(grad_output, x, r, wt.sum())
    q = 1.0 * wt  # (1 − ε)·w[t] with ε = 0
    rows = np.arange(idx.size)
    with np.errstate(invalid="ignore"):
        np.multiply(p, (q + 0.0)[:, None], out=p)
        p[rows, idx] -= q
        np.multiply(g, p, out=p)
    if not valid.all():  # an ignored row has no gradient, even where the mean is 0/0
        p[~valid] = 0.0
    return p

