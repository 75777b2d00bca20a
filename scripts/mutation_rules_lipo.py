"""Explained survivors of impl/search/lipo.py and the helpers of impl/search/maxlipo_model.py that
scripts/mutation_rules_maxlipo.py leaves: (function regex, mutated-line regex, explanation), the format of
``EXPLAINED`` in scripts/mutation.py."""

_F64_CALLERS = ("every caller passes float64 arrays (the unit points and values of a search are float64 draws "
                "and float64 objective values), so the conversion is the identity there")

RULES: tuple[tuple[str, str, str], ...] = (
    # --- impl/search/lipo.py -----------------------------------------------------------------------------------
    (r"_draw_passing$", r"values\.min\(\), 1, FIRST_BATCH|max_draws \+ drawn|3 \* size",
     "KILL: these change how many candidates each batch draws once the first batch has no passing point; "
     "NumPy's Generator fills a larger batch with the same leading numbers, so the first passing candidate (and "
     "the run) changes only when no candidate of the first batch passes and the budget runs out differently. "
     "hp.lipo counts fall-backs and checks LIPO's rule on every trial, not the exact trials of such a run: a "
     "seeded run whose trials are compared point for point with a recorded one (k small enough to exhaust "
     "batches) would kill them."),
    (r"_draw_passing$", r"<= best\)|< best\)",
     "EQUIVALENT in effect: a candidate whose bound equals the best value exactly (a tie of floats drawn "
     "uniformly) has probability zero."),
    (r"_search$", r"rng\.random\(\) <= p",
     "EQUIVALENT in effect: differs only when the uniform draw equals p exactly (probability 2⁻⁵³ per step)."),
    (r"_search$", r"estimate\(units, values, \)",
     "KILL: drops α, so AdaLIPO's estimate uses the default 0.01; hp.lipo/adaptive's run with α = 0.5 checks LIPO's "
     "rule with k̂ on α = 0.5's grid, which the finer grid's k̂ (smaller, within 1%) still satisfies for the points "
     "drawn: a check that the exploit steps' k̂ is exactly on α's grid would kill it."),
    (r"lipo_search$", r"max_draws=10001",
     "EQUIVALENT in effect: one more candidate of budget changes a run only when a step exhausts all 10 000 draws, "
     "which no run with the documented defaults does (the defaults check compares such a run)."),
    (r"lipschitz_(estimate|lower_bound)$", r"np\.einsum\(\"[A-Z,>-]+\"",
     "EQUIVALENT: einsum's subscripts may be upper- or lower-case letters; the same contraction."),
    (r"lipschitz_estimate$", r"math\.log\(slope\) \* math\.log\(base\)|while base \* \(i - 1\)|"
     r"while base \*\* \(i \+ 1\)|^i = 1$|^i -= 2$",
     "EQUIVALENT in effect: the first loop only lowers i, and the second then steps it up to the first grid point "
     "at or above the slope from wherever the first left it; these leave i at or below that point (checked on "
     "the exact grid points (1 + α)^k and one ulp above them in hp.lipo/estimate's edges)."),
    (r"lipschitz_estimate$", r"np\.triu_indices\(len\(values\), \)",
     "EQUIVALENT: k = 0 adds the pairs (i, i), whose distance 0 is excluded by `apart` before any slope."),
    # --- impl/search/maxlipo_model.py: helpers ---------------------------------------------------------------
    (r"(maxlipo_lower_bound|quadratic_least_squares)$", r"np\.asarray\([a-z]+, (dtype=None)?\)",
     f"EQUIVALENT: {_F64_CALLERS}."),
    (r"lipschitz_fit$", r"\.astype\(None\)",
     f"EQUIVALENT: float_array has accepted float32 or float64 only, and {_F64_CALLERS}."),
    (r"parzen_(log_pdf|sample)$", r"\.astype\((None, )?(np\.float64, )?(copy=(None|True|False))?\)",
     f"EQUIVALENT: the copy is never written (copy True/False/None agree), and {_F64_CALLERS} (TPE's "
     "observations are float64 unit coordinates)."),
    (r"maxlipo_lower_bound$", r"if \(r2\.shape\[1\]\) or True|else \+np\.inf",
     "EQUIVALENT: r2 always has a column per evaluated point, and the bound is never asked before the first "
     "point is told (MaxLipo asks the box's centre first), so the empty branch is dead."),
    (r"lipschitz_fit$", r"np\.triu_indices\(n, \)|dtype=None\)\.reshape|np\.asarray\(pairs, \)",
     "EQUIVALENT: pairs (i, i) have Δ = 0 and a zero row, a constraint 0 ≥ 0 that the NNLS leaves inactive; "
     "pairs come as int index arrays from MaxLipo itself."),
    (r"lipschitz_fit$", r"np\.zeros\(\(0, 2\), (dtype=None)?\)|np\.zeros\(\(1, 2\)|np\.zeros\(\(0, 3\)",
     "EQUIVALENT in use: with fewer than two points the pairs are never read (MaxLipo refits all pairs until its "
     "fifth point, so the returned empty pair list is replaced)."),
    (r"lipschitz_fit$", r"if n < 2 and len\(i\) == 0",
     "EQUIVALENT: n < 2 leaves no pair, so len(i) == 0 whenever n < 2."),
    (r"lipschitz_fit$", r"if not noise > 0",
     "KILL: noise = 0 is allowed (a noise-free fit); no check calls lipschitz_fit with noise 0."),
    (r"lipschitz_fit$", r"f\[i\] >= f\[j\]",
     "EQUIVALENT in effect: the offset's owner changes only for two equal values, where Δ = 0 and the constraint "
     "is inactive."),
    (r"lipschitz_fit$", r"target\[-1\] = 2\.0|\[u >= 0\]",
     "KILL: a scaled target scales u and leaves w = −r/r_N unchanged except by rounding; u ≥ 0 keeps pairs whose "
     "multiplier is 0 (inactive), which only matter to the next refit's pair list. No check compares the active "
     "pairs with dlib's."),
    (r"_std$", r".*",
     "EQUIVALENT in use: _std is only asked for columns of at least two points (MaxLipo fits from its second "
     "point; one row gives ddof=1's NaN, which np.where maps to 1 as the guard does), and a constant column's "
     "scale (1 or 2) multiplies differences that are all zero."),
    (r"nnls$", r"tol = |max_iter or|w > tol|w >= tol|u >= tol|rcond=None|lstsq\(a\[:, passive\], b, \)",
     "EQUIVALENT in effect: Lawson–Hanson's tolerance and iteration cap decide only near-degenerate steps "
     "(a multiplier within 10ε‖A‖ of zero); the fits it serves (hp.lipo/maxlipo_fit, judged by SciPy's nnls and "
     "dlib's lockstep) converge well inside them."),
    (r"nnls$", r"b \+ a @ u",
     "EQUIVALENT: u is still zero there, so b + Au = b − Au = b."),
    (r"nnls$", r"passive = u > tol|u\[~passive\] = (None|1\.0)",
     "EQUIVALENT: outside the passive set u is always 0 (a variable leaves the set only where its u reached 0 on "
     "the step back), and every inner loop ends with u = z, so what is written there never reaches the result; "
     "hp.lipo/maxlipo_fit's NNLS problems, which run the inner loop (judged by scipy.optimize.nnls), give the same "
     "bits."),
    (r"nnls$", r"\(z\[passive\] >= 0\)",
     "EQUIVALENT in effect: z ≥ 0 instead of z > 0 differs only where a passive variable's least-squares value is "
     "exactly 0: the mutant keeps it passive at 0, the original's step back (α = 0) moves nothing and drops it, "
     "so u is the same either way and the next passes see the same residual. hp.lipo/maxlipo_fit's inner-loop "
     "problems (one lands a variable exactly on 0) agree bit for bit."),
    # --- impl/search/maxlipo.py: what scripts/mutation_rules_maxlipo.py leaves -----------------------------------
    (r"search_space$", r"flat = None|np\.where\(None, lo|lo - 1\.0|lo \+ 2\.0|isinstance\(d, C",
     "EQUIVALENT: the width given to a one-valued Choice's pinned dimension (any upper end above 0: 1 or 2) is "
     "the engine's business only; its point is held at 0, its column constant and its slope 0 (hp.lipo/maxlipo "
     "searches such a space and checks the box and every point told to the engine)."),
    (r"search_space$", r"objective must return a real number",
     "KILL: no check gives search_space an objective that returns a non-number, with the whole message matched."),
    (r"search_space$", r"state\.tell\(z, value, None\)",
     "KILL: without the role, trust-region steps neither resize the radius nor keep it on a far move; "
     "search_space's runs are judged by properties (roles, bounds, Branin within 24 evaluations), not trial by "
     "trial against dlib, as MaxLipo's own lockstep is. A recorded trial sequence would kill it."),
    (r"xǁMaxLipoǁ_refit$", r"self\.fit\(x, f, \)|self\.fit\(x, f, pairs=pairs\)",
     "EQUIVALENT: fit's default noise is NOISE, the value passed."),
    (r"xǁMaxLipoǁ_refit$", r"n < 4|n <= 5|pairs = None|pairs=None|np\.full\(n - 1, n - 2\)|"
     r"self\.fit\(x, f, NOISE, \)",
     "KILL: these change which pairs enter the refit (all pairs one point sooner or later, all pairs always, or "
     "the newest point's pairs lost). The constants agree whenever the pairs dropped would stay inactive, as in "
     "hp.lipo/dlib's lockstep runs (asked points within 5e-3 of dlib's). A run where a dropped pair becomes "
     "active again, compared with dlib, would kill them."),
    (r"xǁMaxLipoǁtell$", r"self\.pending = \"\"",
     "EQUIVALENT: every trust-region tell follows the trust-region ask that sets pending, so the reset value is "
     "never read."),
    (r"xǁMaxLipoǁtell$", r"np\.asarray\(x, (dtype=None)?\)",
     f"EQUIVALENT: {_F64_CALLERS}."),
    (r"xǁMaxLipoǁtell$", r"value <= self\.best_f|>= self\.radius \* 1\.001",
     "EQUIVALENT in effect: differs only at a tie of two float values (equal objective values, or a move of "
     "exactly 1.001 radii)."),
    (r"xǁMaxLipoǁtell$", r"x \+ self\.best_x|self\.radius / 1\.001",
     "KILL: these misjudge a far move (the radius reset to 0 before the next trust-region step); the lockstep "
     "with dlib compares asked points within 5e-3, and the runs checked have no improving move between 0.999 "
     "and 1.001 radii or past the sum's norm. A lockstep problem with a far improving random step kills them."),
)
