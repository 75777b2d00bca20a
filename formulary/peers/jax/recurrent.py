"""impl.recurrent over ``jax.numpy``/``jax.nn``: JAX has no recurrent cell of its own, so each
cell is torch's equations in ``jnp`` (gates in torch's row order: LSTM i, f, g, o; GRU r, z,
n), and what is judged is JAX's arithmetic and its ``jax.vjp`` through them.  Sequences
unroll the cell with :mod:`formulary.peers.unroll`.
"""

from __future__ import annotations

import dataclasses

from formulary.peers import unroll
from formulary.peers.jax import ENGINE, backward, forward, jax, jnp

# Sequences run eagerly: under jax.jit every drawn shape would compile the whole unrolled graph anew
# (seconds each), while eager dispatch compiles each step's few primitives once per shape.
_EAGER = dataclasses.replace(ENGINE, compile=lambda fn: fn)

_ALL = ("input", "h", "w_ih", "w_hh", "b_ih", "b_hh")


def _affine(x, w, b):
    out = jnp().matmul(jnp().asarray(x), jnp().asarray(w).T, precision=jax().lax.Precision.HIGHEST)
    return out if b is None else out + b


def _zeros_state(input, h, w_hh):
    """A state of None is zeros, as torch's cells take it (its gradient is then None)."""
    if h is not None:
        return h
    x = jnp().asarray(input)
    return jnp().zeros(x.shape[:-1] + (jnp().asarray(w_hh).shape[1],), x.dtype)


def _rnn_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    h = _zeros_state(input, h, w_hh)
    z = _affine(input, w_ih, b_ih) + _affine(h, w_hh, b_hh)
    return jnp().tanh(z) if nonlinearity == "tanh" else jax().nn.relu(z)


def _gates(input, h, w_ih, w_hh, b_ih, b_hh):
    return jnp().split(_affine(input, w_ih, b_ih) + _affine(h, w_hh, b_hh), 4, axis=-1)  # i, f, g, o


def _lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    h, c = (None, None) if hx is None else hx
    h, c = _zeros_state(input, h, w_hh), _zeros_state(input, c, w_hh)
    i, f, g, o = _gates(input, h, w_ih, w_hh, b_ih, b_hh)
    c_t = jax().nn.sigmoid(f) * c + jax().nn.sigmoid(i) * jnp().tanh(g)
    return jax().nn.sigmoid(o) * jnp().tanh(c_t), c_t


def _gate(k, act):
    def gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
        return act()(_gates(input, h, w_ih, w_hh, b_ih, b_hh)[k])
    return gate


def _sigmoid():
    return jax().nn.sigmoid


def _tanh():
    return jnp().tanh


def _lstm_cell_state(forget, cell, input, candidate):
    return forget * cell + input * candidate


def _lstm_hidden_state(output, cell):
    return output * jnp().tanh(cell)


def _gru_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    h = _zeros_state(input, h, w_hh)
    xr, xz, xn = jnp().split(_affine(input, w_ih, b_ih), 3, axis=-1)
    hr, hz, hn = jnp().split(_affine(h, w_hh, b_hh), 3, axis=-1)
    r, z = jax().nn.sigmoid(xr + hr), jax().nn.sigmoid(xz + hz)
    n = jnp().tanh(xn + r * hn)
    return (1 - z) * n + z * h


_OPS = unroll.Ops(zeros=lambda shape, like: jnp().zeros(shape, like.dtype), stack=lambda xs, a: jnp().stack(xs, a),
                  concat=lambda xs, a: jnp().concatenate(xs, a), swap01=lambda x: jnp().swapaxes(x, 0, 1))


def _rnn(input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False, bidirectional=False):
    def step(x, h, w_ih, w_hh, b_ih, b_hh):
        return _rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    return unroll.layers(_OPS, step, jnp().asarray(input), hx, weights, num_layers, bias, batch_first, bidirectional)


def _lstm(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    return unroll.layers(_OPS, _lstm_cell, jnp().asarray(input), hx, weights, num_layers, bias, batch_first,
                         bidirectional, paired=True)


def _gru(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    return unroll.layers(_OPS, _gru_cell, jnp().asarray(input), hx, weights, num_layers, bias, batch_first,
                         bidirectional)


_lstm_input_gate, _lstm_forget_gate = _gate(0, _sigmoid), _gate(1, _sigmoid)
_lstm_cell_candidate, _lstm_output_gate = _gate(2, _tanh), _gate(3, _sigmoid)
_LSTM_CELL = ("input", "hx", "w_ih", "w_hh", "b_ih", "b_hh")
_SEQ = ("input", "hx", "weights")

rnn_cell, rnn_cell_backward = forward(_rnn_cell), backward(_rnn_cell, _ALL)
lstm_cell, lstm_cell_backward = forward(_lstm_cell), backward(_lstm_cell, _LSTM_CELL)
gru_cell, gru_cell_backward = forward(_gru_cell), backward(_gru_cell, _ALL)
lstm_input_gate, lstm_input_gate_backward = forward(_lstm_input_gate), backward(_lstm_input_gate, _ALL)
lstm_forget_gate, lstm_forget_gate_backward = forward(_lstm_forget_gate), backward(_lstm_forget_gate, _ALL)
lstm_cell_candidate, lstm_cell_candidate_backward = forward(_lstm_cell_candidate), backward(_lstm_cell_candidate, _ALL)
lstm_output_gate, lstm_output_gate_backward = forward(_lstm_output_gate), backward(_lstm_output_gate, _ALL)
lstm_cell_state = forward(_lstm_cell_state)
lstm_cell_state_backward = backward(_lstm_cell_state, ("forget", "cell", "input", "candidate"))
lstm_hidden_state = forward(_lstm_hidden_state)
lstm_hidden_state_backward = backward(_lstm_hidden_state, ("output", "cell"))
rnn, rnn_backward = _EAGER.forward(_rnn), _EAGER.backward(_rnn, _SEQ)
lstm, lstm_backward = _EAGER.forward(_lstm), _EAGER.backward(_lstm, _SEQ)
gru, gru_backward = _EAGER.forward(_gru), _EAGER.backward(_gru, _SEQ)
