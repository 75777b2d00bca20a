"""Report writers: the outcomes of a run, joined with the catalog, as JSON and Markdown.

``conformance.json`` is the machine-readable form (schema in ``docs/conformance-schema.md``);
``CONFORMANCE.md`` the human one.  Both are deterministic for a given catalog,
candidate and hypothesis profile: no timestamps, no timings (pytest's JUnit file,
written beside them, carries those).
"""

from __future__ import annotations

import json
from pathlib import Path

from formulary.report.model import build
from formulary.report.markdown import render


def write_all(out_dir, outcomes, *, candidate: str, device: str, profile: str) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = build(outcomes, candidate=candidate, device=device, profile=profile)
    (out / "conformance.json").write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "CONFORMANCE.md").write_text(render(doc), encoding="utf-8")
    return doc
