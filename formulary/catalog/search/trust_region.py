"""The MITIE approach (guide §3.2, method 5): Powell's BOBYQA, its parts, and MITIE's
procedure.  The records live in :mod:`.bobyqa_records` and :mod:`.mitie`."""

from formulary.catalog.search import bobyqa_records, mitie

RECORDS = (*bobyqa_records.RECORDS, *mitie.RECORDS)
