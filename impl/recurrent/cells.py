r"""The three recurrent cells with torch's functional signatures and weight layout.

``rnn_cell``, ``lstm_cell`` and ``gru_cell`` mirror ``torch.rnn_tanh_cell`` /
``torch.rnn_relu_cell``, ``torch.lstm_cell`` and ``torch.gru_cell`` (and the modules
torch.nn.RNNCell, LSTMCell, GRUCell): input (N, input_size) or unbatched
(input_size,), states (N, H) or (H,), ``w_ih`` (G·H, input_size), ``w_hh`` (G·H, H)
and two optional biases (G·H,), the G gate blocks stacked row-wise in torch's order
(LSTM i, f, g, o; GRU r, z, n).  A state of None is zeros, as the modules take it
(``LSTMCell(x)``); its gradient is then None.

Backward passes are vector-Jacobian products taking the gradient of the output in
the output's structure, then the forward's arguments, and returning one gradient per
argument in the same structure (None for an absent bias)::

    rnn_cell_backward(grad_h, input, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
        -> (grad_input, grad_h, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh)
    lstm_cell_backward((grad_h, grad_c), input, (h, c), w_ih, w_hh, b_ih, b_hh)
        -> (grad_input, (grad_h, grad_c), grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh)
"""

from __future__ import annotations

import numpy as np

from impl.recurrent import _args, _steps
from impl.recurrent._unroll import direction_backward, run_direction


def _batched(x: np.ndarray, states: tuple) -> tuple:
    """A 1-step, batch-of-N view: (1, N, I) and (N, H) states, as torch's cell modules do."""
    if x.ndim == 1:
        return x[None, None], tuple(s[None] for s in states)
    return x[None], states


def _unbatched_like(x: np.ndarray, arrays: tuple) -> tuple:
    return tuple(a[0] for a in arrays) if x.ndim == 1 else arrays


def _forward(kind, x, states, weights):
    xs, states = _batched(x, states)
    _, final, _ = run_direction(kind, xs, states, *weights, reverse=False)
    return _unbatched_like(x, final)


def _backward(kind, grad_states, x, states, weights):
    xs, states_b = _batched(x, states)
    grads = tuple(_args.state(g, f"grad_output[{j}]" if len(states) > 1 else "grad_output", x.dtype, s.shape,
                              x.ndim == 2)
                  for j, (g, s) in enumerate(zip(grad_states, states)))
    _, grads_b = _batched(x, grads)
    _, _, tape = run_direction(kind, xs, states_b, *weights, reverse=False)
    d_out = np.zeros(xs.shape[:2] + (weights[1].shape[1],), x.dtype)
    d_xs, d_states, d_weights = direction_backward(kind, d_out, grads_b, tape, *weights, reverse=False)
    return d_xs.reshape(x.shape), _unbatched_like(x, d_states), d_weights


def rnn_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    r"""One step of an Elman RNN (torch.rnn_tanh_cell / torch.rnn_relu_cell).

    .. math:: h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})
              \quad(\text{or } \operatorname{relu})
    """
    kind = _steps.rnn_kind(_args.nonlinearity(nonlinearity))
    x, states, weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 1)
    return _forward(kind, x, states, weights)[0]


def rnn_cell_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    r"""Gradients of rnn_cell; with :math:`\delta = g \odot \phi'(a_t)` (``1 - h_t^2`` for tanh, ``[h_t > 0]`` for
    relu):

    .. math:: \frac{\partial L}{\partial x_t} = \delta W_{ih},\ \frac{\partial L}{\partial h_{t-1}} = \delta W_{hh},\
              \frac{\partial L}{\partial W_{ih}} = \delta^\top x_t,\ \frac{\partial L}{\partial W_{hh}} = \delta^\top
              h_{t-1},\
              \frac{\partial L}{\partial b_{ih}} = \frac{\partial L}{\partial b_{hh}} = \textstyle\sum_n \delta
    """
    kind = _steps.rnn_kind(_args.nonlinearity(nonlinearity))
    x, states, weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 1)
    d_x, (d_h,), d_w = _backward(kind, (grad_output,), x, states, weights)
    return (d_x, None if h is None else d_h, *d_w)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""One LSTM step (torch.lstm_cell): returns ``(h_t, c_t)``.

    .. math::
        \begin{aligned}
        i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) &
        f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
        g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) &
        o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
        c_t &= f_t \odot c_{t-1} + i_t \odot g_t &
        h_t &= o_t \odot \tanh(c_t)
        \end{aligned}

    The guide's :math:`\sigma(W_f\cdot[h_{t-1}, x_t] + b_f)` is the same gate with
    :math:`W_f = [W_{hf} \mid W_{if}]`, :math:`b_f = b_{if} + b_{hf}` (see
    :mod:`impl.recurrent.lstm_gates`).
    """
    x, states, weights = _args.cell(input, _args.lstm_state(hx), ("hx[0] (h)", "hx[1] (c)"), w_ih, w_hh, b_ih, b_hh, 4)
    return _forward(_steps.LSTM, x, states, weights)


def lstm_cell_backward(grad_output, input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""Gradients of lstm_cell; ``grad_output`` is ``(grad_h_t, grad_c_t)``.

    .. math::
        \delta c = g_c + g_h \odot o_t \odot (1 - \tanh^2 c_t),\quad
        \frac{\partial L}{\partial c_{t-1}} = \delta c \odot f_t,\quad
        \delta a = \bigl[\delta c\, g_t\, i_t(1-i_t),\ \delta c\, c_{t-1} f_t(1-f_t),\
                   \delta c\, i_t (1-g_t^2),\ g_h \tanh(c_t)\, o_t(1-o_t)\bigr]

    and then, as for every cell, :math:`\partial L/\partial x_t = \delta a\, W_{ih}`,
    :math:`\partial L/\partial h_{t-1} = \delta a\, W_{hh}`, :math:`\partial L/\partial W_{ih} = \delta a^\top x_t`,
    :math:`\partial L/\partial W_{hh} = \delta a^\top h_{t-1}`, both biases :math:`\sum_n \delta a`.
    """
    x, states, weights = _args.cell(input, _args.lstm_state(hx), ("hx[0] (h)", "hx[1] (c)"), w_ih, w_hh, b_ih, b_hh, 4)
    d_x, d_states, d_w = _backward(_steps.LSTM, _args.pair(grad_output, "grad_output"), x, states, weights)
    return (d_x, None if hx is None else d_states, *d_w)


def gru_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""One GRU step (torch.gru_cell), the reset gate applied after the hidden matmul as torch does.

    .. math::
        \begin{aligned}
        r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
        z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
        n_t &= \tanh\bigl(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\bigr) \\
        h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
        \end{aligned}

    Cho et al. (2014) and ONNX's default (``linear_before_reset=0``) reset first,
    :math:`W_{hn}(r_t \odot h_{t-1})`: a different function.
    """
    x, states, weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 3)
    return _forward(_steps.GRU, x, states, weights)[0]


def gru_cell_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""Gradients of gru_cell.

    .. math::
        \delta n = g (1 - z_t)(1 - n_t^2),\ \delta r = \delta n\,(W_{hn} h_{t-1} + b_{hn})\, r_t(1-r_t),\
        \delta z = g\,(h_{t-1} - n_t)\, z_t (1 - z_t),\
        \frac{\partial L}{\partial h_{t-1}} = g\, z_t + [\delta r, \delta z, \delta n \odot r_t]\, W_{hh}

    with :math:`[\delta r, \delta z, \delta n]` reaching :math:`W_{ih}, b_{ih}, x_t` and
    :math:`[\delta r, \delta z, \delta n \odot r_t]` reaching :math:`W_{hh}, b_{hh}`.
    """
    x, states, weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 3)
    d_x, (d_h,), d_w = _backward(_steps.GRU, (grad_output,), x, states, weights)
    return (d_x, None if h is None else d_h, *d_w)
