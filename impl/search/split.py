r"""The guide's hyperparameter-search procedure (§3.3): split the data into training,
validation and test sets; fit the parameters on the training set; choose the
hyperparameters on the validation set; score the final model on the test set, once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from impl.search.space import SearchResult


def split_lengths(n: int, lengths) -> list[int]:
    r"""The sizes of the parts, as ``torch.utils.data.random_split`` computes them:
    integers are taken as they are (they must sum to ``n``); fractions summing to 1
    give :math:`\lfloor n f_i\rfloor` each, and the remainder is dealt one by one
    from the first part on.

    .. math:: n_i = \lfloor n f_i \rfloor + [\,i < r\,], \qquad r = n - \sum_j \lfloor n f_j \rfloor
    """
    if not isinstance(lengths, (list, tuple)) or not lengths:
        raise TypeError(f"lengths must be a non-empty list of ints or fractions, got {lengths!r}")
    if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in lengths):
        raise TypeError(f"lengths must hold ints or fractions, got {lengths!r}")
    if all(isinstance(v, numbers.Integral) for v in lengths):
        if any(v < 0 for v in lengths) or sum(lengths) != n:
            raise ValueError(f"lengths {lengths} must be non-negative and sum to the {n} samples")
        return [int(v) for v in lengths]
    # fsum: 0.34 + 0.56 + 0.1 is 1.0000000000000002 by sum(), exactly 1.0 by fsum()
    if any(not 0 <= v <= 1 for v in lengths) or not math.isclose(math.fsum(lengths), 1.0):
        raise ValueError(f"lengths {lengths} must be fractions in [0, 1] summing to 1")
    sizes = [math.floor(n * f) for f in lengths]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def _sizes(n, lengths) -> list[int]:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise TypeError(f"n must be a non-negative int (the number of samples), got {n!r}")
    return split_lengths(int(n), lengths)


def random_split(n, lengths, seed=0) -> tuple[np.ndarray, ...]:
    r"""Indices of ``n`` samples split into disjoint random parts of the given sizes
    (``torch.utils.data.random_split`` on ``range(n)``, with NumPy's generator):
    one permutation, cut into consecutive pieces.

    .. math:: \pi \sim \operatorname{Uniform}(S_n), \qquad
              \text{part}_i = \pi\bigl[\textstyle\sum_{j<i} n_j : \sum_{j \le i} n_j\bigr]
    """
    sizes = _sizes(n, lengths)
    perm = np.random.default_rng(seed).permutation(int(n))
    return tuple(np.split(perm, np.cumsum(sizes)[:-1]))


class HoldoutResult(NamedTuple):
    search: SearchResult  # the trials, scored on the validation set
    params: dict  # the hyperparameters chosen
    test_score: float  # the final model's score on the test set


def holdout_search(search: Callable, space, fit: Callable, score: Callable, train: Any, validation: Any, test: Any,
                   **search_options) -> HoldoutResult:
    r"""Tune hyperparameters on a validation set and score the result on a test set once.

    ``fit(train, params)`` returns a model trained on ``train`` only; ``score(model,
    data)`` is lower-is-better.  ``search`` (``grid_search``, ``random_search``, ...)
    minimises the validation score; the best trial's hyperparameters are refitted
    on the training set and the model is scored on ``test`` -- after the search has
    finished, and nowhere else:

    .. math:: \hat\lambda = \arg\min_{\lambda} S\bigl(\hat\theta_\lambda, D_{val}\bigr), \quad
              \hat\theta_\lambda = \arg\min_\theta L(\theta; \lambda, D_{train}), \quad
              \text{report } S\bigl(\hat\theta_{\hat\lambda}, D_{test}\bigr)
    """
    result = search(lambda params: score(fit(train, params), validation), space, **search_options)
    if result.best is None:
        raise ValueError("every trial's validation score was non-finite: no hyperparameters to test")
    params = result.best.params
    return HoldoutResult(result, params, float(score(fit(train, params), test)))
