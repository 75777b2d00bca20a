"""Regularisation (guide §7's training remarks): dropout, L1/L2 penalties, early stopping.

Dropout follows ``torch.nn.functional`` (without ``inplace``).  Its randomness comes from
a NumPy ``Generator`` or a mask passed in, so that a run can be repeated and the backward
pass can use the forward pass's mask.
"""

from impl.regularization.dropout import (
    alpha_dropout,
    alpha_dropout_backward,
    dropout,
    dropout2d,
    dropout2d_backward,
    dropout_backward,
    dropout_mask,
)
from impl.regularization.penalties import l1_penalty, l1_penalty_backward, l2_penalty, l2_penalty_backward
from impl.regularization.stopping import AccuracyStop, EarlyStopping
