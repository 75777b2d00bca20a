r"""Neural-network basics (guide §2): the perceptron, the multi-layer perceptron,
backpropagation and a training loop, from scratch in NumPy.

Layout and names follow ``torch.nn.Linear``: a layer's weight is ``(out_features,
in_features)`` and maps a batch ``(N, in_features)`` to ``x W^T + b``.  An MLP is a
list of such weights and a list of biases; every hidden layer applies the same
activation (a name from :data:`ACTIVATIONS`), the output layer its own (identity by
default).

Backpropagation, which the guide leaves unfinished (§2.3 "此部分待更新"), is written
out in :func:`mlp_backward`.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from impl import activations
from impl._checks import float_array, positive_int, real


def _identity(x):
    return x


def _identity_backward(grad_output, input):
    return grad_output


# name -> (f, f_backward(grad_output, z)): the element-wise activations an MLP may use
ACTIVATIONS = {
    "identity": (_identity, _identity_backward),
    "relu": (activations.relu, activations.relu_backward),
    "tanh": (activations.tanh, activations.tanh_backward),
    "sigmoid": (activations.sigmoid, activations.sigmoid_backward),
}


# -- the perceptron ------------------------------------------------------------------

def step(input):
    r"""The perceptron's threshold: 1 where the input is positive, 0 elsewhere.

    .. math:: \operatorname{step}(s) = \begin{cases} 1 & s > 0 \\ 0 & s \le 0 \end{cases}

    NaN stays NaN: a perceptron fed NaN has no output, it is not a 0.
    """
    s = float_array(input, "input")
    return np.where(np.isnan(s), s, (s > 0).astype(s.dtype)).astype(s.dtype)


def _perceptron_args(input, weight, bias):
    x = float_array(input, "input")
    w = float_array(weight, "weight")
    if x.ndim not in (1, 2):
        raise ValueError(f"input must be (in_features,) or (N, in_features), got shape {x.shape}")
    if w.shape != (x.shape[-1],):
        raise ValueError(f"weight has shape {w.shape}, expected ({x.shape[-1]},) for the input's {x.shape[-1]} "
                         f"features")
    if w.dtype != x.dtype:
        raise TypeError(f"weight has dtype {w.dtype}, expected the input's dtype {x.dtype}")
    scalar_array = isinstance(bias, np.ndarray) and bias.shape == () and bias.dtype.kind == "f"
    if isinstance(bias, bool) or not (isinstance(bias, numbers.Real) or scalar_array):
        raise TypeError(f"bias must be a real number or a 0-d float array, got {type(bias).__name__}")
    return x, w, x.dtype.type(bias)


def perceptron(input, weight, bias):
    r"""Rosenblatt's perceptron (1957): a weighted sum and a threshold.

    .. math:: y = \operatorname{step}\Bigl(\sum_i w_i x_i + b\Bigr)

    ``input`` is one sample ``(in_features,)`` or a batch ``(N, in_features)``.
    With ``w = (-2, -2)``, ``b = 3`` it is the guide's NAND gate.
    """
    x, w, b = _perceptron_args(input, weight, bias)
    return step(x @ w + b)


class PerceptronFit(NamedTuple):
    weight: np.ndarray
    bias: float
    updates: int  # how many mistakes the rule corrected
    converged: bool  # an epoch went by without a mistake


def _train_args(input, target, lr, max_epochs):
    """perceptron_train's arguments, checked."""
    x = float_array(input, "input")
    y = float_array(target, "target")
    if x.ndim != 2:
        raise ValueError(f"input must be (N, in_features), got shape {x.shape}")
    if y.shape != x.shape[:1]:
        raise ValueError(f"target has shape {y.shape}, expected ({x.shape[0]},) for {x.shape[0]} samples")
    if not np.isfinite(x).all():
        raise ValueError("input must be finite")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("target must hold 0 and 1 only")
    eta = real(lr, "lr")
    if not eta > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    epochs = positive_int(max_epochs, "max_epochs")
    return x, y, eta, epochs


def perceptron_train(input, target, lr=1.0, max_epochs=1000):
    r"""Rosenblatt's learning rule, one sample at a time, in the order given.

    Starting from :math:`w = 0, b = 0`, for each sample whose output is wrong:

    .. math:: w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y)

    Training stops after an epoch without a mistake (``converged``) or after
    ``max_epochs``.  On linearly separable data it converges after at most
    :math:`(R/\gamma)^2` updates (Novikoff 1962), :math:`R` the largest
    :math:`\lVert(x, 1)\rVert` and :math:`\gamma` the margin of a separating
    :math:`(w, b)` of unit norm.
    """
    x, y, eta, epochs = _train_args(input, target, lr, max_epochs)
    w, b = np.zeros(x.shape[1], x.dtype), x.dtype.type(0)
    updates = 0
    for _ in range(epochs):
        start, clean = 0, True
        while start < len(x):
            # the weights change only at a mistake: find the next one in one pass
            wrong = np.flatnonzero(step(x[start:] @ w + b) != y[start:])
            if wrong.size == 0:
                break
            i = start + wrong[0]
            delta = x.dtype.type(eta * (2 * y[i] - 1))  # at a mistake ŷ = 1 − y, so y − ŷ = 2y − 1
            w, b = w + delta * x[i], b + delta
            updates, clean, start = updates + 1, False, i + 1
        if clean:
            return PerceptronFit(w, float(b), updates, True)
    return PerceptronFit(w, float(b), updates, False)


# -- the multi-layer perceptron ------------------------------------------------------

def _activation(name, argument: str):
    if not isinstance(name, str):
        raise TypeError(f"{argument} must be one of {sorted(ACTIVATIONS)}, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"{argument}={name!r} is not one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _layers(weights, biases, fan_in=None, dtype=None):
    """The layers' arrays, checked: each weight (out, fan_in of the layer below), each bias (out,),
    all of one dtype (the first weight's, unless given)."""
    if not isinstance(weights, (list, tuple)) or not isinstance(biases, (list, tuple)):
        raise TypeError("weights and biases must be lists of arrays, one per layer")
    if len(weights) == 0 or len(weights) != len(biases):
        raise ValueError(f"weights and biases must be non-empty and of equal length, got {len(weights)} and "
                         f"{len(biases)}")
    ws, bs = [], []
    for i, (w, b) in enumerate(zip(weights, biases)):
        w, b = float_array(w, f"weights[{i}]"), float_array(b, f"biases[{i}]")
        dtype = w.dtype if dtype is None else dtype
        if w.dtype != dtype or b.dtype != dtype:
            raise TypeError(f"weights[{i}] and biases[{i}] must have dtype {dtype}, got {w.dtype} and {b.dtype}")
        if w.ndim != 2 or (fan_in is not None and w.shape[1] != fan_in):
            raise ValueError(f"weights[{i}] has shape {w.shape}, expected (out_features, {fan_in})")
        if b.shape != (w.shape[0],):
            raise ValueError(f"biases[{i}] has shape {b.shape}, expected ({w.shape[0]},)")
        ws.append(w)
        bs.append(b)
        fan_in = w.shape[0]
    return ws, bs


def _mlp_args(input, weights, biases):
    x = float_array(input, "input")
    if x.ndim != 2:
        raise ValueError(f"input must be (N, in_features), got shape {x.shape}")
    return (x, *_layers(weights, biases, x.shape[1], x.dtype))


def _forward(x, weights, biases, activation, output_activation):
    """The pre-activations z^l and activations a^l of every layer (a^0 = x)."""
    hidden, out = _activation(activation, "activation"), _activation(output_activation, "output_activation")
    zs, acts = [], [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        f = out[0] if i == len(weights) - 1 else hidden[0]
        zs.append(acts[-1] @ w.T + b)
        acts.append(f(zs[-1]))
    return zs, acts


def mlp_forward(input, weights, biases, activation="tanh", output_activation="identity"):
    r"""Forward propagation through a fully connected network, layer by layer.

    .. math::

        a^0 = x, \qquad z^l = a^{l-1} W^{l\top} + b^l, \qquad
        a^l = f(z^l)\ (l < L), \qquad \hat y = a^L = f_L(z^L)

    Each neuron is the activation of a weighted sum of every neuron of the layer
    below plus its bias; any depth (``len(weights)``), any widths, several outputs.
    """
    x, ws, bs = _mlp_args(input, weights, biases)
    return _forward(x, ws, bs, activation, output_activation)[1][-1]


def _backward(grad_output, zs, acts, weights, activation, output_activation, input_grad=True):
    hidden, out = _activation(activation, "activation"), _activation(output_activation, "output_activation")
    delta = out[1](grad_output, zs[-1])  # δ^L = g ⊙ f_L'(z^L)
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grad_w[l] = delta.T @ acts[l]  # ∂L/∂W^l = δ^{l⊤} a^{l-1} (acts[l] is a^{l-1})
        grad_b[l] = delta.sum(axis=0)  # ∂L/∂b^l = Σ_n δ^l_n
        if l > 0:
            delta = hidden[1](delta @ weights[l], zs[l - 1])  # δ^{l-1} = (δ^l W^l) ⊙ f'(z^{l-1})
    grad_input = delta @ weights[0] if input_grad else None  # ∂L/∂x = δ^1 W^1; training needs none
    return grad_input, grad_w, grad_b


def mlp_backward(grad_output, input, weights, biases, activation="tanh", output_activation="identity"):
    r"""Backpropagation: the gradient of every weight and bias by the chain rule.

    With :math:`g = \partial L/\partial \hat y` (``grad_output``, ``(N, out)``) and
    :math:`\delta^l = \partial L/\partial z^l` (one row per sample), from the output down:

    .. math::

        \delta^L = g \odot f_L'(z^L), \qquad
        \delta^{l} = \bigl(\delta^{l+1} W^{l+1}\bigr) \odot f'(z^{l}) \quad (l = L-1, \dots, 1),

        \frac{\partial L}{\partial W^l} = \delta^{l\top} a^{l-1}, \qquad
        \frac{\partial L}{\partial b^l} = \sum_{n} \delta^l_{n}, \qquad
        \frac{\partial L}{\partial x} = \delta^1 W^1.

    The derivative is taken at the pre-activation :math:`z^l`, never at the output
    :math:`a^l`; the bias gradient is summed over the batch, because the bias is
    shared by every sample.  Returns ``(grad_input, grad_weights, grad_biases)``.
    """
    x, ws, bs = _mlp_args(input, weights, biases)
    zs, acts = _forward(x, ws, bs, activation, output_activation)
    g = float_array(grad_output, "grad_output")
    if g.shape != acts[-1].shape:
        raise ValueError(f"grad_output has shape {g.shape}, expected the output's shape {acts[-1].shape}")
    return _backward(g, zs, acts, ws, activation, output_activation)


def init_mlp(sizes, seed=0, dtype=np.float64):
    r"""Weights and biases for layer sizes ``[in, h_1, ..., out]``, as ``torch.nn.Linear``
    initialises them (Kaiming-uniform with :math:`a = \sqrt5`, which comes to):

    .. math:: W^l_{ij},\ b^l_i \sim \mathcal U\Bigl(-\tfrac{1}{\sqrt{n_{l-1}}},\ \tfrac{1}{\sqrt{n_{l-1}}}\Bigr)
    """
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise ValueError(f"sizes must list at least the input and output sizes, got {sizes!r}")
    sizes = [positive_int(s, "sizes") for s in sizes]
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype))
        biases.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
    return weights, biases


def mlp_train(input, target, weights, biases, lr=0.1, epochs=100, activation="tanh", output_activation="identity"):
    r"""Full-batch gradient descent on the mean squared error (``torch.optim.SGD`` on
    ``F.mse_loss``): forward, loss, backward, update, ``epochs`` times.

    .. math::

        L = \frac{1}{N\,K} \sum_{n,k} (\hat y_{nk} - y_{nk})^2, \qquad
        \frac{\partial L}{\partial \hat y} = \frac{2}{N K}(\hat y - y), \qquad
        \theta \leftarrow \theta - \eta\,\frac{\partial L}{\partial \theta}

    Returns the trained ``(weights, biases)`` (new arrays) and the loss before each
    update; a diverging run ends with non-finite losses and weights, without warnings.
    """
    x, ws, bs = _mlp_args(input, weights, biases)
    if len(x) == 0:
        raise ValueError("input has no samples to train on")
    y = float_array(target, "target")
    if y.shape != (len(x), ws[-1].shape[0]) or y.dtype != x.dtype:
        raise ValueError(f"target has shape {y.shape} and dtype {y.dtype}, "
                         f"expected the output's {(len(x), ws[-1].shape[0])}, {x.dtype}")
    eta = x.dtype.type(real(lr, "lr"))
    n_epochs = positive_int(epochs, "epochs")
    losses = np.empty(n_epochs, x.dtype)
    for e in range(n_epochs):
        # a learning rate too large makes training diverge: that is a result (inf/NaN losses), not an error
        with np.errstate(over="ignore", invalid="ignore"):
            zs, acts = _forward(x, ws, bs, activation, output_activation)
            err = acts[-1] - y
            losses[e] = np.mean(err * err)
            _, gw, gb = _backward((2 / err.size) * err, zs, acts, ws, activation, output_activation, input_grad=False)
            ws = [w - eta * g for w, g in zip(ws, gw)]
            bs = [b - eta * g for b, g in zip(bs, gb)]
    return ws, bs, losses


def collapse_linear(weights, biases):
    r"""The single linear layer equal to a stack of linear layers (no activations).

    .. math::

        W = W^L W^{L-1} \cdots W^1, \qquad
        b = \sum_{l=1}^{L} W^L \cdots W^{l+1} b^l

    so that :math:`x W^\top + b` is the stack's output for every :math:`x`: depth
    without non-linearity adds nothing a single layer cannot compute.
    """
    ws, bs = _layers(weights, biases)
    w, b = ws[0], bs[0]
    for wl, bl in zip(ws[1:], bs[1:]):
        w, b = wl @ w, wl @ b + bl
    return w, b
