"""Batch normalisation (guide §7, the BN layer of Ioffe & Szegedy 2015), torch's meaning.

``torch.nn.functional.batch_norm`` updates ``running_mean``/``running_var`` in place;
these functions never write into their arguments, so :func:`batch_norm` returns the
triple ``(output, new_running_mean, new_running_var)`` instead (the running
statistics unchanged in evaluation mode, ``None`` where none were given).

Channels are axis 1 of an (N, C, ...) input; statistics are taken over every other
axis.  Computed in float64 and rounded once to the input's dtype.
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, real
from impl.conv._args import flag
from impl.conv.conv2d import _array


def _per_channel(value, name: str, channels: int, dtype) -> np.ndarray | None:
    if value is None:
        return None
    arr = _array(value, name, 1, dtype)
    if arr.shape[0] != channels:
        raise ValueError(f"{name} has {arr.shape[0]} elements, expected one per channel ({channels})")
    return arr


def _prepare(input, running_mean, running_var, weight, bias, training, momentum, eps):
    x = float_array(input, "input")
    if x.ndim < 2:
        raise ValueError(f"input must be (N, C, ...) with at least 2 dimensions, got shape {x.shape}")
    c = x.shape[1]
    rm, rv = (_per_channel(v, n, c, x.dtype) for v, n in ((running_mean, "running_mean"), (running_var, "running_var")))
    if (rm is None) != (rv is None):
        raise ValueError("running_mean and running_var must be given together (or both None)")
    w, b = _per_channel(weight, "weight", c, x.dtype), _per_channel(bias, "bias", c, x.dtype)
    training, momentum, eps = flag(training, "training"), real(momentum, "momentum"), real(eps, "eps")
    per_channel = x.size // c if c else 0
    if training and per_channel == 1:
        raise ValueError(f"training needs more than 1 value per channel, got input shape {x.shape}")
    if not training and rm is None:
        raise ValueError("running_mean and running_var are needed in evaluation mode (training=False)")
    if eps < 0 or (training and eps == 0):
        raise ValueError(f"eps must be {'positive in training' if training else 'non-negative'}, got {eps}")
    return x, rm, rv, w, b, training, momentum, eps


def _shape(x: np.ndarray):
    """Broadcast shape of a per-channel vector against x, and the axes statistics run over."""
    return (1, -1) + (1,) * (x.ndim - 2), (0, *range(2, x.ndim))


def _normalised(x, rm, rv, training, eps):
    """x̂ in float64 and 1/√(σ² + ε), from the batch (training) or the running statistics."""
    shape, axes = _shape(x)
    z = x.astype(np.float64)
    if training:
        mean = z.mean(axis=axes)
        var = ((z - mean.reshape(shape)) ** 2).mean(axis=axes)  # biased: normalisation divides by n
    else:
        mean, var = rm.astype(np.float64), rv.astype(np.float64)
    inv_std = 1.0 / np.sqrt(var + eps)
    return (z - mean.reshape(shape)) * inv_std.reshape(shape), inv_std, mean, var


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    r"""Batch normalisation; returns (output, new_running_mean, new_running_var).

    .. math::
        \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}, \quad y = \gamma \hat x + \beta

        \text{training: } \mu, \sigma^2 \text{ of the batch (biased)}; \quad
        \hat\mu \leftarrow (1 - m)\,\hat\mu + m\,\mu, \quad
        \hat\sigma^2 \leftarrow (1 - m)\,\hat\sigma^2 + m\,\frac{n}{n - 1}\,\sigma^2

        \text{evaluation: } \mu, \sigma^2 = \hat\mu, \hat\sigma^2 \text{ (the running statistics, unchanged)}

    m is torch's ``momentum`` (the weight of the new batch, 0.1 by default), n the
    number of values per channel: the running variance is the unbiased estimate.
    """
    x, rm, rv, w, b, training, momentum, eps = _prepare(input, running_mean, running_var, weight, bias, training,
                                                        momentum, eps)
    shape, _ = _shape(x)
    if x.size == 0:  # an empty batch: torch returns it and leaves the statistics alone
        return x.copy(), *(None if v is None else v.copy() for v in (rm, rv))
    xhat, _, mean, var = _normalised(x, rm, rv, training, eps)
    out = xhat * (w.reshape(shape) if w is not None else 1.0) + (b.reshape(shape) if b is not None else 0.0)
    if rm is None:
        return out.astype(x.dtype), None, None
    if not training:
        return out.astype(x.dtype), rm.copy(), rv.copy()
    n = x.size // x.shape[1]
    new_mean = (1.0 - momentum) * rm + momentum * mean
    new_var = (1.0 - momentum) * rv + momentum * var * (n / (n - 1))
    return out.astype(x.dtype), new_mean.astype(x.dtype), new_var.astype(x.dtype)


def batch_norm_backward(grad_output, input, running_mean, running_var, weight=None, bias=None, training=False,
                        momentum=0.1, eps=1e-5):
    r"""Gradients of :func:`batch_norm`'s output: (grad_input, grad_weight, grad_bias).

    ``grad_output`` is the output's gradient, or the triple of cotangents matching
    :func:`batch_norm`'s result; the running statistics are not differentiable (torch
    updates them outside autograd), so their cotangents add nothing.  grad_weight and
    grad_bias are None where weight and bias are.

    .. math::
        \frac{\partial L}{\partial \gamma} = \sum g\,\hat x, \quad
        \frac{\partial L}{\partial \beta} = \sum g, \quad
        \frac{\partial L}{\partial x} = \frac{\gamma}{\sqrt{\sigma^2 + \epsilon}}
            \Bigl(g - \overline{g} - \hat x\,\overline{g \hat x}\Bigr) \ \text{(training)}, \quad
        \frac{\gamma\, g}{\sqrt{\hat\sigma^2 + \epsilon}} \ \text{(evaluation)}

    (bars: means over a channel's values).
    """
    x, rm, rv, w, b, training, momentum, eps = _prepare(input, running_mean, running_var, weight, bias, training,
                                                        momentum, eps)
    if isinstance(grad_output, (tuple, list)):
        if len(grad_output) != 3:
            raise ValueError(f"grad_output must be an array or batch_norm's triple of cotangents, got "
                             f"{len(grad_output)} values")
        for cot, stat, name in zip(grad_output[1:], (rm, rv), ("running_mean", "running_var")):
            if cot is not None and (stat is None or np.shape(cot) != stat.shape):
                raise ValueError(f"grad_output's cotangent for {name} must be None or shaped like it")
        grad_output = grad_output[0]
    g = _array(grad_output, "grad_output", x.ndim, x.dtype)
    if g.shape != x.shape:
        raise ValueError(f"grad_output has shape {g.shape}, expected the input's shape {x.shape}")
    shape, axes = _shape(x)
    if x.size == 0:
        zeros = np.zeros(x.shape[1], x.dtype)
        return g.copy(), None if w is None else zeros, None if b is None else zeros.copy()
    xhat, inv_std, _, _ = _normalised(x, rm, rv, training, eps)
    g64 = g.astype(np.float64)
    scale = inv_std * (w.astype(np.float64) if w is not None else 1.0)
    if training:
        centred = g64 - g64.mean(axis=axes).reshape(shape) - xhat * (g64 * xhat).mean(axis=axes).reshape(shape)
        grad_input = centred * scale.reshape(shape)
    else:
        grad_input = g64 * scale.reshape(shape)
    grad_weight = (g64 * xhat).sum(axis=axes).astype(x.dtype) if w is not None else None
    grad_bias = g64.sum(axis=axes).astype(x.dtype) if b is not None else None
    return grad_input.astype(x.dtype), grad_weight, grad_bias
