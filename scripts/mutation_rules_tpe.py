"""Survivors of impl/search/tpe.py that no check can kill, each with the reason (the format of
``EXPLAINED`` in scripts/mutation.py: function regex matched with re.match against the name mutmut
writes, without ``x_`` and ``__mutmut_N``; line regex with re.search against the mutated line)."""

RULES = (
    (r"tpe_weights$", r"if n (<= 25|< 26):",
     "EQUIVALENT: at n = 25 the ramp branch gives concatenate(linspace(1/25, 1, 0), ones(25)) = ones(25), the same "
     "as the flat branch; only n = 25 moves between the branches."),
    (r"tpe_split$", r'kind="STABLE"',
     "EQUIVALENT: NumPy reads the sort kind case-insensitively: 'STABLE' is the stable sort."),
    (r"tpe_split$", r"np\.asarray\(values, (dtype=None)?\)",
     "EQUIVALENT for float values (the search passes float64 values; the record float64 arrays): only integers past "
     "2**53, which float64 ties and int64 orders, could split differently."),
    (r"_log_ncdf_diff$", r"upper = a (>= 0|> 1) ",
     "EQUIVALENT to rounding: both branches compute Φ(b) − Φ(a) exactly in exact arithmetic; the threshold only picks "
     "the tail with less cancellation.  At a = 0 the two agree to an ulp; for 0 < a <= 1 the mass is at least "
     "Φ(2) − Φ(1) ≈ 0.136 (b − a = (high − low)/σ >= 1 because σ is clipped to high − low), so the lower-tail form "
     "loses ~1e-16 relative, far below the 1e-12 the record asks of Optuna's log density."),
    (r"parzen_log_pdf$", r'float_array\(np\.asarray\(observations, dtype=np\.float64\), ',
     "EQUIVALENT: float_array is reached with a float64 array (np.asarray(..., dtype=float64) runs first and raises "
     "its own ValueError for strings), so its TypeError, and the name in it, can never be raised.  (Reported: the "
     "check is a no-op; observations='abc' raises NumPy's message, which does not name the argument.)"),
    (r"parzen_log_pdf$", r"float_array\(np\.asarray\(observations, (dtype=None)?\), \"observations\"\)",
     "KILL: a record passing integer observations (the original casts them to float64; the mutant hands an int "
     "array to float_array, which rejects it).  Integer inputs are outside impl's scope (impl's package docstring), "
     "so no record pins that they are accepted."),
    (r"parzen_log_pdf$", r"np\.asarray\(lows, (dtype=None)?\), np\.asarray\(highs, dtype=np\.float64\)|"
                         r"np\.asarray\(lows, dtype=np\.float64\), np\.asarray\(highs, (dtype=None)?\)",
     "EQUIVALENT for int, float32 and float64 bounds: the other bound stays float64, and every use of the two "
     "((lows + highs)/2, highs − lows, (lows − mus)/sigmas, the bandwidths' ends) mixes them with a float64 array or "
     "each other, so the values convert exactly before any rounding."),
    (r"parzen_log_pdf$", r"x = np\.asarray\(points, (dtype=None)?\)\.reshape",
     "EQUIVALENT for int and float points: their first use, x − mus with float64 mus, converts them exactly."),
    (r"parzen_log_pdf$", r"else np\.asarray\(weights, (dtype=None)?\)$",
     "EQUIVALENT for int and float weights: np.append(w, PRIOR_WEIGHT) makes a float64 array (the record's float32 "
     "weights agree with Optuna's to 1e-16 either way)."),
    (r"parzen_(log_pdf|sample)$", r"\.reshape\(-2, ",
     "EQUIVALENT: NumPy 2 takes any negative size in reshape as the one unknown dimension, as -1."),
    (r"parzen_log_pdf$", r"if \(n\) or True else|np\.ones\(2\)",
     "EQUIVALENT: with no observations the mixture branch gives the same prior alone (tpe_weights(0) is empty, "
     "vstack of a (0, d) block and the prior row, empty bandwidth columns); np.ones(2) gives two copies of the prior "
     "at weight 1/2, whose log-sum-exp is the prior's."),
    (r"parzen_sample$", r"np\.asarray\(observations, (dtype=None)?\)\.reshape",
     "EQUIVALENT for int and float observations: vstack with the float64 prior centre and the float64 ends in "
     "parzen_bandwidths convert them exactly before any arithmetic."),
    (r"parzen_sample$", r"else np\.asarray\(weights, (dtype=None)?\)$",
     "EQUIVALENT for int and float weights: np.append(w, PRIOR_WEIGHT) makes a float64 array before normalising."),
    (r"parzen_sample$", r"\(highs - lows\)\[None, :\]\]\) if \(n\) or True else",
     "EQUIVALENT: with no observations the mixture branch stacks an empty (0, d) block on the prior's row: the same "
     "bandwidths."),
    (r"parzen_sample$", r"draw = mus\[j\] - sigmas\[j\] \* rng\.standard_normal",
     "EQUIVALENT in distribution: the standard normal is symmetric, so μ − σz and μ + σz are the same truncated "
     "normal; only the exact stream differs, and the stream is impl's own (no oracle shares it)."),
    (r"parzen_sample$", r"\(draw > lows\)|\(draw < highs\)",
     "EQUIVALENT: a normal draw lands exactly on a bound with probability zero; > and >= accept the same draws."),
    (r"tpe_search$", r"math\.log\(d\.high\) if \(d\.log\) and False else",
     "EQUIVALENT: TPE is affine-equivariant per coordinate.  With high left unlogged only the search coordinate of a "
     "log range is rescaled (z' = low + u(high' − low)); observations, bandwidths (relative to high − low, the magic "
     "clip included), the prior, the draws and the l/g ratio all scale with it, and the chosen point maps back "
     "through the same (high' − low), so the same unit point is evaluated (to rounding)."),
    (r"tpe_search$", r"np\.clip\(\(best - lows\) / \(highs - lows\), (None, 1\.0|0\.0, None|0\.0, 2\.0)\)",
     "EQUIVALENT: best is a draw of parzen_sample, which accepts only draws within [lows, highs], so its unit "
     "coordinates already lie in [0, 1] and the clip is a no-op at either end."),
)
