"""impl.recurrent's layers and cells, computed by ONNX's RNN, LSTM and GRU operators on the
reference evaluator.

One operator node per layer, bidirectional through ``direction``; between stacked
layers the nodes ``torch.onnx`` exports (Transpose and Reshape: ONNX's Y is
(L, D, N, H), the next layer reads (L, N, D·H)) and the final states concatenated.
torch's flat weights are regrouped into ONNX's W, R, B, each gate block moved from
torch's order to ONNX's: LSTM i, f, g, o -> i, o, f, c; GRU r, z, n -> z, r, h, with
``linear_before_reset=1``, which is torch's GRU.  Cells are one-step sequences.
The gate-by-gate LSTM functions have no ONNX operator and are left out.
"""

from __future__ import annotations

import numpy as np

from formulary.peers.onnx_ref._graph import ints, names, node, run

_ORDER = {"RNN": [0], "LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2]}  # ONNX's gate blocks, as indices into torch's


def _gates(w: np.ndarray, op: str) -> np.ndarray:
    """The (G·H, ...) rows of ``w`` with torch's gate blocks in ONNX's order."""
    blocks = np.split(np.asarray(w), len(_ORDER[op]))
    return np.concatenate([blocks[i] for i in _ORDER[op]])


def _layer(weights, layer: int, directions: int, bias: bool, op: str):
    """ONNX's W (D, G·H, I), R (D, G·H, H) and B (D, 2·G·H) or None for one layer."""
    per = 4 if bias else 2
    chunks = [weights[(layer * directions + d) * per:(layer * directions + d + 1) * per] for d in range(directions)]
    w = np.stack([_gates(c[0], op) for c in chunks])
    r = np.stack([_gates(c[1], op) for c in chunks])
    b = np.stack([np.concatenate([_gates(c[2], op), _gates(c[3], op)]) for c in chunks]) if bias else None
    return w, r, b


def _sequence(op, input, hx, weights, num_layers, bias, batch_first, bidirectional, attrs):
    """Run ``num_layers`` ONNX ``op`` nodes; returns (output, final states as a tuple)."""
    x = np.asarray(input)
    unbatched = x.ndim == 2
    states = () if hx is None else tuple(np.asarray(s) for s in (hx if op == "LSTM" else (hx,)))
    if unbatched:  # impl's own frame: time-major and batched inside
        x, states = x[:, None], tuple(s[:, None] for s in states)
    elif batch_first:
        x = x.swapaxes(0, 1)
    directions = 2 if bidirectional else 1
    hidden = np.shape(weights[1])[1]
    n_states = 2 if op == "LSTM" else 1
    arrays = [x]
    for layer in range(num_layers):
        rows = slice(layer * directions, (layer + 1) * directions)
        initial = [s[rows] for s in states] if states else [None] * n_states
        arrays += [*_layer(weights, layer, directions, bias, op), *initial]
    arrays = [None if a is None else np.ascontiguousarray(a) for a in arrays]
    inputs = names(*arrays)
    per = 3 + n_states  # W, R, B, then the initial states; sequence_lens is left out ('')
    attrs = {**attrs, "hidden_size": int(hidden), "direction": "bidirectional" if bidirectional else "forward"}

    def graph(dtype):
        nodes, seq = [ints("shape", [0, 0, directions * hidden])], "x0"
        for k in range(num_layers):
            w, r, b, *init = inputs[1 + k * per:1 + (k + 1) * per]
            finals = [f"h{k}", f"c{k}"][:n_states]
            out = "y" if k == num_layers - 1 else f"seq{k}"
            nodes += [node(op, [seq, w, r, b, "", *init], [f"y{k}", *finals], **attrs),
                      node("Transpose", [f"y{k}"], f"t{k}", perm=[0, 2, 1, 3]),  # (L, D, N, H) -> (L, N, D, H)
                      node("Reshape", [f"t{k}", "shape"], out)]
            seq = out
        nodes += [node("Concat", [f"{s}{k}" for k in range(num_layers)], f"{s}_n", axis=0) for s in "hc"[:n_states]]
        return nodes

    out, *finals = run(graph, *arrays, outputs=("y", "h_n", "c_n")[:1 + n_states])
    if unbatched:
        return out[:, 0], tuple(f[:, 0] for f in finals)
    return (out.swapaxes(0, 1) if batch_first else out), tuple(finals)


def rnn(input, hx, weights, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False, bidirectional=False):
    """ONNX ``RNN`` per layer (activation Tanh, or Relu for ``nonlinearity='relu'``): ``(output, h_n)``."""
    attrs = {} if nonlinearity == "tanh" else {"activations": ["Relu"] * (2 if bidirectional else 1)}
    out, (h_n,) = _sequence("RNN", input, hx, weights, num_layers, bias, batch_first, bidirectional, attrs)
    return out, h_n


def lstm(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    """ONNX ``LSTM`` per layer, no peepholes: ``(output, (h_n, c_n))``."""
    out, (h_n, c_n) = _sequence("LSTM", input, hx, weights, num_layers, bias, batch_first, bidirectional, {})
    return out, (h_n, c_n)


def gru(input, hx, weights, num_layers=1, bias=True, batch_first=False, bidirectional=False):
    """ONNX ``GRU`` per layer with ``linear_before_reset=1`` (torch's GRU): ``(output, h_n)``."""
    attrs = {"linear_before_reset": 1}
    out, (h_n,) = _sequence("GRU", input, hx, weights, num_layers, bias, batch_first, bidirectional, attrs)
    return out, h_n


def _cell_weights(w_ih, w_hh, b_ih, b_hh) -> list:
    """A one-layer weight list; ONNX's B holds both biases, so an absent one of the two is zeros."""
    if b_ih is None and b_hh is None:
        return [w_ih, w_hh]
    rows = np.shape(w_hh)[0]
    zeros = np.zeros(rows, np.asarray(w_hh).dtype)
    return [w_ih, w_hh, zeros if b_ih is None else b_ih, zeros if b_hh is None else b_hh]


def rnn_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
    """One step of ONNX ``RNN`` (a sequence of length 1): h_t."""
    weights = _cell_weights(w_ih, w_hh, b_ih, b_hh)
    return rnn(np.asarray(input)[None], np.asarray(h)[None], weights, nonlinearity=nonlinearity,
               bias=len(weights) == 4)[1][0]


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One step of ONNX ``LSTM``: (h_t, c_t)."""
    weights = _cell_weights(w_ih, w_hh, b_ih, b_hh)
    h_n, c_n = lstm(np.asarray(input)[None], tuple(np.asarray(s)[None] for s in hx), weights, bias=len(weights) == 4)[1]
    return h_n[0], c_n[0]


def gru_cell(input, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """One step of ONNX ``GRU`` (linear_before_reset=1): h_t."""
    weights = _cell_weights(w_ih, w_hh, b_ih, b_hh)
    return gru(np.asarray(input)[None], np.asarray(h)[None], weights, bias=len(weights) == 4)[1][0]
