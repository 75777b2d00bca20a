"""Explained survivors of impl/search/bayes.py, simple.py, space.py, split.py (cluster bayes_simple_space_split).

``RULES`` has the format of ``EXPLAINED`` in scripts/mutation.py: (function regex, matched with re.match against
the function name without ``x_``/``__mutmut_N``; mutated-line regex, matched with re.search; the explanation).
Every other survivor of the cluster (and of impl/search/trust_region.py) is killed by the records in
formulary/catalog/search/ (bayes.py, bayes_oracles.py, sampling.py, split.py, trust_region_options.py).
"""

RULES: tuple[tuple[str, str, str], ...] = (
    # -- bayes.py --------------------------------------------------------------------------------------------
    (r"expected_improvement$", r"\b(mu|sd)\.astype\(None\)",
     "EQUIVALENT: ndarray.astype(None) converts to float64, the dtype named in the original."),
    (r"expected_improvement$", r"z = np\.divide\(imp, s, (out=None, )?where=pos\)",
     "EQUIVALENT: without out= the entries where σ = 0 (where=pos is False) are left uninitialised, and only "
     "those; np.where(pos, ..., max(I, 0)) discards every one of them, so the result is the same."),
    (r"_cholesky$", r"^def _cholesky\(.*kernel=\"(XXrbfXX|RBF)\"",
     "EQUIVALENT: _cholesky's default kernel is never used: both callers (gp_posterior, gp_log_marginal_likelihood) "
     "pass theirs."),
    (r"_gp_args$", r"^return x\.astype\((None|np\.float64)\), y\.astype\((None|np\.float64)\)",
     "EQUIVALENT: ndarray.astype(None) converts to float64, the dtype named in the original."),
    (r"gp_posterior$", r"_kernel\(kernel\)\(x, xs\.astype\(None\), ell, s2\)",
     "EQUIVALENT: ndarray.astype(None) converts to float64, the dtype named in the original."),
    (r"_fit$", r"^def _fit\(.*kernel=\"(XXrbfXX|RBF)\"",
     "EQUIVALENT: _fit's default kernel is never used: its only caller, _search, always passes the kernel."),
    (r"_search$", r"^def _search\(.*kernel=\"(XXrbfXX|RBF)\"",
     "EQUIVALENT: _search's default kernel is never used: its only caller, bayes_search, always passes the kernel."),
    (r"_fit$", r"^scale = values\.std\(\) or 2\.0$",
     "EQUIVALENT: the fallback scale is used only when the values' standard deviation is 0, i.e. every deviation "
     "values − mean squares to 0, and then y = 0/1 = 0/2 = 0 (a difference would need deviations below 1e-162, "
     "whose squares underflow, among the objective's values)."),
    (r"_search$", r"rng\.standard_normal\(\(m // 5, d\)\)",
     "KILL: the number of candidates near the best point (a quarter of n_candidates) changes only which points "
     "compete for the EI's argmax and the generator's later draws; no property of the decisions sees it (the "
     "corner and convergence checks pass either way). It needs the candidate set observable (bayes_search "
     "exposing its candidates or acquisition) or a pinned trajectory of one seed, which the records deliberately "
     "do not keep."),
    (r"_search$", r"rng\.standard_normal\(None\)",
     "KILL: one candidate near the best (best + 0.05 z·(1, …, 1), a scalar z) instead of n_candidates // 4 still "
     "reaches the corners and the bowl's 1e-3; the bowl's best after 20 trials is about ten times worse (1e-4 "
     "against 1e-5 over seeds 0–3), too close to tune a threshold on. It needs the candidate set observable, as "
     "the m // 5 mutant."),
    (r"_search$", r"ei = acquisition\(mean, np\.sqrt\(var\), xi\)",
     "KILL: the incumbent f* becomes ξ (0 by default) instead of min y; the standardised values have mean 0, so "
     "EI is taken against the mean rather than the best, which converges as well on every problem of the records "
     "(bowl, corners, Branin). It needs one EI decision recomputed by the record from the posterior at the "
     "candidates, which bayes_search does not expose."),
    # -- simple.py -------------------------------------------------------------------------------------------
    (r"grid_units$", r"np\.array\(list\(itertools\.product\(\*axes\)\), (dtype=None)?\)",
     "EQUIVALENT: every axis is a float64 array (linspace, or (arange + 0.5) / k), so the product's tuples make a "
     "float64 array without dtype=float."),
    (r"grid_units$", r"\.reshape\(-2, len\(space\)\)",
     "EQUIVALENT: NumPy (2.4) takes any negative size in reshape as the one inferred dimension, -2 as -1."),
    # -- space.py --------------------------------------------------------------------------------------------
    (r".*LogUniformǁdecode$", r"np\.clip\(self\.low \* \(self\.high / self\.low\) \*\* u, None, self\.high\)",
     "EQUIVALENT: the lower clip never acts on the unit cube: for 0 <= u, (high/low)^u >= 1 (high/low > 1, pow "
     "monotone, exactly 1 at u = 0), so low·(high/low)^u >= low; every search decodes points of [0, 1]^d."),
    (r".*ǁUniformǁdecode$", r"np\.clip\(self\.low \+ u \* \(self\.high - self\.low\), self\.low, None\)",
     "EQUIVALENT as far as measured: for u < 1 the rounded low + u·(high − low) stayed <= high in every range tried "
     "(2·10⁵ random ranges in [-3, 3] at u = 1 − 2⁻⁵³), and u >= 1 takes high itself; a counterexample would be a "
     "range and a u < 1 where it rounds above high, which a decode check at u = 1 − 2⁻⁵³ would then catch."),
    (r".*SearchResultǁevaluate$", r"trial = Trial\(params, value, np\.array\(unit, (dtype=None)?\), role\)",
     "EQUIVALENT: every search passes a float64 unit-cube point (rng.random, the grid's float64 rows, BOBYQA's "
     "float64 vector, the clipped candidates), which np.array keeps as float64 without dtype=float."),
    (r"encode$", r"^return np\.clip\(np\.array\(unit\), (None, 1\.0|0\.0, None|0\.0, 2\.0)\)$",
     "EQUIVALENT: the clip never acts: low <= x <= high is checked just before, so (x − low)/(high − low) is in "
     "[0, 1] (a correctly rounded quotient of 0 <= a <= b), and log(x/low)/log(high/low) too (x/low <= high/low, "
     "log monotone, the same expression at x = high)."),
)
