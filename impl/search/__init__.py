"""Hyperparameter search (guide §3), from scratch in NumPy.

A space of :class:`Choice`, :class:`Uniform` and :class:`LogUniform` dimensions;
grid, random, Bayesian, LIPO/AdaLIPO, MaxLIPO+TR (dlib's find_min_global), TPE (Optuna's
default sampler) and trust-region search, each minimising an objective and returning every
trial; the train / validation / test procedure.
"""

from impl.search.bayes import bayes_search, expected_improvement, gp_log_marginal_likelihood, gp_posterior, rbf_kernel
from impl.search.lipo import lipo_search, lipschitz_estimate, lipschitz_lower_bound
from impl.search.simple import grid_search, grid_units, random_search
from impl.search.space import Choice, LogUniform, SearchResult, Trial, Uniform
from impl.search.split import HoldoutResult, holdout_search, random_split, split_lengths
from impl.search.trust_region import TrustRegionResult, box_subproblem, quadratic_model, stencil, trust_region_search

__all__ = [
    "Choice", "Uniform", "LogUniform", "Trial", "SearchResult", "TrustRegionResult", "HoldoutResult",
    "grid_units", "grid_search", "random_search",
    "rbf_kernel", "gp_posterior", "gp_log_marginal_likelihood", "expected_improvement", "bayes_search",
    "lipschitz_lower_bound", "lipschitz_estimate", "lipo_search",
    "stencil", "quadratic_model", "box_subproblem", "trust_region_search",
    "split_lengths", "random_split", "holdout_search",
]

# MaxLIPO+TR (dlib's find_min_global), issue 15
from impl.search.maxlipo import MaxLipo, find_min_global, maxlipo_search  # noqa: E402
from impl.search.maxlipo_model import fit_quadratic, lipschitz_fit, maxlipo_lower_bound, trust_region_subproblem  # noqa: E402

__all__ += ["MaxLipo", "find_min_global", "maxlipo_search", "fit_quadratic", "lipschitz_fit", "maxlipo_lower_bound",
            "trust_region_subproblem"]

# TPE (Bergstra et al. 2011, Optuna's default sampler), issue 15
from impl.search.tpe import parzen_log_pdf, tpe_gamma, tpe_search, tpe_split, tpe_weights  # noqa: E402

__all__ += ["parzen_log_pdf", "tpe_gamma", "tpe_search", "tpe_split", "tpe_weights"]
