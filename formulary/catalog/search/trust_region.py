"""The MITIE approach (guide §3.2, method 5): Powell's BOBYQA, its parts, and MITIE's
procedure.  The records live in :mod:`.bobyqa_records` and :mod:`.mitie`."""

from formulary.catalog.search import bobyqa_arguments, bobyqa_powell, bobyqa_prelim, bobyqa_records, mitie

RECORDS = (*bobyqa_records.RECORDS, *bobyqa_prelim.RECORDS, *bobyqa_arguments.RECORDS, *bobyqa_powell.RECORDS,
           *mitie.RECORDS)
