"""Quiz templates, a few per chapter; the validated impl computes every answer.

``level`` is the difficulty: 1 easy (small whole numbers), 2 medium, 3 hard (more
terms, awkward sizes).
"""

from __future__ import annotations

import math

import numpy as np

from formulary.drill.questions import Question, fmt, template


def _vec(rng, n, lo, hi, level):
    digits = 0 if level == 1 else 1
    return [round(rng.uniform(lo, hi), digits) for _ in range(n)]


# -- activations --------------------------------------------------------------------

@template("act.sigmoid.value", "act.sigmoid")
def sigmoid_value(rng, level):
    from impl.activations import sigmoid

    x = round(rng.uniform(-4, 4), level)
    y = float(sigmoid(np.array(x)))
    return Question("act.sigmoid.value", "act.sigmoid", f"σ(x) for x = {x}?", y, "number",
                    f"σ(x) = 1/(1 + e^(−x)) = 1/(1 + e^({fmt(-x)})) = 1/(1 + {fmt(math.exp(-x))}) = {fmt(y)}")


@template("act.sigmoid.derivative", "act.sigmoid")
def sigmoid_derivative(rng, level):
    from impl.activations import sigmoid, sigmoid_backward

    x = round(rng.uniform(-3, 3), level)
    s = float(sigmoid(np.array(x)))
    d = float(sigmoid_backward(np.array(1.0), np.array(x)))
    return Question("act.sigmoid.derivative", "act.sigmoid", f"σ′(x) for x = {x}?", d, "number",
                    f"σ′(x) = σ(x)(1 − σ(x)) = {fmt(s)} · {fmt(1 - s)} = {fmt(d)}  (never above 0.25)")


@template("act.softmax.component", "act.softmax")
def softmax_component(rng, level):
    from impl.activations import softmax

    n = 3 if level < 3 else 4
    z = [float(v) for v in _vec(rng, n, -2, 3, level)]
    k = rng.randrange(n)
    p = softmax(np.array(z), 0)
    exps = " + ".join(f"e^{fmt(v)}" for v in z)
    return Question("act.softmax.component", "act.softmax", f"softmax(z)_{k + 1} for z = {z}?", float(p[k]), "number",
                    f"softmax(z)_{k + 1} = e^{fmt(z[k])} / ({exps}) = {fmt(math.exp(z[k]))} / "
                    f"{fmt(sum(math.exp(v) for v in z))} = {fmt(float(p[k]))}")


@template("act.gelu.value", "act.gelu")
def gelu_value(rng, level):
    from impl.activations import gelu

    x = round(rng.uniform(-3, 3), level)
    y = float(gelu(np.array(x)))
    return Question("act.gelu.value", "act.gelu", f"GELU(x) (exact, erf form) for x = {x}?", y, "number",
                    f"GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2)) = ½·{x}·(1 + {fmt(math.erf(x / math.sqrt(2)))}) = {fmt(y)}")


# -- convolution and counting --------------------------------------------------------

def _conv_layer(rng, level):
    size = rng.choice([28, 32, 56, 64] if level < 3 else [27, 31, 57, 100])
    c_in = rng.choice([1, 3, 16])
    c_out = rng.choice([16, 32, 48, 64, 100])
    k = rng.choice([1, 3, 5] if level > 1 else [3])
    stride = rng.choice([1, 2] if level > 1 else [1])
    padding = rng.choice(["same", "valid"])
    return size, c_in, c_out, k, stride, padding


def _conv_text(size, c_in, c_out, k, stride, padding):
    return f"Conv2D({c_out}, {k}, stride {stride}, '{padding}') on a {size}×{size}×{c_in} input"


@template("cnn.conv.output_shape", "cnn.pad.same")
def conv_output_shape(rng, level):
    from impl.conv import conv2d_output_shape

    size, c_in, c_out, k, stride, padding = _conv_layer(rng, level)
    h, w = conv2d_output_shape((size, size), k, stride, padding)
    rule = (f"'same': ⌈{size}/{stride}⌉ = {h}" if padding == "same"
            else f"'valid': ⌊({size} − {k})/{stride}⌋ + 1 = {h}")
    return Question("cnn.conv.output_shape", "cnn.pad.same", f"Output shape (H×W×C) of {_conv_text(size, c_in, c_out, k, stride, padding)}?",
                    (h, w, c_out), "shape", f"{rule}; channels = number of kernels = {c_out}: {h}x{w}x{c_out}")


@template("cnn.conv.params", "cnn.conv.params")
def conv_params(rng, level):
    from impl.counting import conv2d_params

    size, c_in, c_out, k, stride, padding = _conv_layer(rng, level)
    n = conv2d_params(c_in, c_out, k)
    return Question("cnn.conv.params", "cnn.conv.params", f"Trainable parameters of {_conv_text(size, c_in, c_out, k, stride, padding)} (with bias)?",
                    n, "integer", f"k·k·C_in·C_out + C_out = {k}·{k}·{c_in}·{c_out} + {c_out} = {n:,}")


@template("cnn.conv.macs", "cnn.conv.macs")
def conv_macs(rng, level):
    from impl.conv import conv2d_output_shape
    from impl.counting import conv2d_macs

    size, c_in, c_out, k, stride, padding = _conv_layer(rng, level)
    h, w = conv2d_output_shape((size, size), k, stride, padding)
    n = conv2d_macs(c_in, c_out, k, (h, w))
    return Question("cnn.conv.macs", "cnn.conv.macs", f"Multiply-accumulates of {_conv_text(size, c_in, c_out, k, stride, padding)}?",
                    n, "integer", f"H_out·W_out·C_out·k·k·C_in = {h}·{w}·{c_out}·{k}·{k}·{c_in} = {n:,} (output {h}x{w})")


@template("cnn.fc.params", "cnn.fc.params")
def fc_params(rng, level):
    from impl.counting import linear_params

    a, b = rng.choice([5, 10, 84, 120, 512]), rng.choice([10, 84, 100, 1000])
    n = linear_params(a, b)
    return Question("cnn.fc.params", "cnn.fc.params", f"Parameters of a fully connected layer {a} → {b} (with bias)?",
                    n, "integer", f"in·out + out = {a}·{b} + {b} = {n:,}")


@template("cnn.pool.output_size", "cnn.pool.max")
def pool_output(rng, level):
    from impl.conv import conv2d_output_size

    size = rng.choice([7, 13, 28, 55, 112])
    k, s = rng.choice([(2, 2), (3, 2), (3, 1)])
    out = conv2d_output_size(size, k, s)
    return Question("cnn.pool.output_size", "cnn.pool.max", f"Output side of a {k}×{k} max pool, stride {s}, no padding, on {size}×{size}?",
                    out, "integer", f"⌊({size} − {k})/{s}⌋ + 1 = {out}")


# -- neural-network basics -----------------------------------------------------------

@template("nn.perceptron.output", "nn.perceptron")
def perceptron_output(rng, level):
    from impl.basics import perceptron

    n = 2 if level < 3 else 3
    w = [float(rng.randint(-3, 3)) for _ in range(n)]
    b = float(rng.randint(-3, 3))
    x = [float(rng.randint(0, 1)) for _ in range(n)]
    y = int(np.asarray(perceptron(np.array(x), np.array(w), np.array(b))).item())
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    terms = " + ".join(f"{xi:g}·({wi:g})" for wi, xi in zip(w, x))
    return Question("nn.perceptron.output", "nn.perceptron", f"Perceptron output (step: 1 if w·x + b > 0 else 0) for w = {w}, b = {b:g}, x = {x}?",
                    y, "integer", f"w·x + b = {terms} + {b:g} = {z:g}, so the output is {y}")
