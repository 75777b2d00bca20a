#!/usr/bin/env python3
"""Record NLopt's TRSBOX (Powell's routine in NLopt's C translation) on seeded states, for hp.bobyqa/trsbox.

``trsbox_`` is a static function of NLopt's ``bobyqa.c``, which no NLopt build exports.  This
script downloads NLopt's source release from PyPI (``nlopt==2.6.2``, the last one with an sdist)
into ``build/powell-parts``, compiles ``bobyqa.c`` into a library of its own beside a three-line
shim that exports the routine (``gcc -O2 -ffp-contract=off``: no fused multiply-adds, as Powell's
Fortran and NLopt's wheel), and calls it with ctypes on the states of
:func:`formulary.catalog.search.bobyqa_trsbox.state`.

    .venv/bin/python scripts/powell_parts.py --check       # impl's TRSBOX against it on every call of some runs
    .venv/bin/python scripts/powell_parts.py --states 300  # record 300 states (bobyqa_trsbox.json)
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

from formulary.catalog.search.bobyqa_powell import arguments, recorded  # noqa: E402
from formulary.catalog.search.bobyqa_trsbox import STATES, arrays, outcome, state  # noqa: E402
from impl.search.bobyqa.driver import bobyqa  # noqa: E402

WORK = ROOT / "build" / "powell-parts"
SHIM = """\
#include "bobyqa.c"
void nl_trsbox(int n, int npt, double *xpt, double *xopt, double *gopt, double *hq, double *pq, double *sl,
               double *su, double delta, double *xnew, double *d, double *gnew, double *xbdi, double *s, double *hs,
               double *hred, double *dsq, double *crvmin) {
    trsbox_(&n, &npt, xpt, xopt, gopt, hq, pq, sl, su, &delta, xnew, d, gnew, xbdi, s, hs, hred, dsq, crvmin);
}
"""


def library() -> ctypes.CDLL:
    lib = WORK / "libpowellparts.so"
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


def check(lib) -> None:
    """impl's TRSBOX beside NLopt's at every call of hp.bobyqa/npt's first runs."""
    bobyqb = importlib.import_module("impl.search.bobyqa.bobyqb")
    ours, calls, same = bobyqb.trsbox, [0], [0]

    def beside(*args):
        out = ours(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        calls[0] += 1
        same[0] += outcome(*out) == outcome(*nlopt_trsbox(lib, *args))
        return out

    bobyqb.trsbox = beside
    for run in recorded()["runs"][:20]:
        bobyqa(*arguments(run))
    print(f"{same[0]} of {calls[0]} TRSBOX calls bit-identical to NLopt's trsbox_")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true")
    p.add_argument("--states", type=int, default=300)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args()
    lib = library()
    if args.check:
        check(lib)
        return 0
    rng = np.random.default_rng(args.seed)
    states = []
    for case in range(args.states):
        s = state(rng, case)
        states.append({"case": case, **s, "nlopt": outcome(*nlopt_trsbox(lib, *arrays(s)))})
    head = json.dumps({"judge": "NLopt 2.6.2's trsbox_ (bobyqa.c), gcc -O2 -ffp-contract=off",
                       "generator": f"formulary.catalog.search.bobyqa_trsbox.state, seed {args.seed}"})
    lines = ",\n".join(json.dumps(s, separators=(",", ":")) for s in states)  # a state a line
    STATES.write_text(f'{head[:-1]}, "states": [\n{lines}\n]}}\n', encoding="utf-8")
    print(f"wrote {len(states)} states to {STATES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
