"""Accuracy in ULPs against the mpmath oracle (float64, and float32 twins of each class):
candidate and torch side by side, and impl never worse than it was."""

import json
from pathlib import Path

import numpy as np

from formulary import accuracy
from formulary.results import recording

# impl's max ULP per record and class when float32 classes were added (issue 20): speed work
# must not cost accuracy.  A class not listed here (a newer record) is held to its bound only.
BASELINE = json.loads((Path(__file__).parent / "accuracy_baseline.json").read_text(encoding="utf-8"))


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

