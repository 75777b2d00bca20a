"""Parameters, multiply-accumulates and FLOPs of layers, under named conventions (guide §7 5).

All counts are Python ints, for one input image (convolution) or ``batch`` rows
(linear).  A multiply-accumulate (MAC) is one product added into a sum; the bias is
never a MAC.  FLOPs depend on who counts:

``"torch"``  ``torch.utils.flop_counter.FlopCounterMode``: 2 per MAC, bias not counted;
``"guide"``  the guide's own formulas: for a convolution
             {H·W·[k² + (k² − 1)]·C_in + H·W·(C_in − 1)}·C_out (a multiply and an add per
             product, one add fewer per sum, no bias); for a fully connected layer
             in·out + out (one per MAC, plus the bias additions);
``"exact"``  every scalar multiply and add: 2·MACs − (one add per sum) + (bias adds).
             With a bias it equals torch's count; without one, the guide's convolution
             formula.
"""

from __future__ import annotations

from impl.conv._args import flag, integer, pair

CONVENTIONS = ("torch", "guide", "exact")


def _convention(convention) -> str:
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    return convention


def _channels(in_channels, out_channels, groups) -> tuple[int, int, int]:
    c_in, c_out = integer(in_channels, "in_channels", 1), integer(out_channels, "out_channels", 1)
    g = integer(groups, "groups", 1)
    if c_in % g or c_out % g:
        raise ValueError(f"groups={g} must divide in_channels={c_in} and out_channels={c_out}")
    return c_in, c_out, g


def _conv_sizes(in_channels, out_channels, kernel_size, output_size, groups):
    """Checked (C_in/g, C_out, k_h, k_w, H_out, W_out) of a convolution: validated once, for MACs and FLOPs alike."""
    c_in, c_out, g = _channels(in_channels, out_channels, groups)
    kh, kw = pair(kernel_size, "kernel_size", 1)
    h, w = pair(output_size, "output_size", 0)
    return c_in // g, c_out, kh, kw, h, w


def conv2d_params(in_channels, out_channels, kernel_size, groups=1, bias=True) -> int:
    r"""Trainable parameters of a convolution: the kernels and one bias per kernel.

    .. math:: k_h k_w \frac{C_\text{in}}{g} C_\text{out} + C_\text{out}\,[\text{bias}]
    """
    c_in, c_out, g = _channels(in_channels, out_channels, groups)
    kh, kw = pair(kernel_size, "kernel_size", 1)
    return kh * kw * (c_in // g) * c_out + (c_out if flag(bias, "bias") else 0)


def conv2d_macs(in_channels, out_channels, kernel_size, output_size, groups=1) -> int:
    r"""Multiply-accumulates of a convolution for one image (the guide's 计算量).

    .. math:: H_\text{out} W_\text{out} C_\text{out} \, k_h k_w \frac{C_\text{in}}{g}
    """
    depth, c_out, kh, kw, h, w = _conv_sizes(in_channels, out_channels, kernel_size, output_size, groups)
    return h * w * c_out * kh * kw * depth


def conv2d_flops(in_channels, out_channels, kernel_size, output_size, groups=1, bias=True, convention="torch") -> int:
    r"""FLOPs of a convolution for one image, by ``convention`` (see the module docstring).

    .. math::
        \text{torch}: 2\,\text{MACs} \qquad
        \text{guide}: \Bigl\{H W\bigl[k^2 + (k^2 - 1)\bigr]\tfrac{C_\text{in}}{g} + H W\bigl(\tfrac{C_\text{in}}{g} -
        1\bigr)\Bigr\} C_\text{out}

        \text{exact}: 2\,\text{MACs} - H W C_\text{out} + H W C_\text{out}\,[\text{bias}]

    The guide's formula (written for a square kernel and g = 1) equals the exact count
    without bias additions; ``bias`` changes only the exact count.
    """
    depth, c_out, kh, kw, h, w = _conv_sizes(in_channels, out_channels, kernel_size, output_size, groups)
    has_bias, convention = flag(bias, "bias"), _convention(convention)
    outputs = h * w * c_out
    macs = outputs * kh * kw * depth
    if convention == "torch":
        return 2 * macs
    if convention == "guide":
        return (h * w * (kh * kw + (kh * kw - 1)) * depth + h * w * (depth - 1)) * c_out
    return 2 * macs - outputs + (outputs if has_bias else 0)


def _linear_sizes(in_features, out_features, batch):
    """Checked (n_in, n_out, B) of a fully connected layer: validated once, for MACs and FLOPs alike."""
    n_in, n_out = integer(in_features, "in_features", 1), integer(out_features, "out_features", 1)
    return n_in, n_out, integer(batch, "batch", 0)


def linear_params(in_features, out_features, bias=True) -> int:
    r"""Trainable parameters of a fully connected layer.

    .. math:: n_\text{in} n_\text{out} + n_\text{out}\,[\text{bias}]
    """
    n_in, n_out = integer(in_features, "in_features", 1), integer(out_features, "out_features", 1)
    return n_in * n_out + (n_out if flag(bias, "bias") else 0)


def linear_macs(in_features, out_features, batch=1) -> int:
    r"""Multiply-accumulates of a fully connected layer over ``batch`` rows.

    .. math:: B\, n_\text{in} n_\text{out}
    """
    n_in, n_out, rows = _linear_sizes(in_features, out_features, batch)
    return rows * n_in * n_out


def linear_flops(in_features, out_features, batch=1, bias=True, convention="torch") -> int:
    r"""FLOPs of a fully connected layer over ``batch`` rows, by ``convention``.

    .. math::
        \text{torch}: 2 B n_\text{in} n_\text{out} \qquad
        \text{guide}: B\,(n_\text{in} n_\text{out} + n_\text{out}[\text{bias}]) \qquad
        \text{exact}: B\,(2 n_\text{in} n_\text{out} - n_\text{out} + n_\text{out}[\text{bias}])

    The guide's 5 → 10 layer: 5·10 + 10 = 60 by its count; torch counts 100.
    """
    n_in, n_out, rows = _linear_sizes(in_features, out_features, batch)
    macs = rows * n_in * n_out
    has_bias, convention = flag(bias, "bias"), _convention(convention)
    biases = rows * n_out if has_bias else 0
    if convention == "torch":
        return 2 * macs
    if convention == "guide":
        return macs + biases
    return 2 * macs - rows * n_out + biases


def batchnorm_params(num_features, affine=True) -> int:
    r"""Trainable parameters of batch normalisation: a scale γ and a shift β per channel.

    The running mean and variance are buffers, not parameters.

    .. math:: 2C\,[\text{affine}]
    """
    return 2 * integer(num_features, "num_features", 1) if flag(affine, "affine") else 0
