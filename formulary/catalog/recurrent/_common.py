"""What the recurrent records share: the guide's sections, the drawn sizes, seeded weights."""

from __future__ import annotations

from hypothesis import strategies as st

RNN_SECTION = "§9 RNN循环神经网络 (recurrent neural networks)"
LSTM_SECTION = "§10 LSTM长短期记忆神经网络 (long short-term memory)"
GRU_SECTION = "§10 LSTM和GRU (GRU: the guide points to it; formulas from torch.nn.GRU)"

SEEDS = st.integers(0, 2**32 - 1)
SIZES = st.integers(1, 4)
BATCHES = st.sampled_from([None, 1, 2, 3])  # None: unbatched
SCALES = st.sampled_from([0.5, 1.0, 2.0])  # weight scale: mild to saturating gates


def _uniform(rng, dtype, shape, scale=1.0):
    return (scale * rng.uniform(-1.0, 1.0, shape)).astype(dtype)
