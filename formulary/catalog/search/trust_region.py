"""The MITIE approach (guide §3.2, method 5): Powell's BOBYQA, its parts, and MITIE's
procedure.  The records live in :mod:`.bobyqa_records` (judged by NLopt), :mod:`.bobyqa_prelim`,
:mod:`.bobyqa_arguments`, :mod:`.bobyqa_powell` (Powell's Fortran at any m), :mod:`.bobyqa_trsbox`,
:mod:`.bobyqa_altmov` and :mod:`.bobyqa_rescue` (NLopt's trsbox_, altmov_ and rescue_ state by state) and
:mod:`.mitie`."""

from formulary.catalog.search import (
    bobyqa_altmov,
    bobyqa_arguments,
    bobyqa_powell,
    bobyqa_prelim,
    bobyqa_records,
    bobyqa_rescue,
    bobyqa_trsbox,
    mitie,
)

RECORDS = (*bobyqa_records.RECORDS, *bobyqa_prelim.RECORDS, *bobyqa_arguments.RECORDS, *bobyqa_powell.RECORDS,
           *bobyqa_trsbox.RECORDS, *bobyqa_altmov.RECORDS, *bobyqa_rescue.RECORDS,
           *mitie.RECORDS)
