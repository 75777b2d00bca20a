"""Explained survivors of the maxlipo cluster (impl/search/maxlipo.py, impl/search/maxlipo_model.py), in the format
of ``EXPLAINED`` in scripts/mutation.py: (function regex, mutated-line regex, explanation).  The function is
mutmut's name without ``x_`` and ``__mutmut_N`` (methods as ``xǁMaxLipoǁtell``).

These rules must come before the generic ``(r".*", _ARG, ...)`` and ``(r".*", r"\\b(like|...|float_array|real)\\(...")``
rules of ``EXPLAINED``: those would label the _box float_array mutants below as missing error inputs."""

RULES: tuple[tuple[str, str, str], ...] = (
    # --- impl/search/maxlipo.py ---------------------------------------------------------------------------------
    (r"xǁMaxLipoǁ__post_init__$", r"self\.(lower|upper) = np\.asarray\(self\.(lower|upper), (dtype=None)?\)",
     "EQUIVALENT: integer bounds promote to float64 in every expression they enter (the centre (l + u)/2, the "
     "uniform draws l + r(u − l), the box offsets l − anchor), and both callers (find_min_global's _box, "
     "search_space) already pass float64 arrays."),
    (r"xǁMaxLipoǁask$", r"self\._tr_next = None",
     "EQUIVALENT: None is falsy, as False; _tr_next is only read as a truth value."),
    (r"xǁMaxLipoǁask$", r"self\.rng\.random\(\) > RANDOM_PROBABILITY",
     "EQUIVALENT in effect: differs only when the uniform draw is exactly 0.02 (probability 2⁻⁵³ per step)."),
    (r"xǁMaxLipoǁ_trust_region$", r"if not self\.radius >= 0:",
     "EQUIVALENT: with Δ = 0 the subproblem's step is 0 (or NaN from 0/0 when rescaled), so the predicted "
     "improvement is not > 0 and the method returns None, as the guard does."),
    (r"xǁMaxLipoǁ_trust_region$", r"if length > self\.radius:|p /= self\.radius / length",
     "EQUIVALENT: the subproblem never returns a step longer than Δ except by rounding (bisection keeps the end "
     "whose step is inside; the hard case and the bound-fixing fill the sphere exactly), so the rescaling factor "
     "Δ/‖p‖ is 1 to the last bits and p·(Δ/‖p‖) = p/(Δ/‖p‖)."),
    (r"xǁMaxLipoǁ_trust_region$", r"np\.clip\(anchor \+ p, (None, self\.upper\[free\]|self\.lower\[free\], None)\)",
     "KILL: the bounded subproblem keeps l − anchor ≤ p ≤ u − anchor, so without the clip anchor + p leaves the "
     "box by at most one rounding of the sum (fl(a + fl(u − a)) > u for about 1 in 10 random pairs outside "
     "Sterbenz's range; on none of the lockstep's problems, which these mutants pass). hp.lipo/dlib's lockstep "
     "checks that every asked point is inside the box exactly: it needs a problem whose trust-region step reaches "
     "a bound such as 2.3 from an anchor below 1.15."),
    (r"xǁMaxLipoǁtell$", r"if role == \"trust-region\" or self\.pending is not None:",
     "EQUIVALENT under the ask/tell protocol: pending is set exactly when ask returns a trust-region step and "
     "cleared by every tell, so role == 'trust-region' holds exactly when pending is not None."),
    (r"_box$", r"float_array\(np\.asarray\((lower|upper), dtype=np\.float64\), (None|\"XX(lower|upper)XX\"|"
               r"\"(LOWER|UPPER)\")\)",
     "EQUIVALENT: float_array receives np.asarray(..., dtype=float64), which always passes its dtype check, so the "
     "name is never shown (a non-numeric bound fails in np.asarray first)."),
    (r"find_min_global$", r"np\.where\(lo > 0, lo, 2\.0\)|np\.log\(np\.where\(logs, (lo|hi), 2\.0\)\)",
     "EQUIVALENT: the fallback only guards a division or a log whose result np.where (or & (lo > 0)) discards."),
    (r"find_min_global$", r"if \(finite\.any\(\)\) or True else 0",
     "EQUIVALENT: with no finite value np.argmin over all-inf is 0, the else branch's index."),
    # --- impl/search/maxlipo_model.py ---------------------------------------------------------------------------
    (r"fit_quadratic$", r"(x|y) = np\.asarray\((x|y), (dtype=None)?\)",
     "EQUIVALENT: every expression promotes to float64 (np.where(…, 0.5, 1.0), np.ones, the float64 KKT matrix), "
     "and the only caller passes float64."),
    (r"fit_quadratic$", r"full = \(d \+ 1\) \* \(d \+ 2\) / 2",
     "EQUIVALENT: (d + 1)(d + 2) is even, so the float quotient equals the integer one in m >= full."),
    (r"fit_quadratic$", r"w\[:m, m\] = w\[m, :m\] = 2\.0",
     "EQUIVALENT: scaling the constant's row and column by 2 leaves λ and g unchanged and halves c, which the "
     "trust-region step never uses (fit_quadratic's c is returned but not judged: dlib discards it too)."),
    (r"fit_quadratic$", r"np\.linalg\.solve\(None, rhs\)",
     "EQUIVALENT: solve(None) raises LinAlgError, and the fallback lstsq on the same non-singular system returns the "
     "same solution (to rounding)."),
    (r"fit_quadratic$", r"np\.linalg\.lstsq\(w, rhs, \)",
     "EQUIVALENT: rcond=None is lstsq's default (NumPy >= 2)."),
    (r"_ball_step$", r"p\[0\] (=|-=) np\.sqrt\(max\(radius\*\*2 - p @ p, 0\.0\)\)",
     "EQUIVALENT: in the hard case p[0] is 0 before this line (the lowest eigenvector's component is among the "
     "'small' ones, left 0), and ±√(Δ² − ‖p‖²) along it gives the same model value (g has no component there)."),
    (r"_ball_step$", r"while norm_at\(hi\) >= radius:|hi = 2$|hi /= 2|hi \*= 3|"
                     r"hi = floor \+ np\.linalg\.norm\(g\) (\* radius \+ 1\.0|/ radius \+ 2\.0)",
     "EQUIVALENT: the bracket's upper end only has to give ‖p(λ)‖ ≤ Δ; floor + ‖g‖/Δ + 1 always does (every "
     "eigenvalue + λ exceeds ‖g‖/Δ), so the doubling loop never runs, and another valid upper end bisects to the "
     "same root."),
    (r"_ball_step$", r"^if lo > 1:$",
     "EQUIVALENT in effect: for 0 < λ_min ≤ 1 the interior Newton step is skipped here but returned by the branch "
     "below (norm_at(δ) ≤ Δ and lo > 0: v(−g̃/λ)), the same expression; only a Newton step within ~1e-10 of the "
     "sphere would go to the bisection, which then returns it to rounding."),
    (r"_ball_step$", r"delta = 1e-10 \* \((1\.0 - floor|2\.0 \+ floor)\)|norm_at\(floor - delta\)|"
                     r"lo_l = floor - delta",
     "EQUIVALENT in effect: δ only offsets λ from the pole at −λ_min by ~1e-10 (its sign does not change |g̃ᵢ/(λᵢ + λ)|"
     " at the pole, and the bisection's root is the same); a case would need ‖p(λ)‖ within ~1e-10 of Δ at the pole."),
    (r"_ball_step$", r"for _ in range\(201\)",
     "EQUIVALENT: the bisection stops when the midpoint equals an end (adjacent floats), long before 200 halvings."),
    (r"_ball_step$", r"if norm_at\(mid\) >= radius:|if np\.linalg\.norm\(p\) < radius:|"
                     r"if norm_at\(floor \+ delta\) < radius:",
     "EQUIVALENT in effect: differs only when a norm equals Δ to the last bit, where both branches return the "
     "same step up to rounding."),
    (r"_ball_step$", r"small = evals - lo (< 1e-12 \*|<= 1e-12 / max\()|max\(2\.0, np\.abs\(evals\)\.max\(\)\)",
     "EQUIVALENT in effect: the lowest eigenvalue is always 'small' (its gap is 0, below any positive threshold), "
     "and only an eigenvalue gap between 1e-12/max and 2e-12·max(1, |λ|max) would be counted differently."),
    (r"trust_region_subproblem$", r"(b|g|lower|upper) = np\.asarray\((b|g|lower|upper), (dtype=None)?\)|"
                                  r"np\.asarray\((lower|upper), (dtype=None)?\)",
     "EQUIVALENT: integer inputs promote to float64 in eigh, in g + b[:, j]·value and in the comparisons with p; "
     "the only caller passes float64."),
    (r"trust_region_subproblem$", r"if not \(viol >= 0\)\.any\(\):",
     "EQUIVALENT in effect: a variable exactly on its bound is fixed there and the rest solved again in the ball of "
     "radius √(Δ² − p_j²), which returns the same step (the KKT conditions already hold)."),
    (r"trust_region_subproblem$", r"if below\[j\] > above\[j\]",
     "EQUIVALENT: for l ≤ u at most one of l − p, p − u is positive, so a violated variable never ties."),
    (r"trust_region_subproblem$", r"radius2 < 0:",
     "EQUIVALENT in effect: radius2 = 0 exactly needs a fixed bound at distance Δ exactly; the ball of radius 0 "
     "then gives p = 0 for the rest as the early return does."),
)
