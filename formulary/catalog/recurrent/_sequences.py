"""Sequence-layer samples, edges and errors, and the sequence record factory."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.catalog.recurrent._common import BATCHES, SCALES, SEEDS, SIZES, _uniform
from formulary.record import Deviation, ErrorInput, Record, Sample
from formulary.verdict import expect

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
    kwargs = dict(num_layers=num_layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional,
                  **(extra or {}))
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
        sequence_sample(dtype, 12, **s, num_layers=2, bidirectional=True, length=4, extra=kw,
                        note="2 layers, bidirectional"),
        sequence_sample(dtype, 13, **s, num_layers=3, hidden=3, extra=kw, note="3 layers"),
        sequence_sample(dtype, 14, **s, batch_first=True, batch=3, length=4, extra=kw, note="batch_first"),
        sequence_sample(dtype, 15, **s, bias=False, bidirectional=True, extra=kw, note="no bias, bidirectional"),
        sequence_sample(dtype, 16, **s, hx=False, num_layers=2, extra=kw, note="no initial state"),
        sequence_sample(dtype, 17, **s, batch=None, bidirectional=True, extra=kw, note="unbatched"),
        sequence_sample(dtype, 18, **s, length=1, batch=1, input_size=1, hidden=1, extra=kw, note="one step, sizes 1"),
        dataclasses.replace(sequence_sample(dtype, 19, **s, scale=30.0, length=5, extra=kw, note="saturated gates"),
                            truth=True),  # ill-conditioned: float32 judged by torch in float64
        sequence_sample(dtype, 20, **s, batch=0, bidirectional=True, extra=kw, note="empty batch"),
        dataclasses.replace(sequence_sample(dtype, 22, **s, extra=kw, note="torch's defaults (no option given)"),
                            kwargs=dict(kw)),
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
    return out + _backward_errors(x, weights(), states)


def _backward_errors(x, weights, states):
    """The backward's own checks of grad_output = (grad of the output, grad of the final state), each message naming
    the part (``grad_output[0]``, ``grad_output[1]``)."""
    g_out, g_h = np.zeros((4, 2, 2)), np.zeros((1, 2, 2))

    def final(g):
        return (g, g_h) if states == 2 else g

    def call(grad, note):
        return Sample((grad, x, None, weights), {}, note)

    tuple_message = r"^grad_output must be a tuple \(grad of the output, grad of the final state\), like the forward's"
    out = (
        ErrorInput(call(g_out, "grad_output an array"), TypeError, tuple_message, "backward"),
        ErrorInput(call((g_out, final(g_h), g_h), "grad_output of three parts"), TypeError, tuple_message, "backward"),
        ErrorInput(call((g_out.astype(np.float32), final(g_h)), "float32 grad_output[0]"), TypeError,
                   r"^grad_output\[0\] has dtype float32", "backward"),
        ErrorInput(call((np.zeros((4, 2, 3)), final(g_h)), "grad_output[0] of hidden size 3"), ValueError,
                   r"^grad_output\[0\] has shape \(4, 2, 3\), expected the output's shape \(4, 2, 2\)",
                   "backward"),
        ErrorInput(call((g_out, final(np.zeros((1, 3, 2)))), "grad_output[1] of batch 3"), ValueError,
                   r"^grad_output\[1\] has batch size 3", "backward"),
        ErrorInput(call((g_out, final(np.zeros((2, 2)))), "grad_output[1] 2-D for a batched input"), ValueError,
                   r"^grad_output\[1\] has shape \(2, 2\), expected \(1, 2, 2\) \(batched input\)", "backward"),
        ErrorInput(call((g_out, final(g_h.astype(np.float32))), "float32 grad_output[1]"), TypeError,
                   r"^grad_output\[1\] has dtype float32", "backward"),
    )
    if states == 2:
        out += (ErrorInput(call((g_out, g_h), "grad_output[1] an array, not (h, c)"), TypeError,
                           r"^grad_output\[1\] must be a tuple \(h, c\)", "backward"),)
    return out


SEQUENCE_GRAD_ARGS = (0, 1, 2)


def _module_options_not_offered(name):
    """torch.nn.RNN/LSTM/GRU take dropout (and LSTM proj_size); impl's layer functions do not: a TypeError."""
    def demonstrate(candidate):

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
        "the option; with torch's defaults (dropout=0" + (", proj_size=0" if name == "lstm" else "")
            + ") the two agree",
        "dropout draws a random mask (a training device, not a formula of the guide's chapter); proj_size is a later "
        "LSTM variant the guide does not have",
        demonstrate)


def sequence_record(*, id, name, equation, mistakes, gates, states=1, extra=None, extra_values=({},), section,
                    errors=(),
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
