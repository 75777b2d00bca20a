"""Cell and gate samples, edges and errors, and the gate record factory."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.catalog.recurrent._common import BATCHES, LSTM_SECTION, SCALES, SEEDS, SIZES, _uniform
from formulary.record import Deviation, ErrorInput, Record, Sample
from formulary.strategies import arrays, samples, shapes
from formulary.verdict import expect

# -- cells and gates ---------------------------------------------------------------------

def cell_sample(dtype, seed, gates, *, states=1, batch=2, input_size=3, hidden=2, b_ih=True, b_hh=True,
                scale=1.0, kwargs=None, note="", hx=True):
    """(input, state, w_ih, w_hh, b_ih, b_hh): state is h, or (h, c) when states == 2 (None without ``hx``)."""
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    x = _uniform(rng, dtype, lead + (input_size,), 2.0)
    hs = tuple(_uniform(rng, dtype, lead + (hidden,), 1.0 + j) for j in range(states))
    rows = gates * hidden
    w_ih, w_hh = _uniform(rng, dtype, (rows, input_size), scale), _uniform(rng, dtype, (rows, hidden), scale)
    bias = [_uniform(rng, dtype, (rows,), scale) if on else None for on in (b_ih, b_hh)]
    state = (hs if states == 2 else hs[0]) if hx else None
    return Sample((x, state, w_ih, w_hh, *bias), dict(kwargs or {}), note)


def cell_samples(dtype, gates, states=1, options=None):
    options = options or {}
    return st.builds(
        lambda seed, batch, i, h, b_ih, b_hh, scale, kw: cell_sample(dtype, seed, gates, states=states, batch=batch,
                                                                    input_size=i, hidden=h, b_ih=b_ih, b_hh=b_hh,
                                                                    scale=scale, kwargs=kw),
        SEEDS, BATCHES, SIZES, SIZES, st.booleans(), st.booleans(), SCALES, st.fixed_dictionaries(options))


def cell_edges(dtype, gates, states=1, option_values=({},), modules=True):
    """The cells' edge bank; ``modules``: also torch's cell modules' hx=None (not for the guide's gates)."""
    s = dict(gates=gates, states=states)
    out = [cell_sample(dtype, 1, **s, kwargs=kw, note=f"batch of 2 {kw or ''}") for kw in option_values]
    kw = option_values[0]
    return out + [
        cell_sample(dtype, 2, **s, batch=None, input_size=4, hidden=3, kwargs=kw, note="unbatched"),
        cell_sample(dtype, 3, **s, b_ih=False, b_hh=False, kwargs=kw, note="no biases"),
        cell_sample(dtype, 4, **s, b_hh=False, kwargs=kw, note="b_ih only"),
        cell_sample(dtype, 5, **s, batch=3, input_size=4, hidden=3, scale=30.0, kwargs=kw, note="saturated gates"),
        cell_sample(dtype, 6, **s, batch=0, kwargs=kw, note="empty batch"),
    ] + ([  # torch's documented forms (docs/input-surface.md): the cell modules' hx=None is zeros
        cell_sample(dtype, 7, **s, hx=False, kwargs=kw, note="no state (None: zeros)"),
        cell_sample(dtype, 8, **s, batch=None, hx=False, kwargs=kw, note="unbatched, no state"),
        cell_sample(dtype, 9, **s, batch=0, hx=False, kwargs=kw, note="empty batch, no state"),
    ] if modules else [])


def cell_errors(gates, states=1):
    """Wrong input size, wrong state shape, mismatched batch sizes, mixed dtypes."""
    def bad(note, input_size=3, h_shape=(2, 2), dtype=np.float64, rows_of_w_ih=None):
        x = np.zeros((2, input_size))
        h = np.zeros(h_shape)
        state = (h, np.zeros((2, 2))) if states == 2 else h
        w_ih = np.zeros((rows_of_w_ih or gates * 2, 3), dtype)
        return Sample((x, state, w_ih, np.zeros((gates * 2, 2))), {}, note)

    h_name = r"hx\[0\] \(h\)" if states == 2 else r"\bh\b"
    return (
        ErrorInput(bad("input size 5, w_ih expects 3", input_size=5), ValueError, r"input has 5 features"),
        ErrorInput(bad("h of hidden size 3", h_shape=(2, 3)), ValueError, h_name + r".*shape"),
        ErrorInput(bad("h of batch 3, input of batch 2", h_shape=(3, 2)), ValueError, h_name + r".*batch size 3"),
        ErrorInput(bad("w_ih with the wrong number of rows", rows_of_w_ih=gates * 2 + 1), ValueError, r"w_ih"),
        ErrorInput(bad("float32 w_ih, float64 input", dtype=np.float32), TypeError, r"w_ih.*dtype"),
        ErrorInput(Sample((np.zeros((1, 2, 3)), bad("").args[1], *bad("").args[2:]), {},
                          "3-D input (torch: 1-D or 2-D)"),
                   ValueError, r"input must be 1-D \(unbatched\) or 2-D"),
    )


def cell_backward_errors(gates, states=1):
    """The backward's own checks: grad_output's dtype, batch size and (LSTM) pair form, each message naming it
    (``grad_output``, or ``grad_output[j]`` of LSTM's (h, c)); a bad state named as the forward names it."""
    x, h = np.zeros((2, 3)), np.zeros((2, 2))
    weights = (np.zeros((gates * 2, 3)), np.zeros((gates * 2, 2)))

    def call(grad, state, note):
        return Sample((grad, x, state, *weights), {}, note)

    if states == 1:
        return (
            ErrorInput(call(np.zeros((2, 2), np.float32), h, "float32 grad_output"), TypeError,
                       r"^grad_output has dtype float32", "backward"),
            ErrorInput(call(np.zeros((3, 2)), h, "grad_output of batch 3"), ValueError,
                       r"^grad_output has batch size 3", "backward"),
            ErrorInput(call(h, np.zeros((2, 3)), "h of hidden size 3"), ValueError, r"^h has shape \(2, 3\)",
                       "backward"),
        )
    return (
        ErrorInput(call(h, (h, h), "grad_output an array, not (h, c)"), TypeError,
                   r"^grad_output must be a tuple \(h, c\) of two arrays, got ndarray", "backward"),
        ErrorInput(call((np.zeros((2, 2), np.float32), h), (h, h), "float32 grad_output[0]"), TypeError,
                   r"^grad_output\[0\] has dtype float32", "backward"),
        ErrorInput(call((h, np.zeros((3, 2))), (h, h), "grad_output[1] of batch 3"), ValueError,
                   r"^grad_output\[1\] has batch size 3", "backward"),
        ErrorInput(call((h, h), (h, np.zeros((2, 3))), "c of hidden size 3"), ValueError,
                   r"^hx\[1\] \(c\) has shape \(2, 3\)", "backward"),
    )


CELL_GRAD_ARGS = (0, 1, 2, 3, 4, 5)


def _gate_matches_guide_form(k, name):
    """The guide's σ(W·[h, x] + b) equals torch's gate with W = [W_h | W_i], b = b_i + b_h;
    and only that sum matters: the split of the bias between b_ih and b_hh is arbitrary."""
    def demonstrate(candidate):
        x, h, w_ih, w_hh, b_ih, b_hh = cell_sample(np.float64, 7, 4, batch=3, input_size=3, hidden=2).args
        rows = slice(2 * k, 2 * k + 2)
        act = np.tanh if name == "lstm_cell_candidate" else (lambda a: 1 / (1 + np.exp(-a)))
        guide = act(np.concatenate([h, x], axis=1) @ np.hstack([w_hh[rows], w_ih[rows]]).T + (b_ih + b_hh)[rows])
        gate = candidate.get(f"recurrent.{name}")
        torch_form = gate(x, h, w_ih, w_hh, b_ih, b_hh)
        shifted = gate(x, h, w_ih, w_hh, b_ih + 0.75, b_hh - 0.75)
        expect(np.allclose(torch_form, guide, rtol=1e-12, atol=1e-14), "the guide's concatenated form differs")
        expect(np.allclose(shifted, torch_form, rtol=1e-12, atol=1e-14),
               "moving bias between b_ih and b_hh changed the gate")
    return demonstrate


def _forget_gate_is_torchs(candidate):
    """An independent judge: in torch's fused kernel c_t = f ⊙ c_{t−1} + i ⊙ g, so f = ∂c_t/∂c_{t−1}."""
    x, h, w_ih, w_hh, b_ih, b_hh = cell_sample(np.float64, 8, 4, batch=3, input_size=3, hidden=4).args
    c = torch.from_numpy(np.random.default_rng(9).uniform(-1, 1, h.shape)).requires_grad_()
    t = [torch.from_numpy(a) for a in (x, h, w_ih, w_hh, b_ih, b_hh)]
    _, c_new = torch.lstm_cell(t[0], (t[1], c), *t[2:])
    c_new.sum().backward()
    mine = candidate.get("recurrent.lstm_forget_gate")(x, h, w_ih, w_hh, b_ih, b_hh)
    worst = float(np.max(np.abs(mine - c.grad.numpy())))
    expect(worst <= 1e-12, f"forget gate differs from ∂c_t/∂c_(t−1) of torch.lstm_cell by {worst:.3g}")
    return {"max |f − ∂c_t/∂c_(t−1)|": worst}


_GUIDE_NOTATION = (
    "the guide writes each gate as σ(W·[h_(t−1), x_t] + b), one matrix on the concatenation and one bias; torch "
    "and impl keep W_ih, W_hh and two biases, gates stacked i, f, g, o")


def gate_record(*, id, k, name, equation, mistakes, check=None):
    return Record(
        id=id, kind="F", section=LSTM_SECTION, equation=equation,
        candidate=f"recurrent.{name}", reference=f"recurrent.{name}", backward=f"recurrent.{name}_backward",
        grad_args=CELL_GRAD_ARGS,
        inputs=lambda dt: cell_samples(dt, 4),
        edges=lambda dt: cell_edges(dt, 4, modules=False),
        check=check,
        mistakes=tuple(mistakes),
        errors=cell_errors(4),
        deviations=(Deviation(
            _GUIDE_NOTATION,
            "the same function: W = [W_h | W_i] (h's block first, as the guide concatenates), b = b_i + b_h; "
            "torch's second bias exists for cuDNN compatibility and only the sum is identifiable",
            _gate_matches_guide_form(k, name), source="guide convention"),),
    )


def _elementwise(dt, ranges):
    """Arrays of one drawn shape, one per (lo, hi) range."""
    return shapes(min_dims=1, max_dims=2, min_side=0, max_side=4).flatmap(
        lambda s: samples(*(arrays(dt, s, lo, hi) for lo, hi in ranges)))


def _elementwise_edges(dt, ranges):
    rng = np.random.default_rng(10)
    out = []
    for shape, note in (((3, 4), "a batch"), ((5,), "unbatched"), ((0, 2), "empty")):
        out.append(Sample(tuple(rng.uniform(lo, hi, shape).astype(dt) for lo, hi in ranges), {}, note))
    saturated = [np.array([0.0, 1.0, 1.0, 0.0], dt) if lo == 0 else np.array([-30.0, 30.0, -1.0, 1.0], dt)
                 for lo, hi in ranges]
    out.append(Sample(tuple(saturated), {}, "saturated gates and a large cell"))
    return out


def _cell_state_is_not_a_candidate(candidate):
    """C_t leaves (−1, 1), where every candidate C̃_t = tanh(·) lies: the sum is the new state, not a candidate."""
    f, c, i, g = (np.array([0.99, 0.9]), np.array([2.5, -3.0]), np.array([0.5, 0.2]), np.array([0.9, -0.99]))
    c_new = candidate.get("recurrent.lstm_cell_state")(f, c, i, g)
    expect(np.all(np.abs(c_new) > 1), f"C_t = {c_new} stays inside (−1, 1)")


GATE = (0.0, 1.0)
CANDIDATE = (-1.0, 1.0)
CELL = (-3.0, 3.0)
