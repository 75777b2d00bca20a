"""Known mistakes of the neural-network basics: the perceptron and the MLP.

Each is a complete wrong implementation with impl's signature; the catalog names it on
its record, and the suite proves that the record's checks reject it.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from impl import basics as B

# -- the perceptron --------------------------------------------------------------------

def step_ge_zero(input):
    """1 at s = 0 as well: the guide's rule is 'output 1 if the sum is > 0'."""
    s = np.asarray(input)
    return np.where(np.isnan(s), s, (s >= 0).astype(s.dtype)).astype(s.dtype)


def step_nan_to_zero(input):
    """NaN silently read as 'not positive', as torch.heaviside does."""
    s = np.asarray(input)
    return (s > 0).astype(s.dtype)


def perceptron_ge_zero(input, weight, bias):
    x = np.asarray(input)
    return step_ge_zero(x @ weight + x.dtype.type(bias))


def perceptron_bias_subtracted(input, weight, bias):
    """w·x − b: the threshold written as a bias with the wrong sign."""
    x = np.asarray(input)
    return B.step(x @ weight - x.dtype.type(bias))


def perceptron_sign_output(input, weight, bias):
    """sign(w·x + b) in {−1, 0, 1}: the ±1 convention where the guide's gates give 0/1."""
    x = np.asarray(input)
    return np.sign(x @ weight + x.dtype.type(bias)).astype(x.dtype)


def perceptron_bias_ignored(input, weight, bias):
    x = np.asarray(input)
    return B.step(x @ weight)


def _rosenblatt(input, target, lr=1.0, max_epochs=1000, *, sign=1.0, learn_bias=True, claim=False):
    """Rosenblatt's rule with one thing wrong, sample by sample (arguments checked as impl does)."""
    x, y, lr, max_epochs = B._train_args(input, target, lr, max_epochs)
    w, b, updates = np.zeros(x.shape[1], x.dtype), 0.0, 0
    for _ in range(max_epochs):
        clean = True
        for xi, yi in zip(x, y):
            err = yi - float(xi @ w + b > 0)
            if err:
                w = w + sign * lr * err * xi
                b = b + sign * lr * err * learn_bias
                updates, clean = updates + 1, False
        if clean:
            return B.PerceptronFit(w, float(b), updates, True)
    return B.PerceptronFit(w, float(b), updates, claim)


perceptron_train_sign_flipped = partial(_rosenblatt, sign=-1.0)
perceptron_train_sign_flipped.__doc__ = "w ← w − η(y − ŷ)x: the update pushes the wrong way"
perceptron_train_bias_frozen = partial(_rosenblatt, learn_bias=False)
perceptron_train_bias_frozen.__doc__ = "only w is learnt: the boundary must pass through the origin"
perceptron_train_claims_convergence = partial(_rosenblatt, claim=True)
perceptron_train_claims_convergence.__doc__ = "reports convergence once max_epochs are spent"


# -- the MLP: forward ----------------------------------------------------------------------

def _layers_forward(x, weights, biases, activation, output_activation, *, output_hidden=False, bias_after=False):
    f = B.ACTIVATIONS[activation][0]
    f_out = f if output_hidden else B.ACTIVATIONS[output_activation][0]
    a = x
    for i, (w, b) in enumerate(zip(weights, biases)):
        act = f_out if i == len(weights) - 1 else f
        a = act(a @ w.T) + b if bias_after else act(a @ w.T + b)
    return a


def mlp_forward_output_activated(input, weights, biases, activation="tanh", output_activation="identity"):
    """The hidden activation applied to the output layer too."""
    return _layers_forward(np.asarray(input), weights, biases, activation, output_activation, output_hidden=True)


def mlp_forward_bias_after_activation(input, weights, biases, activation="tanh", output_activation="identity"):
    """f(x Wᵀ) + b: the bias added after the non-linearity."""
    return _layers_forward(np.asarray(input), weights, biases, activation, output_activation, bias_after=True)


def mlp_forward_activation_ignored(input, weights, biases, activation="tanh", output_activation="identity"):
    """The activation argument accepted and ignored: always tanh."""
    return _layers_forward(np.asarray(input), weights, biases, "tanh", output_activation)


# -- the MLP: backward -------------------------------------------------------------------

def _wrong_backward(g, zs, acts, weights, activation, output_activation, *, at_output=False, derivative=True,
                    bias_mean=False, wrong_layer=False):
    """The δ recursion with one mistake switched on."""
    hidden = B.ACTIVATIONS[activation][1]
    out = B.ACTIVATIONS[output_activation][1]
    where = acts[1:] if at_output else zs  # f' taken at a^l instead of z^l
    delta = out(g, where[-1])
    gw, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gw[l] = delta.T @ (acts[l + 1] if wrong_layer else acts[l])
        gb[l] = delta.mean(axis=0) if bias_mean else delta.sum(axis=0)
        back = delta @ weights[l]
        delta = (hidden(back, where[l - 1]) if derivative else back) if l > 0 else back
    return delta, gw, gb


def _mlp_backward_with(**mistake):
    def backward(grad_output, input, weights, biases, activation="tanh", output_activation="identity"):
        zs, acts = B._forward(np.asarray(input), list(weights), list(biases), activation, output_activation)
        return _wrong_backward(np.asarray(grad_output), zs, acts, list(weights), activation, output_activation,
                               **mistake)
    return backward


mlp_backward_no_derivative = _mlp_backward_with(derivative=False)
mlp_backward_derivative_at_output = _mlp_backward_with(at_output=True)
mlp_backward_bias_mean = _mlp_backward_with(bias_mean=True)
mlp_backward_wrong_layer = _mlp_backward_with(wrong_layer=True)


# -- the MLP: training ---------------------------------------------------------------------

def _train_with(*, grad_scale=2.0, per_sample=False, ascent=False, **backward_mistake):
    def train(input, target, weights, biases, lr=0.1, epochs=100, activation="tanh", output_activation="identity"):
        x, y = np.asarray(input), np.asarray(target)
        ws, bs = list(weights), list(biases)
        losses = []
        for _ in range(epochs):
            zs, acts = B._forward(x, ws, bs, activation, output_activation)
            err = acts[-1] - y
            losses.append(np.mean(err * err))
            g = grad_scale * err / (len(err) if per_sample else err.size)
            _, gw, gb = _wrong_backward(g.astype(x.dtype), zs, acts, ws, activation, output_activation,
                                        **backward_mistake)
            sign = 1 if ascent else -1
            ws = [w + sign * x.dtype.type(lr) * d for w, d in zip(ws, gw)]
            bs = [b + sign * x.dtype.type(lr) * d for b, d in zip(bs, gb)]
        return ws, bs, np.array(losses, x.dtype)
    return train


mlp_train_without_two = _train_with(grad_scale=1.0)
mlp_train_without_two.__doc__ = "∂L/∂ŷ = (ŷ − y)/N: the 2 of the square dropped"
mlp_train_mean_over_samples_only = _train_with(per_sample=True)
mlp_train_mean_over_samples_only.__doc__ = ("the loss averaged over samples but summed over outputs: "
                                            "torch's mse_loss averages both")
mlp_train_ascent = _train_with(ascent=True)
mlp_train_ascent.__doc__ = "θ ← θ + η∇L: gradient ascent"
mlp_train_no_derivative = _train_with(derivative=False)
mlp_train_no_derivative.__doc__ = "backpropagation without the hidden activation's derivative"


# -- collapsing linear layers --------------------------------------------------------------

def _product(weights):
    w = weights[0]
    for wl in weights[1:]:
        w = wl @ w
    return w


def collapse_linear_first_bias_only(weights, biases):
    """b = W^L ⋯ W^2 b^1: the later layers' biases forgotten."""
    return _product(weights), _product([biases[0][:, None], *weights[1:]])[:, 0]


def collapse_linear_last_bias(weights, biases):
    """b = b^L: only the last layer's bias kept."""
    return _product(weights), biases[-1]


def collapse_linear_reversed(weights, biases):
    """W = W^1 W^2 ⋯ W^L: the product in the order the layers are listed."""
    w, b = weights[0], biases[0]
    for wl, bl in zip(weights[1:], biases[1:]):
        w, b = w @ wl, wl @ b + bl
    return w, b
