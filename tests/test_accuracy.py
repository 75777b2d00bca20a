"""Accuracy in float64 ULPs against the mpmath oracle: candidate and torch side by side."""

from formulary import accuracy
from formulary.results import recording


def test_accuracy(record_accuracy, candidate, device, request):
    record = record_accuracy
    with recording(request.node, record.id, "accuracy") as outcome:
        rows = accuracy.measure(record, candidate, device)
        outcome.extra = {"accuracy": rows}
        accuracy.assert_within_bounds(record, rows)
