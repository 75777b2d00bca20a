"""What the basics records share: the guide's section, the activations drawn, the Boolean gates."""

from __future__ import annotations

import numpy as np

SECTION = "§2 神经网络基础 (neural-network basics)"
ACTIVATIONS = ("identity", "relu", "tanh", "sigmoid")
ROWS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # a truth table's inputs
GATES = {  # name: (weight, bias, outputs on ROWS); NAND is the guide's
    "NAND": ((-2.0, -2.0), 3.0, (1, 1, 1, 0)),
    "AND": ((1.0, 1.0), -1.5, (0, 0, 0, 1)),
    "OR": ((1.0, 1.0), -0.5, (0, 1, 1, 1)),
}
