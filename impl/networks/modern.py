"""GoogLeNet (torchvision's variant) and ResNet-18/50 (torchvision's, "v1.5")."""

from __future__ import annotations

from impl.networks.graph import Aux, Concat, Network, Residual, Sequential
from impl.networks.layers import AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU

# -- GoogLeNet ---------------------------------------------------------------------------

def basic_conv(in_channels: int, out_channels: int, kernel_size, stride=1, padding=0) -> Sequential:
    r"""torchvision's BasicConv2d: a convolution without bias, BatchNorm (eps 0.001), ReLU.

    .. math:: y = \mathrm{relu}(\mathrm{BN}_{\epsilon = 10^{-3}}(K * x))
    """
    return Sequential((
        ("conv", Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False)),
        ("bn", BatchNorm2d(out_channels, eps=0.001)),
        ("relu", ReLU()),
    ))


def inception(in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, branch3_kernel=3) -> Concat:
    r"""An Inception module: 1×1; 1×1 → 3×3; 1×1 → "5×5"; 3×3 max pool → 1×1, concatenated.

    torchvision's branch 3 uses a 3×3 kernel where the paper has 5×5 (a bug kept for its
    pretrained weights); ``branch3_kernel=5`` gives the paper's module.

    .. math:: C_\text{out} = \#1{\times}1 + \#3{\times}3 + \#5{\times}5 + \text{pool proj}
    """
    return Concat((
        ("branch1", basic_conv(in_channels, ch1x1, 1)),
        ("branch2", Sequential((("0", basic_conv(in_channels, ch3x3red, 1)),
                                ("1", basic_conv(ch3x3red, ch3x3, 3, padding=1))))),
        ("branch3", Sequential((("0", basic_conv(in_channels, ch5x5red, 1)),
                                ("1", basic_conv(ch5x5red, ch5x5, branch3_kernel, padding=branch3_kernel // 2))))),
        ("branch4", Sequential((("0", MaxPool2d(3, 1, 1, ceil_mode=True)),
                                ("1", basic_conv(in_channels, pool_proj, 1))))),
    ))


def inception_aux(in_channels: int, num_classes: int = 1000) -> Aux:
    r"""An auxiliary classifier (training only): 4×4 pool, 1×1 conv to 128, two FC layers.

    .. math:: C \cdot 128 + 256 + (2048 \cdot 1024 + 1024) + (1024 \cdot K + K) \text{ parameters}
    """
    return Aux(Sequential((
        ("pool", AdaptiveAvgPool2d(4)),
        ("conv", basic_conv(in_channels, 128, 1)),
        ("flatten", Flatten()),
        ("fc1", Linear(2048, 1024)), ("relu", ReLU()), ("dropout", Dropout(0.7)),
        ("fc2", Linear(1024, num_classes)),
    )))


# torchvision's GoogLeNet: (in, #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj)
GOOGLENET_INCEPTIONS = {
    "3a": (192, 64, 96, 128, 16, 32, 32), "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64), "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64), "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128), "5b": (832, 384, 192, 384, 48, 128, 128),
}


def googlenet() -> Network:
    r"""GoogLeNet as torchvision builds it (Szegedy et al. 2015 with BatchNorm, and 3×3
    kernels in the "5×5" branches).  The auxiliary heads after 4a and 4d train only:
    the summary leaves them out unless asked (``aux=True``).

    .. math:: 224 \xrightarrow{7, s2} 112 \to 56 \to 28\,[3a, 3b] \to 14\,[4a\text{-}4e] \to 7\,[5a, 5b] \to 1024 \to
    1000
    """
    mod = {k: inception(*v) for k, v in GOOGLENET_INCEPTIONS.items()}
    return Network("googlenet", Sequential((
        ("conv1", basic_conv(3, 64, 7, stride=2, padding=3)),
        ("maxpool1", MaxPool2d(3, 2, ceil_mode=True)),
        ("conv2", basic_conv(64, 64, 1)),
        ("conv3", basic_conv(64, 192, 3, padding=1)),
        ("maxpool2", MaxPool2d(3, 2, ceil_mode=True)),
        ("inception3a", mod["3a"]), ("inception3b", mod["3b"]),
        ("maxpool3", MaxPool2d(3, 2, ceil_mode=True)),
        ("inception4a", mod["4a"]), ("aux1", inception_aux(512)),
        ("inception4b", mod["4b"]), ("inception4c", mod["4c"]), ("inception4d", mod["4d"]),
        ("aux2", inception_aux(528)), ("inception4e", mod["4e"]),
        ("maxpool4", MaxPool2d(2, ceil_mode=True)),
        ("inception5a", mod["5a"]), ("inception5b", mod["5b"]),
        ("avgpool", AdaptiveAvgPool2d(1)), ("dropout", Dropout(0.2)), ("flatten", Flatten()),
        ("fc", Linear(1024, 1000)),
    )), (3, 224, 224), "the auxiliary classifiers (aux1, aux2) train only and are not counted at inference")


# -- ResNet ------------------------------------------------------------------------------

def _conv_bn(in_channels, out_channels, kernel_size, stride, padding, prefix):
    return ((f"conv{prefix}", Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False)),
            (f"bn{prefix}", BatchNorm2d(out_channels)))


def _downsample(in_channels, out_channels, stride) -> Sequential | None:
    """The projection shortcut (1×1 conv and BN) where the shape changes; else identity."""
    if stride == 1 and in_channels == out_channels:
        return None
    return Sequential((("0", Conv2d(in_channels, out_channels, 1, stride, bias=False)),
                       ("1", BatchNorm2d(out_channels))))


def basic_block(in_channels: int, planes: int, stride: int = 1) -> Residual:
    r"""ResNet's basic block: 3×3 conv, BN, ReLU, 3×3 conv, BN, plus the shortcut, ReLU.

    .. math:: y = \mathrm{relu}\bigl(\mathrm{BN}(K_2 * \mathrm{relu}(\mathrm{BN}(K_1 *_s x))) + S(x)\bigr)
    """
    return Residual(
        Sequential((*_conv_bn(in_channels, planes, 3, stride, 1, "1"), ("relu1", ReLU()),
                    *_conv_bn(planes, planes, 3, 1, 1, "2"))),
        _downsample(in_channels, planes, stride),
        Sequential((("relu2", ReLU()),)),
    )


def bottleneck(in_channels: int, planes: int, stride: int = 1) -> Residual:
    r"""ResNet's bottleneck block (v1.5: the stride on the 3×3): 1×1 to ``planes``,
    3×3, 1×1 to 4·planes, each with BN, plus the shortcut, ReLU.

    .. math:: y = \mathrm{relu}\bigl(\mathrm{BN}(K_3 * \mathrm{relu}(\mathrm{BN}(K_2 *_s \mathrm{relu}(\mathrm{BN}(K_1 *
    x))))) + S(x)\bigr)
    """
    return Residual(
        Sequential((*_conv_bn(in_channels, planes, 1, 1, 0, "1"), ("relu1", ReLU()),
                    *_conv_bn(planes, planes, 3, stride, 1, "2"), ("relu2", ReLU()),
                    *_conv_bn(planes, 4 * planes, 1, 1, 0, "3"))),
        _downsample(in_channels, 4 * planes, stride),
        Sequential((("relu3", ReLU()),)),
    )


def _resnet(name: str, block, expansion: int, depths: tuple) -> Network:
    stages, channels = [], 64
    for i, (planes, depth) in enumerate(zip((64, 128, 256, 512), depths)):
        blocks = []
        for j in range(depth):
            blocks.append((str(j), block(channels, planes, 2 if i > 0 and j == 0 else 1)))
            channels = planes * expansion
        stages.append((f"layer{i + 1}", Sequential(tuple(blocks))))
    return Network(name, Sequential((
        *_conv_bn(3, 64, 7, 2, 3, "1"), ("relu", ReLU()), ("maxpool", MaxPool2d(3, 2, 1)),
        *stages,
        ("avgpool", AdaptiveAvgPool2d(1)), ("flatten", Flatten()),
        ("fc", Linear(512 * expansion, 1000)),
    )), (3, 224, 224))


def resnet18() -> Network:
    r"""ResNet-18 (He et al. 2016): basic blocks, [2, 2, 2, 2].

    .. math:: 224 \xrightarrow{7, s2, p3} 112 \xrightarrow{\max, s2} 56 \to 56 \to 28 \to 14 \to 7 \to 512 \to 1000
    """
    return _resnet("resnet18", basic_block, 1, (2, 2, 2, 2))


def resnet50() -> Network:
    r"""ResNet-50: bottleneck blocks, [3, 4, 6, 3] (torchvision's v1.5).

    .. math:: 224 \xrightarrow{7, s2, p3} 112 \xrightarrow{\max, s2} 56 \to 56 \to 28 \to 14 \to 7 \to 2048 \to 1000
    """
    return _resnet("resnet50", bottleneck, 4, (3, 4, 6, 3))
