#!/usr/bin/env python3
"""Mutation testing of impl/ with mutmut: how sharp is the suite?  Writes reports/mutation.json.

    .venv/bin/python scripts/mutation.py                      # every chapter, one after the other
    .venv/bin/python scripts/mutation.py --chapter optim      # one chapter (repeatable); the others kept
    .venv/bin/python scripts/mutation.py --chapter optim --survivors   # its survivors again, after new checks
    .venv/bin/python scripts/mutation.py --target impl/losses/regression.py -k "loss."   # an ad-hoc run

A chapter's run replaces that chapter's entry in ``reports/mutation.json`` and keeps the
others, so the chapters can be run one at a time (all of impl is long on two cores); the
top-level score is over every chapter run so far, and the report shows each chapter's.

``--target`` is repeatable (or comma-separated): a file, or a folder (all its modules).

mutmut changes one thing at a time in the target (an operator, a constant, a comparison)
and runs the chosen tests against each such mutant; a mutant that every test passes has
*survived*: the suite cannot tell it from the original.  mutmut needs its configuration
in the working directory, so the run happens in a copy (``build/mutation/``), with the
configuration written there as ``setup.cfg`` from :data:`CONFIG`; the tree itself is not
touched.

The tests run with the ``ci`` hypothesis profile without its shrink and explain
phases (the ``mutation`` profile registered by the small plugin written next to the
copy): a killed mutant needs a failing example, not the smallest one.  torch runs on
one thread there: mutmut forks a process per mutant, and an OpenMP pool inherited
across a fork deadlocks, which mutmut would count as a timeout.

Each survivor goes into the JSON with its diff and, where it has been analysed, the
explanation from :data:`EXPLAINED` (matched on function and mutated line, so that it
follows the mutant when mutmut renumbers): either why the mutant is equivalent to the
original, or the check that would kill it.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("impl", "formulary", "reference", "tests", "pyproject.toml")

# mutmut's [mutmut] section; {target} and {k} are filled in from the command line
# timeout_multiplier = 3: mutmut stops a mutant after (est + 1) x 3 seconds of wall time (est: its tests' time on the
# original; twice that in CPU time) and counts it a timeout.  Its default, 15, spends about eight minutes on each of
# BOBYQA's infinite-loop mutants (a label no branch takes), of which there are about sixty.  A busy machine can push
# a survivor past any such limit, so scripts/recheck_timeouts.py re-runs the timeouts without it, and a timeout whose
# tests pass there is reported as a survivor (scripts/mutation.py reads docs/mutation/timeouts_rechecked.json).
CONFIG = """\
[mutmut]
source_paths = impl
only_mutate =
    {target}
also_copy =
    formulary
    reference
    mutation_profile.py
pytest_add_cli_args =
    -q
    -p
    no:cacheprovider
    -p
    mutation_profile
    --hypothesis-profile
    mutation
    -k
    {k}
pytest_add_cli_args_test_selection =
    {tests}
process_isolation = fork
timeout_multiplier = 3
"""

PROFILE_PLUGIN = '''\
"""The ``mutation`` hypothesis profile: ci without shrinking (written by scripts/mutation.py).

torch runs on one thread: mutmut forks a process per mutant, and an OpenMP thread pool
started before a fork deadlocks in the child (every such mutant would read as a timeout).
"""
import torch
from hypothesis import Phase, settings

import formulary.profiles  # registers ci

torch.set_num_threads(1)

settings.register_profile("mutation", parent=settings.get_profile("ci"),
                          phases=(Phase.explicit, Phase.reuse, Phase.generate))
'''

# Why a surviving mutant survives: (function regex, mutated-line regex, explanation), the
# first rule that matches wins.  "KILL:" names the check that would kill the mutant;
# "EQUIVALENT:" says why no check can.  Written for impl/activations.py and impl/losses/.
_ARG = r"(float_array|same_shape|real|axis)\(.*, (None|\"XX\w+XX\"|\"[A-Z_]+\")\)"
EXPLAINED: tuple[tuple[str, str, str], ...] = (
    # first: the losses' generic _backward errstate rule below does not hold for conv2d's GEMMs
    (r"conv2d_backward$", r"np\.errstate\(",
     "KILL: the backward's overflow (Σ g·x past the largest float) needs inputs near the overflow threshold, and "
     "its inf − inf an order of summation torch shares; no edge has them yet (the forward's has: _overflowing)."),
    (r".*_backward$", _ARG,
     "KILL: a *_backward's own validation is never exercised with a bad input: the records' error inputs reach it "
     "only with a mis-shaped grad_output.  Add, in formulary/catalog/activations.py, an ErrorInput per option and for "
     "`input` targeting \"backward\" (e.g. ErrorInput(Sample((np.zeros(2), np.array([1, 2]))), TypeError, "
     "r\"\\binput\\b\", \"backward\")), with the argument's name anchored by \\b."),
    (r".*", _ARG,
     "KILL: the error-input regexes find the argument's name inside any word (r\"input.*float32 or float64\" "
     "matches 'XXinputXX must be ...').  Anchor the names in formulary/catalog/activations.py: "
     "r\"\\binput\\b.*float32 or float64\", r\"\\bnegative_slope\\b\", r\"\\balpha\\b\", "
     "r\"\\bbeta\\b\", r\"\\bthreshold\\b\", r\"\\bdim\\b\"."),
    (r"(leaky_relu|prelu|_?c?elu|prelu_backward|rrelu)$", r"np\.where\((x|z) >= 0,",
     "EQUIVALENT: at 0 both branches give 0 (x = αx = α(e⁰ − 1) = 0; g·x = 0); only the sign of a zero "
     "could differ, and the comparison (like torch.testing.assert_close) does not look at it."),
    (r"_?(c|s)?elu(_backward)?$", r"np\.minimum\(z, 1\.0\)",
     "EQUIVALENT: the clamp only keeps expm1/exp finite on the branch np.where discards; 1.0 bounds it as well as "
     "0.0."),
    (r"prelu_backward$", r"reduce = tuple",
     "EQUIVALENT: a dead branch. A per-channel weight (size > 1) needs x.ndim > 1 (_prelu_weight rejects it "
     "otherwise), so `1 if x.ndim > 1 else 0` is always 1 here; impl could write `if i != 1`."),
    (r"prelu_backward$", r"reshape\(None\)",
     "EQUIVALENT: the per-channel sum already has the weight's shape (C,), and reshape(None) keeps a shape."),
    (r"_?silu$", r"deep = \(z <= _SILU_DEEP\)|< _SILU_DEEP:|<= _SILU_DEEP:",
     "EQUIVALENT: at z = −708.3 exactly both formulas are accurate; only the boundary point moves."),
    (r"_gelu_exact$", r"1e\+?300|<= 1e300|, 1\.0\)|-z / _RSQRT2_HI|10001\.0|np\.where\(None",
     "EQUIVALENT: beyond |x| = 1e300 (and beyond v² = 1e4) erfc(v) is 0 or 2 and the first-order correction is "
     "0 whatever δ is; these mutants change only δ or v there."),
    (r"_two_prod$", r"_SPLIT / b",
     "EQUIVALENT in effect: a wrong split of the constant 1/√2 leaves e exact to ~2⁻⁵³ relative, and δ only needs "
     "first-order accuracy (its effect on the result is 2v·δ, far below an ULP)."),
    (r"(_gelu_tanh_arg|_?gelu(_tanh|_exact)?_backward)$", r"np\.clip\(z, (None|-1e\+?100), (None|1e\+?100)\)",
     "EQUIVALENT: the clip only keeps x³ finite where tanh has long saturated; a one-sided clip or another spelling "
     "of 1e100 gives the same saturated value (the overflow, if any, is discarded)."),
    (r"_?gelu(_exact)?_backward$", r"10000000001\.0",
     "EQUIVALENT: e^{−x²/2} is 0 long before x² = 1e10."),
    (r"_?softplus$", r"if b >= 0 else",
     "EQUIVALENT: beta = 0 is rejected just above, so b > 0 and b >= 0 agree."),
    (r"_logistic$", r"np\.where\(z > 0,",
     "EQUIVALENT: at z = 0 both branches give exactly ½."),
    (r"_?wide$", r"astype\(",
     "EQUIVALENT: astype(None) is float64, and no caller writes into the copy, so copy=True/False/None agree."),
    (r"_prelu_weight$", r"reshape\(None\)",
     "EQUIVALENT: a one-element weight of shape (1,) broadcasts exactly as the 0-d one."),
    # impl/losses/
    (r"binary_cross_entropy_with_logits_backward$", r"up = z > 0$",
     "EQUIVALENT: at z = 0, e = e⁰ = 1 and near = far = 1/(1 + 1) = ½ exactly: both sides of each np.where agree."),
    (r"_backward$", r"\* dloss_dm / y,",
     "EQUIVALENT: y is −1 or +1 (labels_pm1 rejects anything else), and g·d/y = g·d·y exactly for y = ±1."),
    (r"_hard_targets$", r"\(eps / classes\) \* w, 1\.0\)",
     "EQUIVALENT: the 1.0 goes only into ignored rows (valid False), whose gradient cross_entropy_backward then "
     "replaces by 0 (np.where(valid[:, None], rows, 0.0)); q feeds nothing else."),
    (r"_indices$", r"not in \"XXiuXX\"",
     "EQUIVALENT: the test is on one-letter dtype kinds: 'i' and 'u' are still in \"XXiuXX\", and no dtype has kind "
     "'X'."),
    (r"(_indices|_per_row|_rows)$", r"reshape\(-2|reshape\(1, -2\)",
     "EQUIVALENT: NumPy (2.x) reads any negative size in reshape as the one inferred dimension, as it reads −1."),
    (r"(_nll_rows|_picked_log_softmax)$", r"take_along_axis\(\w+, (idx|arg)[^)]*\], \)|take_along_axis\(z, arg, \)",
     "EQUIVALENT: take_along_axis's axis defaults to −1 (NumPy ≥ 2.3), which is axis 1 of the 2-D (M, C) logp."),
    (r"_huber$", r"np\.where\(a <= dl,",
     "EQUIVALENT: at |d| = δ both branches give 0.5δ²: 0.5·(δ·δ) and δ·(δ − 0.5δ) = δ·(0.5δ), the halvings exact "
     "(at most the last subnormal bit differs, when δ² underflows)."),
    (r"_smooth_l1$", r"np\.where\(a <= b,",
     "EQUIVALENT within rounding: at |d| = β both branches give 0.5β ((0.5/β)·β² to ≤ 2 ULP, exactly for β a power "
     "of 2), far inside every tolerance; only the boundary point moves."),
    (r"_(huber|mape|msle|smooth_l1)$", r"x\.dtype, (None|\"XXelementsXX\"|\"ELEMENTS\")\)",
     "EQUIVALENT: _weighted only asks whether weighted_mean == \"weights\"; any other value means the element "
     "count, as \"elements\" does (mape, msle and smooth_l1 pass no weight at all)."),
    (r"_log_ratio$", r"low = ~\(r (> -0\.5|>= \+0\.5)\)",
     "EQUIVALENT: the threshold only chooses between two formulas for the same d. At r = −½ both are accurate, and "
     "for r in [−½, ½) the swapped quotient (y − x)/(1 + x) = −r/(1 + r) lies in (−⅓, 1], where −log1p of it is as "
     "accurate as log1p(r) (each quotient rounds its two terms once); the 7-ULP accuracy classes pass either way."),
    (r"_log_ratio$", r"np\.errstate\(.*divide=\"ignore\"\)",
     "EQUIVALENT: redundant for over and invalid: the only caller, _msle, calls _log_ratio inside "
     "np.errstate(over=\"ignore\", invalid=\"ignore\")."),
    (r"_msle$", r"np\.errstate\((over=None, )?invalid=\"ignore\"\)",
     "EQUIVALENT: nothing in the block overflows outside an errstate of its own: _log_ratio and _weighted carry "
     "theirs, and in float64 |d| < log(max) + log(2⁵³) < 800 (x > −1 makes 1 + x ≥ 2⁻⁵³), so d² < 1e6 and "
     "2d/(1 + x) < 2e19."),
    (r"_weighted$", r"np\.errstate\(",
     "EQUIVALENT: redundant: every caller (_mse, _l1, _smooth_l1, _huber, _msle, _mape) calls _weighted inside its "
     "own np.errstate(over=\"ignore\", invalid=\"ignore\"), which covers this block."),
    (r"exponential_loss_backward$", r"np\.errstate\(over=\"ignore\", (invalid=None)?\)",
     "EQUIVALENT: redundant for invalid: np.exp raises no invalid (exp(NaN) is a quiet NaN), and the products are "
     "formed inside _backward's own np.errstate(invalid=\"ignore\")."),
    (r"hinge_loss(_backward)?$", r"np\.errstate\(invalid=None\)",
     "EQUIVALENT: 1 − m never raises invalid: m = y·f with y = ±1 is at worst ±inf or NaN, 1 − (±inf) = ∓inf and "
     "1 − NaN is a quiet NaN; relu's output is ≥ 0 or NaN, so its sum cannot meet inf − inf."),
    (r"_backward$", r"np\.errstate\(",
     "EQUIVALENT in value (only NumPy's warning differs): for a finite grad_output nothing here overflows or is "
     "invalid (∂ℓ/∂m is in [−1, 0] for the logistic and hinge losses, and exponential_loss_backward calls _backward "
     "inside its own errstate); an infinite grad_output times a zero derivative gives inf·0 = NaN with or without "
     "the errstate, a value no check passes and torch gives as NaN too."),
    (r"(narrow|reduce|_nll_rows|cross_entropy|_huber|_l1|_mse|_smooth_l1|_log_ratio)$", r"np\.errstate\(",
     "KILL: this errstate is reachable, and an edge sample of formulary/catalog/losses/ raises its condition "
     "(inf − inf, max − (−max), an overflowing float32 narrowing, a NaN sum, −1/0, 0·(−inf), log1p(−1)): "
     "a survivor here means that edge was lost."),
    (r".*", r"np\.errstate\(",
     "EQUIVALENT: nothing in that block raises the floating-point condition whose handling was removed "
     "(the errstate is redundant there)."),
    (r".*", r"np\.where\(.*, None, ",
     "EQUIVALENT: np.where(..., None, out) gives an object array whose None becomes NaN in .astype(float)."),
    # --- chapter activations: the family (impl/activations/{clamps,shrink,smooth_extra,rrelu,gated,softmin}.py) ---
    (r"_(bernoulli|tanhshrink_series)$", r".",
     "NOT RUN: these compute tanhshrink's series coefficients once, at import (_TANHSHRINK_C), before mutmut switches "
     "a mutant on (its trampoline acts at call time), so no test can run the mutant. The coefficients themselves are "
     "judged by act.tanhshrink's accuracy classes near 0 and around |x| = 1, against mpmath."),
    (r"hardshrink(_backward)?$", r"_lambd\(x, lambd, None\)",
     "EQUIVALENT: the flag only asks whether λ must be ≥ 0; None is falsy, as False."),
    (r"softshrink$", r"x >= lam|x <= -lam",
     "EQUIVALENT: at x = ±λ both branches give 0 (x − λ = 0, x + λ = 0, exactly, and with the same sign of zero)."),
    (r"_mish_parts$", r"np\.minimum\(z, 1\.0\)",
     "EQUIVALENT: u = e^{min(z, 0)} feeds only the z ≤ 0 branch, where min(z, 1) = z too; the clamp only keeps the "
     "discarded branch finite, and 1 does that as well as 0."),
    (r"_mish_parts$", r"pos = z >= 0",
     "EQUIVALENT: at z = 0 both branches give t = 3/5 and 1 − t = 2/5 exactly."),
    (r"mish_backward$", r"np\.where\(None, np\.nan, d\)",
     "EQUIVALENT: redundant: at z = ±inf the formula is already NaN (z·(1 − t)(1 + t)σ(z) meets inf·0 on both sides), "
     "so the np.where that writes NaN there changes nothing."),
    (r"celu_backward$", r"np\.minimum\(z, 1\.0\)|z < 0, g \* d|z <= 1, g \* d",
     "EQUIVALENT: d = e^{min(z, 0)/α} is exactly 1 for z ≥ 0, so g·d = g there: the branch point can move within "
     "[0, ∞) (and the clamp to 1) unseen."),
    (r"celu_backward$", r"np\.errstate\(over=None\)",
     "EQUIVALENT in value: min(z, 0)/α overflows only to −inf (z = −1e308, α < 1), where e^{−inf} = 0 as intended; "
     "only NumPy's warning is no longer silenced."),
    (r"(log_)?softmax(_backward)?$", r"copy=(None|True)|astype\(float_dtype\(dtype\), \)|^\)$",
     "EQUIVALENT: copy= only lets astype return its input when the dtype already matches; nothing writes into "
     "either result, so copying or not gives the same values."),
    (r"glu$", r"astype\(None\)",
     "EQUIVALENT within the bound: without longdouble the result rounds three times (≤ 1.5 ULP, inside act.glu's "
     "4-ULP bound); a 1-ULP bound would kill it on x86-64 but fail impl where longdouble is float64 (macOS, "
     "Windows); astype(None) before astype(x.dtype) is float64, as written."),
    (r"glu$", r"np\.errstate\(over=\"ignore\", (invalid=None)?\)",
     "EQUIVALENT in value: the invalid case is inf/inf (a = ±inf with b = −inf), NaN with or without the errstate; "
     "only NumPy's warning is no longer silenced."),
    (r"_?softsign_backward$", r"np\.errstate\(over=None\)",
     "EQUIVALENT: redundant: nothing in the block overflows (d = 1 + |x| ≥ 1, so |g/d/d| ≤ |g|)."),
    (r"prelu_backward$", r"np\.where\(x >= 0, x\.dtype\.type\(0\), g \* x\)",
     "EQUIVALENT: at x = 0 the weight's share g·x is 0 on either branch."),
    (r"rrelu$", r"np\.where\(x < 0, x \* a, x\)",
     "EQUIVALENT: at x = 0, a·x = 0 = x (and −0·a = −0)."),
    (r"_exp_neg_abs$", r"np\.exp\(e, (out=None)?\)",
     "EQUIVALENT: e is a temporary; exp into it or into a new array gives the same values."),
    (r"_indicator$", r"out=np\.empty\(np\.shape\(z\)\), \)",
     "EQUIVALENT: a comparison's bool result cast to float64 is a safe cast, which the default casting allows."),
    (r"blockwise$", r"n < BLOCK|reshape\(-2\)|astype\(None\)",
     "EQUIVALENT: at exactly BLOCK elements the one block gives the unblocked result; NumPy reads reshape(−2) as "
     "reshape(−1); astype(None) is astype(float64)."),
    (r"_logistic(_pair)?$", r"out=None|np\.add\(e, 1\.0, \)",
     "EQUIVALENT: out=np.empty_like(e) and NumPy's own output are both a new array of e's shape and dtype."),
    (r"_noise$", r"copy=(None|True)|astype\(x\.dtype, \)",
     "EQUIVALENT: nothing writes into the slopes, so a copy or not gives the same values."),
    (r"_noise$", r"astype\(None",
     "KILL: only float64 noise for a float32 input tells: unrounded slopes give a different product. The records "
     "pass noise in the input's dtype, as torch requires; an edge with float64 noise would kill it."),
    (r"_tanhshrink$", r"acc \* y - c",
     "EQUIVALENT: subtracting every coefficient but the last negates the sum (−c₀ − c₁y − …), apart from c₄₃y⁴³ "
     "(< 2⁻⁶⁰ of it), and np.copysign(out, z) then restores the sign: the same value."),
    (r"_tanhshrink$", r"small = a <= 1\.0|full_like\(None|_TANHSHRINK_C\[-2\]\)|_TANHSHRINK_C\[-3::-1\]",
     "EQUIVALENT within rounding: the series' last terms are below 2⁻⁶⁰ of the sum for |x| ≤ 1 (44 terms were "
     "chosen for that margin), so dropping or shifting one, or using the series at |x| = 1 itself, moves no ULP; "
     "np.full_like(None, c) is a 0-d c that broadcasts as the full array would."),
    (r"tanhshrink$", r"np\.where\(None, z|np\.errstate\(invalid=None\)",
     "EQUIVALENT: redundant: at ±inf the |x| ≥ 1 formula already gives (inf − 1) + 2/(e^inf + 1) = inf, signed by "
     "copysign, and nothing in the block is invalid."),
    (r"_gelu_(exact|tanh)_backward$", r"np\.where\(None, np\.nan",
     "EQUIVALENT: redundant: at ±inf the formula is already NaN (Φ(z) + z·pdf meets ±inf·0)."),
    (r"_silu$", r"np\.ndim\(None\)",
     "EQUIVALENT: np.ndim(None) is 0, so the early return for inputs with nothing in the deep tail is skipped and "
     "the general path, which gives the same values, runs."),
    (r"_silu$", r"out\[z == -np\.inf\] = None",
     "EQUIVALENT: None assigned into a float array is NaN, as np.nan."),
    (r"(mish|glu)$", r"\.astype\(None\)\.astype\(x\.dtype\)",
     "EQUIVALENT: astype(None) is astype(float64), as written."),
    (r"mish$", r"pos = z >= 0",
     "EQUIVALENT: at z = 0 both branches give t = 3/5, and z·t = 0 anyway."),
    (r"_?gelu_exact$|_gelu_tanh_arg$", r"1e\+300|1e\+100",
     "EQUIVALENT: 1e+300 is the same literal as 1e300 (mutmut rewrote its spelling only)."),
    # --- impl/losses/multiclass.py (issue 20's blocked cross-entropy) --------------------------------------------
    (r"_hard_gradient$", r"\(q - 0\.0\)",
     "EQUIVALENT: q + 0.0 only turns a −0 into +0; q − 0.0 keeps it, and a zero's sign is not compared."),
    (r"(_hard_targets|cross_entropy)$", r"if eps >= 0:",
     "EQUIVALENT in value: with ε = 0 the smoothing branch adds (0/C)·w = 0; only the work differs."),
    (r"_picked_log_softmax$", r"max\(2, _BLOCK // c\)|range\(0, m, \)",
     "EQUIVALENT in value: the step only sets how many rows a block holds (1 row a block, or 2 when a row is wider "
     "than the block); every row is reduced on its own, so any step gives the same results."),
    # --- impl/recurrent/_steps.py ----------------------------------------------------------------------------------
    (r"_(lstm|gru)_step(_backward)?$", r"shape\[\+1\]|axis=\+1|^\+1\)$",
     "EQUIVALENT: a step works on 2-D (batch, features) arrays (an unbatched sequence is a batch of one there), so "
     "axis 1 is axis −1."),
    # --- chapter basics (impl/basics.py) -------------------------------------------------------------------------
    (r"_backward$", r"_activation\((output_)?activation, (None|\"XX\w+XX\"|\"[A-Z_]+\")\)",
     "EQUIVALENT: re-validation that cannot fail. Both callers of _backward (mlp_backward, mlp_train) run _forward "
     "first with the same two names, and _forward's _activation raises on a bad one, naming the argument, before "
     "_backward is reached; here the names only look up functions already accepted."),
    (r"_backward$", r"if \(input_grad\) or True else None",
     "EQUIVALENT in value: the input's gradient is then computed where it was skipped, and its only such caller, "
     "mlp_train, discards it (`_, gw, gb = _backward(...)`); one matmul of extra work, inside mlp_train's errstate."),
    (r"mlp_train$", r"_backward\(.*(input_grad=(None|True)|output_activation, )\)",
     "EQUIVALENT in value: with input_grad True (or the default, True) the input's gradient is computed and "
     "discarded (`_, gw, gb`); None is falsy, as False. Only the work differs."),
    (r"perceptron_train$", r"while start <= len\(x\)",
     "EQUIVALENT: at start == len(x) the slice x[start:] is empty, no mistake is found, and the loop breaks as the "
     "original's condition would have stopped it."),
    (r"perceptron_train$", r"eta / \(2 \* y\[i\] - 1\)",
     "EQUIVALENT: y is 0 or 1 (checked), so 2y − 1 is ±1 and η/(±1) = η·(±1) exactly."),
    (r"step$", r"\(s > 0\)\.astype\(None\)\)\.astype\(s\.dtype\)",
     "EQUIVALENT: the 0/1 of the comparison go through float64 instead of s.dtype and are cast to s.dtype at the "
     "end: 0 and 1 are exact in every float type."),
    # --- end of chapter basics -----------------------------------------------------------------------------------
    # --- chapter conv (impl/conv/) -------------------------------------------------------------------------------
    (r"conv2d_nhwc$", r"_geometry\(.*, (None|2)\)$",
     "EQUIVALENT: conv2d_nhwc has no groups and never reads the geometry's group count."),
    (r"_prepare$", r"x = _array\(input, (None|\"XXinputXX\"|\"INPUT\"), 4\)",
     "EQUIVALENT: conv2d's input was validated by _unbatched (float_array, then with_batch to 4-D) before _prepare, "
     "so this check cannot fail and its name is never shown."),
    (r"(conv2d|conv2d_backward)$", r"_columns\(x\[part\], geo, (None)?\)|out=None\)|term, \)$|gg\[part\], \)$",
     "EQUIVALENT: without the reused buffer (out=) a fresh array is made: the same numbers, more memory."),
    (r"_columns$", r"np\.empty\((None|shape), |\(out is None\) or True|out is not None",
     "EQUIVALENT: both callers pass _chunks' buffer, so the np.empty branch never runs (or, swapped in, makes a "
     "fresh array of the same shape and dtype)."),
    (r"windows$", r"\((ho \+ 1\) \* sh \+ 1|ho - 1\) \* sh \+ 2|wo \+ 1\) \* sw \+ 1|wo - 1\) \* sw \+ 2)",
     "EQUIVALENT: H_out is already the most windows that fit in the padded input, so a later slice end takes the "
     "same windows."),
    (r"_chunks$", r"max\(2, _CHUNK_BYTES|max\(per_image, 2\)",
     "EQUIVALENT for every input under 8 MB of columns per image (all the catalog's): the step is only ever raised "
     "to 2 for larger images, and max(per_image, 2) differs from max(per_image, 1) only for empty images, where any "
     "step gives the same empty result."),
    (r"_columns$", r"np\.empty\(dtype=",
     "EQUIVALENT: both callers pass _chunks' buffer, so the np.empty branch never runs."),
    (r"conv2d$", r"out \+= b\.reshape\(-1, 1, 1\)",
     "EQUIVALENT: a (C, 1, 1) bias broadcasts against (N, C, H, W) exactly as (1, C, 1, 1) does."),
    (r"conv2d_backward$", r"swapaxes\(-1, \+2\)",
     "EQUIVALENT: the columns are 4-D (N, g, K, L), where axis 2 is axis −2."),
    (r"conv_padding$", r"pair\((kernel_size|stride|dilation), \"\w+\", None\)",
     "EQUIVALENT: same_padding validates each axis's kernel_size, stride and dilation again, with the same names and "
     "minimums, so a value the dropped minimum lets through is refused there with the same message."),
    (r"init_params$", r"image_size=9",
     "EQUIVALENT: the network pools by 2 with floor, so image sizes 8 and 9 build the same layers (4 × 4 × 4 "
     "features)."),
    (r"architecture$", r"features / channels",
     "EQUIVALENT: features = channels · (image_size // 2)² exactly, so / and // give the same square."),
    (r"(_forward|loss_and_grads)$", r"w\.shape\[3\] // 2",
     "EQUIVALENT: init_params makes square kernels, so w.shape[3] = w.shape[2]."),
    (r"_geometry$", r"extent = d \* \(k \+ 1\) \+ 1|extent = d \* \(k - 1\) \+ 2|"
                    r"max\(p, \(n - 1\) \* s \+ extent - size \+ p\)|max\(p, \(n - 1\) \* s \+ extent \+ size - p\)|"
                    r"max\(p, \(n \+ 1\) \* s \+ extent - size - p\)",
     "EQUIVALENT: each only enlarges the far-side padding (pads[1], pads[3]); windows are read from the same top-left "
     "origin and never past the true extent, fold/crop remove whatever padding there is, and the any(pads) "
     "switches choose paths that give the same numbers (fuzzed bitwise: only NaN payloads differ)."),
    (r"_argmax$", r"col0 = \(np\.arange\(wo\) \* sw - left\)\.reshape\(-1\)$",
     "EQUIVALENT: col0 of shape (W_out,) broadcasts against row0 (H_out, 1) exactly as (1, W_out) does."),
    (r"_argmax$", r"np\.errstate\(invalid=None\)",
     "EQUIVALENT: nothing in the block raises FP invalid: comparisons and np.maximum with NaN are quiet in NumPy."),
    (r"_argmax$", r"index if \(seen\.all\(\)\) and False else|np\.where\(None, index, -1\)",
     "EQUIVALENT: seen is all-or-nothing: a window misses the input only if its axis's first window does, and only "
     "the first window of an axis can miss (p ≤ k/2, extent ≤ padded size; brute-forced over small geometries); so "
     "np.where(seen, index, -1) equals index when all are seen and -1 everywhere when none is."),
    (r"max_pool2d_backward$", r"not in \"XXiuXX\"",
     "EQUIVALENT: 'XXiuXX' holds the same dtype kinds as 'iu' (no NumPy dtype kind is 'X')."),
    (r"max_pool2d_backward$", r"np\.arange\(n \* c, (dtype=None)?\)",
     "EQUIVALENT: np.arange's default integer is int64 (64-bit Linux/NumPy 2), the dtype it names."),
    (r"max_pool2d_backward$", r"s > d \* \(k - 1\) \+ 1|s >= d \* \(k \+ 1\) \+ 1|s >= d \* \(k - 1\) \+ 2",
     "EQUIVALENT: these only take the direct-scatter fast path less often; the bincount path gives the same numbers "
     "there (one float64 term per element, rounded once: exact; −0 becomes +0 in both)."),
    (r"avg_pool2d_backward$", r"s > k for",
     "EQUIVALENT: the fast path taken less often (not at s = k); fold gives the same shares there (0 + share)."),
    (r"_divisor$", r"np\.full\(geo\.out, d, (dtype=None)?\)",
     "EQUIVALENT: d is a Python int within int64's range (impl refuses any other with a ValueError naming "
     "divisor_override), so np.full infers int64."),
    (r"_shape$", r"return \(1, -2\) \+",
     "EQUIVALENT: the shape is only given to reshape, where NumPy reads any negative size as the inferred one."),
    (r"_prepare$", r"per_channel = x\.size / c",
     "EQUIVALENT: c divides x.size, so x.size / c == 1 exactly when x.size // c == 1."),
    (r"batch_norm$", r"n = x\.size / x\.shape\[1\]",
     "EQUIVALENT: n only appears in n / (n - 1), a true division either way (n exact in float64)."),
    (r"(_normalised|batch_norm_backward)$", r"astype\(None\)",
     "EQUIVALENT: astype(None) is astype(float64), the dtype it replaces."),
    (r"batch_norm_backward$", r"momentum=1\.1",
     "EQUIVALENT: batch_norm_backward only validates momentum (a real number); the gradients do not depend on it."),
    (r"linear_backward$", r"reshape\(None\)",
     "EQUIVALENT: reshape(None) keeps the shape, and the array already has the target shape (grad_input is "
     "(*, in) = x.shape; the bias gradient's per-output sum is (out,) = b.shape)."),
    (r"linear_backward$", r"^(None)?\)$",
     "EQUIVALENT: rows_g.sum() is already a scalar of x's dtype, which np.array keeps."),
    # --- chapter optim (impl/optim/) --------------------------------------------------------------------------
    (r"decayed$", r"regularized\(grad, None, ",
     "EQUIVALENT: with weight_decay 0 regularized never reads the parameter."),
    (r".*CosineAnnealingLR.get_lr$", r"\(t - 1 \+ T\) % \(2 \* T\)",
     "EQUIVALENT: (t − 1 + T) and (t − 1 − T) differ by exactly 2T, so they agree modulo 2T."),
    (r"_restored$", r"astype\(param\.dtype, \)",
     "EQUIVALENT: astype copies by default (copy=True)."),
    (r".*SGD.*_update$", r"np\.array\(g, \)",
     "EQUIVALENT: np.array copies by default."),
    (r".*Optimizer.(load_)?state_dict$", r"copy\.copy\(",
     "EQUIVALENT: group options are numbers, bools and flat tuples or lists of floats; a shallow copy of those is a "
     "full copy."),
    (r".*Optimizer.load_state_dict$", r"k != \"(XXparamsXX|PARAMS)\"",
     "EQUIVALENT: the saved 'params' then gets through, but the \"params\": g[\"params\"] after it in the same dict "
     "replaces its value, and stays last, where impl and torch put it."),
    (r".*Optimizer.load_state_dict$", r"\"(XXbetasXX|BETAS)\" in group",
     "EQUIVALENT: the list-to-tuple conversion is skipped, but _check_group of every optimizer with betas (Adam, "
     "Adamax, NAdam) sets group['betas'] = betas_pair(...), a tuple, anyway."),
    # --- chapter recurrent (impl/recurrent/) ----------------------------------------------------------------------
    (r".*", r"\b(like|optional_like|state|integer|flag|pair|float_array|real)\("
            r".*(, None|\"XX[^\"]*XX\"|\"[A-Z_0-9\[\]() ]+\")|raise (Value|Type)Error\(None\)",
     "KILL: an argument's name (or its check) in a validation message that no error input names as a word yet: add "
     "one with formulary.catalog._arguments.named_errors to the record of that function (for the recurrent "
     "chapter: the weights' names w_ih, w_hh, b_ih, b_hh, weights[k], and the input-size and state checks)."),
    (r"_(forward|backward)$", r"(run_direction\(kind, xs, states(_b)?|direction_backward\(kind, d_out, grads_b, tape), "
                              r"\*weights, reverse=(None|True)\)",
     "EQUIVALENT: a cell is a sequence of one step, the same run forwards or backwards; None is falsy, as False."),
    (r"run_layers$", r"\(directions == 2\) or True",
     "EQUIVALENT: concatenating a one-direction list along the last axis gives outs[0]'s values."),
    (r"(cell_weights|check_input_size|state|lstm_cell|lstm_cell_backward|_backward|_names|_parse|_weights)$",
     r"\"XX[^\"]*XX\"|\"[A-Z][A-Z_0-9\[\]() ]+\"|'XX[^']*XX'|'_REVERSE'|'UNBATCHED'|raise |f\"|\(batched\) or True|"
     r"\) and False|!= 2 and |== 3\}|\{names\[\d\]\}|weights\[2\]\.shape",
     "KILL: a validation message or condition that no error input pins down yet (an argument's or weight's name, a "
     "number, the batched/unbatched wording): add an error input matching the full message."),
    (r".*", r"zip\(.*(strict=(None|False)|, \)\)|, \):)",
     "EQUIVALENT: the zipped sequences have the same length by construction (the per-axis values of one 2-D "
     "geometry; the vectors of one BOBYQA state); strict only guards against a bug that cannot happen here."),
    (r".*", r"reshape\((.*, )?-2\b",
     "EQUIVALENT: NumPy (2.x) reads any negative size in reshape as the one inferred dimension, as it reads −1."),
)



def _rules_beside() -> tuple[tuple[str, str, str], ...]:
    """More rules, one file a part of impl (scripts/mutation_rules_*.py, each defining RULES), matched before those
    above: theirs name their functions, and the generic argument-name rules above would otherwise answer first."""
    return tuple(rule for path in sorted(Path(__file__).parent.glob("mutation_rules_*.py"))
                 for rule in runpy.run_path(str(path))["RULES"])


EXPLAINED = _rules_beside() + EXPLAINED

def explanation(function: str, line: str) -> str:
    return next((why for fn, pattern, why in EXPLAINED if re.match(fn, function) and re.search(pattern, line)), "")


INFECTION = ROOT / "docs" / "mutation" / "bobyqa_infection.json"  # written by scripts/bobyqa_infection.py


def sources(targets) -> dict[str, str]:
    """SHA-256 of every Python file of the targets (folders or files, relative to the root).  mutmut numbers a
    changed function's mutants anew, so a result kept by mutant name holds only for the code it was made on."""
    files = sorted(p for t in targets for p in ((ROOT / t).rglob("*.py") if (ROOT / t).is_dir() else [ROOT / t]))
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@functools.cache
def _infection() -> dict | None:
    return json.loads(INFECTION.read_text(encoding="utf-8")) if INFECTION.exists() else None


def measured(name: str) -> str:
    """What scripts/bobyqa_infection.py measured of a surviving BOBYQA mutant no rule explains: whether any run of
    hp.bobyqa changes its part's output (then the change is masked before a point), or none does."""
    data = _infection()
    if not name.startswith("impl.search.bobyqa.") or data is None:
        return ""
    if data.get("sources") != sources(("impl/search/bobyqa/",)):  # made on other code: mutmut numbered it otherwise
        data = {**data, "infected": {}}
    if name not in data["infected"]:  # not measured part by part (BOBYQB's loop, the driver, seqsum's kernels)
        return (f"KILL (not reached in effect): with this change in {function_of(name)} every point of every run "
                f"of hp.bobyqa ({data['problems']} runs, each judged bit for bit by NLopt, or at m ≠ 2n + 1 by "
                f"Powell's recorded Fortran) stays the same: the branch it changes is not taken, or taken where the "
                f"next point does not depend on it. A run through that branch, judged so, kills it.")
    part = function_of(name)
    where = data["infected"][name]
    runs = f"{data['problems']} runs of hp.bobyqa ({data['calls'].get(part, 0)} calls of {part})"
    if where is None:
        return (f"KILL (measured, not reached): run beside the original at every call of {part} in {runs}, this "
                f"mutant never changes {part}'s output or the state it updates, in any bit. Either it is equivalent "
                f"there or the branch it changes needs a state none of these runs reaches (a rounding-rare branch: "
                f"see docs/mutation/bobyqa_infection.json; a search of 440 more problems of hp.bobyqa/npt's "
                f"generators, at every m, reached few more; the runs that did are recorded, but for two of 3000 "
                f"evaluations left out of the ci profile's time). A problem that "
                f"reaches it, judged by NLopt or Powell's code, kills it.")
    return (f"KILL (measured, masked): it changes {part}'s output in '{where}' ({runs}), yet every point of every "
            f"run stays NLopt's (or Powell's): the change is absorbed before a point is chosen (a value compared "
            f"only against a threshold, or overwritten). A run where that value decides a step kills it.")


DEFAULT_TARGETS = ("impl/activations/", "impl/losses/")
DEFAULT_K = "act. or loss. or blocked"  # blocked: tests/test_blockwise.py, the blocked path of large inputs

# chapter -> (mutated files and folders, the records that judge them: a pytest -k expression)
CHAPTERS: dict[str, tuple[tuple[str, ...], str]] = {
    "activations": (("impl/activations/",), "act. or blocked"),  # blocked: tests/test_blockwise.py, large inputs
    "losses": (("impl/losses/",), "loss."),
    "optim": (("impl/optim/",), "opt."),
    "conv": (("impl/conv/",), "cnn."),
    "counting": (("impl/counting.py",), "cnn. or arch."),
    "networks": (("impl/networks/",), "arch."),
    "recurrent": (("impl/recurrent/",), "rnn. or lstm. or gru."),
    "basics": (("impl/basics.py",), "nn."),
    "search": (("impl/search/",), "hp."),
}


def targets_of(values: list[str] | None) -> list[str]:
    """The targets from repeated and/or comma-separated ``--target`` values (the defaults if none)."""
    out = [t.strip() for v in (values or DEFAULT_TARGETS) for t in v.split(",") if t.strip()]
    return list(dict.fromkeys(out))


def pattern_of(target: str) -> str:
    """mutmut's only_mutate glob for a target: a .py file as it is, a folder as ``folder/*``."""
    t = target.rstrip("/")
    return t if t.endswith(".py") else t + "/*"


def prepare(work: Path, targets: list[str], k: str, tests: str, fresh: bool) -> None:
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src, dst = ROOT / name, work / name
        if src.is_dir():
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst)
    _configure(work, targets, k, tests)


def _configure(work: Path, targets: list[str], k: str, tests: str) -> None:
    tests_lines = "\n    ".join(tests.split())  # one path a line: mutmut reads a list
    patterns = "\n    ".join(pattern_of(t) for t in targets)  # one glob a line: a list too
    (work / "setup.cfg").write_text(CONFIG.format(target=patterns, k=k, tests=tests_lines))
    (work / "mutation_profile.py").write_text(PROFILE_PLUGIN)


def mutmut(work: Path, *args: str, log=None) -> str:
    exe = Path(sys.executable).with_name("mutmut")
    env = dict(os.environ, OMP_NUM_THREADS="1")  # see PROFILE_PLUGIN: no thread pool across forks
    proc = subprocess.run([str(exe), *args], cwd=work, env=env, text=True, stdout=log or subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if proc.returncode not in (0, None) and args[0] != "run":
        raise SystemExit(f"mutmut {' '.join(args)} failed:\n{proc.stdout}")
    return proc.stdout or ""


def statuses(work: Path) -> dict[str, str]:
    out = {}
    for line in mutmut(work, "results", "--all", "true").splitlines():
        m = re.match(r"\s*(\S+): (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def function_of(name: str) -> str:
    """``impl.activations.x_relu__mutmut_3`` -> ``relu``."""
    return re.sub(r"__mutmut_\d+$", "", name.rsplit(".", 1)[-1]).removeprefix("x_").removeprefix("ǁ")


def mutated_line(diff: str) -> str:
    plus = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return plus[0] if plus else ""


# The survivors' diffs in one process: `mutmut show` starts Python and mutmut anew for each (1.5 s a mutant).
DIFFS = """\
import json, sys
from pathlib import Path
from mutmut.mutation.diff_apply import get_diff_for_mutant
out = {}
for name in json.load(sys.stdin):
    module = Path(*name.rsplit(".", 1)[0].split("."))
    path = module.with_suffix(".py") if module.with_suffix(".py").exists() else module / "__init__.py"
    out[name] = f"# {name}: survived\\n" + get_diff_for_mutant(name, path=path)
json.dump(out, sys.stdout)
"""


def diffs(work: Path, names: list[str]) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", DIFFS], cwd=work, input=json.dumps(names), text=True,
                          capture_output=True, check=True)
    return json.loads(done.stdout)


RECHECKED = ROOT / "docs" / "mutation" / "timeouts_rechecked.json"  # written by scripts/recheck_timeouts.py


def rechecked(st: dict[str, str]) -> dict[str, str]:
    """The statuses with every timeout that passed its tests when re-run without mutmut's wall-clock limit (which is
    (est + 1) x timeout_multiplier seconds, and cut survivors short when the machine was busy) read as survived."""
    if not RECHECKED.exists():
        return st
    data = json.loads(RECHECKED.read_text(encoding="utf-8"))
    if data["sources"] != sources(data["targets"]):
        return st  # made on other code: mutmut has numbered the mutants otherwise
    results = data["results"]
    return {n: "survived" if s == "timeout" and results.get(n) == "survived" else s for n, s in st.items()}


def report(work: Path, targets: list[str], tests: str) -> dict:
    st = rechecked(statuses(work))
    counts = Counter(st.values())
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    judged = len(st) - counts.get("skipped", 0) - counts.get("not checked", 0)  # a cut-short run scores what it ran
    survivors = [name for name, status in sorted(st.items(), key=lambda kv: _natural(kv[0])) if status == "survived"]
    diff_of = diffs(work, survivors)
    survived = []
    for name in survivors:
        diff = diff_of[name].strip()
        fn = function_of(name)
        survived.append({"name": name, "function": fn, "diff": diff,
                         "explanation": explanation(fn, mutated_line(diff)) or measured(name)})
    return {"tool": f"mutmut {metadata.version('mutmut')}", "targets": targets, "tests": tests, "total": len(st),
            "counts": dict(sorted(counts.items())), "killed": killed, "judged": judged,
            "score": killed / judged if judged else 0.0, "survived": survived}


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--chapter", action="append", choices=sorted(CHAPTERS), metavar="NAME",
                   help=f"a chapter to run (repeatable; default: all): {', '.join(CHAPTERS)}")
    p.add_argument("--target", action="append", metavar="PATH",
                   help="file or folder to mutate; repeatable or comma-separated "
                        f"(default: {' '.join(DEFAULT_TARGETS)})")
    p.add_argument("-k", default=DEFAULT_K,
                   help=f"pytest -k expression choosing the relevant records (default: {DEFAULT_K})")
    p.add_argument("--tests", default="tests/test_conformance.py tests/test_accuracy.py tests/test_blockwise.py",
                   help="test file(s) that judge the mutants (accuracy too: it judges the last ULPs)")
    p.add_argument("--out", default=str(ROOT / "reports" / "mutation.json"))
    p.add_argument("--work", default=str(ROOT / "build" / "mutation"), help="working copy (default: build/mutation)")
    p.add_argument("--max-children", default="2", help="parallel mutants (default: 2, this machine's cores)")
    p.add_argument("--report-only", action="store_true", help="rewrite the JSON from the last run, run nothing")
    p.add_argument("--survivors", action="store_true",
                   help="update the chapter's last run: new or changed functions' mutants, and the survivors again")
    p.add_argument("--survivors-only", action="store_true",
                   help="like --survivors, but leaves mutants without a result alone (a run cut short stays so)")
    p.add_argument("--combine", nargs="+", metavar="JSON",
                   help="write --out from chapter results kept elsewhere (e.g. docs/mutation/*.json), run nothing")
    args = p.parse_args(argv)
    out = Path(args.out)
    if args.combine:
        chapters = {}
        for path in args.combine:
            chapters.update(json.loads(Path(path).read_text(encoding="utf-8")).get("chapters", {}))
        write(out, combined(chapters))
        return 0
    if args.target:  # an ad-hoc run: one result, as before
        result = run_one(Path(args.work), targets_of(args.target), args.k, args.tests, args)
        write(out, result)
        return 0
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    chapters = dict(previous.get("chapters", {}))
    for name in args.chapter or list(CHAPTERS):
        targets, k = CHAPTERS[name]
        chapters[name] = run_one(Path(args.work) / name, list(targets), k, args.tests, args)
        write(out, combined(chapters))  # after every chapter: a cut-short run keeps what it finished
    return 0


def run_one(work: Path, targets: list[str], k: str, tests: str, args) -> dict:
    if args.survivors or args.survivors_only:
        rerun_survivors(work, targets, k, tests, args.max_children, unfinished=not args.survivors_only)
    elif not args.report_only:
        prepare(work, targets, k, tests, fresh=True)
        with open(work / "mutmut.log", "w") as log:
            mutmut(work, "run", "--max-children", args.max_children, log=log)
    result = report(work, targets, f"{tests} -k {k}")
    print(f"{', '.join(targets)}: score {100 * result['score']:.1f}% ({result['killed']} of {result['total']} killed; "
          f"{dict(result['counts'])})")
    return result


def rerun_survivors(work: Path, targets: list[str], k: str, tests: str, max_children: str,
                    unfinished: bool = True) -> None:
    """Bring a chapter's last run up to date without running it all again: the tree is copied anew, mutmut
    regenerates the mutants of the functions that changed (it keeps a hash per function; a new test selection
    invalidates them all) and runs those, and then the last run's survivors and untested mutants run again against
    today's checks."""
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.rmtree(work / name, ignore_errors=True)
            shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    survivors = [n for n, status in statuses(work).items() if status in ("survived", "no tests")]
    # which tests reach which function is measured anew: a check added to an existing test (a record's property)
    # reaches functions that mutmut's cached map says no test calls
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    _configure(work, targets, k, tests)
    with open(work / "mutmut.log", "a") as log:
        if unfinished:
            mutmut(work, "run", "--max-children", max_children, log=log)  # only mutants without a result
        live = set(statuses(work))
        mutmut(work, "run", "--max-children", max_children, *[n for n in survivors if n in live], log=log)


def combined(chapters: dict[str, dict]) -> dict:
    """Every chapter's result, and their sum at the top level (the report's headline)."""
    order = [c for c in CHAPTERS if c in chapters]
    killed = sum(chapters[c]["killed"] for c in order)
    judged = sum(chapters[c].get("judged", chapters[c]["total"]) for c in order)
    return {"tool": chapters[order[0]]["tool"] if order else "",
            "targets": [t for c in order for t in chapters[c]["targets"]],
            "tests": "per chapter", "total": sum(chapters[c]["total"] for c in order), "killed": killed,
            "score": killed / judged if judged else 0.0,
            "survived": [s for c in order for s in chapters[c]["survived"]],
            "chapters": {c: chapters[c] for c in order}}


def write(out: Path, result: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)  # whole or not at all
    print(f"{result['tool']}: score {100 * result['score']:.1f}% ({result['killed']} of {result['total']} killed); "
          f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
