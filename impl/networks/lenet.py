"""LeNet-5: the 1998 network of LeCun, Bottou, Bengio and Haffner, the modern variant,
and the guide's counting formulas (§8).

The 1998 network (Gradient-Based Learning Applied to Document Recognition, §II.B):
32×32 input; C1 six 5×5 maps; S2 2×2 subsampling with a trainable coefficient and bias
per map; C3 sixteen 5×5 maps, each wired to a subset of S2's maps (Table I); S4 as
S2; C5 120 5×5 maps (1×1 on a 32×32 input); F6 84 units; an output layer of ten
Euclidean RBF units with fixed centres.  Every layer up to F6 squashes with
1.7159·tanh(2a/3).  The paper's counts: 340,908 connections, 60,000 trainable
parameters.
"""

from __future__ import annotations

from impl.networks.graph import Network, Sequential
from impl.networks.layers import RBF, Conv2d, Flatten, Linear, MaxPool2d, PartialConv2d, ReLU, ScaledTanh, Subsampling

# Table I of LeCun et al. (1998): the S2 maps each C3 map sees.  Maps 0-5 take three
# contiguous maps, 6-11 four contiguous, 12-14 four non-contiguous, 15 all six.
C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)


def lenet5() -> Network:
    r"""LeNet-5 as LeCun et al. (1998) describe it (see the module docstring).

    .. math:: 32 \xrightarrow{C1} 6@28 \xrightarrow{S2} 6@14 \xrightarrow{C3} 16@10 \xrightarrow{S4} 16@5
              \xrightarrow{C5} 120 \xrightarrow{F6} 84 \xrightarrow{\text{RBF}} 10
    """
    return Network("lenet5", Sequential((
        ("c1", Conv2d(1, 6, 5)), ("act1", ScaledTanh()),
        ("s2", Subsampling(6)), ("act2", ScaledTanh()),
        ("c3", PartialConv2d(6, C3_TABLE, 5)), ("act3", ScaledTanh()),
        ("s4", Subsampling(16)), ("act4", ScaledTanh()),
        ("c5", Conv2d(16, 120, 5)), ("act5", ScaledTanh()),
        ("flatten", Flatten()),
        ("f6", Linear(120, 84)), ("act6", ScaledTanh()),
        ("output", RBF(84, 10)),
    )), (1, 32, 32), "the output RBF's 840 centres are fixed, not trainable (LeCun et al. 1998, §II.B)", units=True)


def lenet5_modern() -> Network:
    r"""LeNet-5 as written today: full connections in C3, ReLU, max pooling, a linear output.

    .. math:: 32 \xrightarrow{5 \times 5} 6@28 \xrightarrow{\max} 6@14 \xrightarrow{5 \times 5} 16@10
              \xrightarrow{\max} 16@5 \to 400 \to 120 \to 84 \to 10
    """
    return Network("lenet5-modern", Sequential((
        ("conv1", Conv2d(1, 6, 5)), ("relu1", ReLU()), ("pool1", MaxPool2d(2)),
        ("conv2", Conv2d(6, 16, 5)), ("relu2", ReLU()), ("pool2", MaxPool2d(2)),
        ("flatten", Flatten()),
        ("fc1", Linear(400, 120)), ("relu3", ReLU()),
        ("fc2", Linear(120, 84)), ("relu4", ReLU()),
        ("fc3", Linear(84, 10)),
    )), (1, 32, 32), units=True)
