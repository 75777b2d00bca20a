"""Argument checks of the recurrent chapter: shapes, dtypes and sizes, named in every message."""

from __future__ import annotations

import numpy as np

from impl._checks import flag, float_array, positive_int  # noqa: F401  (shared by every chapter)

NONLINEARITIES = ("tanh", "relu")


def like(value, name: str, dtype: np.dtype) -> np.ndarray:
    """A float array of ``dtype`` (torch refuses to mix float32 and float64 here, and so does impl)."""
    arr = float_array(value, name)
    if arr.dtype != dtype:
        raise TypeError(f"{name} has dtype {arr.dtype}, expected the input's dtype {dtype}")
    return arr


def optional_like(value, name: str, dtype: np.dtype, shape: tuple) -> np.ndarray | None:
    if value is None:
        return None
    arr = like(value, name, dtype)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")
    return arr




def nonlinearity(value) -> str:
    if value not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {value!r}")
    return value


def cell_weights(w_ih, w_hh, b_ih, b_hh, gates: int, dtype: np.dtype):
    """torch's cell weights: ``w_ih`` (G·H, input_size), ``w_hh`` (G·H, H), biases (G·H,) or None."""
    w_hh = like(w_hh, "w_hh", dtype)
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(f"w_hh has shape {w_hh.shape}, expected ({gates}·hidden_size, hidden_size)")
    rows = w_hh.shape[0]
    w_ih = like(w_ih, "w_ih", dtype)
    if w_ih.ndim != 2 or w_ih.shape[0] != rows:
        raise ValueError(f"w_ih has shape {w_ih.shape}, expected ({rows}, input_size) to match w_hh")
    return w_ih, w_hh, optional_like(b_ih, "b_ih", dtype, (rows,)), optional_like(b_hh, "b_hh", dtype, (rows,))


def check_input_size(x: np.ndarray, w_ih: np.ndarray, weight_name: str = "w_ih") -> None:
    if x.shape[-1] != w_ih.shape[1]:
        raise ValueError(f"input has {x.shape[-1]} features, expected {w_ih.shape[1]} ({weight_name}'s input_size)")


def pair(value, name: str) -> tuple:
    """LSTM's state: a tuple (h, c)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a tuple (h, c) of two arrays, got {type(value).__name__}")
    return tuple(value)


def lstm_state(hx, name: str = "hx") -> tuple:
    """LSTM's (h, c), or (None, None) for torch.nn.LSTMCell's hx=None (zeros)."""
    return (None, None) if hx is None else pair(hx, name)


def cell(input, states: tuple, names: tuple, w_ih, w_hh, b_ih, b_hh, gates: int):
    """A cell's arguments checked against one another: input (N, input_size), or unbatched
    (input_size,) as torch.nn.LSTMCell accepts; each state (N, H) or (H,), or None for zeros
    (the cell modules' default)."""
    x = float_array(input, "input")
    if x.ndim not in (1, 2):
        raise ValueError(f"input must be 1-D (unbatched) or 2-D (batch, input_size), got shape {x.shape}")
    w_ih, w_hh, b_ih, b_hh = cell_weights(w_ih, w_hh, b_ih, b_hh, gates, x.dtype)
    check_input_size(x, w_ih)
    shape = x.shape[:-1] + (w_hh.shape[1],)
    states = tuple(np.zeros(shape, x.dtype) if s is None else state(s, n, x.dtype, shape, x.ndim == 2)
                   for s, n in zip(states, names))
    return x, states, (w_ih, w_hh, b_ih, b_hh)


def state(value, name: str, dtype: np.dtype, expected: tuple, batched: bool) -> np.ndarray:
    """A hidden or cell state of shape ``expected``, whose second-to-last axis is the batch when ``batched``."""
    s = like(value, name, dtype)
    if s.ndim != len(expected):
        raise ValueError(f"{name} has shape {s.shape}, expected {expected} "
                         f"({'batched' if batched else 'unbatched'} input)")
    if batched and s.shape[-2] != expected[-2]:
        raise ValueError(f"{name} has batch size {s.shape[-2]}, but the input has batch size {expected[-2]}")
    if s.shape != expected:
        raise ValueError(f"{name} has shape {s.shape}, expected {expected}")
    return s
