"""impl.conv over ``jax.lax``: ``conv_general_dilated`` (NCHW/OIHW, groups, rhs dilation),
``reduce_window`` (max and average pooling), ``padtype_to_pads`` ('SAME'), ``jax.nn.standardize``
(batch norm) and ``jnp.matmul`` (linear).

Padding: 'same' and 'valid' are passed as lax's own 'SAME'/'VALID' (so JAX's rule is what
is judged); (top, bottom, left, right) and ints become lax's explicit ((lo, hi), (lo, hi)).
Pooling's ``ceil_mode`` is torch's output-size rule written out here as extra high padding
(−inf for max; for the average a window's divisor is ``reduce_window``'s count of the cells
it covers, padding counted only with ``count_include_pad``).  Max pooling's
``return_indices`` and its backward from given ``indices`` are not provided.
"""

from __future__ import annotations

import math

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.jax import backward, forward, jax, jnp


def _lax():
    return jax().lax


def _pair(v):
    """torch's pair: an int, or a tuple of one (both sides) or two."""
    if np.ndim(v) == 0:
        return int(v), int(v)
    v = tuple(int(a) for a in v)
    return v * 2 if len(v) == 1 else v


def _pads(padding):
    """lax's padding for impl's: 'SAME'/'VALID', or ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"padding must be 'same', 'valid', an int or a tuple, got {padding!r}")
        return padding.upper()
    p = _pair(padding) if np.ndim(padding) == 0 or len(padding) <= 2 else tuple(int(a) for a in padding)
    if len(p) == 2:
        return ((p[0], p[0]), (p[1], p[1]))
    return ((p[0], p[1]), (p[2], p[3]))


def _conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x = jnp().asarray(input)
    if x.ndim == 3:  # unbatched (C, H, W), as torch takes it: a batch of one
        return _conv2d(x[None], weight, bias, stride, padding, dilation, groups)[0]
    out = _lax().conv_general_dilated(x, jnp().asarray(weight), _pair(stride), _pads(padding),
                                      rhs_dilation=_pair(dilation), dimension_numbers=("NCHW", "OIHW", "NCHW"),
                                      feature_group_count=groups, precision=_lax().Precision.HIGHEST)
    return out if bias is None else out + jnp().asarray(bias)[None, :, None, None]


def _conv2d_nhwc(input, filters, bias=None, strides=1, padding="valid", dilations=1):
    out = _lax().conv_general_dilated(jnp().asarray(input), jnp().asarray(filters), _pair(strides), _pads(padding),
                                      rhs_dilation=_pair(dilations), dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                      precision=_lax().Precision.HIGHEST)
    return out if bias is None else out + jnp().asarray(bias)


def same_padding(size, kernel_size, stride=1, dilation=1):
    """``lax.padtype_to_pads`` for 'SAME' over one axis, the kernel dilated: (before, after)."""
    effective = (int(kernel_size) - 1) * int(dilation) + 1
    (lo, hi), = _lax().padtype_to_pads((int(size),), (effective,), (int(stride),), "SAME")
    return int(lo), int(hi)


def _extra(n, k, s, p, d, ceil_mode):
    """torch's output length and the high padding lax needs beyond p to produce it."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (math.ceil(span / s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1  # torch drops a last window that would start in the right padding
    return max((out - 1) * s + d * (k - 1) + 1 - (n + 2 * p), 0)


def _window(input, kernel_size, stride, padding, dilation, ceil_mode):
    x = jnp().asarray(input)
    default = stride is None or (np.ndim(stride) and len(stride) == 0)  # None or (): the kernel size
    k, s = _pair(kernel_size), _pair(kernel_size if default else stride)
    p, d = _pair(padding), _pair(dilation)
    extra = [_extra(x.shape[-2 + i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(2)]
    lead = x.ndim - 2
    return (x, (1,) * lead + k, (1,) * lead + s, ((0, 0),) * lead + tuple((p[i], p[i] + extra[i]) for i in range(2)),
            (1,) * lead + d, p, extra)


def _max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if return_indices:
        raise NotProvided("lax.reduce_window has no argmax: max_pool2d(return_indices=True)")
    x, window, strides, pads, dil, _, _ = _window(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _lax().reduce_window(x, np.array(-np.inf, x.dtype), _lax().max, window, strides, pads, window_dilation=dil)


def max_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                        indices=None):
    if indices is not None:
        raise NotProvided("JAX's max pooling gradient from given indices")
    return _max_pool2d_vjp(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode)


def _avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                divisor_override=None):
    x, window, strides, pads, dil, p, extra = _window(input, kernel_size, stride, padding, 1, ceil_mode)
    zero = np.zeros((), x.dtype)  # concrete: lax recognises a sum (differentiable) only from a constant init
    total = _lax().reduce_window(x, zero, _lax().add, window, strides, pads)
    if divisor_override:
        return total / divisor_override
    lead = x.ndim - 2
    ones = jnp().ones(x.shape, x.dtype)
    if count_include_pad:  # the declared padding counts, ceil_mode's overhang does not
        ones = jnp().pad(ones, ((0, 0),) * lead + ((p[0], p[0]), (p[1], p[1])), constant_values=1)
        pads = ((0, 0),) * lead + ((0, extra[0]), (0, extra[1]))
    count = _lax().reduce_window(ones, zero, _lax().add, window, strides, pads)
    return total / count


def _linear(input, weight, bias=None):
    out = jnp().matmul(jnp().asarray(input), jnp().asarray(weight).T, precision=_lax().Precision.HIGHEST)
    return out if bias is None else out + bias


def _batch_norm_output(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                       eps=1e-5):
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)[0]


def batch_norm_backward(grad_output, input, running_mean, running_var, weight=None, bias=None, training=False,
                        momentum=0.1, eps=1e-5):
    """``jax.vjp`` of the output (torch updates the running statistics outside autograd: no cotangent of theirs)."""
    g = grad_output[0] if isinstance(grad_output, (tuple, list)) else grad_output
    return _batch_norm_vjp(g, input, running_mean, running_var, weight, bias, training, momentum, eps)


def _batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    x = jnp().asarray(input)
    axes, shape = (0, *range(2, x.ndim)), (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    else:
        mean, var = running_mean, running_var
    y = jax().nn.standardize(x, axis=axes, mean=mean.reshape(shape), variance=var.reshape(shape), epsilon=eps)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    n = x.size // x.shape[1] if x.shape[1] else 0
    if not training or running_mean is None or n == 0:  # torch leaves them as they are after an empty batch
        return y, running_mean, running_var
    return (y, (1 - momentum) * running_mean + momentum * mean,
            (1 - momentum) * running_var + momentum * var * n / (n - 1))  # the running variance is unbiased


conv2d, conv2d_backward = forward(_conv2d), backward(_conv2d, ("input", "weight", "bias"))
conv2d_nhwc = forward(_conv2d_nhwc)
max_pool2d = forward(_max_pool2d)
_max_pool2d_vjp = backward(_max_pool2d)
avg_pool2d, avg_pool2d_backward = forward(_avg_pool2d), backward(_avg_pool2d)
linear, linear_backward = forward(_linear), backward(_linear, ("input", "weight", "bias"))
batch_norm = forward(_batch_norm)
_batch_norm_vjp = backward(_batch_norm_output, ("input", "weight", "bias"))
