"""Blockwise evaluation (impl/activations/_common.blockwise) changes speed, never a bit.

A large input goes through the blocked path; the same values in small pieces go through
the unblocked one; the two results must agree bit for bit, edges (±0, ±inf, NaN,
subnormals, the silu deep tail, softplus's threshold) included; a NaN is a NaN whatever its sign bit.

The optimizers' reused work buffers are the same kind of speed work: a steady step allocates no
parameter-sized array (their values are the opt.* records' to judge).
"""

import tracemalloc

import numpy as np
import pytest

from impl import activations as A
from impl.activations._common import BLOCK

EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310, -1e-310, 708.5, -708.5, -709.0, -745.0, -800.0, 800.0,
         30.0, -30.0, 20.0, 20.5, 3.0, -3.0, 1e300, -1e300, 1e-20, -1e-20]
CASES = [("sigmoid", {}), ("tanh", {}), ("softsign", {}), ("hardsigmoid", {}), ("gelu", {}),
         ("gelu", {"approximate": "tanh"}), ("silu", {}), ("softplus", {}), ("softplus", {"threshold": 20.0}),
         ("softplus", {"beta": -1.5, "threshold": 5.0}), ("elu", {"alpha": 0.7}), ("selu", {})]


def _inputs(dtype):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-8, 8, 2 * BLOCK), rng.standard_normal(BLOCK) * 400, EDGES * 40])
    rng.shuffle(x)
    x = x[: x.size // 7 * 7]
    with np.errstate(over="ignore"):  # ±1e300 is ±inf in float32
        return x.astype(dtype).reshape(-1, 7)[:, ::-1], rng.uniform(-2, 2, x.size).astype(dtype).reshape(-1, 7)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}{kw or ''}" for n, kw in CASES])
def test_blocked_equals_unblocked(name, kw, dtype):
    x, g = _inputs(dtype)  # a strided 2-d view: the blocked path must not assume a contiguous input
    assert x.size > BLOCK
    pieces = range(0, x.shape[0], 500)
    with np.errstate(all="ignore"):
        for fn, args in ((getattr(A, name), (x,)), (getattr(A, f"{name}_backward"), (g, x))):
            whole = fn(*args, **kw)
            parts = np.concatenate([fn(*(a[i:i + 500] for a in args), **kw) for i in pieces])
            assert whole.dtype == x.dtype and whole.shape == x.shape
            # bit for bit, but a NaN's sign bit, which NumPy's SIMD loops set by the array's length
            nan = np.isnan(whole)
            assert np.array_equal(nan, np.isnan(parts)), f"{fn.__name__}{kw}: NaN in one result only"
            assert whole[~nan].tobytes() == parts[~nan].tobytes(), f"{fn.__name__}{kw}: blocked and unblocked differ"


# -- the optimizers' work buffers ----------------------------------------------------------------------------------
# A step works in buffers kept from step to step (Optimizer._scratch): a fresh full-size temporary per step costs the
# kernel's page zeroing each time (up to 3300 page faults a step at 1e6 float32 parameters).  The steps' values are
# judged by the opt.* records; here, that a steady step allocates nothing the size of a parameter.  Each option that
# takes its own path is on: weight decay, maximize, both, decoupled decay, momentum and Nesterov, centred, AMSGrad.
OPTIMIZERS = [("opt.gd", "SGD", {"lr": 0.01}),
              ("opt.gd/decay", "SGD", {"lr": 0.01, "weight_decay": 0.1}),
              ("opt.gd/decay-maximize", "SGD", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
              ("opt.momentum", "SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.1, "maximize": True}),
              ("opt.momentum/nesterov", "SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
              ("opt.adagrad", "Adagrad", {"weight_decay": 0.1}),
              ("opt.adadelta", "Adadelta", {"maximize": True}),
              ("opt.rmsprop", "RMSprop", {"momentum": 0.9, "weight_decay": 0.1}),
              ("opt.rmsprop/centered", "RMSprop", {"centered": True}),
              ("opt.adam", "Adam", {}),
              ("opt.adam/amsgrad", "Adam", {"amsgrad": True, "weight_decay": 0.1, "maximize": True}),
              ("opt.adamw", "AdamW", {"maximize": True}),
              ("opt.adamax", "Adamax", {"weight_decay": 0.1}),
              ("opt.nadam", "NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
              ("opt.nadam/l2", "NAdam", {"weight_decay": 0.1, "maximize": True})]


@pytest.mark.parametrize("name,options", [c[1:] for c in OPTIMIZERS], ids=[c[0] for c in OPTIMIZERS])
def test_steady_optimizer_step_allocates_no_parameter_sized_array(name, options):
    from impl import optim as O

    rng = np.random.default_rng(3)
    params = [rng.uniform(-1, 1, (256, 512)), rng.uniform(-1, 1, 131_072)]  # 1 MiB each
    grads = [rng.uniform(-1, 1, p.shape) for p in params]
    opt = getattr(O, name)(params, **options)
    opt.step(grads)
    opt.step(grads)  # the state and the work buffers exist from here on
    tracemalloc.start()  # NumPy reports its array data to tracemalloc
    try:
        before = tracemalloc.get_traced_memory()[0]
        opt.step(grads)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < params[0].nbytes // 8, f"a steady {name} step allocated {peak} bytes at its peak"
