"""Catalog records of the optimisation chapter (guide §5 优化方法总结).

Optimizers are judged on *trajectories*: a sample is two parameter groups (one small
array each, the second with its own options) and a gradient feed, run for 200 steps
by impl and by torch.optim; every parameter after every step is compared, float64 to
rtol 1e-10.  The feed is a fixed gradient sequence (open loop) or an objective whose
gradients each side computes at its own parameters (closed loop: NumPy by hand
against torch.autograd).  Every run saves a checkpoint half way and continues in a new
optimizer loaded from it, so ``state_dict``/``load_state_dict`` are on trial too.

Hypothesis enumerates small designed sets of option rows (a run of 200 steps through
torch.optim costs ~10 ms a parameter group): the second group takes the next row's
options; float64 takes every row, alternating the open and the closed loop, float32
the first two rows open loop.  The float64 edge bank pins one sample on each option a
known mistake hides behind.
"""

from formulary.catalog.optim.claims import CLAIMS
from formulary.catalog.optim.composites import COMPOSITES
from formulary.catalog.optim.optimizers import OPTIMIZERS
from formulary.catalog.optim.regimes import REGIMES
from formulary.catalog.optim.schedules import SCHEDULES

RECORDS = OPTIMIZERS + SCHEDULES + COMPOSITES + REGIMES + CLAIMS
