#!/usr/bin/env python3
"""Re-run a chapter's timed-out mutants without mutmut's wall-clock limit, to tell loops from slow survivors.

mutmut stops a mutant after (est + 1) x timeout_multiplier seconds of wall time (est: its tests' time on the
original) and counts it killed.  On a busy machine a survivor can run past that, so a timeout is not a kill until
it is re-checked: this script runs each timed-out mutant's tests (the same selection, MUTANT_UNDER_TEST set) with
a limit of LIMIT seconds, two at a time, and writes docs/mutation/timeouts_rechecked.json, which
scripts/mutation.py reads: a timeout whose tests pass here is reported as a survivor.

    .venv/bin/python scripts/recheck_timeouts.py --chapter search [--skip-labels]

``--skip-labels`` leaves out BOBYQB's label mutants (a label no branch takes, or a dispatch test that no label
passes), which loop forever by construction.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import mutation as mu  # noqa: E402

LIMIT = 120  # seconds: three times the longest survivor's tests (about 38 s, BOBYQA's)
LABEL = re.compile(r"^(label = |if label (!=|==) )")


def recheck(work: Path, name: str) -> str:
    listed = mu.mutmut(work, "tests-for-mutant", name)
    tests = [line for line in listed.splitlines() if line.startswith("tests/")]
    env = dict(os.environ, MUTANT_UNDER_TEST=name, OMP_NUM_THREADS="1")
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p",
                               "mutation_profile", "--hypothesis-profile", "mutation", *tests], cwd=work / "mutants",
                              env=env, capture_output=True, text=True, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        return f"timeout ({LIMIT} s)"
    return "survived" if done.returncode == 0 else f"killed (exit {done.returncode})"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--chapter", required=True, choices=sorted(mu.CHAPTERS))
    p.add_argument("--skip-labels", action="store_true")
    args = p.parse_args()
    work = ROOT / "build" / "mutation" / args.chapter
    names = [n for n, s in mu.statuses(work).items() if s == "timeout"]
    if args.skip_labels:
        names = [n for n in names if not LABEL.search(mu.mutated_line(mu.mutmut(work, "show", n)))]
    start = time.time()
    with ThreadPoolExecutor(2) as pool:
        results = dict(zip(names, pool.map(lambda n: recheck(work, n), names), strict=True))
    targets = mu.CHAPTERS[args.chapter][0]
    out = {"limit_s": LIMIT, "targets": targets, "sources": mu.sources(targets), "results": results}
    mu.RECHECKED.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    passed = sum(v == "survived" for v in results.values())
    print(f"{len(names)} timeouts re-run in {time.time() - start:.0f} s: {passed} passed (survivors), "
          f"{len(names) - passed} failed or ran past {LIMIT} s; wrote {mu.RECHECKED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
