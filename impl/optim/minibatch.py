"""The three batch regimes of gradient descent (guide §5.1): SGD, BGD and mini-batch GD."""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real
from impl.optim.optimizer import integer
from impl.optim.sgd import SGD


def minibatch_descent(input, target, weight, lr, batch_size, epochs=1, seed=0):
    r"""Mini-batch gradient descent on the mean squared error of a linear model ŷ = Xw.

    .. math::
        J_B(w) = \frac{1}{|B|} \sum_{i \in B} (x_i^\top w - y_i)^2, \qquad
        w \leftarrow w - \eta\, \nabla J_B(w) = w - \frac{2\eta}{|B|} X_B^\top (X_B w - y_B)

    Every epoch visits the N samples in the order ``rng.permutation(N)`` of one
    ``np.random.default_rng(seed)``, in consecutive batches of ``batch_size``; the last
    batch is shorter when b does not divide N (torch's ``DataLoader`` with
    ``drop_last=False``), and its mean is over its own size.  ``batch_size=1`` is SGD
    (one sample per update), ``batch_size=N`` is BGD (the full gradient every update).

    Returns the weights after every update, shape (epochs · ⌈N/b⌉, d); ``weight`` is not
    modified.
    """
    X = float_array(input, "input")
    y = float_array(target, "target")
    w0 = float_array(weight, "weight")
    if X.ndim != 2:
        raise ValueError(f"input must be a 2-D (samples, features) array, got shape {X.shape}")
    n, d = X.shape
    if y.shape != (n,):
        raise ValueError(f"target has shape {y.shape}, expected ({n},), one value per sample")
    if w0.shape != (d,):
        raise ValueError(f"weight has shape {w0.shape}, expected ({d},), one per feature")
    if not X.dtype == y.dtype == w0.dtype:
        raise TypeError(f"input, target and weight must share a dtype, got {X.dtype}, {y.dtype}, {w0.dtype}")
    b = integer(batch_size, "batch_size", minimum=1)
    if b > n:
        raise ValueError(f"batch_size={b} exceeds the {n} samples")
    epochs = integer(epochs, "epochs", minimum=0)
    w = w0.copy()
    optimizer = SGD([w], lr=real(lr, "lr"))
    rng = np.random.default_rng(integer(seed, "seed", minimum=0))
    path = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, b):
            idx = order[start:start + b]
            xb, yb = X[idx], y[idx]
            residual = xb @ w - yb
            optimizer.step([(2 / len(idx)) * (xb.T @ residual)])
            path.append(w.copy())
    return np.array(path, dtype=w.dtype).reshape(len(path), d)
