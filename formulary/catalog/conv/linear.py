"""The fully connected layer y = xWᵀ + b."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from formulary.catalog._arguments import named_errors
from formulary.catalog.conv._common import S_FC, _dense, _ints, _values
from formulary.mistakes import conv as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample
from formulary.verdict import expect

# -- linear ---------------------------------------------------------------------------------------

@st.composite
def linear_samples(draw, dt):
    n_in, n_out = draw(_ints(1, 4)), draw(_ints(1, 4))
    lead = draw(st.lists(_ints(0, 3), max_size=2))
    x = _dense(draw, dt, (*lead, n_in), -2.0, 2.0)
    form = draw(st.sampled_from(["matrix", "matrix", "matrix, 0-d bias", "vector"]))  # torch's documented shapes
    w = _dense(draw, dt, (n_out, n_in) if form != "vector" else (n_in,), -2.0, 2.0)
    b = _dense(draw, dt, (n_out,) if form == "matrix" else (), -2.0, 2.0) if draw(st.booleans()) else None
    if form == "vector" and x.ndim > 1:
        b = None  # torch raises for a 1-D weight with a bias on a batch: a deviation, judged on its own
    return Sample((x, w, b))


def _linear_edges(dt) -> list[Sample]:
    return [
        Sample((_values(dt, (3, 4), 51), _values(dt, (4, 4), 52), _values(dt, (4,), 53)), {}, "square weight"),
        Sample((_values(dt, (5,), 54), _values(dt, (10, 5), 55), _values(dt, (10,), 56)), {},
               "the guide's 5 → 10, one sample"),
        Sample((np.zeros((0, 3), dt), _values(dt, (2, 3), 57), _values(dt, (2,), 58)), {}, "empty batch"),
        # torch's documented shapes (docs/input-surface.md): weight (out, in) or (in,), bias (out,) or ()
        Sample((_values(dt, (2, 3, 4), 59), _values(dt, (4,), 60), None), {}, "1-D weight (in_features,): output (*)"),
        Sample((_values(dt, (4,), 61), _values(dt, (4,), 62), _values(dt, (), 63)), {},
               "1-D input, 1-D weight, 0-d bias: a 0-d output"),
        Sample((_values(dt, (2, 3, 4), 64), _values(dt, (5, 4), 65), _values(dt, (), 66)), {},
               "0-d bias, added to every output"),
        Sample((np.zeros((3, 0), dt), np.zeros((2, 0), dt), _values(dt, (2,), 67)), {},
               "in_features = 0: the bias alone"),
        Sample((_values(dt, (3, 4), 68), np.zeros((0, 4), dt), None), {}, "out_features = 0"),
    ]


def _torch_linear_vector_weight_with_bias(candidate):
    """A 1-D weight with a (0-d) bias on a batch: torch raises, impl computes x·w + b."""
    x, w, b = _values(np.float64, (3, 4), 69), _values(np.float64, (4,), 70), np.array(0.5)
    try:
        torch.nn.functional.linear(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b))
        raised = False
    except RuntimeError:
        raised = True
    expect(raised, "torch now accepts a 1-D weight with a bias on a 2-D input: drop the deviation")
    mine = candidate.get("conv.linear")(x, w, b)
    np.testing.assert_allclose(mine, x @ w + 0.5, rtol=1e-15, atol=1e-15, err_msg="candidate's x·w + b")


def _torch_linear_broadcast_bias(candidate):
    """A bias of shape (1,) for 4 outputs: torch broadcasts it (its documentation says (out,) or ()); impl refuses
    it."""
    x, w, b = np.zeros((3, 2)), np.zeros((4, 2)), np.ones(1)
    theirs = torch.nn.functional.linear(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b))
    expect(tuple(theirs.shape) == (3, 4), f"torch now gives {tuple(theirs.shape)}: drop the deviation")
    try:
        candidate.get("conv.linear")(x, w, b)
    except ValueError as exc:
        expect("bias" in str(exc), f"the error should name bias: {exc}")
    else:
        expect(False, "candidate accepted a (1,) bias for 4 outputs; expected a ValueError naming bias")

_X, _W, _B, _G = np.zeros((2, 3)), np.zeros((4, 3)), np.zeros(4), np.zeros((2, 4))
LINEAR_ERRORS = (
    # the numbers in the message are the in_features of each side: the weight's last axis, the input's last axis
    ErrorInput(Sample((np.zeros((2, 3, 6)), np.zeros((4, 5))), {}, "3-D input, weight (4, 5)"), ValueError,
               r"^weight has 5 in_features \(columns\), the input has 6 \(last axis\)$"),
    ErrorInput(Sample((_X, np.zeros(5)), {}, "1-D weight of 5 in_features"), ValueError,
               r"^weight has 5 in_features \(columns\), the input has 3 \(last axis\)$"),
    ErrorInput(Sample((_X, np.zeros((1, 4, 3))), {}, "3-D weight"), ValueError, r"weight.*2-D.*or 1-D"),
    ErrorInput(Sample((_X, _W, np.zeros(3))), ValueError,
               r"^bias has shape \(3,\), expected \(\) or \(4,\) for a weight of shape \(4, 3\)$"),
    ErrorInput(Sample((_X, np.zeros(3), np.zeros(4)), {}, "1-D weight with a 1-D bias"), ValueError, r"bias.*\(\)"),
    ErrorInput(Sample((np.zeros(3), np.zeros(3), np.zeros(3)), {}, "1-D weight, a bias of in_features elements"),
               ValueError, r"^bias has shape \(3,\), expected \(\) for a weight of shape \(3,\)$"),
    ErrorInput(Sample((np.array(1.0), np.zeros((4, 1))), {}, "0-d input (torch: an error)"), ValueError,
               r"^input must have at least 1 dimension \(\.\.\., in_features\)$"),
    # each array argument named in its own error: a non-float one, then one of the other float dtype
    *named_errors(("input", "weight", "bias"), (_X, _W, _B),
                  bad=[("input", np.zeros((2, 3), np.int64), TypeError),
                       ("weight", np.zeros((4, 3), np.int64), TypeError),
                       ("weight", np.zeros((4, 3), np.float32), TypeError),
                       ("bias", np.zeros(4, np.int64), TypeError),
                       ("bias", np.zeros(4, np.float32), TypeError)]),
    *named_errors(("grad_output", "input", "weight", "bias"), (_G, _X, _W, _B), target="backward",
                  bad=[("grad_output", np.zeros((2, 4, 1))),
                       ("grad_output", np.zeros((2, 5))),
                       ("grad_output", np.zeros((2, 4), np.float32), TypeError),
                       ("grad_output", np.zeros((2, 4), np.int64), TypeError)]),
)

RECORDS = (
    Record(
        id="cnn.fc", kind="F", section=S_FC, equation=r"y = x W^\top + b",
        candidate="conv.linear", reference="conv.linear", backward="conv.linear_backward", grad_args=(0, 1, 2),
        inputs=linear_samples, edges=_linear_edges,
        mistakes=(Mistake("bias-forgotten", "y = xWᵀ without b", M.linear_bias_forgotten),
                  Mistake("bias-per-input", "the bias added once per input feature", M.linear_bias_twice),
                  Mistake("backward-weight-transposed", "the weight's gradient as xᵀg, (in, out)",
                          M.linear_backward_weight_transposed, "backward"),
                  Mistake("backward-bias-mean", "the bias gradient averaged over rows", M.linear_backward_bias_mean,
                          "backward")),
        errors=LINEAR_ERRORS,
        deviations=(Deviation(
            "a 1-D weight with a bias on an input of 2 or more dimensions: torch raises 'mat2 must be a matrix'; impl "
            "returns x·w + b of shape (*), as torch's documentation promises and as torch itself does for a 1-D input",
            "torch's addmm fast path does not handle the documented 1-D weight; the formula is unambiguous",
            _torch_linear_vector_weight_with_bias),
                    Deviation(
            "a bias of a shape torch's documentation does not list, (1,) say, that broadcasts against (*, out): torch "
            "adds it; impl raises a ValueError naming bias",
            "impl takes torch's documented shapes, (out_features,) or (); a (1,) bias for many outputs is more often a "
            "mistake than an intent",
            _torch_linear_broadcast_bias)),
    ),

)
