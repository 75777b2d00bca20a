#!/usr/bin/env python3
"""Mutation testing of impl/ with mutmut: how sharp is the suite?  Writes reports/mutation.json.

    .venv/bin/python scripts/mutation.py                       # impl/activations.py, -k act.
    .venv/bin/python scripts/mutation.py --target impl/losses/regression.py -k "loss."

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
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("impl", "formulary", "reference", "tests", "pyproject.toml")

# mutmut's [mutmut] section; {target} and {k} are filled in from the command line
CONFIG = """\
[mutmut]
source_paths = impl
only_mutate = {target}
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

settings.register_profile("mutation", parent=settings.get_profile("ci"), phases=(Phase.explicit, Phase.reuse, Phase.generate))
'''

# Why a surviving mutant survives: (function regex, mutated-line regex, explanation), the
# first rule that matches wins.  "KILL:" names the check that would kill the mutant;
# "EQUIVALENT:" says why no check can.  Written for impl/activations.py.
_ARG = r"(float_array|same_shape|real|axis)\(.*, (None|\"XX\w+XX\"|\"[A-Z_]+\")\)"
EXPLAINED: tuple[tuple[str, str, str], ...] = (
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
    (r"(leaky_relu|prelu|elu|prelu_backward)$", r"np\.where\((x|z) >= 0,",
     "EQUIVALENT: at 0 both branches give 0 (x = αx = α(e⁰ − 1) = 0; g·x = 0); only the sign of a zero "
     "could differ, and the comparison (like torch.testing.assert_close) does not look at it."),
    (r"elu(_backward)?$", r"np\.minimum\(z, 1\.0\)",
     "EQUIVALENT: the clamp only keeps expm1/exp finite on the branch np.where discards; 1.0 bounds it as well as 0.0."),
    (r"prelu_backward$", r"reduce = tuple",
     "EQUIVALENT: a dead branch. A per-channel weight (size > 1) needs x.ndim > 1 (_prelu_weight rejects it "
     "otherwise), so `1 if x.ndim > 1 else 0` is always 1 here; impl could write `if i != 1`."),
    (r"prelu_backward$", r"reshape\(None\)",
     "EQUIVALENT: the per-channel sum already has the weight's shape (C,), and reshape(None) keeps a shape."),
    (r"silu$", r"deep = \(z <= _SILU_DEEP\)",
     "EQUIVALENT: at z = −708.3 exactly both formulas are accurate; only the boundary point moves."),
    (r"_gelu_exact$", r"1e\+?300|<= 1e300|, 1\.0\)|-z / _RSQRT2_HI|10001\.0|np\.where\(None",
     "EQUIVALENT: beyond |x| = 1e300 (and beyond v² = 1e4) erfc(v) is 0 or 2 and the first-order correction is "
     "0 whatever δ is; these mutants change only δ or v there."),
    (r"_two_prod$", r"_SPLIT / b",
     "EQUIVALENT in effect: a wrong split of the constant 1/√2 leaves e exact to ~2⁻⁵³ relative, and δ only needs "
     "first-order accuracy (its effect on the result is 2v·δ, far below an ULP)."),
    (r"(_gelu_tanh_arg|gelu_backward)$", r"np\.clip\(z, (None|-1e\+?100), (None|1e\+?100)\)",
     "EQUIVALENT: the clip only keeps x³ finite where tanh has long saturated; a one-sided clip or another spelling "
     "of 1e100 gives the same saturated value (the overflow, if any, is discarded)."),
    (r"gelu_backward$", r"10000000001\.0",
     "EQUIVALENT: e^{−x²/2} is 0 long before x² = 1e10."),
    (r"softplus$", r"if b >= 0 else",
     "EQUIVALENT: beta = 0 is rejected just above, so b > 0 and b >= 0 agree."),
    (r"_logistic$", r"np\.where\(z > 0,",
     "EQUIVALENT: at z = 0 both branches give exactly ½."),
    (r"_wide$", r"astype\(",
     "EQUIVALENT: astype(None) is float64, and no caller writes into the copy, so copy=True/False/None agree."),
    (r"_prelu_weight$", r"reshape\(None\)",
     "EQUIVALENT: a one-element weight of shape (1,) broadcasts exactly as the 0-d one."),
    (r".*", r"np\.errstate\(",
     "EQUIVALENT: nothing in that block raises the floating-point condition whose handling was removed "
     "(the errstate is redundant there)."),
    (r".*", r"np\.where\(.*, None, ",
     "EQUIVALENT: np.where(..., None, out) gives an object array whose None becomes NaN in .astype(float)."),
)


def explanation(function: str, line: str) -> str:
    return next((why for fn, pattern, why in EXPLAINED if re.match(fn, function) and re.search(pattern, line)), "")


def prepare(work: Path, target: str, k: str, tests: str, fresh: bool) -> None:
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
    tests_lines = "\n    ".join(tests.split())  # one path a line: mutmut reads a list
    (work / "setup.cfg").write_text(CONFIG.format(target=target, k=k, tests=tests_lines))
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


def report(work: Path, target: str, tests: str) -> dict:
    st = statuses(work)
    counts = Counter(st.values())
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    judged = len(st) - counts.get("skipped", 0) - counts.get("not checked", 0)  # a cut-short run scores what it ran
    survived = []
    for name, status in sorted(st.items(), key=lambda kv: _natural(kv[0])):
        if status != "survived":
            continue
        diff = mutmut(work, "show", name).strip()
        fn = function_of(name)
        survived.append({"name": name, "function": fn, "diff": diff,
                         "explanation": explanation(fn, mutated_line(diff))})
    return {"tool": f"mutmut {metadata.version('mutmut')}", "targets": [target], "tests": tests, "total": len(st),
            "counts": dict(sorted(counts.items())), "killed": killed,
            "score": killed / judged if judged else 0.0, "survived": survived}


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--target", default="impl/activations.py", help="file to mutate (default: impl/activations.py)")
    p.add_argument("-k", default="act.", help="pytest -k expression choosing the relevant records (default: act.)")
    p.add_argument("--tests", default="tests/test_conformance.py tests/test_accuracy.py",
                   help="test file(s) that judge the mutants (accuracy too: it judges the last ULPs)")
    p.add_argument("--out", default=str(ROOT / "reports" / "mutation.json"))
    p.add_argument("--work", default=str(ROOT / "build" / "mutation"), help="working copy (default: build/mutation)")
    p.add_argument("--max-children", default="2", help="parallel mutants (default: 2, this machine's cores)")
    p.add_argument("--report-only", action="store_true", help="rewrite the JSON from the last run, run nothing")
    args = p.parse_args(argv)
    work = Path(args.work)
    tests = f"{args.tests} -k {args.k}"
    if not args.report_only:
        prepare(work, args.target, args.k, args.tests, fresh=True)
        with open(work / "mutmut.log", "w") as log:
            mutmut(work, "run", "--max-children", args.max_children, log=log)
    result = report(work, args.target, tests)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{result['tool']}: score {100 * result['score']:.1f}% ({result['killed']} of {result['total']} killed; "
          f"{dict(result['counts'])}); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
