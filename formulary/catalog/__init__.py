"""The catalog: every record of every chapter.

Each module of this package holds one chapter's records in a tuple ``RECORDS``; the
modules are discovered, so a new chapter needs no registration; a module whose name
starts with ``_`` is a helper shared by chapters, not a chapter.  Record IDs are unique
across the catalog.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from formulary.record import Record


@cache
def records() -> tuple[Record, ...]:
    out: list[Record] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        out.extend(module.RECORDS)
    seen: set[str] = set()
    for r in out:
        if r.id in seen:
            raise ValueError(f"duplicate record id {r.id!r}")
        seen.add(r.id)
    return tuple(out)


def by_id(record_id: str) -> Record:
    for r in records():
        if r.id == record_id:
            return r
    raise KeyError(record_id)


def select(ids: list[str] | None) -> tuple[Record, ...]:
    """Records whose ID is one of ``ids`` or a variant of one (``act.gelu`` -> ``act.gelu/tanh``);
    a chapter's name (``act``, ``lstm``) selects its records.

    An ID that selects nothing is a ``KeyError`` naming it.
    """
    if not ids:
        return records()
    chosen, unknown = [], []
    for wanted in ids:
        hits = [r for r in records() if wanted in (r.id, r.base_id, r.chapter)]
        if not hits:
            unknown.append(wanted)
        chosen.extend(h for h in hits if h not in chosen)
    if unknown:
        raise KeyError(", ".join(unknown))
    return tuple(chosen)
