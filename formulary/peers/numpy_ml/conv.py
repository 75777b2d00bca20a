"""impl.conv's names, computed by numpy-ml's layers (``neural_nets/layers/layers.py``) and
convolution utilities (``neural_nets/utils/utils.py``).

The mapping is layout only: numpy-ml is NHWC with weights (k_h, k_w, C_in, C_out) and
a fully connected weight (in, out), so arrays are transposed on the way in and out
(NCHW results, as impl's).  A layer is built with the given weights in place of its
random initialisation, and its ``forward``/``backward`` are called as numpy-ml's own
models call them; backward passes are the layer's ``backward`` after a ``forward``,
the parameter gradients read from ``layer.gradients``.

What numpy-ml cannot express raises NotProvided ("not provided"): groups, a stride or dilation
that differs between the axes, pooling's dilation, ``ceil_mode``, ``return_indices``,
``count_include_pad=False`` and ``divisor_override``.  Names of numpy-ml's options:
its ``dilation`` counts the pixels inserted between kernel elements (torch's − 1);
torch's ``padding='valid'`` is its ``pad=0``; ``'same'`` is passed as numpy-ml's own
'same' (output as large as the input, at any stride), not TensorFlow's ceil(n/s).
"""

from __future__ import annotations

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.numpy_ml import load, refusing

_L = load("neural_nets/layers/layers")
_U = load("neural_nets/utils/utils")


# -- options ------------------------------------------------------------------------------------

def _one(value, name: str) -> int:
    """numpy-ml takes one stride (and one dilation) for both axes."""
    a, b = (value, value) if np.ndim(value) == 0 else tuple(value)
    if a != b:
        raise NotProvided(f"numpy-ml takes one {name} for both axes, got {value!r}")
    return int(a)


def _pad(padding):
    """torch/impl padding as numpy-ml's ``pad``: int, (rows, cols) and (top, bottom, left, right) read alike."""
    if isinstance(padding, str):
        return 0 if padding == "valid" else padding  # 'same' (or a bad string): numpy-ml's own reading
    return int(padding) if np.ndim(padding) == 0 else tuple(int(p) for p in padding)


def _pair(k) -> tuple[int, int]:
    return (int(k), int(k)) if np.ndim(k) == 0 else tuple(int(v) for v in k)


def _nhwc(x):
    return np.asarray(x).transpose(0, 2, 3, 1)


def _nchw(y):
    return np.asarray(y).transpose(0, 3, 1, 2)


def _holding(layer, derived: dict, **params):
    """``layer`` holding ``params`` (instead of its random initialisation), ready for forward/backward."""
    layer.parameters = params
    layer.gradients = {k: np.zeros_like(v) for k, v in params.items()}
    layer.derived_variables = derived
    layer.is_initialized = True
    return layer


# -- convolution ------------------------------------------------------------------------------------

def _conv_layer(filters, bias, stride, padding, dilation):
    """numpy-ml's Conv2D on NHWC filters (k_h, k_w, C_in, C_out); bias None is its zero bias."""
    f = np.asarray(filters)
    b = np.zeros(f.shape[3], f.dtype) if bias is None else np.asarray(bias)
    layer = _L.Conv2D(f.shape[3], f.shape[:2], pad=_pad(padding), stride=_one(stride, "stride"),
                      dilation=_one(dilation, "dilation") - 1)
    layer.in_ch = f.shape[2]
    return _holding(layer, {"Z": [], "out_rows": [], "out_cols": []}, W=f, b=b.reshape(1, 1, 1, -1))


def _torch_weight(weight, groups):
    if groups != 1:
        raise NotProvided(f"numpy-ml's Conv2D has no groups, got groups={groups}")
    return np.asarray(weight).transpose(2, 3, 1, 0)  # (C_out, C_in, k_h, k_w) -> (k_h, k_w, C_in, C_out)


@refusing
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``Conv2D(out_ch, kernel_shape, pad, stride, dilation=d − 1).forward`` on the NHWC arrays."""
    layer = _conv_layer(_torch_weight(weight, groups), bias, stride, padding, dilation)
    return _nchw(layer.forward(_nhwc(input), retain_derived=False))


@refusing
def conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``Conv2D.backward`` after its forward: (grad_input, grad_weight, grad_bias or None), NCHW."""
    layer = _conv_layer(_torch_weight(weight, groups), bias, stride, padding, dilation)
    layer.forward(_nhwc(input))
    dx = layer.backward(_nhwc(grad_output))
    dw, db = layer.gradients["W"], layer.gradients["b"]
    return _nchw(dx), dw.transpose(3, 2, 0, 1), None if bias is None else db.reshape(-1)


@refusing
def conv2d_nhwc(input, filters, bias=None, strides=1, padding="valid", dilations=1):
    """numpy-ml's own layout: ``Conv2D.forward`` with no transposes."""
    return _conv_layer(filters, bias, strides, padding, dilations).forward(np.asarray(input), retain_derived=False)


# -- sizes ------------------------------------------------------------------------------------------

@refusing
def conv2d_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """``calc_conv_out_dims((1, H, W, 1), (k_h, k_w, 1, 1), stride, pad, dilation − 1)``'s (H_out, W_out)."""
    h, w = _pair(input_size)
    kh, kw = _pair(kernel_size)
    dims = _U.calc_conv_out_dims((1, h, w, 1), (kh, kw, 1, 1), _one(stride, "stride"), _pad(padding),
                                 _one(dilation, "dilation") - 1)
    return tuple(int(d) for d in dims[1:3])


@refusing
def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """``calc_conv_out_dims`` along one axis (the other 1 wide, unpadded); numpy-ml has no ceil_mode."""
    if ceil_mode:
        raise NotProvided("numpy-ml's output sizes have no ceil_mode")
    dims = _U.calc_conv_out_dims((1, int(size), 1, 1), (int(kernel_size), 1, 1, 1), int(stride), (int(padding), 0),
                                 int(dilation) - 1)
    return int(dims[1])


@refusing
def same_padding(size, kernel_size, stride=1, dilation=1):
    """``calc_pad_dims_2D``'s (top, bottom) for numpy-ml's 'same' (output size = input size)."""
    n, k = int(size), int(kernel_size)
    pads = _U.calc_pad_dims_2D((1, n, n, 1), (n, n), (k, k), int(stride), dilation=int(dilation) - 1)
    return tuple(int(p) for p in pads[:2])


# -- pooling ---------------------------------------------------------------------------------------

def _pool_layer(mode, kernel_size, stride, padding, ceil_mode):
    if ceil_mode:
        raise NotProvided("numpy-ml's Pool2D has no ceil_mode")
    kernel = _pair(kernel_size)
    stride = kernel if stride is None else stride  # torch's default stride is the kernel
    return _L.Pool2D(kernel, stride=_one(stride, "stride"), pad=_pad(padding), mode=mode)


def _max_options(dilation, extra):
    if _pair(dilation) != (1, 1):
        raise NotProvided("numpy-ml's Pool2D has no dilation")
    if extra:
        raise NotProvided(f"numpy-ml's Pool2D has no {extra}")


@refusing
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """``Pool2D(kernel_shape, stride, pad, mode='max').forward`` (numpy-ml pads with zeros)."""
    _max_options(dilation, "return_indices" if return_indices else "")
    return _nchw(_pool_layer("max", kernel_size, stride, padding, ceil_mode).forward(_nhwc(input),
                                                                                     retain_derived=False))


@refusing
def max_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                        indices=None):
    """``Pool2D(mode='max').backward`` after its forward."""
    _max_options(dilation, "indices" if indices is not None else "")
    layer = _pool_layer("max", kernel_size, stride, padding, ceil_mode)
    layer.forward(_nhwc(input))
    return _nchw(layer.backward(_nhwc(grad_output)))


def _avg_options(count_include_pad, divisor_override):
    if not count_include_pad:
        raise NotProvided("numpy-ml's Pool2D averages over the padded window: no count_include_pad=False")
    if divisor_override is not None:
        raise NotProvided("numpy-ml's Pool2D has no divisor_override")


@refusing
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """``Pool2D(kernel_shape, stride, pad, mode='average').forward``."""
    _avg_options(count_include_pad, divisor_override)
    layer = _pool_layer("average", kernel_size, stride, padding, ceil_mode)
    return _nchw(layer.forward(_nhwc(input), retain_derived=False))


@refusing
def avg_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True, divisor_override=None):
    """``Pool2D(mode='average').backward`` after its forward."""
    _avg_options(count_include_pad, divisor_override)
    layer = _pool_layer("average", kernel_size, stride, padding, ceil_mode)
    layer.forward(_nhwc(input))
    return _nchw(layer.backward(_nhwc(grad_output)))


# -- fully connected ---------------------------------------------------------------------------------

def _fc_layer(weight, bias):
    w = np.asarray(weight).T  # torch's (out, in) -> numpy-ml's (in, out)
    b = np.zeros(w.shape[1], w.dtype) if bias is None else np.asarray(bias)
    layer = _L.FullyConnected(w.shape[1])
    layer.n_in = w.shape[0]
    return _holding(layer, {"Z": []}, W=w, b=b.reshape(1, -1))


def _rows(input, n_in):
    """numpy-ml's layer takes (n_ex, n_in): leading axes flattened into rows, restored after."""
    return np.asarray(input).reshape(-1, n_in)


@refusing
def linear(input, weight, bias=None):
    """``FullyConnected(n_out).forward`` with W = weightᵀ, over rows of the flattened leading axes."""
    layer = _fc_layer(weight, bias)
    x = np.asarray(input)
    return layer.forward(_rows(x, layer.n_in), retain_derived=False).reshape(*x.shape[:-1], layer.n_out)


@refusing
def linear_backward(grad_output, input, weight, bias=None):
    """``FullyConnected.backward`` after its forward: (grad_input, grad_weight, grad_bias or None)."""
    layer = _fc_layer(weight, bias)
    x = np.asarray(input)
    layer.forward(_rows(x, layer.n_in))
    dx = layer.backward(np.asarray(grad_output).reshape(-1, layer.n_out))
    db = layer.gradients["b"].reshape(-1)
    return dx.reshape(x.shape), layer.gradients["W"].T, None if bias is None else db


# -- batch normalisation --------------------------------------------------------------------------------

def _bn(input, running_mean, running_var, weight, bias, training, momentum, eps):
    """numpy-ml's BatchNorm2D on (N, C, *rest) as NHWC (N, prod(rest), 1, C): statistics over all but C.

    Its momentum is the old value's weight (Keras's), torch's 1 − momentum; evaluation
    is its frozen layer, which normalises with the running statistics.
    """
    if momentum is None:
        raise NotProvided("numpy-ml's BatchNorm2D has no cumulative average (momentum=None)")
    x = np.asarray(input)
    c = x.shape[1]
    ones, zeros = np.ones(c, x.dtype), np.zeros(c, x.dtype)
    layer = _holding(_L.BatchNorm2D(momentum=1.0 - momentum, epsilon=eps), {},
                     scaler=ones if weight is None else np.asarray(weight),
                     intercept=zeros if bias is None else np.asarray(bias),
                     running_mean=zeros if running_mean is None else np.asarray(running_mean),
                     running_var=ones if running_var is None else np.asarray(running_var))
    layer.in_ch = layer.out_ch = c
    if not training:
        layer.freeze()
    return layer, np.moveaxis(x, 1, -1).reshape(x.shape[0], int(np.prod(x.shape[2:])), 1, c)  # not -1: N may be 0


def _from_nhwc(y, shape):
    return np.moveaxis(y.reshape(shape[0], *shape[2:], shape[1]), -1, 1)


@refusing
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """``BatchNorm2D(momentum=1 − momentum, epsilon=eps).forward``: (output, new running mean, new running var)."""
    layer, x = _bn(input, running_mean, running_var, weight, bias, training, momentum, eps)
    y = _from_nhwc(layer.forward(x), np.shape(input))
    p = layer.parameters
    return (y, None if running_mean is None else p["running_mean"], None if running_var is None else p["running_var"])


@refusing
def batch_norm_backward(grad_output, input, running_mean, running_var, weight=None, bias=None, training=False,
                        momentum=0.1, eps=1e-5):
    """``BatchNorm2D.backward`` after its forward: (grad_input, grad_weight or None, grad_bias or None).

    numpy-ml has no backward pass in evaluation: its frozen layer refuses one.
    """
    if not training:
        raise NotProvided("numpy-ml's BatchNorm2D.backward refuses a frozen (evaluation) layer")
    if isinstance(grad_output, (tuple, list)):
        grad_output = grad_output[0]  # the running statistics' cotangents add nothing
    layer, x = _bn(input, running_mean, running_var, weight, bias, training, momentum, eps)
    layer.forward(x)
    dx = _from_nhwc(layer.backward(np.moveaxis(np.asarray(grad_output), 1, -1).reshape(x.shape)), np.shape(input))
    g = layer.gradients
    return dx, None if weight is None else g["scaler"], None if bias is None else g["intercept"]
