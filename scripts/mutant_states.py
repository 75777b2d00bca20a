#!/usr/bin/env python3
"""Find the states on which a surviving mutant of a BOBYQA part (TRSBOX, ALTMOV, RESCUE) changes the part's output.

Whole runs reach few of these parts' rare branches (``scripts/bobyqa_infection.py``).  This script
calls the part directly, as the original and as each of its surviving mutants (mutmut's
trampolines in ``build/mutation/search/mutants``, after ``make mutation CHAPTER=search``, switched
by ``MUTANT_UNDER_TEST``), on the part's candidate states (``scripts/powell_parts.py``'s source:
the record module's ``tie_states`` for TRSBOX and ALTMOV, the states RESCUE receives in forced
runs for RESCUE), and prints, for each mutant that some state tells apart, the first such state
as ``seed:index``.  Those states are then judged by NLopt and recorded with
``scripts/powell_parts.py --part PART --ties SEED:INDEX,...``: NLopt, not the mutants, decides
what is right.

    .venv/bin/python scripts/mutant_states.py trsbox --seeds 0 1 2 --count 4000
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "mutation" / "search" / "mutants"


class Late(Exception):
    pass


def _late(*_):
    raise Late


def _outcome(ours, state, mutant: str):
    """The part's output on a state as its record compares it, or why there is none (a mutant may raise or loop)."""
    os.environ["MUTANT_UNDER_TEST"] = mutant
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        return ours(state)
    except Late:
        return "timeout"
    except Exception as e:  # a mutant's crash tells it apart as surely as a wrong number
        return f"error {type(e).__name__}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        os.environ["MUTANT_UNDER_TEST"] = "none"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("part", choices=["trsbox", "altmov", "rescue"])
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--count", type=int, default=2000)
    args = p.parse_args()
    survived = json.loads((ROOT / "docs" / "mutation" / "search.json").read_text(encoding="utf-8"))["survived"]
    names = [m["name"] for m in survived if m["name"].startswith(f"impl.search.bobyqa.{args.part}.")]
    os.environ["MUTANT_UNDER_TEST"] = "none"
    sys.path.insert(0, str(TREE))  # impl from the mutated tree, imported first so that it stays the one loaded ...
    importlib.import_module("impl.search.bobyqa")
    sys.path.insert(0, str(ROOT / "scripts"))  # ... the judges' table (which puts the project on the path) next
    parts = importlib.import_module("powell_parts")
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, _late)
    _, _, ours, source = parts.JUDGES[args.part]
    found: dict[str, str] = {}
    for seed in args.seeds:
        for index, state in enumerate(source(seed, args.count)):
            want = _outcome(ours, state, "none")
            if isinstance(want, str) or any(v != v for v in want.values()):  # no answer, or a NaN that equals nothing
                continue
            for name in [n for n in names if n not in found]:
                if _outcome(ours, state, name) != want:
                    found[name] = f"{seed}:{index}"
    print(f"{len(found)} of {len(names)} surviving {args.part} mutants told apart")
    for name, where in sorted(found.items(), key=lambda kv: (kv[0].rsplit("_", 1)[0], int(kv[0].rsplit("_", 1)[1]))):
        print(f"  {name}: {where}")
    print("--ties", ",".join(sorted(set(found.values()), key=lambda w: tuple(map(int, w.split(":"))))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
