"""impl.conv's names, computed by ONNX operators (Conv, MaxPool, AveragePool, Gemm/MatMul,
BatchNormalization) on the reference evaluator.

One operator each; the adapter only maps torch's arguments onto the operator's
attributes.  What ONNX lacks is refused with NotProvided ("not provided") (AveragePool has no
``divisor_override``).  ``conv2d_nhwc`` is left out: Conv is NCHW only.

batch_norm maps onto BatchNormalization with ``training_mode``; ONNX's momentum is the
weight of the old running value (1 − torch's), and ONNX updates the running variance
with the batch's biased variance where torch uses the unbiased one: that is ONNX's
operator as specified, and the records judge it.
"""

from __future__ import annotations

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.onnx_ref._graph import names, node, run


def _pair(value) -> list[int]:
    return [int(v) for v in value] if isinstance(value, (tuple, list)) else [int(value)] * 2


def _conv_padding(padding) -> dict:
    """impl's padding forms as Conv attributes: the modes as auto_pad, the rest as pads."""
    if isinstance(padding, str):
        # 'same' is TensorFlow's at any stride, the odd row/column at the bottom/right: ONNX's SAME_UPPER
        return {"auto_pad": {"valid": "VALID", "same": "SAME_UPPER"}[padding]}
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        top, bottom, left, right = (int(p) for p in padding)
    else:
        (top, left), (bottom, right) = _pair(padding), _pair(padding)
    return {"pads": [top, left, bottom, right]}  # ONNX: all the begins, then all the ends


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """ONNX ``Conv``: strides, dilations, group; padding as pads [top, left, bottom, right] or auto_pad."""
    attrs = {"strides": _pair(stride), "dilations": _pair(dilation), "group": int(groups), **_conv_padding(padding)}
    return run(lambda dtype: [node("Conv", names(input, weight, bias), **attrs)], input, weight, bias)


def _pool_attrs(kernel_size, stride, padding, ceil_mode) -> dict:
    kernel = _pair(kernel_size)
    return {"kernel_shape": kernel, "strides": kernel if stride is None else _pair(stride),
            "pads": _pair(padding) * 2, "ceil_mode": int(bool(ceil_mode))}


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """ONNX ``MaxPool`` with dilations and ceil_mode; with ``return_indices`` its Indices output.

    ONNX's indices are flat over the whole (N, C, H, W) tensor, torch's over each H·W
    plane: each plane's offset is subtracted, as ``torch.onnx`` exports it.
    """
    attrs = {**_pool_attrs(kernel_size, stride, padding, ceil_mode), "dilations": _pair(dilation)}
    if not return_indices:
        return run(lambda dtype: [node("MaxPool", ["x0"], **attrs)], input)
    out, flat = run(lambda dtype: [node("MaxPool", ["x0"], ["y", "indices"], **attrs)], input, outputs=("y", "indices"))
    n, c, h, w = np.shape(input)
    return out, flat - (np.arange(n * c, dtype=np.int64) * (h * w)).reshape(n, c, 1, 1)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """ONNX ``AveragePool`` with count_include_pad and ceil_mode."""
    if divisor_override is not None:
        raise NotProvided("ONNX's AveragePool has no divisor_override")
    attrs = {**_pool_attrs(kernel_size, stride, padding, ceil_mode), "count_include_pad": int(bool(count_include_pad))}
    return run(lambda dtype: [node("AveragePool", ["x0"], **attrs)], input)


def linear(input, weight, bias=None):
    """ONNX ``Gemm`` (transB=1) for a 2-D input; other ranks as ``torch.onnx`` exports them: MatMul(x, Wᵀ) + bias."""
    if np.ndim(input) == 2:
        return run(lambda dtype: [node("Gemm", names(input, weight, bias), transB=1)], input, weight, bias)

    def graph(dtype):
        nodes = [node("Transpose", ["x1"], "wt"), node("MatMul", ["x0", "wt"], "y" if bias is None else "xw")]
        return nodes if bias is None else [*nodes, node("Add", ["xw", "x2"])]

    return run(graph, input, weight, bias)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """ONNX ``BatchNormalization``: (output, new_running_mean, new_running_var) as impl returns them.

    training_mode = training; ONNX's momentum = 1 − torch's.  ONNX needs every input:
    absent weight and bias are ones and zeros, absent running statistics zeros and ones
    whose update is then dropped (None, as impl returns).
    """
    x = np.asarray(input)
    c, dt = x.shape[1], x.dtype
    scale = np.ones(c, dt) if weight is None else weight
    shift = np.zeros(c, dt) if bias is None else bias
    mean = np.zeros(c, dt) if running_mean is None else running_mean
    var = np.ones(c, dt) if running_var is None else running_var
    inputs = ["x0", "x1", "x2", "x3", "x4"]
    if not training:
        out = run(lambda dtype: [node("BatchNormalization", inputs, epsilon=float(eps), training_mode=0)],
                  x, scale, shift, mean, var)
        return out, *(None if s is None else np.array(s) for s in (running_mean, running_var))
    out, new_mean, new_var = run(
        lambda dtype: [node("BatchNormalization", inputs, ["y", "mean", "var"], epsilon=float(eps),
                            momentum=1.0 - float(momentum), training_mode=1)],
        x, scale, shift, mean, var, outputs=("y", "mean", "var"))
    return (out, new_mean, new_var) if running_mean is not None else (out, None, None)
