"""The guide's training procedure on a small CNN, and the symmetry of identical initial weights."""

from __future__ import annotations

import io

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from formulary import figures
from formulary.catalog.conv._common import EXACT, S_TRAIN
from formulary.catalog.conv.convolution import _torch
from formulary.compare import assert_close
from formulary.mistakes import conv as M
from formulary.record import Deviation, Mistake, Record, Tolerance
from formulary.verdict import expect

# -- the guide's training procedure on a small CNN -----------------------------------------------------

LR = 0.5
STEPS = 8  # twice this many in all; save and reload at the half-way point


def _dataset(seed: int = 0, n: int = 32, size: int = 8):
    """32 noisy 8×8 images: a bright horizontal bar (class 1) or vertical bar (class 0) at a random place."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    images = 0.3 * rng.standard_normal((n, 1, size, size))
    where = rng.integers(1, size - 1, n)
    rows, cols = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    images[rows, 0, where[rows], :] += 1.0
    images[cols, 0, :, where[cols]] += 1.0
    return images, labels


def _torch_net(params):
    """The same network in torch (float64), its weights copied from ``params``."""
    channels, in_channels, k, _ = params["conv.weight"].shape
    classes, features = params["fc.weight"].shape
    net = nn.Sequential()
    net.add_module("conv", nn.Conv2d(in_channels, channels, k, padding=k // 2, dtype=torch.float64))
    net.add_module("relu", nn.ReLU())
    net.add_module("pool", nn.MaxPool2d(2))
    net.add_module("flatten", nn.Flatten())
    net.add_module("fc", nn.Linear(features, classes, dtype=torch.float64))
    net.load_state_dict({k: _torch(v) for k, v in params.items()})
    return net


def _torch_loss_and_grads(params, images, labels):
    net = _torch_net(params)
    loss = F.cross_entropy(net(_torch(images)), _torch(labels))
    loss.backward()
    return loss.item(), {k: p.grad.numpy() for k, p in net.named_parameters()}


# the network init_params builds by default, and another one, as architecture() must describe them
DEFAULT_NET = {"in_channels": 1, "channels": 4, "kernel_size": 3, "image_size": 8, "classes": 2}
OTHER_NET = {"in_channels": 2, "channels": 3, "kernel_size": 5, "image_size": 6, "classes": 3}


def _check_parts(T, images, labels) -> None:
    """Step 1's weights (seeded, N(0, 0.1²), zero biases), architecture() of two networks, forward() and the
    default learning rate, each against what the guide's procedure and torch say."""
    start = T["init_params"](0)
    expect(T["architecture"](start) == DEFAULT_NET, f"init_params(0) should build {DEFAULT_NET}, architecture() "
                                                    f"says {T['architecture'](start)}")
    other = T["init_params"](1, **OTHER_NET)
    expect(T["architecture"](other) == OTHER_NET, f"architecture() of {OTHER_NET}: {T['architecture'](other)}")
    again, third = T["init_params"](0), T["init_params"](2)
    expect(all(np.array_equal(start[k], again[k]) for k in start) and
           not np.array_equal(start["conv.weight"], third["conv.weight"]),
           "init_params(seed) must give the same weights for the same seed and others for another")
    weights = np.concatenate([start["conv.weight"].ravel(), start["fc.weight"].ravel()])
    expect(0.07 < weights.std() < 0.13 and np.abs(weights).max() < 0.6,
           f"init_params' weights should be N(0, 0.1²): std {weights.std():.3g}, max |w| {np.abs(weights).max():.3g}")
    expect(not np.any(start["conv.bias"]) and not np.any(start["fc.bias"]), "init_params' biases should be 0")
    x = np.random.default_rng(3).standard_normal((4, 2, 6, 6))
    with torch.no_grad():
        theirs = _torch_net(other)(_torch(x)).numpy()
    assert_close(T["forward"](other, x), theirs, Tolerance.default(np.float64),
                 names=("forward() of a 5×5-kernel network vs torch",))
    assert_close(T["loss_and_grads"](other, x, [0, 2, 1, 2]), _torch_loss_and_grads(other, x, [0, 2, 1, 2]),
                 Tolerance.default(np.float64), names=("loss and gradients of a 5×5-kernel network vs torch",))
    default, given = T["train"](start, images, labels, 1), T["train"](start, images, labels, 1, LR)
    assert_close(default, given, EXACT, names=(f"train() with its default learning rate {LR}",))


def _check_train(candidate):
    """Initialise, forward, loss, backprop, update, repeat; every gradient equals torch's; save, reload, continue."""
    T = {n: candidate.get(f"conv.training.{n}")
         for n in ("init_params", "loss_and_grads", "sgd_step", "train", "save", "load", "architecture", "forward")}
    images, labels = _dataset()
    _check_parts(T, images, labels)
    start = params = T["init_params"](0)
    losses, tol = [], Tolerance.default(np.float64)
    for step in range(2 * STEPS):  # the procedure by hand, each step against torch
        loss, grads = T["loss_and_grads"](params, images, labels)
        t_loss, t_grads = _torch_loss_and_grads(params, images, labels)
        assert_close((loss, grads), (t_loss, {k: t_grads[k] for k in grads}), tol,
                     names=(f"step {step} loss", f"step {step} gradients"))
        losses.append(loss)
        params = T["sgd_step"](params, grads, LR)
    expect(losses[-1] < 0.7 * losses[0], f"the loss did not fall: {losses[0]:.4f} -> {losses[-1]:.4f}")

    net = _torch_net(start)  # torch's own loop (torch.optim.SGD) reaches the same weights
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    for _ in range(2 * STEPS):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(_torch(images)), _torch(labels)).backward()
        opt.step()
    state = net.state_dict()
    assert_close(params, {k: state[k].detach().numpy() for k in params}, tol, names=("weights vs torch.optim.SGD",))

    half, first = T["train"](start, images, labels, STEPS, LR)
    file = io.BytesIO()
    T["save"](file, half)
    file.seek(0)
    resumed, second = T["train"](T["load"](file), images, labels, STEPS, LR)
    expect(first + second == losses,
           "train() in two halves, saved and reloaded between, is not the step-by-step trajectory")
    assert_close(resumed, params, EXACT, names=("weights after reload and continue",))
    figures.save("cnn.train", lambda ax: (ax.plot(losses, marker="o"), ax.axvline(STEPS, ls=":", c="grey"),
                                          ax.set_xlabel("step (saved and reloaded at the dotted line)"),
                                              ax.set_ylabel("loss")),
                 title="A small CNN trained in NumPy, gradients checked against torch")
    return {"loss first": losses[0], "loss last": losses[-1], "steps": 2 * STEPS}


def _spread(params) -> float:
    """How far the conv units (kernels, biases and their fc weights) are from being identical."""
    w, b = params["conv.weight"], params["conv.bias"]
    fc = params["fc.weight"].reshape(params["fc.weight"].shape[0], w.shape[0], -1)
    return float(max(np.abs(w - w[:1]).max(), np.abs(b - b[:1]).max(), np.abs(fc - fc[:, :1]).max()))


def _check_symmetry(candidate):
    """Identical initial units stay identical under training; the guide's different random numbers break the tie."""
    init, train = candidate.get("conv.training.init_params"), candidate.get("conv.training.train")
    images, labels = _dataset()
    random = init(0)
    w, fc = random["conv.weight"], random["fc.weight"].reshape(2, random["conv.weight"].shape[0], -1)
    identical = {**random, "conv.weight": np.broadcast_to(w[:1], w.shape).copy(),
                 "fc.weight": np.broadcast_to(fc[:, :1], fc.shape).reshape(2, -1).copy()}
    spreads = {"identical": [_spread(identical)], "random": [_spread(random)]}
    losses = {}
    for name, params in (("identical", identical), ("random", random)):
        for _ in range(2 * STEPS):
            params, (loss,) = train(params, images, labels, 1, LR)
            spreads[name].append(_spread(params))
            losses.setdefault(name, []).append(loss)
    expect(max(spreads["identical"]) <= 1e-12, f"identical units drifted apart: spread {max(spreads['identical']):.3g}")
    expect(spreads["random"][0] > 1e-3 and spreads["random"][-1] > 1e-3,
           f"randomly initialised units are (nearly) identical: spread {spreads['random'][0]:.3g} -> "
           f"{spreads['random'][-1]:.3g}")
    # the guide says such a network cannot learn (无学习能力); it learns, as a network of one unit per layer
    expect(losses["identical"][-1] < losses["identical"][0], "identical units: the loss did not fall at all")
    figures.save("cnn.init.symmetry",
                 lambda ax: ([ax.semilogy(np.maximum(v, 1e-18), label=k, marker=".") for k, v in spreads.items()],
                                                   ax.set_xlabel("step"),
                                                       ax.set_ylabel("spread between units (0 drawn at 1e-18)"),
                                                   ax.legend()),
                 title="Identical initial units stay identical")
    return {"spread, identical init, after training": spreads["identical"][-1],
            "spread, random init, after training": spreads["random"][-1],
            "loss, identical init": [losses["identical"][0], losses["identical"][-1]],
            "loss, random init": [losses["random"][0], losses["random"][-1]]}

RECORDS = (
    Record(
        id="cnn.init.symmetry", kind="C", section=S_TRAIN,
        equation=r"w_1 = w_2 \Rightarrow \nabla_{w_1} L = \nabla_{w_2} L \Rightarrow w_1 = w_2 \text{ after every "
                 r"update}",
        check=_check_symmetry,
        deviations=(Deviation("line 837: 'if the weight matrices are initialised with the same number, the network has "
                              "no "
                              "ability to learn' (如果用相同的数去初始化权矩阵,则网络无学习能力)",
                              "overstated: identical units receive identical gradients and stay identical, so each "
                              "layer acts "
                              "as a single unit; but the loss still falls, as the check measures. Different random "
                              "numbers are "
                              "needed for the units to learn different features, not for learning at all",
                                  _check_symmetry,
                              source="guide"),),
        mistakes=(Mistake("constant-init", "every weight the same number", M.init_params_constant,
                          "conv.training.init_params"),
                  Mistake("reseeded-per-unit", "each kernel from a freshly seeded generator",
                          M.init_params_reseeded_per_unit,
                          "conv.training.init_params")),
        notes="A 1 → 4 channel conv (3×3, 'same') → ReLU → 2×2 max pool → fc 64 → 2, trained on 32 seeded 8×8 images. "
              "The guide (§7 6, 参数初始化) says a network initialised with identical weights cannot learn "
              "(无学习能力): "
              "overstated. Its units stay identical, so a layer acts as one unit, but the loss still falls.",
    ),
    Record(
        id="cnn.train", kind="A", section=S_TRAIN,
        equation=r"w \leftarrow w - \eta \nabla_w L(\text{forward}(w, x), y),\ \text{repeated; weights saved, "
                 r"reloaded, continued}",
        check=_check_train,
        mistakes=(Mistake("ascent", "w + η∇L", M.sgd_step_ascent, "conv.training.sgd_step"),
                  Mistake("reload-reinitialises", "the saved file ignored, the network initialised afresh",
                          M.load_reinitialised, "conv.training.load"),
                  Mistake("summed-loss-gradient", "gradients of the summed loss with the mean loss reported",
                          M.loss_and_grads_summed,
                          "conv.training.loss_and_grads")),
        notes="Full-batch gradient descent, lr 0.5, 16 steps; the step-by-step procedure is held against torch "
              "(autograd gradients each step, and torch.optim.SGD's weights at the end).",
    ),

)
