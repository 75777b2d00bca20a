"""Catalog records of the recurrent chapter (guide §9 RNN and §10 LSTM; GRU from torch).

Inputs: hypothesis draws the sizes, the options and a seed; the arrays come from a
NumPy generator with that seed, uniform and never constant, so that every gate block
differs from every other and a block read in the wrong order changes the result.
The edge banks hold one fixed-seed sample per option value (bias on/off, unbatched,
batch_first, bidirectional, several layers, no initial state, saturated gates, an
empty batch), so every known mistake is caught on a sample that does not depend on
the draw.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.compare import assert_close
from formulary.figures import save
from formulary.mistakes import recurrent as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample, Tolerance
from formulary.strategies import arrays, samples, shapes
from formulary.verdict import expect
from reference import recurrent as ref

RNN_SECTION = "§9 RNN循环神经网络 (recurrent neural networks)"
LSTM_SECTION = "§10 LSTM长短期记忆神经网络 (long short-term memory)"
GRU_SECTION = "§10 LSTM和GRU (GRU: the guide points to it; formulas from torch.nn.GRU)"

SEEDS = st.integers(0, 2**32 - 1)
SIZES = st.integers(1, 4)
BATCHES = st.sampled_from([None, 1, 2, 3])  # None: unbatched
SCALES = st.sampled_from([0.5, 1.0, 2.0])  # weight scale: mild to saturating gates


def _uniform(rng, dtype, shape, scale=1.0):
    return (scale * rng.uniform(-1.0, 1.0, shape)).astype(dtype)


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
        ErrorInput(Sample((np.zeros((1, 2, 3)), bad("").args[1], *bad("").args[2:]), {}, "3-D input (torch: 1-D or 2-D)"),
                   ValueError, r"input must be 1-D \(unbatched\) or 2-D"),
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
        expect(np.allclose(shifted, torch_form, rtol=1e-12, atol=1e-14), "moving bias between b_ih and b_hh changed the gate")
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


# -- sequences --------------------------------------------------------------------------------

def sequence_sample(dtype, seed, gates, *, states=1, length=3, batch=2, input_size=3, hidden=2, num_layers=1,
                    bidirectional=False, bias=True, batch_first=False, hx=True, scale=1.0, extra=None, note=""):
    """(input, hx, weights) and the module's options; weights in torch's _flat_weights order."""
    rng = np.random.default_rng(seed)
    directions = 2 if bidirectional else 1
    if batch is None:
        x_shape = (length, input_size)
    else:
        x_shape = (batch, length, input_size) if batch_first else (length, batch, input_size)
    x = _uniform(rng, dtype, x_shape, 2.0)
    weights = []
    for layer in range(num_layers):
        for _ in range(directions):
            in_size = input_size if layer == 0 else directions * hidden
            weights += [_uniform(rng, dtype, (gates * hidden, in_size), scale),
                        _uniform(rng, dtype, (gates * hidden, hidden), scale)]
            if bias:
                weights += [_uniform(rng, dtype, (gates * hidden,), scale) for _ in range(2)]
    h_shape = (num_layers * directions,) + (() if batch is None else (batch,)) + (hidden,)
    h0 = tuple(_uniform(rng, dtype, h_shape, 1.0 + j) for j in range(states))
    state = (h0 if states == 2 else h0[0]) if hx else None
    kwargs = dict(num_layers=num_layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional, **(extra or {}))
    return Sample((x, state, weights), kwargs, note)


def sequence_samples(dtype, gates, states=1, extra=None):
    extra = extra or {}

    @st.composite
    def draw(draw):
        return sequence_sample(
            dtype, draw(SEEDS), gates, states=states, length=draw(st.integers(1, 4)), batch=draw(BATCHES),
            input_size=draw(SIZES), hidden=draw(st.integers(1, 3)), num_layers=draw(st.integers(1, 2)),
            bidirectional=draw(st.booleans()), bias=draw(st.booleans()), batch_first=draw(st.booleans()),
            hx=draw(st.booleans()), scale=draw(SCALES), extra=draw(st.fixed_dictionaries(extra)))

    return draw()


def sequence_edges(dtype, gates, states=1, extra_values=({},)):
    s = dict(gates=gates, states=states)
    out = [sequence_sample(dtype, 11, **s, extra=kw, note=f"one layer {kw or ''}") for kw in extra_values]
    kw = extra_values[0]
    return out + [
        sequence_sample(dtype, 12, **s, num_layers=2, bidirectional=True, length=4, extra=kw, note="2 layers, bidirectional"),
        sequence_sample(dtype, 13, **s, num_layers=3, hidden=3, extra=kw, note="3 layers"),
        sequence_sample(dtype, 14, **s, batch_first=True, batch=3, length=4, extra=kw, note="batch_first"),
        sequence_sample(dtype, 15, **s, bias=False, bidirectional=True, extra=kw, note="no bias, bidirectional"),
        sequence_sample(dtype, 16, **s, hx=False, num_layers=2, extra=kw, note="no initial state"),
        sequence_sample(dtype, 17, **s, batch=None, bidirectional=True, extra=kw, note="unbatched"),
        sequence_sample(dtype, 18, **s, length=1, batch=1, input_size=1, hidden=1, extra=kw, note="one step, sizes 1"),
        sequence_sample(dtype, 19, **s, scale=30.0, length=5, extra=kw, note="saturated gates"),
        sequence_sample(dtype, 20, **s, batch=0, bidirectional=True, extra=kw, note="empty batch"),
    ]


def sequence_errors(gates, states=1):
    """Wrong input size, state shapes, batch sizes and weight lists; an empty sequence."""
    def weights(input_size=3, hidden=2):
        rows = gates * hidden
        return [np.zeros((rows, input_size)), np.zeros((rows, hidden)), np.zeros(rows), np.zeros(rows)]

    def state(shape):
        return (np.zeros(shape), np.zeros(shape)) if states == 2 else np.zeros(shape)

    x = np.zeros((4, 2, 3))
    h0 = r"hx\[0\] \(h_0\)" if states == 2 else r"\bhx\b"
    out = (
        ErrorInput(Sample((np.zeros((4, 2, 5)), None, weights())), ValueError, r"input has 5 features.*weight_ih_l0"),
        ErrorInput(Sample((x, state((1, 2, 3)), weights())), ValueError, h0 + r".*shape"),
        ErrorInput(Sample((x, state((2, 2, 2)), weights())), ValueError, h0 + r".*shape"),
        ErrorInput(Sample((x, state((1, 3, 2)), weights())), ValueError, h0 + r".*batch size 3"),
        ErrorInput(Sample((x, None, weights()[:2])), ValueError, r"weights has 2 arrays, expected 4"),
        ErrorInput(Sample((x, None, weights(), ), {"num_layers": 2}), ValueError, r"weights has 4 arrays, expected 8"),
        ErrorInput(Sample((x, None, weights()[:3] + [np.zeros(5)])), ValueError, r"weights\[3\] \(bias_hh_l0\)"),
        ErrorInput(Sample((np.zeros((0, 2, 3)), None, weights())), ValueError, r"input has sequence length 0"),
        ErrorInput(Sample((x.astype(np.float32), None, weights())), TypeError, r"weights\[0\].*dtype"),
        ErrorInput(Sample((x, None, weights()), {"num_layers": 0}), ValueError, r"num_layers"),
    )
    if states == 2:
        out += (ErrorInput(Sample((x, np.zeros((1, 2, 2)), weights())), TypeError, r"hx must be a tuple \(h, c\)"),)
    return out


SEQUENCE_GRAD_ARGS = (0, 1, 2)


def _module_options_not_offered(name):
    """torch.nn.RNN/LSTM/GRU take dropout (and LSTM proj_size); impl's layer functions do not: a TypeError."""
    def demonstrate(candidate):
        import torch

        module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[name]
        module(3, 2, num_layers=2, dropout=0.5)  # torch takes it (with num_layers > 1 it is active in training)
        x, hx, weights = sequence_sample(np.float64, 21, {"rnn": 1, "lstm": 4, "gru": 3}[name], num_layers=2).args
        options = [{"dropout": 0.5}] + ([{"proj_size": 1}] if name == "lstm" else [])
        for option in options:
            try:
                candidate.get(f"recurrent.{name}")(x, hx, weights, num_layers=2, **option)
            except TypeError as exc:
                expect(next(iter(option)) in str(exc), f"the TypeError should name {option}: {exc}")
            else:
                expect(False, f"candidate accepted {option}; it computes without it, so it must refuse it")
    return Deviation(
        f"torch.nn.{ {'rnn': 'RNN', 'lstm': 'LSTM', 'gru': 'GRU'}[name]}'s dropout between layers (training only)"
        + (" and proj_size" if name == "lstm" else "") + " are not offered: impl's function raises a TypeError naming "
        "the option; with torch's defaults (dropout=0" + (", proj_size=0" if name == "lstm" else "") + ") the two agree",
        "dropout draws a random mask (a training device, not a formula of the guide's chapter); proj_size is a later "
        "LSTM variant the guide does not have",
        demonstrate)


def sequence_record(*, id, name, equation, mistakes, gates, states=1, extra=None, extra_values=({},), section, errors=(),
                    tolerances=None):
    return Record(
        id=id, kind="F", section=section, equation=equation,
        candidate=f"recurrent.{name}", reference=f"recurrent.{name}", backward=f"recurrent.{name}_backward",
        grad_args=SEQUENCE_GRAD_ARGS,
        inputs=lambda dt: sequence_samples(dt, gates, states, extra),
        edges=lambda dt: sequence_edges(dt, gates, states, extra_values),
        output_names=("output", "h_n" if states == 1 else "(h_n, c_n)"),
        mistakes=tuple(mistakes),
        errors=sequence_errors(gates, states) + tuple(errors),
        tolerances=tolerances or {},
        deviations=(_module_options_not_offered(name),),
    )


# -- the claim rnn.vanishing -------------------------------------------------------------------

VANISHING_STEPS, VANISHING_HIDDEN = 30, 8


def _orthogonal(rng, n, gain):
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))


def _torch_init(rng, gates, input_size, hidden):
    """torch.nn.RNN/LSTM's initialisation: every weight and bias U(−1/√H, 1/√H)."""
    bound = 1 / np.sqrt(hidden)
    return [rng.uniform(-bound, bound, shape) for shape in
            ((gates * hidden, input_size), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,))]


def _vanishing_networks():
    """(name, layer, weights, input scale): plain RNNs in three regimes, LSTMs with closed and open forget gates."""
    rng = np.random.default_rng(0)
    h, i = VANISHING_HIDDEN, 4
    nets = []
    for name, gain, scale in (("RNN, W_hh = 0.5·orthogonal, zero bias", 0.5, 0.5),
                              ("RNN, W_hh = 1.2·orthogonal, zero bias, inputs ×0.001 (tanh near-linear)", 1.2, 1e-3),
                              ("RNN, W_hh = 1.2·orthogonal, zero bias, inputs ×0.5 (tanh saturating)", 1.2, 0.5)):
        w = _torch_init(rng, 1, i, h)
        w[1] = _orthogonal(rng, h, gain)
        w[2][:], w[3][:] = 0.0, 0.0  # no bias: tanh works around 0, where it is nearly linear
        nets.append((name, "rnn", w, scale))
    nets.append(("RNN, torch's default init", "rnn", _torch_init(rng, 1, i, h), 0.5))
    nets.append(("LSTM, torch's default init (f ≈ 0.5)", "lstm", _torch_init(rng, 4, i, h), 0.5))
    w = _torch_init(rng, 4, i, h)
    w[2][h:2 * h] += 3.0  # forget-gate bias: f ≈ σ(3) ≈ 0.95
    nets.append(("LSTM, forget-gate bias +3 (f ≈ 0.95)", "lstm", w, 0.5))
    return nets


def _gradient_reaching_back(candidate, layer, weights, x, g):
    """‖∂L/∂x_(T−k)‖ for k = 0..T−1, L = ⟨g, h_T⟩, through the candidate's BPTT; and the gradient itself."""
    out, final = candidate.get(f"recurrent.{layer}")(x, None, weights)
    grad_out = np.zeros_like(out)
    grad_out[-1] = g
    grad_final = tuple(np.zeros_like(a) for a in final) if layer == "lstm" else np.zeros_like(final)
    grad_x, _, _ = candidate.get(f"recurrent.{layer}_backward")((grad_out, grad_final), x, None, weights)
    return np.linalg.norm(grad_x, axis=(1, 2))[::-1], grad_x


def _torch_gradient(layer, weights, x, g):


    xt = torch.from_numpy(x).requires_grad_()
    out, _ = getattr(ref, layer)(xt, None, [torch.from_numpy(w) for w in weights])
    out[-1].backward(torch.from_numpy(g))
    return xt.grad.numpy()


def _geometric_fit(norms):
    """Per-step factor exp(slope) of log‖·‖ against k (k ≥ 1), and the fit's R²."""
    k = np.arange(1, norms.size)
    y = np.log(norms[1:])
    slope, icpt = np.polyfit(k, y, 1)
    r2 = 1 - np.sum((y - (slope * k + icpt)) ** 2) / np.sum((y - y.mean()) ** 2)
    return float(np.exp(slope)), float(r2)


def vanishing_experiment(candidate):
    """The gradient reaching step t − k, plain RNN against LSTM (seeded; T = 30, H = 8, batch 4)."""
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(VANISHING_STEPS, 4, 4))
    g = rng.normal(size=(4, VANISHING_HIDDEN))
    curves, findings = {}, {}
    for name, layer, weights, scale in _vanishing_networks():
        x = scale * x0
        norms, grad_x = _gradient_reaching_back(candidate, layer, weights, x, g)
        assert_close(grad_x, _torch_gradient(layer, weights, x, g), Tolerance.default(np.float64), names=(f"{name}: ∂L/∂x",))
        factor, r2 = _geometric_fit(norms)
        curves[name] = norms
        findings[name] = {"factor per step": round(factor, 4), "R² of the geometric fit": round(r2, 4),
                          "‖∂L/∂x_(T−29)‖ / ‖∂L/∂x_(T−1)‖": float(f"{norms[-1] / norms[1]:.3g}")}
    f = {n: v["factor per step"] for n, v in findings.items()}
    r = {n: v["R² of the geometric fit"] for n, v in findings.items()}
    names = list(findings)
    shrink, grow, saturating, rnn0, lstm0, lstm_open = names
    expect(f[shrink] < 0.6 and r[shrink] > 0.98, f"contracting RNN: factor {f[shrink]}, R² {r[shrink]}: not a geometric decay")
    expect(f[grow] > 1.1 and r[grow] > 0.95, f"expanding RNN: factor {f[grow]}, R² {r[grow]}: not a geometric growth")
    expect(f[rnn0] < 0.6, f"RNN at torch's init: factor {f[rnn0]}")
    expect(f[lstm_open] > 0.9, f"LSTM with an open forget gate: factor {f[lstm_open]}")
    far_less = (curves[lstm_open][-1] / curves[lstm_open][1]) / (curves[rnn0][-1] / curves[rnn0][1])
    expect(far_less > 1e6, f"LSTM (open forget gate) keeps only {far_less:.3g}× more gradient than the RNN over 28 steps")
    expect(f[lstm0] < 0.75, f"LSTM at torch's init: factor {f[lstm0]}; the forget gate should make the difference")
    findings["LSTM (open forget gate) / RNN (default init): gradient kept over 28 steps"] = float(f"{far_less:.3g}")

    def draw(ax):
        for n, norms in curves.items():
            ax.semilogy(np.arange(norms.size), norms, label=n)
        ax.set_xlabel("k (steps back from t = T)")
        ax.set_ylabel("‖∂L/∂x_(t−k)‖")
        ax.legend(fontsize=7)

    save("rnn.vanishing", draw, title="gradient reaching step t − k (L = ⟨g, h_T⟩)")
    return findings


RELU_SUMS = (
    "a relu RNN is unbounded: with weights drawn up to scale 2 over two layers its states and gradients reach ~50, "
    "and the float32 sums over time and batch then cancel; torch's own float32 gradient was measured 1.1e-5 away "
    "from the float64 truth (impl's 9.5e-6, the other way), so the two differ by up to 1.6e-5 (atol 1e-4 leaves a "
    "10× margin over 1000 drawn examples); the bounded LSTM and GRU keep the default")
NONLINEARITY = {"nonlinearity": st.sampled_from(["tanh", "relu"])}
NONLINEARITY_VALUES = ({"nonlinearity": "tanh"}, {"nonlinearity": "relu"})
BAD_NONLINEARITY = Sample((np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((2, 2))), {"nonlinearity": "sigmoid"})


RECORDS = (
    # -- RNN -----------------------------------------------------------------------------------
    Record(
        id="rnn.cell", kind="F", section=RNN_SECTION,
        equation=r"h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})\quad(\text{or relu})",
        candidate="recurrent.rnn_cell", reference="recurrent.rnn_cell", backward="recurrent.rnn_cell_backward",
        grad_args=CELL_GRAD_ARGS,
        inputs=lambda dt: cell_samples(dt, 1, options=NONLINEARITY),
        edges=lambda dt: cell_edges(dt, 1, option_values=NONLINEARITY_VALUES),
        mistakes=(
            Mistake("one-bias", "b_hh dropped: one bias instead of torch's two", M.rnn_cell_one_bias),
            Mistake("nonlinearity-ignored", "always tanh, whatever nonlinearity says", M.rnn_cell_tanh_always),
            Mistake("backward-w_hh-transposed", "∂L/∂h_(t−1) = δ W_hhᵀ instead of δ W_hh", M.rnn_cell_backward_w_hh_transposed, "backward"),
        ),
        errors=cell_errors(1) + (ErrorInput(BAD_NONLINEARITY, ValueError, r"nonlinearity"),),
    ),
    sequence_record(
        id="rnn.sequence", name="rnn",
        equation=r"h_t^{(l)} = \tanh\bigl(W_{ih}^{(l)} h_t^{(l-1)} + b_{ih}^{(l)} + W_{hh}^{(l)} h_{t-1}^{(l)} + b_{hh}^{(l)}\bigr),\ h_t^{(0)} = x_t",
        mistakes=[
            Mistake("one-bias", "every bias_hh dropped", M.rnn_one_bias),
            Mistake("final-state-from-output", "h_n read from output[-1], for the reverse direction too", M.rnn_final_state_from_output),
            Mistake("backward-no-tanh-derivative", "BPTT without tanh's derivative", M.rnn_backward_no_derivative, "backward"),
        ],
        gates=1, extra=NONLINEARITY, extra_values=NONLINEARITY_VALUES, section=RNN_SECTION,
        tolerances={np.float32: Tolerance(1.3e-6, 1e-4, RELU_SUMS)},
        errors=(ErrorInput(Sample((np.zeros((4, 2, 3)), None, [np.zeros((2, 3)), np.zeros((2, 2))]),
                               {"nonlinearity": "gelu", "bias": False}), ValueError, r"nonlinearity"),),
    ),
    Record(
        id="rnn.vanishing", kind="C", section=LSTM_SECTION + " 1 LSTM的产生原因",
        equation=r"\frac{\partial L}{\partial h_{t-k}} = \frac{\partial L}{\partial h_t}\prod_{j=0}^{k-1}"
                 r"\operatorname{diag}\bigl(\phi'(a_{t-j})\bigr) W_{hh}"
                 r"\quad\text{vs. the LSTM's cell path}\ \prod_j \operatorname{diag}(f_{t-j})",
        check=vanishing_experiment,
        mistakes=(
            Mistake("rnn-backward-no-tanh-derivative", "BPTT without tanh's derivative: nothing vanishes",
                    M.rnn_backward_no_derivative, "recurrent.rnn_backward"),
            Mistake("lstm-backward-no-forget", "the cell's gradient carried back without the forget gate",
                    M.lstm_backward_no_forget, "recurrent.lstm_backward"),
        ),
        notes="Gradients are the candidate's BPTT, each checked against torch.autograd before it is measured.",
    ),
    # -- the LSTM's gates, one record each --------------------------------------------------
    gate_record(
        id="lstm.forget_gate", k=1, name="lstm_forget_gate",
        equation=r"f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f) = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf})",
        mistakes=[
            Mistake("guide-gate-order", "blocks read in the guide's order f, i, C̃, o: torch's input block taken", M.lstm_forget_gate_guide_order),
            Mistake("tf1-gate-order", "blocks read as tf.compat.v1's i, j, f, o: the candidate's block taken", M.lstm_forget_gate_tf1_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_forget_gate_one_bias),
            Mistake("backward-no-sigmoid-derivative", "δ = g without σ(1 − σ)", M.lstm_forget_gate_backward_linear, "backward"),
        ],
        check=_forget_gate_is_torchs,
    ),
    gate_record(
        id="lstm.input_gate", k=0, name="lstm_input_gate",
        equation=r"i_t = \sigma(W_i \cdot [h_{t-1}, x_t] + b_i) = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi})",
        mistakes=[
            Mistake("guide-gate-order", "blocks read in the guide's order f, i, C̃, o: torch's forget block taken", M.lstm_input_gate_guide_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_input_gate_one_bias),
            Mistake("backward-no-sigmoid-derivative", "δ = g without σ(1 − σ)", M.lstm_input_gate_backward_linear, "backward"),
        ],
    ),
    gate_record(
        id="lstm.candidate", k=2, name="lstm_cell_candidate",
        equation=r"\tilde C_t = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C) = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})",
        mistakes=[
            Mistake("sigmoid-for-tanh", "σ like the gates, so C̃ is never negative", M.lstm_cell_candidate_sigmoid),
            Mistake("tf1-gate-order", "blocks read as tf.compat.v1's i, j, f, o: torch's forget block taken", M.lstm_cell_candidate_tf1_order),
            Mistake("onnx-gate-order", "blocks read as ONNX's i, o, f, c: torch's output block taken", M.lstm_cell_candidate_onnx_order),
            Mistake("backward-no-tanh-derivative", "δ = g without 1 − C̃²", M.lstm_cell_candidate_backward_linear, "backward"),
        ],
    ),
    gate_record(
        id="lstm.output_gate", k=3, name="lstm_output_gate",
        equation=r"o_t = \sigma(W_o \cdot [h_{t-1}, x_t] + b_o) = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho})",
        mistakes=[
            Mistake("onnx-gate-order", "blocks read as ONNX's i, o, f, c: torch's forget block taken", M.lstm_output_gate_onnx_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_output_gate_one_bias),
            Mistake("backward-no-sigmoid-derivative", "δ = g without σ(1 − σ)", M.lstm_output_gate_backward_linear, "backward"),
        ],
    ),
    Record(
        id="lstm.cell", kind="F", section=LSTM_SECTION,
        equation=r"C_t = f_t \odot C_{t-1} + i_t \odot \tilde C_t",
        candidate="recurrent.lstm_cell_state", reference="recurrent.lstm_cell_state",
        backward="recurrent.lstm_cell_state_backward", grad_args=(0, 1, 2, 3),
        inputs=lambda dt: _elementwise(dt, (GATE, CELL, GATE, CANDIDATE)),
        edges=lambda dt: _elementwise_edges(dt, (GATE, CELL, GATE, CANDIDATE)),
        mistakes=(
            Mistake("gates-swapped", "i ⊙ C_(t−1) + f ⊙ C̃: forget and input gates exchanged", M.lstm_cell_state_gates_swapped),
            Mistake("input-gate-forgotten", "f ⊙ C_(t−1) + C̃", M.lstm_cell_state_input_gate_forgotten),
            Mistake("backward-no-forget", "∂L/∂C_(t−1) = g, without f_t", M.lstm_cell_state_backward_no_forget, "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros(3), np.zeros(3), np.zeros(2), np.zeros(3))), ValueError, r"input has shape \(2,\)"),
            ErrorInput(Sample((np.zeros(3), np.zeros(3, np.float32), np.zeros(3), np.zeros(3))), TypeError, r"cell.*dtype"),
        ),
        deviations=(Deviation(
            "line 991 says adding i_t∗C̃_t to f_t∗C_(t−1) gives 'the new candidate values' (新的候选值); "
            "the sum is the new cell state C_t, the candidate is C̃_t",
            "a mistranslation of colah's 'the new candidate values, scaled by how much we decided to update', which "
            "names i_t ⊙ C̃_t; ∗ there is the elementwise product ⊙",
            _cell_state_is_not_a_candidate, source="guide"),),
    ),
    Record(
        id="lstm.hidden", kind="F", section=LSTM_SECTION,
        equation=r"h_t = o_t \odot \tanh(C_t)",
        candidate="recurrent.lstm_hidden_state", reference="recurrent.lstm_hidden_state",
        backward="recurrent.lstm_hidden_state_backward", grad_args=(0, 1),
        inputs=lambda dt: _elementwise(dt, (GATE, CELL)),
        edges=lambda dt: _elementwise_edges(dt, (GATE, CELL)),
        mistakes=(
            Mistake("tanh-forgotten", "o ⊙ C_t: the tanh on the cell forgotten", M.lstm_hidden_state_no_tanh),
            Mistake("sigmoid-for-tanh", "o ⊙ σ(C_t)", M.lstm_hidden_state_sigmoid),
            Mistake("backward-no-tanh-derivative", "∂L/∂C_t = g ⊙ o", M.lstm_hidden_state_backward_no_tanh_derivative, "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((3, 2)))), ValueError, r"cell has shape \(3, 2\)"),
            ErrorInput(Sample((np.zeros(3, np.int64), np.zeros(3))), TypeError, r"output.*float32 or float64"),
        ),
    ),
    Record(
        id="lstm.cell/step", kind="F", section=LSTM_SECTION,
        equation=r"(h_t, c_t) = \operatorname{lstm\_cell}(x_t, (h_{t-1}, c_{t-1})):\ "
                 r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\ h_t = o_t \odot \tanh c_t",
        candidate="recurrent.lstm_cell", reference="recurrent.lstm_cell", backward="recurrent.lstm_cell_backward",
        grad_args=CELL_GRAD_ARGS, output_names=("h_t", "c_t"),
        inputs=lambda dt: cell_samples(dt, 4, states=2),
        edges=lambda dt: cell_edges(dt, 4, states=2),
        mistakes=(
            Mistake("guide-gate-order", "blocks read in the guide's order f, i, C̃, o instead of torch's i, f, g, o", M.lstm_cell_guide_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_cell_one_bias),
            Mistake("h-c-swapped", "(c_t, h_t) returned", M.lstm_cell_h_c_swapped),
            Mistake("tanh-on-cell-forgotten", "h_t = o_t ⊙ c_t", M.lstm_cell_no_tanh_on_cell),
            Mistake("backward-grad-c-ignored", "the gradient arriving at c_t dropped", M.lstm_cell_backward_grad_c_ignored, "backward"),
        ),
        errors=cell_errors(4, states=2) + (
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((8, 3)), np.zeros((8, 2)))), TypeError, r"hx must be a tuple"),),
        notes="The whole step, judged against torch's fused kernel torch.lstm_cell.",
    ),
    sequence_record(
        id="lstm.sequence", name="lstm", equation=r"(h_t^{(l)}, c_t^{(l)}) = \operatorname{lstm\_cell}(h_t^{(l-1)}, (h_{t-1}^{(l)}, c_{t-1}^{(l)})),\ h_t^{(0)} = x_t",
        mistakes=[
            Mistake("guide-gate-order", "every weight's blocks read in the guide's order f, i, C̃, o", M.lstm_guide_order),
            Mistake("one-bias", "every bias_hh dropped", M.lstm_one_bias),
            Mistake("h-c-swapped", "(c_n, h_n) returned", M.lstm_h_c_swapped),
            Mistake("backward-no-forget", "BPTT carrying the cell's gradient back without the forget gate", M.lstm_backward_no_forget, "backward"),
        ],
        gates=4, states=2, section=LSTM_SECTION,
    ),
    # -- GRU -------------------------------------------------------------------------------------
    Record(
        id="gru.cell", kind="F", section=GRU_SECTION,
        equation=r"r_t = \sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr}),\ z_t = \sigma(\dots),\ "
                 r"n_t = \tanh(W_{in} x + b_{in} + r_t \odot (W_{hn} h + b_{hn})),\ h_t = (1 - z_t) \odot n_t + z_t \odot h",
        candidate="recurrent.gru_cell", reference="recurrent.gru_cell", backward="recurrent.gru_cell_backward",
        grad_args=CELL_GRAD_ARGS,
        inputs=lambda dt: cell_samples(dt, 3),
        edges=lambda dt: cell_edges(dt, 3),
        mistakes=(
            Mistake("onnx-reset-before-matmul", "n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), ONNX's default", M.gru_cell_onnx_reset),
            Mistake("keras-gate-order", "blocks read as Keras's z, r, h", M.gru_cell_keras_order),
            Mistake("update-inverted", "h_t = z ⊙ n + (1 − z) ⊙ h (Chung et al.'s convention)", M.gru_cell_update_inverted),
            Mistake("one-bias", "b_hh dropped (b_hn sits inside r ⊙ (·), so it is not b_in's twin)", M.gru_cell_one_bias),
            Mistake("backward-reset-ignored", "the hidden projection's gradient without r_t", M.gru_cell_backward_reset_ignored, "backward"),
        ),
        errors=cell_errors(3),
        notes="The guide only points to GRU; the formulas are torch.nn.GRUCell's (reset after the hidden matmul).",
    ),
    sequence_record(
        id="gru.sequence", name="gru", equation=r"h_t^{(l)} = \operatorname{gru\_cell}(h_t^{(l-1)}, h_{t-1}^{(l)}),\ h_t^{(0)} = x_t",
        mistakes=[
            Mistake("onnx-reset-before-matmul", "the reset gate applied before the hidden matmul", M.gru_onnx_reset),
            Mistake("keras-gate-order", "blocks read as Keras's z, r, h", M.gru_keras_order),
            Mistake("backward-reset-ignored", "the hidden projection's gradient without r_t", M.gru_backward_reset_ignored, "backward"),
        ],
        gates=3, section=GRU_SECTION,
    ),
)
