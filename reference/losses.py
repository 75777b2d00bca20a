"""Losses through ``torch.nn.functional``: the reference for impl.losses.

Same names and signatures as impl (without torch's deprecated ``size_average`` and
``reduce``).  Where torch lacks the guide's loss (MSLE, MAPE, hinge, exponential) it
is composed of torch ops here, written from the formula, not from impl.  The guide's
pairings are composed as the guide describes them (activation, then loss), in
float64, so that autograd's chain through the pair is the judge of the fused gradient.

The accuracy measure passes the target as a NumPy array (a keyword of the accuracy
class); :func:`_tensor` turns it into a tensor beside the input.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _tensor(value, like: torch.Tensor):
    return torch.as_tensor(value, device=like.device) if isinstance(value, np.ndarray) else value


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


# -- regression ------------------------------------------------------------------------

def mse_loss(input, target, reduction="mean", weight=None):
    return F.mse_loss(input, target, reduction=reduction, weight=weight)


def l1_loss(input, target, reduction="mean", weight=None):
    return F.l1_loss(input, target, reduction=reduction, weight=weight)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    return F.smooth_l1_loss(input, target, reduction=reduction, beta=beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    return F.huber_loss(input, target, reduction=reduction, delta=delta, weight=weight)


def msle_loss(input, target, reduction="mean"):
    """(log(1 + x) − log(1 + y))², composed of torch.log1p."""
    target = _tensor(target, input)
    return _reduce((torch.log1p(input) - torch.log1p(target)) ** 2, reduction)


def mape_loss(input, target, reduction="mean", eps=0.0):
    """100 |x − y| / max(|y|, ε), composed of torch ops."""
    return _reduce(100 * torch.abs(input - target) / torch.clamp_min(torch.abs(target), eps), reduction)


def relu_mse_loss(input, target, negative_slope=0.0, reduction="mean"):
    """The guide's pairing as two steps: leaky ReLU, then MSE."""
    return F.mse_loss(F.leaky_relu(input, negative_slope), target, reduction=reduction)


# -- margin losses (labels ±1) -------------------------------------------------------------

def logistic_loss(input, target, reduction="mean"):
    """torch's soft_margin_loss is the logistic loss log(1 + e^{−y f})."""
    return F.soft_margin_loss(input, _tensor(target, input), reduction=reduction)


def hinge_loss(input, target, reduction="mean"):
    return _reduce(F.relu(1 - target * input), reduction)


def exponential_loss(input, target, reduction="mean"):
    return _reduce(torch.exp(-target * input), reduction)


# -- binary cross-entropy -----------------------------------------------------------------

def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    return F.binary_cross_entropy(input, _tensor(target, input), weight=weight, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    return F.binary_cross_entropy_with_logits(input, _tensor(target, input), weight=weight,
                                              reduction=reduction, pos_weight=pos_weight)


def sigmoid_bce(input, target, reduction="mean"):
    """The guide's pairing as two steps, in float64: sigmoid, then BCE on its probabilities."""
    p = torch.sigmoid(input.double())
    return F.binary_cross_entropy(p, target.double(), reduction=reduction).to(input.dtype)


# -- multi-class --------------------------------------------------------------------------

def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    return F.nll_loss(input, target, weight=weight, ignore_index=ignore_index, reduction=reduction)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    return F.cross_entropy(input, _tensor(target, input), weight=weight, ignore_index=ignore_index,
                           reduction=reduction, label_smoothing=label_smoothing)


def softmax_ce(input, target, reduction="mean"):
    """The guide's pairing as two steps, in float64: softmax, then −Σ y log p."""
    dim = 0 if input.dim() == 1 else 1
    logp = torch.log(F.softmax(input.double(), dim=dim))
    if target.is_floating_point():
        loss = -(target.double() * logp).sum(dim)
        return _reduce(loss, reduction).to(input.dtype)
    return F.nll_loss(logp, target, reduction=reduction).to(input.dtype)
