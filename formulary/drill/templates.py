"""Quiz templates, a few per chapter; the validated impl computes every answer.

``level`` is the difficulty: 1 easy (small whole numbers), 2 medium, 3 hard (more
terms, awkward sizes).
"""

from __future__ import annotations

import math

import numpy as np

from formulary.drill.questions import Ask, fmt, template
from impl import recurrent
from impl.activations import gelu, sigmoid, sigmoid_backward, softmax
from impl.basics import perceptron
from impl.conv import conv2d_output_shape, conv2d_output_size
from impl.counting import conv2d_macs, conv2d_params, linear_params
from impl.losses import binary_cross_entropy, cross_entropy, mse_loss
from impl.networks import lenet5, summary, vgg16
from impl.optim import SGD, Adam
from impl.recurrent import rnn_cell
from impl.search import Choice, grid_search


def _vec(rng, n, lo, hi, level):
    digits = 0 if level == 1 else 1
    return [round(rng.uniform(lo, hi), digits) for _ in range(n)]


# -- activations --------------------------------------------------------------------

@template("act.sigmoid.value", "act.sigmoid")
def sigmoid_value(rng, level):
    x = round(rng.uniform(-4, 4), level)
    y = float(sigmoid(np.array(x)))
    return Ask(f"σ(x) for x = {x}?", y, "number",
               f"σ(x) = 1/(1 + e^(−x)) = 1/(1 + e^({fmt(-x)})) = 1/(1 + {fmt(math.exp(-x))}) = {fmt(y)}")


@template("act.sigmoid.derivative", "act.sigmoid")
def sigmoid_derivative(rng, level):
    x = round(rng.uniform(-3, 3), level)
    s = float(sigmoid(np.array(x)))
    d = float(sigmoid_backward(np.array(1.0), np.array(x)))
    return Ask(f"σ′(x) for x = {x}?", d, "number",
               f"σ′(x) = σ(x)(1 − σ(x)) = {fmt(s)} · {fmt(1 - s)} = {fmt(d)}  (never above 0.25)",
               traps=((x * (1 - x), "x(1 − x): the output's formula σ(1 − σ) applied to the input x"),
                      (s, "σ(x) itself, not its derivative")))


@template("act.softmax.component", "act.softmax")
def softmax_component(rng, level):
    n = 3 if level < 3 else 4
    z = [float(v) for v in _vec(rng, n, -2, 3, level)]
    k = rng.randrange(n)
    p = softmax(np.array(z), 0)
    exps = " + ".join(f"e^{fmt(v)}" for v in z)
    return Ask(f"softmax(z)_{k + 1} for z = {z}?", float(p[k]), "number",
               f"softmax(z)_{k + 1} = e^{fmt(z[k])} / ({exps}) = {fmt(math.exp(z[k]))} / "
               f"{fmt(sum(math.exp(v) for v in z))} = {fmt(float(p[k]))}")


@template("act.gelu.value", "act.gelu")
def gelu_value(rng, level):
    x = round(rng.uniform(-3, 3), level)
    y = float(gelu(np.array(x)))
    return Ask(f"GELU(x) (exact, erf form) for x = {x}?", y, "number",
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
    size, c_in, c_out, k, stride, padding = _conv_layer(rng, level)
    h, w = conv2d_output_shape((size, size), k, stride, padding)
    rule = (f"'same': ⌈{size}/{stride}⌉ = {h}" if padding == "same"
            else f"'valid': ⌊({size} − {k})/{stride}⌋ + 1 = {h}")
    return Ask(f"Output shape (H×W×C) of {_conv_text(size, c_in, c_out, k, stride, padding)}?",
               (h, w, c_out), "shape", f"{rule}; channels = number of kernels = {c_out}: {h}x{w}x{c_out}")


@template("cnn.conv.params", "cnn.conv.params")
def conv_params(rng, level):
    size, c_in, c_out, k, stride, padding = _conv_layer(rng, level)
    n = conv2d_params(c_in, c_out, k)
    return Ask(f"Trainable parameters of {_conv_text(size, c_in, c_out, k, stride, padding)} (with bias)?",
               n, "integer", f"k·k·C_in·C_out + C_out = {k}·{k}·{c_in}·{c_out} + {c_out} = {n:,}",
               traps=((n - c_out, "the biases forgotten: one per output channel"),))


@template("cnn.conv.macs", "cnn.conv.macs")
def conv_macs(rng, level):

    size, c_in, c_out, k, stride, padding = _conv_layer(rng, level)
    h, w = conv2d_output_shape((size, size), k, stride, padding)
    n = conv2d_macs(c_in, c_out, k, (h, w))
    return Ask(f"Multiply-accumulates of {_conv_text(size, c_in, c_out, k, stride, padding)}?",
               n, "integer", f"H_out·W_out·C_out·k·k·C_in = {h}·{w}·{c_out}·{k}·{k}·{c_in} = {n:,} (output {h}x{w})")


@template("cnn.fc.params", "cnn.fc.params")
def fc_params(rng, level):
    a, b = rng.choice([5, 10, 84, 120, 512]), rng.choice([10, 84, 100, 1000])
    n = linear_params(a, b)
    return Ask(f"Parameters of a fully connected layer {a} → {b} (with bias)?",
               n, "integer", f"in·out + out = {a}·{b} + {b} = {n:,}",
               traps=((n - b, "the biases forgotten: one per output unit"),))


@template("cnn.pool.output_size", "cnn.pool.max")
def pool_output(rng, level):
    size = rng.choice([7, 13, 28, 55, 112])
    k, s = rng.choice([(2, 2), (3, 2), (3, 1)])
    out = conv2d_output_size(size, k, s)
    return Ask(f"Output side of a {k}×{k} max pool, stride {s}, no padding, on {size}×{size}?",
               out, "integer", f"⌊({size} − {k})/{s}⌋ + 1 = {out}")


# -- neural-network basics -----------------------------------------------------------

@template("nn.perceptron.output", "nn.perceptron")
def perceptron_output(rng, level):
    n = 2 if level < 3 else 3
    w = [float(rng.randint(-3, 3)) for _ in range(n)]
    b = float(rng.randint(-3, 3))
    x = [float(rng.randint(0, 1)) for _ in range(n)]
    y = int(np.asarray(perceptron(np.array(x), np.array(w), np.array(b))).item())
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    terms = " + ".join(f"{xi:g}·({wi:g})" for wi, xi in zip(w, x))
    return Ask(f"Perceptron output (step: 1 if w·x + b > 0 else 0) for w = {w}, b = {b:g}, x = {x}?",
               y, "integer", f"w·x + b = {terms} + {b:g} = {z:g}, so the output is {y}")


# -- losses ------------------------------------------------------------------------------

@template("loss.mse.value", "loss.mse")
def mse_value(rng, level):
    n = 3 if level < 3 else 4
    y_hat, y = _vec(rng, n, -2, 3, level), _vec(rng, n, -2, 3, level)
    loss = float(mse_loss(np.array(y_hat), np.array(y)))
    terms = " + ".join(f"({a:g} − {b:g})²" for a, b in zip(y_hat, y))
    return Ask(f"Mean squared error of predictions ŷ = {y_hat} against targets y = {y}?",
               loss, "number", f"(1/n)·Σ(ŷ − y)² = ({terms})/{n} = {fmt(loss)}")


@template("loss.cross_entropy.value", "loss.cross_entropy")
def cross_entropy_value(rng, level):
    c = 3 if level < 3 else 4
    z = [float(v) for v in _vec(rng, c, -2, 3, level)]
    k = rng.randrange(c)
    loss = float(cross_entropy(np.array([z]), np.array([k])))
    lse = math.log(sum(math.exp(v) for v in z))
    return Ask(f"Cross-entropy loss of logits z = {z} for the true class {k + 1} (natural log)?", loss, "number",
               f"−log softmax(z)_{k + 1} = log Σ e^z − z_{k + 1} = {fmt(lse)} − {fmt(z[k])} = {fmt(loss)}")


@template("loss.bce.value", "loss.bce")
def bce_value(rng, level):
    p = round(rng.uniform(0.05, 0.95), 2)
    y = float(rng.randint(0, 1))
    loss = float(binary_cross_entropy(np.array([p]), np.array([y])))
    return Ask(f"Binary cross-entropy of predicted probability p = {p} for label y = {y:g}?",
               loss, "number", f"−[y log p + (1 − y) log(1 − p)] = −log({p if y else round(1 - p, 2)}) = {fmt(loss)}")


# -- optimisation --------------------------------------------------------------------------

@template("opt.adam.step", "opt.adam")
def adam_step(rng, level):
    theta, g = round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2)
    m, v = round(rng.uniform(-0.5, 0.5), 2), round(rng.uniform(0.01, 0.5), 2)
    t = rng.randint(1, 5) if level > 1 else 1
    if t == 1:
        m, v = 0.0, 0.0
    lr = 0.1
    param = np.array([theta])
    opt = Adam([param], lr=lr)
    opt.load_state_dict({"state": {0: {"step": float(t - 1), "exp_avg": np.array([m]), "exp_avg_sq": np.array([v])}},
                         "param_groups": [{**{k: val for k, val in opt.param_groups[0].items() if k != "params"},
                                           "params": [0]}]})
    opt.step([np.array([g])])
    new = float(param[0])
    m1, v1 = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
    mh, vh = m1 / (1 - 0.9**t), v1 / (1 - 0.999**t)
    return Ask(f"One Adam step (lr 0.1, β1 0.9, β2 0.999, ε 1e-8) at step t = {t}: θ = {theta}, g = {g}, "
               f"previous m = {m}, v = {v}. New θ?", new, "number",
               f"m = 0.9·{m} + 0.1·{g} = {fmt(m1)}; v = 0.999·{v} + 0.001·{g}² = {fmt(v1)}; "
               f"m̂ = m/(1 − 0.9^{t}) = {fmt(mh)}; v̂ = v/(1 − 0.999^{t}) = {fmt(vh)}; "
               f"θ − lr·m̂/(√v̂ + ε) = {theta} − 0.1·{fmt(mh)}/{fmt(math.sqrt(vh))} = {fmt(new)}",
               traps=((theta - lr * m1 / (math.sqrt(v1) + 1e-8), "the known mistake 'no-bias-correction' (Adam "
                       "without bias correction): m and v used instead of m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t)"),))


@template("opt.momentum.step", "opt.momentum")
def momentum_step(rng, level):
    theta, g, buf = round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2), round(rng.uniform(-1, 1), 2)
    param = np.array([theta])
    opt = SGD([param], lr=0.1, momentum=0.9)
    opt.load_state_dict({"state": {0: {"momentum_buffer": np.array([buf])}},
                         "param_groups": [{**{k: val for k, val in opt.param_groups[0].items() if k != "params"},
                                           "params": [0]}]})
    opt.step([np.array([g])])
    b1 = 0.9 * buf + g
    return Ask(f"One SGD-with-momentum step as torch defines it (lr 0.1, momentum 0.9, no dampening): θ = {theta}, "
               f"g = {g}, previous buffer b = {buf}. New θ?", float(param[0]), "number",
               f"b = μb + g = 0.9·{buf} + {g} = {fmt(b1)}; θ − lr·b = {theta} − 0.1·{fmt(b1)} = {fmt(float(param[0]))}")


# -- classic networks ----------------------------------------------------------------

@template("arch.lenet5.connections", "arch.lenet5")
def lenet_connections(rng, level):
    rows = [r for r in summary(lenet5()).rows if r.connections is not None]
    row = rng.choice(rows)
    return Ask(f"LeNet-5 (LeCun et al. 1998), layer {row.name.upper()} ({row.kind}, output {row.output_shape[1:]}): "
               f"how many connections?", row.connections, "integer",
               f"{row.name.upper()}: {row.connections:,} connections (trainable parameters {row.params:,}, "
               f"neurons {row.neurons:,}); for a convolution: (k·k·maps + 1)·kernels·out_h·out_w")


@template("arch.params", "arch.vgg16")
def network_params(rng, level):
    rows = [r for r in summary(vgg16()).rows if r.params]
    row = rng.choice(rows)
    return Ask(f"VGG-16, layer {row.name} ({row.kind}, output {row.output_shape[1:]}): trainable parameters?",
               row.params, "integer", f"{row.name}: {row.params:,} (weights + one bias per output channel or unit)")


# -- hyperparameter search ---------------------------------------------------------

@template("hp.grid.size", "hp.grid")
def grid_size(rng, level):
    sizes = [rng.randint(2, 5) for _ in range(2 if level < 3 else 3)]
    names = ["lr", "width", "depth"][: len(sizes)]
    space = {n: Choice(tuple(range(k))) for n, k in zip(names, sizes)}
    n = len(grid_search(lambda p: 0.0, space).trials)
    lists = ", ".join(f"{name}: {k} values" for name, k in zip(names, sizes))
    return Ask(f"Grid search over {lists}: how many trainings?", n, "integer",
               f"the Cartesian product: {' · '.join(map(str, sizes))} = {n}")


# -- recurrent networks -------------------------------------------------------------

@template("rnn.cell.value", "rnn.cell")
def rnn_cell_value(rng, level):
    x, h = round(rng.uniform(-1, 1), 1), round(rng.uniform(-1, 1), 1)
    w_x, w_h, b = round(rng.uniform(-1, 1), 1), round(rng.uniform(-1, 1), 1), round(rng.uniform(-0.5, 0.5), 1)
    out = float(rnn_cell(np.array([[x]]), np.array([[h]]), np.array([[w_x]]), np.array([[w_h]]),
                         np.array([b]), np.array([0.0]))[0, 0])
    z = w_x * x + w_h * h + b
    return Ask(f"One-unit RNN cell: x_t = {x}, h_(t−1) = {h}, W_ih = {w_x}, W_hh = {w_h}, "
               f"bias {b}. h_t?", out, "number",
                   f"h_t = tanh(W_ih·x + W_hh·h + b) = tanh({w_x}·{x} + {w_h}·{h} + {b}) = "
               f"tanh({fmt(z)}) = {fmt(out)}")


_GATES = {  # name -> (impl function, torch's block index i, f, g, o, formula)
    "forget": ("lstm_forget_gate", 1, "f_t = σ(W_f·[h_(t−1), x_t] + b_f)"),
    "input": ("lstm_input_gate", 0, "i_t = σ(W_i·[h_(t−1), x_t] + b_i)"),
    "output": ("lstm_output_gate", 3, "o_t = σ(W_o·[h_(t−1), x_t] + b_o)"),
}


@template("lstm.gate.value", "lstm.forget_gate")
def lstm_gate_value(rng, level):
    name = rng.choice(sorted(_GATES))
    fn, block, formula = _GATES[name]
    w_h, w_x, b = (round(rng.uniform(-1, 1), 1) for _ in range(3))
    h, x = round(rng.uniform(-1, 1), 1), round(rng.uniform(-1, 1), 1)
    w_ih, w_hh, b_ih = np.zeros((4, 1)), np.zeros((4, 1)), np.zeros(4)
    w_ih[block, 0], w_hh[block, 0], b_ih[block] = w_x, w_h, b
    out = float(getattr(recurrent, fn)(np.array([[x]]), np.array([[h]]), w_ih, w_hh, b_ih, np.zeros(4))[0, 0])
    z = w_h * h + w_x * x + b
    return Ask(f"LSTM {name} gate, one unit: h_(t−1) = {h}, x_t = {x}, "
               f"W = [{w_h}, {w_x}] (acting on [h, x]), b = {b}. Its value?", out, "number",
               f"{formula} = σ({w_h}·{h} + {w_x}·{x} + {b}) = σ({fmt(z)}) = {fmt(out)}",
               topic=f"lstm.{name}_gate")
