"""What the classic-network records share: the section, published totals, torchvision's counts, shared mistakes."""

from __future__ import annotations

from formulary.mistakes import networks as M
from formulary.record import Mistake

SECTION = "§8 经典网络介绍 (classic networks)"

# LeCun et al. (1998), §II.B: neurons (maps × size), trainable parameters, connections
LECUN_1998 = {
    "c1": (4704, 156, 122_304), "s2": (1176, 12, 5880), "c3": (1600, 1516, 151_600), "s4": (400, 32, 2000),
    "c5": (120, 48_120, 48_120), "f6": (84, 10_164, 10_164), "output": (10, 0, 840),
}
LECUN_TOTAL = {"params": 60_000, "connections": 340_908}

# torchvision's model documentation (ImageNet weights): parameters, and "GFLOPS" at
# 224×224, which are in fact billions of multiply-accumulates.
TORCHVISION = {
    "alexnet": (61_100_840, 0.71), "vgg16": (138_357_544, 15.47), "googlenet": (6_624_904, 1.50),
    "resnet18": (11_689_512, 1.81), "resnet50": (25_557_032, 4.09),
}

# the caveat that each network's summary carries (``formulary summary`` prints it); "" where there is none
SUMMARY_NOTES = {
    "lenet5": "the output RBF's 840 centres are fixed, not trainable (LeCun et al. 1998, §II.B)",
    "alexnet-2tower": "the paper's 224×224 input does not give its 55×55 conv1 maps; 227×227 does",
    "googlenet": "the auxiliary classifiers (aux1, aux2) train only and are not counted at inference",
}

# Krizhevsky et al. (2012), §3.5: "the number of neurons in the network's remaining
# layers is given by 253,440–186,624–64,896–64,896–43,264–4096–4096–1000"
ALEXNET_2012_NEURONS = (253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000)

_BIAS_FORGOTTEN = Mistake("bias-forgotten", "k·k·C_in·C_out: biases left out", M.summary_bias_forgotten,
                          "networks.summary")
_FLOPS_AS_MACS = Mistake("flops-as-macs", "FLOPs (2 per MAC) reported as MACs", M.summary_flops_as_macs,
                         "networks.summary")
_BN_FORGOTTEN = Mistake("batchnorm-forgotten", "BatchNorm's γ and β not counted", M.summary_batchnorm_forgotten,
                        "networks.summary")
_CONV_BIAS_ASSUMED = Mistake("conv-bias-assumed",
                             "a bias counted on every convolution (those before BatchNorm have none)",
                             M.summary_conv_bias_assumed, "networks.summary")
_CONNECTIONS_WITHOUT_BIAS = Mistake("connections-without-bias", "connections counted without each unit's bias",
                                    M.summary_connections_without_bias, "networks.summary")
