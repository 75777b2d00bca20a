"""TensorFlow and Keras as independent judges, where the torch reference is our transcription.

torch refuses ``padding='same'`` at a stride above 1, so ``reference.conv`` pads by
TensorFlow's documented rule written out by hand; the guide's loss snippets follow
Keras's per-sample convention, which torch does not have.  When TensorFlow is installed
these functions ask it instead: ``tf.nn.conv2d(padding='SAME')`` at any stride and
dilation, TensorFlow's own 'SAME' split read off a convolution, and Keras's loss
functions.  :func:`version` says whether they can run (None without TensorFlow); nothing
here imports TensorFlow before it is asked to judge.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os

import numpy as np


@functools.cache
def version() -> str | None:
    """'TensorFlow X / Keras Y' when TensorFlow is installed, else None (TensorFlow is not imported to find out)."""
    if importlib.util.find_spec("tensorflow") is None:
        return None
    tf, keras = _tf(), importlib.import_module("keras")
    return f"TensorFlow {tf.__version__} / Keras {keras.__version__}"


@functools.cache
def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return importlib.import_module("tensorflow")


def _pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else tuple(int(a) for a in v)


def conv2d_same(input: np.ndarray, weight: np.ndarray, stride=1, dilation=1) -> np.ndarray:
    """``tf.nn.conv2d(padding='SAME')`` of an NCHW input and an OIHW weight, as NCHW."""
    tf = _tf()
    x = tf.transpose(tf.convert_to_tensor(input), [0, 2, 3, 1])
    w = tf.transpose(tf.convert_to_tensor(weight), [2, 3, 1, 0])
    y = tf.nn.conv2d(x, w, strides=list(_pair(stride)), padding="SAME", dilations=list(_pair(dilation)))
    return tf.transpose(y, [0, 3, 1, 2]).numpy()


def same_padding(size: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's 'SAME' split (before, after) along one axis, measured, not computed.

    ``tf.nn.conv2d(padding='SAME')`` of a row of ones with a kernel of the dilated extent
    d(k − 1) + 1 (TensorFlow pads by that extent) whose tap u weighs 2^u: each output is
    the sum of 2^u over the taps that land inside the input, so the first output's lowest
    set bit is the number of zeros padded before, and the last output's highest set bit,
    against the extent, the number padded after.
    """
    tf = _tf()
    extent = int(dilation) * (int(kernel_size) - 1) + 1
    x = tf.ones([1, 1, int(size), 1], tf.float64)
    taps = tf.reshape(tf.constant([2.0 ** u for u in range(extent)], tf.float64), [1, extent, 1, 1])
    y = tf.nn.conv2d(x, taps, strides=[1, int(stride)], padding="SAME").numpy()[0, 0, :, 0]
    first, last = int(round(y[0])), int(round(y[-1]))
    return (first & -first).bit_length() - 1, extent - last.bit_length()


def keras_loss(name: str, y_true: np.ndarray, y_pred: np.ndarray, **options) -> np.ndarray:
    """``keras.losses.<name>(y_true, y_pred, **options)`` (TensorFlow backend), as NumPy."""
    _tf()
    keras = importlib.import_module("keras")
    return np.asarray(getattr(keras.losses, name)(np.asarray(y_true), np.asarray(y_pred), **options))
