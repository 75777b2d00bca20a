"""Unrolling a cell over time, layer by layer and in both directions, and back again.

Shared by the cells (a sequence of length 1) and the sequence layers.  Arrays are
time-major, (T, N, features); states are tuples of (N, H) arrays.  ``weights`` per
layer and direction are (w_ih, w_hh, b_ih, b_hh), a bias being None when absent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impl.recurrent._steps import Kind


@dataclass
class Tape:
    """What one direction's forward leaves for its backward."""

    xs: np.ndarray  # (T, N, I) the inputs
    h_prev: np.ndarray  # (T, N, H) the hidden state each step started from
    caches: list


def _flat(a: np.ndarray) -> np.ndarray:
    return a.reshape(-1, a.shape[-1])


def run_direction(kind: Kind, xs, state, w_ih, w_hh, b_ih, b_hh, reverse: bool):
    """Outputs (T, N, H) in time order, the final state, and the tape."""
    ig = xs @ w_ih.T  # every step's input projection in one product
    if b_ih is not None:
        ig += b_ih
    steps, hidden = xs.shape[0], w_hh.shape[1]
    out = np.empty(xs.shape[:2] + (hidden,), xs.dtype)
    h_prev = np.empty_like(out)
    caches = [None] * steps
    for t in (reversed(range(steps)) if reverse else range(steps)):
        h_prev[t] = state[0]
        state, caches[t] = kind.step(ig[t], state, w_hh, b_hh)
        out[t] = state[0]
    return out, state, Tape(xs, h_prev, caches)


def direction_backward(kind: Kind, d_out, d_final, tape: Tape, w_ih, w_hh, b_ih, b_hh, reverse: bool):
    """Backpropagation through time for one direction.

    Returns the gradients of the inputs (T, N, I), of the initial state (a tuple) and
    of (w_ih, w_hh, b_ih, b_hh) (None for an absent bias).
    """
    steps = d_out.shape[0]
    d_ig = np.empty(d_out.shape[:2] + (w_hh.shape[0],), d_out.dtype)
    d_hg = np.empty_like(d_ig)
    carry = d_final
    for t in (range(steps) if reverse else reversed(range(steps))):
        d_state = (carry[0] + d_out[t], *carry[1:])
        d_ig[t], d_hg[t], direct = kind.step_backward(d_state, tape.caches[t])
        carry = (direct[0] + d_hg[t] @ w_hh, *direct[1:])
    flat_ig, flat_hg = _flat(d_ig), _flat(d_hg)
    grads = (flat_ig.T @ _flat(tape.xs), flat_hg.T @ _flat(tape.h_prev),
             None if b_ih is None else flat_ig.sum(axis=0), None if b_hh is None else flat_hg.sum(axis=0))
    return d_ig @ w_ih, carry, grads


def run_layers(kind: Kind, x, states: tuple, weights: list, num_layers: int, directions: int):
    """Stacked (and bidirectional) layers: outputs (T, N, D·H), final states (L·D, N, H) each, tapes."""
    finals, tapes = [], []
    layer_in = x
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            out, final, tape = run_direction(kind, layer_in, tuple(s[k] for s in states), *weights[k], reverse=d == 1)
            outs.append(out)
            finals.append(final)
            tapes.append(tape)
        layer_in = np.concatenate(outs, axis=-1) if directions == 2 else outs[0]
    stacked = tuple(np.stack([f[j] for f in finals]) for j in range(kind.states))
    return layer_in, stacked, tapes


def layers_backward(kind: Kind, d_output, d_finals: tuple, tapes: list, weights: list, num_layers: int,
                    directions: int):
    """Gradients of the input (T, N, I), the initial states (a tuple) and every weight (a list of 4-tuples)."""
    hidden = weights[0][1].shape[1]
    d_states = [None] * len(weights)
    d_weights = [None] * len(weights)
    d_layer = d_output
    for layer in reversed(range(num_layers)):
        d_in = 0
        for d in range(directions):
            k = layer * directions + d
            d_xs, d_states[k], d_weights[k] = direction_backward(
                kind, d_layer[..., d * hidden:(d + 1) * hidden], tuple(g[k] for g in d_finals), tapes[k],
                *weights[k], reverse=d == 1)
            d_in = d_in + d_xs
        d_layer = d_in
    d_initial = tuple(np.stack([s[j] for s in d_states]) for j in range(kind.states))
    return d_layer, d_initial, d_weights
