"""Recurrent networks through PyTorch: the reference for impl.recurrent.

The cells call torch's own kernels (``torch.rnn_tanh_cell``, ``torch.rnn_relu_cell``,
``torch.lstm_cell``, ``torch.gru_cell``), unbatched inputs handled as
torch.nn.LSTMCell does (a batch of one).  The sequence layers build the torch.nn
module and run it with the given weights through ``torch.func.functional_call``, so
that autograd reaches them; the flat list is matched to the module's
``_flat_weights_names``.  The LSTM gates take their block of rows from torch's
documented layout ``W_ii|W_if|W_ig|W_io``.  Backward passes come from torch.autograd.
"""

from __future__ import annotations

from functools import cache

import torch
import torch.nn.functional as F
from torch.func import functional_call


def _zeros(input, w_hh, n: int = 1):
    """The cell modules' hx=None: zero states shaped (N, H), or (H,) for an unbatched input."""
    z = torch.zeros(*input.shape[:-1], w_hh.shape[1], dtype=input.dtype, device=input.device)
    return z if n == 1 else tuple(z.clone() for _ in range(n))


def _cell(kernel, input, state, *weights):
    """Call a torch cell kernel; a 1-D input is a batch of one, as in torch.nn.LSTMCell.forward."""
    if input.dim() == 1:
        state = tuple(s.unsqueeze(0) for s in state) if isinstance(state, tuple) else state.unsqueeze(0)
        out = kernel(input.unsqueeze(0), state, *weights)
        return tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
    return kernel(input, state, *weights)


def rnn_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    kernel = {"tanh": torch.rnn_tanh_cell, "relu": torch.rnn_relu_cell}[nonlinearity]
    return _cell(kernel, input, _zeros(input, w_hh) if h is None else h, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell(torch.lstm_cell, input, _zeros(input, w_hh, 2) if hx is None else tuple(hx), w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell(torch.gru_cell, input, _zeros(input, w_hh) if h is None else h, w_ih, w_hh, b_ih, b_hh)


# -- the LSTM's gates: torch's block of rows, torch ops ------------------------------

def _block(k, input, h, w_ih, w_hh, b_ih, b_hh):
    rows = slice(k * w_hh.shape[1], (k + 1) * w_hh.shape[1])
    return (F.linear(input, w_ih[rows], None if b_ih is None else b_ih[rows])
            + F.linear(h, w_hh[rows], None if b_hh is None else b_hh[rows]))


def lstm_input_gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    return torch.sigmoid(_block(0, input, h, w_ih, w_hh, b_ih, b_hh))


def lstm_forget_gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    return torch.sigmoid(_block(1, input, h, w_ih, w_hh, b_ih, b_hh))


def lstm_cell_candidate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    return torch.tanh(_block(2, input, h, w_ih, w_hh, b_ih, b_hh))


def lstm_output_gate(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    return torch.sigmoid(_block(3, input, h, w_ih, w_hh, b_ih, b_hh))


def lstm_cell_state(forget, cell, input, candidate):
    return torch.addcmul(forget * cell, input, candidate)


def lstm_hidden_state(output, cell):
    return output * torch.tanh(cell)


# -- sequence layers: the torch.nn module, run with the given weights ----------------

@cache
def _module(cls, input_size, hidden_size, dtype, **options):
    return cls(input_size, hidden_size, dtype=dtype, **options)


def _run(cls, input, hx, weights, batch_first, **options):
    module = _module(cls, input.shape[-1], weights[1].shape[1], input.dtype, batch_first=batch_first, **options)
    names = module._flat_weights_names
    if len(names) != len(weights):
        raise ValueError(f"weights has {len(weights)} arrays; {cls.__name__}({options}) has {len(names)}: {names}")
    args = (input,) if hx is None else (input, hx)
    return functional_call(module, dict(zip(names, weights)), args, strict=True)


def rnn(input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False, bidirectional=False):
    return _run(torch.nn.RNN, input, hx, weights, batch_first, num_layers=num_layers, nonlinearity=nonlinearity,
                bias=bias, bidirectional=bidirectional)


def lstm(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    return _run(torch.nn.LSTM, input, None if hx is None else tuple(hx), weights, batch_first,
                num_layers=num_layers, bias=bias, bidirectional=bidirectional)


def gru(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    return _run(torch.nn.GRU, input, hx, weights, batch_first, num_layers=num_layers, bias=bias,
                bidirectional=bidirectional)
