#!/usr/bin/env python3
"""Record Powell's own BOBYQA (his Fortran, pdfo 2.2's classical build) on seeded problems, for hp.bobyqa/npt.

pdfo's wheel is built against NumPy 1, which cannot load beside impl's NumPy 2, so Powell's code
runs in a venv of its own (``build/powell-venv``, made on first use: numpy 1.26.4 and pdfo 2.2.0
from PyPI).  It is driven through a pipe: this process sends the problem, Powell's code asks for
each f(x) with x as hex floats, and this process answers with the catalog's own objective, so the
values Powell sees are exactly those impl sees.

    .venv/bin/python scripts/powell_bobyqa.py --pool 400 --seed 5          # try 400 problems, print them
    .venv/bin/python scripts/powell_bobyqa.py --trials 3,17,... --seed 5   # record these (bobyqa_powell.json)
    .venv/bin/python scripts/powell_bobyqa.py --trials 12,45 --seed 6 --append   # and these beside them
    .venv/bin/python scripts/powell_bobyqa.py --generator exact --trials 12 --seed 8 --append   # integer states

Each run is checked as it is recorded: at m = 2n + 1 Powell's points must be NLopt's bit for bit,
and impl's (any m) must be Powell's; a run that is not is reported, never recorded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formulary.catalog.search.bobyqa_powell import GENERATORS, RUNS, arguments, digest, objective  # noqa: E402
from formulary.catalog.search.bobyqa_problems import run_nlopt  # noqa: E402
from impl.search.bobyqa.driver import bobyqa  # noqa: E402

VENV = ROOT / "build" / "powell-venv"
REQUIREMENTS = ("numpy==1.26.4", "pdfo==2.2.0")
CHILD = """\
import json, sys
import numpy as np
from pdfo import fbobyqa_classical as fb
spec = json.loads(sys.stdin.readline())
h = float.fromhex
arr = lambda k: np.array([h(v) for v in spec[k]])
def fun(x):
    sys.stdout.write(json.dumps([float(v).hex() for v in x]) + "\\n"); sys.stdout.flush()
    return h(sys.stdin.readline().strip())
x, f, info, *_ = fb.mbobyqa(spec["npt"], arr("x0"), arr("lower"), arr("upper"), h(spec["rhobeg"]), h(spec["rhoend"]),
                            0, spec["maxfun"], -np.inf, fun)
sys.stdout.write("END " + json.dumps({"info": int(info)}) + "\\n"); sys.stdout.flush()
"""


def powell_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    return python


def powell(run: dict) -> tuple[np.ndarray, int]:
    """Powell's points, in order, and his exit code."""
    f = objective(run["kind"], run["params"])
    child = subprocess.Popen([str(powell_python()), "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    hexes = {k: [float(v).hex() for v in run[k]] for k in ("x0", "lower", "upper")}
    child.stdin.write(json.dumps({**hexes, "rhobeg": float(run["rhobeg"]).hex(), "rhoend": float(run["rhoend"]).hex(),
                                  "maxfun": run["maxfun"], "npt": run["npt"]}) + "\n")
    child.stdin.flush()
    points = []
    while (line := child.stdout.readline()) and not line.startswith("END"):
        x = np.array([float.fromhex(v) for v in json.loads(line)])
        points.append(x)
        child.stdin.write(float(f(x)).hex() + "\n")
        child.stdin.flush()
    child.wait()
    if not line.startswith("END"):
        raise SystemExit(f"{run['label']}: Powell's process ended without a result (exit {child.returncode})")
    return np.array(points).reshape(-1, len(run["x0"])), json.loads(line[4:])["info"]


def checked(run: dict) -> dict | None:
    """The run with Powell's outcome attached, or None (reported) where NLopt or impl disagree with him."""
    points, info = powell(run)
    args = arguments(run)
    if run["npt"] == 2 * len(run["x0"]) + 1:
        theirs = run_nlopt(*args[:-1])[0]
        if digest(theirs) != digest(points):
            print(f"{run['label']}: NLopt's {len(theirs)} points are not Powell's {len(points)}", file=sys.stderr)
            return None
    ours = bobyqa(*args)
    if digest(ours.points) != digest(points):
        print(f"{run['label']}: impl's {len(ours.points)} points are not Powell's {len(points)}", file=sys.stderr)
        return None
    return {**run, "evaluations": len(points), "sha256": digest(points), "last": points[-1].tolist(), "info": info,
            "status": ours.status}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--generator", choices=sorted(GENERATORS), default="seeded",
                   help="seeded: random problems (default); exact: integer states, for exact ties")
    p.add_argument("--pool", type=int, help="run this many problems and print each one's outcome; record nothing")
    p.add_argument("--trials", help="comma-separated trials of the seed to record")
    p.add_argument("--append", action="store_true", help="add to the runs already recorded in --out")
    p.add_argument("--out", default=str(RUNS))
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    last = args.pool if args.pool else max(map(int, args.trials.split(","))) + 1
    chosen = None if args.pool else set(map(int, args.trials.split(",")))
    runs = []
    for trial in range(last):
        run = GENERATORS[args.generator](rng, trial)
        if chosen is not None and trial not in chosen:
            continue
        done = checked(run)
        if done is None:
            continue
        done = {"generator": args.generator, "seed": args.seed, "trial": trial, **done}
        print(trial, done["label"], "n", len(run["x0"]), "m", run["npt"], "evals", done["evaluations"], "info",
              done["info"], done["status"], flush=True)
        runs.append(done)
    if chosen is not None:
        out = Path(args.out)
        kept = json.loads(out.read_text(encoding="utf-8"))["runs"] if args.append and out.exists() else []
        out.write_text(json.dumps({
            "judge": "Powell's BOBYQA (Fortran 77), pdfo 2.2.0 fbobyqa_classical.mbobyqa, numpy 1.26.4",
            "generator": "formulary.catalog.search.bobyqa_powell.GENERATORS[generator](np.random.default_rng(seed), "
                         "trial)",
            "runs": kept + runs}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {len(runs)} runs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
