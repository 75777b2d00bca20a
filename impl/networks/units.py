"""The guide's counting formulas for a layer of units (§8, under LeNet-5).

The guide prints, for LeNet-5 (lines 883-887 of the seed text):

* 神经元个数 = 卷积核数量 × 输出特征图宽度 × 输出特征图高度;
* 卷积层可训练参数数量 = 卷积核数量 × (卷积核宽度 × 卷积核高度 + 1);
* 汇聚层可训练参数数量 = 卷积核数量 × (1 + 1);
* 连接数 = 卷积核数量 × (卷积核宽度 × 卷积核高度 + 1) × 输出特征图宽度 × 输出特征图高度;
* 全连接层连接数 = 卷积核数量 × (输入特征图数量 × 卷积核宽度 × 卷积核高度 + 1).

The convolution lines leave out the number of input maps each kernel spans: they hold
only where a kernel sees one map (C1, and S2/S4's windows).  The functions below carry
it (``in_maps``, one number or one per kernel for C3's partial table), which makes the
fully connected line the case of a 1×1 output.
"""

from __future__ import annotations

from impl.conv._args import flag, integer


def _maps(in_maps, kernels: int) -> list[int]:
    """Input maps per kernel: one int for all kernels, or one per kernel (C3's table)."""
    if isinstance(in_maps, (tuple, list)):
        if len(in_maps) != kernels:
            raise ValueError(f"in_maps lists {len(in_maps)} kernels, expected kernels={kernels}")
        return [integer(m, "in_maps", 1) for m in in_maps]
    return [integer(in_maps, "in_maps", 1)] * kernels


def lenet_neurons(kernels, out_h, out_w) -> int:
    r"""Units of a layer: one per kernel (map) and output position.

    .. math:: n = K\, W_\text{out} H_\text{out}
    """
    return integer(kernels, "kernels", 1) * integer(out_h, "out_h", 1) * integer(out_w, "out_w", 1)


def lenet_conv_params(kernels, kernel_h, kernel_w, in_maps, bias=True) -> int:
    r"""Trainable parameters of a layer of weight-shared kernels: kernel j has a weight
    per input map it sees and per window position, and one bias.

    .. math:: P = \sum_{j=1}^{K} \bigl(M_j\, k_h k_w + 1\bigr)

    The guide prints K(k_w k_h + 1), the case M = 1: right for C1, wrong for C3 and C5.
    """
    kh, kw = integer(kernel_h, "kernel_h", 1), integer(kernel_w, "kernel_w", 1)
    b = int(flag(bias, "bias"))
    return sum(m * kh * kw + b for m in _maps(in_maps, integer(kernels, "kernels", 1)))


def lenet_pool_params(kernels) -> int:
    r"""Trainable parameters of a subsampling layer: a coefficient that scales each
    map's window sum, and a bias.

    .. math:: P = K\,(1 + 1)
    """
    return 2 * integer(kernels, "kernels", 1)


def lenet_connections(kernels, kernel_h, kernel_w, out_h, out_w, in_maps, bias=True) -> int:
    r"""Connections of a layer of units: each unit is wired to the M_j k_h k_w inputs of
    its window and to its bias, at every output position.

    .. math:: C = \sum_{j=1}^{K} \bigl(M_j\, k_h k_w + 1\bigr)\, W_\text{out} H_\text{out}

    The guide's convolution line K(k_w k_h + 1) W_out H_out is the case M = 1 (C1, and
    S2/S4, whose units each add one map's 2×2 window); its fully connected line
    K(M k_w k_h + 1) the case W_out = H_out = 1 (C5; F6 with k = 1).
    """
    per_position = lenet_conv_params(kernels, kernel_h, kernel_w, in_maps, bias)
    return per_position * integer(out_h, "out_h", 1) * integer(out_w, "out_w", 1)
