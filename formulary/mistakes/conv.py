"""Known mistakes of the convolution chapter: what a learner or a careless library writes.

Each is a complete wrong implementation with impl's signature; the catalog names it on
its record, and the suite proves that the record's checks reject it.
"""

from __future__ import annotations

import math

import numpy as np

from impl import conv as C
from impl import counting as K
from impl.conv import _windows, pooling
from impl.conv import training as T
from impl.conv._args import pair


def _a(x):
    return np.asarray(x)


# conv2d ------------------------------------------------------------------------------
def conv2d_flipped_kernel(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The textbook convolution (kernel rotated 180°); frameworks and the guide cross-correlate."""
    return C.conv2d(input, _a(weight)[..., ::-1, ::-1].copy(), bias, stride, padding, dilation, groups)


def conv2d_bias_forgotten(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The bias left out (the guide: 注意不要忘记加偏置)."""
    return C.conv2d(input, weight, None, stride, padding, dilation, groups)


def conv2d_bias_per_channel(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The bias added once per input channel of the kernel instead of once per kernel."""
    out = C.conv2d(input, weight, None, stride, padding, dilation, groups)
    if bias is None:
        return out
    return out + (_a(weight).shape[1] * _a(bias)).reshape(1, -1, 1, 1).astype(out.dtype)


def conv2d_channels_summed_first(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Input channels summed, then convolved with the summed kernel: cross terms x_c·w_c' creep in."""
    x, w = _a(input), _a(weight)
    return C.conv2d(x.sum(axis=1, keepdims=True), w.sum(axis=1, keepdims=True), bias, stride, padding, dilation)


def conv2d_shared_bias(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """One bias (the first kernel's) for every output channel instead of one per kernel."""
    b = None if bias is None else np.full_like(_a(bias), _a(bias)[0])
    return C.conv2d(input, weight, b, stride, padding, dilation, groups)


def conv2d_kernels_reversed(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Output channels stacked in reverse kernel order."""
    return C.conv2d(input, weight, bias, stride, padding, dilation, groups)[:, ::-1].copy()


def conv2d_groups_swapped(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Each group of kernels applied to the wrong group of input channels (the groups reversed)."""
    x = _a(input)
    n, c = x.shape[:2]
    swapped = x.reshape(n, groups, c // groups, *x.shape[2:])[:, ::-1].reshape(x.shape)
    return C.conv2d(np.ascontiguousarray(swapped), weight, bias, stride, padding, dilation, groups)


def _same_pads(x, w, stride, dilation, split):
    (sh, sw), (dh, dw) = pair(stride, "stride", 1), pair(dilation, "dilation", 1)
    pads = []
    for n, k, s, d in ((x.shape[2], w.shape[2], sh, dh), (x.shape[3], w.shape[3], sw, dw)):
        total = max((math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0)
        pads += split(total, k, d)
    return tuple(pads)


def conv2d_same_symmetric(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """'same' as torch-style symmetric padding d(k − 1)/2 on both sides, whatever the stride."""
    if padding != "same":
        return C.conv2d(input, weight, bias, stride, padding, dilation, groups)
    pads = _same_pads(_a(input), _a(weight), stride, dilation, lambda t, k, d: [d * (k - 1) // 2, d * (k - 1) // 2])
    return C.conv2d(input, weight, bias, stride, pads, dilation, groups)


def conv2d_same_extra_first(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """'same' with the odd extra row and column at the top and left (TensorFlow puts them bottom/right)."""
    if padding != "same":
        return C.conv2d(input, weight, bias, stride, padding, dilation, groups)
    pads = _same_pads(_a(input), _a(weight), stride, dilation, lambda t, k, d: [t - t // 2, t // 2])
    return C.conv2d(input, weight, bias, stride, pads, dilation, groups)


def conv2d_pad_tuple_as_f_pad(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """(top, bottom, left, right) read in F.pad's order (left, right, top, bottom)."""
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        left, right, top, bottom = padding
        padding = (top, bottom, left, right)
    return C.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv2d_pad_tuple_symmetric(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """(top, bottom, left, right) taken as symmetric (top, left) padding on both sides."""
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        padding = (padding[0], padding[2])
    return C.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv2d_valid_as_same(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """'valid' still padded to keep the size (k − 1)/2 on each side."""
    if padding == "valid":
        (kh, kw), (dh, dw) = _a(weight).shape[2:], pair(dilation, "dilation", 1)
        padding = (dh * (kh - 1) // 2, dw * (kw - 1) // 2)
    return C.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv2d_stride_dilation_swapped(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """stride and dilation passed in each other's place."""
    return C.conv2d(input, weight, bias, dilation, padding, stride, groups)


def conv2d_dilation_ignored(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """dilation accepted and ignored."""
    return C.conv2d(input, weight, bias, stride, padding, 1, groups)


def conv2d_backward_weight_first_sample(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1,
                                        groups=1):
    """The kernel's gradient from the first image only, not summed over the batch."""
    gi, gw, gb = C.conv2d_backward(grad_output, input, weight, bias, stride, padding, dilation, groups)
    g, x = _a(grad_output), _a(input)
    if x.shape[0] > 1:
        gw = C.conv2d_backward(g[:1], x[:1], weight, bias, stride, padding, dilation, groups)[1]
    return gi, gw, gb


def conv2d_backward_input_unflipped(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The input's gradient spread with the kernel unrotated (a correlation where the VJP needs a convolution)."""
    w = _a(weight)[..., ::-1, ::-1].copy()
    gi = C.conv2d_backward(grad_output, input, w, bias, stride, padding, dilation, groups)[0]
    return (gi, *C.conv2d_backward(grad_output, input, weight, bias, stride, padding, dilation, groups)[1:])


def conv2d_backward_bias_mean(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The bias gradient averaged over positions instead of summed."""
    gi, gw, gb = C.conv2d_backward(grad_output, input, weight, bias, stride, padding, dilation, groups)
    g = _a(grad_output)
    return gi, gw, None if gb is None else g.mean(axis=(0, 2, 3)).astype(g.dtype)


# the NHWC layout ------------------------------------------------------------------------------
def conv2d_nhwc_filters_reshaped(input, filters, bias=None, strides=1, padding="valid", dilations=1):
    """[k, k, C_in, C_out] filters reshaped to (C_out, C_in, k, k) instead of transposed."""
    x, f = _a(input), _a(filters)
    w = f.reshape(f.shape[3], f.shape[2], f.shape[0], f.shape[1])
    nchw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    return C.conv2d(nchw, w, bias, strides, padding, dilations).transpose(0, 2, 3, 1)


def conv2d_nhwc_input_reshaped(input, filters, bias=None, strides=1, padding="valid", dilations=1):
    """The NHWC input reshaped to NCHW instead of transposed."""
    x, f = _a(input), _a(filters)
    xr = x.reshape(x.shape[0], x.shape[3], x.shape[1], x.shape[2])
    w = np.ascontiguousarray(f.transpose(3, 2, 0, 1))
    return C.conv2d(xr, w, bias, strides, padding, dilations).transpose(0, 2, 3, 1)


# output sizes and padding ---------------------------------------------------------------------
def output_size_rounded(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """(n + 2p − d(k − 1) − 1)/s rounded to nearest instead of floored."""
    C.conv2d_output_size(size, kernel_size, stride, padding, dilation, ceil_mode)  # the same argument checks
    return round((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1


def output_size_no_dilation(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """The dilation left out of the formula: (n + 2p − k)/s + 1."""
    return C.conv2d_output_size(size, kernel_size, stride, padding, 1, ceil_mode)


def output_size_ceil_without_rule(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """ceil_mode as a bare ceiling, without torch's rule that drops a window starting in the right padding."""
    if not ceil_mode:
        return C.conv2d_output_size(size, kernel_size, stride, padding, dilation)
    return math.ceil((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1


def same_padding_extra_before(size, kernel_size, stride=1, dilation=1):
    """TensorFlow's total, with the odd extra row/column before (top/left)."""
    before, after = C.same_padding(size, kernel_size, stride, dilation)
    return after, before


def same_padding_ignores_stride(size, kernel_size, stride=1, dilation=1):
    """'same' as the stride-1 padding d(k − 1), whatever the stride."""
    total = dilation * (kernel_size - 1)
    return total // 2, total - total // 2


def output_shape_same_floor(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """'same' giving floor(n / s) instead of ceil(n / s)."""
    if padding != "same":
        return C.conv2d_output_shape(input_size, kernel_size, stride, padding, dilation)
    (h, w), (sh, sw) = pair(input_size, "input_size", 0), pair(stride, "stride", 1)
    return h // sh, w // sw


def output_shape_valid_no_plus_one(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """The guide's 'valid' formula without its + 1: floor((n − k)/s)."""
    return tuple(o - 1 for o in C.conv2d_output_shape(input_size, kernel_size, stride, padding, dilation))


# pooling --------------------------------------------------------------------------------------
def max_pool2d_zero_padding(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """Padded with zeros instead of −∞: a window of negatives at the border returns 0."""
    p = pair(padding, "padding", 0)
    x = np.pad(_a(input), ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    return C.max_pool2d(x, kernel_size, stride, 0, dilation, ceil_mode, return_indices)


def max_pool2d_ceil_ignored(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """ceil_mode accepted and ignored."""
    return C.max_pool2d(input, kernel_size, stride, padding, dilation, False, return_indices)


def max_pool2d_nan_skipped(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                           return_indices=False):
    """NaN skipped (a nanmax) where torch propagates it."""
    x = _a(input)
    return C.max_pool2d(np.where(np.isnan(x), -np.inf, x), kernel_size, stride, padding, dilation, ceil_mode,
                        return_indices)


def max_pool2d_backward_all_ties(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The gradient sent to every element equal to the window's maximum, not to torch's one."""
    x = _a(input)
    k, s = pair(kernel_size, "k", 1), pair(stride if stride is not None else kernel_size, "s", 1)
    p, d = pair(padding, "p", 0), pair(dilation, "d", 1)
    out = C.max_pool2d(x, k, s, p, d, ceil_mode)
    geo = pooling._geometry(x, k, s, p, d, ceil_mode)
    xp = _windows.pad(x, geo.pads, -np.inf)
    win = _windows.windows(xp, k, s, d, geo.out)
    hits = (win == out[..., None, None]) * _a(grad_output)[..., None, None]
    cols = np.ascontiguousarray(hits.transpose(0, 1, 4, 5, 2, 3))
    return _windows.crop(_windows.fold(cols, xp.shape[2:], s, d), geo.pads).astype(x.dtype)


def max_pool2d_backward_last_tie(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Ties broken toward the last maximum in the window (torch keeps the first)."""
    x = _a(input)
    flipped = C.max_pool2d_backward(_a(grad_output)[..., ::-1, ::-1].copy(), x[..., ::-1, ::-1].copy(),
                                    kernel_size, stride, padding, dilation, ceil_mode)
    return np.ascontiguousarray(flipped[..., ::-1, ::-1])


def avg_pool2d_padding_always_counted(input, kernel_size, stride=None, padding=0, ceil_mode=False,
                                      count_include_pad=True, divisor_override=None):
    """count_include_pad ignored: the padding always counted."""
    return C.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, True, divisor_override)


def avg_pool2d_padding_never_counted(input, kernel_size, stride=None, padding=0, ceil_mode=False,
                                     count_include_pad=True, divisor_override=None):
    """count_include_pad ignored: the padding never counted."""
    return C.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, False, divisor_override)


def avg_pool2d_kernel_area(input, kernel_size, stride=None, padding=0, ceil_mode=False,
                           count_include_pad=True, divisor_override=None):
    """Always divided by k_h·k_w, even for a window clipped by ceil_mode or (without count_include_pad) the border."""
    k = pair(kernel_size, "k", 1)
    return C.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override if divisor_override is not None else k[0] * k[1])


def avg_pool2d_override_ignored(input, kernel_size, stride=None, padding=0, ceil_mode=False,
                                count_include_pad=True, divisor_override=None):
    """divisor_override accepted and ignored."""
    return C.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d_backward_undivided(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                                  count_include_pad=True, divisor_override=None):
    """Each window's gradient copied to its elements without the 1/D."""
    return C.avg_pool2d_backward(grad_output, input, kernel_size, stride, padding, ceil_mode, count_include_pad, 1)


# linear ------------------------------------------------------------------------------------
def linear_bias_forgotten(input, weight, bias=None):
    """y = x Wᵀ without b."""
    return C.linear(input, weight)


def linear_bias_twice(input, weight, bias=None):
    """The bias added once per input feature (Σ_i (x_i w_oi + b_o))."""
    out = C.linear(input, weight)
    return out if bias is None else out + _a(weight).shape[1] * _a(bias)


def linear_backward_weight_transposed(grad_output, input, weight, bias=None):
    """The weight's gradient as xᵀg, (in, out), where torch's weight is (out, in)."""
    gi, gw, gb = C.linear_backward(grad_output, input, weight, bias)
    x, g = _a(input), _a(grad_output)
    return gi, x.reshape(-1, x.shape[-1]).T @ g.reshape(-1, g.shape[-1]), gb


def linear_backward_bias_mean(grad_output, input, weight, bias=None):
    """The bias gradient averaged over the rows instead of summed."""
    gi, gw, gb = C.linear_backward(grad_output, input, weight, bias)
    g = _a(grad_output)
    return gi, gw, None if gb is None else g.reshape(-1, g.shape[-1]).mean(axis=0).astype(g.dtype)


# batch_norm ----------------------------------------------------------------------------------
def _bn_with(input, running_mean, running_var, weight, bias, training, momentum, eps, *, unbiased_update=True,
             keras_momentum=False, batch_stats_in_eval=False, eps_outside=False, unbiased_normalisation=False):
    x = _a(input).astype(np.float64)
    axes = (0, *range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    use_batch = training or batch_stats_in_eval
    if use_batch:
        mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=1 if unbiased_normalisation else 0)
    else:
        mean, var = _a(running_mean).astype(np.float64), _a(running_var).astype(np.float64)
    std = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
    out = (x - mean.reshape(shape)) / std.reshape(shape)
    if weight is not None:
        out = out * _a(weight).reshape(shape)
    if bias is not None:
        out = out + _a(bias).reshape(shape)
    dt = _a(input).dtype
    if running_mean is None:
        return out.astype(dt), None, None
    if not training:
        return out.astype(dt), _a(running_mean).copy(), _a(running_var).copy()
    batch_var = x.var(axis=axes, ddof=1 if unbiased_update else 0)
    keep = momentum if keras_momentum else 1 - momentum
    new_mean = keep * running_mean + (1 - keep) * mean
    new_var = keep * running_var + (1 - keep) * batch_var
    return out.astype(dt), new_mean.astype(dt), new_var.astype(dt)


def batch_norm_biased_running_var(input, running_mean, running_var, weight=None, bias=None, training=False,
                                  momentum=0.1, eps=1e-5):
    """The running variance updated with the biased batch variance (torch uses n/(n − 1))."""
    return _bn_with(input, running_mean, running_var, weight, bias, training, momentum, eps, unbiased_update=False)


def batch_norm_keras_momentum(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                              eps=1e-5):
    """Keras's momentum (the weight of the old value) in torch's place (the weight of the new batch)."""
    return _bn_with(input, running_mean, running_var, weight, bias, training, momentum, eps, keras_momentum=True)


def batch_norm_batch_stats_in_eval(input, running_mean, running_var, weight=None, bias=None, training=False,
                                   momentum=0.1, eps=1e-5):
    """Evaluation mode normalising with the batch's statistics instead of the running ones."""
    return _bn_with(input, running_mean, running_var, weight, bias, training, momentum, eps, batch_stats_in_eval=True)


def batch_norm_eps_outside_sqrt(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                                eps=1e-5):
    """(x − μ)/(σ + ε) instead of (x − μ)/√(σ² + ε)."""
    return _bn_with(input, running_mean, running_var, weight, bias, training, momentum, eps, eps_outside=True)


def batch_norm_unbiased_normalisation(input, running_mean, running_var, weight=None, bias=None, training=False,
                                      momentum=0.1, eps=1e-5):
    """The batch normalised with the unbiased variance (torch normalises with the biased one)."""
    return _bn_with(input, running_mean, running_var, weight, bias, training, momentum, eps,
                    unbiased_normalisation=True)


def batch_norm_backward_no_stat_terms(grad_output, input, running_mean, running_var, weight=None, bias=None,
                                      training=False, momentum=0.1, eps=1e-5):
    """In training, dx = g·γ/σ: the batch mean's and variance's dependence on x forgotten."""
    return C.batch_norm_backward(grad_output, input, *_batch_stats(input, running_mean, running_var, training),
                                 weight, bias, False, momentum, eps)


def _batch_stats(input, running_mean, running_var, training):
    x = _a(input)
    if not training or x.size == 0:
        return running_mean, running_var
    axes = (0, *range(2, x.ndim))
    return x.mean(axis=axes).astype(x.dtype), x.var(axis=axes).astype(x.dtype)


# counting ------------------------------------------------------------------------------------
def conv2d_params_bias_forgotten(in_channels, out_channels, kernel_size, groups=1, bias=True):
    """k·k·C_in·C_out without the C_out biases."""
    return K.conv2d_params(in_channels, out_channels, kernel_size, groups, False)


def conv2d_params_groups_ignored(in_channels, out_channels, kernel_size, groups=1, bias=True):
    """Every kernel as deep as the whole input, whatever groups says."""
    return K.conv2d_params(in_channels, out_channels, kernel_size, 1, bias)


def conv2d_params_bias_per_input_channel(in_channels, out_channels, kernel_size, groups=1, bias=True):
    """One bias per input channel of every kernel."""
    return K.conv2d_params(in_channels, out_channels, kernel_size, groups, False) + (in_channels * out_channels if bias
                                                                                     else 0)


def conv2d_macs_as_flops(in_channels, out_channels, kernel_size, output_size, groups=1):
    """Two per product: FLOPs reported as MACs."""
    return 2 * K.conv2d_macs(in_channels, out_channels, kernel_size, output_size, groups)


def conv2d_macs_groups_ignored(in_channels, out_channels, kernel_size, output_size, groups=1):
    """Every output summing over all input channels, whatever groups says."""
    return K.conv2d_macs(in_channels, out_channels, kernel_size, output_size, 1)


def conv2d_macs_bias_counted(in_channels, out_channels, kernel_size, output_size, groups=1):
    """The bias counted as one more MAC per output."""
    h, w = pair(output_size, "output_size", 0)
    return K.conv2d_macs(in_channels, out_channels, kernel_size, output_size, groups) + h * w * out_channels


def conv2d_flops_as_macs(in_channels, out_channels, kernel_size, output_size, groups=1, bias=True, convention="torch"):
    """FLOPs counted as MACs (one per product) in torch's convention."""
    if convention != "torch":
        return K.conv2d_flops(in_channels, out_channels, kernel_size, output_size, groups, bias, convention)
    return K.conv2d_macs(in_channels, out_channels, kernel_size, output_size, groups)


def conv2d_flops_bias_in_torch(in_channels, out_channels, kernel_size, output_size, groups=1, bias=True,
                               convention="torch"):
    """The bias additions counted in torch's convention (FlopCounterMode does not count them)."""
    out = K.conv2d_flops(in_channels, out_channels, kernel_size, output_size, groups, bias, convention)
    if convention == "torch" and bias:
        h, w = pair(output_size, "output_size", 0)
        out += h * w * out_channels
    return out


def conv2d_flops_guide_channel_sum(in_channels, out_channels, kernel_size, output_size, groups=1, bias=True,
                                   convention="torch"):
    """The guide's formula with C_in additions across channels instead of C_in − 1."""
    out = K.conv2d_flops(in_channels, out_channels, kernel_size, output_size, groups, bias, convention)
    if convention == "guide":
        h, w = pair(output_size, "output_size", 0)
        out += h * w * out_channels
    return out


def linear_params_bias_forgotten(in_features, out_features, bias=True):
    """in·out without the out biases."""
    return K.linear_params(in_features, out_features, False)


def linear_params_bias_per_input(in_features, out_features, bias=True):
    """One bias per input feature instead of per output."""
    return K.linear_params(in_features, out_features, False) + (in_features if bias else 0)


def linear_macs_as_flops(in_features, out_features, batch=1):
    """Two per product."""
    return 2 * K.linear_macs(in_features, out_features, batch)


def linear_macs_batch_ignored(in_features, out_features, batch=1):
    """One row counted, whatever the batch."""
    return K.linear_macs(in_features, out_features, 1)


def linear_flops_as_macs(in_features, out_features, batch=1, bias=True, convention="torch"):
    """FLOPs counted as MACs in torch's convention."""
    if convention != "torch":
        return K.linear_flops(in_features, out_features, batch, bias, convention)
    return K.linear_macs(in_features, out_features, batch)


def linear_flops_guide_as_torch(in_features, out_features, batch=1, bias=True, convention="torch"):
    """The guide's 60 for the 5 → 10 layer 'corrected' to torch's 100: the guide's own convention lost."""
    return K.linear_flops(in_features, out_features, batch, bias, "torch" if convention == "guide" else convention)


def batchnorm_params_with_buffers(num_features, affine=True):
    """The running mean and variance counted as parameters: 4C."""
    return K.batchnorm_params(num_features, affine) + 2 * num_features


def batchnorm_params_one_per_channel(num_features, affine=True):
    """Only γ counted: C."""
    return K.batchnorm_params(num_features, affine) // 2


# training ------------------------------------------------------------------------------------
def sgd_step_ascent(params, grads, lr):
    """w + η∇L: a step up the loss."""
    return T.sgd_step(params, {k: -g for k, g in grads.items()}, lr)


def load_reinitialised(file):
    """The saved file ignored and the network initialised afresh (guide step 9 says: no re-initialisation)."""
    params = T.load(file)
    return T.init_params(1, **T.architecture(params))


def loss_and_grads_summed(params, images, labels):
    """Gradients of the summed loss while reporting the mean loss: every gradient N times too big."""
    loss, grads = T.loss_and_grads(params, images, labels)
    return loss, {k: g * len(images) for k, g in grads.items()}


def init_params_constant(seed, in_channels=1, channels=4, kernel_size=3, image_size=8, classes=2, scale=0.1):
    """Every weight the same small number: the units start (and stay) identical."""
    params = T.init_params(seed, in_channels, channels, kernel_size, image_size, classes, scale)
    return {k: np.full_like(v, scale) if k.endswith("weight") else v for k, v in params.items()}


def init_params_reseeded_per_unit(seed, in_channels=1, channels=4, kernel_size=3, image_size=8, classes=2, scale=0.1):
    """Each kernel drawn from a freshly seeded generator: every kernel (and unit) comes out the same."""
    params = T.init_params(seed, in_channels, channels, kernel_size, image_size, classes, scale)
    w = params["conv.weight"]
    kernel = scale * np.random.default_rng(seed).standard_normal(w.shape[1:])
    fc = params["fc.weight"].reshape(classes, channels, -1)
    fc = np.broadcast_to(fc[:, :1], fc.shape).reshape(classes, -1)
    return {**params, "conv.weight": np.broadcast_to(kernel, w.shape).copy(), "fc.weight": fc.copy()}


def conv_padding_same_symmetric(padding, input_size, kernel_size, stride=1, dilation=1):
    """'same' as d(k − 1)/2 zeros on every side, whatever the stride (torch's stride-1 rule, floored)."""
    if padding != "same":
        return C.conv_padding(padding, input_size, kernel_size, stride, dilation)
    (kh, kw), (dh, dw) = pair(kernel_size, "kernel_size", 1), pair(dilation, "dilation", 1)
    ph, pw = dh * (kh - 1) // 2, dw * (kw - 1) // 2
    return ph, ph, pw, pw
