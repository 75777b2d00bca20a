"""Running a network spec in NumPy: the forward pass and its vector-Jacobian product.

The same trees that :mod:`impl.networks.graph` counts are executed here with the
convolution chapter's functions (:mod:`impl.conv`) and :mod:`impl.activations`.
Weights come as one flat sequence in the order torch's ``named_parameters()`` lists
them for the same module: leaf by leaf in the tree's order (a residual block's body,
then its shortcut), ``weight`` before ``bias``.

BatchNorm normalises with the batch's statistics (torch's training mode) and keeps no
running statistics.  Dropout, LRN and adaptive pooling are not executable here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from impl._checks import float_array
from impl.activations import relu, relu_backward
from impl.conv import (
    avg_pool2d,
    avg_pool2d_backward,
    batch_norm,
    batch_norm_backward,
    conv2d,
    conv2d_backward,
    linear,
    linear_backward,
    max_pool2d,
    max_pool2d_backward,
)
from impl.conv._args import pair
from impl.networks.graph import Concat, Residual, Sequential
from impl.networks.layers import AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU


class _Op(NamedTuple):
    shapes: Callable  # layer -> the shapes of its weights
    forward: Callable  # (layer, x, ws) -> y
    backward: Callable  # (layer, g, x, ws) -> (grad_x, [grad_w, ...])


def _weight_and_bias(ws):
    return ws[0], (ws[1] if len(ws) > 1 else None)


def _present(*grads):
    return [g for g in grads if g is not None]


def _conv_options(l: Conv2d) -> dict:
    return dict(stride=l.stride, padding=l.padding, dilation=l.dilation, groups=l.groups)


def _conv_backward(l, g, x, ws):
    gx, gw, gb = conv2d_backward(g, x, *_weight_and_bias(ws), **_conv_options(l))
    return gx, _present(gw, gb)


def _bn_forward(l, x, ws):
    return batch_norm(x, None, None, *(ws or (None, None)), training=True, eps=l.eps)[0]


def _bn_backward(l, g, x, ws):
    gx, gw, gb = batch_norm_backward(g, x, None, None, *(ws or (None, None)), training=True, eps=l.eps)
    return gx, _present(gw, gb)


def _linear_backward(l, g, x, ws):
    gx, gw, gb = linear_backward(g, x, *_weight_and_bias(ws))
    return gx, _present(gw, gb)


def _pool_options(l: MaxPool2d) -> dict:
    return dict(kernel_size=l.kernel_size, stride=l.stride, padding=l.padding, ceil_mode=l.ceil_mode)


def _no_weights(layer) -> list:
    return []


_OPS = {
    Conv2d: _Op(lambda l: [(l.out_channels, l.in_channels // l.groups, *pair(l.kernel_size, "kernel_size", 1))]
                + [(l.out_channels,)] * l.bias,
                lambda l, x, ws: conv2d(x, *_weight_and_bias(ws), **_conv_options(l)), _conv_backward),
    BatchNorm2d: _Op(lambda l: [(l.num_features,)] * (2 * l.affine), _bn_forward, _bn_backward),
    Linear: _Op(lambda l: [(l.out_features, l.in_features)] + [(l.out_features,)] * l.bias,
                lambda l, x, ws: linear(x, *_weight_and_bias(ws)), _linear_backward),
    ReLU: _Op(_no_weights, lambda l, x, ws: relu(x), lambda l, g, x, ws: (relu_backward(g, x), [])),
    MaxPool2d: _Op(_no_weights, lambda l, x, ws: max_pool2d(x, **_pool_options(l)),
                   lambda l, g, x, ws: (max_pool2d_backward(g, x, **_pool_options(l)), [])),
    AvgPool2d: _Op(_no_weights, lambda l, x, ws: avg_pool2d(x, **_pool_options(l)),
                   lambda l, g, x, ws: (avg_pool2d_backward(g, x, **_pool_options(l)), [])),
    Flatten: _Op(_no_weights, lambda l, x, ws: x.reshape(x.shape[0], -1), lambda l, g, x, ws: (g.reshape(x.shape), [])),
}


def weight_shapes(node) -> list[tuple]:
    r"""The shapes of the weights ``node`` takes, in torch's ``named_parameters()`` order.

    .. math:: [\theta_1, \theta_2, \dots] \text{ leaf by leaf; per leaf } (\text{weight}, \text{bias})
    """
    if isinstance(node, Sequential):
        return [s for _, child in node.children for s in weight_shapes(child)]
    if isinstance(node, Residual):
        return [s for part in (node.body, node.shortcut, node.after) if part is not None for s in weight_shapes(part)]
    if isinstance(node, Concat):
        return [s for _, b in node.branches for s in weight_shapes(b)]
    if type(node) not in _OPS:
        raise ValueError(f"{type(node).__name__} is not executable here (supported: "
                         f"{', '.join(t.__name__ for t in _OPS)}, Sequential, Residual, Concat)")
    return _OPS[type(node)].shapes(node)


def _checked(node, input, params):
    x = float_array(input, "input")
    if not isinstance(params, (tuple, list)):
        raise TypeError(f"params must be a tuple or list of arrays, got {type(params).__name__}")
    shapes = weight_shapes(node)
    if len(params) != len(shapes):
        raise ValueError(f"params has {len(params)} arrays, the network takes {len(shapes)}: shapes {shapes}")
    ws = [float_array(p, f"params[{i}]") for i, p in enumerate(params)]
    for i, (w, shape) in enumerate(zip(ws, shapes)):
        if w.shape != shape or w.dtype != x.dtype:
            raise ValueError(f"params[{i}] is {w.dtype} {w.shape}, expected {x.dtype} {shape}")
    return x, ws


def _forward(node, x, ws, tape):
    """Run ``node`` on x, taking its weights from the iterator ``ws``; record each leaf's input."""
    if isinstance(node, Sequential):
        for _, child in node.children:
            x = _forward(child, x, ws, tape)
        return x
    if isinstance(node, Residual):
        out = _forward(node.body, x, ws, tape)
        skip = x if node.shortcut is None else _forward(node.shortcut, x, ws, tape)
        return _forward(node.after, out + skip, ws, tape)
    if isinstance(node, Concat):
        outs = [_forward(b, x, ws, tape) for _, b in node.branches]
        tape.append([o.shape[1] for o in outs])  # the branch widths, to split the gradient
        return np.concatenate(outs, axis=1)
    mine = [next(ws) for _ in _OPS[type(node)].shapes(node)]
    tape.append((x, mine))
    return _OPS[type(node)].forward(node, x, mine)


def _backward(node, g, tape):
    """The VJP of ``node``, consuming ``tape`` from its end; returns (grad_input, weight grads)."""
    if isinstance(node, Sequential):
        grads = []
        for _, child in reversed(node.children):
            g, gw = _backward(child, g, tape)
            grads = gw + grads
        return g, grads
    if isinstance(node, Residual):
        g_sum, g_after = _backward(node.after, g, tape)
        g_skip, g_short = (g_sum, []) if node.shortcut is None else _backward(node.shortcut, g_sum, tape)
        g_body, g_main = _backward(node.body, g_sum, tape)
        return g_body + g_skip, g_main + g_short + g_after
    if isinstance(node, Concat):
        widths = tape.pop()
        parts = np.split(g, np.cumsum(widths)[:-1], axis=1)
        g_x, grads = 0, []
        for (_, branch), part in zip(reversed(node.branches), reversed(parts)):
            g_b, gw = _backward(branch, part, tape)
            g_x, grads = g_x + g_b, gw + grads
        return g_x, grads
    x, ws = tape.pop()
    return _OPS[type(node)].backward(node, g, x, ws)


def forward(node, input, params):
    r"""Run a network spec (or a block of one) on ``input`` with the weights ``params``.

    .. math:: y = f_L(\cdots f_2(f_1(x; \theta_1); \theta_2) \cdots; \theta_L)

    with residual sums and channel concatenations where the tree has them.
    """
    x, ws = _checked(node, input, params)
    return _forward(node, x, iter(ws), [])


def backward(grad_output, node, input, params):
    r"""The vector-Jacobian product of :func:`forward`: (grad_input, grads of ``params``).

    .. math:: \frac{\partial L}{\partial x} = J_1^\top \cdots J_L^\top g,\qquad
              \frac{\partial L}{\partial \theta_\ell} = \Bigl(\frac{\partial f_\ell}{\partial
              \theta_\ell}\Bigr)^{\!\top}
              J_{\ell+1}^\top \cdots J_L^\top g

    A residual sum passes its gradient to both the body and the shortcut and adds what
    comes back; a concatenation splits it along channels between its branches.
    """
    x, ws = _checked(node, input, params)
    tape: list = []
    out = _forward(node, x, iter(ws), tape)
    g = float_array(grad_output, "grad_output")
    if g.shape != out.shape or g.dtype != x.dtype:
        raise ValueError(f"grad_output is {g.dtype} {g.shape}, expected the output's {x.dtype} {out.shape}")
    grad_input, grads = _backward(node, g, tape)
    return grad_input, tuple(grads)
