"""What the optimisation records share: the guide's section, the parameter shapes, the float64 tolerance."""

from __future__ import annotations

import numpy as np

from formulary.record import Tolerance

SECTION = "§5 优化方法总结 (optimisation)"
STEPS, RESUME = 200, 100
SHAPES = ((2, 3), (3,))  # one parameter per group
EXACT = {np.float64: Tolerance(1e-10, 1e-12)}
NAMES = ("params[0]", "params[1]")


