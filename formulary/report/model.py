"""The conformance document: outcomes of one run joined with the catalog and inventory."""

from __future__ import annotations

import platform
from collections import defaultdict

import hypothesis
import mpmath
import numpy as np
import torch

import formulary
from formulary import catalog, inventory
from formulary.record import SOURCES
from formulary.results import Outcome, record_status

SCHEMA_VERSION = "1.1"  # 1.1: six deviation sources, deviations_by_source, records_without_deviations


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "hypothesis": hypothesis.__version__,
        "mpmath": mpmath.__version__,
        "formulary": formulary.__version__,
    }


def _tolerance_overrides(record) -> list[dict]:
    return [{"dtype": np.dtype(dt).name, "rtol": t.rtol, "atol": t.atol, "reason": t.reason}
            for dt, t in record.tolerances.items()]


def build(outcomes: list[Outcome], *, candidate: str, device: str, profile: str) -> dict:
    by_record: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_record[o.record].append(o)
    records = []
    for r in catalog.records():
        outs = sorted(by_record.get(r.id, []), key=lambda o: o.check)
        checks = [o for o in outs if not o.check.startswith("mistake:") and o.check != "accuracy"]
        mistakes = [o for o in outs if o.check.startswith("mistake:")]
        acc = next((o for o in outs if o.check == "accuracy"), None)
        examples = sum(o.stats.get("examples", 0) for o in checks)
        records.append({
            "id": r.id,
            "inventory_id": r.base_id,
            "chapter": r.chapter,
            "kind": r.kind,
            "section": r.section,
            "equation": r.equation,
            "candidate": r.candidate,
            "reference": r.reference,
            "status": record_status(checks + mistakes + ([acc] if acc else []), r.differs_from_torch) if outs
                else "not run",
            "examples": examples,
            "max_abs_error": max((o.stats.get("max_abs_error", 0.0) for o in checks), default=0.0),
            "max_rel_error": max((o.stats.get("max_rel_error", 0.0) for o in checks), default=0.0),
            "checks": {o.check: {"status": o.status, **o.stats, **({"message": o.message} if o.message else {})}
                       for o in checks},
            "mistakes": {m.name: _mistake_entry(m, outs) for m in r.mistakes},
            "accuracy": acc.extra.get("accuracy", []) if acc else [],
            "findings": {k: v for o in checks for k, v in o.stats.get("findings", {}).items()},
            "deviations": [{"summary": d.summary, "reason": d.reason, "source": d.source} for d in r.deviations],
            "tolerance_overrides": _tolerance_overrides(r),
            "notes": r.notes,
        })
    covered = {r.base_id for r in catalog.records()}
    entries = inventory.entries()
    counts: dict[str, int] = defaultdict(int)
    for rec in records:
        counts[rec["status"]] += 1
    by_source = {s: sum(1 for rec in records for d in rec["deviations"] if d["source"] == s) for s in SOURCES}
    return {
        "schema_version": SCHEMA_VERSION,
        "versions": versions(),
        "candidate": candidate,
        "device": device,
        "hypothesis_profile": profile,
        "summary": {
            "records": len(records),
            "by_status": dict(sorted(counts.items())),
            "deviations_by_source": by_source,
            "records_without_deviations": sum(1 for rec in records if not rec["deviations"]),
            "mistakes": sum(len(r["mistakes"]) for r in records),
            "mistakes_caught": sum(1 for r in records for m in r["mistakes"].values() if m["status"] == "caught"),
            "inventory_ids": len(entries),
            "inventory_covered": sum(1 for e in entries if e.id in covered),
        },
        "missing_inventory_ids": [e.id for e in entries if e.id not in covered],
        "records": records,
    }


def _mistake_entry(mistake, outs: list[Outcome]) -> dict:
    o = next((o for o in outs if o.check == f"mistake:{mistake.name}"), None)
    entry = {"description": mistake.description}
    if o is None:
        return {**entry, "status": "not run"}
    if o.status == "pass":
        return {**entry, "status": "caught", "caught_by": o.extra.get("caught_by", "")}
    return {**entry, "status": "NOT CAUGHT" if o.status == "fail" else "error", "message": o.message}
