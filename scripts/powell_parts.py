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
from types import SimpleNamespace
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formulary.catalog.search import bobyqa_altmov, bobyqa_rescue, bobyqa_trsbox  # noqa: E402
from formulary.catalog.search.bobyqa_powell import GENERATORS, arguments, objective, recorded  # noqa: E402
from impl.search.bobyqa.driver import bobyqa  # noqa: E402

WORK = ROOT / "build" / "powell-parts"
SHIM = """\
#include "bobyqa.c"
void nl_trsbox(int n, int npt, double *xpt, double *xopt, double *gopt, double *hq, double *pq, double *sl,
               double *su, double delta, double *xnew, double *d, double *gnew, double *xbdi, double *s, double *hs,
               double *hred, double *dsq, double *crvmin) {
    trsbox_(&n, &npt, xpt, xopt, gopt, hq, pq, sl, su, &delta, xnew, d, gnew, xbdi, s, hs, hred, dsq, crvmin);
}
/* RESCUE's calls on NLopt's stopping tests: none stops it here (the budget is the caller's) */
int nlopt_stop_forced(const nlopt_stopping *stop) { (void) stop; return 0; }
int nlopt_stop_evals(const nlopt_stopping *stop) { (void) stop; return 0; }
int nlopt_stop_time(const nlopt_stopping *stop) { (void) stop; return 0; }
int nl_rescue(int n, int npt, const double *xl, const double *xu, bobyqa_func calfun, double *xbase, double *xpt,
              double *fval, double *xopt, double *gopt, double *hq, double *pq, double *bmat, double *zmat, double *sl,
              double *su, double delta, int *kopt, double *vlag, double *ptsaux, double *ptsid, double *w) {
    int nevals = 0, ndim = npt + n;
    nlopt_stopping stop = {0};
    stop.n = n; stop.minf_max = -HUGE_VAL; stop.nevals_p = &nevals;
    return (int) rescue_(&n, &npt, xl, xu, &stop, calfun, NULL, xbase, xpt, fval, xopt, gopt, hq, pq, bmat, zmat,
                         &ndim, sl, su, &delta, kopt, vlag, ptsaux, ptsid, w);
}
void nl_altmov(int n, int npt, double *xpt, double *xopt, double *bmat, double *zmat, int ndim, double *sl,
               double *su, int kopt, int knew, double adelt, double *xnew, double *xalt, double *alpha,
               double *cauchy, double *glag, double *hcol, double *w) {
    altmov_(&n, &npt, xpt, xopt, bmat, zmat, &ndim, sl, su, &kopt, &knew, &adelt, xnew, xalt, alpha, cauchy, glag,
            hcol, w);
}
"""


def library() -> ctypes.CDLL:
    lib = WORK / "libpowellparts3.so"  # 3: with ALTMOV and RESCUE
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


CALFUN = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.c_void_p)


def nlopt_rescue(lib, s: dict) -> dict:
    """NLopt's rescue_ on a recorded state, its objective evaluated here; the outcome as bobyqa_rescue compares it."""
    xpt, n = np.array(s["xpt"]), len(s["xbase"])
    npt = len(xpt)
    p = ctypes.POINTER(ctypes.c_double)
    f, points, values = objective(s["kind"], s["params"]), [], []

    def calfun(_n, x, _data):
        point = np.ctypeslib.as_array(x, shape=(n,)).copy()
        points.append(point)
        values.append(float(f(point)))
        return values[-1]

    callback = CALFUN(calfun)
    arr = {k: np.asfortranarray(np.array(s[k], dtype=np.float64)).copy(order="F")
           for k in ("xl", "xu", "xbase", "xpt", "fval", "xopt", "gopt", "pq", "bmat", "zmat", "sl", "su")}
    hq = bobyqa_rescue.packed(s["hq"])
    kopt = ctypes.c_int(s["kopt"] + 1)
    work = [np.zeros(npt + n), np.zeros(2 * n), np.zeros(npt), np.zeros(2 * (npt + n))]  # vlag, ptsaux, ptsid, w
    lib.nl_rescue(ctypes.c_int(n), ctypes.c_int(npt), *(arr[k].ctypes.data_as(p) for k in ("xl", "xu")), callback,
                  *(arr[k].ctypes.data_as(p) for k in ("xbase", "xpt", "fval", "xopt", "gopt")), hq.ctypes.data_as(p),
                  *(arr[k].ctypes.data_as(p) for k in ("pq", "bmat", "zmat", "sl", "su")), ctypes.c_double(s["delta"]),
                  ctypes.byref(kopt), *(a.ctypes.data_as(p) for a in work))
    full = np.zeros((n, n))  # back from Powell's packing (upper triangle by columns), for outcome to pack again
    j, i = np.triu_indices(n)[::-1]
    order = np.lexsort((i, j))  # column by column, row by row within a column
    full[i[order], j[order]] = hq
    st = SimpleNamespace(**{k: arr[k] for k in bobyqa_rescue.ARRAYS}, hq=full, kopt=kopt.value - 1)
    return bobyqa_rescue.outcome(st, np.array(points), np.array(values))


def captured(seed: int, count: int) -> list[dict]:
    """The first ``count`` states that RESCUE receives in runs of hp.bobyqa/npt's problems (even seeds: the seeded
    generator, odd: the exact one), each run made to call RESCUE where a denominator is read as cancelled at up to
    three chosen iterations (as tests/test_bobyqa_rescue_in_loop.py does).  From seed 10 on, the state kept has one
    original point moved onto another (and its value with it): the dependence RESCUE exists for, which postpones
    that point and leaves provisional points to evaluate."""
    bobyqb = importlib.import_module("impl.search.bobyqa.bobyqb")
    rng = np.random.default_rng(seed)
    generate = GENERATORS["seeded" if seed % 2 == 0 else "exact"]
    states: list[dict] = []
    trial = 0
    while len(states) < count:
        run = {**generate(rng, trial), "maxfun": 400}
        cancel = {int(v) for v in rng.integers(1, 30, 3)}
        calls = [0]
        choose, rescue = bobyqb._choose_knew, bobyqb.rescue

        def cancelling(st, vlag, beta, delta, centre, skip, choose=choose, cancel=cancel, calls=calls):
            out = choose(st, vlag, beta, delta, centre, skip)
            calls[0] += 1
            return (*out[:2], 0.0, 1.0) if skip >= 0 and calls[0] in cancel else out

        def keeping(st, evaluate, xopt, delta, rescue=rescue, run=run):
            if len(states) < count:
                kept = {k: getattr(st, k).copy() for k in (*bobyqa_rescue.ARRAYS, "hq")}
                if seed >= 10:
                    k, j = rng.choice([i for i in range(len(st.xpt)) if i != st.kopt], 2, replace=False)
                    kept["xpt"][k], kept["fval"][k] = kept["xpt"][j], kept["fval"][j]
                states.append({"kind": run["kind"], "params": run["params"], "xl": evaluate.xl.tolist(),
                               "xu": evaluate.xu.tolist(), **{k: v.tolist() for k, v in kept.items()},
                               "kopt": int(st.kopt), "xopt": xopt.tolist(), "delta": float(delta)})
            rescue(st, evaluate, xopt, delta)

        with mock.patch.object(bobyqb, "_choose_knew", cancelling), mock.patch.object(bobyqb, "rescue", keeping):
            bobyqa(*arguments(run))
        trial += 1
    return states


def _impl(name):
    return getattr(importlib.import_module("impl.search.bobyqa"), name)


# each part: its record module, NLopt's outcome on a state, impl's, and where its states come from
JUDGES = {
    "trsbox": (bobyqa_trsbox, lambda lib, s: bobyqa_trsbox.outcome(*nlopt_trsbox(lib, *bobyqa_trsbox.arrays(s))),
               lambda s: bobyqa_trsbox.outcome(*_impl("trsbox")(*bobyqa_trsbox.arrays(s))), bobyqa_trsbox.tie_states),
    "altmov": (bobyqa_altmov, lambda lib, s: bobyqa_altmov.outcome(*nlopt_altmov(lib, *bobyqa_altmov.arrays(s))),
               lambda s: bobyqa_altmov.outcome(*_impl("altmov")(*bobyqa_altmov.arrays(s))), bobyqa_altmov.tie_states),
    "rescue": (bobyqa_rescue, nlopt_rescue,
               lambda s: bobyqa_rescue.run_rescue(_impl("rescue"), _impl("State"), _impl("Evaluator"), s), captured),
}


def check(lib) -> None:
    """impl's TRSBOX and ALTMOV beside NLopt's at every call of hp.bobyqa/npt's first runs; RESCUE on the states it
    receives in 60 runs made to call it."""
    bobyqb = importlib.import_module("impl.search.bobyqa.bobyqb")
    counts = {}
    for part, low in (("trsbox", nlopt_trsbox), ("altmov", nlopt_altmov)):
        record, ours, tally = JUDGES[part][0], getattr(bobyqb, part), counts.setdefault(part, [0, 0])

        def beside(*args, ours=ours, record=record, low=low, tally=tally):
            out = ours(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
            tally[0] += 1
            tally[1] += record.outcome(*out) == record.outcome(*low(lib, *args))
            return out

        setattr(bobyqb, part, beside)
    for run in recorded()["runs"][:20]:
        bobyqa(*arguments(run))
    for part in ("trsbox", "altmov"):
        setattr(bobyqb, part, getattr(importlib.import_module(f"impl.search.bobyqa.{part}"), part))
    states = captured(0, 30) + captured(1, 30)
    counts["rescue"] = [len(states), sum(nlopt_rescue(lib, s) == JUDGES["rescue"][2](s) for s in states)]
    for part, (calls, same) in counts.items():
        print(f"{same} of {calls} {part.upper()} calls bit-identical to NLopt's {part}_")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true")
    p.add_argument("--part", choices=sorted(JUDGES), default="trsbox")
    p.add_argument("--states", type=int, default=0, help="seeded TRSBOX states (bobyqa_trsbox.state)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--ties", default="", help="SEED:INDEX,... of the part's chosen states (tie_states, captured)")
    args = p.parse_args()
    lib = library()
    if args.check:
        check(lib)
        return 0
    record, nlopt, ours, source = JUDGES[args.part]
    states = []
    if args.states:
        rng = np.random.default_rng(args.seed)
        states += [{"case": case, **bobyqa_trsbox.state(rng, case)} for case in range(args.states)]
    picks = [tuple(map(int, t.split(":"))) for t in args.ties.split(",") if t]
    for seed in sorted({s for s, _ in picks}):
        chosen = source(seed, 1 + max(i for s, i in picks if s == seed))
        states += [{"case": f"ties {seed}:{i}", **chosen[i]} for s, i in picks if s == seed]
    if args.part == "trsbox":
        states += [{"case": "overflow", **bobyqa_trsbox.OVERFLOW}, {"case": "far point", **bobyqa_trsbox.FAR_POINT},
                   {"case": "nan step", **bobyqa_trsbox.NAN_STEP}]
    for s in states:
        s["nlopt"] = nlopt(lib, s)
        if ours(s) != s["nlopt"]:
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
