"""Executable blocks: the modern LeNet-5, ResNet's basic and bottleneck blocks and an
Inception module, forward and backward in NumPy (see :mod:`impl.networks.execute`).

Each takes ``params``, the block's weights in torch's ``named_parameters()`` order:

* LeNet-5 (modern): conv1.weight, conv1.bias, conv2.*, fc1.*, fc2.*, fc3.*;
* basic block: conv1.weight, bn1.weight, bn1.bias, conv2.weight, bn2.*, then
  downsample.0.weight, downsample.1.weight, downsample.1.bias when it projects;
* bottleneck: conv1, bn1, conv2, bn2, conv3, bn3 (weights; BN weight and bias), then
  the projection as above;
* Inception: branch1 (conv, bn weight, bn bias), branch2 (two such), branch3 (two),
  branch4 (one, after the max pool).

The channel counts are read from the weights' shapes; BatchNorm uses the batch's
statistics (training mode).
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array
from impl.networks.execute import backward, forward
from impl.networks.lenet import lenet5_modern
from impl.networks.modern import basic_block, bottleneck, inception


def _kernel_shape(params, index: int) -> tuple:
    """The shape of the convolution weight ``params[index]``, checked to be 4-D."""
    if not isinstance(params, (tuple, list)):
        raise TypeError(f"params must be a tuple or list of arrays, got {type(params).__name__}")
    if len(params) <= index:
        raise ValueError(f"params has {len(params)} arrays; the block's weights start with at least {index + 1}")
    w = float_array(params[index], f"params[{index}]")
    if w.ndim != 4:
        raise ValueError(f"params[{index}] must be a 4-D convolution weight, got shape {w.shape}")
    return w.shape


def _input_channels(input) -> int:
    x = float_array(input, "input")
    if x.ndim != 4:
        raise ValueError(f"input must be (N, C, H, W), got shape {x.shape}")
    return x.shape[1]


def _basic(params, stride):
    planes, in_channels = _kernel_shape(params, 0)[:2]
    return basic_block(in_channels, planes, stride)


def _bottleneck(params, stride):
    planes, in_channels = _kernel_shape(params, 0)[:2]
    return bottleneck(in_channels, planes, stride)


def _inception(input, params):
    widths = [_kernel_shape(params, i)[0] for i in (0, 3, 6, 9, 12, 15)]
    return inception(_input_channels(input), *widths, branch3_kernel=_kernel_shape(params, 12)[-1])


def lenet5_modern_forward(input, params) -> np.ndarray:
    r"""The modern LeNet-5 on an (N, 1, 32, 32) batch: logits (N, 10).

    .. math:: y = W_3\,\mathrm{relu}(W_2\,\mathrm{relu}(W_1\,\mathrm{flat}(P(\mathrm{relu}(K_2 * P(\mathrm{relu}(K_1 *
    x))))))
    """
    return forward(lenet5_modern().body, input, params)


def lenet5_modern_backward(grad_output, input, params):
    r"""VJP of :func:`lenet5_modern_forward`: (grad_input, grads of params).

    .. math:: \bigl(J_x^\top g,\ (J_{\theta_\ell}^\top g)_\ell\bigr)
    """
    return backward(grad_output, lenet5_modern().body, input, params)


def basic_block_forward(input, params, stride=1) -> np.ndarray:
    r"""ResNet's basic block (BN with batch statistics).

    .. math:: y = \mathrm{relu}\bigl(\mathrm{BN}_2(K_2 * \mathrm{relu}(\mathrm{BN}_1(K_1 *_s x))) + S(x)\bigr),\quad
              S = \text{identity, or } \mathrm{BN}(K_{1\times1} *_s x) \text{ when the shape changes}
    """
    return forward(_basic(params, stride), input, params)


def basic_block_backward(grad_output, input, params, stride=1):
    r"""VJP of :func:`basic_block_forward`: (grad_input, grads of params); the sum's
    gradient flows into both the body and the shortcut.

    .. math:: \frac{\partial L}{\partial x} = J_F^\top g_s + J_S^\top g_s,\quad g_s = g \odot [y > 0]
    """
    return backward(grad_output, _basic(params, stride), input, params)


def bottleneck_forward(input, params, stride=1) -> np.ndarray:
    r"""ResNet's bottleneck block, v1.5 (the stride on the 3×3), BN with batch statistics.

    .. math:: y = \mathrm{relu}\bigl(\mathrm{BN}_3(K_3 * \mathrm{relu}(\mathrm{BN}_2(K_2 *_s
              \mathrm{relu}(\mathrm{BN}_1(K_1 * x))))) + S(x)\bigr)
    """
    return forward(_bottleneck(params, stride), input, params)


def bottleneck_backward(grad_output, input, params, stride=1):
    r"""VJP of :func:`bottleneck_forward`: (grad_input, grads of params).

    .. math:: \frac{\partial L}{\partial x} = J_F^\top g_s + J_S^\top g_s,\quad g_s = g \odot [y > 0]
    """
    return backward(grad_output, _bottleneck(params, stride), input, params)


def inception_forward(input, params) -> np.ndarray:
    r"""An Inception module (torchvision's BasicConv2d: conv, BN with eps 0.001, ReLU).

    .. math:: y = \bigl[B_1(x);\ B_3(B_2'(x));\ B_k(B_3'(x));\ B_1(\mathrm{maxpool}_{3,1,1}(x))\bigr]_\text{channels}
    """
    return forward(_inception(input, params), input, params)


def inception_backward(grad_output, input, params):
    r"""VJP of :func:`inception_forward`: the gradient is split along channels among the
    branches and their input gradients are added.

    .. math:: \frac{\partial L}{\partial x} = \sum_b J_b^\top g_b
    """
    return backward(grad_output, _inception(input, params), input, params)
