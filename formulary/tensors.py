"""Moving arguments between NumPy (the candidate's world) and torch (the reference's)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch


def to_torch(value, device: str = "cpu", requires_grad: bool = False):
    """Arrays become tensors (copies, on ``device``); containers are walked; the rest is kept."""
    if isinstance(value, np.ndarray):
        t = torch.from_numpy(np.array(value, copy=True)).to(device)
        if requires_grad and t.is_floating_point():
            t.requires_grad_(True)
        return t
    if isinstance(value, tuple):
        return tuple(to_torch(v, device, requires_grad) for v in value)
    if isinstance(value, list):
        return [to_torch(v, device, requires_grad) for v in value]
    if isinstance(value, Mapping):
        return {k: to_torch(v, device, requires_grad) for k, v in value.items()}
    return value


def to_numpy(value):
    """Tensors become arrays on the CPU; containers are walked; the rest is kept."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, tuple):
        return tuple(to_numpy(v) for v in value)
    if isinstance(value, list):
        return [to_numpy(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_numpy(v) for k, v in value.items()}
    return value


def recast(value, source, target):
    """Arrays of dtype ``source`` cast to ``target``; containers are walked; the rest is kept."""
    if isinstance(value, np.ndarray):
        return value.astype(target) if value.dtype == source else value
    if isinstance(value, tuple):
        return tuple(recast(v, source, target) for v in value)
    if isinstance(value, list):
        return [recast(v, source, target) for v in value]
    if isinstance(value, Mapping):
        return {k: recast(v, source, target) for k, v in value.items()}
    return value


def leaves(value) -> list:
    """The tensors of a (nested) value, in order."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in leaves(v)]
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in leaves(v)]
    return []


def grads_of(value):
    """The ``.grad`` of each tensor of ``value`` (zeros where autograd left none), as arrays."""
    if isinstance(value, torch.Tensor):
        g = value.grad if value.grad is not None else torch.zeros_like(value)
        return g.detach().cpu().numpy()
    if isinstance(value, tuple):
        return tuple(grads_of(v) for v in value)
    if isinstance(value, list):
        return [grads_of(v) for v in value]
    if isinstance(value, Mapping):
        return {k: grads_of(v) for k, v in value.items()}
    return None


def rebuild(template, flat: list):
    """Arrange ``flat`` (one item per tensor leaf of ``template``) in ``template``'s shape."""
    it = iter(flat)

    def walk(t):
        if isinstance(t, torch.Tensor):
            return next(it)
        if isinstance(t, tuple):
            return tuple(walk(v) for v in t)
        if isinstance(t, list):
            return [walk(v) for v in t]
        return t

    return walk(template)
