"""Test-session settings.

torch runs on one thread in the tests: the suite's tensors are tiny, where thread
start-up costs more than it saves, and a two-core CI machine running pytest beside
torch's own pool thrashes.  The benchmarks (benchmarks/) keep torch's default threads.
"""

import torch

torch.set_num_threads(1)
