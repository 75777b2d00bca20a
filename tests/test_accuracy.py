"""Accuracy in ULPs against the mpmath oracle (float64, and float32 twins of each class):
candidate and torch side by side, and impl never worse than it was."""

import json
from pathlib import Path

import numpy as np

from formulary import accuracy
from formulary.results import recording

# impl's max ULP per record and class when float32 classes were added (issue 20): speed work
# must not cost accuracy.  A class not listed here (a newer record) is held to its bound only.
# Kept per SIMD target: NumPy's exp, log, expm1 and log1p round differently on AVX-512 and AVX2 CPUs.
BASELINES = json.loads((Path(__file__).parent / "accuracy_baseline.json").read_text(encoding="utf-8"))


def simd_level() -> str:
    """The SIMD target NumPy dispatches its float64 ``exp`` to on this CPU (X86_V4 = AVX-512, X86_V3 = AVX2)."""
    return np.lib.introspect.opt_func_info(func_name="^exp$", signature="float64")["exp"]["dd"]["current"]


def baseline(level: str) -> dict:
    """The baseline for ``level``; on a CPU without one, the worst of the levels measured."""
    if level in BASELINES:
        return BASELINES[level]
    levels = [v for k, v in BASELINES.items() if k != "about"]
    return {rid: {c: {"candidate": max(lv[rid][c]["candidate"] for lv in levels)} for c in classes}
            for rid, classes in levels[0].items()}


BASELINE = baseline(simd_level())


def test_accuracy(record_accuracy, candidate, device, request):
    record = record_accuracy
    with recording(request.node, record.id, "accuracy") as outcome:
        rows = accuracy.measure(record, candidate, device)
        outcome.extra = {"accuracy": rows}
        accuracy.assert_within_bounds(record, rows)
        if any(np.dtype(d) == np.float32 for d in record.dtypes):
            assert any(row["dtype"] == "float32" for row in rows), f"{record.id}: expected float32 accuracy classes"
        if candidate.package == "impl" and not candidate.overrides:
            worse = [f"{row['class']}: {row['candidate_max_ulp']:.4g} ULP, was {before:.4g}"
                     for row in rows
                     if (before := BASELINE.get(record.id, {}).get(row["class"], {}).get("candidate")) is not None
                     and not row["candidate_max_ulp"] <= max(before, 0.5) + 1e-9]
            assert not worse, f"{record.id}: expected no accuracy class worse than before; " + "; ".join(worse)



def test_every_simd_level_has_the_same_classes():
    levels = {k: v for k, v in BASELINES.items() if k != "about"}
    assert set(levels) == {"X86_V4", "X86_V3"}
    shapes = {k: {rid: sorted(c) for rid, c in v.items()} for k, v in levels.items()}
    assert shapes["X86_V4"] == shapes["X86_V3"]
    elu = [v["act.elu"]["bulk [-10, 10]"]["candidate"] for v in levels.values()]
    assert elu[0] != elu[1] and baseline("other")["act.elu"]["bulk [-10, 10]"]["candidate"] == max(elu)
