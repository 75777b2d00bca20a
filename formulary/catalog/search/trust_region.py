"""The MITIE approach (guide §3.2, method 5): Powell's BOBYQA, its parts, and MITIE's
procedure.  The records live in :mod:`.bobyqa_records` (judged by NLopt), :mod:`.bobyqa_prelim`,
:mod:`.bobyqa_arguments`, :mod:`.bobyqa_powell` (Powell's Fortran at any m), :mod:`.bobyqa_trsbox` and
:mod:`.bobyqa_altmov` (NLopt's trsbox_ and altmov_ state by state) and :mod:`.mitie`."""

from formulary.catalog.search import (
    bobyqa_altmov,
    bobyqa_arguments,
    bobyqa_powell,
    bobyqa_prelim,
    bobyqa_records,
    bobyqa_trsbox,
    mitie,
)

RECORDS = (*bobyqa_records.RECORDS, *bobyqa_prelim.RECORDS, *bobyqa_arguments.RECORDS, *bobyqa_powell.RECORDS,
           *bobyqa_trsbox.RECORDS, *bobyqa_altmov.RECORDS, *mitie.RECORDS)
