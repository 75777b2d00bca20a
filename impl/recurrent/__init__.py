"""Recurrent networks (guide §9–10): RNN, LSTM and GRU cells, the LSTM's gates one by one,
sequence layers and backpropagation through time, from scratch in NumPy.

Everything follows torch's weight layout and signatures (``torch.lstm_cell``,
``torch.nn.LSTM``'s flat weights); see the submodules' docstrings:

``lstm_gates``  the guide's six LSTM formulas, each its own function
``cells``       rnn_cell, lstm_cell, gru_cell and their backward passes
``layers``      rnn, lstm, gru over sequences (layers, directions, batch_first) and BPTT
"""

from impl.recurrent.cells import (
    gru_cell,
    gru_cell_backward,
    lstm_cell,
    lstm_cell_backward,
    rnn_cell,
    rnn_cell_backward,
)
from impl.recurrent.layers import gru, gru_backward, lstm, lstm_backward, rnn, rnn_backward
from impl.recurrent.lstm_gates import (
    lstm_cell_candidate,
    lstm_cell_candidate_backward,
    lstm_cell_state,
    lstm_cell_state_backward,
    lstm_forget_gate,
    lstm_forget_gate_backward,
    lstm_hidden_state,
    lstm_hidden_state_backward,
    lstm_input_gate,
    lstm_input_gate_backward,
    lstm_output_gate,
    lstm_output_gate_backward,
)

__all__ = [
    "rnn_cell", "rnn_cell_backward", "lstm_cell", "lstm_cell_backward", "gru_cell", "gru_cell_backward",
    "lstm_input_gate", "lstm_input_gate_backward", "lstm_forget_gate", "lstm_forget_gate_backward",
    "lstm_cell_candidate", "lstm_cell_candidate_backward", "lstm_output_gate", "lstm_output_gate_backward",
    "lstm_cell_state", "lstm_cell_state_backward", "lstm_hidden_state", "lstm_hidden_state_backward",
    "rnn", "rnn_backward", "lstm", "lstm_backward", "gru", "gru_backward",
]
