"""Layer specs: the leaves of a network described as data.

Each spec is a frozen dataclass named and parametrised like its ``torch.nn`` module.
Given the shape of its input -- ``(N, C, H, W)`` or ``(N, F)`` -- a spec knows the
shape of its output, its trainable parameters and its multiply-accumulates (MACs),
counted with :mod:`impl.counting` and :mod:`impl.conv`.

MACs follow ``torch.utils.flop_counter.FlopCounterMode`` (which counts 2 FLOPs per
MAC): only products that are summed -- convolutions, linear layers, LeNet's
subsampling and RBF distances -- count; pooling, normalisation, activations and
dropout count 0, and a bias is never a MAC.  MACs cover the whole batch.

LeNet-5 (1998) adds two per-sample counts by the guide's formulas (§8): *neurons*
(output units) and *connections* (inputs wired into each unit, bias included); they
are ``None`` for layers that are not a layer of units (activations, flatten, dropout).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from impl.conv._args import flag, pair
from impl.conv.sizes import _output_length
from impl.counting import batchnorm_params, conv2d_macs, conv2d_params, linear_macs, linear_params
from impl.networks.units import lenet_connections, lenet_conv_params, lenet_pool_params


def _image(shape, channels: int | None, layer) -> tuple[int, int, int, int]:
    """The (N, C, H, W) input of a 2-d layer, checked against the channels it expects."""
    if len(shape) != 4:
        raise ValueError(f"{type(layer).__name__} expects an (N, C, H, W) input, got shape {tuple(shape)}")
    if channels is not None and shape[1] != channels:
        raise ValueError(f"{layer} expects {channels} input channels, got shape {tuple(shape)}")
    return tuple(shape)


def _features(shape, features: int, layer) -> tuple[int, int]:
    if len(shape) != 2 or shape[1] != features:
        raise ValueError(f"{layer} expects an (N, {features}) input, got shape {tuple(shape)}")
    return tuple(shape)


def _kernel(layer) -> tuple[int, int]:
    """The layer's (k_h, k_w): its ``kernel_size``, an int or an (h, w) pair, each at least 1."""
    return pair(layer.kernel_size, "kernel_size", 1)


def _window_output(shape, kernel: tuple[int, int], stride, padding, dilation=1, ceil_mode=False):
    """(N, C, H_out, W_out) of a sliding window of ``kernel`` (from :func:`_kernel`) over an
    (N, C, H, W) input.  The options are checked here, once: the lengths take them as they are."""
    (kh, kw), (sh, sw) = kernel, pair(stride, "stride", 1)
    (ph, pw), (dh, dw) = pair(padding, "padding", 0), pair(dilation, "dilation", 1)
    ceil = flag(ceil_mode, "ceil_mode")
    n, c, h, w = shape
    return n, c, _output_length(h, kh, sh, ph, ph, dh, ceil), _output_length(w, kw, sw, pw, pw, dw, ceil)


class Layer:
    """Defaults for a parameter-free layer that keeps its input's shape."""

    counts_units = False  # whether neurons/connections apply (a layer of units)

    def output_shape(self, shape) -> tuple:
        return tuple(shape)

    def params(self) -> int:
        return 0

    def macs(self, shape) -> int:
        """MACs on an input of ``shape`` (the whole batch)."""
        return 0

    def connections(self, shape) -> int | None:
        """Inputs wired into the units of one sample (bias included), or None."""
        return None


@dataclass(frozen=True)
class Conv2d(Layer):
    r"""``torch.nn.Conv2d`` (symmetric integer padding).

    .. math:: P = k_h k_w \tfrac{C_\text{in}}{g} C_\text{out} + C_\text{out},\qquad
              \text{MACs} = N H_\text{out} W_\text{out} C_\text{out} k_h k_w \tfrac{C_\text{in}}{g}
    """

    in_channels: int
    out_channels: int
    kernel_size: int | tuple
    stride: int | tuple = 1
    padding: int | tuple = 0
    dilation: int | tuple = 1
    groups: int = 1
    bias: bool = True
    counts_units = True

    def output_shape(self, shape):
        n, _, h, w = _window_output(_image(shape, self.in_channels, self), _kernel(self), self.stride, self.padding,
                                    self.dilation)
        return n, self.out_channels, h, w

    def params(self):
        return conv2d_params(self.in_channels, self.out_channels, self.kernel_size, self.groups, self.bias)

    def macs(self, shape):
        out = self.output_shape(shape)
        return out[0] * conv2d_macs(self.in_channels, self.out_channels, self.kernel_size, out[2:], self.groups)

    def connections(self, shape):
        _, c, h, w = self.output_shape(shape)
        return lenet_connections(c, *_kernel(self), h, w, self.in_channels // self.groups, self.bias)


@dataclass(frozen=True)
class PartialConv2d(Layer):
    r"""LeNet-5's C3: output map j sees only the input maps ``table[j]`` (LeCun 1998, Table I).

    .. math:: P = \sum_j \bigl(|T_j|\, k_h k_w + 1\bigr),\qquad
              \text{MACs} = N H_\text{out} W_\text{out} \sum_j |T_j|\, k_h k_w
    """

    in_channels: int
    table: tuple[tuple[int, ...], ...]
    kernel_size: int | tuple
    counts_units = True

    def __post_init__(self):
        for j, maps in enumerate(self.table):
            if not maps or len(set(maps)) != len(maps) or not all(0 <= m < self.in_channels for m in maps):
                raise ValueError(f"table[{j}] = {maps} must list distinct input maps in [0, {self.in_channels})")

    @property
    def out_channels(self) -> int:
        return len(self.table)

    def _in_maps(self) -> list[int]:
        return [len(maps) for maps in self.table]

    def output_shape(self, shape):
        n, _, h, w = _window_output(_image(shape, self.in_channels, self), _kernel(self), 1, 0)
        return n, self.out_channels, h, w

    def params(self):
        return lenet_conv_params(self.out_channels, *_kernel(self), self._in_maps())

    def macs(self, shape):
        n, _, h, w = self.output_shape(shape)
        weights = lenet_conv_params(self.out_channels, *_kernel(self), self._in_maps(), bias=False)
        return n * h * w * weights

    def connections(self, shape):
        _, _, h, w = self.output_shape(shape)
        return lenet_connections(self.out_channels, *_kernel(self), h, w, self._in_maps())


@dataclass(frozen=True)
class Subsampling(Layer):
    r"""LeNet-5's S2/S4: each unit adds a k×k window, scales it by its map's trainable
    coefficient and adds its map's trainable bias.

    .. math:: y_{c} = a_c \sum_{(i, j) \in \text{window}} x_{c,i,j} + b_c,\qquad P = 2C,\qquad
              \text{MACs} = N C H_\text{out} W_\text{out} k^2
    """

    channels: int
    kernel_size: int = 2
    counts_units = True

    def output_shape(self, shape):
        kernel = _kernel(self)
        return _window_output(_image(shape, self.channels, self), kernel, kernel, 0)

    def params(self):
        return lenet_pool_params(self.channels)

    def macs(self, shape):
        return math.prod(self.output_shape(shape)) * math.prod(_kernel(self))

    def connections(self, shape):
        _, c, h, w = self.output_shape(shape)
        return lenet_connections(c, *_kernel(self), h, w, 1)


@dataclass(frozen=True)
class RBF(Layer):
    r"""LeNet-5's output layer: Euclidean radial basis units with fixed, hand-chosen centres.

    .. math:: y_i = \sum_j (x_j - w_{ij})^2,\qquad P_\text{trainable} = 0,\qquad
              \text{MACs} = N\, n_\text{in} n_\text{out}

    The ``in_features · out_features`` centres are fixed (LeCun et al. 1998, §II.B):
    they are not trainable parameters, which is how the paper reaches 60,000.
    """

    in_features: int
    out_features: int
    counts_units = True

    def output_shape(self, shape):
        return _features(shape, self.in_features, self)[0], self.out_features

    def macs(self, shape):
        return linear_macs(self.in_features, self.out_features, shape[0])

    def connections(self, shape):
        return lenet_connections(self.out_features, 1, 1, 1, 1, self.in_features, bias=False)


@dataclass(frozen=True)
class Linear(Layer):
    r"""``torch.nn.Linear``.

    .. math:: P = n_\text{in} n_\text{out} + n_\text{out},\qquad \text{MACs} = N n_\text{in} n_\text{out}
    """

    in_features: int
    out_features: int
    bias: bool = True
    counts_units = True

    def output_shape(self, shape):
        return _features(shape, self.in_features, self)[0], self.out_features

    def params(self):
        return linear_params(self.in_features, self.out_features, self.bias)

    def macs(self, shape):
        return linear_macs(self.in_features, self.out_features, shape[0])

    def connections(self, shape):
        return lenet_connections(self.out_features, 1, 1, 1, 1, self.in_features, self.bias)


@dataclass(frozen=True)
class BatchNorm2d(Layer):
    r"""``torch.nn.BatchNorm2d``: γ and β per channel are parameters, the running
    statistics are buffers.

    .. math:: P = 2C
    """

    num_features: int
    eps: float = 1e-5
    affine: bool = True

    def output_shape(self, shape):
        return _image(shape, self.num_features, self)

    def params(self):
        return batchnorm_params(self.num_features, self.affine)


@dataclass(frozen=True)
class MaxPool2d(Layer):
    r"""``torch.nn.MaxPool2d`` (stride defaults to the kernel size); no parameters, no MACs.

    .. math:: H_\text{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1 \ (\lceil\cdot\rceil \text{ with
    ceil\_mode})
    """

    kernel_size: int | tuple
    stride: int | tuple | None = None
    padding: int | tuple = 0
    ceil_mode: bool = False
    counts_units = True

    def output_shape(self, shape):
        kernel = _kernel(self)
        stride = kernel if self.stride is None else self.stride
        return _window_output(_image(shape, None, self), kernel, stride, self.padding, 1, self.ceil_mode)

    def connections(self, shape):
        _, c, h, w = self.output_shape(shape)
        return lenet_connections(c, *_kernel(self), h, w, 1, bias=False)


@dataclass(frozen=True)
class AvgPool2d(MaxPool2d):
    r"""``torch.nn.AvgPool2d``: the same windows as max pooling, averaged (0 MACs, as FlopCounterMode counts).

    .. math:: y = \frac{1}{k_h k_w} \sum_{\text{window}} x
    """


@dataclass(frozen=True)
class AdaptiveAvgPool2d(Layer):
    r"""``torch.nn.AdaptiveAvgPool2d``: average over bins that give a fixed output size.

    .. math:: (N, C, H, W) \mapsto (N, C, H_\text{out}, W_\text{out})
    """

    output_size: int | tuple

    def output_shape(self, shape):
        n, c, _, _ = _image(shape, None, self)
        return (n, c, *pair(self.output_size, "output_size", 1))


@dataclass(frozen=True)
class LocalResponseNorm(Layer):
    r"""``torch.nn.LocalResponseNorm`` (AlexNet 2012): no parameters.

    .. math:: b_c = a_c \Big/ \Bigl(k + \tfrac{\alpha}{n} \sum_{c' \in \text{the } n \text{ nearest maps}}
    a_{c'}^2\Bigr)^{\beta}

    (torch divides α by n; the paper's α = 1e-4 is ``alpha=5e-4`` in torch's terms.)
    """

    size: int
    alpha: float = 1e-4
    beta: float = 0.75
    k: float = 1.0


@dataclass(frozen=True)
class Flatten(Layer):
    r"""``torch.nn.Flatten``.

    .. math:: (N, C, H, W) \mapsto (N, C H W)
    """

    def output_shape(self, shape):
        return shape[0], math.prod(shape[1:])


@dataclass(frozen=True)
class ReLU(Layer):
    r"""``torch.nn.ReLU``.

    .. math:: y = \max(0, x)
    """


@dataclass(frozen=True)
class ScaledTanh(Layer):
    r"""LeNet-5's squashing function.

    .. math:: f(a) = A \tanh(S a),\qquad A = 1.7159,\ S = 2/3
    """


@dataclass(frozen=True)
class Dropout(Layer):
    r"""``torch.nn.Dropout``: the identity at inference.

    .. math:: y = x
    """

    p: float = 0.5
