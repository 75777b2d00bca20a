r"""The guide's six LSTM formulas (§10), each a function of its own, on torch's weight layout.

The guide writes every gate with one weight matrix acting on the concatenation
``[h_{t-1}, x_t]`` and one bias:

.. math:: f_t = \sigma\left(W_f \cdot [h_{t-1}, x_t] + b_f\right)

torch (and impl) keep the input and hidden projections apart, with two biases, and
stack the four gates row-wise in the order **i, f, g, o** (input, forget, cell
candidate ``g`` = the guide's :math:`\tilde C_t`, output):
``w_ih`` is :math:`[W_{ii}; W_{if}; W_{ig}; W_{io}]` of shape (4H, input_size),
``w_hh`` is :math:`[W_{hi}; W_{hf}; W_{hg}; W_{ho}]` of shape (4H, H), ``b_ih`` and
``b_hh`` have 4H entries.  The two forms are the same function:

.. math:: W_f = [\,W_{hf} \mid W_{if}\,], \qquad b_f = b_{if} + b_{hf}

(the hidden block first, because the guide concatenates h before x).  Only the sum of
the two biases matters, so torch's pair is over-parametrised (cuDNN's layout, kept for
compatibility).  The guide introduces the gates in the order f, i, C̃, o: taking
torch's blocks in that order is a classic bug.

Backward passes are vector-Jacobian products: ``<gate>_backward(grad_output, input, h,
w_ih, w_hh, b_ih=None, b_hh=None)`` returns the gradients of input, h, w_ih, w_hh,
b_ih, b_hh (None for an absent bias); the weight gradients are zero outside the
gate's block of rows, as autograd gives for a slice.
"""

from __future__ import annotations

import numpy as np

from impl._checks import float_array, same_shape
from impl.activations import sigmoid, tanh
from impl.recurrent import _args


def _gate_args(input, h, w_ih, w_hh, b_ih, b_hh):
    x, (h,), weights = _args.cell(input, (h,), ("h",), w_ih, w_hh, b_ih, b_hh, 4)
    return (x, h, *weights)


def _rows(k: int, hidden: int) -> slice:
    return slice(k * hidden, (k + 1) * hidden)


def _preactivation(x, h, w_ih, w_hh, b_ih, b_hh, k):
    """Block k of W_ih x + b_ih + W_hh h + b_hh, computed from that block's rows only."""
    rows = _rows(k, w_hh.shape[1])
    a = x @ w_ih[rows].T + h @ w_hh[rows].T
    for b in (b_ih, b_hh):
        if b is not None:
            a = a + b[rows]
    return a


def _gate(k, act, input, h, w_ih, w_hh, b_ih, b_hh):
    return act(_preactivation(*_gate_args(input, h, w_ih, w_hh, b_ih, b_hh), k))


def _gate_backward(k, act, act_grad, grad_output, input, h, w_ih, w_hh, b_ih, b_hh):
    x, h, w_ih, w_hh, b_ih, b_hh = _gate_args(input, h, w_ih, w_hh, b_ih, b_hh)
    y = act(_preactivation(x, h, w_ih, w_hh, b_ih, b_hh, k))
    da = same_shape(grad_output, y) * act_grad(y)
    rows = _rows(k, w_hh.shape[1])
    da2, x2, h2 = da.reshape(-1, da.shape[-1]), x.reshape(-1, x.shape[-1]), h.reshape(-1, h.shape[-1])

    def block(shape, value):
        out = np.zeros(shape, x.dtype)
        out[rows] = value
        return out

    grad_bias = block(w_hh.shape[:1], da2.sum(axis=0))
    return (da @ w_ih[rows], da @ w_hh[rows],
            block(w_ih.shape, da2.T @ x2), block(w_hh.shape, da2.T @ h2),
            None if b_ih is None else grad_bias, None if b_hh is None else grad_bias.copy())


def _sigmoid_grad(s):
    return s * (1 - s)


def _tanh_grad(t):
    return 1 - t * t


def lstm_input_gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""The input gate: how much of the candidate enters the cell (torch's block 0).

    .. math:: i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi})
              = \sigma(W_i \cdot [h_{t-1}, x_t] + b_i)
    """
    return _gate(0, sigmoid, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_forget_gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""The forget gate: how much of the old cell state is kept (torch's block 1).

    .. math:: f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})
              = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f)
    """
    return _gate(1, sigmoid, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_cell_candidate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""The candidate cell values C̃_t (torch's "cell gate" g, block 2).

    .. math:: \tilde C_t = g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})
              = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C)
    """
    return _gate(2, tanh, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_output_gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""The output gate: how much of the squashed cell state is shown (torch's block 3).

    .. math:: o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho})
              = \sigma(W_o \cdot [h_{t-1}, x_t] + b_o)
    """
    return _gate(3, sigmoid, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_input_gate_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""Gradients of the input gate; with :math:`\delta = g\,i_t(1 - i_t)`:

    .. math:: \frac{\partial L}{\partial x_t} = \delta W_{ii},\quad
              \frac{\partial L}{\partial h_{t-1}} = \delta W_{hi},\quad
              \frac{\partial L}{\partial W_{ii}} = \delta^\top x_t,\quad
              \frac{\partial L}{\partial W_{hi}} = \delta^\top h_{t-1},\quad
              \frac{\partial L}{\partial b_{ii}} = \frac{\partial L}{\partial b_{hi}} = \textstyle\sum_n \delta
    """
    return _gate_backward(0, sigmoid, _sigmoid_grad, grad_output, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_forget_gate_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""Gradients of the forget gate, as for the input gate with :math:`\delta = g\,f_t(1 - f_t)`.

    .. math:: \frac{\partial L}{\partial x_t} = \delta W_{if},\quad \frac{\partial L}{\partial W_{hf}} = \delta^\top
    h_{t-1}
    """
    return _gate_backward(1, sigmoid, _sigmoid_grad, grad_output, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_cell_candidate_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""Gradients of the candidate, as for the input gate with :math:`\delta = g\,(1 - \tilde C_t^2)`.

    .. math:: \frac{\partial L}{\partial x_t} = \delta W_{ig},\quad \frac{\partial L}{\partial W_{hg}} = \delta^\top
    h_{t-1}
    """
    return _gate_backward(2, tanh, _tanh_grad, grad_output, input, h, w_ih, w_hh, b_ih, b_hh)


def lstm_output_gate_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    r"""Gradients of the output gate, as for the input gate with :math:`\delta = g\,o_t(1 - o_t)`.

    .. math:: \frac{\partial L}{\partial x_t} = \delta W_{io},\quad \frac{\partial L}{\partial W_{ho}} = \delta^\top
    h_{t-1}
    """
    return _gate_backward(3, sigmoid, _sigmoid_grad, grad_output, input, h, w_ih, w_hh, b_ih, b_hh)


def _same(arrays, names):
    first = float_array(arrays[0], names[0])
    out = [first]
    for a, n in zip(arrays[1:], names[1:]):
        a = _args.like(a, n, first.dtype)
        if a.shape != first.shape:
            raise ValueError(f"{n} has shape {a.shape}, expected {names[0]}'s shape {first.shape}")
        out.append(a)
    return out


def lstm_cell_state(forget, cell, input, candidate):
    r"""The cell update: keep what the forget gate lets through, add the gated candidate.

    .. math:: C_t = f_t \odot C_{t-1} + i_t \odot \tilde C_t

    Arguments in the formula's order: ``forget`` f_t, ``cell`` C_{t−1}, ``input`` the
    input gate i_t, ``candidate`` C̃_t (all of one shape).
    """
    f, c, i, g = _same((forget, cell, input, candidate), ("forget", "cell", "input", "candidate"))
    return f * c + i * g


def lstm_cell_state_backward(grad_output, forget, cell, input, candidate):
    r"""Gradients of the cell update with respect to f_t, C_{t−1}, i_t and C̃_t.

    .. math:: \frac{\partial L}{\partial f_t} = g \odot C_{t-1},\quad
              \frac{\partial L}{\partial C_{t-1}} = g \odot f_t,\quad
              \frac{\partial L}{\partial i_t} = g \odot \tilde C_t,\quad
              \frac{\partial L}{\partial \tilde C_t} = g \odot i_t
    """
    f, c, i, g = _same((forget, cell, input, candidate), ("forget", "cell", "input", "candidate"))
    d = same_shape(grad_output, f)
    return d * c, d * f, d * g, d * i


def lstm_hidden_state(output, cell):
    r"""The hidden state: the output gate applied to the squashed cell state.

    .. math:: h_t = o_t \odot \tanh(C_t)
    """
    o, c = _same((output, cell), ("output", "cell"))
    return o * tanh(c)


def lstm_hidden_state_backward(grad_output, output, cell):
    r"""Gradients of the hidden state with respect to o_t and C_t.

    .. math:: \frac{\partial L}{\partial o_t} = g \odot \tanh C_t,\quad
              \frac{\partial L}{\partial C_t} = g \odot o_t \odot (1 - \tanh^2 C_t)
    """
    o, c = _same((output, cell), ("output", "cell"))
    d = same_shape(grad_output, o)
    t = tanh(c)
    return d * t, d * o * _tanh_grad(t)
