"""Hyperparameter search through PyTorch: the reference for impl.search's formulas.

The Gaussian-process posterior in closed form with ``torch.cdist`` and
``torch.linalg.solve``, its evidence in closed form with ``torch.linalg.slogdet``,
the expected improvement with ``torch.distributions.Normal``, LIPO's bound and
AdaLIPO's estimate with ``torch.cdist`` / ``torch.pdist``, and the split sizes of
``torch.utils.data.random_split``.  The search loops themselves have no torch
counterpart: their records check properties.
"""

from __future__ import annotations

import math
import warnings

import torch
from torch.distributions import Normal
from torch.utils.data import random_split


def _kernel(a, b, length_scale, signal_variance):
    return signal_variance * torch.exp(-0.5 * torch.cdist(a, b) ** 2 / length_scale**2)


def gp_posterior(x_train, y_train, x_test, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    K = _kernel(x_train, x_train, length_scale, signal_variance) + noise * torch.eye(len(x_train), dtype=x_train.dtype)
    ks = _kernel(x_train, x_test, length_scale, signal_variance)
    mean = ks.T @ torch.linalg.solve(K, y_train)
    prior = _kernel(x_test, x_test, length_scale, signal_variance).diagonal()
    var = prior - (ks * torch.linalg.solve(K, ks)).sum(0)
    return mean, var.clamp_min(0.0)


def gp_log_marginal_likelihood(x_train, y_train, length_scale=0.2, signal_variance=1.0, noise=1e-6):
    # the closed form of MultivariateNormal(0, K).log_prob(y), through LU (slogdet, solve) rather than
    # torch's Cholesky, which costs ~10 ms a call on this 2-core MKL build
    K = _kernel(x_train, x_train, length_scale, signal_variance) + noise * torch.eye(len(x_train), dtype=x_train.dtype)
    return -0.5 * (y_train @ torch.linalg.solve(K, y_train)) - 0.5 * torch.linalg.slogdet(K).logabsdet \
        - 0.5 * len(y_train) * math.log(2 * math.pi)


def expected_improvement(mean, std, best, xi=0.0):
    imp = best - mean - xi
    safe = torch.where(std > 0, std, torch.ones_like(std))
    z = imp / safe
    unit = Normal(torch.zeros((), dtype=mean.dtype), torch.ones((), dtype=mean.dtype))
    ei = imp * unit.cdf(z) + safe * unit.log_prob(z).exp()
    return torch.where(std > 0, ei, imp.clamp_min(0.0))


def lipschitz_lower_bound(candidates, units, values, lipschitz):
    return (values[None, :] - lipschitz * torch.cdist(candidates, units)).amax(dim=1)


def lipschitz_estimate(units, values, alpha=0.01):
    dist = torch.pdist(units)
    i, j = torch.triu_indices(len(values), len(values), offset=1)
    apart = dist > 0
    if not apart.any():
        return 0.0
    slope = ((values[i] - values[j]).abs()[apart] / dist[apart]).max().item()
    if slope == 0.0:
        return 0.0
    # the smallest (1 + alpha)^i >= slope, found from the integer part of the logarithm
    i = math.floor(math.log(slope, 1.0 + alpha)) - 1
    while (1.0 + alpha) ** i < slope:
        i += 1
    return (1.0 + alpha) ** i


def split_lengths(n, lengths):
    with warnings.catch_warnings():  # torch warns of empty parts; the sizes are what is compared
        warnings.simplefilter("ignore", UserWarning)
        return [len(part) for part in random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))]
