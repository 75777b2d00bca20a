"""GoogLeNet and its inception module."""

from __future__ import annotations

import numpy as np
import torch

from formulary.candidate import reference
from formulary.catalog.networks._blocks import (
    _BN_FLOAT32,
    _BN_NOTE,
    _block_errors,
    _block_record,
    _inception_edges,
    _inception_inputs,
)
from formulary.catalog.networks._common import _BN_FORGOTTEN, _CONV_BIAS_ASSUMED, TORCHVISION
from formulary.catalog.networks._tables import _table_record
from formulary.mistakes import networks as M
from formulary.record import Deviation, ErrorInput, Mistake, Sample
from formulary.verdict import expect

# -- GoogLeNet -------------------------------------------------------------------------------------

def _torchvision_branch3_is_3x3(candidate):
    """torchvision's "5×5" branch has 3×3 kernels: inception 3a has 8,192 parameters fewer than the paper's."""
    inception, network, summary = (candidate.get(f"networks.{n}") for n in ("inception", "Network", "summary"))
    sequential = candidate.get("networks.Sequential")
    counts = {}
    for k in (3, 5):
        module = network(f"3a/{k}",
                         sequential((("inception3a", inception(192, 64, 96, 128, 16, 32, 32, branch3_kernel=k)),)),
                         (192, 28, 28))
        counts[k] = summary(module).total["params"]
        with_torch = _torch_inception_params(k)
        expect(counts[k] == with_torch, f"branch3 {k}×{k}: {counts[k]} parameters, torch {with_torch}")
    expect(counts[5] - counts[3] == 16 * 32 * (25 - 9) == 8192, counts)


def _torch_inception_params(k: int) -> int:
    with torch.device("meta"):
        module = reference("networks.Inception")(192, 64, 96, 128, 16, 32, 32, branch3_kernel=k)
    return sum(p.numel() for p in module.parameters())

def _non_square() -> ErrorInput:
    """The "5×5" branch's second kernel 3×5: the module reads its size from the last axis, so
    it expects 5×5 and says so."""
    x, params = _inception_edges(np.float64)[0].args
    bad = (*params[:12], np.zeros((2, 1, 3, 5)), *params[13:])
    return ErrorInput(Sample((x, bad), {}, "a 3×5 kernel in branch 3"), ValueError,
                      r"^params\[12\] is float64 \(2, 1, 3, 5\), expected float64 \(2, 1, 5, 5\)$")


_NON_SQUARE = _non_square()

RECORDS = (
    _table_record(
        id="arch.inception", name="googlenet", builder="googlenet",
        equation=r"\text{Inception}: [1{\times}1;\ 1{\times}1 \to 3{\times}3;\ 1{\times}1 \to 3{\times}3^*;\ "
                 r"\text{maxpool} \to 1{\times}1],"
        r"\ \text{each conv} + \text{BN} + \text{ReLU}",
        sizes=[((3, 224, 224), 1), ((3, 37, 45), 2)],
        too_small=((3, 8, 8), "maxpool3"),
        mistakes=[Mistake("aux-heads-counted", "the two auxiliary classifiers counted at inference (13.0 M parameters)",
                          M.summary_aux_heads_counted, "networks.summary"),
                  _BN_FORGOTTEN, _CONV_BIAS_ASSUMED],
        published=TORCHVISION["googlenet"], aux_size=(3, 224, 224),
        deviations=[Deviation(
            "torchvision's GoogLeNet (and so this one) uses 3×3 kernels in the \"5×5\" branch; the paper's module "
            "(branch3_kernel=5) has 8,192 more parameters in inception 3a",
            "a bug torchvision keeps for its pretrained weights", _torchvision_branch3_is_3x3)],
        notes="The auxiliary classifiers (after 4a and 4d) run only in training; the inference count excludes them, "
              "summary(..., aux=True) includes them (13,004,888 parameters).",
    ),
    _block_record(
        id="arch.inception/module", name="inception",
        equation=r"y = [B_{1\times1}(x);\ B_{3\times3}(B_{1\times1}(x));\ B_{k\times k}(B_{1\times1}(x));\ "
                 r"B_{1\times1}(\mathrm{maxpool}_{3,1,1}(x))],"
        r"\ B = \mathrm{relu} \circ \mathrm{BN}_{\epsilon = 10^{-3}} \circ \mathrm{conv}",
        inputs=_inception_inputs, edge_bank=_inception_edges,
        mistakes=[Mistake("branches-swapped", "the 3×3 branch's maps before the 1×1 branch's",
                          M.inception_branches_swapped),
         Mistake("average-pool-branch", "average pooling in the pool branch", M.inception_avg_pool_branch),
         Mistake("backward-first-branch-only", "the input's gradient from the 1×1 branch alone",
                 M.inception_backward_first_branch_only, "backward")],
        errors=(*_block_errors(lambda dt: _inception_edges(dt)[0], {}, (2, 9, 5, 5), needs_batch=True),
                _NON_SQUARE),
        tolerances=_BN_FLOAT32, notes=_BN_NOTE,
    ),

)
