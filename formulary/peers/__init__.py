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
argument), nor ``deviations``, which state where impl differs from torch.  A check whose
call reaches an option the framework lacks (the adapter raises :class:`NotProvided`) is
"not provided", not failed.

A failed record is looked up in :mod:`formulary.peers.triage`: a disagreement triaged
as a *convention* makes the record a ``deviation``; a *framework error* stays ``fail``,
with its triage; a failure nobody triaged stays ``fail`` and says so (``untriaged``).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import time
import warnings

import numpy as np

from formulary import catalog, checks
from formulary.candidate import Candidate, NotFound
from formulary.peers import triage
from formulary.peers.autodiff import NotProvided
from formulary.peers.journal import Journal
from formulary.record import Record

# adapter -> the PyPI package it needs
PEERS = {"numpy_ml": "numpy-ml", "onnx_ref": "onnx", "jax": "jax", "tensorflow": "tensorflow-cpu"}
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
    """The lines of a check's message that say what differed (not the long grad_output, not the repro): its
    first line, the input's first line, and the lines naming the difference."""
    lines = message.splitlines()
    keep = lines[:1] + [ln for ln in lines[1:] if ln.strip().startswith(("input:", "output", "grad[", "where ", "#"))
                        or "raised" in ln]
    return "\n".join((keep if len(keep) > 1 else [ln for ln in lines if not ln.strip().startswith(
        ("grad_output:", "repro:"))])[:n])


def _not_provided(exc: BaseException) -> NotProvided | NotFound | None:
    """The :class:`NotProvided` behind ``exc`` (a candidate's raise is wrapped as CandidateCrashed), if any; or
    the :class:`NotFound` of a name the peer lacks, asked for inside a property check (a claim that runs impl's
    basics, counting or networks: not provided by a framework peer, not failed)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (NotProvided, NotFound)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _one_check(record: Record, name: str, candidate: Candidate, device: str, shrink: bool) -> dict:
    """One check's outcome: ``{"status": pass | fail | error | not provided, "message"?, "lacking"?, "findings"?}``."""
    try:
        stats = checks.run(record, name, candidate, device=device, shrink=shrink)
        return {"status": "pass", "findings": dict(getattr(stats, "findings", None) or {})}
    except NotFound:
        return {"status": "not provided"}  # a property check asked for a name the peer lacks: judge the rest
    except AssertionError as exc:
        if (why := _not_provided(exc)) is not None:
            return {"status": "not provided", "lacking": f"{name}: {why}"}
        return {"status": "fail", "message": _gist(str(exc))}
    except Exception as exc:  # the peer raised outside the candidate call: a failure all the same
        if (why := _not_provided(exc)) is not None:
            return {"status": "not provided", "lacking": f"{name}: {why}"}
        return {"status": "error", "message": f"{type(exc).__name__}: {exc}"[:1000]}


def run_record(record: Record, candidate: Candidate, device: str = "cpu", shrink: bool = False,
               journal: Journal | None = None) -> dict | None:
    """The peer's result on one record, or None when the peer cannot express it.

    Failing examples are not shrunk by default: a framework compiles (JAX) or traces anew for
    every new shape hypothesis tries, and the triage writes its minimal repro by hand.  With a
    ``journal``, a check already run (before the worker died) is not run again, and the one
    that was running when it died is an error saying so.
    """
    plan = [c for c in checks.plan(record) if c.partition("-")[0] in VALUE_CHECKS]
    results, message, lacking, findings, messages = {}, "", [], {}, {}
    for name in plan:
        outcome = journal.outcome(record.id, name) if journal else None
        if outcome is None:
            if journal:
                journal.start(record.id, name)
            outcome = _one_check(record, name, candidate, device, shrink)
            if journal:
                journal.finish(record.id, name, outcome)
        results[name] = outcome["status"]
        findings.update(outcome.get("findings", {}))
        if "lacking" in outcome:
            lacking.append(outcome["lacking"])
        if "message" in outcome:
            messages[name] = outcome["message"]
            message = message or messages[name]
    ran = {v for v in results.values() if v != "not provided"}
    if not ran:
        return None
    entry = {"status": "pass" if ran <= {"pass"} else "fail", "checks": results}
    if message:
        entry["message"] = message
    if len(messages) > 1:
        entry["messages"] = messages  # each failing check's own gist (the triage names the checks it explains)
    if lacking:
        entry["not_provided"] = sorted(set(lacking))
    if "judge" in findings:
        entry["judge"] = findings["judge"]
    return entry


def pass_counts(peer: str, *, only: list[str] | None = None, device: str = "cpu",
                journal: Journal | None = None) -> dict:
    """Run every record whose candidate names the peer provides; count passes and failures.

    Returns ``{"peer", "package", "run", "passed", "failed", "not_provided": [record IDs],
    "records": {record ID: {"status", "checks": {check: status}, "message"?, "forward_only"?}}}``.
    """
    importlib.import_module(package(peer))
    candidate = Candidate(package(peer), label=peer)
    records, missing = {}, []
    for r in catalog.select(only):
        sub = runnable(r, candidate)
        start = time.monotonic()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # a peer's overflow warnings: its values are judged instead
            entry = run_record(sub, candidate, device, journal=journal) if sub is not None else None
        if entry is None:
            missing.append(r.id)
        else:
            entry["seconds"] = round(time.monotonic() - start, 2)  # where a slow peer's run goes (JAX: compiles)
            if sub.backward is None and r.backward:
                entry["forward_only"] = True
            records[r.id] = entry
    for rid, entry in records.items():
        triage.apply(peer, rid, entry)
    return {"peer": peer, "package": PEERS[peer], "version": _version(PEERS[peer]), **_counts(records),
            "not_provided": missing, "records": records}


def _counts(records: dict) -> dict:
    count = {s: sum(1 for e in records.values() if e["status"] == s) for s in ("pass", "deviation", "fail")}
    return {"run": len(records), "passed": count["pass"], "deviations": count["deviation"], "failed": count["fail"],
            "untriaged": sorted(r for r, e in records.items()
                                if e["status"] == "fail" and ("triage" not in e or "untriaged_checks" in e))}


def retriage(peer: str, result: dict) -> dict:
    """``result`` (a peer's entry in peers.json) with today's :mod:`~formulary.peers.triage` applied afresh: each
    record's status recomputed from its checks' verdicts, which the run recorded, and the counts with it.
    The records are not run again; what a triage entry explains is decided by the same :func:`triage.apply`."""
    for rid, entry in result["records"].items():
        ran = {v for v in entry["checks"].values() if v != "not provided"}
        entry["status"] = "pass" if ran <= {"pass"} else "fail"
        for key in ("triage", "untriaged_checks", "stale_triage"):
            entry.pop(key, None)
        triage.apply(peer, rid, entry)
    result.update(_counts(result["records"]))
    return result


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def check(peer: str, only: list[str] | None = None, device: str = "cpu") -> int:
    """``formulary check --candidate formulary.peers.PEER``: one line per record the peer can take.

    Exit status as ``formulary check``: 0 all pass, 1 a record failed.
    """
    result = pass_counts(peer, only=only, device=device)
    for rid, entry in result["records"].items():
        mark = {"pass": "ok  ", "deviation": "DEV ", "fail": "FAIL"}[entry["status"]]
        print(f"{mark}  {rid}" + ("  (forward only)" if entry.get("forward_only") else ""))
        if entry.get("triage"):
            print(f"    triage: {entry['triage']['class']}: {entry['triage']['summary']}")
        if entry.get("message"):
            print("    " + entry["message"].replace("\n", "\n    "))
    if result["not_provided"]:
        print(f"not expressible by {peer}: {', '.join(result['not_provided'])}")
    print(f"{result['passed']} passed, {result['deviations']} deviations (conventions), {result['failed']} failed")
    return 1 if result["failed"] else 0
