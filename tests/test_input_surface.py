"""docs/input-surface.md: every torch-documented input case it lists is a catalog item that exists.

The page maps each case of a mirrored function to the edge, drawn sample, error input,
property check or deviation that the suite runs for it; this test keeps the page and the
catalog from drifting apart, and its counts honest.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from formulary.catalog import by_id

PAGE = Path(__file__).resolve().parent.parent / "docs" / "input-surface.md"
REF = re.compile(r"`(edge|error|deviation|drawn|check):([a-z0-9_./-]+)(?::([^`]*))?`")


def _rows() -> dict[str, list[tuple[str, str]]]:
    """function -> [(case, covered-by cell)] from the per-function tables."""
    rows: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `([A-Za-z0-9_]+)`", line)
        if heading:
            current = heading.group(1)
            rows[current] = []
        elif current and line.startswith("| ") and not line.startswith("| case"):
            case, covered = line.strip("|").rsplit(" | ", 1)
            rows[current].append((case.strip(), covered.strip()))
    return rows


def _counts() -> dict[str, int]:
    section = PAGE.read_text(encoding="utf-8").split("## Counts", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| `([A-Za-z0-9_]+)` \| (\d+) \|$", section, re.M)}


@cache
def _edge_notes(record_id: str) -> frozenset[str]:
    record = by_id(record_id)
    return frozenset(s.note.strip() for dt in record.dtypes for s in record.edges(np.dtype(dt)))


def _missing(kind: str, record_id: str, detail: str) -> str | None:
    """Why the catalog item named by one reference does not exist (None when it does)."""
    try:
        record = by_id(record_id)
    except KeyError:
        return f"no record {record_id}"
    if kind == "drawn":
        return None if record.inputs is not None else f"{record_id} draws no samples"
    if kind == "check":
        return None if record.check is not None else f"{record_id} has no property check"
    if kind == "edge":
        return None if detail.strip() in _edge_notes(record_id) else f"{record_id} has no edge {detail!r}"
    if kind == "error":
        found = {e.sample.note for e in record.errors} | {e.match for e in record.errors}
        return None if detail in found else f"{record_id} has no error input {detail!r}"
    demonstrated = any(d.summary.startswith(detail) and d.demonstrate for d in record.deviations)
    return None if demonstrated else f"{record_id} has no demonstrated deviation beginning {detail!r}"


ROWS = _rows()


def test_every_case_is_covered_and_counted():
    assert len(ROWS) > 40, f"expected the per-function tables, found {len(ROWS)}"
    bare = [(fn, case) for fn, cases in ROWS.items() for case, cell in cases if not REF.search(cell)]
    assert not bare, f"cases without a catalog item: {bare}"
    assert _counts() == {fn: len(cases) for fn, cases in ROWS.items()}, "the Counts table disagrees with the rows"
    total = re.search(r"^\| \*\*total\*\* \| \*\*(\d+)\*\* \|$", PAGE.read_text(encoding="utf-8"), re.M)
    assert total and int(total.group(1)) == sum(len(c) for c in ROWS.values()), "the total disagrees with the rows"


@pytest.mark.parametrize("function", sorted(ROWS))
def test_catalog_items_exist(function):
    refs = [m.groups(default="") for _, cell in ROWS[function] for m in REF.finditer(cell)]
    problems = [p for p in (_missing(*ref) for ref in refs) if p]
    assert not problems, f"{function}: " + "; ".join(problems)
