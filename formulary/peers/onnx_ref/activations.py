"""impl.activations' names, computed by ONNX operators on the reference evaluator.

One node each where ONNX has the operator; softplus's β and threshold, which ONNX's
Softplus lacks, as the nodes ``torch.onnx`` exports for them.  ONNX's float
attributes are float32 (α of LeakyRelu and Elu, Selu's constants, HardSigmoid's 1/6):
that is the peer's own precision, and the float64 checks see it.
"""

from __future__ import annotations

import numpy as np

from formulary.peers.onnx_ref._graph import const, node, run, unary


def sigmoid(input):
    return run(unary("Sigmoid"), input)


def tanh(input):
    return run(unary("Tanh"), input)


def relu(input):
    return run(unary("Relu"), input)


def leaky_relu(input, negative_slope=0.01):
    return run(unary("LeakyRelu", alpha=float(negative_slope)), input)


def prelu(input, weight):
    x, w = np.asarray(input), np.asarray(weight)
    # ONNX broadcasts the slope from the right; torch's per-channel slope is on dim 1 (as torch.onnx reshapes it)
    slope = w.reshape(()) if w.size == 1 else w.reshape((w.size,) + (1,) * max(x.ndim - 2, 0))
    return run(lambda dtype: [node("PRelu", ["x0", "x1"])], x, slope)


def elu(input, alpha=1.0):
    return run(unary("Elu", alpha=float(alpha)), input)


def selu(input):
    return run(unary("Selu"), input)


def gelu(input, approximate="none"):
    return run(unary("Gelu", approximate=approximate), input)


def softplus(input, beta=1.0, threshold=None):
    def graph(dtype):
        nodes = [const("beta", beta, dtype), node("Mul", ["x0", "beta"], "bx"), node("Softplus", ["bx"], "sp")]
        if threshold is None:
            return [*nodes, node("Div", ["sp", "beta"])]
        return [*nodes, node("Div", ["sp", "beta"], "soft"), const("threshold", threshold, dtype),
                node("Greater", ["bx", "threshold"], "linear"), node("Where", ["linear", "x0", "soft"])]

    return run(graph, input)


def silu(input):
    return run(unary("Swish"), input)


def softsign(input):
    return run(unary("Softsign"), input)


def hardsigmoid(input):
    return run(unary("HardSigmoid", alpha=1.0 / 6.0, beta=0.5), input)


def softmax(input, dim):
    return run(unary("Softmax", axis=int(dim)), input)


def log_softmax(input, dim):
    return run(unary("LogSoftmax", axis=int(dim)), input)
