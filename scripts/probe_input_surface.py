#!/usr/bin/env python3
"""Try torch's documented input forms on torch and on impl side by side (how docs/input-surface.md was derived).

    .venv/bin/python scripts/probe_input_surface.py            # every case, one line each
    .venv/bin/python scripts/probe_input_surface.py --differ   # only the cases where the two differ

Each case is one call with the same arguments (arrays as tensors for torch).  A line says
what torch did (its output shape, or its exception) and what impl did, and whether the
outputs agree.  Where they differ, the case is either a deviation the catalog
demonstrates (listed in KNOWN, with the summary's start) or something to fix.  Exit
status 1 if a difference is not in KNOWN.  Re-run it when torch is upgraded: the cases
come from torch's docstrings and signatures, and torch's answers are what it does today.
Not part of pytest: the catalog's edges, error inputs and deviations are the proof; this
is the probe that found them.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

import impl.activations as A
import impl.conv as C
import impl.losses as L

RNG = np.random.default_rng(0)
X4, W4, B4 = RNG.standard_normal((2, 3, 5, 6)), RNG.standard_normal((4, 3, 3, 3)), RNG.standard_normal(4)
X3 = X4[0].copy()

# Differences the catalog keeps as deviations (case name -> the deviation's record and summary start).
KNOWN = {
    "conv2d C_in=0": "cnn.conv.multichannel: an input with no channels",
    "conv2d padding='same' stride 2": "cnn.pad.same: padding='same' at a stride above 1",
    "conv2d padding 4 values": "cnn.pad.custom: padding=(top, bottom, left, right)",
    "conv2d integer input": "out of scope (impl/__init__.py)",
    "linear 1-D weight, bias, batch": "cnn.fc: a 1-D weight with a bias",
    "linear bias (1,)": "cnn.fc: a bias of a shape torch's documentation does not list",
    "mse_loss broadcast target": "loss.mse: every loss of (input, target)",
    "cross_entropy label_smoothing -0.1": "loss.cross_entropy: label_smoothing < 0",
    "cross_entropy int32 target": "loss.cross_entropy: class indices of any integer dtype",
    "cross_entropy float32 input, float64 probabilities": "loss.mse: every loss of (input, target)",
    "softmax dim=None": "act.softmax: softmax/log_softmax without dim",
    "relu integer input": "out of scope (impl/__init__.py)",
}


def _torch(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value.copy())
    if value in (np.float32, np.float64):
        return {np.float32: torch.float32, np.float64: torch.float64}[value]
    return value


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def probe(name, torch_fn, impl_fn, *args, **kwargs):
    """One case on both sides: (name, torch's result, impl's result, agree?)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = _first(torch_fn(*[_torch(a) for a in args], **{k: _torch(v) for k, v in kwargs.items()}))
        t_text = f"ok {tuple(theirs.shape)}"
    except Exception as exc:  # torch's answer, whatever it is
        theirs, t_text = None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:70]}"
    try:
        mine = _first(impl_fn(*args, **kwargs))
        i_text = f"ok {mine.shape}"
    except (ValueError, TypeError) as exc:
        mine, i_text = None, f"{type(exc).__name__}: {str(exc)[:70]}"
    if theirs is None or mine is None:
        agree = (theirs is None) == (mine is None)
    else:
        agree = tuple(theirs.shape) == mine.shape and np.allclose(mine, theirs.detach().numpy(), equal_nan=True)
    return name, t_text, i_text, agree


def _bn(x, rm, rv, *args, **kwargs):
    return F.batch_norm(x, None if rm is None else rm.clone(), None if rv is None else rv.clone(), *args, **kwargs)


def cases():
    for name, tf, nf in (("max_pool2d", F.max_pool2d, C.max_pool2d), ("avg_pool2d", F.avg_pool2d, C.avg_pool2d)):
        yield probe(f"{name} unbatched", tf, nf, X3, 2)
        yield probe(f"{name} unbatched, ceil_mode", tf, nf, X3, 2, ceil_mode=True)
        yield probe(f"{name} kernel_size=(2,)", tf, nf, X4, (2,))
        yield probe(f"{name} stride=()", tf, nf, X4, 2, stride=())
        yield probe(f"{name} stride=[]", tf, nf, X4, 2, stride=[])
        yield probe(f"{name} padding=(1,)", tf, nf, X4, 2, padding=(1,))
        yield probe(f"{name} padding=()", tf, nf, X4, 2, padding=())
        yield probe(f"{name} kernel_size=()", tf, nf, X4, ())
        yield probe(f"{name} stride of 3 values", tf, nf, X4, 2, stride=(1, 1, 1))
        yield probe(f"{name} N=0", tf, nf, np.zeros((0, 3, 4, 4)), 2)
        yield probe(f"{name} C=0", tf, nf, np.zeros((2, 0, 4, 4)), 2)
        yield probe(f"{name} 5-D", tf, nf, np.zeros((1, 1, 1, 4, 4)), 2)
    yield probe("max_pool2d dilation=(2,)", F.max_pool2d, C.max_pool2d, X4, 2, dilation=(2,))
    yield probe("max_pool2d unbatched, return_indices", F.max_pool2d, C.max_pool2d, X3, 2, return_indices=True)
    yield probe("conv2d unbatched", F.conv2d, C.conv2d, X3, W4, B4)
    yield probe("conv2d unbatched, padding='same'", F.conv2d, C.conv2d, X3, W4, B4, padding="same")
    yield probe("conv2d stride=(2,), dilation=(2,), padding=(1,)", F.conv2d, C.conv2d, X4, W4, B4,
                stride=(2,), dilation=(2,), padding=(1,))
    yield probe("conv2d stride=()", F.conv2d, C.conv2d, X4, W4, B4, stride=())
    yield probe("conv2d padding=()", F.conv2d, C.conv2d, X4, W4, B4, padding=())
    yield probe("conv2d N=0", F.conv2d, C.conv2d, np.zeros((0, 3, 5, 5)), W4, B4)
    yield probe("conv2d C_in=0", F.conv2d, C.conv2d, np.zeros((2, 0, 5, 5)), np.zeros((4, 0, 3, 3)))
    yield probe("conv2d C_out=0", F.conv2d, C.conv2d, X4, np.zeros((0, 3, 3, 3)))
    yield probe("conv2d H=0, padded", F.conv2d, C.conv2d, np.zeros((2, 3, 0, 5)), W4, B4, padding=2)
    yield probe("conv2d padding='same' stride 2", F.conv2d, C.conv2d, X4, W4, B4, padding="same", stride=2)
    yield probe("conv2d padding 4 values", F.conv2d, C.conv2d, X4, W4, B4, padding=(1, 1, 1, 1))
    yield probe("conv2d integer input", F.conv2d, C.conv2d, X4.astype(np.int64), W4.astype(np.int64))
    w, x = RNG.standard_normal((4, 6)), RNG.standard_normal((3, 6))
    yield probe("linear 1-D input", F.linear, C.linear, x[0], w, B4)
    yield probe("linear 1-D weight", F.linear, C.linear, x, w[0])
    yield probe("linear 0-d bias", F.linear, C.linear, x, w, np.array(2.0))
    yield probe("linear 1-D weight, bias, batch", F.linear, C.linear, x, w[0], np.array(2.0))
    yield probe("linear bias (1,)", F.linear, C.linear, x, w, np.ones(1))
    yield probe("linear 0-d input", F.linear, C.linear, np.array(1.0), w, B4)
    rm, rv = np.zeros(3), np.ones(3)
    yield probe("batch_norm N=0, training", _bn, C.batch_norm, np.zeros((0, 3)), rm, rv, training=True)
    yield probe("batch_norm N=0, evaluation", _bn, C.batch_norm, np.zeros((0, 3)), rm, rv, training=False)
    yield probe("batch_norm L=0", _bn, C.batch_norm, np.zeros((2, 3, 0)), rm, rv, training=True)
    yield probe("batch_norm one value per channel", _bn, C.batch_norm, np.ones((1, 3)), rm, rv, training=True)
    for name in ("softmax", "log_softmax"):
        yield probe(f"{name} dtype=float64", getattr(F, name), getattr(A, name), X3.astype(np.float32), 0,
                    dtype=np.float64)
        yield probe(f"{name} 0-d", getattr(F, name), getattr(A, name), np.array(2.0), 0)
    yield probe("softmax dim=None", lambda x: F.softmax(x), lambda x: A.softmax(x, None), X3)
    yield probe("relu integer input", F.relu, A.relu, np.arange(3))
    for reduction in ("none", "mean", "sum"):
        yield probe(f"mse_loss 0-d, {reduction}", F.mse_loss, L.mse_loss, np.array(1.0), np.array(0.5),
                    reduction=reduction)
        yield probe(f"mse_loss empty, {reduction}", F.mse_loss, L.mse_loss, np.zeros(0), np.zeros(0),
                    reduction=reduction)
    yield probe("mse_loss broadcast target", F.mse_loss, L.mse_loss, np.ones((3, 4)), np.ones(4))
    logits, t = RNG.standard_normal((3, 4)), np.array([0, 3, 1])
    yield probe("cross_entropy (C,), ()", F.cross_entropy, L.cross_entropy, logits[0], np.array(2))
    yield probe("cross_entropy weight, ignore_index, label_smoothing", F.cross_entropy, L.cross_entropy, logits, t,
                weight=np.abs(logits[0]), ignore_index=1, label_smoothing=0.3)
    yield probe("cross_entropy probabilities, weight, label_smoothing", F.cross_entropy, L.cross_entropy, logits,
                np.abs(logits), weight=np.abs(logits[0]), label_smoothing=0.3)
    yield probe("cross_entropy probabilities, ignore_index", F.cross_entropy, L.cross_entropy, logits, np.abs(logits),
                ignore_index=1)
    yield probe("cross_entropy label_smoothing -0.1", F.cross_entropy, L.cross_entropy, logits, t, label_smoothing=-0.1)
    yield probe("cross_entropy int32 target", F.cross_entropy, L.cross_entropy, logits, t.astype(np.int32))
    yield probe("cross_entropy uint8 target", F.cross_entropy, L.cross_entropy, logits, t.astype(np.uint8))
    yield probe("cross_entropy float32 input, float64 probabilities", F.cross_entropy, L.cross_entropy,
                logits.astype(np.float32), np.abs(logits))
    yield probe("nll_loss every target ignored", F.nll_loss, L.nll_loss, logits, np.array([1, 1, 1]), ignore_index=1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--differ", action="store_true", help="print only the cases where torch and impl differ")
    args = parser.parse_args(argv)
    unknown = 0
    for name, theirs, mine, agree in cases():
        known = KNOWN.get(name)
        unknown += not agree and not known
        if args.differ and agree:
            continue
        mark = "agree" if agree else f"DEVIATION ({known})" if known else "DIFFER"
        print(f"{name:55s} torch: {theirs:50s} impl: {mine:50s} {mark}")
    print(f"{unknown} difference(s) not in KNOWN")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
