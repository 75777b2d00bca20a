"""MaxLIPO's lower bound through PyTorch: the reference for impl.search.maxlipo_model's bound.

dlib's upper_bound_function (on −f): one squared Lipschitz constant per dimension, one noise
offset per evaluated point, the bound the largest of the points' cones.
"""

from __future__ import annotations

import torch


def maxlipo_lower_bound(candidates, x, f, slopes, offsets):
    diff = candidates[:, None, :] - x[None, :, :]
    return (f[None, :] - torch.sqrt(offsets[None, :] + (diff * diff * slopes).sum(-1))).amax(dim=1)
