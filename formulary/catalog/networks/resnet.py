"""ResNet-18 and -50, the basic block and the bottleneck."""

from __future__ import annotations

from formulary.catalog.networks._blocks import (
    _BN_FLOAT32,
    _BN_NOTE,
    _basic,
    _basic_edges,
    _block_errors,
    _block_record,
    _bottleneck,
    _bottleneck_edges,
    _residual_inputs,
)
from formulary.catalog.networks._common import _BN_FORGOTTEN, _CONV_BIAS_ASSUMED, TORCHVISION
from formulary.catalog.networks._specs import _executable
from formulary.catalog.networks._tables import _table_record
from formulary.mistakes import networks as M
from formulary.record import Mistake

RECORDS = (
    _table_record(
        id="arch.resnet", name="resnet18", builder="resnet18",
        equation=r"\text{conv}_{7,s2,p3} \to \text{maxpool}_{3,s2,p1} \to [\text{basic}]^{2,2,2,2} \to \text{avgpool} "
                 r"\to 1000",
        sizes=[((3, 224, 224), 1), ((3, 35, 50), 2)],
        mistakes=[Mistake("stem-padding-1", "the 7×7 stem with padding 1 (110×110 maps, not 112×112)",
                          M.resnet18_stem_padding_1, "networks.resnet18"),
                  _BN_FORGOTTEN, _CONV_BIAS_ASSUMED],
        published=TORCHVISION["resnet18"],
    ),
    _table_record(
        id="arch.resnet/50", name="resnet50", builder="resnet50",
        equation=r"\text{conv}_{7,s2,p3} \to \text{maxpool} \to [\text{bottleneck}]^{3,4,6,3},\ \text{stride on the } "
                 r"3{\times}3 \text{ (v1.5)}",
        sizes=[((3, 224, 224), 1), ((3, 35, 50), 2)],
        mistakes=[Mistake("stem-padding-0", "the 7×7 stem without padding (109×109 maps)", M.resnet50_stem_padding_0,
                          "networks.resnet50"),
                  Mistake("stride-on-first-1x1", "ResNet v1's stride on the first 1×1: same parameters, fewer MACs",
                          M.resnet50_stride_on_first_1x1, "networks.resnet50"),
                  _BN_FORGOTTEN],
        published=TORCHVISION["resnet50"],
        notes="He et al. (2016, Table 1) give ResNet-50 3.8×10⁹ FLOPs, which are multiply-adds of v1 (the stride on "
              "the first 1×1: 3,857,973,248 MACs, the stride-on-first-1x1 mistake here); torchvision's v1.5 costs "
              "4,089,184,256.",
    ),
    _block_record(
        id="arch.resnet/basic-block", name="basic_block",
        equation=r"y = \mathrm{relu}\bigl(\mathrm{BN}(K_2 * \mathrm{relu}(\mathrm{BN}(K_1 *_s x))) + S(x)\bigr)",
        inputs=lambda dt: _residual_inputs(_basic, dt), edge_bank=_basic_edges,
        mistakes=[Mistake("relu-before-add", "relu(F(x)) + x", M.basic_block_relu_before_add),
         Mistake("no-final-relu", "F(x) + x without the ReLU after the sum", M.basic_block_no_final_relu),
         Mistake("backward-skip-dropped", "no gradient through the shortcut", M.basic_block_backward_skip_dropped,
                 "backward")],
        errors=_block_errors(lambda dt: _basic_edges(dt)[2], {"stride": 2}, (2, 6, 4, 4)), tolerances=_BN_FLOAT32,
        check=_executable, notes=_BN_NOTE,
    ),
    _block_record(
        id="arch.resnet/bottleneck", name="bottleneck",
        equation=r"y = \mathrm{relu}\bigl(\mathrm{BN}(K_3 * \mathrm{relu}(\mathrm{BN}(K_2 *_s "
                 r"\mathrm{relu}(\mathrm{BN}(K_1 * x))))) + S(x)\bigr)",
        inputs=lambda dt: _residual_inputs(_bottleneck, dt), edge_bank=_bottleneck_edges,
        mistakes=[Mistake("relu-before-add", "relu(F(x)) + x", M.bottleneck_relu_before_add),
         Mistake("stride-on-first-1x1", "ResNet v1: the stride on the first 1×1", M.bottleneck_stride_on_first_1x1),
         Mistake("backward-skip-dropped", "no gradient through the shortcut", M.bottleneck_backward_skip_dropped,
                 "backward")],
        errors=_block_errors(lambda dt: _bottleneck_edges(dt)[2], {"stride": 2}, (2, 12, 4, 3)), tolerances=_BN_FLOAT32,
            notes=_BN_NOTE,
    ),

)
