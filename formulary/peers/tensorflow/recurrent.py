"""impl.recurrent over Keras's recurrent cells (``keras.layers.SimpleRNNCell``, ``LSTMCell``,
``GRUCell(reset_after=True)``), one step each, with torch's weights re-laid in Keras's:

``SimpleRNNCell``  kernel = w_ihᵀ, recurrent_kernel = w_hhᵀ, bias = b_ih + b_hh (one bias).
``LSTMCell``       kernel = w_ihᵀ, recurrent_kernel = w_hhᵀ, bias = b_ih + b_hh: Keras's gate
                   columns i, f, c, o are torch's rows i, f, g, o, in the same order.
``GRUCell``        gates z, r, h in Keras against torch's r, z, n: kernel = [w_z; w_r; w_n]ᵀ,
                   bias = [[b_ih]; [b_hh]] re-ordered alike (reset_after=True is torch's
                   r ⊙ (W_hn h + b_hn)).

A missing bias is Keras's zero bias.  Backward passes are ``tf.GradientTape`` over the
cell's call: gradients of the input and state, and of the cell's own variables mapped
back (both of torch's biases get the one Keras bias's gradient, as in numpy-ml's
adapter).  Keras has no gate alone and no multi-layer torch-layout sequence: the LSTM
gates, the state updates and the sequences are torch's equations in ``tf`` (the
sequences unrolled by :mod:`formulary.peers.unroll`), judged through ``tf.GradientTape``.
"""

from __future__ import annotations

import numpy as np

from formulary.peers import unroll
from formulary.peers.tensorflow import backward, forward, keras, tf

_ALL = ("input", "h", "w_ih", "w_hh", "b_ih", "b_hh")


def _t(x):
    return tf().convert_to_tensor(x)


def _zero(b, rows, like):
    return np.zeros(rows, np.asarray(like).dtype) if b is None else np.asarray(b)


def _gru_order(a, hidden):
    """torch's (r, z, n) blocks along axis 0 as Keras's (z, r, h); the map is its own inverse."""
    a = np.asarray(a)
    return np.concatenate([a[hidden:2 * hidden], a[:hidden], a[2 * hidden:]])


class _Cell:
    """A built Keras cell holding torch's weights, and the way back for their gradients."""

    def __init__(self, kind, x, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh"):
        w_ih, w_hh = np.asarray(w_ih), np.asarray(w_hh)
        hidden, dtype = w_hh.shape[1], np.asarray(x).dtype
        layers, self.kind, self.hidden = keras().layers, kind, hidden
        if kind == "rnn":
            if nonlinearity not in ("tanh", "relu"):
                raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
            self.cell = layers.SimpleRNNCell(hidden, activation=nonlinearity, dtype=dtype.name)
        elif kind == "lstm":
            self.cell = layers.LSTMCell(hidden, dtype=dtype.name)
        else:
            self.cell = layers.GRUCell(hidden, reset_after=True, dtype=dtype.name)
        self.cell.build((None, w_ih.shape[1]))
        rows = w_ih.shape[0]
        if kind == "gru":
            kernel, recurrent = _gru_order(w_ih, hidden).T, _gru_order(w_hh, hidden).T
            bias = np.stack([_gru_order(_zero(b_ih, rows, x), hidden), _gru_order(_zero(b_hh, rows, x), hidden)])
        else:
            kernel, recurrent, bias = w_ih.T, w_hh.T, _zero(b_ih, rows, x) + _zero(b_hh, rows, x)
        for var, value in ((self.cell.kernel, kernel), (self.cell.recurrent_kernel, recurrent), (self.cell.bias, bias)):
            var.assign(value.astype(dtype))

    def __call__(self, x, states):
        out, new = self.cell(x, states)
        return out, new

    def weight_grads(self, g_kernel, g_recurrent, g_bias, b_ih, b_hh):
        """(d_w_ih, d_w_hh, d_b_ih, d_b_hh) in torch's layout."""
        g_kernel, g_recurrent, g_bias = (np.asarray(a) for a in (g_kernel, g_recurrent, g_bias))
        if self.kind == "gru":
            d_ih, d_hh = _gru_order(g_kernel.T, self.hidden), _gru_order(g_recurrent.T, self.hidden)
            d_bih, d_bhh = _gru_order(g_bias[0], self.hidden), _gru_order(g_bias[1], self.hidden)
        else:
            d_ih, d_hh, d_bih, d_bhh = g_kernel.T, g_recurrent.T, g_bias, g_bias.copy()
        return d_ih, d_hh, None if b_ih is None else d_bih, None if b_hh is None else d_bhh


def _rows(x, *states):
    """Keras's cells take (batch, features): an unbatched step is a batch of one."""
    unbatched = np.ndim(x) == 1
    fix = (lambda a: np.asarray(a)[None]) if unbatched else np.asarray
    return unbatched, fix(x), [fix(s) for s in states]


def _unrow(unbatched, a):
    a = np.asarray(a)
    return a[0] if unbatched else a


def _step(kind, input, states, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh", grads=None):
    """One Keras cell step; with ``grads`` (the outputs' gradients) also the tape's gradients.  A state of None
    is zeros, as torch's cells take it."""
    x = np.asarray(input)
    states = [np.zeros(x.shape[:-1] + (np.asarray(w_hh).shape[1],), x.dtype) if s is None else s for s in states]
    unbatched, x, states = _rows(input, *states)
    cell = _Cell(kind, x, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    xs = [_t(x)] + [_t(s) for s in states]
    with tf().GradientTape() as tape:
        tape.watch(xs)
        _, new = cell(xs[0], xs[1:] if kind == "lstm" else xs[1])
        new = list(new) if isinstance(new, (tuple, list)) else [new]
    if grads is None:
        return [_unrow(unbatched, a) for a in new]
    cotangents = [_t(_rows(g)[1]) if unbatched else _t(np.asarray(g)) for g in grads]
    variables = [cell.cell.kernel, cell.cell.recurrent_kernel, cell.cell.bias]
    cotangents = [tf().cast(g, n.dtype) for g, n in zip(cotangents, new, strict=True)]
    got = tape.gradient(new, xs + variables, output_gradients=cotangents,
                        unconnected_gradients=tf().UnconnectedGradients.ZERO)
    n = len(xs)
    return [_unrow(unbatched, a) for a in got[:n]], cell.weight_grads(*got[n:], b_ih, b_hh)


def rnn_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """``SimpleRNNCell`` from the previous state ``h``."""
    return _step("rnn", input, [h], w_ih, w_hh, b_ih, b_hh, nonlinearity)[0]


def rnn_cell_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    (dx, dh), weights = _step("rnn", input, [h], w_ih, w_hh, b_ih, b_hh, nonlinearity, grads=[grad_output])
    return (dx, None if h is None else dh, *weights)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``LSTMCell`` from ``hx = (h, c)``: (h_t, c_t)."""
    h, c = (None, None) if hx is None else hx
    return tuple(_step("lstm", input, [h, c], w_ih, w_hh, b_ih, b_hh))


def lstm_cell_backward(grad_output, input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    states = [None, None] if hx is None else list(hx)
    (dx, dh, dc), weights = _step("lstm", input, states, w_ih, w_hh, b_ih, b_hh, grads=list(grad_output))
    return (dx, None if hx is None else (dh, dc), *weights)


def gru_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """``GRUCell(reset_after=True)`` from the previous state ``h``."""
    return _step("gru", input, [h], w_ih, w_hh, b_ih, b_hh)[0]


def gru_cell_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    (dx, dh), weights = _step("gru", input, [h], w_ih, w_hh, b_ih, b_hh, grads=[grad_output])
    return (dx, None if h is None else dh, *weights)


# -- torch's equations in tf: the gates alone, the state updates, the sequences ----------

def _affine(x, w, b):
    out = tf().linalg.matmul(_t(x), _t(w), transpose_b=True) if np.ndim(x) > 1 else \
        tf().linalg.matvec(_t(w), _t(x))
    return out if b is None else out + _t(b)


def _gates(input, h, w_ih, w_hh, b_ih, b_hh):
    return tf().split(_affine(input, w_ih, b_ih) + _affine(h, w_hh, b_hh), 4, axis=-1)  # i, f, g, o


def _gate(k, act):
    def gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
        return act()(_gates(input, h, w_ih, w_hh, b_ih, b_hh)[k])
    return gate


def _sigmoid():
    return tf().nn.sigmoid


def _tanh():
    return tf().math.tanh


def _lstm_cell_state(forget, cell, input, candidate):
    return _t(forget) * _t(cell) + _t(input) * _t(candidate)


def _lstm_hidden_state(output, cell):
    return _t(output) * tf().math.tanh(_t(cell))


def _rnn_step(nonlinearity):
    def step(x, h, w_ih, w_hh, b_ih, b_hh):
        z = _affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh)
        return tf().math.tanh(z) if nonlinearity == "tanh" else tf().nn.relu(z)
    return step


def _lstm_step(x, hx, w_ih, w_hh, b_ih, b_hh):
    h, c = hx
    i, f, g, o = _gates(x, h, w_ih, w_hh, b_ih, b_hh)
    c_t = tf().nn.sigmoid(f) * c + tf().nn.sigmoid(i) * tf().math.tanh(g)
    return tf().nn.sigmoid(o) * tf().math.tanh(c_t), c_t


def _gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    xr, xz, xn = tf().split(_affine(x, w_ih, b_ih), 3, axis=-1)
    hr, hz, hn = tf().split(_affine(h, w_hh, b_hh), 3, axis=-1)
    r, z = tf().nn.sigmoid(xr + hr), tf().nn.sigmoid(xz + hz)
    return (1 - z) * tf().math.tanh(xn + r * hn) + z * h


_OPS = unroll.Ops(zeros=lambda shape, like: tf().zeros(shape, like.dtype), stack=lambda xs, a: tf().stack(xs, a),
                  concat=lambda xs, a: tf().concat(xs, a), swap01=lambda x: tf().experimental.numpy.swapaxes(x, 0, 1))


def _rnn(input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False, bidirectional=False):
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return unroll.layers(_OPS, _rnn_step(nonlinearity), _t(input), hx, weights, num_layers, bias, batch_first,
                         bidirectional)


def _lstm(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    return unroll.layers(_OPS, _lstm_step, _t(input), hx, weights, num_layers, bias, batch_first, bidirectional,
                         paired=True)


def _gru(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    return unroll.layers(_OPS, _gru_step, _t(input), hx, weights, num_layers, bias, batch_first, bidirectional)


_lstm_input_gate, _lstm_forget_gate = _gate(0, _sigmoid), _gate(1, _sigmoid)
_lstm_cell_candidate, _lstm_output_gate = _gate(2, _tanh), _gate(3, _sigmoid)
_SEQ = ("input", "hx", "weights")

lstm_input_gate, lstm_input_gate_backward = forward(_lstm_input_gate), backward(_lstm_input_gate, _ALL)
lstm_forget_gate, lstm_forget_gate_backward = forward(_lstm_forget_gate), backward(_lstm_forget_gate, _ALL)
lstm_cell_candidate, lstm_cell_candidate_backward = forward(_lstm_cell_candidate), backward(_lstm_cell_candidate, _ALL)
lstm_output_gate, lstm_output_gate_backward = forward(_lstm_output_gate), backward(_lstm_output_gate, _ALL)
lstm_cell_state = forward(_lstm_cell_state)
lstm_cell_state_backward = backward(_lstm_cell_state, ("forget", "cell", "input", "candidate"))
lstm_hidden_state = forward(_lstm_hidden_state)
lstm_hidden_state_backward = backward(_lstm_hidden_state, ("output", "cell"))
rnn, rnn_backward = forward(_rnn), backward(_rnn, _SEQ)
lstm, lstm_backward = forward(_lstm), backward(_lstm, _SEQ)
gru, gru_backward = forward(_gru), backward(_gru, _SEQ)
