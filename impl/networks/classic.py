"""AlexNet (torchvision's single tower and the 2012 two-tower network) and VGG-16."""

from __future__ import annotations

from impl.networks.graph import Network, Sequential
from impl.networks.layers import AdaptiveAvgPool2d, Conv2d, Dropout, Flatten, Linear, LocalResponseNorm, MaxPool2d, ReLU


def _numbered(*nodes) -> Sequential:
    """A ``torch.nn.Sequential``-like node: children named 0, 1, 2, ..."""
    return Sequential(tuple((str(i), n) for i, n in enumerate(nodes)))


def alexnet() -> Network:
    r"""torchvision's AlexNet: one tower, 64-192-384-256-256 kernels (after "One weird
    trick", Krizhevsky 2014), no LRN, an adaptive 6×6 pool before the classifier.

    .. math:: 224 \xrightarrow{11, s4, p2} 55 \xrightarrow{\text{pool}} 27 \xrightarrow{5, p2} 27
    \xrightarrow{\text{pool}} 13
              \xrightarrow{3 \times 3, p1} 13 \xrightarrow{\text{pool}} 6:\ 256 \cdot 6 \cdot 6 = 9216 \to 4096 \to 4096
              \to 1000
    """
    return Network("alexnet", Sequential((
        ("features", _numbered(
            Conv2d(3, 64, 11, stride=4, padding=2), ReLU(), MaxPool2d(3, 2),
            Conv2d(64, 192, 5, padding=2), ReLU(), MaxPool2d(3, 2),
            Conv2d(192, 384, 3, padding=1), ReLU(),
            Conv2d(384, 256, 3, padding=1), ReLU(),
            Conv2d(256, 256, 3, padding=1), ReLU(), MaxPool2d(3, 2))),
        ("avgpool", AdaptiveAvgPool2d(6)),
        ("flatten", Flatten()),
        ("classifier", _numbered(
            Dropout(), Linear(256 * 6 * 6, 4096), ReLU(),
            Dropout(), Linear(4096, 4096), ReLU(),
            Linear(4096, 1000))),
    )), (3, 224, 224))


def alexnet_2tower() -> Network:
    r"""AlexNet as Krizhevsky, Sutskever and Hinton (2012) trained it on two GPUs.

    The towers are grouped convolutions (groups=2): conv2, conv4 and conv5 see only
    their own GPU's maps; conv1, conv3 and the fully connected layers see both.  LRN
    (the paper's k = 2, n = 5, α = 1e-4, β = 0.75; torch's ``alpha`` is nα = 5e-4)
    follows the ReLUs of conv1 and conv2.  The input is 227×227: the paper's 224 gives
    (224 − 11)/4 + 1 = 54.25, not its 55.

    .. math:: P_\text{conv} = k^2 \frac{C_\text{in}}{g} C_\text{out} + C_\text{out},\quad g = 2 \text{ for conv2, conv4,
    conv5}
    """
    lrn = LocalResponseNorm(5, alpha=5e-4, k=2.0)  # beta: the default, the paper's 0.75
    return Network("alexnet-2tower", Sequential((
        ("conv1", Conv2d(3, 96, 11, stride=4)), ("relu1", ReLU()), ("norm1", lrn), ("pool1", MaxPool2d(3, 2)),
        ("conv2", Conv2d(96, 256, 5, padding=2, groups=2)), ("relu2", ReLU()), ("norm2", lrn),
            ("pool2", MaxPool2d(3, 2)),
        ("conv3", Conv2d(256, 384, 3, padding=1)), ("relu3", ReLU()),
        ("conv4", Conv2d(384, 384, 3, padding=1, groups=2)), ("relu4", ReLU()),
        ("conv5", Conv2d(384, 256, 3, padding=1, groups=2)), ("relu5", ReLU()), ("pool5", MaxPool2d(3, 2)),
        ("flatten", Flatten()),
        ("fc6", Linear(256 * 6 * 6, 4096)), ("relu6", ReLU()), ("drop6", Dropout()),
        ("fc7", Linear(4096, 4096)), ("relu7", ReLU()), ("drop7", Dropout()),
        ("fc8", Linear(4096, 1000)),
    )), (3, 227, 227), "the paper's 224×224 input does not give its 55×55 conv1 maps; 227×227 does")


VGG16_CONFIG = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M")


def vgg16() -> Network:
    r"""VGG-16 (configuration D of Simonyan and Zisserman 2015), torchvision's layout:
    3×3 convolutions with padding 1, 2×2 max pooling, an adaptive 7×7 pool.

    .. math:: 224 \xrightarrow{[3 \times 3]^{2,2,3,3,3},\ 5 \text{ pools}} 7:\ 512 \cdot 7 \cdot 7 = 25088 \to 4096 \to
    4096 \to 1000
    """
    features, channels = [], 3
    for v in VGG16_CONFIG:
        if v == "M":
            features.append(MaxPool2d(2))
        else:
            features += [Conv2d(channels, v, 3, padding=1), ReLU()]
            channels = v
    return Network("vgg16", Sequential((
        ("features", _numbered(*features)),
        ("avgpool", AdaptiveAvgPool2d(7)),
        ("flatten", Flatten()),
        ("classifier", _numbered(
            Linear(512 * 7 * 7, 4096), ReLU(), Dropout(),
            Linear(4096, 4096), ReLU(), Dropout(),
            Linear(4096, 1000))),
    )), (3, 224, 224))
