"""The LSTM: its four gates, the cell and hidden state, one step, the sequence layer."""

from __future__ import annotations

import numpy as np

from formulary.catalog._arguments import named_errors
from formulary.catalog.recurrent._cells import (
    CANDIDATE,
    CELL,
    CELL_GRAD_ARGS,
    GATE,
    _cell_state_is_not_a_candidate,
    _elementwise,
    _elementwise_edges,
    _forget_gate_is_torchs,
    cell_backward_errors,
    cell_edges,
    cell_errors,
    cell_samples,
    gate_record,
)
from formulary.catalog.recurrent._common import LSTM_SECTION
from formulary.catalog.recurrent._sequences import sequence_record
from formulary.mistakes import recurrent as M
from formulary.record import Deviation, ErrorInput, Mistake, Record, Sample


def _gate_errors(names):
    """Each argument of the elementwise gate formulas, forward and backward, named in its error: the first an
    integer array (not float), the others of another shape than the first."""
    good = tuple(np.zeros(3) for _ in names)
    out = []
    for target, extra in ((None, ()), ("backward", ("grad_output",))):
        args = (np.zeros(3),) * len(extra) + good
        bad = [(names[0], np.zeros(3, np.int64), TypeError)] + [(n, np.zeros(2)) for n in names[1:]]
        out += named_errors(extra + tuple(names), args, {}, bad, target)
    return out


RECORDS = (
    gate_record(
        id="lstm.forget_gate", k=1, name="lstm_forget_gate",
        equation=r"f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f) = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + "
                 r"b_{hf})",
        mistakes=[
            Mistake("guide-gate-order", "blocks read in the guide's order f, i, C̃, o: torch's input block taken",
                    M.lstm_forget_gate_guide_order),
            Mistake("tf1-gate-order", "blocks read as tf.compat.v1's i, j, f, o: the candidate's block taken",
                    M.lstm_forget_gate_tf1_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_forget_gate_one_bias),
            Mistake("backward-no-sigmoid-derivative", "δ = g without σ(1 − σ)", M.lstm_forget_gate_backward_linear,
                    "backward"),
        ],
        check=_forget_gate_is_torchs,
    ),
    gate_record(
        id="lstm.input_gate", k=0, name="lstm_input_gate",
        equation=r"i_t = \sigma(W_i \cdot [h_{t-1}, x_t] + b_i) = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + "
                 r"b_{hi})",
        mistakes=[
            Mistake("guide-gate-order", "blocks read in the guide's order f, i, C̃, o: torch's forget block taken",
                    M.lstm_input_gate_guide_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_input_gate_one_bias),
            Mistake("backward-no-sigmoid-derivative", "δ = g without σ(1 − σ)", M.lstm_input_gate_backward_linear,
                    "backward"),
        ],
    ),
    gate_record(
        id="lstm.candidate", k=2, name="lstm_cell_candidate",
        equation=r"\tilde C_t = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C) = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + "
                 r"b_{hg})",
        mistakes=[
            Mistake("sigmoid-for-tanh", "σ like the gates, so C̃ is never negative", M.lstm_cell_candidate_sigmoid),
            Mistake("tf1-gate-order", "blocks read as tf.compat.v1's i, j, f, o: torch's forget block taken",
                    M.lstm_cell_candidate_tf1_order),
            Mistake("onnx-gate-order", "blocks read as ONNX's i, o, f, c: torch's output block taken",
                    M.lstm_cell_candidate_onnx_order),
            Mistake("backward-no-tanh-derivative", "δ = g without 1 − C̃²", M.lstm_cell_candidate_backward_linear,
                    "backward"),
        ],
    ),
    gate_record(
        id="lstm.output_gate", k=3, name="lstm_output_gate",
        equation=r"o_t = \sigma(W_o \cdot [h_{t-1}, x_t] + b_o) = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + "
                 r"b_{ho})",
        mistakes=[
            Mistake("onnx-gate-order", "blocks read as ONNX's i, o, f, c: torch's forget block taken",
                    M.lstm_output_gate_onnx_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_output_gate_one_bias),
            Mistake("backward-no-sigmoid-derivative", "δ = g without σ(1 − σ)", M.lstm_output_gate_backward_linear,
                    "backward"),
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
            Mistake("gates-swapped", "i ⊙ C_(t−1) + f ⊙ C̃: forget and input gates exchanged",
                    M.lstm_cell_state_gates_swapped),
            Mistake("input-gate-forgotten", "f ⊙ C_(t−1) + C̃", M.lstm_cell_state_input_gate_forgotten),
            Mistake("backward-no-forget", "∂L/∂C_(t−1) = g, without f_t", M.lstm_cell_state_backward_no_forget,
                    "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros(3), np.zeros(3), np.zeros(2), np.zeros(3))), ValueError,
                       r"^input has shape \(2,\), expected forget's shape \(3,\)"),
            ErrorInput(Sample((np.zeros(3), np.zeros(3, np.float32), np.zeros(3), np.zeros(3))), TypeError,
                       r"^cell has dtype float32"),
            *_gate_errors(("forget", "cell", "input", "candidate")),
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
            Mistake("backward-no-tanh-derivative", "∂L/∂C_t = g ⊙ o", M.lstm_hidden_state_backward_no_tanh_derivative,
                    "backward"),
        ),
        errors=(
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((3, 2)))), ValueError,
                       r"^cell has shape \(3, 2\), expected output's shape \(2, 3\)"),
            ErrorInput(Sample((np.zeros(3, np.int64), np.zeros(3))), TypeError, r"^output\b.*float32 or float64"),
            *_gate_errors(("output", "cell")),
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
            Mistake("guide-gate-order", "blocks read in the guide's order f, i, C̃, o instead of torch's i, f, g, o",
                    M.lstm_cell_guide_order),
            Mistake("one-bias", "b_hh dropped", M.lstm_cell_one_bias),
            Mistake("h-c-swapped", "(c_t, h_t) returned", M.lstm_cell_h_c_swapped),
            Mistake("tanh-on-cell-forgotten", "h_t = o_t ⊙ c_t", M.lstm_cell_no_tanh_on_cell),
            Mistake("backward-grad-c-ignored", "the gradient arriving at c_t dropped",
                    M.lstm_cell_backward_grad_c_ignored, "backward"),
        ),
        errors=cell_errors(4, states=2) + cell_backward_errors(4, states=2) + (
            ErrorInput(Sample((np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((8, 3)), np.zeros((8, 2)))), TypeError,
                       r"hx must be a tuple"),),
        notes="The whole step, judged against torch's fused kernel torch.lstm_cell.",
    ),
    sequence_record(
        id="lstm.sequence", name="lstm",
            equation=r"(h_t^{(l)}, c_t^{(l)}) = \operatorname{lstm\_cell}(h_t^{(l-1)}, (h_{t-1}^{(l)}, "
                     r"c_{t-1}^{(l)})),\ h_t^{(0)} = x_t",
        mistakes=[
            Mistake("guide-gate-order", "every weight's blocks read in the guide's order f, i, C̃, o",
                    M.lstm_guide_order),
            Mistake("one-bias", "every bias_hh dropped", M.lstm_one_bias),
            Mistake("h-c-swapped", "(c_n, h_n) returned", M.lstm_h_c_swapped),
            Mistake("backward-no-forget", "BPTT carrying the cell's gradient back without the forget gate",
                    M.lstm_backward_no_forget, "backward"),
        ],
        gates=4, states=2, section=LSTM_SECTION,
    ),
    # -- GRU -------------------------------------------------------------------------------------

)
