"""Output sizes and padding: torch's symmetric padding and the guide's TensorFlow modes.

The guide (§7 1.4) names three ways to pad: ``'same'`` (zeros so that the output is
``ceil(in / stride)``), ``'valid'`` (no padding) and an explicit
``(top, bottom, left, right)``.  torch accepts ``'same'`` only at stride 1; here it
works at any stride with TensorFlow's placement: when the total padding is odd, the
extra row goes at the bottom and the extra column at the right.
"""

from __future__ import annotations

from impl._args import ntuple
from impl.conv._args import flag, integer, pair


def _output_length(size: int, kernel: int, stride: int, before: int, after: int, dilation: int,
                   ceil_mode: bool = False) -> int:
    """Windows along one axis; ceil_mode keeps a last partial window (pooling only)."""
    span = size + before + after - dilation * (kernel - 1) - 1
    out = span // stride + 1 if not ceil_mode else -(-span // stride) + 1
    # torch's rule: a ceil_mode window must start inside the input or the leading padding
    if ceil_mode and (out - 1) * stride >= size + before:
        out -= 1
    if out < 1:
        raise ValueError(
            f"kernel_size {kernel} (dilated extent {dilation * (kernel - 1) + 1}) is larger than "
            f"the padded input ({size} + {before} + {after} = {size + before + after})")
    return out


def conv2d_output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False) -> int:
    r"""Output length along one spatial axis, with ``padding`` zeros on both sides.

    .. math:: n_\text{out} = \left\lfloor \frac{n + 2p - d(k - 1) - 1}{s} \right\rfloor + 1

    With ``ceil_mode`` (pooling) the floor becomes a ceiling, and, as in torch, a last
    window that would start in the trailing padding is dropped.  For ``'valid'`` this
    is the guide's ``floor((n − k) / s) + 1``.
    """
    p = integer(padding, "padding", 0)
    return _output_length(integer(size, "size", 0), integer(kernel_size, "kernel_size", 1),
                          integer(stride, "stride", 1), p, p, integer(dilation, "dilation", 1),
                          flag(ceil_mode, "ceil_mode"))


def same_padding(size, kernel_size, stride=1, dilation=1) -> tuple[int, int]:
    r"""TensorFlow's 'same' padding along one axis: (before, after), the extra one after.

    .. math::
        n_\text{out} = \left\lceil \frac{n}{s} \right\rceil,\quad
        P = \max\bigl((n_\text{out} - 1)s + d(k - 1) + 1 - n,\ 0\bigr),\quad
        (p_\text{before}, p_\text{after}) = \left(\left\lfloor \tfrac{P}{2} \right\rfloor,\ P - \left\lfloor
        \tfrac{P}{2} \right\rfloor\right)
    """
    n = integer(size, "size", 0)
    k, s, d = integer(kernel_size, "kernel_size", 1), integer(stride, "stride", 1), integer(dilation, "dilation", 1)
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def conv_padding(padding, input_size, kernel_size, stride=1, dilation=1) -> tuple[int, int, int, int]:
    r"""Any padding spec as explicit (top, bottom, left, right) for an input of (H, W).

    ``padding`` is ``'valid'``, ``'same'`` (TensorFlow's, any stride), an int, a
    1-sequence or an (h, w) pair (torch: both sides alike) or the guide's (top, bottom,
    left, right).

    .. math:: \text{valid}: (0, 0, 0, 0) \qquad p: (p, p, p, p) \qquad (p_h, p_w): (p_h, p_h, p_w, p_w)
    """
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0, 0, 0
        if padding == "same":
            (h, w), (kh, kw) = pair(input_size, "input_size", 0), pair(kernel_size, "kernel_size", 1)
            (sh, sw), (dh, dw) = pair(stride, "stride", 1), pair(dilation, "dilation", 1)
            return (*same_padding(h, kh, sh, dh), *same_padding(w, kw, sw, dw))
        raise ValueError(f"padding must be 'valid', 'same', an int or a tuple, got {padding!r}")
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        top, bottom, left, right = (integer(p, "padding", 0) for p in padding)
        return top, bottom, left, right
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2):
        raise ValueError(f"padding must have 1 (both axes), 2 (h, w) or 4 (top, bottom, left, right) values, "
                         f"got {len(padding)}")
    ph, pw = ntuple(padding, "padding", 2, 0)
    return ph, ph, pw, pw


def conv2d_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    r"""(H_out, W_out) of a convolution for any padding spec (see :func:`conv_padding`).

    .. math::
        H_\text{out} = \left\lfloor \frac{H + p_\text{top} + p_\text{bottom} - d_h(k_h - 1) - 1}{s_h} \right\rfloor + 1
        \qquad (\text{'same'}: H_\text{out} = \lceil H / s_h \rceil)
    """
    (h, w), (kh, kw) = pair(input_size, "input_size", 0), pair(kernel_size, "kernel_size", 1)
    (sh, sw), (dh, dw) = pair(stride, "stride", 1), pair(dilation, "dilation", 1)
    top, bottom, left, right = conv_padding(padding, (h, w), (kh, kw), (sh, sw), (dh, dw))
    return _output_length(h, kh, sh, top, bottom, dh), _output_length(w, kw, sw, left, right, dw)
