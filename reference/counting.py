"""Parameter, MAC and FLOP counts read off PyTorch: the reference for impl.counting.

Parameters are ``sum(p.numel())`` of the torch module; torch's FLOPs are
``torch.utils.flop_counter.FlopCounterMode``'s total for one forward pass on ``meta``
tensors (no memory, no arithmetic), and MACs are half of that (torch counts 2 per MAC
and no bias).  The guide's and the exact conventions have no torch counterpart: they
are composed from what the module itself reports (its kernel size, its number of
outputs), in the guide's own words.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def _two(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _flops(module: nn.Module, x: torch.Tensor) -> tuple[int, torch.Tensor]:
    with FlopCounterMode(display=False) as counter:
        out = module(x)
    return counter.get_total_flops(), out


def _conv(in_channels, out_channels, kernel_size, groups=1, bias=True) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size, groups=groups, bias=bias, device="meta")


def _conv_run(in_channels, out_channels, kernel_size, output_size, groups, bias=True):
    """torch's FLOPs and output of a stride-1 'valid' convolution sized to give ``output_size``."""
    (kh, kw), (h, w) = _two(kernel_size), _two(output_size)
    conv = _conv(in_channels, out_channels, kernel_size, groups, bias)
    return conv, *_flops(conv, torch.empty(1, in_channels, h + kh - 1, w + kw - 1, device="meta"))


def conv2d_params(in_channels, out_channels, kernel_size, groups=1, bias=True):
    return _params(_conv(in_channels, out_channels, kernel_size, groups, bias))


def conv2d_macs(in_channels, out_channels, kernel_size, output_size, groups=1):
    return _conv_run(in_channels, out_channels, kernel_size, output_size, groups)[1] // 2


def conv2d_flops(in_channels, out_channels, kernel_size, output_size, groups=1, bias=True, convention="torch"):
    conv, flops, out = _conv_run(in_channels, out_channels, kernel_size, output_size, groups, bias)
    if convention == "torch":
        return flops
    per_output = conv.weight[0].numel()  # products summed into one output: k_h·k_w·C_in/g
    outputs = out.numel()
    if convention == "guide":  # k² multiplies and k² − 1 adds per input channel, C_in − 1 adds across them
        kk, depth = conv.weight[0, 0].numel(), conv.weight.shape[1]
        return (kk + (kk - 1)) * depth * outputs + (depth - 1) * outputs
    # exact: per output, one multiply per product, one add fewer than the products, plus the bias add
    return outputs * (2 * per_output - 1 + (1 if conv.bias is not None else 0))


def linear_params(in_features, out_features, bias=True):
    return _params(nn.Linear(in_features, out_features, bias, device="meta"))


def _linear_run(in_features, out_features, batch, bias=True):
    layer = nn.Linear(in_features, out_features, bias, device="meta")
    return layer, *_flops(layer, torch.empty(batch, in_features, device="meta"))


def linear_macs(in_features, out_features, batch=1):
    return _linear_run(in_features, out_features, batch)[1] // 2


def linear_flops(in_features, out_features, batch=1, bias=True, convention="torch"):
    layer, flops, out = _linear_run(in_features, out_features, batch, bias)
    if convention == "torch":
        return flops
    biases = out.numel() if layer.bias is not None else 0
    if convention == "guide":  # the guide's 5·10 + 10: one per weight, one per bias, per row
        return layer.weight.numel() * batch + biases
    return out.numel() * (2 * in_features - 1) + biases


def batchnorm_params(num_features, affine=True):
    return _params(nn.BatchNorm2d(num_features, affine=affine, device="meta"))
