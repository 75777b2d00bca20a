"""Classic networks (guide §8): LeNet-5, AlexNet, VGG-16, GoogLeNet and ResNet as data
(layer specs wired by Sequential, Residual, Concat and Aux nodes), their layer-by-layer
summaries, and executable NumPy blocks.

``NETWORKS`` maps the names of ``formulary summary`` to the builders.
"""

from impl.networks.blocks import (
                                  basic_block_backward,
                                  basic_block_forward,
                                  bottleneck_backward,
                                  bottleneck_forward,
                                  inception_backward,
                                  inception_forward,
                                  lenet5_modern_backward,
                                  lenet5_modern_forward,
)
from impl.networks.classic import alexnet, alexnet_2tower, vgg16
from impl.networks.execute import backward, forward, weight_shapes
from impl.networks.graph import Aux, Concat, Network, Residual, Row, Sequential, Summary, summary
from impl.networks.layers import (
                                  RBF,
                                  AdaptiveAvgPool2d,
                                  AvgPool2d,
                                  BatchNorm2d,
                                  Conv2d,
                                  Dropout,
                                  Flatten,
                                  Linear,
                                  LocalResponseNorm,
                                  MaxPool2d,
                                  PartialConv2d,
                                  ReLU,
                                  ScaledTanh,
                                  Subsampling,
)
from impl.networks.lenet import C3_TABLE, lenet5, lenet5_modern
from impl.networks.modern import basic_block, bottleneck, googlenet, inception, resnet18, resnet50
from impl.networks.units import lenet_connections, lenet_conv_params, lenet_neurons, lenet_pool_params

NETWORKS = {
    "lenet5": lenet5, "lenet5-modern": lenet5_modern,
    "alexnet": alexnet, "alexnet-2tower": alexnet_2tower,
    "vgg16": vgg16, "googlenet": googlenet,
    "resnet18": resnet18, "resnet50": resnet50,
}

__all__ = [
    "NETWORKS", "Aux", "C3_TABLE", "Concat", "Network", "Residual", "Row", "Sequential", "Summary",
    # the layer specs, the leaves of a network
    "RBF", "AdaptiveAvgPool2d", "AvgPool2d", "BatchNorm2d", "Conv2d", "Dropout", "Flatten", "Linear",
    "LocalResponseNorm", "MaxPool2d", "PartialConv2d", "ReLU", "ScaledTanh", "Subsampling",
    "alexnet", "alexnet_2tower", "backward", "basic_block", "basic_block_backward", "basic_block_forward",
    "bottleneck", "bottleneck_backward", "bottleneck_forward", "forward", "googlenet", "inception",
    "inception_backward", "inception_forward", "lenet5", "lenet5_modern", "lenet5_modern_backward",
    "lenet5_modern_forward", "lenet_connections", "lenet_conv_params", "lenet_neurons", "lenet_pool_params",
    "resnet18", "resnet50", "summary", "vgg16", "weight_shapes",
]
