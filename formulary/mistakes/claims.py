"""Known mistakes for the claim experiments (formulary/catalog/claims/): wrong implementations with impl's
signatures that a claim's check must reject."""

from __future__ import annotations

import numpy as np

from impl import activations as A
from impl import conv as CV
from impl import counting as C
from impl import losses as L


def conv2d_macs_input_channels_ignored(in_channels, out_channels, kernel_size, output_size, groups=1):
    """H·W·C_out·k²: as if each kernel were one channel deep."""
    return C.conv2d_macs(1, out_channels, kernel_size, output_size)


def max_pool2d_stride_ignored(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                              return_indices=False):
    """Windows at every position (stride 1), whatever stride says: no downsampling."""
    return CV.max_pool2d(input, kernel_size, 1, padding, dilation, ceil_mode, return_indices)


def max_pool2d_as_average(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                          return_indices=False):
    """The window's mean called max pooling."""
    return CV.avg_pool2d(input, kernel_size, stride, padding, ceil_mode)


def batch_norm_running_stats_in_training(input, running_mean, running_var, weight=None, bias=None, training=False,
                                         momentum=0.1, eps=1e-5):
    """Training mode normalising with the running statistics: no batch normalisation at all."""
    out, _, _ = CV.batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    new = CV.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    return out, new[1], new[2]


def batch_norm_backward_running_stats(grad_output, input, running_mean, running_var, weight=None, bias=None,
                                      training=False, momentum=0.1, eps=1e-5):
    """The gradient of evaluation mode (running statistics) in training."""
    return CV.batch_norm_backward(grad_output, input, running_mean, running_var, weight, bias, False, momentum, eps)


def l1_loss_squared(input, target, reduction="mean", weight=None):
    """An 'MAE' that squares the error: MSE under MAE's name."""
    return L.mse_loss(input, target, reduction, weight)


def mse_loss_absolute(input, target, reduction="mean", weight=None):
    """An 'MSE' that takes the absolute error: MAE under MSE's name."""
    return L.l1_loss(input, target, reduction, weight)


def bce_with_logits_as_mse(input, target, weight=None, reduction="mean", pos_weight=None):
    """'Cross-entropy' computed as the squared error of σ(x): the pairing's point lost."""
    return L.mse_loss(A.sigmoid(np.asarray(input, dtype=float)), target, reduction)


def relu_backward_as_sigmoid(grad_output, input):
    """A 'ReLU' whose derivative is secretly the sigmoid's: σ(x)(1 − σ(x)) ≤ 1/4."""
    return A.sigmoid_backward(grad_output, input)


def relu_as_sigmoid(input):
    """A 'ReLU' that is secretly the sigmoid."""
    return A.sigmoid(input)


def linear_bias_scaled_by_batch(input, weight, bias=None):
    """A linear layer whose bias is scaled by the batch's mean input: a sample's output depends on its batch."""
    x = np.asarray(input)
    out = CV.linear(input, weight, None)
    if bias is None:
        return out
    return out + np.asarray(bias) * (1.0 + float(np.mean(x)) if x.size else 1.0)
