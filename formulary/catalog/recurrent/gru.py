"""The GRU: cell and sequence layer."""

from __future__ import annotations

from formulary.catalog.recurrent._cells import (
    CELL_GRAD_ARGS,
    cell_backward_errors,
    cell_edges,
    cell_errors,
    cell_samples,
)
from formulary.catalog.recurrent._common import GRU_SECTION
from formulary.catalog.recurrent._sequences import sequence_record
from formulary.mistakes import recurrent as M
from formulary.record import Mistake, Record

RECORDS = (
    Record(
        id="gru.cell", kind="F", section=GRU_SECTION,
        equation=r"r_t = \sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr}),\ z_t = \sigma(\dots),\ "
                 r"n_t = \tanh(W_{in} x + b_{in} + r_t \odot (W_{hn} h + b_{hn})),\ h_t = (1 - z_t) \odot n_t + z_t "
                 r"\odot h",
        candidate="recurrent.gru_cell", reference="recurrent.gru_cell", backward="recurrent.gru_cell_backward",
        grad_args=CELL_GRAD_ARGS,
        inputs=lambda dt: cell_samples(dt, 3),
        edges=lambda dt: cell_edges(dt, 3),
        mistakes=(
            Mistake("onnx-reset-before-matmul", "n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), ONNX's default",
                    M.gru_cell_onnx_reset),
            Mistake("keras-gate-order", "blocks read as Keras's z, r, h", M.gru_cell_keras_order),
            Mistake("update-inverted", "h_t = z ⊙ n + (1 − z) ⊙ h (Chung et al.'s convention)",
                    M.gru_cell_update_inverted),
            Mistake("one-bias", "b_hh dropped (b_hn sits inside r ⊙ (·), so it is not b_in's twin)",
                    M.gru_cell_one_bias),
            Mistake("backward-reset-ignored", "the hidden projection's gradient without r_t",
                    M.gru_cell_backward_reset_ignored, "backward"),
        ),
        errors=cell_errors(3) + cell_backward_errors(3),
        notes="The guide only points to GRU; the formulas are torch.nn.GRUCell's (reset after the hidden matmul).",
    ),
    sequence_record(
        id="gru.sequence", name="gru",
            equation=r"h_t^{(l)} = \operatorname{gru\_cell}(h_t^{(l-1)}, h_{t-1}^{(l)}),\ h_t^{(0)} = x_t",
        mistakes=[
            Mistake("onnx-reset-before-matmul", "the reset gate applied before the hidden matmul", M.gru_onnx_reset),
            Mistake("keras-gate-order", "blocks read as Keras's z, r, h", M.gru_keras_order),
            Mistake("backward-reset-ignored", "the hidden projection's gradient without r_t",
                    M.gru_backward_reset_ignored, "backward"),
        ],
        gates=3, section=GRU_SECTION,
    ),

)
