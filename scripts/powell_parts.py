#!/usr/bin/env python3
"""Record NLopt's TRSBOX and ALTMOV (Powell's routines in NLopt's C translation) on chosen states, for
hp.bobyqa/trsbox and hp.bobyqa/altmov.

``trsbox_`` and ``altmov_`` are static functions of NLopt's ``bobyqa.c``, which no NLopt build
exports.  This script downloads NLopt's source release from PyPI (``nlopt==2.6.2``, the last one
with an sdist) into ``build/powell-parts``, compiles ``bobyqa.c`` into a library of its own beside
a small shim that exports the two routines (``gcc -O2 -ffp-contract=off``: no fused multiply-adds,
as Powell's Fortran and NLopt's wheel), and calls them with ctypes on the states of
:func:`formulary.catalog.search.bobyqa_trsbox.state` (seeded) and of each record module's
``tie_states`` (the ones ``scripts/mutant_states.py`` picks).

    .venv/bin/python scripts/powell_parts.py --check    # impl's TRSBOX and ALTMOV against it on every call of runs
    .venv/bin/python scripts/powell_parts.py --part trsbox --states 300 --ties 0:20,0:50,...
    .venv/bin/python scripts/powell_parts.py --part altmov --ties 0:0,0:1,...
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formulary.catalog.search import bobyqa_altmov, bobyqa_trsbox  # noqa: E402
from formulary.catalog.search.bobyqa_powell import arguments, recorded  # noqa: E402
from impl.search.bobyqa.driver import bobyqa  # noqa: E402

WORK = ROOT / "build" / "powell-parts"
SHIM = """\
#include "bobyqa.c"
void nl_trsbox(int n, int npt, double *xpt, double *xopt, double *gopt, double *hq, double *pq, double *sl,
               double *su, double delta, double *xnew, double *d, double *gnew, double *xbdi, double *s, double *hs,
               double *hred, double *dsq, double *crvmin) {
    trsbox_(&n, &npt, xpt, xopt, gopt, hq, pq, sl, su, &delta, xnew, d, gnew, xbdi, s, hs, hred, dsq, crvmin);
}
void nl_altmov(int n, int npt, double *xpt, double *xopt, double *bmat, double *zmat, int ndim, double *sl,
               double *su, int kopt, int knew, double adelt, double *xnew, double *xalt, double *alpha,
               double *cauchy, double *glag, double *hcol, double *w) {
    altmov_(&n, &npt, xpt, xopt, bmat, zmat, &ndim, sl, su, &kopt, &knew, &adelt, xnew, xalt, alpha, cauchy, glag,
            hcol, w);
}
"""


def library() -> ctypes.CDLL:
    lib = WORK / "libpowellparts2.so"  # 2: with ALTMOV
    if not lib.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "nlopt==2.6.2", "-d", str(WORK)], check=True)
        with tarfile.open(WORK / "nlopt-2.6.2.tar.gz") as tar:
            tar.extractall(WORK, filter="data")
        src = WORK / "nlopt-2.6.2" / "extern" / "nlopt" / "src"
        (WORK / "shim.c").write_text(SHIM)
        (WORK / "nlopt_config.h").write_text("#define HAVE_COPYSIGN 1\n")
        subprocess.run(["gcc", "-O2", "-fPIC", "-shared", "-ffp-contract=off", f"-I{src / 'algs' / 'bobyqa'}",
                        f"-I{src / 'util'}", f"-I{src / 'api'}", f"-I{WORK}", str(WORK / "shim.c"), "-o", str(lib)],
                       check=True)
    return ctypes.CDLL(str(lib), mode=os.RTLD_LAZY)  # lazily: bobyqa.c's driver needs the rest of NLopt, unused here


def nlopt_trsbox(lib, xpt, xopt, gopt, hq, pq, sl, su, delta):
    """NLopt's trsbox_ on impl's arguments: XPT column-major (Fortran's), HQ packed by columns of its upper half."""
    npt, n = xpt.shape
    p = ctypes.POINTER(ctypes.c_double)
    arg = [np.asfortranarray(xpt, dtype=np.float64).copy(order="F"), *(np.array(v, dtype=np.float64) for v in (
        xopt, gopt, [hq[i, j] for j in range(n) for i in range(j + 1)], pq, sl, su))]
    out = [np.zeros(n) for _ in range(7)]  # xnew, d, gnew, xbdi, s, hs, hred
    dsq, crvmin = ctypes.c_double(), ctypes.c_double()
    lib.nl_trsbox(ctypes.c_int(n), ctypes.c_int(npt), *(a.ctypes.data_as(p) for a in arg), ctypes.c_double(delta),
                  *(a.ctypes.data_as(p) for a in out), ctypes.byref(dsq), ctypes.byref(crvmin))
    return out[0], out[1], dsq.value, crvmin.value, out[2]


def nlopt_altmov(lib, xpt, xopt, bmat, zmat, sl, su, kopt, knew, adelt):
    """NLopt's altmov_ on impl's arguments: arrays column-major, KOPT and KNEW 1-based, NDIM = NPT + N."""
    npt, n = xpt.shape
    p = ctypes.POINTER(ctypes.c_double)
    arg = [np.asfortranarray(v, dtype=np.float64).copy(order="F") for v in (xpt, xopt, bmat, zmat, sl, su)]
    xnew, xalt, glag, hcol, w = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(npt), np.zeros(2 * n)
    alpha, cauchy = ctypes.c_double(), ctypes.c_double()
    lib.nl_altmov(ctypes.c_int(n), ctypes.c_int(npt), *(a.ctypes.data_as(p) for a in arg[:4]), ctypes.c_int(npt + n),
                  *(a.ctypes.data_as(p) for a in arg[4:]), ctypes.c_int(kopt + 1), ctypes.c_int(knew + 1),
                  ctypes.c_double(adelt), xnew.ctypes.data_as(p), xalt.ctypes.data_as(p), ctypes.byref(alpha),
                  ctypes.byref(cauchy), glag.ctypes.data_as(p), hcol.ctypes.data_as(p), w.ctypes.data_as(p))
    return xnew, xalt, alpha.value, cauchy.value


JUDGES = {"trsbox": (bobyqa_trsbox, nlopt_trsbox), "altmov": (bobyqa_altmov, nlopt_altmov)}


def check(lib) -> None:
    """impl's TRSBOX and ALTMOV beside NLopt's at every call of hp.bobyqa/npt's first runs."""
    bobyqb = importlib.import_module("impl.search.bobyqa.bobyqb")
    counts = {}
    for part, (record, judge) in JUDGES.items():
        ours, tally = getattr(bobyqb, part), counts.setdefault(part, [0, 0])

        def beside(*args, ours=ours, record=record, judge=judge, tally=tally):
            out = ours(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
            tally[0] += 1
            tally[1] += record.outcome(*out) == record.outcome(*judge(lib, *args))
            return out

        setattr(bobyqb, part, beside)
    for run in recorded()["runs"][:20]:
        bobyqa(*arguments(run))
    for part, (calls, same) in counts.items():
        print(f"{same} of {calls} {part.upper()} calls bit-identical to NLopt's {part}_")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true")
    p.add_argument("--part", choices=sorted(JUDGES), default="trsbox")
    p.add_argument("--states", type=int, default=0, help="seeded TRSBOX states (bobyqa_trsbox.state)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--ties", default="", help="SEED:INDEX,... of the record module's tie_states")
    args = p.parse_args()
    lib = library()
    if args.check:
        check(lib)
        return 0
    record, judge = JUDGES[args.part]
    states = []
    if args.states:
        rng = np.random.default_rng(args.seed)
        states += [{"case": case, **bobyqa_trsbox.state(rng, case)} for case in range(args.states)]
    picks = [tuple(map(int, t.split(":"))) for t in args.ties.split(",") if t]
    for seed in sorted({s for s, _ in picks}):
        ties = record.tie_states(seed, 1 + max(i for s, i in picks if s == seed))
        states += [{"case": f"ties {seed}:{i}", **ties[i]} for s, i in picks if s == seed]
    if args.part == "trsbox":
        states += [{"case": "overflow", **bobyqa_trsbox.OVERFLOW}, {"case": "far point", **bobyqa_trsbox.FAR_POINT},
                   {"case": "nan step", **bobyqa_trsbox.NAN_STEP}]
    for s in states:
        s["nlopt"] = record.outcome(*judge(lib, *record.arrays(s)))
        mine = record.outcome(*getattr(importlib.import_module("impl.search.bobyqa"), args.part)(*record.arrays(s)))
        if mine != s["nlopt"]:
            print(f"note: impl differs from NLopt on state {s['case']}")
    command = " ".join([f"scripts/powell_parts.py --part {args.part}",
                        *([f"--states {args.states} --seed {args.seed}"] if args.states else []),
                        *([f"--ties {args.ties}"] if picks else [])])
    head = json.dumps({"judge": f"NLopt 2.6.2's {args.part}_ (bobyqa.c), gcc -O2 -ffp-contract=off",
                       "generator": command})
    lines = ",\n".join(json.dumps(s, separators=(",", ":")) for s in states)  # a state a line
    record.STATES.write_text(f'{head[:-1]}, "states": [\n{lines}\n]}}\n', encoding="utf-8")
    print(f"wrote {len(states)} states to {record.STATES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
