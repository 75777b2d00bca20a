"""AlexNet (one and two towers, with the paper's own arithmetic) and VGG-16."""

from __future__ import annotations

import math

from formulary.catalog.networks._common import _BIAS_FORGOTTEN, _FLOPS_AS_MACS, ALEXNET_2012_NEURONS, TORCHVISION
from formulary.catalog.networks._tables import _table_record
from formulary.mistakes import networks as M
from formulary.record import Deviation, Mistake
from formulary.verdict import expect

# -- AlexNet (2012) -------------------------------------------------------------------------------

def _alexnet_2012_neurons(candidate):
    """The 2012 paper's neuron counts per layer: all agree but the first (55·48·96)."""
    s = candidate.get("networks.summary")(candidate.get("networks.alexnet_2tower")())
    ours = tuple(math.prod(r.output_shape[1:]) for r in s.rows if r.kind in ("Conv2d", "Linear"))
    expect(ours[1:] == ALEXNET_2012_NEURONS[1:], f"conv2 to fc8: {ours[1:]}, the paper: {ALEXNET_2012_NEURONS[1:]}")
    expect(ours[0] == 55 * 55 * 96 == 290_400 and ALEXNET_2012_NEURONS[0] == 55 * 48 * 96, ours[0])


def _alexnet_paper_input(candidate):
    """At the paper's 224×224, conv1 gives 54×54 maps and fc6 no longer gets 6·6·256 inputs."""
    net = candidate.get("networks.alexnet_2tower")()
    summary = candidate.get("networks.summary")
    expect(summary(net, (3, 227, 227)).rows[0].output_shape == (1, 96, 55, 55),
           "AlexNet's first layer on a 227×227 input must give 96×55×55")
    try:
        summary(net, (3, 224, 224))
    except ValueError as exc:
        expect("9216" in str(exc), exc)
    else:
        raise AssertionError("alexnet-2tower at 224×224 should not fit its 9216-input fc6")

RECORDS = (
    _table_record(
        id="arch.alexnet", name="alexnet", builder="alexnet",
        equation=r"\text{conv}_{11,s4}(64) \to \text{conv}_5(192) \to \text{conv}_3(384, 256, 256) \to 6{\times}6 \to "
                 r"4096 \to 4096 \to 1000",
        sizes=[((3, 224, 224), 1), ((3, 67, 83), 2)],
        too_small=((3, 8, 8), "features.2"),
        mistakes=[_BIAS_FORGOTTEN, _FLOPS_AS_MACS],
        published=TORCHVISION["alexnet"],
    ),
    _table_record(
        id="arch.alexnet/2tower", name="alexnet-2tower", builder="alexnet_2tower",
        equation=r"\text{conv}_{11,s4}(96) \to \text{conv}_{5,g2}(256) \to \text{conv}_3(384) \to "
                 r"\text{conv}_{3,g2}(384) \to "
        r"\text{conv}_{3,g2}(256) \to 4096 \to 4096 \to 1000",
        sizes=[((3, 227, 227), 1), ((3, 230, 229), 2)],
        too_small=((3, 8, 8), "conv1"),
        mistakes=[Mistake("groups-ignored", "conv2, conv4, conv5 as full convolutions: one tower twice as wide",
                          M.alexnet_2tower_groups_ignored, "networks.alexnet_2tower"),
                  Mistake("conv3-grouped", "conv3 split between the GPUs too", M.alexnet_2tower_conv3_grouped,
                          "networks.alexnet_2tower"),
                  _FLOPS_AS_MACS],
        deviations=[
            Deviation("Krizhevsky et al. (2012) give 253,440 neurons for the first layer; its 96 maps of 55×55 have "
                      "290,400 (253,440 = 55·48·96); the other seven layer sizes agree",
                      "an error in the paper, not in the counting", _alexnet_2012_neurons, source="paper"),
            Deviation("the paper's 224×224 input gives (224 − 11)/4 + 1 = 54.25, not its 55×55 maps; 227×227 is used",
                      "the paper's own arithmetic; at 224 fc6 would get 6,400 inputs instead of 9,216",
                      _alexnet_paper_input, source="paper")],
        notes="60,965,224 parameters (the paper: 60 million); LRN as in the paper, k = 2, n = 5, α = 1e-4, β = 0.75.",
    ),
    _table_record(
        id="arch.vgg16", name="vgg16", builder="vgg16",
        equation=r"[\text{conv}_3]^{2,2,3,3,3}(64, 128, 256, 512, 512) \text{ with max pools} \to 7{\times}7 \to 4096 "
                 r"\to 4096 \to 1000",
        sizes=[((3, 224, 224), 1), ((3, 40, 56), 2)],
        too_small=((3, 16, 16), "features.30"),
        mistakes=[_BIAS_FORGOTTEN, _FLOPS_AS_MACS],
        published=TORCHVISION["vgg16"],
    ),

)
