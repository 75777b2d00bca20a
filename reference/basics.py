"""Neural-network basics through PyTorch: the reference for impl.basics.

The perceptron through ``torch.heaviside``; the MLP as a stack of ``F.linear`` and
torch's activations (backpropagation is ``torch.autograd`` on it, taken by the
checks); training as ``torch.optim.SGD`` on ``F.mse_loss``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

ACTIVATIONS = {"identity": lambda z: z, "relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def step(input):
    return torch.heaviside(input, torch.zeros((), dtype=input.dtype))


def perceptron(input, weight, bias):
    return step(input @ weight + bias)


def mlp_forward(input, weights, biases, activation="tanh", output_activation="identity"):
    a = input
    for i, (w, b) in enumerate(zip(weights, biases)):
        f = ACTIVATIONS[output_activation if i == len(weights) - 1 else activation]
        a = f(F.linear(a, w, b))
    return a


def mlp_train(input, target, weights, biases, lr=0.1, epochs=100, activation="tanh", output_activation="identity"):
    params = [p.detach().clone().requires_grad_() for p in (*weights, *biases)]
    ws, bs = params[: len(weights)], params[len(weights):]
    opt = torch.optim.SGD(params, lr=lr)
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = F.mse_loss(mlp_forward(input, ws, bs, activation, output_activation), target)
        loss.backward()
        opt.step()
        losses.append(loss.detach())
    return [w.detach() for w in ws], [b.detach() for b in bs], torch.stack(losses)
