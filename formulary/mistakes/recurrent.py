"""Known mistakes of the recurrent chapter: what a learner or a careless port writes.

Each is a complete wrong implementation with impl's signature.  Most are impl itself
fed a wrongly arranged argument (gate blocks in another framework's order, a bias
dropped); the rest swap one step of impl's cells (``impl.recurrent._steps.Kind``) for
a wrong one and run impl's own unroller with it, so that the mistake is that one
step and nothing else.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from impl import recurrent as R
from impl.activations import sigmoid, tanh
from impl.recurrent import _args, _steps, cells, layers
from impl.recurrent.lstm_gates import _gate, _gate_backward

# -- rearranged weights ----------------------------------------------------------------


def _blocks(a, order, gates):
    """The rows of a stacked weight or bias rearranged: block j of the result is block order[j]."""
    if a is None:
        return None
    parts = np.split(np.asarray(a), gates, axis=0)
    return np.concatenate([parts[k] for k in order], axis=0)


# torch stacks LSTM gates i, f, g, o.  Code that reads them in another order takes, for the gate impl
# reads from block j, torch's block ORDER[j]:
GUIDE_ORDER = (1, 0, 2, 3)  # the guide introduces f, i, C̃, o: torch's block 0 taken as f
TF1_ORDER = (0, 2, 1, 3)  # tf.compat.v1 LSTMCell splits i, j(=g), f, o
ONNX_ORDER = (0, 2, 3, 1)  # ONNX LSTM stacks i, o, f, c
KERAS_GRU_ORDER = (1, 0, 2)  # Keras's GRU kernel is z, r, h; torch's r, z, n


def _per_weight(weights, fn):
    return [fn(w) for w in weights]


def _cell_with(fn, order, gates):
    """A cell or gate function whose w_ih, w_hh, b_ih, b_hh are read in ``order``."""
    def wrong(input, state, w_ih, w_hh, b_ih=None, b_hh=None, *rest, **kw):
        return fn(input, state, *(_blocks(w, order, gates) for w in (w_ih, w_hh, b_ih, b_hh)), *rest, **kw)

    return wrong


def _layer_with(fn, order, gates):
    def wrong(input, hx, weights, *rest, **kw):
        return fn(input, hx, _per_weight(weights, lambda w: _blocks(w, order, gates)), *rest, **kw)

    return wrong


lstm_forget_gate_guide_order = _cell_with(R.lstm_forget_gate, GUIDE_ORDER, 4)
lstm_forget_gate_tf1_order = _cell_with(R.lstm_forget_gate, TF1_ORDER, 4)
lstm_input_gate_guide_order = _cell_with(R.lstm_input_gate, GUIDE_ORDER, 4)
lstm_cell_candidate_tf1_order = _cell_with(R.lstm_cell_candidate, TF1_ORDER, 4)
lstm_cell_candidate_onnx_order = _cell_with(R.lstm_cell_candidate, ONNX_ORDER, 4)
lstm_output_gate_onnx_order = _cell_with(R.lstm_output_gate, ONNX_ORDER, 4)
lstm_cell_guide_order = _cell_with(R.lstm_cell, GUIDE_ORDER, 4)
lstm_guide_order = _layer_with(R.lstm, GUIDE_ORDER, 4)
gru_cell_keras_order = _cell_with(R.gru_cell, KERAS_GRU_ORDER, 3)
gru_keras_order = _layer_with(R.gru, KERAS_GRU_ORDER, 3)


def _cell_one_bias(fn):
    """Only b_ih: the guide's one bias per gate, torch's b_hh dropped."""
    def wrong(input, state, w_ih, w_hh, b_ih=None, b_hh=None, *rest, **kw):
        return fn(input, state, w_ih, w_hh, b_ih, None, *rest, **kw)

    return wrong


lstm_input_gate_one_bias = _cell_one_bias(R.lstm_input_gate)
lstm_forget_gate_one_bias = _cell_one_bias(R.lstm_forget_gate)
lstm_output_gate_one_bias = _cell_one_bias(R.lstm_output_gate)
lstm_cell_one_bias = _cell_one_bias(R.lstm_cell)
rnn_cell_one_bias = _cell_one_bias(R.rnn_cell)
gru_cell_one_bias = _cell_one_bias(R.gru_cell)


def _layer_one_bias(fn):
    """Every bias_hh zeroed: one bias instead of two."""
    def wrong(input, hx, weights, *rest, bias=True, **kw):
        if not bias:
            return fn(input, hx, weights, *rest, bias=bias, **kw)
        return fn(input, hx, [np.zeros_like(w) if i % 4 == 3 else w for i, w in enumerate(weights)], *rest, bias=bias,
                  **kw)

    return wrong


rnn_one_bias = _layer_one_bias(R.rnn)
lstm_one_bias = _layer_one_bias(R.lstm)


def lstm_cell_candidate_sigmoid(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """σ for the candidate, like the three gates, instead of tanh (C̃ then never negative)."""
    return _gate(2, sigmoid, input, h, w_ih, w_hh, b_ih, b_hh)


# -- wrong gradients of the gates --------------------------------------------------------

def _gate_backward_linear(k, act):
    """The gate's backward with the activation's derivative left out (δ = g, as if linear)."""
    def wrong(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
        return _gate_backward(k, act, np.ones_like, grad_output, input, h, w_ih, w_hh, b_ih, b_hh)

    return wrong


lstm_input_gate_backward_linear = _gate_backward_linear(0, sigmoid)
lstm_forget_gate_backward_linear = _gate_backward_linear(1, sigmoid)
lstm_cell_candidate_backward_linear = _gate_backward_linear(2, tanh)
lstm_output_gate_backward_linear = _gate_backward_linear(3, sigmoid)


# -- the cell update and the hidden state ---------------------------------------------------

def lstm_cell_state_gates_swapped(forget, cell, input, candidate):
    """i ⊙ C_{t−1} + f ⊙ C̃: the forget and input gates exchanged."""
    return R.lstm_cell_state(input, cell, forget, candidate)


def lstm_cell_state_input_gate_forgotten(forget, cell, input, candidate):
    """f ⊙ C_{t−1} + C̃: the candidate added ungated."""
    return R.lstm_cell_state(forget, cell, np.ones_like(input), candidate)


def lstm_cell_state_backward_no_forget(grad_output, forget, cell, input, candidate):
    """∂L/∂C_{t−1} = g: the forget gate left out of the old cell's gradient."""
    df, _, di, dg = R.lstm_cell_state_backward(grad_output, forget, cell, input, candidate)
    return df, np.array(grad_output, copy=True), di, dg


def lstm_hidden_state_no_tanh(output, cell):
    """o ⊙ C_t: the tanh on the cell forgotten."""
    return np.asarray(output) * np.asarray(cell)


def lstm_hidden_state_sigmoid(output, cell):
    """o ⊙ σ(C_t): σ in place of tanh (h then never negative)."""
    return np.asarray(output) * sigmoid(cell)


def lstm_hidden_state_backward_no_tanh_derivative(grad_output, output, cell):
    """∂L/∂C_t = g ⊙ o: the tanh's derivative left out."""
    do, _ = R.lstm_hidden_state_backward(grad_output, output, cell)
    return do, np.asarray(grad_output) * np.asarray(output)


# -- whole cells ----------------------------------------------------------------------------

def lstm_cell_h_c_swapped(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """(c_t, h_t) returned where (h_t, c_t) is expected."""
    h, c = R.lstm_cell(input, hx, w_ih, w_hh, b_ih, b_hh)
    return c, h


def lstm_cell_no_tanh_on_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h_t = o_t ⊙ c_t: the tanh on the cell forgotten in the hidden state."""
    _, c = R.lstm_cell(input, hx, w_ih, w_hh, b_ih, b_hh)
    return R.lstm_output_gate(input, hx[0], w_ih, w_hh, b_ih, b_hh) * c, c


def lstm_cell_backward_grad_c_ignored(grad_output, input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """The gradient arriving at c_t dropped: only h_t's is propagated."""
    g_h, g_c = grad_output
    return R.lstm_cell_backward((g_h, np.zeros_like(g_c)), input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_cell_tanh_always(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """nonlinearity accepted and ignored: always tanh."""
    return R.rnn_cell(input, h, w_ih, w_hh, b_ih, b_hh)


def rnn_cell_backward_w_hh_transposed(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """∂L/∂h_{t−1} = δ W_hhᵀ instead of δ W_hh (the forward's transpose forgotten)."""
    grads = list(R.rnn_cell_backward(grad_output, input, h, w_ih, w_hh, b_ih, b_hh, nonlinearity))
    h_new = R.rnn_cell(input, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    delta = grad_output * (1 - h_new * h_new) if nonlinearity == "tanh" else np.where(h_new > 0, grad_output, 0)
    grads[1] = (delta @ np.asarray(w_hh).T).astype(h_new.dtype)
    return tuple(grads)


# -- one wrong step inside impl's unroller ---------------------------------------------------

def _kind(base, **changes):
    return replace(base, name=f"{base.name} (wrong)", **changes)


def _lstm_backward_no_forget(d_state, cache):
    """The old cell's gradient passed on without the forget gate."""
    da, _, (zero, _) = _steps.LSTM.step_backward(d_state, cache)
    dh, dc = d_state
    o, c_new = cache[4], cache[5]
    t = tanh(c_new)
    return da, da, (zero, dc + dh * o * (1 - t * t))


def _tanh_backward_no_derivative(d_state, h):
    """δ = ∂L/∂h_t: tanh's derivative left out, so nothing vanishes."""
    return d_state[0], d_state[0], (0,)


def _gru_step_onnx(ig, state, w_hh, b_hh):
    """ONNX's default GRU (linear_before_reset=0): n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)."""
    h = state[0]
    hidden = h.shape[-1]
    i_r, i_z, i_n = np.split(ig, 3, axis=-1)
    h_r, h_z, _ = np.split(h @ w_hh.T + (0 if b_hh is None else b_hh), 3, axis=-1)
    r, z = sigmoid(i_r + h_r), sigmoid(i_z + h_z)
    reset_first = (r * h) @ w_hh[2 * hidden:].T + (0 if b_hh is None else b_hh[2 * hidden:])
    n = tanh(i_n + reset_first)
    return (n + z * (h - n),), None


def _gru_backward_reset_ignored(d_state, cache):
    """The hidden projection's gradient taken equal to the input projection's: r_t forgotten in δn."""
    d_ig, _, direct = _steps.GRU.step_backward(d_state, cache)
    return d_ig, d_ig, direct


LSTM_NO_FORGET = _kind(_steps.LSTM, step_backward=_lstm_backward_no_forget)
RNN_NO_DERIVATIVE = _kind(_steps.RNN_TANH, step_backward=_tanh_backward_no_derivative)
GRU_ONNX = _kind(_steps.GRU, step=_gru_step_onnx)
GRU_RESET_IGNORED = _kind(_steps.GRU, step_backward=_gru_backward_reset_ignored)


def lstm_backward_no_forget(grad_output, input, hx, weights, num_layers=1, bias=True, batch_first=False,
                            bidirectional=False):
    """BPTT that carries the cell's gradient back unchanged: ∂L/∂c_{t−1} = δc_t, not δc_t ⊙ f_t."""
    return layers._backward(LSTM_NO_FORGET, grad_output, input, hx, weights, num_layers, bias, batch_first,
                            bidirectional)


def rnn_backward_no_derivative(grad_output, input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True,
                               batch_first=False, bidirectional=False):
    """BPTT through a tanh RNN without tanh's derivative (whatever nonlinearity says)."""
    return layers._backward(RNN_NO_DERIVATIVE, grad_output, input, hx, weights, num_layers, bias, batch_first,
                            bidirectional)


def gru_cell_onnx_reset(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """The reset gate applied to h before the hidden matmul (ONNX's default, Cho et al. 2014)."""
    x, states, weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 3)
    return cells._forward(GRU_ONNX, x, states, weights)[0]


def gru_onnx_reset(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    """The reset gate applied to h before the hidden matmul, in every layer."""
    return layers._forward(GRU_ONNX, input, hx, weights, num_layers, bias, batch_first, bidirectional)


def gru_cell_update_inverted(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """h_t = z ⊙ n + (1 − z) ⊙ h_{t−1} (Chung et al. 2014's convention) where torch has (1 − z) ⊙ n + z ⊙ h_{t−1}.

    σ(−a) = 1 − σ(a): negating the z block's weights and biases gives exactly that.
    """
    def negate_z(w):
        return None if w is None else np.concatenate([p * s for p, s in zip(np.split(np.asarray(w), 3), (1, -1, 1))])

    return R.gru_cell(input, h, *(negate_z(w) for w in (w_ih, w_hh, b_ih, b_hh)))


def gru_cell_backward_reset_ignored(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """∂L/∂(W_hn h + b_hn) taken as δn, without the reset gate's factor r_t."""
    x, states, weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 3)
    d_x, (d_h,), d_w = cells._backward(GRU_RESET_IGNORED, (grad_output,), x, states, weights)
    return (d_x, d_h, *d_w)


def gru_backward_reset_ignored(grad_output, input, hx, weights, num_layers=1, bias=True, batch_first=False,
                               bidirectional=False):
    """BPTT with the reset gate's factor r_t left out of the hidden projection's gradient."""
    return layers._backward(GRU_RESET_IGNORED, grad_output, input, hx, weights, num_layers, bias, batch_first,
                            bidirectional)


# -- sequence layers ----------------------------------------------------------------------

def lstm_h_c_swapped(input, hx, weights, **options):
    """(output, (c_n, h_n)): the final states swapped."""
    out, (h, c) = R.lstm(input, hx, weights, **options)
    return out, (c, h)


def rnn_final_state_from_output(input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                                bidirectional=False):
    """The last layer's h_n read from output[-1], for the reverse direction too (where it is output[0])."""
    out, h_n = R.rnn(input, hx, weights, num_layers, nonlinearity, bias, batch_first, bidirectional)
    last = np.asarray(out)
    last = last[-1] if last.ndim == 2 or not batch_first else last[:, -1]
    hidden = h_n.shape[-1]
    h_n = h_n.copy()
    for d in range(2 if bidirectional else 1):
        h_n[(num_layers - 1) * (2 if bidirectional else 1) + d] = last[..., d * hidden:(d + 1) * hidden]
    return out, h_n
