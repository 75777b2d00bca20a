"""The guide's claims about pooling (§7 2, l.737–743, l.922): local invariance, fewer parameters."""

from __future__ import annotations

import numpy as np
import torch

from formulary import figures
from formulary.compare import assert_close
from formulary.mistakes import claims as MC
from formulary.mistakes import conv as M
from formulary.record import Mistake, Record, Tolerance
from formulary.verdict import expect

S_POOL = "§7 2 池化层 (pooling layer), lines 737–743 and 922"
SIZES = (1, 2, 3, 4)  # window = stride; 1 is no pooling


def _unchanged_share(pool, x, k):
    """Share of pooled outputs equal after the input moves one pixel right (the wrapped-in column left out)."""
    shifted = np.roll(x, 1, axis=-1)
    a, b = pool(x, k, k), pool(shifted, k, k)
    return float(np.mean(a[..., 1:] == b[..., 1:]))


def _pooling(candidate):
    """Max pooling k×k (stride k) of i.i.d. Gaussian maps, moved by one pixel: an output stays the same exactly
    when the maximum of the k(k + 1) pixels its two windows cover lies in the k(k − 1) they share, probability
    (k − 1)/(k + 1)."""
    max_pool, avg_pool = candidate.get("conv.max_pool2d"), candidate.get("conv.avg_pool2d")
    params = candidate.get("counting.linear_params")
    x = np.random.default_rng(0).normal(size=(1, 16, 48, 48))
    theirs = torch.nn.functional.max_pool2d(torch.from_numpy(x), 2).numpy()
    assert_close(max_pool(x, 2), theirs, Tolerance(0.0, 0.0), names=("2×2 max pooling of the experiment's maps",))
    found, shares = {}, {}
    for k in SIZES:
        shares[k] = _unchanged_share(max_pool, x, k)
        predicted = (k - 1) / (k + 1)
        expect(abs(shares[k] - predicted) < 0.03, f"{k}×{k} max pooling: {shares[k]:.3f} of the outputs unchanged by a "
                                                  f"1-pixel shift, expected ≈ (k − 1)/(k + 1) = {predicted:.3f}")
        found[f"unchanged by a 1-pixel shift, max pool {k}×{k}"] = round(shares[k], 4)
    average = _unchanged_share(avg_pool, x, 2)
    expect(average < 0.01, f"2×2 average pooling left {average:.3f} of the outputs exactly unchanged")
    found["unchanged by a 1-pixel shift, average pool 2×2"] = average

    # parameters: a pooling layer has none; the saving is in the layer after it
    features = {"no pooling": (16, 28, 28)}
    features["2×2 max pool"] = max_pool(np.zeros((1, 16, 28, 28)), 2).shape[1:]
    fc = {name: params(int(np.prod(shape)), 10) for name, shape in features.items()}
    torch_fc = {name: sum(p.numel() for p in torch.nn.Linear(int(np.prod(s)), 10,
            device="meta").parameters()) for name, s in
                (("no pooling", (16, 28, 28)), ("2×2 max pool", (16, 14, 14)))}
    expect(fc == torch_fc, f"the fully connected layer after the features: candidate {fc}, torch {torch_fc}")
    pool_params = sum(p.numel() for p in torch.nn.MaxPool2d(2).parameters())
    conv = {s: sum(p.numel() for p in torch.nn.Conv2d(16, 16, 3, stride=s, device="meta").parameters()) for s in (1, 2)}
    expect(pool_params == 0 and conv[1] == conv[2], "a pooling layer has no parameters and a stride does not change a "
                                                    "convolution's")
    found["parameters of the pooling layer"] = pool_params
    found["fc 10 after 16×28×28"], found["fc 10 after 2×2 pool (16×14×14)"] = fc["no pooling"], fc["2×2 max pool"]
    found["conv 3×3 16 → 16 parameters, stride 1 and 2"] = [conv[1], conv[2]]

    def draw(ax):
        k = np.array(SIZES)
        ax.plot(k, [shares[j] for j in SIZES], "o-", label="max pooling, measured")
        kk = np.linspace(1, 4, 50)
        ax.plot(kk, (kk - 1) / (kk + 1), ":", c="grey", label="(k − 1)/(k + 1)")
        ax.plot([2], [average], "s", c="tab:orange", label="average pooling 2×2")
        ax.set_xlabel("window k (stride k; 1 = no pooling)")
        ax.set_ylabel("share of outputs unchanged by a 1-pixel shift")
        ax.legend()

    figures.save("cnn.pool.invariance", draw, title="Local invariance of max pooling (i.i.d. Gaussian maps)")
    return found


RECORDS = (
    Record(
        id="cnn.pool.invariance", kind="C", section=S_POOL,
        equation=r"P\bigl(\operatorname{maxpool}_k(x) = \operatorname{maxpool}_k(\operatorname{shift}_1 x)\bigr) = "
                 r"\frac{k - 1}{k + 1}"
                 r"\text{ (i.i.d. inputs)};\quad \#\theta_\text{pool} = 0",
        check=_pooling,
        mistakes=(Mistake("stride-ignored", "windows at every position: no downsampling", MC.max_pool2d_stride_ignored,
                          "conv.max_pool2d"),
                  Mistake("average-as-max", "the window's mean", MC.max_pool2d_as_average, "conv.max_pool2d"),
                  Mistake("linear-bias-forgotten", "in·out without the biases", M.linear_params_bias_forgotten,
                          "counting.linear_params")),
        notes="Local invariance is partial: a 1-pixel shift leaves 1/3 of 2×2 max-pooled outputs unchanged on i.i.d. "
              "inputs (smooth natural features leave more), average pooling none exactly. Pooling has no parameters "
              "(l.739 says it reduces them, l.743 says a stride does): the saving is downstream, 4× fewer weights in "
              "the fully connected layer after a 2×2 pool. Whether this 'avoids overfitting' (l.922) is not tested "
              "here.",
    ),
)
