"""One time step of each recurrent cell, forward (with what backward needs) and backward.

A step receives the input projection ``ig = x W_ih^T + b_ih`` already computed (the
unroller computes it for the whole sequence in one matrix product) and the state,
a tuple: ``(h,)`` for RNN and GRU, ``(h, c)`` for LSTM.  Its backward returns the
gradients of ``ig`` and of the hidden projection ``hg = h W_hh^T + b_hh`` (they
differ only for GRU, whose reset gate multiplies ``hg``'s third block), and the
gradient of the previous state that does not pass through ``hg``.

torch's gate orders (rows of w_ih, w_hh, b_ih, b_hh): LSTM i, f, g, o; GRU r, z, n.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from impl.activations import relu, sigmoid, tanh
from impl.recurrent.lstm_gates import lstm_cell_state, lstm_hidden_state


def _project(h, w_hh, b_hh):
    hg = h @ w_hh.T
    return hg if b_hh is None else hg + b_hh


@dataclass(frozen=True)
class Kind:
    """A cell's shape of state and its step: what the unroller needs to know."""

    name: str
    gates: int  # blocks of rows in w_ih and w_hh
    states: int  # 1: (h,), 2: (h, c)
    step: Callable  # (ig, state, w_hh, b_hh) -> (state, cache)
    step_backward: Callable  # (d_state, cache) -> (d_ig, d_hg, d_state_direct)


# -- Elman RNN ---------------------------------------------------------------------

def _rnn_step(act, ig, state, w_hh, b_hh):
    h = act(ig + _project(state[0], w_hh, b_hh))
    return (h,), h


def _tanh_backward(d_state, h):
    da = d_state[0] * (1 - h * h)
    return da, da, (0,)  # the previous h is reached through hg only


def _relu_backward(d_state, h):
    da = np.where(h > 0, d_state[0], 0)  # relu'(0) = 0, as torch; the Python 0 keeps h's dtype
    return da, da, (0,)


# -- LSTM ------------------------------------------------------------------------------

def _lstm_step(ig, state, w_hh, b_hh):
    h, c = state
    a = ig + _project(h, w_hh, b_hh)
    # one sigmoid over all four blocks (elementwise, so each block is what its own call gives;
    # the candidate's block is computed and dropped) instead of three calls on narrow blocks
    s = sigmoid(a)
    hidden = a.shape[-1] // 4
    i, f, o = s[..., :hidden], s[..., hidden:2 * hidden], s[..., 3 * hidden:]
    g = tanh(a[..., 2 * hidden:3 * hidden])
    c_new = lstm_cell_state(f, c, i, g)
    h_new = lstm_hidden_state(o, c_new)
    return (h_new, c_new), (c, i, f, g, o, c_new)


def _lstm_step_backward(d_state, cache):
    dh, dc = d_state
    c, i, f, g, o, c_new = cache
    t = tanh(c_new)
    dc = dc + dh * o * (1 - t * t)
    da = np.concatenate([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), dh * t * o * (1 - o)], axis=
                        -1)
    return da, da, (0, dc * f)  # the old cell reaches the new one through f alone


# -- GRU -------------------------------------------------------------------------------

def _gru_step(ig, state, w_hh, b_hh):
    h = state[0]
    hg = _project(h, w_hh, b_hh)
    hidden = hg.shape[-1] // 3
    rz = sigmoid(ig[..., :2 * hidden] + hg[..., :2 * hidden])  # both gates in one call
    r, z = rz[..., :hidden], rz[..., hidden:]
    i_n, h_n = ig[..., 2 * hidden:], hg[..., 2 * hidden:]
    n = tanh(i_n + r * h_n)  # the reset gate scales the hidden projection, bias included (torch)
    h_new = n + z * (h - n)  # (1 − z) n + z h
    return (h_new,), (h, r, z, n, h_n)


def _gru_step_backward(d_state, cache):
    dh = d_state[0]
    h, r, z, n, h_n = cache
    dn = dh * (1 - z) * (1 - n * n)
    dr = dn * h_n * r * (1 - r)
    dz = dh * (h - n) * z * (1 - z)
    return np.concatenate([dr, dz, dn], axis=-1), np.concatenate([dr, dz, dn * r], axis=-1), (dh * z,)


RNN_TANH = Kind("rnn_tanh", 1, 1, partial(_rnn_step, tanh), _tanh_backward)
RNN_RELU = Kind("rnn_relu", 1, 1, partial(_rnn_step, relu), _relu_backward)
LSTM = Kind("lstm", 4, 2, _lstm_step, _lstm_step_backward)
GRU = Kind("gru", 3, 1, _gru_step, _gru_step_backward)


def rnn_kind(nonlinearity: str) -> Kind:
    return RNN_TANH if nonlinearity == "tanh" else RNN_RELU
