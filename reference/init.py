"""torch.nn.init as the reference for impl.init: the same names, without the in-place ``_``.

Each function clones its tensor and runs torch's own initialiser on the clone, from a
``torch.Generator``.  :func:`drawn_parameters` reports the exact (low, high) or (mean,
std) that torch's initialiser hands to ``uniform_``/``normal_`` -- torch's own bound,
computed by its own code, for an exact comparison.
"""

from __future__ import annotations

import contextlib

import torch
import torch.nn.init as I

calculate_gain = I.calculate_gain


def _run(name, tensor, *args, generator=None, **kwargs):
    out = tensor.detach().clone()
    getattr(I, name + "_")(out, *args, generator=generator, **kwargs)
    return out


def uniform(tensor, a=0.0, b=1.0, generator=None):
    return _run("uniform", tensor, a, b, generator=generator)


def normal(tensor, mean=0.0, std=1.0, generator=None):
    return _run("normal", tensor, mean, std, generator=generator)


def trunc_normal(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    return _run("trunc_normal", tensor, mean, std, a, b, generator=generator)


def xavier_uniform(tensor, gain=1.0, generator=None):
    return _run("xavier_uniform", tensor, gain, generator=generator)


def xavier_normal(tensor, gain=1.0, generator=None):
    return _run("xavier_normal", tensor, gain, generator=generator)


def kaiming_uniform(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    return _run("kaiming_uniform", tensor, a, mode, nonlinearity, generator=generator)


def kaiming_normal(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    return _run("kaiming_normal", tensor, a, mode, nonlinearity, generator=generator)


def orthogonal(tensor, gain=1, generator=None):
    return _run("orthogonal", tensor, gain, generator=generator)


@contextlib.contextmanager
def _recording(seen: list):
    uniform_, normal_ = torch.Tensor.uniform_, torch.Tensor.normal_

    def rec_uniform(self, a=0.0, b=1.0, *, generator=None):
        seen.append(("uniform", a, b))
        return uniform_(self, a, b, generator=generator)

    def rec_normal(self, mean=0.0, std=1.0, *, generator=None):
        seen.append(("normal", mean, std))
        return normal_(self, mean, std, generator=generator)

    torch.Tensor.uniform_, torch.Tensor.normal_ = rec_uniform, rec_normal
    try:
        yield
    finally:
        torch.Tensor.uniform_, torch.Tensor.normal_ = uniform_, normal_


def drawn_parameters(name: str, shape: tuple, *args, **kwargs) -> tuple:
    """('uniform', low, high) or ('normal', mean, std): what torch.nn.init.<name>_ draws from."""
    seen: list = []
    with _recording(seen):
        getattr(I, name + "_")(torch.empty(shape, dtype=torch.float64), *args, **kwargs)
    return seen[0]
