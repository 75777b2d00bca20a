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
from impl.activations.smooth import gelu, gelu_backward, silu, silu_backward, softplus, softplus_backward
from impl.activations.softmax import log_softmax, log_softmax_backward, softmax, softmax_backward
