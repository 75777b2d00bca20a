"""``python -m formulary.peers OUT.json [PEER ...]``: every peer's results, for the report.

Each peer runs in a worker process of its own, two at a time (JAX and TensorFlow each
load a runtime that the other need not share; two workers fill two cores).  Beside its
per-record results a framework peer (JAX, TensorFlow) gets its float64 accuracy against
the mpmath oracle on the records' accuracy classes, and the TensorFlow worker also runs
the independent judges (``cnn.pad.same``, ``loss.*/guide``) on impl, recording which judge
ran.  A peer whose package is not installed is left out, and said so.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from formulary import accuracy, catalog, checks, profiles
from formulary.candidate import Candidate, NotFound
from formulary.peers import PEERS, package, pass_counts
from formulary.peers.autodiff import NotProvided

FRAMEWORKS = ("jax", "tensorflow")  # measured against the oracle too
JUDGED = ("cnn.pad.same", "loss.mse/guide", "loss.mae/guide", "loss.msle/guide", "loss.mape/guide",
          "loss.cross_entropy/guide", "loss.hinge/guide", "loss.nll/guide")
ORDER = ("jax", "tensorflow", "numpy_ml", "onnx_ref")  # the slowest first


def accuracy_rows(peer: str) -> dict:
    """{record ID: [{class, n, max_ulp, worst_input, torch_max_ulp}]} for the records with accuracy classes."""
    candidate, out = Candidate(package(peer), label=peer), {}
    for record in catalog.select(None):
        if not record.accuracy:
            continue
        try:
            candidate.get(record.candidate)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                rows = accuracy.measure(record, candidate)
        except (NotFound, NotProvided):
            continue
        out[record.id] = [{"class": r["class"], "n": r["n"], "max_ulp": r["candidate_max_ulp"],
                           "worst_input": r["candidate_worst_input"], "torch_max_ulp": r["torch_max_ulp"]} for r in rows]
    return out


def judges() -> dict:
    """The independent judges' records run on impl here, where TensorFlow is installed: which judge ran, and its verdict."""
    out = {}
    for record in catalog.select(list(JUDGED)):
        try:
            stats = checks.run(record, "property", Candidate("impl"))
            out[record.id] = {"status": "pass", "findings": stats.findings, "judge": stats.findings.get("judge")}
        except AssertionError as exc:
            out[record.id] = {"status": "fail", "message": str(exc)[:2000]}
    return out


def run_peer(peer: str) -> dict:
    profiles.load()
    start = time.monotonic()
    result = pass_counts(peer)
    if peer in FRAMEWORKS:
        result["accuracy"] = accuracy_rows(peer)
    if peer == "tensorflow":
        result["judges"] = judges()
    result["seconds"] = round(time.monotonic() - start, 1)
    return result


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, results = Path(argv[0]), {}
    names = sorted(argv[1:] or PEERS, key=lambda p: ORDER.index(p) if p in ORDER else len(ORDER))
    start = time.monotonic()
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {peer: pool.submit(run_peer, peer) for peer in names}
        for peer, future in futures.items():
            try:
                results[peer] = r = future.result()
            except ModuleNotFoundError as exc:
                print(f"{peer}: not installed ({exc}); pip install {PEERS[peer]}", file=sys.stderr)
                continue
            print(f"{peer}: {r['run']} records provided: {r['passed']} pass, {r['deviations']} deviation, "
                  f"{r['failed']} fail ({len(r['untriaged'])} untriaged); {len(r['not_provided'])} not provided; "
                  f"{r['seconds']} s")
    print(f"peers: {time.monotonic() - start:.0f} s wall")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n",
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
