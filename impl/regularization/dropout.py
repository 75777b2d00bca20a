"""Dropout, channel-wise dropout and alpha dropout (Srivastava et al. 2014; Klambauer et al. 2017).

``mask`` is the keep-mask (True: kept), shaped like torch's noise: the input's shape for
``dropout`` and ``alpha_dropout``, ``(N, C)`` or ``(N, C, 1, 1)`` (one draw per sample and
channel) for ``dropout2d``.  Without a mask one is drawn from ``generator`` (a fresh
``numpy.random.default_rng()`` when none is given).  The arithmetic is torch's, operation
for operation in the input's dtype, so that given torch's mask the output is torch's bit
for bit.
"""

from __future__ import annotations

import numpy as np

from impl._checks import flag, float_array, real, same_shape

# α' = −λα of SELU: the value a dropped unit takes in alpha dropout (torch's constant)
_ALPHA_PRIME = 1.7580993408473766


def _p(p) -> float:
    q = real(p, "p")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"p (the dropout probability) must be between 0 and 1, got {q}")
    return q


def _generator(generator) -> np.random.Generator:
    if generator is None:
        return np.random.default_rng()
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"generator must be a numpy.random.Generator, got {type(generator).__name__}")
    return generator


def _noise_shape(x: np.ndarray, channelwise: bool) -> tuple:
    if not channelwise:
        return x.shape
    if x.ndim not in (3, 4):
        raise ValueError(f"input must be 3-D (N, C, L) or 4-D (N, C, H, W) for dropout2d, got {x.ndim} dimensions")
    return x.shape[:2] + (1,) * (x.ndim - 2)


def dropout_mask(input, p=0.5, generator=None, *, channelwise=False):
    r"""A keep-mask for ``input``: each entry kept with probability 1 − p.

    .. math:: m_i \sim \operatorname{Bernoulli}(1 - p)

    ``channelwise=True`` gives dropout2d's mask, one draw per (sample, channel): shape (N, C, 1, 1).
    """
    x = float_array(input, "input")
    q = _p(p)
    return _generator(generator).random(_noise_shape(x, flag(channelwise, "channelwise"))) < 1.0 - q


def _mask(x: np.ndarray, q: float, mask, generator, channelwise: bool) -> np.ndarray:
    shape = _noise_shape(x, channelwise)
    if mask is None:
        return _generator(generator).random(shape) < 1.0 - q
    if generator is not None:
        raise ValueError("give mask or generator, not both")
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"mask must be a bool array (True: kept), got dtype {m.dtype}")
    if channelwise and m.shape == shape[:2]:
        m = m.reshape(shape)
    if m.shape != shape:
        raise ValueError(f"mask has shape {m.shape}, expected {shape}")
    if q == 1.0 and m.any():
        raise ValueError("mask keeps entries but p=1 drops them all")
    return m


def _scaled(x: np.ndarray, q: float, m: np.ndarray) -> np.ndarray:
    if q == 1.0:
        with np.errstate(invalid="ignore"):
            return np.multiply(x, x.dtype.type(0))  # torch: input·0, so inf and NaN give NaN
    t = x.dtype.type
    with np.errstate(invalid="ignore", over="ignore"):
        return x * (m.astype(x.dtype) / t(1.0 - q))  # torch's noise.div_(1 − p), then input·noise


def _dropout(input, p, training, mask, generator, channelwise):
    x = float_array(input, "input")
    q = _p(p)
    if not flag(training, "training"):
        if mask is not None or generator is not None:
            raise ValueError("mask and generator are for training=True; evaluation is the identity")
        _noise_shape(x, channelwise)
        return x.copy()
    return _scaled(x, q, _mask(x, q, mask, generator, channelwise))


def dropout(input, p=0.5, training=True, *, mask=None, generator=None):
    r"""Inverted dropout: zero each entry with probability p, scale the survivors by 1/(1 − p).

    .. math:: y = \frac{m \odot x}{1 - p},\quad m_i \sim \operatorname{Bernoulli}(1 - p)
              \ \text{(training)};\qquad y = x \ \text{(evaluation)}

    E[y] = x, so evaluation needs no rescaling.  p = 1 gives x·0 (zeros; NaN at inf or NaN).
    """
    return _dropout(input, p, training, mask, generator, False)


def dropout2d(input, p=0.5, training=True, *, mask=None, generator=None):
    r"""Channel-wise dropout: whole feature maps zeroed, one draw per (sample, channel).

    .. math:: y_{n,c} = \frac{m_{n,c}\,x_{n,c}}{1 - p},\quad m_{n,c} \sim \operatorname{Bernoulli}(1 - p)

    A 3-D input is read as (N, C, L), as torch does today (it warns that it did not always).
    """
    return _dropout(input, p, training, mask, generator, True)


def _backward(grad_output, input, p, training, mask, channelwise):
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    q = _p(p)
    if not flag(training, "training"):
        if mask is not None:
            raise ValueError("mask is for training=True; evaluation is the identity")
        return g.copy()
    if mask is None:
        raise ValueError("mask is required in training: the keep-mask the forward pass used")
    return _scaled(g, q, _mask(x, q, mask, None, channelwise)).astype(x.dtype)


def dropout_backward(grad_output, input, p=0.5, training=True, *, mask=None):
    r"""Gradient of dropout: the same mask and scale.

    .. math:: \frac{\partial L}{\partial x} = \frac{m \odot g}{1 - p}
    """
    return _backward(grad_output, input, p, training, mask, False)


def dropout2d_backward(grad_output, input, p=0.5, training=True, *, mask=None):
    r"""Gradient of dropout2d: the same channel mask and scale.

    .. math:: \frac{\partial L}{\partial x_{n,c}} = \frac{m_{n,c}\,g_{n,c}}{1 - p}
    """
    return _backward(grad_output, input, p, training, mask, True)


def _alpha_affine(x: np.ndarray, q: float, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch's multiplier a·m and offset b = (m − 1)·α'a + α'ap, in the input's dtype."""
    t = x.dtype.type
    a = 1.0 / np.sqrt((_ALPHA_PRIME * _ALPHA_PRIME * q + 1.0) * (1.0 - q))
    noise = m.astype(x.dtype)
    b = (noise + t(-1)) * t(_ALPHA_PRIME * a) + t(_ALPHA_PRIME * a * q)
    return noise * t(a), b


def alpha_dropout(input, p=0.5, training=False, *, mask=None, generator=None):
    r"""Alpha dropout for SELU networks: dropped units go to −λα, then an affine map restores
    mean 0 and variance 1 (training defaults to False, as torch's functional form).

    .. math::
        y = a\,(m \odot x + (1 - m)\,\alpha') + b,\quad \alpha' = -\lambda\alpha \approx -1.7581,\quad
        a = \bigl((1 - p)(1 + p\,\alpha'^2)\bigr)^{-1/2},\quad b = -a\,\alpha' p
    """
    x = float_array(input, "input")
    q = _p(p)
    if not flag(training, "training"):
        if mask is not None or generator is not None:
            raise ValueError("mask and generator are for training=True; evaluation is the identity")
        return x.copy()
    m = _mask(x, q, mask, generator, False)
    if q == 1.0:
        with np.errstate(invalid="ignore"):
            return np.multiply(x, x.dtype.type(0))  # torch: input·0
    mult, b = _alpha_affine(x, q, m)
    with np.errstate(invalid="ignore", over="ignore"):
        return x * mult + b


def alpha_dropout_backward(grad_output, input, p=0.5, training=False, *, mask=None):
    r"""Gradient of alpha_dropout: the kept entries' multiplier a.

    .. math:: \frac{\partial L}{\partial x} = a\,m \odot g
    """
    x = float_array(input, "input")
    g = same_shape(grad_output, x)
    q = _p(p)
    if not flag(training, "training"):
        if mask is not None:
            raise ValueError("mask is for training=True; evaluation is the identity")
        return g.copy()
    if mask is None:
        raise ValueError("mask is required in training: the keep-mask the forward pass used")
    m = _mask(x, q, mask, None, False)
    if q == 1.0:
        with np.errstate(invalid="ignore"):
            return np.multiply(g, g.dtype.type(0)).astype(x.dtype)
    mult, _ = _alpha_affine(x, q, m)
    with np.errstate(invalid="ignore", over="ignore"):
        return (g * mult).astype(x.dtype)
