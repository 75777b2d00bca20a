"""The sharpness meta-test: every known mistake of every record fails that record's checks.

A mistake that passes every check means the checks are blunt; a mistake that only
crashes the candidate does not count as caught.  Runs against impl with one name
replaced by the mistake, whatever ``--candidate`` says.
"""

from formulary import checks
from formulary.candidate import Candidate
from formulary.results import recording


def test_known_mistake_is_caught(record_mistake, device, request):
    record, mistake = record_mistake
    with recording(request.node, record.id, f"mistake:{mistake}") as outcome:
        caught_by, message = checks.which_catches(record, mistake, Candidate("impl"), device=device)
        outcome.extra = {"caught_by": caught_by, "message": message.splitlines()[-2] if "\n" in message else message}
