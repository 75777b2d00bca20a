"""torch's multi-layer, bidirectional RNN/LSTM/GRU over a framework's one-step cell, written
once for the JAX and TensorFlow adapters (``ops``: their ``zeros``, ``stack``, ``concat``,
``swap01``).  Layout and weights as impl.recurrent's layers: ``weights`` is torch's
``_flat_weights`` (per layer, per direction: w_ih, w_hh[, b_ih, b_hh]), states
(D·layers, N, H), output (L, N, D·H) or batch-first or unbatched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ops:
    zeros: Callable  # (shape, like) -> zeros of like's dtype
    stack: Callable  # (list, axis) -> array
    concat: Callable  # (list, axis) -> array
    swap01: Callable  # array -> its first two axes swapped


def layers(ops: Ops, step: Callable, input, hx, weights, num_layers=1, bias=True, batch_first=False,
           bidirectional=False, paired=False):
    """(output, h_n) or, ``paired`` (LSTM), (output, (h_n, c_n)); ``step(x, state, w_ih, w_hh, b_ih, b_hh)``
    returns the new state (h, or (h, c))."""
    unbatched = input.ndim == 2
    x = input[:, None] if unbatched else (ops.swap01(input) if batch_first else input)
    directions, per = (2 if bidirectional else 1), (4 if bias else 2)
    hidden = weights[1].shape[1]
    shape = (directions * num_layers, x.shape[1], hidden)
    if hx is None:
        h0 = ops.zeros(shape, x)
        c0 = ops.zeros(shape, x) if paired else None
    else:
        h0, c0 = hx if paired else (hx, None)
        if unbatched:
            h0, c0 = h0[:, None], (c0[:, None] if paired else None)
    seq, h_n, c_n = x, [], []
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            w = list(weights[k * per:(k + 1) * per]) + [None, None] * (not bias)
            state = (h0[k], c0[k]) if paired else h0[k]
            ys = [None] * seq.shape[0]
            for t in (range(seq.shape[0]) if d == 0 else reversed(range(seq.shape[0]))):
                state = step(seq[t], state, *w)
                ys[t] = state[0] if paired else state
            outs.append(ops.stack(ys, 0))
            h_n.append(state[0] if paired else state)
            if paired:
                c_n.append(state[1])
        seq = outs[0] if directions == 1 else ops.concat(outs, -1)
    out = seq[:, 0] if unbatched else (ops.swap01(seq) if batch_first else seq)
    h = ops.stack(h_n, 0)
    h = h[:, 0] if unbatched else h
    if not paired:
        return out, h
    c = ops.stack(c_n, 0)
    return out, (h, c[:, 0] if unbatched else c)
