"""One peer's whole run, in a worker process of its own (``python -m formulary.peers`` starts them):
its records, and for a framework (JAX, TensorFlow) its float64 accuracy against the mpmath
oracle on the records' accuracy classes; the TensorFlow worker also runs the independent
judges (``cnn.pad.same``, ``loss.*/guide``) on impl, recording which judge ran.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from formulary import accuracy, catalog, checks, profiles
from formulary.candidate import Candidate, NotFound
from formulary.peers import package, pass_counts
from formulary.peers.autodiff import NotProvided
from formulary.peers.journal import Journal

FRAMEWORKS = ("jax", "tensorflow")  # measured against the oracle too
JUDGED = ("cnn.pad.same", "loss.mse/guide", "loss.mae/guide", "loss.msle/guide", "loss.mape/guide",
          "loss.cross_entropy/guide", "loss.hinge/guide", "loss.nll/guide")


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
                           "worst_input": r["candidate_worst_input"], "torch_max_ulp": r["torch_max_ulp"]}
                          for r in rows]
    return out


def judges() -> dict:
    """The independent judges' records run on impl, TensorFlow installed: which judge ran, and its verdict."""
    out = {}
    for record in catalog.select(list(JUDGED)):
        if record.id not in JUDGED:  # select() takes a prefix: cnn.pad.same brings cnn.pad.same/padding
            continue
        try:
            stats = checks.run(record, "property", Candidate("impl"))
            out[record.id] = {"status": "pass", "findings": stats.findings, "judge": stats.findings.get("judge")}
        except AssertionError as exc:
            out[record.id] = {"status": "fail", "message": str(exc)[:2000]}
    return out


def run_peer(peer: str, journal: str | None = None) -> dict:
    """The peer's whole result; with a ``journal`` path, checks finished by an earlier worker are not run again."""
    profiles.load()
    start = time.monotonic()
    result = pass_counts(peer, journal=Journal(journal) if journal else None)
    if peer in FRAMEWORKS:
        result["accuracy"] = accuracy_rows(peer)
    if peer == "tensorflow":
        result["judges"] = judges()
    result["seconds"] = round(time.monotonic() - start, 1)
    return result
