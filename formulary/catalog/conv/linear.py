"""The fully connected layer y = xWᵀ + b."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from formulary.catalog.conv._common import S_FC, _dense, _ints, _values
from formulary.mistakes import conv as M
from formulary.record import ErrorInput, Mistake, Record, Sample

# -- linear ---------------------------------------------------------------------------------------

@st.composite
def linear_samples(draw, dt):
    n_in, n_out = draw(_ints(1, 4)), draw(_ints(1, 4))
    lead = draw(st.lists(_ints(0, 3), max_size=2))
    x = _dense(draw, dt, (*lead, n_in), -2.0, 2.0)
    w = _dense(draw, dt, (n_out, n_in), -2.0, 2.0)
    b = _dense(draw, dt, (n_out,), -2.0, 2.0) if draw(st.booleans()) else None
    return Sample((x, w, b))


def _linear_edges(dt) -> list[Sample]:
    return [
        Sample((_values(dt, (3, 4), 51), _values(dt, (4, 4), 52), _values(dt, (4,), 53)), {}, "square weight"),
        Sample((_values(dt, (5,), 54), _values(dt, (10, 5), 55), _values(dt, (10,), 56)), {}, "the guide's 5 → 10, one sample"),
        Sample((np.zeros((0, 3), dt), _values(dt, (2, 3), 57), _values(dt, (2,), 58)), {}, "empty batch"),
    ]

RECORDS = (
    Record(
        id="cnn.fc", kind="F", section=S_FC, equation=r"y = x W^\top + b",
        candidate="conv.linear", reference="conv.linear", backward="conv.linear_backward", grad_args=(0, 1, 2),
        inputs=linear_samples, edges=_linear_edges,
        mistakes=(Mistake("bias-forgotten", "y = xWᵀ without b", M.linear_bias_forgotten),
                  Mistake("bias-per-input", "the bias added once per input feature", M.linear_bias_twice),
                  Mistake("backward-weight-transposed", "the weight's gradient as xᵀg, (in, out)", M.linear_backward_weight_transposed, "backward"),
                  Mistake("backward-bias-mean", "the bias gradient averaged over rows", M.linear_backward_bias_mean, "backward")),
        errors=(ErrorInput(Sample((np.zeros((2, 3)), np.zeros((4, 5)))), ValueError, r"weight.*in_features"),
                ErrorInput(Sample((np.zeros((2, 3)), np.zeros(3))), ValueError, r"weight.*2-D"),
                ErrorInput(Sample((np.zeros((2, 3)), np.zeros((4, 3)), np.zeros(3))), ValueError, r"bias")),
    ),

)
