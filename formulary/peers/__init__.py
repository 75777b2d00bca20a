"""Peer implementations as candidates: the records run against other libraries.

Each subpackage is an adapter with impl's module and function names for the subset
the peer can express (a name it cannot express is simply absent), so that

    formulary check --candidate formulary.peers.onnx_ref --only act.sigmoid

judges the peer by the same records.  :func:`pass_counts` runs every record that a
peer can take and counts passes and failures; ``python -m formulary.peers OUT.json``
writes them for the report.

What a peer is held to: the value checks of a record (``edges``, ``property``,
``forward-*``, and ``backward-*`` where the peer has the backward pass).  Not
``errors``, which is impl's own argument-validation contract (messages naming the
argument), nor ``deviations``, which state where impl differs from torch.
"""

from __future__ import annotations

import dataclasses
import importlib
import warnings

import numpy as np

from formulary import catalog, checks
from formulary.candidate import Candidate, NotFound
from formulary.record import Record

PEERS = {"numpy_ml": "numpy-ml", "onnx_ref": "onnx"}  # adapter -> the PyPI package it needs
VALUE_CHECKS = ("edges", "property", "forward", "backward")


def package(peer: str) -> str:
    if peer not in PEERS:
        raise ValueError(f"peer must be one of {sorted(PEERS)}, got {peer!r}")
    return f"{__name__}.{peer}"


def _has(candidate: Candidate, dotted: str | None) -> bool:
    if not dotted:
        return False
    try:
        candidate.get(dotted)
    except NotFound:
        return False
    return True


def runnable(record: Record, candidate: Candidate) -> Record | None:
    """``record`` as far as the peer can take it: None without its function; forward only without its backward."""
    if record.candidate and not _has(candidate, record.candidate):
        return None
    if record.backward and not _has(candidate, record.backward):
        return dataclasses.replace(record, backward=None, errors=())
    return record


def _gist(message: str, n: int = 4) -> str:
    """The lines of a check's message that say what differed (not the long grad_output, not the repro)."""
    keep = [ln for ln in message.splitlines() if not ln.strip().startswith(("grad_output:", "repro:"))]
    return "\n".join(keep[:n])


def run_record(record: Record, candidate: Candidate, device: str = "cpu") -> dict | None:
    """The peer's result on one record, or None when the peer cannot express it."""
    plan = [c for c in checks.plan(record) if c.partition("-")[0] in VALUE_CHECKS]
    results, message = {}, ""
    for name in plan:
        try:
            checks.run(record, name, candidate, device=device)
            results[name] = "pass"
        except NotFound:
            results[name] = "not provided"  # a property check asked for a name the peer lacks: judge the rest
        except AssertionError as exc:
            results[name] = "fail"
            message = message or _gist(str(exc))
        except Exception as exc:  # the peer raised outside the candidate call: a failure all the same
            results[name] = "error"
            message = message or f"{type(exc).__name__}: {exc}"
    ran = {v for v in results.values() if v != "not provided"}
    if not ran:
        return None
    entry = {"status": "pass" if ran <= {"pass"} else "fail", "checks": results}
    if message:
        entry["message"] = message
    return entry


def pass_counts(peer: str, *, only: list[str] | None = None, device: str = "cpu") -> dict:
    """Run every record whose candidate names the peer provides; count passes and failures.

    Returns ``{"peer", "package", "run", "passed", "failed", "not_provided": [record IDs],
    "records": {record ID: {"status", "checks": {check: status}, "message"?, "forward_only"?}}}``.
    """
    importlib.import_module(package(peer))
    candidate = Candidate(package(peer), label=peer)
    records, missing = {}, []
    for r in catalog.select(only):
        sub = runnable(r, candidate)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # a peer's overflow warnings: its values are judged instead
            entry = run_record(sub, candidate, device) if sub is not None else None
        if entry is None:
            missing.append(r.id)
        else:
            if sub.backward is None and r.backward:
                entry["forward_only"] = True
            records[r.id] = entry
    passed = sum(1 for e in records.values() if e["status"] == "pass")
    return {"peer": peer, "package": PEERS[peer], "run": len(records), "passed": passed,
            "failed": len(records) - passed, "not_provided": missing, "records": records}


def check(peer: str, only: list[str] | None = None, device: str = "cpu") -> int:
    """``formulary check --candidate formulary.peers.PEER``: one line per record the peer can take.

    Exit status as ``formulary check``: 0 all pass, 1 a record failed.
    """
    result = pass_counts(peer, only=only, device=device)
    for rid, entry in result["records"].items():
        print(f"{'ok  ' if entry['status'] == 'pass' else 'FAIL'}  {rid}" + ("  (forward only)" if entry.get("forward_only") else ""))
        if entry.get("message"):
            print("    " + entry["message"].replace("\n", "\n    "))
    if result["not_provided"]:
        print(f"not expressible by {peer}: {', '.join(result['not_provided'])}")
    print(f"{result['passed']} passed, {result['failed']} failed")
    return 1 if result["failed"] else 0
