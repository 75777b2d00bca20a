"""Explained survivors of the BOBYQA port (impl/search/bobyqa/), in the format of ``EXPLAINED`` in
scripts/mutation.py: (function regex, mutated-line regex, explanation).

Only mutants reasoned about one by one are here.  The rest of BOBYQA's survivors are explained by
measurement (scripts/bobyqa_infection.py, read by scripts/mutation.py's ``measured``): whether any run
of hp.bobyqa changes the mutated part's output at all."""

_INIT = ("EQUIVALENT: one of Powell's initial values, assigned again before it is first read on every path "
         "(the loop starts at label 60, which sets xnew, d, dsq, crvmin and dnorm; diffa–diffc are read only after "
         "the three evaluations that set them; knew, denom, alpha, cauchy, beta and wk are set at labels "
         "230–390 before 410 reads them).")

RULES: tuple[tuple[str, str, str], ...] = (
    # --- driver.py ------------------------------------------------------------------------------------------
    (r"_vector$", r"np\.asarray\(value, (dtype=None)?\)",
     "EQUIVALENT for numbers: integer bounds and starts promote to float64 wherever they enter (np.clip and "
     "adjust_start's astype(float), the Evaluator's min/max, the differences of the bounds). Only a non-numeric "
     "argument (strings) would raise a different error."),
    (r"bobyqa$", r"\(n \+ 2\) / 2",
     "EQUIVALENT: an int compared with the same number as a float."),
    (r"bobyqa$", r"np\.clip\(x0, (None, xu|xl, None)\)",
     "EQUIVALENT: adjust_start itself puts a start at or below x_l on x_l and one at or above x_u on x_u."),
    (r"bobyqa$", r"if \(len\(values\)\) or True|else 1$|else 1\b",
     "EQUIVALENT: at least one point is always evaluated (maxfun ≥ 1, and PRELIM evaluates x_b first), so the "
     "empty-record branch is dead."),
    (r"bobyqa$", r"500 / n|501 \* n",
     "KILL: the default budget 500n binds only on a run that needs more evaluations than that with the default "
     "rhoend 1e-6; hp.bobyqa/arguments's default runs end at rhoend well before it."),
    # --- prelim.py ------------------------------------------------------------------------------------------
    (r"adjust_start$", r"x0\.astype\(None\)",
     "EQUIVALENT: _vector has made x0 float64 already."),
    (r"adjust_start$", r"sl\[j\] > -rhobeg|su\[j\] < rhobeg",
     "EQUIVALENT: at a start exactly ρ_beg from a bound, moving it to ρ_beg from the bound leaves it where it is, "
     "with the same shifted bounds."),
    (r"prelim$", r"nptm = npt (- n \+ 1|\+ n - 1)",
     "EQUIVALENT in value: ZMAT gets extra columns that stay zero (every update rotates zeros into zeros), so "
     "Ω = ZZᵀ and every sum over its columns only add exact zeros."),
    (r"prelim$", r"fbeg = stepa = stepb = (None|1\.0)|ipt = jpt = (None|1)",
     "EQUIVALENT: initial values, each assigned before it is read (fbeg at the first point, stepa/stepb on their "
     "axis, ipt/jpt for each pair)."),
    (r"prelim$", r"elif nfm >= n",
     "EQUIVALENT: nfm = n is taken by the branch before (1 ≤ nfm ≤ n), and nfm = 0 fails both."),
    (r"prelim$", r"stepa / stepb < 0\.0|stepa \* stepb <= 0\.0",
     "EQUIVALENT: the steps are never zero, and a quotient has the sign of the product."),
    (r"prelim$", r"evaluate\(st\.xbase, xpt\[nf - 1\], None, su\)",
     "KILL: the exact snap onto a lower bound matters only where x_b + (x_l − x_b) rounds above x_l (the max with "
     "x_l catches the other side); no start checked has such a bound. A start on the upper bound of a box whose "
     "lower bound fails that rounding would kill it."),
    # --- bobyqb.py ------------------------------------------------------------------------------------------
    (r"bobyqb$", r"^ntrits, itest = 1, 0$",
     "EQUIVALENT: ntrits is first read after it is set to −1 or incremented, and then only compared with 0 and −1 "
     "(or > 0): a start at 1 increments to 2, which compares as 1 does."),
    (r"bobyqb$", r"^ntrits, itest = 0, (1|None)$",
     "KILL: itest counts successive steps on which the model's gradient is much larger than the least-Frobenius "
     "interpolant's; a start at 1 replaces the model one such step sooner. Only a run with two or three of those "
     "steps before any reset reaches it; no run of hp.bobyqa has them."),
    (r"bobyqb$", r"^(diffa = diffb = diffc|ratio|knew, denom, alpha, cauchy, adelt|"
     r"dnorm = dsq = crvmin|xnew = xalt = d|beta|wk) = (None|\"[^\"]*\"|[-\d.]+(, [-\d.]+)*|np\.zeros\([^)]*\))"
     r"(\s*#.*)?$",
     _INIT),
    (r"bobyqb$", r"return \"(XX|ROUNDOFF|RHOEND|[a-z])",
     "KILL: the status of a stop that no run of hp.bobyqa reaches this way (the runs check every status they "
     "reach, whole)."),
    # --- trsbox.py ------------------------------------------------------------------------------------------
    (r"trsbox$", r"xbdi\[\(xopt",
     "EQUIVALENT in effect: a variable on a bound whose gradient points out of the box is fixed by the marker; "
     "left free, its first line search meets the bound at step 0 and fixes it there with the same d. Any "
     "non-zero marker fixes it alike: xbdi is read as == 0 (free), and in finish() a fixed variable's d_i is 0, "
     "so x_opt + d is on the bound already. Only the iteration count differs, which matters where TRSBOX's "
     "iteration limit binds."),
    # --- rescue.py: the other numbers of points ------------------------------------------------------------
    (r"rescue$", r"iw = |ip = k1 - np1|iq = ip \+ iw|iq -= n|if iq >= n|if iq > n|ptsid\[k1 - 1\]|"
     r"1\.0 / \(a\[ip - 1\] \* a\[iq - 1\]\)|col = k1|zm\[(0|ip|iq|k1 - 1), col\]|for k1 in range|"
     r"bm\[0, j\] = |bm\[jp, j\] = |bm\[npt \+ j, j\]|if jpn <=? npt|aux\(iq|x\[iq - 1\]",
     "KILL: RESCUE's provisional points for m ≠ 2n + 1 (pairs of axes beyond 2n + 1, or an axis with one point "
     "below it). hp.bobyqa/npt judges runs at any m by Powell's own Fortran (recorded), and kills most of these; "
     "RESCUE is rare (a few of its runs call it), and none of them reaches this one's case in a way that moves a "
     "point. A recorded run of Powell's code that does kills it."),
    (r"evaluate_provisional$", r"xp \* xq|a\[kq - 1\] \* a\[kq - 1\]|\boff\b|st\.hq\[kq - 1, kp - 1\]|"
     r"st\.hq\[kp - 1, kq - 1\]",
     "KILL: the provisional points on two axes exist only for m > 2n + 1, where NLopt cannot judge; "
     "hp.bobyqa/npt's recorded runs of Powell's Fortran at such m call RESCUE rarely, and none reaches this one "
     "in a way that moves a point (see the rule on RESCUE's m ≠ 2n + 1 points)."),
)
