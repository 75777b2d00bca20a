"""The guide's CNN training procedure (§7 6) on a small network, in NumPy.

conv (k×k, 'same' padding) → ReLU → 2×2 max pooling → fully connected → softmax
cross-entropy, trained by plain gradient descent:

1. initialise every kernel and weight with small, *different* random numbers;
2. forward pass, 3. the loss, 4. back-propagate and update, repeat;
9. save the weights to a file; a later run loads them and continues without
   re-initialising.

Parameters are a dict named as torch's ``state_dict`` of the same network
(``conv.weight``, ``conv.bias``, ``fc.weight``, ``fc.bias``), so the two can be
compared step by step.
"""

from __future__ import annotations

import numpy as np

from impl.activations import log_softmax, relu, relu_backward, softmax
from impl.conv.conv2d import conv2d, conv2d_backward
from impl.conv.linear import linear, linear_backward
from impl.conv.pooling import max_pool2d, max_pool2d_backward


def init_params(seed, in_channels=1, channels=4, kernel_size=3, image_size=8, classes=2, scale=0.1) -> dict:
    r"""Step 1: small different random numbers for the weights (N(0, scale²)), zero biases.

    .. math:: w \sim \mathcal N(0, \sigma^2),\quad b = 0
    """
    rng = np.random.default_rng(seed)
    features = channels * (image_size // 2) ** 2
    return {
        "conv.weight": scale * rng.standard_normal((channels, in_channels, kernel_size, kernel_size)),
        "conv.bias": np.zeros(channels),
        "fc.weight": scale * rng.standard_normal((classes, features)),
        "fc.bias": np.zeros(classes),
    }


def architecture(params) -> dict:
    """The init_params keywords that rebuild a network of these shapes."""
    channels, in_channels, kernel_size, _ = params["conv.weight"].shape
    classes, features = params["fc.weight"].shape
    return {"in_channels": in_channels, "channels": channels, "kernel_size": kernel_size,
            "image_size": 2 * int(round((features // channels) ** 0.5)), "classes": classes}


def _forward(params, images):
    w = params["conv.weight"]
    z = conv2d(images, w, params["conv.bias"], padding=w.shape[2] // 2)
    a = relu(z)
    p = max_pool2d(a, 2)
    flat = p.reshape(len(images), -1)
    return linear(flat, params["fc.weight"], params["fc.bias"]), (z, a, p, flat)


def forward(params, images):
    r"""Step 2: the class scores (logits) of a batch of (N, C, H, W) images.

    .. math:: \text{logits} = W_\text{fc}\,\operatorname{flatten}(\operatorname{maxpool}_2(\operatorname{relu}(w * x +
    b))) + b_\text{fc}
    """
    return _forward(params, images)[0]


def loss_and_grads(params, images, labels):
    r"""Steps 3-4: the mean cross-entropy and its gradient for every parameter (backpropagation).

    .. math:: L = -\frac1N \sum_n \log \operatorname{softmax}(\text{logits}_n)_{y_n},
              \qquad \frac{\partial L}{\partial\,\text{logits}} = \frac{\operatorname{softmax}(\text{logits}) -
              \operatorname{onehot}(y)}{N}
    """
    labels = np.asarray(labels)
    n = len(images)
    logits, (z, a, p, flat) = _forward(params, images)
    loss = -log_softmax(logits, 1)[np.arange(n), labels].mean()
    d_logits = softmax(logits, 1)
    d_logits[np.arange(n), labels] -= 1.0
    d_logits /= n
    d_flat, d_fc_w, d_fc_b = linear_backward(d_logits, flat, params["fc.weight"], params["fc.bias"])
    d_a = max_pool2d_backward(d_flat.reshape(p.shape), a, 2)
    w = params["conv.weight"]
    _, d_w, d_b = conv2d_backward(relu_backward(d_a, z), images, w, params["conv.bias"], padding=w.shape[2] // 2)
    return float(loss), {"conv.weight": d_w, "conv.bias": d_b, "fc.weight": d_fc_w, "fc.bias": d_fc_b}


def sgd_step(params, grads, lr) -> dict:
    r"""Step 4: one gradient-descent update (a new dict; the old one is left alone).

    .. math:: w \leftarrow w - \eta\,\frac{\partial L}{\partial w}
    """
    return {k: v - lr * grads[k] for k, v in params.items()}


def train(params, images, labels, steps, lr=0.5):
    """Repeat steps 2-4 ``steps`` times on the whole batch; returns (params, the loss before each step)."""
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, images, labels)
        losses.append(loss)
        params = sgd_step(params, grads, lr)
    return params, losses


def save(file, params) -> None:
    """Step 9: the weights to a file (``.npz``; a path or a binary file object)."""
    np.savez(file, **params)


def load(file) -> dict:
    """The weights saved by :func:`save`, ready to continue training."""
    with np.load(file) as data:
        return {k: data[k] for k in data.files}
