"""The plain RNN: cell, sequence layer, and the vanishing gradient."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from formulary.catalog.recurrent._cells import (
    CELL_GRAD_ARGS,
    cell_backward_errors,
    cell_edges,
    cell_errors,
    cell_samples,
)
from formulary.catalog.recurrent._common import LSTM_SECTION, RNN_SECTION
from formulary.catalog.recurrent._sequences import sequence_record
from formulary.catalog.recurrent.vanishing import vanishing_experiment
from formulary.mistakes import recurrent as M
from formulary.record import ErrorInput, Mistake, Record, Sample, Tolerance

RELU_SUMS = (
    "a relu RNN is unbounded: with weights drawn up to scale 2 over two layers its states and gradients reach ~50, "
    "and the float32 sums over time and batch then cancel; torch's own float32 gradient was measured 1.1e-5 away "
    "from the float64 truth (impl's 9.5e-6, the other way), so the two differ by up to 1.6e-5 (atol 1e-4 leaves a "
    "10× margin over 1000 drawn examples); the bounded LSTM and GRU keep the default")
NONLINEARITY = {"nonlinearity": st.sampled_from(["tanh", "relu"])}
NONLINEARITY_VALUES = ({"nonlinearity": "tanh"}, {"nonlinearity": "relu"})
BAD_NONLINEARITY = Sample((np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((2, 2))),
                          {"nonlinearity": "sigmoid"})

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
            Mistake("backward-w_hh-transposed", "∂L/∂h_(t−1) = δ W_hhᵀ instead of δ W_hh",
                    M.rnn_cell_backward_w_hh_transposed, "backward"),
        ),
        errors=cell_errors(1) + cell_backward_errors(1) + (ErrorInput(BAD_NONLINEARITY, ValueError, r"nonlinearity"),),
    ),
    sequence_record(
        id="rnn.sequence", name="rnn",
        equation=r"h_t^{(l)} = \tanh\bigl(W_{ih}^{(l)} h_t^{(l-1)} + b_{ih}^{(l)} + W_{hh}^{(l)} h_{t-1}^{(l)} + "
                 r"b_{hh}^{(l)}\bigr),\ h_t^{(0)} = x_t",
        mistakes=[
            Mistake("one-bias", "every bias_hh dropped", M.rnn_one_bias),
            Mistake("final-state-from-output", "h_n read from output[-1], for the reverse direction too",
                    M.rnn_final_state_from_output),
            Mistake("backward-no-tanh-derivative", "BPTT without tanh's derivative", M.rnn_backward_no_derivative,
                    "backward"),
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

)
