r"""Sequence layers like torch.nn.RNN, LSTM and GRU, as functions of a flat weight list.

``weights`` is the module's ``_flat_weights`` in its order: for each layer, for each
direction (the reverse one suffixed ``_reverse``), ``weight_ih_l{k}``,
``weight_hh_l{k}`` and, with ``bias=True``, ``bias_ih_l{k}``, ``bias_hh_l{k}``.
Layer 0's ``weight_ih`` is (G·H, input_size); a later layer's is (G·H, D·H) because
it reads both directions' outputs, concatenated forward first.

Shapes as in torch: input (L, N, input_size), or (N, L, input_size) with
``batch_first`` (which does not apply to the states), or unbatched (L, input_size);
each state (D·num_layers, N, H), row ``layer·D + direction``; ``hx=None`` means
zeros.  The output holds the last layer's hidden states at every step, (L, N, D·H).
torch's ``dropout`` (active only in training) and LSTM's ``proj_size`` are not
offered.

Backward through time, a vector-Jacobian product with the forward's arguments::

    rnn_backward((grad_output, grad_h_n), input, hx, weights, **options)
        -> (grad_input, grad_hx, grad_weights)
    lstm_backward((grad_output, (grad_h_n, grad_c_n)), input, hx, weights, **options)
        -> (grad_input, (grad_h_0, grad_c_0), grad_weights)

``grad_hx`` is None when ``hx`` is None; ``grad_weights`` is a list in the order of
``weights``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impl._checks import float_array
from impl.recurrent import _args, _steps
from impl.recurrent._unroll import layers_backward, run_layers


@dataclass(frozen=True)
class _Frame:
    """How the caller lays out time and batch; impl works time-major and batched inside."""

    batch_first: bool
    unbatched: bool

    def inward(self, a: np.ndarray) -> np.ndarray:
        """(L, N, F) from the caller's sequence layout."""
        if self.unbatched:
            return a[:, None]
        return a.swapaxes(0, 1) if self.batch_first else a

    def outward(self, a: np.ndarray) -> np.ndarray:
        if self.unbatched:
            return a[:, 0]
        return a.swapaxes(0, 1) if self.batch_first else a

    def state_in(self, a: np.ndarray) -> np.ndarray:
        """(L·D, N, H) from the caller's state (never batch-first, as in torch)."""
        return a[:, None] if self.unbatched else a

    def state_out(self, a: np.ndarray) -> np.ndarray:
        return a[:, 0] if self.unbatched else a


def _names(num_layers: int, directions: int, bias: bool) -> list[str]:
    kinds = ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if bias else ())
    return [f"{k}_l{layer}{'_reverse' if d else ''}"
            for layer in range(num_layers) for d in range(directions) for k in kinds]


def _weights(weights, kind, x, num_layers, directions, bias) -> list:
    if not isinstance(weights, (list, tuple)):
        raise TypeError(f"weights must be a list of arrays, got {type(weights).__name__}")
    names = _names(num_layers, directions, bias)
    if len(weights) != len(names):
        raise ValueError(f"weights has {len(weights)} arrays, expected {len(names)} for num_layers={num_layers}, "
                         f"bidirectional={directions == 2}, bias={bias}: {', '.join(names)}")
    weights = [_args.like(w, f"weights[{i}] ({n})", x.dtype) for i, (w, n) in enumerate(zip(weights, names))]
    if weights[1].ndim != 2 or weights[1].shape[0] != kind.gates * weights[1].shape[1]:
        raise ValueError(f"weights[1] ({names[1]}) has shape {weights[1].shape}, "
                         f"expected ({kind.gates}·hidden_size, hidden_size)")
    hidden = weights[1].shape[1]
    rows = kind.gates * hidden
    per = len(names) // (num_layers * directions)
    out = []
    for k in range(num_layers * directions):
        in_size = x.shape[-1] if k < directions else directions * hidden
        shapes = [(rows, in_size), (rows, hidden), (rows,), (rows,)][:per]
        for j, shape in enumerate(shapes):
            i = k * per + j
            if weights[i].shape != shape:
                if i == 0:
                    _args.check_input_size(x, weights[i], names[0])
                raise ValueError(f"weights[{i}] ({names[i]}) has shape {weights[i].shape}, expected {shape}")
        out.append(tuple(weights[k * per:(k + 1) * per]) + (None,) * (4 - per))
    return out


def _parse(kind, input, hx, weights, num_layers, bias, batch_first, bidirectional):
    """The arguments checked: (frame, x (L, N, I), initial states, per-layer weights, num_layers, directions)."""
    num_layers = _args.positive_int(num_layers, "num_layers")
    bias = _args.flag(bias, "bias")
    directions = 2 if _args.flag(bidirectional, "bidirectional") else 1
    x = float_array(input, "input")
    if x.ndim not in (2, 3):
        raise ValueError(f"input must be 3-D (L, N, input_size), or 2-D unbatched (L, input_size), got shape {x.shape}")
    frame = _Frame(_args.flag(batch_first, "batch_first"), x.ndim == 2)
    xs = frame.inward(x)
    if xs.shape[0] < 1:
        raise ValueError(f"input has sequence length {xs.shape[0]}, expected at least 1")
    per_layer = _weights(weights, kind, x, num_layers, directions, bias)
    rows, batch, hidden = num_layers * directions, xs.shape[1], per_layer[0][1].shape[1]
    if hx is None:
        states = tuple(np.zeros((rows, batch, hidden), x.dtype) for _ in range(kind.states))
    else:
        parts, names = (_args.pair(hx, "hx"), ("hx[0] (h_0)", "hx[1] (c_0)")) if kind.states == 2 else ((hx,), ("hx",))
        expected = (rows, hidden) if frame.unbatched else (rows, batch, hidden)
        states = tuple(frame.state_in(_args.state(s, n, x.dtype, expected, not frame.unbatched)) for s,
                       n in zip(parts, names))
    return frame, xs, states, per_layer, num_layers, directions


def _forward(kind, input, hx, weights, num_layers, bias, batch_first, bidirectional):
    frame, xs, states, per_layer, num_layers, directions = _parse(
        kind, input, hx, weights, num_layers, bias, batch_first, bidirectional)
    out, finals, _ = run_layers(kind, xs, states, per_layer, num_layers, directions)
    finals = tuple(frame.state_out(f) for f in finals)
    return frame.outward(out), (finals if kind.states == 2 else finals[0])


def _backward(kind, grad_output, input, hx, weights, num_layers, bias, batch_first, bidirectional):
    frame, xs, states, per_layer, num_layers, directions = _parse(
        kind, input, hx, weights, num_layers, bias, batch_first, bidirectional)
    out, finals, tapes = run_layers(kind, xs, states, per_layer, num_layers, directions)
    if not isinstance(grad_output, (tuple, list)) or len(grad_output) != 2:
        raise TypeError("grad_output must be a tuple (grad of the output, grad of the final state), like the forward's "
                        "result")
    g_out = _args.like(grad_output[0], "grad_output[0]", xs.dtype)
    if g_out.shape != frame.outward(out).shape:
        raise ValueError(f"grad_output[0] has shape {g_out.shape}, expected the output's shape "
                         f"{frame.outward(out).shape}")
    g_final = _args.pair(grad_output[1], "grad_output[1]") if kind.states == 2 else (grad_output[1],)
    g_final = tuple(frame.state_in(_args.state(g, "grad_output[1]", xs.dtype, frame.state_out(f).shape,
                                               not frame.unbatched))
                    for g, f in zip(g_final, finals))
    d_x, d_states, d_weights = layers_backward(kind, frame.inward(g_out), g_final, tapes, per_layer, num_layers,
                                               directions)
    d_states = tuple(frame.state_out(s) for s in d_states)
    d_hx = None if hx is None else (d_states if kind.states == 2 else d_states[0])
    return frame.outward(d_x), d_hx, [g for per in d_weights for g in per if g is not None]


def rnn(input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False, bidirectional=False):
    r"""An Elman RNN over a sequence, like torch.nn.RNN: returns ``(output, h_n)``.

    .. math:: h_t^{(l)} = \tanh\left(W_{ih}^{(l)} h_t^{(l-1)} + b_{ih}^{(l)} + W_{hh}^{(l)} h_{t-1}^{(l)} +
    b_{hh}^{(l)}\right),
              \quad h_t^{(0)} = x_t

    (relu in place of tanh with ``nonlinearity='relu'``; the reverse direction runs
    from t = L to 1 and layer l + 1 reads both directions' outputs.)
    """
    kind = _steps.rnn_kind(_args.nonlinearity(nonlinearity))
    return _forward(kind, input, hx, weights, num_layers, bias, batch_first, bidirectional)


def rnn_backward(grad_output, input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 bidirectional=False):
    r"""Backpropagation through time for rnn: ``(grad_input, grad_hx, grad_weights)``.

    .. math:: \delta_t = \Bigl(\frac{\partial L}{\partial h_t} + \delta_{t+1} W_{hh}\Bigr) \odot \phi'(a_t),\quad
              \frac{\partial L}{\partial W_{hh}} = \sum_t \delta_t^\top h_{t-1},\quad
              \frac{\partial L}{\partial W_{ih}} = \sum_t \delta_t^\top x_t
    """
    kind = _steps.rnn_kind(_args.nonlinearity(nonlinearity))
    return _backward(kind, grad_output, input, hx, weights, num_layers, bias, batch_first, bidirectional)


def lstm(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    r"""An LSTM over a sequence, like torch.nn.LSTM: returns ``(output, (h_n, c_n))``.

    Each layer and direction applies :func:`impl.recurrent.cells.lstm_cell` step by step:

    .. math:: (h_t, c_t) = \operatorname{lstm\_cell}(x_t, (h_{t-1}, c_{t-1}))
    """
    return _forward(_steps.LSTM, input, hx, weights, num_layers, bias, batch_first, bidirectional)


def lstm_backward(grad_output, input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    r"""Backpropagation through time for lstm: ``(grad_input, (grad_h_0, grad_c_0), grad_weights)``.

    ``grad_output`` is ``(grad_output, (grad_h_n, grad_c_n))``.  Going back a step, the
    cell's gradient is carried through the forget gate alone,

    .. math:: \frac{\partial L}{\partial c_{t-1}} \mathrel{+}= \delta c_t \odot f_t,

    the path along which it vanishes far more slowly than an RNN's (claim rnn.vanishing).
    """
    return _backward(_steps.LSTM, grad_output, input, hx, weights, num_layers, bias, batch_first, bidirectional)


def gru(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    r"""A GRU over a sequence, like torch.nn.GRU: returns ``(output, h_n)``.

    .. math:: h_t = \operatorname{gru\_cell}(x_t, h_{t-1}) = (1 - z_t) \odot n_t + z_t \odot h_{t-1}
    """
    return _forward(_steps.GRU, input, hx, weights, num_layers, bias, batch_first, bidirectional)


def gru_backward(grad_output, input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    r"""Backpropagation through time for gru: ``(grad_input, grad_hx, grad_weights)``.

    .. math:: \frac{\partial L}{\partial h_{t-1}} = g_t \odot z_t + [\delta r_t, \delta z_t, \delta n_t \odot r_t]\,
    W_{hh}
    """
    return _backward(_steps.GRU, grad_output, input, hx, weights, num_layers, bias, batch_first, bidirectional)
