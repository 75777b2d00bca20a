"""Report writers: the outcomes of a run, joined with the catalog, as JSON and Markdown.

``conformance.json`` is the machine-readable form (schema in ``docs/conformance-schema.md``);
``CONFORMANCE.md`` the human one.  Both are deterministic for a given catalog,
candidate and hypothesis profile: no timestamps, no timings (pytest's JUnit file,
written beside them, carries those).
"""

from __future__ import annotations

import json
from pathlib import Path

from formulary.report.markdown import render
from formulary.report.model import build

EXTRAS = (("mutation", "mutation.json"), ("peers", "peers.json"))  # written by `make mutation`, `make peers`


def with_extras(doc: dict, out_dir) -> dict:
    """``doc`` joined with the mutation score and the peers' counts found in ``out_dir``.

    They come from their own, slower runs, so they are read beside the report rather
    than stored in ``conformance.json``.
    """
    doc = dict(doc)
    for key, name in EXTRAS:
        path = Path(out_dir) / name
        if path.is_file():
            doc[key] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def write_all(out_dir, outcomes, *, candidate: str, device: str, profile: str) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = build(outcomes, candidate=candidate, device=device, profile=profile)
    (out / "conformance.json").write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    (out / "CONFORMANCE.md").write_text(render(with_extras(doc, out)), encoding="utf-8")
    return doc
