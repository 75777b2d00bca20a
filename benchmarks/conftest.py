"""Benchmarks: impl against torch on the same inputs, in one run (pytest-benchmark).

Each benchmark is a pair of tests in one group, ``side`` = impl and torch; the speed
table (``formulary/report/speed.py``) divides their medians.  Run with ``make bench``.
"""

import numpy as np
import pytest
import torch

SIDES = ("impl", "torch")


@pytest.fixture(params=SIDES)
def side(request):
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def run_pair(benchmark, side, group, impl_call, torch_call, **info):
    """Benchmark ``impl_call()`` or ``torch_call()`` (under no_grad) as ``group``."""
    benchmark.group = group
    benchmark.extra_info.update(info, side=side)
    if side == "impl":
        benchmark(impl_call)
    else:
        with torch.no_grad():
            benchmark(torch_call)
