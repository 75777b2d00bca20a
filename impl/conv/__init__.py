"""The convolution chapter (guide §7): conv2d, padding and output sizes, pooling,
fully connected layers and batch normalisation, with their backward passes.

NCHW and torch's signatures throughout, plus the guide's TensorFlow conventions
('same' at any stride, explicit (top, bottom, left, right) padding, NHWC layout).
The guide's training procedure on a small CNN is :mod:`impl.conv.training`.
"""

from impl.conv.batchnorm import batch_norm, batch_norm_backward
from impl.conv.conv2d import conv2d, conv2d_backward, conv2d_nhwc
from impl.conv.linear import linear, linear_backward
from impl.conv.pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from impl.conv.sizes import conv2d_output_shape, conv2d_output_size, conv_padding, same_padding

__all__ = [
    "batch_norm", "batch_norm_backward", "linear", "linear_backward",
    "conv2d", "conv2d_backward", "conv2d_nhwc",
    "avg_pool2d", "avg_pool2d_backward", "max_pool2d", "max_pool2d_backward",
    "conv2d_output_shape", "conv2d_output_size", "conv_padding", "same_padding"]
