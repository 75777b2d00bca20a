"""Explained survivors of the BOBYQA port (impl/search/bobyqa/), in the format of ``EXPLAINED`` in
scripts/mutation.py: (function regex, mutated-line regex, explanation).

Only mutants reasoned about one by one are here.  The rest of BOBYQA's survivors are explained by
measurement (scripts/bobyqa_infection.py, read by scripts/mutation.py's ``measured``): whether any run
of hp.bobyqa changes the mutated part's output at all."""

_INIT = ("EQUIVALENT: one of Powell's start values, assigned again before it is first read on every path "
         "(diffa–diffc are read only after the three evaluations that set them; knew and adelt are set at labels "
         "230–390 before 410 reads them). The other start values, dead alike, are gone; these stay because the "
         "label loop reads them above the lines that set them.")

RULES: tuple[tuple[str, str, str], ...] = (
    # --- driver.py ------------------------------------------------------------------------------------------
    (r"_vector$", r"np\.asarray\(value, (dtype=None)?\)",
     "EQUIVALENT for numbers: integer bounds and starts promote to float64 wherever they enter (np.clip and "
     "adjust_start's astype(float), the Evaluator's min/max, the differences of the bounds). Only a non-numeric "
     "argument (strings) would raise a different error."),
    (r"bobyqa$", r"\(n \+ 2\) / 2",
     "EQUIVALENT: an int compared with the same number as a float."),
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
    (r"bobyqb$", r"^(diffa = diffb = diffc|knew, adelt) = (None|[-+\d.]+(, [-+\d.]+)*)$", _INIT),
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
    (r"trsbox$", r"^s = None",
     "EQUIVALENT: s's start value is read only when β ≠ 0, after the first pass (β = 0) has set s."),
    (r"trsbox$", r"^iterc = 1$",
     "EQUIVALENT: ITERC is read only in ITERMAX = ITERC + n − NACT and ITERC == ITERMAX, where a common offset "
     "cancels (and TRSBOX does not return it)."),
    (r"trsbox$", r"^iact = -2$|angbd, iact = 1\.0, -2$",
     "EQUIVALENT: IACT is only tested for ≥ 0 (then it is an index, set with it); −1 and −2 read alike."),
    (r"trsbox$", r"if s\[i\] >= 0\.0 else",
     "EQUIVALENT: the line is under `if s[i] != 0.0`, so s[i] = 0 never reaches it."),
    (r"trsbox$", r"iact < 0 and temp >= 0\.0",
     "EQUIVALENT: zero curvature along s (SHS = 0) with no bound in the way makes the step BLEN, the "
     "trust-region boundary; TRSBOX then leaves the CG phase and sets CRVMIN to 0, whatever this line set."),
    (r"trsbox$", r"xbdi\[iact\] = -1\.0 if s\[iact\] <= 0\.0",
     "EQUIVALENT: IACT is a variable with s ≠ 0 (only those can meet a bound), so s[iact] = 0 never reaches it."),
    (r"trsbox$", r"for i in range\(iu \+ 1\)",
     "EQUIVALENT: i = 0 gives tan(θ/2) = 0 and a reduction of exactly 0, which neither beats REDMAX = 0 nor is "
     "ISAV + 1 = 1: the loop's state after it is its start state."),
    (r"trsbox$", r"xbdi\[i\] = (None|-2\.0 if tempa|-1\.0 if tempa <= 0\.0 else 2\.0)",
     "EQUIVALENT: a variable fixed here already has x_opt + d on or past that bound (TEMPA or TEMPB ≤ 0), and "
     "its marker is read only as 0 (free) or ±1 in finish(), whose clamp puts it on the same bound."),
    # --- seqsum.py -------------------------------------------------------------------------------------------
    (r"(matvec|rmatvec|rowdots)$", r"np\.zeros\(\((m\.shape\[0\], 2|2, m\.shape\[1\])\)\)",
     "EQUIVALENT: a second zero column (or row) goes first: 0 + 0 = +0, so every running sum is the same from the "
     "first product on, and the last entry is the same."),
    (r"trsbox$", r"^nact (= 1|-= 1|\+= 2)$|if nact (> n - 1|>= n \+ 1):",
     "KILL (rounding only): NACT decides only ITERMAX = ITERC + n − NACT, the CG limit, which binds only where CG "
     "has not converged in n − NACT steps, and NACT ≥ n − 1 at label 100, where one free variable is left and the "
     "rotation has no plane (GREDSQ·DREDSQ − DREDG² is 0 but for rounding, then compared with 1e-4·QRED²). No "
     "state of hp.bobyqa/trsbox's 328, nor any run, reaches either by a margin that shows."),
    (r"trsbox$", r"gredsq \* delsq < 1e-4|if resid < 0\.0|temp < 1e-4 \* qred \* qred|sdec < 0\.0:|"
     r"sdec >= 0\.01 \* qred|sdec < 0\.01 \* qred|rednew >= redmax|if stplen >= 0\.0",
     "KILL (an exact tie): it differs only where two computed floats are equal (a reduction exactly 1% of the "
     "total, a step exactly 0, two samples of the rotation's reduction exactly equal). hp.bobyqa/trsbox's tie "
     "states (integers, powers of two down to underflow, factors that round) reach the ties of bounds and steps "
     "but not this one; a state that does, judged by NLopt, kills it."),
    (r"trsbox$", r"-gnew if \(beta == 0\.0\) and False",
     "EQUIVALENT for finite states: with β = 0 the mutant's 0·s − g differs from −g only in the sign of a zero "
     "component of s, which no comparison reads and which adds nothing to d (+0 + −0 = +0)."),
    (r"trsbox$", r"^restart = None$",
     "EQUIVALENT: None and False are both false to `if restart`, the flag's only reader."),
    # --- altmov.py ------------------------------------------------------------------------------------------
    (r"altmov$", r"presav, ksav, stpsav, ibdsav = 0\.0, kopt, 1\.0, 0",
     "EQUIVALENT: the start KSAV = KOPT makes the line's direction y_KOPT − x_opt = 0, so any start STPSAV gives "
     "x_opt (the start values stand only when no line beats PRESAV = 0)."),
    (r"altmov$", r"if temp >= 0\.0:|elif temp <= 0\.0:|elif temp < 1\.0:",
     "EQUIVALENT: a coordinate with y_k − x_opt = 0 in it gives 0·SLBD and 0·SUBD, which never pass the bound "
     "tests (x_opt is inside [s_l, s_u]), so it limits no step whichever branch it is sent to."),
    (r"altmov$", r"presav, ksav, stpsav, ibdsav = 0\.0, kopt, 0\.0, 1",
     "KILL (underflow only): the start values stand only when no line has PREDSQ > 0, and KNEW's own line always "
     "has |ℓ_t| ≥ SUBD²-ish > 0 unless its fourth power underflows (ADELT below 2^-270 of the points' distances); "
     "no state reaches that."),
    (r"altmov$", r"if subd >= 0\.5 and",
     "EQUIVALENT: at SUBD = 0.5 exactly the line's own value SUBD(1 − SUBD) is 0.25, so |VLAG| < 0.25 fails and the "
     "branch is not taken either way."),
    (r"altmov$", r"tempa = tempd \+ diff \* slbd|tempa \* tempb <= 0\.0|tempa / tempb < 0\.0|"
     r"abs\(temp\) >= abs\(vlag\)|-gw <= curv <|< curv <= -const",
     "KILL (an exact tie, or a line that loses): it changes a candidate only where two values are exactly equal or "
     "on KNEW's line when that line is not the best; hp.bobyqa/altmov's 41 tie states (integers, powers of two, "
     "factors that round) reach the other ties of ALTMOV but not this one."),
    (r"altmov$", r"^step = (None|1\.0)$",
     "EQUIVALENT: ADELT ≥ ρ > 0 (BOBYQA's max(min(0.1 dist, Δ), ρ)), so the first pass of the loop sets STEP; "
     "the start value would be read only for ADELT = 0."),
    (r"altmov$", r"elif glag\[i\] >= 0\.0",
     "EQUIVALENT: a component fixed on a bound had x_opt − step·∇ℓ_i past it, so its ∇ℓ_i is not 0 (a zero "
     "component is not movable, W_i = 0, and is handled by the branch before)."),
    # --- rescue.py ------------------------------------------------------------------------------------------
    (r"rescue$", r"vlag, beta, denom = np\.zeros\(npt [-+] n\), [\d.]+, [\d.]+$",
     "EQUIVALENT: start values the first pass of label 80 does not read (it reinstates x_opt, KNEW = KOPT, with no "
     "update); label 120 sets all three before the next pass reads them. They stay because that read is above "
     "the lines that set them."),
    (r"rescue$", r"dist\[knew\] = None",
     "EQUIVALENT: NaN marks a reinstated point as 0 does: DIST is read only as DIST > 0 and DIST < DSQMIN, both "
     "false for NaN and for 0, and |NaN| stays NaN."),
    (r"rescue$", r"^nrem (= 1|\+= 1)$",
     "EQUIVALENT: NREM reaches 0 exactly when every original point is back; the mutant goes on to label 120 "
     "instead, finds no point left (every DIST is 0) and calls the provisional evaluation, which has no "
     "provisional point left to evaluate: the same state."),
    (r"rescue$", r"s -= x\[j\] \* st\.xpt\[k, j\]|distsq -= x\[j\] \* x\[j\]",
     "EQUIVALENT: the sum is only squared (W = S²/2, β's DISTSQ²), and −(a + b) rounds to −fl(a + b)."),
    (r"rescue$", r"aux\(iq, 1 if ip > 0 else 3\)",
     "EQUIVALENT: aux reads 1 as PTSAUX's first row and anything else as its second."),
    (r"evaluate_provisional$", r"if (ip|iq) >= 0:|temp = xp \* st\.xpt",
     "KILL: it matters only for a provisional point on one axis (p = 0) still in place when RESCUE ends, i.e. an "
     "original point postponed whose slot holds such a point; hp.bobyqa/rescue_states' captured states (forced "
     "RESCUEs, some with two points made to coincide) postpone none there."),
    (r"rescue$", r"if denom < 0\.01 \* vlmxsq",
     "KILL (an exact tie): a denominator exactly 1% of the largest squared Lagrange value; no captured state has "
     "it."),
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
