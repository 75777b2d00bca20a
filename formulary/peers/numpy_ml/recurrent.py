"""impl.recurrent's cells, computed by numpy-ml's ``RNNCell`` and ``LSTMCell``
(``neural_nets/layers/layers.py``), one step each.

Weights are torch's, re-laid as numpy-ml keeps them (the mapping is exact):

``RNNCell``   Z = A_prev·Waa + baᵀ + X·Wax + bxᵀ: Wax = w_ihᵀ, Waa = w_hhᵀ, bx = b_ih, ba = b_hh.
``LSTMCell``  one matrix per gate on [h_prev, x] and one bias, numpy-ml's names for torch's
              gates i, f, g, o being u (update), f, c (candidate), o:
              W_k = [w_hh,kᵀ; w_ih,kᵀ], b_k = b_ih,k + b_hh,k (the guide's form).

The given state goes in as the cell's previous state (``derived_variables['A']``, and
``['C']``), which numpy-ml otherwise starts at zero.  Backward passes are the cell's own
``backward(dLdAt)`` after its forward: the gradient arriving at c_t enters through
numpy-ml's ``dLdC_accumulator``, the slot where a later step's gradient of c_t goes, and
the gradients of the previous state are read from the accumulators the step leaves
behind.  Both of torch's biases get numpy-ml's one bias gradient.  A missing bias is
numpy-ml's zero bias.  The LSTM's gates are read off the cell's forward pass
(``Gu``, ``Gf``, ``Cc``, ``Go``); numpy-ml has no backward pass of a gate alone.
"""

from __future__ import annotations

import numpy as np

from formulary.peers.numpy_ml import load, refusing

_L = load("neural_nets/layers/layers")

_ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU"}  # torch's nonlinearity -> numpy-ml's activation
_GATES = ("u", "f", "c", "o")  # torch's row blocks i, f, g, o


def _rows(x, *states):
    """numpy-ml's cells take (n_ex, n_in): an unbatched step is a batch of one."""
    x = np.asarray(x)
    return x.ndim == 1, [np.asarray(a).reshape(-1, np.shape(a)[-1]) for a in (x, *states)]


def _unrow(unbatched, *arrays):
    out = tuple(a[0] if unbatched else a for a in arrays)
    return out if len(out) > 1 else out[0]


def _bias(b, rows, like):
    return np.zeros(rows, like.dtype) if b is None else np.asarray(b)


def _holding(layer, n_in, derived, **params):
    layer.n_in = n_in
    layer.parameters = params
    layer.gradients = {k: np.zeros_like(v) for k, v in params.items()}
    layer.derived_variables = derived
    layer.is_initialized = True
    return layer


# -- RNN ----------------------------------------------------------------------------------------

def _rnn(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity):
    if nonlinearity not in _ACTIVATIONS:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    w_ih, w_hh = np.asarray(w_ih), np.asarray(w_hh)
    hidden = w_hh.shape[1]
    return _holding(_L.RNNCell(hidden, act_fn=_ACTIVATIONS[nonlinearity]), w_ih.shape[1],
                    {"A": [h], "Z": [], "n_timesteps": 0, "current_step": 0, "dLdA_accumulator": None},
                    Waa=w_hh.T, Wax=w_ih.T,
                    ba=_bias(b_hh, hidden, w_hh).reshape(-1, 1), bx=_bias(b_ih, hidden, w_ih).reshape(-1, 1))


@refusing
def rnn_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """``RNNCell(n_out, act_fn).forward(x)`` from the previous state ``h``."""
    unbatched, (x, h) = _rows(input, h)
    return _unrow(unbatched, _rnn(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity).forward(x))


@refusing
def rnn_cell_backward(grad_output, input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """``RNNCell.backward`` after its forward: (d_input, d_h, d_w_ih, d_w_hh, d_b_ih, d_b_hh)."""
    unbatched, (x, h, g) = _rows(input, h, grad_output)
    cell = _rnn(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    cell.forward(x)
    dx = cell.backward(g)
    dh = cell.derived_variables["dLdA_accumulator"]  # = dZ·Waaᵀ, the previous state's gradient
    grads = cell.gradients
    return (*_unrow(unbatched, dx, dh), grads["Wax"].T, grads["Waa"].T,
            None if b_ih is None else grads["bx"].reshape(-1), None if b_hh is None else grads["ba"].reshape(-1))


# -- LSTM ---------------------------------------------------------------------------------------

def _lstm(x, h, c, w_ih, w_hh, b_ih, b_hh):
    w_ih, w_hh = np.asarray(w_ih), np.asarray(w_hh)
    hidden = w_hh.shape[1]
    bias = _bias(b_ih, 4 * hidden, w_ih) + _bias(b_hh, 4 * hidden, w_hh)
    params = {}
    for k, name in enumerate(_GATES):
        rows = slice(k * hidden, (k + 1) * hidden)
        params[f"W{name}"] = np.vstack([w_hh[rows].T, w_ih[rows].T])  # rows for [h_prev, x]
        params[f"b{name}"] = bias[rows].reshape(1, -1)
    derived = {"C": [c], "A": [h], "Gf": [], "Gu": [], "Go": [], "Gc": [], "Cc": [], "n_timesteps": 0,
               "current_step": 0, "dLdA_accumulator": None, "dLdC_accumulator": None}
    return _holding(_L.LSTMCell(hidden), w_ih.shape[1], derived, **params)


def _pair(hx, name):
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(f"{name} must be a tuple (h, c)")
    return hx


@refusing
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``LSTMCell(n_out).forward(x)`` from the previous state ``hx = (h, c)``: returns (h_t, c_t)."""
    unbatched, (x, h, c) = _rows(input, *_pair(hx, "hx"))
    return _unrow(unbatched, *_lstm(x, h, c, w_ih, w_hh, b_ih, b_hh).forward(x))


@refusing
def lstm_cell_backward(grad_output, input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """``LSTMCell.backward(g_h)`` after its forward, g_c in its ``dLdC_accumulator``:
    (d_input, (d_h, d_c), d_w_ih, d_w_hh, d_b_ih, d_b_hh)."""
    unbatched, (x, h, c, g_h, g_c) = _rows(input, *_pair(hx, "hx"), *_pair(grad_output, "grad_output"))
    cell = _lstm(x, h, c, w_ih, w_hh, b_ih, b_hh)
    cell.forward(x)
    cell.derived_variables["dLdC_accumulator"] = g_c
    dx = cell.backward(g_h)
    dh, dc = cell.derived_variables["dLdA_accumulator"], cell.derived_variables["dLdC_accumulator"]
    hidden = cell.n_out
    grads = cell.gradients
    d_ih = np.vstack([grads[f"W{n}"][hidden:].T for n in _GATES])
    d_hh = np.vstack([grads[f"W{n}"][:hidden].T for n in _GATES])
    d_b = np.concatenate([grads[f"b{n}"].reshape(-1) for n in _GATES])
    return (_unrow(unbatched, dx), _unrow(unbatched, dh, dc), d_ih, d_hh,
            None if b_ih is None else d_b, None if b_hh is None else d_b.copy())


def _gate(name, derived_name):
    def gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
        unbatched, (x, h) = _rows(input, h)
        cell = _lstm(x, h, np.zeros_like(h), w_ih, w_hh, b_ih, b_hh)  # no gate reads c
        cell.forward(x)
        return _unrow(unbatched, cell.derived_variables[derived_name][0])
    gate.__name__ = gate.__qualname__ = name
    gate.__doc__ = f"``LSTMCell.forward``'s ``derived_variables['{derived_name}']``."
    return refusing(gate)


lstm_input_gate = _gate("lstm_input_gate", "Gu")
lstm_forget_gate = _gate("lstm_forget_gate", "Gf")
lstm_cell_candidate = _gate("lstm_cell_candidate", "Cc")
lstm_output_gate = _gate("lstm_output_gate", "Go")
