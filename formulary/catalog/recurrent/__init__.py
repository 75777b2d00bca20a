"""Catalog records of the recurrent chapter (guide §9 RNN and §10 LSTM; GRU from torch).

Inputs: hypothesis draws the sizes, the options and a seed; the arrays come from a
NumPy generator with that seed, uniform and never constant, so that every gate block
differs from every other and a block read in the wrong order changes the result.
The edge banks hold one fixed-seed sample per option value (bias on/off, unbatched,
batch_first, bidirectional, several layers, no initial state, saturated gates, an
empty batch), so every known mistake is caught on a sample that does not depend on
the draw.
"""

from formulary.catalog.recurrent import gru, lstm, rnn

RECORDS = rnn.RECORDS + lstm.RECORDS + gru.RECORDS
