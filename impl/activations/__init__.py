"""Activation functions and their backward passes (guide §4), from scratch in NumPy.

Names and signatures follow ``torch.nn.functional`` (without ``inplace``: these
functions never write into their input).  Each ``f_backward(grad_output, input, ...)``
is the vector-Jacobian product: it returns ``grad_output * f'(input)``.

Numerics: transcendental formulas are evaluated in float64 and rounded once to the
input's dtype, and written so that nothing overflows for any finite input and nothing
cancels in the tails (sigmoid from ``exp(-|x|)``, softplus as ``max(z, 0) +
log1p(exp(-|z|))``, GELU through ``erfc`` and ``sigmoid`` instead of ``1 + erf`` and
``1 + tanh``, log-softmax with ``log1p`` of the non-maximal terms).
"""

from impl.activations.clamps import hardtanh, hardtanh_backward, relu6, relu6_backward, threshold, threshold_backward
from impl.activations.gated import glu, glu_backward
from impl.activations.logistic import (
    hardsigmoid,
    hardsigmoid_backward,
    sigmoid,
    sigmoid_backward,
    softsign,
    softsign_backward,
    tanh,
    tanh_backward,
)
from impl.activations.rectifiers import (
    SELU_ALPHA,
    SELU_SCALE,
    elu,
    elu_backward,
    leaky_relu,
    leaky_relu_backward,
    prelu,
    prelu_backward,
    relu,
    relu_backward,
    selu,
    selu_backward,
)
from impl.activations.rrelu import rrelu, rrelu_backward, rrelu_noise
from impl.activations.shrink import (
    hardshrink,
    hardshrink_backward,
    softshrink,
    softshrink_backward,
    tanhshrink,
    tanhshrink_backward,
)
from impl.activations.smooth import gelu, gelu_backward, silu, silu_backward, softplus, softplus_backward
from impl.activations.smooth_extra import (
    celu,
    celu_backward,
    hardswish,
    hardswish_backward,
    logsigmoid,
    logsigmoid_backward,
    mish,
    mish_backward,
)
from impl.activations.softmax import log_softmax, log_softmax_backward, softmax, softmax_backward
from impl.activations.softmin import softmin, softmin_backward
