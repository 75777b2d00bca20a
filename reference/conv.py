"""The convolution chapter through ``torch.nn.functional``: the reference for impl.conv.

Where torch has the formula it is called directly.  Where it lacks one -- TensorFlow's
'same' at a stride above 1, the guide's (top, bottom, left, right) padding, the NHWC
layout -- it is composed from torch ops (``F.pad`` then ``F.conv2d``), with the
padding computed from TensorFlow's documented rule, independently of impl.
Output sizes are read off torch itself: the shape of a convolution (or pooling) of a
``meta`` tensor, which allocates nothing.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F


def _two(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def same_padding(size, kernel_size, stride=1, dilation=1):
    """TensorFlow's rule as its documentation states it (tf.nn.convolution, 'same')."""
    extent = dilation * (kernel_size - 1) + 1
    total = max(extent - (size % stride if size % stride else stride), 0)
    return total // 2, total - total // 2


def conv_padding(padding, input_size, kernel_size, stride=1, dilation=1):
    """(top, bottom, left, right): 'same' by TensorFlow's documented rule, an int or (h, w) on both sides as torch
    pads, the guide's 4-tuple as it stands."""
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        (h, w), (kh, kw), (sh, sw), (dh, dw) = (_two(v) for v in (input_size, kernel_size, stride, dilation))
        return (*same_padding(h, kh, sh, dh), *same_padding(w, kw, sw, dw))
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        return tuple(padding)
    ph, pw = (padding[0], padding[0]) if isinstance(padding, (tuple, list)) and len(padding) == 1 else _two(padding)
    return ph, ph, pw, pw


def _explicit(padding, hw, kernel, stride, dilation):
    """(top, bottom, left, right) for 'same' at any stride and for 4-tuples; None otherwise."""
    if padding == "same" and _two(stride) != (1, 1):
        (h, w), (kh, kw), (sh, sw), (dh, dw) = hw, kernel, _two(stride), _two(dilation)
        return (*same_padding(h, kh, sh, dh), *same_padding(w, kw, sw, dw))
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        return tuple(padding)
    return None


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    pads = _explicit(padding, input.shape[-2:], weight.shape[2:], stride, dilation)  # (C, H, W) unbatched too
    if pads is None:
        with warnings.catch_warnings():  # torch's note that 'same' with an even kernel copies the input
            warnings.filterwarnings("ignore", message="Using padding='same'")
            return F.conv2d(input, weight, bias, stride, padding, dilation, groups)
    top, bottom, left, right = pads
    return F.conv2d(F.pad(input, (left, right, top, bottom)), weight, bias, stride, 0, dilation, groups)


def conv2d_nhwc(input, filters, bias=None, strides=1, padding="valid", dilations=1):
    out = conv2d(input.permute(0, 3, 1, 2), filters.permute(3, 2, 0, 1), bias, strides, padding, dilations)
    return out.permute(0, 2, 3, 1)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def linear(input, weight, bias=None):
    return F.linear(input, weight, bias)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """F.batch_norm on copies of the running statistics, returned after its in-place update."""
    mean = None if running_mean is None else running_mean.clone()
    var = None if running_var is None else running_var.clone()
    return F.batch_norm(input, mean, var, weight, bias, training, momentum, eps), mean, var


# -- output sizes, read off torch on the meta device ------------------------------------

def _meta(*shape):
    return torch.empty(shape, device="meta")


def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """One axis: the height of torch's conv2d output (max_pool2d's when ceil_mode, where only pooling has it)."""
    if ceil_mode:
        out = F.max_pool2d(_meta(1, 1, size, 1), (kernel_size, 1), (stride, 1), (padding, 0), (dilation, 1), True)
    else:
        out = F.conv2d(_meta(1, 1, size, 1), _meta(1, 1, kernel_size, 1), None, (stride, 1), (padding, 0),
                       (dilation, 1))
    return out.shape[2]


def conv2d_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    (h, w), (kh, kw) = _two(input_size), _two(kernel_size)
    return tuple(conv2d(_meta(1, 1, h, w), _meta(1, 1, kh, kw), None, stride, padding, dilation).shape[2:])
