"""impl.losses' multi-class losses, computed by ONNX's NegativeLogLikelihoodLoss and
SoftmaxCrossEntropyLoss on the reference evaluator.

ONNX's losses take class-index targets with reduction, weight and ignore_index, as
torch's do; they have no label smoothing and no probability targets, which are
refused with NotProvided ("not provided", as for the frameworks).
"""

from __future__ import annotations

import numpy as np

from formulary.peers.autodiff import NotProvided
from formulary.peers.onnx_ref._graph import names, node, run


def _loss(op: str, input, target, weight, ignore_index, reduction):
    x, t = np.asarray(input), np.asarray(target).astype(np.int64)  # ONNX's targets are int32 or int64
    single = x.ndim == 1
    if single:  # ONNX needs the batch axis (N, C): torch's (C) input is a batch of one
        x, t = x[None], t[None]
    w = None if weight is None else np.asarray(weight)
    attrs = {"reduction": reduction, "ignore_index": int(ignore_index)}
    y = run(lambda dtype: [node(op, names(x, t, w), **attrs)], x, t, w)
    return y[0] if single and reduction == "none" else y


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """ONNX ``NegativeLogLikelihoodLoss``: reduction, weight and ignore_index as attributes/inputs."""
    return _loss("NegativeLogLikelihoodLoss", input, target, weight, ignore_index, reduction)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """ONNX ``SoftmaxCrossEntropyLoss``: class-index targets, reduction, weight, ignore_index."""
    if label_smoothing != 0.0:
        raise NotProvided("ONNX's SoftmaxCrossEntropyLoss has no label_smoothing")
    if np.asarray(target).dtype.kind == "f":
        raise NotProvided("ONNX's SoftmaxCrossEntropyLoss takes class indices only, not probability targets")
    return _loss("SoftmaxCrossEntropyLoss", input, target, weight, ignore_index, reduction)
