"""The catalog-driven templates: every record's checks, against the chosen candidate.

Parametrized by the formulary plugin over the catalog (``record_check``); each case
runs one named check of one record (edges, errors, property, forward-DTYPE,
backward-DTYPE, deviations) and records its outcome for the reports.
"""

from formulary import checks
from formulary.results import recording


def test_record(record_check, candidate, device, request):
    record, check = record_check
    with recording(request.node, record.id, check) as outcome:
        outcome.stats = checks.run(record, check, candidate, device=device)
