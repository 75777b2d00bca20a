"""Benchmarks: impl against torch, the pure-NumPy peers and the machine's floor, in one run.

Each benchmark is a group of tests, one per ``side``:

``impl``      this project's NumPy code
``torch``     PyTorch (its default threads)
``numpy-ml``  numpy-ml's code, through ``formulary.peers.numpy_ml`` (where it has the op)
``onnx``      ONNX's ReferenceEvaluator, through ``formulary.peers.onnx_ref`` (where it has the op)
``floor``     what NumPy cannot beat on this machine: for an elementwise op (or a pool, a
              loss, an optimizer step) a single-core ``np.copyto`` of every operand's bytes;
              for conv/linear/LSTM the ``np.matmul`` of the GEMMs it must do (same FLOPs, BLAS's threads)

A side a group does not have is skipped.  The speed table (``formulary/report/speed.py``)
divides the medians.  Run with ``make bench`` (which installs the peers' extra).
"""

import importlib
import os
import time

import numpy as np
import pytest
import torch

SIDES = ("impl", "torch", "numpy-ml", "onnx", "floor")
SLOW_S, SLOW_ROUNDS = 0.5, 3
PEERS = {"numpy-ml": "formulary.peers.numpy_ml", "onnx": "formulary.peers.onnx_ref"}


@pytest.fixture(params=SIDES)
def side(request):
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def pytest_benchmark_update_machine_info(config, machine_info):
    """BLAS and thread facts, for SPEED.md: which kernel NumPy's BLAS runs, with how many threads."""
    try:
        from threadpoolctl import threadpool_info

        pools = threadpool_info()
    except ImportError:  # threadpoolctl comes with the bench extra
        pools = []
    machine_info["blas"] = [{k: p.get(k) for k in ("user_api", "internal_api", "version", "num_threads",
                                                   "threading_layer", "architecture", "filepath")} for p in pools]
    machine_info["env"] = {k: v for k, v in sorted(os.environ.items())
                           if k.startswith(("OPENBLAS_", "OMP_", "MKL_", "GOTO")) and k != "OPENBLAS_VERBOSE"}
    machine_info["torch_threads"] = torch.get_num_threads()
    machine_info["numpy"] = np.__version__
    machine_info["torch"] = torch.__version__


def peer_module(side: str, chapter: str):
    """The peer's module for ``chapter`` (activations, conv, losses, optim, recurrent), or None."""
    try:
        return importlib.import_module(f"{PEERS[side]}.{chapter}")
    except ImportError:  # the peers' extra is not installed, or the peer has no such chapter
        return None


def copy_floor(*arrays):
    """A single-core ``np.copyto`` of every array into a buffer made once: the memory floor."""
    buffers = [np.empty_like(a) for a in arrays]

    def floor():
        for out, a in zip(buffers, arrays, strict=True):
            np.copyto(out, a)
    return floor


def run_sides(benchmark, side, group, calls, **info):
    """Benchmark ``calls[side]()`` as ``group``; skip a side that has no call.

    A peer's call is tried once first: a peer that refuses the case (an option it lacks)
    is skipped, not timed.  A call slower than :data:`SLOW_S` is timed in :data:`SLOW_ROUNDS`
    fixed rounds: the pure-NumPy peers take seconds a call on the conv and pool sizes, and
    pytest-benchmark's calibration and minimum rounds would spend minutes on a ratio of 100.
    """
    call = calls.get(side)
    if call is None:
        pytest.skip(f"{group}: no {side} side")
    start = time.perf_counter()
    try:
        call()  # also the warm-up
    except Exception as exc:  # noqa: BLE001 -- whatever a peer raises, it does not have this case
        if side not in PEERS:
            raise
        pytest.skip(f"{side} cannot run {group}: {type(exc).__name__}: {exc}")
    benchmark.group = group
    benchmark.extra_info.update(info, side=side)
    if time.perf_counter() - start > SLOW_S:
        benchmark.pedantic(call, rounds=SLOW_ROUNDS, iterations=1)
    else:
        benchmark(call)


def peer_calls(chapter: str, call) -> dict:
    """``{peer side: lambda: call(peer's chapter module)}`` for the peers installed."""
    calls = {}
    for side in PEERS:
        module = peer_module(side, chapter)
        if module is not None:
            calls[side] = (lambda m: lambda: call(m))(module)
    return calls


def run_pair(benchmark, side, group, impl_call, torch_call, *, peers=None, floor=None, **info):
    """Benchmark a forward ``impl_call()``, ``torch_call()`` (under no_grad), the peers and the floor.

    ``peers``: ``(chapter, call)`` where ``call(module)`` runs the op with a peer's module.
    """
    def torch_no_grad():
        with torch.no_grad():
            return torch_call()

    calls = {"impl": impl_call, "torch": torch_no_grad}
    if peers is not None:
        calls.update(peer_calls(*peers))
    if floor is not None:
        calls["floor"] = floor
    run_sides(benchmark, side, group, calls, **info)
