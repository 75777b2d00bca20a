"""Which surviving BOBYQA mutants do the catalog's runs ever infect?

A mutant that the catalog's NLopt-judged runs do not kill either changes nothing in them
(it is never reached, or it is reached and gives the same result there) or it changes a
part's output without that change reaching a point NLopt would evaluate differently.  This
script tells the two apart.  It runs every problem of hp.bobyqa's runs (the ci problems,
the RESCUE run, every family of :mod:`formulary.catalog.search.bobyqa_families`, hp.bobyqa/npt's
recorded runs of Powell's Fortran at any m) with the
original code and, at every call of a part (TRSBOX, ALTMOV, UPDATE, the model's update,
RESCUE, the provisional points, the choice of KNEW, the gradient shift, PRELIM, the start's
adjustment), runs each surviving mutant of that part beside it on a copy of the same inputs.
A mutant is *infected* by the first problem in which its outputs, or the state it changes
in place, differ from the original's in any bit.

Run after ``scripts/mutation.py --chapter search`` (it needs mutmut's mutants)::

    .venv/bin/python scripts/bobyqa_infection.py            # writes docs/mutation/bobyqa_infection.json
    .venv/bin/python scripts/bobyqa_infection.py --pool P.py --out OUT.json   # a search for runs that reach them

``--pool`` names a Python file defining ``PROBLEMS``, a list of (label, f, x0, lower, upper, rhobeg, rhoend,
maxfun[, npt]): candidate runs to add to hp.bobyqa's families or to hp.bobyqa/npt's recordings (each must then
be NLopt's, or Powell's, bit for bit).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import importlib
import json
import math
import os
import re
import runpy
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mutation  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutation" / "search"
# part -> the module that defines it (mutmut keeps each mutant beside its original there)
PARTS = {"trsbox": "trsbox", "altmov": "altmov", "update": "update", "update_model": "update", "rescue": "rescue",
         "evaluate_provisional": "rescue", "_choose_knew": "bobyqb", "_model_gradient_shift": "bobyqb",
         "adjust_start": "prelim", "prelim": "prelim"}
# seqsum's kernels (dot, matvec, ...) are left out: they run millions of times a run, and a copy of their
# inputs at each call makes the measurement hours long
CALLERS = ("bobyqb", "rescue", "driver", "prelim", "update")


def same(a, b) -> bool:
    """Bit-for-bit equality of outputs and states (NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "points") and hasattr(a, "values"):  # the Evaluator: what it was asked
        return same(a.points, b.points) and same(a.values, b.values)
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


class _Late(Exception):
    pass


def _late(*_):
    raise _Late


def problems():
    """(label, f, x0, lower, upper, rhobeg, rhoend, maxfun[, npt]) of every run hp.bobyqa judges by NLopt, and
    hp.bobyqa/npt's by Powell's Fortran."""
    # imported here, after main() has put mutmut's mutants first on sys.path (impl must be theirs)
    from formulary.catalog.search.bobyqa_families import FAMILIES  # noqa: PLC0415
    from formulary.catalog.search.bobyqa_powell import arguments, recorded  # noqa: PLC0415
    from formulary.catalog.search.bobyqa_problems import CI, MAXFUN, PROBLEMS, RESCUE_RUN, RHOEND  # noqa: PLC0415

    runs = [(name, *PROBLEMS[name], RHOEND, MAXFUN) for name in CI] + [("RESCUE run", *RESCUE_RUN)]
    for family, (seed, count) in FAMILIES.items():
        rng = np.random.default_rng(seed)
        chosen = set(count) if isinstance(count, tuple) else None
        for trial in range(max(count) + 1 if chosen else count):
            problem = family(rng, trial)
            if chosen is None or trial in chosen:
                runs.append((f"{family.__name__} {trial}", *problem))
    for run in recorded()["runs"]:  # hp.bobyqa/npt's runs, judged by Powell's Fortran at any m
        runs.append((f"{run['label']} (m = {run['npt']})", *arguments(run)))
    return runs


def survivors() -> list[str]:
    """The surviving mutants of the parts above (BOBYQB's loop and the driver are the run itself: not here)."""
    out = subprocess.run([str(Path(sys.executable).with_name("mutmut")), "results"], cwd=WORK, text=True,
                         capture_output=True, check=True).stdout
    names = re.findall(r"^\s*(impl\.search\.bobyqa\.\S+): survived$", out, re.M)
    return [n for n in names if re.sub(r"__mutmut_\d+$", "", n.rsplit(".x_", 1)[1]) in PARTS]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pool", help="a Python file defining PROBLEMS (default: hp.bobyqa's own runs)")
    p.add_argument("--out", default=str(ROOT / "docs" / "mutation" / "bobyqa_infection.json"))
    args = p.parse_args()
    pool = Path(args.pool).resolve() if args.pool else None
    out = Path(args.out).resolve()  # before the chdir below
    names = survivors()
    os.chdir(WORK / "mutants")
    sys.path.insert(0, os.getcwd())
    os.environ["MUTANT_UNDER_TEST"] = "none"  # the trampolines run the originals
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, _late)
    infected: dict[str, str] = {}
    calls: dict[str, int] = {}
    current = {"problem": ""}

    def wrap(module, part, original):
        mutants = {n: getattr(module, n.rsplit(".", 1)[1]) for n in names
                   if n.startswith(f"{module.__name__}.x_{part}__mutmut_")}

        def beside(*args, **kwargs):
            calls[part] = calls.get(part, 0) + 1
            before = copy.deepcopy((args, kwargs))
            out = original(*args, **kwargs)
            for name, mutant in mutants.items():
                if name in infected:
                    continue
                theirs, their_kwargs = copy.deepcopy(before)
                try:
                    signal.setitimer(signal.ITIMER_REAL, 2.0)  # a mutant may loop for ever
                    alike = same(mutant(*theirs, **their_kwargs), out) and same(theirs, args)
                except BaseException:  # noqa: BLE001 -- a mutant that raises is infected
                    alike = False
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                if not alike:
                    infected[name] = current["problem"]
            return out

        return beside

    for part, home in PARTS.items():
        module = importlib.import_module(f"impl.search.bobyqa.{home}")
        beside = wrap(module, part, getattr(module, f"x_{part}__mutmut_orig"))
        for caller in CALLERS:
            there = importlib.import_module(f"impl.search.bobyqa.{caller}")
            if hasattr(there, part):
                setattr(there, part, beside)
    from impl.search.bobyqa.driver import bobyqa  # noqa: PLC0415 -- the mutants' copy, first on sys.path

    runs = problems() if pool is None else runpy.run_path(str(pool))["PROBLEMS"]
    for label, *problem in runs:
        current["problem"] = label
        bobyqa(*problem)
    result = {"problems": len(runs), "calls": calls, "survivors": len(names),
              "infected": {n: infected.get(n) for n in names},
              "sources": mutation.sources(("impl/search/bobyqa/",))}  # the code it holds for (see mutation.sources)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{sum(v is not None for v in result['infected'].values())} of {len(names)} surviving BOBYQA mutants "
          f"infected by {len(runs)} runs; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
